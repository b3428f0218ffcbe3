/* sVirt in the run path. The selinux module owns the mechanics (contexts,
 * pair choice, labeling, verification); this file only connects them to the
 * tenant state and the launch sequence. */
#include "svirt_launch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cvm_cleanup.h"
#include "mcs_random.h"
#include "svirt_proc.h"

static enum cvm_svirt_mode mode_of(enum cvm_mode3 m)
{
	switch (m) {
	case CVM_MODE_OFF:
		return CVM_SVIRT_MODE_OFF;
	case CVM_MODE_REQUIRE:
		return CVM_SVIRT_MODE_REQUIRE;
	case CVM_MODE_AUTO:
	default:
		return CVM_SVIRT_MODE_AUTO;
	}
}

int cvm_launch_svirt_decide(const struct cvm_hostcfg *cfg, enum cvm_mode3 mode, struct cvm_launch_svirt *sv,
                            cvm_err *err)
{
	memset(sv, 0, sizeof(*sv));
	sv->mode = mode_of(mode);
	if (sv->mode == CVM_SVIRT_MODE_OFF) {
		sv->decision = CVM_SVIRT_DISABLED;
		return 0;
	}
	cvm_svirt_host_probe(&sv->host);
	return cvm_svirt_decide(sv->mode, &sv->host, cfg->selinux_allow_permissive, &sv->decision, err);
}

void cvm_svirt_saved_to_state(const struct cvm_svirt_saved *in, struct cvm_saved_label *out)
{
	memset(out, 0, sizeof(*out));
	memcpy(out->path, in->path, sizeof(out->path));
	memcpy(out->context, in->context, sizeof(out->context));
	out->relabeled = true;
}

void cvm_svirt_saved_from_state(const struct cvm_saved_label *in, struct cvm_svirt_saved *out)
{
	memcpy(out->path, in->path, sizeof(out->path));
	memcpy(out->context, in->context, sizeof(out->context));
}

/* Every other tenant's pair (allocation must avoid them; their images must
 * not be taken over) and the files they relabeled. Recovery ran before
 * `run`, so each state is live. */
struct others {
	struct cvm_mcs_pair *pairs;
	struct cvm_svirt_owner *owners;
	char (*names)[CVM_NAME_MAX + 1];
	size_t n;
	struct cvm_svirt_saved *saved; /* their recorded originals */
	size_t n_saved;
};

struct record_ctx {
	const struct cvm_hostcfg *cfg;
	struct cvm_tenant_state *st;
	const struct others *o;
};

/* Content and shared images are labeled by every tenant that uses them.
 * Whoever labeled first recorded the true original; a later tenant records
 * that one too (not the label the first tenant set), and only the last
 * tenant to release puts it back (cvm_launch_svirt_in_use_elsewhere). */
static const char *first_original(const struct others *o, const char *path)
{
	for (size_t i = 0; i < o->n_saved; i++)
		if (strcmp(o->saved[i].path, path) == 0)
			return o->saved[i].context;
	return NULL;
}

/* The library's contract: the original is on disk before the file changes. */
static int record_in_state(void *opaque, const struct cvm_svirt_saved *s, cvm_err *err)
{
	struct record_ctx *r = opaque;
	struct cvm_saved_label l;
	const char *orig = first_original(r->o, s->path);

	cvm_svirt_saved_to_state(s, &l);
	if (orig)
		snprintf(l.context, sizeof(l.context), "%s", orig);
	if (cvm_state_add_label(r->st, &l) < 0)
		return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
	return cvm_state_save(r->cfg, r->st, err);
}

static void others_free(struct others *o)
{
	free(o->pairs);
	free(o->owners);
	free(o->names);
	free(o->saved);
}

static int add_saved(struct others *o, const struct cvm_tenant_state *st)
{
	for (size_t i = 0; i < st->n_labels; i++) {
		if (!st->labels[i].relabeled)
			continue;
		struct cvm_svirt_saved *v = realloc(o->saved, (o->n_saved + 1) * sizeof(*v));
		if (!v)
			return -1;
		o->saved = v;
		cvm_svirt_saved_from_state(&st->labels[i], &o->saved[o->n_saved++]);
	}
	return 0;
}

