#include "evidence_policy.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "cvm_cleanup.h"
#include "cvm_crypto_cleanup.h"
#include "cvm_json.h"
#include "tpm_quote.h"

void cvm_evidence_policy_init(struct cvm_evidence_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->pcr = 23;
}

static bool is_hex(const char *s, size_t min, size_t max)
{
	size_t n = strlen(s);

	if (n < min || n > max || n % 2)
		return false;
	for (; *s; s++)
		if (!isxdigit((unsigned char)*s))
			return false;
	return true;
}

/* A string or an array of strings into @dst (rows of @width bytes),
 * lower-cased when @hex; @lo/@hi bound hex lengths. */
static int string_list(json_object *o, const char *key, char *dst, size_t width, size_t *n, bool allow_single,
                       size_t hex_lo, size_t hex_hi, cvm_err *err)
{
	size_t count;

	*n = 0;
	if (allow_single && json_object_is_type(o, json_type_string)) {
		count = 1;
	} else if (json_object_is_type(o, json_type_array)) {
		count = json_object_array_length(o);
	} else {
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "\"%s\" must be %s", key,
		                   allow_single ? "a string or an array of strings" : "an array of strings");
	}
	if (count == 0 || count > CVM_EVP_LIST_MAX)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "\"%s\" must list 1 to %d values", key, CVM_EVP_LIST_MAX);
	for (size_t i = 0; i < count; i++) {
		json_object *s = json_object_is_type(o, json_type_array) ? json_object_array_get_idx(o, i) : o;
		const char *str = json_object_get_string(s);
		char *row = dst + i * width;
		if (!json_object_is_type(s, json_type_string) || strlen(str) >= width || !*str)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "\"%s\"[%zu] is not a valid value", key, i);
		if (hex_hi && !is_hex(str, hex_lo, hex_hi))
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "\"%s\"[%zu] must be %zu-%zu hex digits", key, i,
			                   hex_lo, hex_hi);
		for (size_t k = 0; str[k]; k++)
			row[k] = hex_hi ? (char)tolower((unsigned char)str[k]) : str[k];
		row[strlen(str)] = '\0';
	}
	*n = count;
	return 0;
}

static int one_of(json_object *o, const char *key, const char *const *names, char *dst, size_t len, cvm_err *err)
{
	int i = cvm_json_enum(o, names);

	if (i < 0) {
		char all[128] = "";
		for (size_t k = 0; names[k]; k++)
			snprintf(all + strlen(all), sizeof(all) - strlen(all), "%s%s", k ? "|" : "", names[k]);
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "\"%s\" must be %s", key, all);
	}
	snprintf(dst, len, "%s", names[i]);
	return 0;
}

static int string_field(json_object *o, const char *key, char *dst, size_t len, cvm_err *err)
{
	if (!json_object_is_type(o, json_type_string) || !*json_object_get_string(o) ||
	    strlen(json_object_get_string(o)) >= len)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "\"%s\" must be a non-empty string", key);
	snprintf(dst, len, "%s", json_object_get_string(o));
	return 0;
}

static int flag(json_object *o, const char *key, bool *dst, cvm_err *err)
{
	if (!json_object_is_type(o, json_type_boolean))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "\"%s\" must be true or false", key);
	*dst = json_object_get_boolean(o);
	return 0;
}

static int ak_pems(json_object *o, struct cvm_evidence_policy *p, cvm_err *err)
{
	if (!json_object_is_type(o, json_type_array) || json_object_array_length(o) == 0)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "\"trusted_ak_pem\" must be a non-empty array");
	for (size_t i = 0; i < json_object_array_length(o); i++) {
		json_object *s = json_object_array_get_idx(o, i);
		cvm_auto_evp_pkey EVP_PKEY *k = NULL;
		const char *pem = json_object_get_string(s);
		if (p->n_ak >= CVM_EVP_LIST_MAX)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "more than %d trusted AKs", CVM_EVP_LIST_MAX);
		if (!json_object_is_type(s, json_type_string) ||
		    cvm_tpm_ak_load((const uint8_t *)pem, strlen(pem), &k, err) < 0)
			return cvm_err_prefix(err, "\"trusted_ak_pem\"[%zu]: ", i);
		cvm_tpm_ak_fingerprint(k, p->ak_sha256[p->n_ak++]);
	}
	return 0;
}

