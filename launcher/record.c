#include "record.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "cvm_cleanup.h"
#include "cvm_fileio.h"

static json_object *argv_json(const struct cvm_argv *a)
{
	json_object *arr = json_object_new_array();

	for (size_t i = 0; i < a->n; i++)
		json_object_array_add(arr, json_object_new_string(a->v[i]));
	return arr;
}

static json_object *take_or(json_object **o, const char *key, const char *val)
{
	json_object *r = *o;

	*o = NULL;
	if (!r) {
		r = json_object_new_object();
		json_object_object_add(r, key, json_object_new_string(val));
	}
	return r;
}

void cvm_record_layers_free(struct cvm_record_layers *l)
{
	json_object_put(l->selinux);
	json_object_put(l->sandbox);
	json_object_put(l->confidential);
	l->selinux = l->sandbox = l->confidential = NULL;
}

int cvm_record_write(const struct cvm_hostcfg *cfg, const struct cvm_prepared *p,
		     const struct cvm_tenant_state *st, const struct cvm_argv *argv,
		     struct cvm_record_layers *layers, char *path_out, size_t path_len, cvm_err *err)
{
	cvm_autojson json_object *r = json_object_new_object();
	json_object *emu = json_object_new_object();
	json_object *accel = json_object_new_object();
	char dir[PATH_MAX], when[32];
	time_t now = time(NULL);
	struct tm tm;
	const char *text;

	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_object_object_add(r, "format", json_object_new_string("cvm-launch-record/1"));
	json_object_object_add(r, "tenant", json_object_new_string(st->name));
	json_object_object_add(r, "uuid", json_object_new_string(st->uuid));
	json_object_object_add(r, "time", json_object_new_string(when));
	json_object_object_add(r, "boot_id", json_object_new_string(st->boot_id));
	json_object_object_add(emu, "path", json_object_new_string(p->emulator));
	json_object_object_add(emu, "sha256", json_object_new_string(p->emulator_sha256));
	json_object_object_add(r, "emulator", emu);
	json_object_object_add(r, "argv", argv_json(argv));
	json_object_object_add(accel, "requested", json_object_new_string(cvm_accel_name(p->spec.accel)));
	json_object_object_add(accel, "used", json_object_new_string(cvm_accel_name(p->accel)));
	json_object_object_add(accel, "kvm_probe", json_object_new_string(p->kvm.detail));
	if (p->accel_note[0])
		json_object_object_add(accel, "notice", json_object_new_string(p->accel_note));
	json_object_object_add(r, "accel", accel);
	json_object_object_add(r, "guest_pid", json_object_new_int64(st->guest_pid));
	json_object_object_add(r, "uid", json_object_new_int64(st->uid));
	json_object_object_add(r, "gid", json_object_new_int64(st->gid));
	json_object_object_add(r, "selinux", take_or(&layers->selinux, "state", "off"));
	if (layers->sandbox) {
		json_object_object_foreach(layers->sandbox, k, v)
			json_object_object_add(r, k, json_object_get(v));
		json_object_put(layers->sandbox);
		layers->sandbox = NULL;
	} else {
		json_object_object_add(r, "sandbox_verified", json_object_new_boolean(false));
	}
	json_object_object_add(r, "confidential", take_or(&layers->confidential, "type", "none"));
	text = json_object_to_json_string_ext(r, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
	if (cvm_state_tenant_dir(cfg, st->name, dir, sizeof(dir)) < 0 ||
	    snprintf(path_out, path_len, "%s/record.json", dir) >= (int)path_len)
		return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "record path too long");
	return cvm_write_atomic(path_out, text, strlen(text), 0600, err);
}