static int gather_others(const struct cvm_hostcfg *cfg, const char *self, struct others *o, cvm_err *err)
{
	cvm_autostrv char **names = NULL;
	size_t cap;

	memset(o, 0, sizeof(*o));
	if (cvm_state_list(cfg, &names, err) < 0)
		return -1;
	for (cap = 0; names[cap]; cap++)
		;
	o->pairs = calloc(cap + 1, sizeof(*o->pairs));
	o->owners = calloc(cap + 1, sizeof(*o->owners));
	o->names = calloc(cap + 1, sizeof(*o->names));
	if (!o->pairs || !o->owners || !o->names)
		return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
	for (size_t i = 0; i < cap; i++) {
		struct cvm_tenant_state st;
		cvm_err e = {0};
		if (strcmp(names[i], self) == 0 || cvm_state_load(cfg, names[i], &st, &e) < 0)
			continue; /* unreadable states are reported by recovery */
		struct cvm_mcs_pair p;
		if (add_saved(o, &st) < 0) {
			cvm_state_free(&st);
			return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
		}
		if (cvm_mcs_parse(st.mcs, &p) == 0) {
			snprintf(o->names[o->n], sizeof(o->names[o->n]), "%s", st.name);
			o->pairs[o->n] = p;
			o->owners[o->n] = (struct cvm_svirt_owner){.tenant = o->names[o->n], .pair = p};
			o->n++;
		}
		cvm_state_free(&st);
	}
	return 0;
}

static int pick_pair(const struct cvm_hostcfg *cfg, const struct others *o, struct cvm_mcs_pair *out, cvm_err *err)
{
	cvm_autofree struct cvm_mcs_pair *live = NULL;
	cvm_autofree struct cvm_mcs_pair *used = NULL;
	size_t n_live = 0;

	if (cvm_mcs_scan_processes("/proc", &live, &n_live, err) < 0)
		return -1;
	used = calloc(o->n + n_live + 1, sizeof(*used));
	if (!used)
		return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
	if (o->n)
		memcpy(used, o->pairs, o->n * sizeof(*used));
	if (n_live)
		memcpy(used + o->n, live, n_live * sizeof(*used));
	return cvm_mcs_pick(cfg->mcs_min, cfg->mcs_max, used, o->n + n_live, cvm_mcs_random, NULL, out, err);
}

static int label(const char *what, const char *path, const char *context, const struct others *o, struct record_ctx *r,
                 cvm_err *err)
{
	if (!path[0])
		return 0;
	if (cvm_svirt_label(path, context, o->owners, o->n, record_in_state, r, err) < 0)
		return cvm_err_prefix(err, "selinux: %s: ", what);
	return 0;
}

/* Read-write disks carry the pair; read-only ones (shared or not) and boot
 * files the content type; shared writable disks the image type without
 * categories (every guest may write them: the spec asked for that). */
static const char *disk_context(const struct cvm_svirt_contexts *c, const struct cvm_disk *d)
{
	if (d->readonly)
		return c->content;
	return d->shared ? c->shared : c->image;
}

int cvm_launch_svirt_apply(struct cvm_launch_svirt *sv, const struct cvm_hostcfg *cfg, const struct cvm_prepared *p,
                           struct cvm_tenant_state *st, cvm_err *err)
{
	struct others o;
	struct record_ctx r = {.cfg = cfg, .st = st, .o = &o};
	int rc = -1;