static int parse_tpm(json_object *t, struct cvm_evidence_policy *p, cvm_err *err)
{
	long long v;

	if (!json_object_is_type(t, json_type_object))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "must be an object");
	json_object_object_foreach(t, key, val)
	{
		if (strcmp(key, "trusted_ak_sha256") == 0) {
			size_t n;
			if (string_list(val, key, p->ak_sha256[p->n_ak], 65, &n, false, 64, 64, err) < 0)
				return -1;
			if (p->n_ak + n > CVM_EVP_LIST_MAX)
				return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "more than %d trusted AKs",
				                   CVM_EVP_LIST_MAX);
			p->n_ak += n;
		} else if (strcmp(key, "trusted_ak_pem") == 0) {
			if (ak_pems(val, p, err) < 0)
				return -1;
		} else if (strcmp(key, "pcr") == 0) {
			if (cvm_json_int(val, 0, 23, &v) < 0)
				return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "\"pcr\" must be an integer 0-23");
			p->pcr = (unsigned)v;
		} else {
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "unknown key \"%s\"", key);
		}
	}
	return 0;
}

static int uid_range(json_object *o, struct cvm_evidence_policy *p, cvm_err *err)
{
	if (!json_object_is_type(o, json_type_array) || json_object_array_length(o) != 2 ||
	    cvm_json_int(json_object_array_get_idx(o, 0), 1, 0xfffffffe, &p->uid_lo) < 0 ||
	    cvm_json_int(json_object_array_get_idx(o, 1), p->uid_lo, 0xfffffffe, &p->uid_hi) < 0)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "\"uid_range\" must be [min, max] with 0 < min <= max");
	p->uid_range_set = true;
	return 0;
}

static int parse_record(json_object *r, struct cvm_evidence_policy *p, cvm_err *err)
{
	static const char *const seccomp[] = {"enforce", "log", "off", NULL};
	static const char *const selinux[] = {"enforcing", "permissive", "unavailable", "off", NULL};
	static const char *const landlock[] = {"enforced", "unavailable", "off", NULL};

	if (!json_object_is_type(r, json_type_object))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "must be an object");
	json_object_object_foreach(r, key, val)
	{
		int rc;
		if (strcmp(key, "tenant") == 0)
			rc = string_field(val, key, p->tenant, sizeof(p->tenant), err);
		else if (strcmp(key, "seccomp") == 0)
			rc = one_of(val, key, seccomp, p->seccomp, sizeof(p->seccomp), err);
		else if (strcmp(key, "selinux") == 0)
			rc = one_of(val, key, selinux, p->selinux, sizeof(p->selinux), err);
		else if (strcmp(key, "landlock") == 0)
			rc = one_of(val, key, landlock, p->landlock, sizeof(p->landlock), err);
		else if (strcmp(key, "confidential_type") == 0)
			rc = string_list(val, key, p->confidential_type[0], 16, &p->n_ctype, true, 0, 0, err);
		else if (strcmp(key, "expected_measurement") == 0)
			rc = string_list(val, key, p->measurement[0], 129, &p->n_meas, true, 32, 128, err);
		else if (strcmp(key, "emulator_sha256") == 0)
			rc = string_list(val, key, p->emulator_sha256[0], 65, &p->n_emu, true, 64, 64, err);
		else if (strcmp(key, "seccomp_bpf_sha256") == 0)
			rc = string_list(val, key, p->bpf_sha256[0], 65, &p->n_bpf, true, 64, 64, err);
		else if (strcmp(key, "namespaces") == 0)
			rc = string_list(val, key, p->namespaces[0], 16, &p->n_ns, false, 0, 0, err);
		else if (strcmp(key, "uid_range") == 0)
			rc = uid_range(val, p, err);
		else if (strcmp(key, "require_label") == 0)
			rc = flag(val, key, &p->require_label, err);
		else if (strcmp(key, "require_sandbox_verified") == 0)
			rc = flag(val, key, &p->require_sandbox_verified, err);
		else if (strcmp(key, "require_no_new_privs") == 0)
			rc = flag(val, key, &p->require_no_new_privs, err);
		else if (strcmp(key, "require_no_capabilities") == 0)
			rc = flag(val, key, &p->require_no_capabilities, err);
		else if (strcmp(key, "require_unique_uid") == 0)
			rc = flag(val, key, &p->require_unique_uid, err);
		else
			rc = cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "unknown key \"%s\"", key);
		if (rc < 0)
			return -1;
	}
	return 0;
}

int cvm_evidence_policy_parse(json_object *tpm, json_object *launch_record, struct cvm_evidence_policy *p, cvm_err *err)
{
	if (tpm && parse_tpm(tpm, p, err) < 0)
		return cvm_err_prefix(err, "policy \"tpm\": ");
	if (launch_record && parse_record(launch_record, p, err) < 0)
		return cvm_err_prefix(err, "policy \"launch_record\": ");
	return 0;
}
