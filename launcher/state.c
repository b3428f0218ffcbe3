/* Tenant state files: JSON, written atomically, one folder per tenant. */
#include "state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cvm_cleanup.h"
#include "cvm_fileio.h"
#include "cvm_json.h"

static const char *const status_names[] = { "starting", "running", "stopping", "exited", NULL };

const char *cvm_tenant_status_name(enum cvm_tenant_status s)
{
	return (unsigned)s <= CVM_TENANT_EXITED ? status_names[s] : "?";
}

int cvm_state_check_name(const char *name, cvm_err *err)
{
	size_t len = strlen(name);

	if (len == 0 || len > CVM_NAME_MAX || !((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= '0' && name[0] <= '9')))
		goto bad;
	for (size_t i = 0; i < len; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789_.-", name[i]))
			goto bad;
	if (strstr(name, ".."))
		goto bad;
	return 0;
bad:
	return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
			   "tenant name '%.64s': must match [a-z0-9][a-z0-9_.-]{0,47}", name);
}

int cvm_state_tenant_dir(const struct cvm_hostcfg *cfg, const char *name, char *buf, size_t len)
{
	return snprintf(buf, len, "%s/tenants/%s", cfg->state_dir, name) < (int)len ? 0 : -1;
}

int cvm_state_run_dir(const struct cvm_hostcfg *cfg, const char *name, char *buf, size_t len)
{
	return snprintf(buf, len, "%s/%s", cfg->run_dir, name) < (int)len ? 0 : -1;
}

int cvm_state_lock(const struct cvm_hostcfg *cfg, int *fd, cvm_err *err)
{
	char path[PATH_MAX];
	int lfd;

	if (cvm_mkdir_p(cfg->state_dir, 0700, err) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/lock", cfg->state_dir);
	lfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (lfd < 0)
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "%s", path);
	while (flock(lfd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			close(lfd);
			return cvm_err_sys(err, CVM_EXIT_FAILURE, "lock %s", path);
		}
	}
	*fd = lfd;
	return 0;
}

static json_object *labels_to_json(const struct cvm_tenant_state *st)
{
	json_object *arr = json_object_new_array();

	for (size_t i = 0; i < st->n_labels; i++) {
		const struct cvm_saved_label *l = &st->labels[i];
		json_object *o = json_object_new_object();
		json_object_object_add(o, "path", json_object_new_string(l->path));
		json_object_object_add(o, "context", json_object_new_string(l->context));
		json_object_object_add(o, "relabeled", json_object_new_boolean(l->relabeled));
		json_object_object_add(o, "chowned", json_object_new_boolean(l->chowned));
		json_object_object_add(o, "uid", json_object_new_int64(l->uid));
		json_object_object_add(o, "gid", json_object_new_int64(l->gid));
		json_object_array_add(arr, o);
	}
	return arr;
}

int cvm_state_save(const struct cvm_hostcfg *cfg, const struct cvm_tenant_state *st, cvm_err *err)
{
	char dir[PATH_MAX], path[PATH_MAX + 16];
	cvm_autojson json_object *o = json_object_new_object();
	const char *text;

	if (cvm_state_tenant_dir(cfg, st->name, dir, sizeof(dir)) < 0)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "state path too long");
	if (cvm_mkdir_p(dir, 0700, err) < 0)
		return -1;
	json_object_object_add(o, "name", json_object_new_string(st->name));
	json_object_object_add(o, "uuid", json_object_new_string(st->uuid));
	json_object_object_add(o, "status", json_object_new_string(cvm_tenant_status_name(st->status)));
	json_object_object_add(o, "boot_id", json_object_new_string(st->boot_id));
	json_object_object_add(o, "supervisor_pid", json_object_new_int64(st->supervisor_pid));
	json_object_object_add(o, "supervisor_start", json_object_new_uint64(st->supervisor_start));
	json_object_object_add(o, "guest_pid", json_object_new_int64(st->guest_pid));
	json_object_object_add(o, "guest_start", json_object_new_uint64(st->guest_start));
	json_object_object_add(o, "uid", json_object_new_int64(st->uid));
	json_object_object_add(o, "gid", json_object_new_int64(st->gid));
	json_object_object_add(o, "mcs", json_object_new_string(st->mcs));
	json_object_object_add(o, "accel", json_object_new_string(st->accel));
	json_object_object_add(o, "run_dir", json_object_new_string(st->run_dir));
	json_object_object_add(o, "exit_status", json_object_new_int(st->exit_status));
	json_object_object_add(o, "labels", labels_to_json(st));
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
	snprintf(path, sizeof(path), "%s/state.json", dir);
	return cvm_write_atomic(path, text, strlen(text), 0600, err);
}

static const char *jstr(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
		       ? json_object_get_string(v)
		       : "";
}

static long long jint(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_int64(v) : 0;
}

static void copy_str(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src);
}

