#include "tenant_json.h"

#include <limits.h>
#include <string.h>

#include <json-c/json.h>

#include "cvm_cleanup.h"
#include "qemu_argv.h"
#include "cvm_qmp.h"

static void add_live(json_object *o, const struct cvm_tenant_state *st)
{
	char sock[PATH_MAX + 16];
	struct cvm_qmp q;
	cvm_err e = { 0 };
	cvm_autojson json_object *r = NULL;
	json_object *s;

	snprintf(sock, sizeof(sock), "%s/" CVM_QMP_SOCKET, st->run_dir);
	if (cvm_qmp_open(&q, sock, 2000, &e) < 0) {
		json_object_object_add(o, "guest_state", json_object_new_string("unreachable"));
		return;
	}
	if (cvm_qmp_exec(&q, "query-status", NULL, &r, &e) == 0 && json_object_object_get_ex(r, "status", &s))
		json_object_object_add(o, "guest_state", json_object_get(s));
	cvm_qmp_close(&q);
}

struct json_object *cvm_tenant_json(const struct cvm_tenant_state *st, bool live)
{
	json_object *o = json_object_new_object();
	json_object *labels = json_object_new_array();

	json_object_object_add(o, "name", json_object_new_string(st->name));
	json_object_object_add(o, "uuid", json_object_new_string(st->uuid));
	json_object_object_add(o, "status", json_object_new_string(cvm_tenant_status_name(st->status)));
	json_object_object_add(o, "supervisor_pid", json_object_new_int64(st->supervisor_pid));
	json_object_object_add(o, "guest_pid", json_object_new_int64(st->guest_pid));
	json_object_object_add(o, "uid", json_object_new_int64(st->uid));
	json_object_object_add(o, "gid", json_object_new_int64(st->gid));
	json_object_object_add(o, "mcs", json_object_new_string(st->mcs));
	json_object_object_add(o, "accel", json_object_new_string(st->accel));
	json_object_object_add(o, "run_dir", json_object_new_string(st->run_dir));
	for (size_t i = 0; i < st->n_labels; i++)
		json_object_array_add(labels, json_object_new_string(st->labels[i].path));
	json_object_object_add(o, "relabeled", labels);
	if (live && st->status == CVM_TENANT_RUNNING)
		add_live(o, st);
	return o;
}

static const char *s(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : "";
}

void cvm_tenant_print_row(struct json_object *t, FILE *out)
{
	fprintf(out, "%-20s %-9s %-8s %-8s %-12s %s\n", s(t, "name"), s(t, "status"), s(t, "guest_pid"),
		s(t, "uid"), s(t, "mcs")[0] ? s(t, "mcs") : "-", s(t, "accel"));
}

void cvm_tenant_print_details(struct json_object *t, FILE *out)
{
	json_object_object_foreach(t, key, val) {
		if (json_object_is_type(val, json_type_array)) {
			fprintf(out, "%-15s", key);
			for (size_t i = 0; i < json_object_array_length(val); i++)
				fprintf(out, "%s%s", i ? ", " : " ", json_object_get_string(json_object_array_get_idx(val, i)));
			fprintf(out, "\n");
			continue;
		}
		fprintf(out, "%-15s %s\n", key, json_object_get_string(val));
	}
}
