/* What this host offers the guest sandbox, for `cvm-launch probe`. Each
 * field is measured, never assumed: seccomp actions from the kernel, the
 * Landlock ABI from landlock_create_ruleset, cgroup v2 delegation from our
 * own cgroup, namespaces from /proc/self/ns. */
#include "sandbox.h"

#include <errno.h>
#include <stdbool.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <json-c/json.h>
#include <seccomp.h>

#include "cgroup.h"
#include "landlock.h"

static struct json_object *probe_seccomp(void)
{
	static const struct {
		const char *name;
		uint32_t action;
	} acts[] = {
	    {"kill_process", SECCOMP_RET_KILL_PROCESS},
	    {"kill_thread", SECCOMP_RET_KILL_THREAD},
	    {"trap", SECCOMP_RET_TRAP},
	    {"errno", SECCOMP_RET_ERRNO},
	    {"user_notif", SECCOMP_RET_USER_NOTIF},
	    {"trace", SECCOMP_RET_TRACE},
	    {"log", SECCOMP_RET_LOG},
	    {"allow", SECCOMP_RET_ALLOW},
	};
	struct json_object *o = json_object_new_object(), *a = json_object_new_array();
	const struct scmp_version *v = seccomp_version();
	char ver[32];

	for (size_t i = 0; i < sizeof(acts) / sizeof(acts[0]); i++) {
		uint32_t act = acts[i].action;
		if (syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &act) == 0)
			json_object_array_add(a, json_object_new_string(acts[i].name));
	}
	snprintf(ver, sizeof(ver), "%u.%u.%u", v->major, v->minor, v->micro);
	bool kill = false, log = false, err = false;
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		const char *n = json_object_get_string(json_object_array_get_idx(a, i));
		kill |= strcmp(n, "kill_process") == 0;
		log |= strcmp(n, "log") == 0;
		err |= strcmp(n, "errno") == 0;
	}
	char detail[256];
	snprintf(detail, sizeof(detail), "libseccomp %s (API %u); kill_process %s, errno %s, log %s", ver,
	         seccomp_api_get(), kill ? "yes" : "no", err ? "yes" : "no",
	         log ? "yes" : "no (seccomp: log unusable)");
	json_object_object_add(o, "available", json_object_new_boolean(kill && err));
	json_object_object_add(o, "detail", json_object_new_string(detail));
	json_object_object_add(o, "actions", a);
	json_object_object_add(o, "libseccomp", json_object_new_string(ver));
	json_object_object_add(o, "api_level", json_object_new_int((int)seccomp_api_get()));
	return o;
}

static struct json_object *probe_landlock(void)
{
	struct json_object *o = json_object_new_object();
	int abi = cvm_landlock_abi();

	char detail[128];

	if (abi > 0)
		snprintf(detail, sizeof(detail), "Landlock ABI %d%s", abi,
		         abi >= 6 ? " (file system, signal and abstract-socket scoping)" : " (file system)");
	else
		snprintf(detail, sizeof(detail), "%s (landlock: require refuses to launch, auto records it)",
		         abi == -ENOSYS       ? "kernel built without Landlock"
		         : abi == -EOPNOTSUPP ? "Landlock disabled at boot (lsm=)"
		                              : strerror(-abi));
	json_object_object_add(o, "available", json_object_new_boolean(abi > 0));
	json_object_object_add(o, "detail", json_object_new_string(detail));
	json_object_object_add(o, "abi", json_object_new_int(abi > 0 ? abi : 0));
	return o;
}

static struct json_object *probe_cgroup(void)
{
	struct json_object *o = json_object_new_object();
	struct cvm_cgroup_probe p;

	char detail[1200];

	cvm_cgroup_probe("/proc", &p);
	if (p.delegated)
		snprintf(detail, sizeof(detail), "cgroup v2 delegated at %s: memory, pids, cpu limits applied",
		         p.parent);
	else
		snprintf(detail, sizeof(detail), "no cgroup limits: %s (rlimits still apply)", p.reason);
	json_object_object_add(o, "available", json_object_new_boolean(p.delegated));
	json_object_object_add(o, "detail", json_object_new_string(detail));
	json_object_object_add(o, "v2", json_object_new_boolean(p.v2_mounted));
	json_object_object_add(o, "mount", json_object_new_string(p.mount));
	json_object_object_add(o, "parent", json_object_new_string(p.parent));
	json_object_object_add(o, "controllers", json_object_new_string(p.controllers));
	json_object_object_add(o, "delegated", json_object_new_boolean(p.delegated));
	if (!p.delegated)
		json_object_object_add(o, "reason", json_object_new_string(p.reason));
	return o;
}

static struct json_object *probe_namespaces(void)
{
	static const char *const ns[] = {"mnt", "pid", "ipc", "uts", "net", "user", "cgroup"};
	struct json_object *o = json_object_new_object();
	char detail[128] = "", missing[64] = "";
	bool all = true;

	for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		char path[64];
		struct stat st;
		bool have;
		snprintf(path, sizeof(path), "/proc/self/ns/%s", ns[i]);
		have = stat(path, &st) == 0;
		json_object_object_add(o, ns[i], json_object_new_boolean(have));
		if (!have && i < 5) { /* mnt pid ipc uts net are what the guest uses */
			all = false;
			snprintf(missing + strlen(missing), sizeof(missing) - strlen(missing), " %s", ns[i]);
		}
	}
	snprintf(detail, sizeof(detail), all ? "mnt, pid, ipc, uts, net namespaces for the guest" : "missing:%s",
	         missing);
	json_object_object_add(o, "available", json_object_new_boolean(all));
	json_object_object_add(o, "detail", json_object_new_string(detail));
	return o;
}

void cvm_sandbox_probe_json(struct json_object *out)
{
	json_object_object_add(out, "seccomp", probe_seccomp());
	json_object_object_add(out, "landlock", probe_landlock());
	json_object_object_add(out, "cgroup", probe_cgroup());
	json_object_object_add(out, "namespaces", probe_namespaces());
}