static int labels_from_json(json_object *o, struct cvm_tenant_state *st)
{
	json_object *arr;

	if (!json_object_object_get_ex(o, "labels", &arr) || !json_object_is_type(arr, json_type_array))
		return 0;
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *e = json_object_array_get_idx(arr, i);
		json_object *b;
		struct cvm_saved_label l = { 0 };
		copy_str(l.path, sizeof(l.path), jstr(e, "path"));
		copy_str(l.context, sizeof(l.context), jstr(e, "context"));
		l.relabeled = json_object_object_get_ex(e, "relabeled", &b) && json_object_get_boolean(b);
		l.chowned = json_object_object_get_ex(e, "chowned", &b) && json_object_get_boolean(b);
		l.uid = (uid_t)jint(e, "uid");
		l.gid = (gid_t)jint(e, "gid");
		if (cvm_state_add_label(st, &l) < 0)
			return -1;
	}
	return 0;
}

int cvm_state_load(const struct cvm_hostcfg *cfg, const char *name, struct cvm_tenant_state *st,
		   cvm_err *err)
{
	char dir[PATH_MAX], path[PATH_MAX + 16];
	cvm_autofree uint8_t *buf = NULL;
	cvm_autojson json_object *o = NULL;
	size_t len = 0;
	int status;

	memset(st, 0, sizeof(*st));
	if (cvm_state_check_name(name, err) < 0)
		return -1;
	if (cvm_state_tenant_dir(cfg, name, dir, sizeof(dir)) < 0)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "state path too long");
	snprintf(path, sizeof(path), "%s/state.json", dir);
	if (access(path, F_OK) < 0 && errno == ENOENT)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "no tenant named '%s'", name);
	if (cvm_read_file(path, 4 << 20, &buf, &len, err) < 0)
		return -1;
	if (cvm_json_parse_object((const char *)buf, path, &o, err) < 0)
		return -1;
	copy_str(st->name, sizeof(st->name), jstr(o, "name"));
	copy_str(st->uuid, sizeof(st->uuid), jstr(o, "uuid"));
	copy_str(st->boot_id, sizeof(st->boot_id), jstr(o, "boot_id"));
	copy_str(st->mcs, sizeof(st->mcs), jstr(o, "mcs"));
	copy_str(st->accel, sizeof(st->accel), jstr(o, "accel"));
	copy_str(st->run_dir, sizeof(st->run_dir), jstr(o, "run_dir"));
	json_object *sv;
	status = json_object_object_get_ex(o, "status", &sv) ? cvm_json_enum(sv, status_names) : -1;
	st->status = status < 0 ? CVM_TENANT_STARTING : (enum cvm_tenant_status)status;
	st->supervisor_pid = (pid_t)jint(o, "supervisor_pid");
	st->supervisor_start = (unsigned long long)jint(o, "supervisor_start");
	st->guest_pid = (pid_t)jint(o, "guest_pid");
	st->guest_start = (unsigned long long)jint(o, "guest_start");
	st->uid = (uid_t)jint(o, "uid");
	st->gid = (gid_t)jint(o, "gid");
	st->exit_status = (int)jint(o, "exit_status");
	if (strcmp(st->name, name) != 0)
		return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "%s: names tenant '%s', not '%s'", path, st->name, name);
	if (labels_from_json(o, st) < 0)
		return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "%s: out of memory", path);
	return 0;
}

int cvm_state_remove(const struct cvm_hostcfg *cfg, const char *name, cvm_err *err)
{
	char dir[PATH_MAX];

	if (cvm_state_tenant_dir(cfg, name, dir, sizeof(dir)) < 0)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "state path too long");
	return cvm_rm_rf(dir, err);
}

int cvm_state_list(const struct cvm_hostcfg *cfg, char ***names, cvm_err *err)
{
	char dir[PATH_MAX];
	DIR *d;
	struct dirent *de;
	size_t n = 0, cap = 8;
	char **v = calloc(cap, sizeof(*v));

	if (!v)
		return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
	snprintf(dir, sizeof(dir), "%s/tenants", cfg->state_dir);
	d = opendir(dir);
	if (!d) {
		if (errno == ENOENT) {
			*names = v;
			return 0;
		}
		free(v);
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "%s", dir);
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || cvm_state_check_name(de->d_name, NULL) < 0)
			continue;
		if (n + 2 > cap) {
			char **nv = realloc(v, (cap *= 2) * sizeof(*v));
			if (!nv)
				break;
			v = nv;
		}
		v[n] = strdup(de->d_name);
		if (v[n])
			v[++n] = NULL;
	}
	closedir(d);
	v[n] = NULL;
	*names = v;
	return 0;
}

void cvm_state_free(struct cvm_tenant_state *st)
{
	free(st->labels);
	st->labels = NULL;
	st->n_labels = 0;
}

int cvm_state_add_label(struct cvm_tenant_state *st, const struct cvm_saved_label *l)
{
	struct cvm_saved_label *n = realloc(st->labels, (st->n_labels + 1) * sizeof(*n));

	if (!n)
		return -1;
	st->labels = n;
	st->labels[st->n_labels++] = *l;
	return 0;
}
