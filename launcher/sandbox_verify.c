/* Check the guest process from the outside, every task of it, and say which
 * claim failed (STYLE 13). A thread that appears after the scan was created
 * by a task that passed, and inherits its credentials and filters. */
#include "sandbox_verify.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "cvm_cleanup.h"
#include "cvm_fileio.h"
#include "seccomp_policy.h"

enum {
	F_UID = 1u << 0,
	F_GID = 1u << 1,
	F_CAPINH = 1u << 2,
	F_CAPPRM = 1u << 3,
	F_CAPEFF = 1u << 4,
	F_CAPBND = 1u << 5,
	F_CAPAMB = 1u << 6,
	F_NNP = 1u << 7,
	F_SECCOMP = 1u << 8,
	F_FILTERS = 1u << 9,
	F_REQUIRED = F_UID | F_GID | F_CAPINH | F_CAPPRM | F_CAPEFF | F_CAPBND | F_CAPAMB | F_NNP | F_SECCOMP,
};

static int parse_ids(const char *v, unsigned long ids[4])
{
	char *end = NULL;

	for (int i = 0; i < 4; i++) {
		errno = 0;
		ids[i] = strtoul(v, &end, 10);
		if (errno || end == v)
			return -1;
		v = end;
	}
	return 0;
}

static int parse_hex64(const char *v, uint64_t *out)
{
	char *end = NULL;

	errno = 0;
	*out = strtoull(v, &end, 16);
	return errno || end == v || (*end && *end != '\n') ? -1 : 0;
}

static int parse_int(const char *v, int *out)
{
	char *end = NULL;
	long x;

	errno = 0;
	x = strtol(v, &end, 10);
	if (errno || end == v || x < 0 || x > 1000000 || (*end && *end != '\n'))
		return -1;
	*out = (int)x;
	return 0;
}

int cvm_task_status_parse(const char *text, struct cvm_task_status *out)
{
	static const struct {
		const char *key;
		unsigned flag;
	} keys[] = {
	    {"Uid:", F_UID},         {"Gid:", F_GID},
	    {"CapInh:", F_CAPINH},   {"CapPrm:", F_CAPPRM},
	    {"CapEff:", F_CAPEFF},   {"CapBnd:", F_CAPBND},
	    {"CapAmb:", F_CAPAMB},   {"NoNewPrivs:", F_NNP},
	    {"Seccomp:", F_SECCOMP}, {"Seccomp_filters:", F_FILTERS},
	};

	memset(out, 0, sizeof(*out));
	out->no_new_privs = out->seccomp = out->seccomp_filters = -1;
	for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			size_t n = strlen(keys[k].key);
			if (strncmp(line, keys[k].key, n) != 0)
				continue;
			const char *v = line + n;
			int rc;
			while (*v == ' ' || *v == '\t')
				v++;
			switch (keys[k].flag) {
			case F_UID:
				rc = parse_ids(v, out->uid);
				break;
			case F_GID:
				rc = parse_ids(v, out->gid);
				break;
			case F_CAPINH:
				rc = parse_hex64(v, &out->cap_inh);
				break;
			case F_CAPPRM:
				rc = parse_hex64(v, &out->cap_prm);
				break;
			case F_CAPEFF:
				rc = parse_hex64(v, &out->cap_eff);
				break;
			case F_CAPBND:
				rc = parse_hex64(v, &out->cap_bnd);
				break;
			case F_CAPAMB:
				rc = parse_hex64(v, &out->cap_amb);
				break;
			case F_NNP:
				rc = parse_int(v, &out->no_new_privs);
				break;
			case F_SECCOMP:
				rc = parse_int(v, &out->seccomp);
				break;
			default:
				rc = parse_int(v, &out->seccomp_filters);
				break;
			}
			if (rc < 0)
				return -1;
			out->seen |= keys[k].flag;
			break;
		}
	}
	return (out->seen & F_REQUIRED) == F_REQUIRED ? 0 : -1;
}

#define FAIL(...) (snprintf(v->failure, sizeof(v->failure), __VA_ARGS__), v->ok = false, 0)

/* One task's claims, in the order of the sandbox steps. */
static int check_task(const char *tid, const struct cvm_task_status *s, const struct cvm_sandbox_expect *exp,
                      struct cvm_sandbox_verdict *v)
{
	static const char *const which[] = {"real", "effective", "saved", "fs"};

