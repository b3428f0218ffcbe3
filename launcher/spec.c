/* Tenant spec parser: every key is known, typed and range-checked, and every
 * error names the key. Cross-key rules (kernel or firmware, initrd needs a
 * kernel, ...) are checked after all keys. */
#include "spec.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "cvm_cleanup.h"
#include "cvm_fileio.h"
#include "cvm_json.h"

static const char *const accel_names[] = { "auto", "kvm", "tcg", NULL };
static const char *const mode3_names[] = { "off", "auto", "require", NULL };
static const char *const seccomp_names[] = { "off", "log", "enforce", NULL };
static const char *const net_names[] = { "none", "user", "tap", NULL };
static const char *const format_names[] = { "raw", "qcow2", NULL };

const char *cvm_accel_name(enum cvm_accel a)
{
	return (unsigned)a <= CVM_ACCEL_TCG ? accel_names[a] : "?";
}

const char *cvm_mode3_name(enum cvm_mode3 m)
{
	return (unsigned)m <= CVM_MODE_REQUIRE ? mode3_names[m] : "?";
}

const char *cvm_seccomp_mode_name(enum cvm_seccomp_mode m)
{
	return (unsigned)m <= CVM_SECCOMP_ENFORCE ? seccomp_names[m] : "?";
}

struct pctx {
	const char *origin;
	cvm_err *err;
};

static int bad(struct pctx *p, const char *key, const char *reason)
{
	return cvm_err_set(p->err, CVM_EXIT_BADINPUT, 0, "%s: %s: %s", p->origin, key, reason);
}

static int get_path(struct pctx *p, const char *key, json_object *v, char *dst, size_t len)
{
	const char *s;

	if (!json_object_is_type(v, json_type_string))
		return bad(p, key, "must be a string");
	s = json_object_get_string(v);
	if (s[0] != '/')
		return bad(p, key, "must be an absolute path");
	if (strlen(s) >= len)
		return bad(p, key, "path too long");
	if (strchr(s, ','))
		/* QEMU option syntax would need escaping; refuse rather than risk injection */
		return bad(p, key, "path must not contain ','");
	snprintf(dst, len, "%s", s);
	return 0;
}

static int get_enum(struct pctx *p, const char *key, json_object *v, const char *const *names, int *out)
{
	char reason[160];
	int i = cvm_json_enum(v, names);

	if (i < 0) {
		size_t n = (size_t)snprintf(reason, sizeof(reason), "must be one of");
		for (int k = 0; names[k] && n < sizeof(reason); k++)
			n += (size_t)snprintf(reason + n, sizeof(reason) - n, "%s %s", k ? "," : "", names[k]);
		return bad(p, key, reason);
	}
	*out = i;
	return 0;
}

static int get_uint(struct pctx *p, const char *key, json_object *v, long long lo, long long hi,
		    unsigned long long *out)
{
	char reason[96];
	long long x;

	if (cvm_json_int(v, lo, hi, &x) < 0) {
		snprintf(reason, sizeof(reason), "must be an integer in %lld..%lld", lo, hi);
		return bad(p, key, reason);
	}
	*out = (unsigned long long)x;
	return 0;
}

static int get_bool(struct pctx *p, const char *key, json_object *v, bool *out)
{
	if (!json_object_is_type(v, json_type_boolean))
		return bad(p, key, "must be true or false");
	*out = json_object_get_boolean(v);
	return 0;
}

static int parse_disk(struct pctx *p, size_t idx, json_object *o, struct cvm_disk *d)
{
	char key[64];
	bool have_path = false;
	int e;

	snprintf(key, sizeof(key), "disks[%zu]", idx);
	if (!json_object_is_type(o, json_type_object))
		return bad(p, key, "must be an object");
	json_object_object_foreach(o, k, v) {
		snprintf(key, sizeof(key), "disks[%zu].%s", idx, k);
		if (strcmp(k, "path") == 0) {
			if (get_path(p, key, v, d->path, sizeof(d->path)) < 0)
				return -1;
			have_path = true;
		} else if (strcmp(k, "readonly") == 0) {
			if (get_bool(p, key, v, &d->readonly) < 0)
				return -1;
		} else if (strcmp(k, "shared") == 0) {
			if (get_bool(p, key, v, &d->shared) < 0)
				return -1;
		} else if (strcmp(k, "format") == 0) {
			if (get_enum(p, key, v, format_names, &e) < 0)
				return -1;
			d->format = (enum cvm_disk_format)e;
		} else {
			return bad(p, key, "unknown key");
		}
	}
	snprintf(key, sizeof(key), "disks[%zu].path", idx);
	if (!have_path)
		return bad(p, key, "required");
	/* A shared writable image would let tenants corrupt each other through it:
	 * the label without categories is only safe for read-only content. */
	if (d->shared && !d->readonly) {
		snprintf(key, sizeof(key), "disks[%zu].shared", idx);
		return bad(p, key, "a shared disk must also be readonly");
	}
	return 0;
}