	if (sv->decision != CVM_SVIRT_USE)
		return 0;
	if (gather_others(cfg, st->name, &o, err) < 0)
		goto out;
	if (pick_pair(cfg, &o, &sv->pair, err) < 0)
		goto out;
	/* The pair is held from the moment it is in the state file. */
	if (cvm_mcs_format(&sv->pair, st->mcs, sizeof(st->mcs)) < 0 || cvm_state_save(cfg, st, err) < 0)
		goto out;
	if (cvm_svirt_contexts_load(&sv->pair, &sv->ctx, err) < 0)
		goto out;
	for (size_t i = 0; i < p->spec.n_disks; i++) {
		char what[32];
		snprintf(what, sizeof(what), "disks[%zu]", i);
		if (label(what, p->spec.disks[i].path, disk_context(&sv->ctx, &p->spec.disks[i]), &o, &r, err) < 0)
			goto out;
	}
	if (label("kernel", p->spec.kernel, sv->ctx.content, &o, &r, err) < 0 ||
	    label("initrd", p->spec.initrd, sv->ctx.content, &o, &r, err) < 0 ||
	    label("firmware", p->spec.firmware, sv->ctx.content, &o, &r, err) < 0 ||
	    label("run dir", st->run_dir, sv->ctx.image, &o, &r, err) < 0)
		goto out;
	sv->exec_label = cvm_svirt_process_context(&sv->ctx, st->accel);
	sv->applied = true;
	rc = 0;
out:
	others_free(&o);
	return rc;
}

int cvm_launch_svirt_create_begin(const struct cvm_launch_svirt *sv, cvm_err *err)
{
	if (!sv->applied)
		return 0;
	return cvm_svirt_create_contexts(sv->ctx.image, sv->exec_label, err);
}

void cvm_launch_svirt_create_end(const struct cvm_launch_svirt *sv)
{
	if (sv->applied)
		cvm_svirt_create_contexts(NULL, NULL, NULL);
}

int cvm_launch_svirt_verify(struct cvm_launch_svirt *sv, pid_t pid, cvm_err *err)
{
	if (!sv->applied)
		return 0;
	return cvm_svirt_verify_process("/proc", pid, sv->exec_label, sv->seen_label, sizeof(sv->seen_label), err);
}

static const char *state_word(const struct cvm_launch_svirt *sv)
{
	if (sv->decision == CVM_SVIRT_DISABLED)
		return "off";
	if (sv->decision == CVM_SVIRT_UNAVAILABLE)
		return "unavailable";
	return cvm_svirt_host_state(&sv->host); /* enforcing | permissive */
}

struct json_object *cvm_launch_svirt_record(const struct cvm_launch_svirt *sv, const struct cvm_tenant_state *st)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	json_object_object_add(o, "state", json_object_new_string(state_word(sv)));
	json_object_object_add(o, "mode", json_object_new_string(cvm_svirt_mode_name(sv->mode)));
	if (sv->decision == CVM_SVIRT_UNAVAILABLE)
		json_object_object_add(o, "reason", json_object_new_string(sv->host.why));
	if (!sv->applied)
		return o;
	json_object_object_add(o, "policy_type", json_object_new_string(sv->host.policy_type));
	json_object_object_add(o, "mcs", json_object_new_string(st->mcs));
	json_object_object_add(o, "exec_label", json_object_new_string(sv->exec_label));
	json_object_object_add(o, "process_label", json_object_new_string(sv->seen_label));
	json_object_object_add(o, "verified", json_object_new_boolean(sv->seen_label[0] != '\0'));
	struct json_object *files = json_object_new_array();
	for (size_t i = 0; files && i < st->n_labels; i++) {
		const struct cvm_saved_label *l = &st->labels[i];
		char now[CVM_SVIRT_CTX_MAX];
		cvm_err e = {0};
		if (!l->relabeled)
			continue;
		if (cvm_svirt_get_label(l->path, now, sizeof(now), &e) < 0)
			now[0] = '\0';
		struct json_object *f = json_object_new_object();
		json_object_object_add(f, "path", json_object_new_string(l->path));
		json_object_object_add(f, "label", json_object_new_string(now));
		json_object_object_add(f, "original", json_object_new_string(l->context));
		json_object_array_add(files, f);
	}
	json_object_object_add(o, "files", files);
	return o;
}

bool cvm_launch_svirt_in_use_elsewhere(const struct cvm_hostcfg *cfg, const char *self, const char *path)
{
	struct others o;
	cvm_err e = {0};
	bool used;

	if (gather_others(cfg, self, &o, &e) < 0) {
		others_free(&o);
		return false; /* cannot tell: restore (the safe side for the host) */
	}
	used = first_original(&o, path) != NULL;
	others_free(&o);
	return used;
}
