#include "policy_tdx.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cvm_fileio.h"
#include "cvm_json.h"
#include "tdx_collateral.h"

void cvm_policy_tdx_default(struct cvm_policy_tdx *p)
{
	memset(p, 0, sizeof(*p));
	p->binding = CVM_NONCE_RAW;
	p->tcb_status_allowed = 1u << CVM_TDX_TCB_UP_TO_DATE;
}

bool cvm_policy_tdx_status_ok(const struct cvm_policy_tdx *p, int status)
{
	return status >= 0 && status < CVM_TDX_TCB_STATUS_COUNT && (p->tcb_status_allowed & (1u << status));
}

/* ---- parsing --------------------------------------------------------------- */

static int bad(cvm_err *err, const char *key, const char *why)
{
	return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "policy: tdx.%s: %s", key, why);
}

static int hex_exact(json_object *o, uint8_t *out, size_t n)
{
	if (!json_object_is_type(o, json_type_string) || (size_t)json_object_get_string_len(o) != 2 * n)
		return -1;
	return cvm_hex_decode(json_object_get_string(o), out, n);
}

/* "hex" or ["hex", ...] of 48-byte values */
static int parse_mr(json_object *o, const char *key, struct cvm_policy_tdx_mr *mr, cvm_err *err)
{
	if (json_object_is_type(o, json_type_string)) {
		if (hex_exact(o, mr->v[0], 48) < 0)
			return bad(err, key, "must be 96 hex digits (48 bytes)");
		mr->n = 1;
		return 0;
	}
	if (!json_object_is_type(o, json_type_array) || json_object_array_length(o) == 0 ||
	    json_object_array_length(o) > CVM_POLICY_TDX_MAX_VALUES)
		return bad(err, key, "must be a hex string or a non-empty array of at most 16");
	for (size_t i = 0; i < json_object_array_length(o); i++)
		if (hex_exact(json_object_array_get_idx(o, i), mr->v[i], 48) < 0)
			return bad(err, key, "every value must be 96 hex digits (48 bytes)");
	mr->n = json_object_array_length(o);
	return 0;
}

static int parse_bool(json_object *o, const char *key, bool *out, cvm_err *err)
{
	if (!json_object_is_type(o, json_type_boolean))
		return bad(err, key, "must be true or false");
	*out = json_object_get_boolean(o);
	return 0;
}

static int parse_u64(json_object *o, const char *key, uint64_t *out, cvm_err *err)
{
	const char *s;
	char *end;

	if (!json_object_is_type(o, json_type_string))
		return bad(err, key, "must be a hex string such as \"0x61ae7\"");
	s = json_object_get_string(o);
	errno = 0;
	unsigned long long v = strtoull(s, &end, 16);
	if (!*s || *end || errno || s[0] == '-' || s[0] == '+' || s[0] == ' ')
		return bad(err, key, "must be a hex string such as \"0x61ae7\"");
	*out = v;
	return 0;
}

static uint64_t attr_bit_by_name(const char *name)
{
	char *end;

	if (strncmp(name, "bit", 3) == 0 && name[3]) {
		long b = strtol(name + 3, &end, 10);
		return (*end || b < 0 || b > 63) ? 0 : 1ull << b;
	}
	return cvm_tdx_attr_bit(name);
}

static int parse_attrs(json_object *o, struct cvm_policy_tdx *p, cvm_err *err)
{
	if (!json_object_is_type(o, json_type_object))
		return bad(err, "td_attributes", "must be an object of attribute name -> true|false");
	json_object_object_foreach(o, name, val)
	{
		uint64_t bit = attr_bit_by_name(name);
		char key[96];

		snprintf(key, sizeof(key), "td_attributes.%s", name);
		if (strcmp(name, "debug") == 0)
			return bad(err, key, "use tdx.allow_debug (debug is refused unless allowed)");
		if (!bit)
			return bad(err, key, "unknown attribute (sept_ve_disable, migratable, pks, kl, perfmon, bitN)");
		if (!json_object_is_type(val, json_type_boolean))
			return bad(err, key, "must be true (must be set) or false (must be clear)");
		if (json_object_get_boolean(val))
			p->attrs_set |= bit;
		else
			p->attrs_clear |= bit;
	}
	return 0;
}