static int parse_disks(struct pctx *p, json_object *v, struct cvm_spec *s)
{
	if (!json_object_is_type(v, json_type_array))
		return bad(p, "disks", "must be an array");
	if (json_object_array_length(v) > CVM_SPEC_MAX_DISKS)
		return bad(p, "disks", "at most 16 disks");
	for (size_t i = 0; i < json_object_array_length(v); i++)
		if (parse_disk(p, i, json_object_array_get_idx(v, i), &s->disks[i]) < 0)
			return -1;
	s->n_disks = json_object_array_length(v);
	return 0;
}

static int parse_network(struct pctx *p, json_object *v, struct cvm_spec *s)
{
	int e;

	if (!json_object_is_type(v, json_type_object))
		return bad(p, "network", "must be an object");
	json_object_object_foreach(v, k, val) {
		if (strcmp(k, "mode") == 0) {
			if (get_enum(p, "network.mode", val, net_names, &e) < 0)
				return -1;
			s->net = (enum cvm_net_mode)e;
		} else if (strcmp(k, "tap") == 0) {
			const char *t = json_object_is_type(val, json_type_string) ? json_object_get_string(val) : NULL;
			if (!t || !*t || strlen(t) >= sizeof(s->tap) || strpbrk(t, ",/ "))
				return bad(p, "network.tap", "must be an interface name of 1-15 characters");
			snprintf(s->tap, sizeof(s->tap), "%s", t);
		} else {
			char key[96];
			snprintf(key, sizeof(key), "network.%s", k);
			return bad(p, key, "unknown key");
		}
	}
	if (s->net == CVM_NET_TAP && !s->tap[0])
		return bad(p, "network.tap", "required when network.mode is tap");
	if (s->net != CVM_NET_TAP && s->tap[0])
		return bad(p, "network.tap", "only valid with network.mode tap");
	return 0;
}

static int parse_limits(struct pctx *p, json_object *v, struct cvm_limits *l)
{
	unsigned long long x;

	if (!json_object_is_type(v, json_type_object))
		return bad(p, "limits", "must be an object");
	json_object_object_foreach(v, k, val) {
		if (strcmp(k, "memory_mib") == 0) {
			if (get_uint(p, "limits.memory_mib", val, 64, 16LL << 20, &x) < 0)
				return -1;
			l->memory_mib = x;
		} else if (strcmp(k, "pids") == 0) {
			if (get_uint(p, "limits.pids", val, 16, 65536, &x) < 0)
				return -1;
			l->pids = (unsigned)x;
		} else if (strcmp(k, "cpu_percent") == 0) {
			if (get_uint(p, "limits.cpu_percent", val, 1, 100 * 1024, &x) < 0)
				return -1;
			l->cpu_percent = (unsigned)x;
		} else if (strcmp(k, "nofile") == 0) {
			if (get_uint(p, "limits.nofile", val, 64, 1 << 20, &x) < 0)
				return -1;
			l->nofile = (unsigned)x;
		} else {
			char key[96];
			snprintf(key, sizeof(key), "limits.%s", k);
			return bad(p, key, "unknown key");
		}
	}
	return 0;
}

