#include "record_check.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "cvm_json.h"

json_object *cvm_record_get(json_object *rec, const char *path)
{
	char key[64];
	const char *dot;
	json_object *cur = rec;

	while (cur && *path) {
		size_t n;
		dot = strchr(path, '.');
		n = dot ? (size_t)(dot - path) : strlen(path);
		if (n >= sizeof(key) || !json_object_is_type(cur, json_type_object))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		if (!json_object_object_get_ex(cur, key, &cur))
			return NULL;
		path += n + (dot ? 1 : 0);
	}
	return cur;
}

static const char *rstr(json_object *rec, const char *path)
{
	json_object *o = cvm_record_get(rec, path);

	return json_object_is_type(o, json_type_string) ? json_object_get_string(o) : NULL;
}

static int rbool(json_object *rec, const char *path)
{
	json_object *o = cvm_record_get(rec, path);

	return json_object_is_type(o, json_type_boolean) ? json_object_get_boolean(o) : -1;
}

static void __attribute__((format(printf, 5, 6)))
add(struct cvm_verdict *v, const char *prefix, const char *check, enum cvm_check_result r, const char *fmt, ...)
{
	char name[48], detail[320];
	va_list ap;

	snprintf(name, sizeof(name), "%s.%s", prefix, check);
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	cvm_verdict_add(v, name, r, "%s", detail);
}

/* Record value at @path must equal @want (when the policy sets it). */
static void want_equal(struct cvm_verdict *v, const char *prefix, const char *check, json_object *rec, const char *path,
                       const char *want)
{
	const char *got = rstr(rec, path);

	if (!*want)
		return;
	if (got && strcmp(got, want) == 0)
		add(v, prefix, check, CVM_CHECK_PASS, "%s is %s", path, want);
	else
		add(v, prefix, check, CVM_CHECK_FAIL, "%s is %s, policy requires %s", path, got ? got : "(absent)",
		    want);
}

/* Record value at @path must be one of @n rows of @list (case-insensitive
 * for hex digests). */
static void want_member(struct cvm_verdict *v, const char *prefix, const char *check, json_object *rec,
                        const char *path, const char *list, size_t width, size_t n)
{
	const char *got = rstr(rec, path);

	if (n == 0)
		return;
	for (size_t i = 0; got && i < n; i++) {
		if (strcasecmp(got, list + i * width) == 0) {
			add(v, prefix, check, CVM_CHECK_PASS, "%s %s is allowed by the policy", path, got);
			return;
		}
	}
	add(v, prefix, check, CVM_CHECK_FAIL, "%s %s is not among the policy's values", path, got ? got : "(absent)");
}

static void want_true(struct cvm_verdict *v, const char *prefix, const char *check, json_object *rec, const char *path,
                      bool required)
{
	if (!required)
		return;
	if (rbool(rec, path) == 1)
		add(v, prefix, check, CVM_CHECK_PASS, "%s is true", path);
	else
		add(v, prefix, check, CVM_CHECK_FAIL, "%s is not true, policy requires it", path);
}

static void check_namespaces(const struct cvm_evidence_policy *p, json_object *rec, const char *prefix,
                             struct cvm_verdict *v)
{
	json_object *ns = cvm_record_get(rec, "namespaces");

	if (p->n_ns == 0)
		return;
	for (size_t i = 0; i < p->n_ns; i++) {
		bool found = false;
		for (size_t k = 0; json_object_is_type(ns, json_type_array) && k < json_object_array_length(ns); k++) {
			json_object *e = json_object_array_get_idx(ns, k);
			found |= json_object_is_type(e, json_type_string) &&
			         strcmp(json_object_get_string(e), p->namespaces[i]) == 0;
		}
		if (!found) {
			add(v, prefix, "namespaces", CVM_CHECK_FAIL, "the guest lacks the %s namespace",
			    p->namespaces[i]);
			return;
		}
	}
	add(v, prefix, "namespaces", CVM_CHECK_PASS, "every namespace the policy requires is present");
}

static void check_label(const struct cvm_evidence_policy *p, json_object *rec, const char *prefix,
                        struct cvm_verdict *v)
{
	const char *label = rstr(rec, "selinux.process_label");
	json_object *imgs = cvm_record_get(rec, "selinux.image_labels");