static int parse_statuses(json_object *o, struct cvm_policy_tdx *p, cvm_err *err)
{
	if (!json_object_is_type(o, json_type_array) || json_object_array_length(o) == 0)
		return bad(err, "tcb_status", "must be a non-empty array of TCB status names");
	p->tcb_status_allowed = 0;
	for (size_t i = 0; i < json_object_array_length(o); i++) {
		json_object *s = json_object_array_get_idx(o, i);
		int st = json_object_is_type(s, json_type_string) ? cvm_tdx_tcb_status_parse(json_object_get_string(s)) : -1;
		/* NotSupported/TdxModuleMismatch mean "no matching TCB data":
		 * never acceptable */
		if (st < 0 || st >= CVM_TDX_TCB_NOT_SUPPORTED)
			return bad(err, "tcb_status",
				   "unknown status (UpToDate, SWHardeningNeeded, ConfigurationNeeded, "
				   "ConfigurationAndSWHardeningNeeded, OutOfDate, OutOfDateConfigurationNeeded, "
				   "TDRelaunchAdvised, TDRelaunchAdvisedConfigurationNeeded, Revoked)");
		p->tcb_status_allowed |= 1u << st;
	}
	p->has_tcb_status = true;
	return 0;
}

static int parse_key(const char *key, json_object *val, struct cvm_policy_tdx *p, cvm_err *err)
{
	static const char *const rtmr_keys[4] = { "rtmr0", "rtmr1", "rtmr2", "rtmr3" };

	for (int i = 0; i < 4; i++)
		if (strcmp(key, rtmr_keys[i]) == 0)
			return parse_mr(val, key, &p->rtmr[i], err);
	if (strcmp(key, "mrtd") == 0)
		return parse_mr(val, key, &p->mrtd, err);
	if (strcmp(key, "mrconfigid") == 0)
		return parse_mr(val, key, &p->mrconfigid, err);
	if (strcmp(key, "mrowner") == 0)
		return parse_mr(val, key, &p->mrowner, err);
	if (strcmp(key, "mrownerconfig") == 0)
		return parse_mr(val, key, &p->mrownerconfig, err);
	if (strcmp(key, "mrseam") == 0)
		return parse_mr(val, key, &p->mrseam, err);
	if (strcmp(key, "allow_debug") == 0)
		return parse_bool(val, key, &p->allow_debug, err);
	if (strcmp(key, "require_crl") == 0)
		return parse_bool(val, key, &p->require_crl, err);
	if (strcmp(key, "td_attributes") == 0)
		return parse_attrs(val, p, err);
	if (strcmp(key, "xfam") == 0)
		return p->has_xfam = true, parse_u64(val, key, &p->xfam, err);
	if (strcmp(key, "min_tee_tcb_svn") == 0) {
		if (hex_exact(val, p->min_tee_tcb_svn, 16) < 0)
			return bad(err, key, "must be 32 hex digits (16 SVN bytes)");
		p->has_min_tee_tcb_svn = true;
		return 0;
	}
	if (strcmp(key, "report_data") == 0) {
		if (hex_exact(val, p->report_data, 64) < 0)
			return bad(err, key, "must be 128 hex digits (64 bytes)");
		p->has_report_data = true;
		return 0;
	}
	if (strcmp(key, "tcb_status") == 0)
		return parse_statuses(val, p, err);
	return bad(err, key, "unknown key");
}

int cvm_policy_tdx_parse(struct json_object *tdx, struct cvm_policy_tdx *out, cvm_err *err)
{
	cvm_policy_tdx_default(out);
	if (!tdx || !json_object_is_type(tdx, json_type_object))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "policy: tdx: must be an object");
	json_object_object_foreach(tdx, key, val)
	{
		if (parse_key(key, val, out, err) < 0)
			return -1;
	}
	return 0;
}

/* ---- evaluation ------------------------------------------------------------- */

static void check_mr(struct cvm_verdict *v, const char *name, const struct cvm_policy_tdx_mr *mr, const uint8_t *have)
{
	char hex[97];

	if (mr->n == 0)
		return;
	cvm_hex_encode(have, 48, hex);
	for (size_t i = 0; i < mr->n; i++)
		if (memcmp(mr->v[i], have, 48) == 0) {
			cvm_verdict_add(v, name, CVM_CHECK_PASS, "%s matches policy value %zu", hex, i + 1);
			return;
		}
	cvm_verdict_add(v, name, CVM_CHECK_FAIL, "%s is not among the %zu value(s) the policy allows", hex, mr->n);
}

static void check_attrs(const struct cvm_policy_tdx *p, const struct cvm_tdx_body *b, struct cvm_verdict *v)
{
	char names[256];
	uint64_t a = b->td_attributes;

	if (a & CVM_TDX_ATTR_DEBUG)
		cvm_verdict_add(v, "tdx.debug", p->allow_debug ? CVM_CHECK_PASS : CVM_CHECK_FAIL,
				p->allow_debug ? "TD debug enabled, allowed by policy"
					       : "TD debug enabled (TD_ATTRIBUTES bit 0): host can read guest memory");
	else
		cvm_verdict_add(v, "tdx.debug", CVM_CHECK_PASS, "TD debug disabled");
	if (!p->attrs_set && !p->attrs_clear)
		return;
	uint64_t missing = p->attrs_set & ~a, extra = p->attrs_clear & a;
	if (missing || extra) {
		char m[256], e[256];
		cvm_tdx_attr_names(missing, m, sizeof(m));
		cvm_tdx_attr_names(extra, e, sizeof(e));
		cvm_verdict_add(v, "tdx.td_attributes", CVM_CHECK_FAIL, "must be set but clear: [%s]; must be clear but set: [%s]",
				m, e);
	} else {
		cvm_verdict_add(v, "tdx.td_attributes", CVM_CHECK_PASS, "[%s] as the policy requires",
				cvm_tdx_attr_names(a, names, sizeof(names)));
	}
}