	for (int i = 0; i < 4; i++) {
		if (s->uid[i] != exp->uid)
			return FAIL("task %s: %s uid %lu, expected %u", tid, which[i], s->uid[i], (unsigned)exp->uid);
		if (s->gid[i] != exp->gid)
			return FAIL("task %s: %s gid %lu, expected %u", tid, which[i], s->gid[i], (unsigned)exp->gid);
	}
	if (s->cap_eff || s->cap_prm || s->cap_inh || s->cap_bnd || s->cap_amb)
		return FAIL("task %s: capabilities remain (CapEff %016" PRIx64 " CapPrm %016" PRIx64
		            " CapInh %016" PRIx64 " CapBnd %016" PRIx64 " CapAmb %016" PRIx64 ")",
		            tid, s->cap_eff, s->cap_prm, s->cap_inh, s->cap_bnd, s->cap_amb);
	if (s->no_new_privs != 1)
		return FAIL("task %s: NoNewPrivs %d, expected 1", tid, s->no_new_privs);
	if (exp->seccomp && s->seccomp != 2)
		return FAIL("task %s: Seccomp %d, expected 2 (filter)", tid, s->seccomp);
	if (exp->seccomp && s->seccomp_filters == 0)
		return FAIL("task %s: Seccomp_filters 0, expected at least 1", tid);
	return 0;
}

/* The task's SELinux context (attr/current, NUL-terminated by the kernel). */
static int check_label(const char *proc_root, pid_t pid, const char *tid, const char *want,
                       struct cvm_sandbox_verdict *v)
{
	char path[512];
	cvm_autofree uint8_t *text = NULL;
	size_t len = 0;

	snprintf(path, sizeof(path), "%s/%d/task/%s/attr/current", proc_root, (int)pid, tid);
	if (cvm_read_file(path, 4096, &text, &len, NULL) < 0)
		return FAIL("task %s: cannot read its SELinux context (%s)", tid, path);
	while (len > 0 && (text[len - 1] == '\0' || text[len - 1] == '\n'))
		text[--len] = '\0';
	if (strcmp((const char *)text, want) != 0)
		return FAIL("task %s: SELinux context %.200s, expected %.200s", tid, (const char *)text, want);
	return 0;
}

/* Namespaces of @pid that differ from the supervisor's own. */
static int check_namespaces(const char *proc_root, pid_t pid, const struct cvm_sandbox_expect *exp,
                            struct cvm_sandbox_verdict *v)
{
	static const char *const all[] = {"mnt", "pid", "ipc", "uts", "net", "cgroup"};
	size_t used = 0;

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		char a[512], b[512];
		struct stat sa, sb;
		snprintf(a, sizeof(a), "%s/%d/ns/%s", proc_root, (int)pid, all[i]);
		snprintf(b, sizeof(b), "%s/self/ns/%s", proc_root, all[i]);
		if (stat(b, &sb) < 0)
			continue; /* this kernel lacks the namespace type */
		if (stat(a, &sa) < 0)
			return FAIL("cannot read the %s namespace of process %d: %s", all[i], (int)pid,
			            strerror(errno));
		if (sa.st_ino == sb.st_ino && sa.st_dev == sb.st_dev)
			continue;
		used += (size_t)snprintf(v->namespaces + used, sizeof(v->namespaces) - used, "%s%s", used ? "," : "",
		                         all[i]);
		if (used >= sizeof(v->namespaces))
			break;
	}
	if (!exp->namespaces)
		return 0;
	char want[128];
	snprintf(want, sizeof(want), "%s", exp->namespaces);
	for (char *save = NULL, *t = strtok_r(want, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char probe[80];
		snprintf(probe, sizeof(probe), ",%s,", t);
		char have[80];
		snprintf(have, sizeof(have), ",%s,", v->namespaces);
		if (!strstr(have, probe))
			return FAIL("process %d shares the %s namespace with the supervisor", (int)pid, t);
	}
	return 0;
}