static int parse_key(struct pctx *p, const char *k, json_object *v, struct cvm_spec *s)
{
	unsigned long long x;
	int e;

	if (strcmp(k, "name") == 0) {
		if (!json_object_is_type(v, json_type_string))
			return bad(p, "name", "must be a string");
		if (cvm_state_check_name(json_object_get_string(v), NULL) < 0)
			return bad(p, "name", "must match [a-z0-9][a-z0-9_.-]{0,47}");
		snprintf(s->name, sizeof(s->name), "%s", json_object_get_string(v));
	} else if (strcmp(k, "vcpus") == 0) {
		if (get_uint(p, k, v, 1, 255, &x) < 0)
			return -1;
		s->vcpus = (unsigned)x;
	} else if (strcmp(k, "memory_mib") == 0) {
		if (get_uint(p, k, v, 16, 16LL << 20, &x) < 0)
			return -1;
		s->memory_mib = x;
	} else if (strcmp(k, "kernel") == 0) {
		return get_path(p, k, v, s->kernel, sizeof(s->kernel));
	} else if (strcmp(k, "initrd") == 0) {
		return get_path(p, k, v, s->initrd, sizeof(s->initrd));
	} else if (strcmp(k, "firmware") == 0) {
		return get_path(p, k, v, s->firmware, sizeof(s->firmware));
	} else if (strcmp(k, "cmdline") == 0) {
		if (!json_object_is_type(v, json_type_string))
			return bad(p, k, "must be a string");
		if (strlen(json_object_get_string(v)) >= sizeof(s->cmdline))
			return bad(p, k, "longer than 4095 bytes");
		snprintf(s->cmdline, sizeof(s->cmdline), "%s", json_object_get_string(v));
	} else if (strcmp(k, "disks") == 0) {
		return parse_disks(p, v, s);
	} else if (strcmp(k, "network") == 0) {
		return parse_network(p, v, s);
	} else if (strcmp(k, "accel") == 0) {
		if (get_enum(p, k, v, accel_names, &e) < 0)
			return -1;
		s->accel = (enum cvm_accel)e;
	} else if (strcmp(k, "selinux") == 0) {
		if (get_enum(p, k, v, mode3_names, &e) < 0)
			return -1;
		s->selinux = (enum cvm_mode3)e;
	} else if (strcmp(k, "landlock") == 0) {
		if (get_enum(p, k, v, mode3_names, &e) < 0)
			return -1;
		s->landlock = (enum cvm_mode3)e;
	} else if (strcmp(k, "seccomp") == 0) {
		if (get_enum(p, k, v, seccomp_names, &e) < 0)
			return -1;
		s->seccomp = (enum cvm_seccomp_mode)e;
	} else if (strcmp(k, "limits") == 0) {
		return parse_limits(p, v, &s->limits);
	} else if (strcmp(k, "confidential") == 0) {
		if (cvm_conf_parse(v, &s->conf, p->err) < 0)
			return cvm_err_prefix(p->err, "%s: ", p->origin);
	} else {
		return bad(p, k, "unknown key");
	}
	return 0;
}

static int check_whole(struct pctx *p, struct cvm_spec *s)
{
	if (!s->name[0])
		return bad(p, "name", "required");
	if (!s->kernel[0] && !s->firmware[0])
		return bad(p, "kernel", "a kernel or a firmware is required");
	if (s->initrd[0] && !s->kernel[0])
		return bad(p, "initrd", "needs a kernel");
	if (s->cmdline[0] && !s->kernel[0])
		return bad(p, "cmdline", "needs a kernel");
	if (s->limits.memory_mib && s->limits.memory_mib < s->memory_mib)
		return bad(p, "limits.memory_mib", "must be at least memory_mib (guest RAM)");
	return 0;
}

int cvm_spec_parse(const char *json, const char *origin, struct cvm_spec *spec, cvm_err *err)
{
	cvm_autojson json_object *root = NULL;
	json_object *conf = NULL;
	struct pctx p = { .origin = origin, .err = err };

	memset(spec, 0, sizeof(*spec));
	spec->vcpus = 1;
	spec->memory_mib = 256;
	spec->selinux = CVM_MODE_AUTO;
	spec->landlock = CVM_MODE_AUTO;
	spec->seccomp = CVM_SECCOMP_ENFORCE;
	if (cvm_json_parse_object(json, origin, &root, err) < 0)
		return -1;
	json_object_object_foreach(root, k, v) {
		if (parse_key(&p, k, v, spec) < 0)
			return -1;
	}
	if (!json_object_object_get_ex(root, "confidential", &conf) && cvm_conf_parse(NULL, &spec->conf, err) < 0)
		return -1;
	return check_whole(&p, spec);
}

int cvm_spec_load(const char *path, struct cvm_spec *spec, cvm_err *err)
{
	cvm_autofree uint8_t *buf = NULL;
	size_t len = 0;

	if (cvm_read_file(path, 1 << 20, &buf, &len, err) < 0)
		return cvm_err_prefix(err, "spec: ");
	if (memchr(buf, '\0', len))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: contains a NUL byte", path);
	return cvm_spec_parse((const char *)buf, path, spec, err);
}