static void check_report_data(const struct cvm_policy_tdx *p, const uint8_t *rd, const uint8_t *nonce, size_t len,
			      struct cvm_verdict *v)
{
	const char *bind = cvm_nonce_binding_name(p->binding);
	uint8_t want[64];

	if (nonce) {
		if (cvm_nonce_expected(p->binding, nonce, len, want) < 0) {
			cvm_verdict_add(v, "tdx.report_data", CVM_CHECK_ERROR,
					"a %zu-byte nonce cannot be bound %s (REPORTDATA is 64 bytes)", len, bind);
			return;
		}
		if (memcmp(want, rd, 64) == 0)
			cvm_verdict_add(v, "tdx.report_data", CVM_CHECK_PASS, "REPORTDATA binds the nonce (%s)", bind);
		else
			cvm_verdict_add(v, "tdx.report_data", CVM_CHECK_FAIL,
					"REPORTDATA does not bind the nonce (%s binding): replayed or foreign quote", bind);
		return;
	}
	if (p->require_nonce) {
		cvm_verdict_add(v, "tdx.report_data", CVM_CHECK_ERROR, "policy requires a nonce binding, no --nonce given");
		return;
	}
	if (p->has_report_data) {
		bool ok = memcmp(p->report_data, rd, 64) == 0;
		cvm_verdict_add(v, "tdx.report_data", ok ? CVM_CHECK_PASS : CVM_CHECK_FAIL,
				ok ? "REPORTDATA equals the policy value" : "REPORTDATA differs from the policy value");
		return;
	}
	cvm_verdict_add(v, "tdx.report_data", CVM_CHECK_INFO, "not bound to a nonce (no --nonce): freshness not checked");
}

void cvm_policy_tdx_evaluate(const struct cvm_policy_tdx *p, const struct cvm_tdx_quote *q, const uint8_t *nonce,
			     size_t nonce_len, struct cvm_verdict *v)
{
	static const char *const rtmr_names[4] = { "tdx.rtmr0", "tdx.rtmr1", "tdx.rtmr2", "tdx.rtmr3" };
	const struct cvm_tdx_body *b = &q->body;

	check_attrs(p, b, v);
	if (p->mrtd.n)
		check_mr(v, "tdx.mrtd", &p->mrtd, b->mrtd);
	else
		cvm_verdict_add(v, "tdx.mrtd", CVM_CHECK_INFO, "MRTD not pinned by policy");
	for (int i = 0; i < 4; i++)
		check_mr(v, rtmr_names[i], &p->rtmr[i], b->rtmr[i]);
	check_mr(v, "tdx.mrconfigid", &p->mrconfigid, b->mrconfigid);
	check_mr(v, "tdx.mrowner", &p->mrowner, b->mrowner);
	check_mr(v, "tdx.mrownerconfig", &p->mrownerconfig, b->mrownerconfig);
	check_mr(v, "tdx.mrseam", &p->mrseam, b->mrseam);
	if (p->has_xfam)
		cvm_verdict_add(v, "tdx.xfam", b->xfam == p->xfam ? CVM_CHECK_PASS : CVM_CHECK_FAIL,
				"XFAM 0x%016llx, policy 0x%016llx", (unsigned long long)b->xfam,
				(unsigned long long)p->xfam);
	if (p->has_min_tee_tcb_svn) {
		int low = -1;
		for (int i = 0; i < 16 && low < 0; i++)
			if (b->tee_tcb_svn[i] < p->min_tee_tcb_svn[i])
				low = i;
		char have[33], want[33];
		cvm_hex_encode(b->tee_tcb_svn, 16, have);
		cvm_hex_encode(p->min_tee_tcb_svn, 16, want);
		if (low < 0)
			cvm_verdict_add(v, "tdx.tee_tcb_svn", CVM_CHECK_PASS, "TEE_TCB_SVN %s >= %s", have, want);
		else
			cvm_verdict_add(v, "tdx.tee_tcb_svn", CVM_CHECK_FAIL,
					"TEE_TCB_SVN %s below the policy minimum %s (component %d)", have, want, low);
	}
	check_report_data(p, b->report_data, nonce, nonce_len, v);
}
