#include "kvm_probe_cache.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "cvm_cleanup.h"
#include "cvm_fileio.h"
#include "cvm_json.h"
#include "procinfo.h"

#define CACHED_PREFIX "cached this boot: "

static const char *jstr(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) && json_object_is_type(v, json_type_string) ? json_object_get_string(v)
											       : NULL;
}

static bool jbool(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) && json_object_get_boolean(v);
}

static bool key_matches(json_object *o, const char *boot, const char *sha, const char *root)
{
	const char *b = jstr(o, "boot_id"), *s = jstr(o, "emulator_sha256"), *r = jstr(o, "host_root");

	return b && s && r && strcmp(b, boot) == 0 && strcmp(s, sha) == 0 && strcmp(r, root) == 0;
}

static bool load(const char *path, const char *boot, const char *sha, const char *root, struct cvm_kvm_probe *out)
{
	cvm_autofree uint8_t *buf = NULL;
	cvm_autojson json_object *o = NULL;
	size_t len = 0;
	const char *detail;

	if (cvm_read_file(path, 65536, &buf, &len, NULL) < 0 ||
	    cvm_json_parse_object((const char *)buf, path, &o, NULL) < 0 || !key_matches(o, boot, sha, root))
		return false;
	detail = jstr(o, "detail");
	if (!detail)
		return false;
	memset(out, 0, sizeof(*out));
	out->device = jbool(o, "device");
	out->create_vm = jbool(o, "create_vm");
	out->runs = jbool(o, "vcpu_runs");
	out->firmware = jbool(o, "firmware_posts");
	out->usable = jbool(o, "usable");
	snprintf(out->detail, sizeof(out->detail), CACHED_PREFIX "%s", detail);
	return true;
}

static void store(const char *path, const char *boot, const char *sha, const char *root,
		  const struct cvm_kvm_probe *k)
{
	cvm_autojson json_object *o = json_object_new_object();
	const char *text;

	json_object_object_add(o, "boot_id", json_object_new_string(boot));
	json_object_object_add(o, "emulator_sha256", json_object_new_string(sha));
	json_object_object_add(o, "host_root", json_object_new_string(root));
	json_object_object_add(o, "device", json_object_new_boolean(k->device));
	json_object_object_add(o, "create_vm", json_object_new_boolean(k->create_vm));
	json_object_object_add(o, "vcpu_runs", json_object_new_boolean(k->runs));
	json_object_object_add(o, "firmware_posts", json_object_new_boolean(k->firmware));
	json_object_object_add(o, "usable", json_object_new_boolean(k->usable));
	json_object_object_add(o, "detail", json_object_new_string(k->detail));
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY);
	(void)cvm_write_atomic(path, text, strlen(text), 0600, NULL); /* a cache: losing it costs a probe */
}

void cvm_kvm_probe_cached(const struct cvm_hostcfg *cfg, const char *emulator, const char *emulator_sha256,
			  int timeout_ms, bool refresh, struct cvm_kvm_probe *out)
{
	char dir[PATH_MAX], path[PATH_MAX + 32], boot[37];
	bool cacheable = emulator && emulator_sha256 && cvm_proc_boot_id(boot) == 0 &&
			 snprintf(dir, sizeof(dir), "%s/cache", cfg->state_dir) < (int)sizeof(dir);

	if (cacheable) {
		snprintf(path, sizeof(path), "%s/kvm-probe.json", dir);
		if (!refresh && load(path, boot, emulator_sha256, cfg->host_root, out))
			return;
	}
	cvm_kvm_probe(cfg->host_root, emulator, timeout_ms, out);
	if (cacheable && cvm_mkdir_p(dir, 0700, NULL) == 0)
		store(path, boot, emulator_sha256, cfg->host_root, out);
}