	if (!p->require_label)
		return;
	if (!label || !*label) {
		add(v, prefix, "label", CVM_CHECK_FAIL, "no SELinux process label recorded");
		return;
	}
	for (size_t i = 0; json_object_is_type(imgs, json_type_array) && i < json_object_array_length(imgs); i++) {
		json_object *e = json_object_array_get_idx(imgs, i);
		/* entries are label strings or {"path","label"} objects */
		const char *l = json_object_is_type(e, json_type_string) ? json_object_get_string(e) : rstr(e, "label");
		if (!l || !*l) {
			add(v, prefix, "label", CVM_CHECK_FAIL, "an image has no SELinux label (process %s)", label);
			return;
		}
	}
	add(v, prefix, "label", CVM_CHECK_PASS, "process label %s", label);
}

static int record_id(json_object *rec, const char *key, long long *out)
{
	return cvm_json_int(cvm_record_get(rec, key), 0, 0xffffffffLL, out);
}

static void check_uids(const struct cvm_evidence_policy *p, json_object *rec, const char *prefix,
                       json_object *const *all, size_t n_all, struct cvm_verdict *v)
{
	long long uid, gid;
	char ids[64];

	if (!p->uid_range_set && !p->require_unique_uid)
		return;
	if (record_id(rec, "uid", &uid) < 0 || record_id(rec, "gid", &gid) < 0) {
		add(v, prefix, p->uid_range_set ? "uid_range" : "unique_uid", CVM_CHECK_FAIL,
		    "the record has no valid uid/gid");
		return;
	}
	snprintf(ids, sizeof(ids), "uid %lld gid %lld", uid, gid);
	if (p->uid_range_set) {
		bool in = uid >= p->uid_lo && uid <= p->uid_hi && gid >= p->uid_lo && gid <= p->uid_hi;
		add(v, prefix, "uid_range", in ? CVM_CHECK_PASS : CVM_CHECK_FAIL,
		    "%s %s the policy's range [%lld, %lld]", ids, in ? "inside" : "outside", p->uid_lo, p->uid_hi);
	}
	if (!p->require_unique_uid)
		return;
	if (uid == 0 || gid == 0) {
		add(v, prefix, "unique_uid", CVM_CHECK_FAIL, "%s: the guest ran as root", ids);
		return;
	}
	const char *tenant = rstr(rec, "tenant");
	for (size_t i = 0; i < n_all; i++) {
		long long ou, og;
		const char *ot = rstr(all[i], "tenant");
		if (all[i] == rec || (tenant && ot && strcmp(tenant, ot) == 0))
			continue;
		if (record_id(all[i], "uid", &ou) == 0 && record_id(all[i], "gid", &og) == 0 &&
		    (ou == uid || og == gid)) {
			add(v, prefix, "unique_uid", CVM_CHECK_FAIL, "%s is shared with tenant %s", ids, ot);
			return;
		}
	}
	add(v, prefix, "unique_uid", CVM_CHECK_PASS, "%s, not root, not shared with another tenant's record", ids);
}

void cvm_record_check(const struct cvm_evidence_policy *p, json_object *rec, const char *prefix,
                      json_object *const *all, size_t n_all, struct cvm_verdict *v)
{
	const char *caps;

	want_equal(v, prefix, "tenant", rec, "tenant", p->tenant);
	want_equal(v, prefix, "seccomp", rec, "seccomp.mode", p->seccomp);
	want_equal(v, prefix, "selinux", rec, "selinux.state", p->selinux);
	want_equal(v, prefix, "landlock", rec, "landlock.state", p->landlock);
	want_member(v, prefix, "confidential_type", rec, "confidential.type", p->confidential_type[0],
	            sizeof(p->confidential_type[0]), p->n_ctype);
	want_member(v, prefix, "measurement", rec, "confidential.expected_measurement", p->measurement[0],
	            sizeof(p->measurement[0]), p->n_meas);
	want_member(v, prefix, "emulator", rec, "emulator.sha256", p->emulator_sha256[0], sizeof(p->emulator_sha256[0]),
	            p->n_emu);
	want_member(v, prefix, "seccomp_bpf", rec, "seccomp.bpf_sha256", p->bpf_sha256[0], sizeof(p->bpf_sha256[0]),
	            p->n_bpf);
	check_namespaces(p, rec, prefix, v);
	check_uids(p, rec, prefix, all, n_all, v);
	check_label(p, rec, prefix, v);
	want_true(v, prefix, "sandbox_verified", rec, "sandbox_verified", p->require_sandbox_verified);
	want_true(v, prefix, "no_new_privs", rec, "no_new_privs", p->require_no_new_privs);
	if (p->require_no_capabilities) {
		caps = rstr(rec, "capabilities");
		if (caps && strcmp(caps, "none") == 0)
			add(v, prefix, "capabilities", CVM_CHECK_PASS, "capabilities: none");
		else
			add(v, prefix, "capabilities", CVM_CHECK_FAIL, "capabilities %s, policy requires none",
			    caps ? caps : "(absent)");
	}
}