int cvm_sandbox_verify(const char *proc_root, pid_t pid, const struct cvm_sandbox_expect *exp,
                       const struct cvm_seccomp_bpf *bpf, struct cvm_sandbox_verdict *out, cvm_err *err)
{
	char path[512];
	DIR *d;
	struct dirent *de;
	bool first = true;

	memset(out, 0, sizeof(*out));
	out->ok = true;
	out->seccomp_action = "none";
	if (bpf) {
		memcpy(out->bpf_sha256, bpf->sha256, sizeof(out->bpf_sha256));
		snprintf(out->policy_name, sizeof(out->policy_name), "%s", bpf->policy_name);
		out->seccomp_action = bpf->mode == CVM_SCP_MODE_LOG ? "log" : "kill-process";
	}
	snprintf(path, sizeof(path), "%s/%d/task", proc_root, (int)pid);
	d = opendir(path);
	if (!d)
		return cvm_err_sys(err, CVM_EXIT_SANDBOX, "cannot inspect guest process %d (%s)", (int)pid, path);
	while ((de = readdir(d))) {
		cvm_autofree uint8_t *text = NULL;
		struct cvm_task_status s;
		size_t len = 0;
		cvm_err e2 = {0};

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%d/task/%s/status", proc_root, (int)pid, de->d_name);
		if (cvm_read_file(path, 1u << 16, &text, &len, &e2) < 0) {
			if (e2.errnum == ENOENT || e2.errnum == ESRCH)
				continue; /* the thread exited meanwhile */
			snprintf(out->failure, sizeof(out->failure), "task %.32s: %.400s", de->d_name, e2.msg);
			out->ok = false;
			break;
		}
		if (cvm_task_status_parse((const char *)text, &s) < 0) {
			snprintf(out->failure, sizeof(out->failure), "task %s: status lacks a required field",
			         de->d_name);
			out->ok = false;
			break;
		}
		out->n_tasks++;
		if (first) {
			out->uid = s.uid[0];
			out->gid = s.gid[0];
			out->seccomp_mode = s.seccomp;
			out->seccomp_filters = s.seccomp_filters;
			out->no_new_privs = s.no_new_privs == 1;
			first = false;
		}
		check_task(de->d_name, &s, exp, out);
		if (out->ok && exp->label)
			check_label(proc_root, pid, de->d_name, exp->label, out);
		if (!out->ok)
			break;
	}
	closedir(d);
	if (out->ok && out->n_tasks == 0) {
		snprintf(out->failure, sizeof(out->failure), "process %d has no tasks (exited)", (int)pid);
		out->ok = false;
	}
	if (out->ok)
		check_namespaces(proc_root, pid, exp, out);
	return 0;
}

static const char *const seccomp_names[] = {"off", "log", "enforce"};
static const char *const mode3_names[] = {"off", "auto", "require"};

void cvm_sandbox_record_json(const struct cvm_sandbox_record_in *in, struct json_object *record)
{
	const struct cvm_sandbox_verdict *v = in->verdict;
	struct json_object *sc = json_object_new_object(), *ll = json_object_new_object();
	struct json_object *ns = json_object_new_array(), *sb = json_object_new_object();
	const char *llstate = in->landlock == CVM_MODE_OFF ? "off" : in->landlock_abi > 0 ? "enforced" : "unavailable";
	char names[sizeof(v->namespaces)];

	json_object_object_add(record, "sandbox_verified", json_object_new_boolean(v->ok));
	json_object_object_add(sc, "mode", json_object_new_string(seccomp_names[in->seccomp % 3]));
	if (in->seccomp != CVM_SECCOMP_OFF) {
		json_object_object_add(sc, "policy", json_object_new_string(v->policy_name));
		json_object_object_add(sc, "policy_path",
		                       json_object_new_string(in->policy_path ? in->policy_path : ""));
		json_object_object_add(sc, "bpf_sha256", json_object_new_string(v->bpf_sha256));
		json_object_object_add(sc, "default_action", json_object_new_string(v->seccomp_action));
		json_object_object_add(sc, "filters", json_object_new_int(v->seccomp_filters));
	}
	json_object_object_add(record, "seccomp", sc);
	json_object_object_add(ll, "state", json_object_new_string(llstate));
	json_object_object_add(ll, "mode", json_object_new_string(mode3_names[in->landlock % 3]));
	json_object_object_add(ll, "abi", json_object_new_int(in->landlock_abi > 0 ? in->landlock_abi : 0));
	json_object_object_add(record, "landlock", ll);
	snprintf(names, sizeof(names), "%s", v->namespaces);
	for (char *save = NULL, *t = strtok_r(names, ",", &save); t; t = strtok_r(NULL, ",", &save))
		json_object_array_add(ns, json_object_new_string(t));
	json_object_object_add(record, "namespaces", ns);
	json_object_object_add(record, "no_new_privs", json_object_new_boolean(v->ok && v->no_new_privs));
	json_object_object_add(record, "capabilities", json_object_new_string(v->ok ? "none" : "unverified"));
	json_object_object_add(sb, "tasks_verified", json_object_new_int((int)v->n_tasks));
	json_object_object_add(sb, "uid", json_object_new_int64((int64_t)v->uid));
	json_object_object_add(sb, "gid", json_object_new_int64((int64_t)v->gid));
	if (!v->ok)
		json_object_object_add(sb, "failure", json_object_new_string(v->failure));
	if (in->cgroup)
		json_object_object_add(sb, "cgroup", json_object_new_string(in->cgroup));
	else
		json_object_object_add(sb, "cgroup_unavailable",
		                       json_object_new_string(in->cgroup_note ? in->cgroup_note : "not requested"));
	json_object_object_add(record, "sandbox", sb);
}
