#include "tdx_collateral.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "attest_util.h"
#include "cvm_cleanup.h"
#include "cvm_fileio.h"
#include "cvm_json.h"

static const char *const status_names[CVM_TDX_TCB_STATUS_COUNT + 1] = {
	[CVM_TDX_TCB_UP_TO_DATE] = "UpToDate",
	[CVM_TDX_TCB_SW_HARDENING_NEEDED] = "SWHardeningNeeded",
	[CVM_TDX_TCB_CONFIGURATION_NEEDED] = "ConfigurationNeeded",
	[CVM_TDX_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED] = "ConfigurationAndSWHardeningNeeded",
	[CVM_TDX_TCB_OUT_OF_DATE] = "OutOfDate",
	[CVM_TDX_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED] = "OutOfDateConfigurationNeeded",
	[CVM_TDX_TCB_TD_RELAUNCH_ADVISED] = "TDRelaunchAdvised",
	[CVM_TDX_TCB_TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED] = "TDRelaunchAdvisedConfigurationNeeded",
	[CVM_TDX_TCB_REVOKED] = "Revoked",
	[CVM_TDX_TCB_NOT_SUPPORTED] = "NotSupported",
	[CVM_TDX_TCB_MODULE_MISMATCH] = "TdxModuleMismatch",
	[CVM_TDX_TCB_STATUS_COUNT] = NULL,
};

const char *cvm_tdx_tcb_status_name(enum cvm_tdx_tcb_status s)
{
	return (unsigned)s < CVM_TDX_TCB_STATUS_COUNT ? status_names[s] : "Unknown";
}

int cvm_tdx_tcb_status_parse(const char *name)
{
	for (int i = 0; i < CVM_TDX_TCB_STATUS_COUNT; i++)
		if (strcmp(name, status_names[i]) == 0)
			return i;
	return -1;
}

/* ---- locating the signed bytes ---------------------------------------- */

static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	return p;
}

static const char *skip_string(const char *p, const char *end)
{
	for (p++; p < end; p++) {
		if (*p == '\\')
			p++;
		else if (*p == '"')
			return p + 1;
	}
	return NULL;
}

static const char *skip_value(const char *p, const char *end)
{
	int depth = 0;

	if (p >= end)
		return NULL;
	if (*p == '"')
		return skip_string(p, end);
	if (*p != '{' && *p != '[') {
		while (p < end && !strchr(",}] \t\r\n", *p))
			p++;
		return p;
	}
	while (p < end) {
		if (*p == '"') {
			if (!(p = skip_string(p, end)))
				return NULL;
			continue;
		}
		if (*p == '{' || *p == '[')
			depth++;
		else if ((*p == '}' || *p == ']') && --depth == 0)
			return p + 1;
		p++;
	}
	return NULL;
}

int cvm_tdx_signed_json(const char *text, size_t len, const char *key, const char *origin, const char **body,
			size_t *body_len, uint8_t sig[64], cvm_err *err)
{
	const char *end = text + len, *p;
	const char *val = NULL, *val_end = NULL, *sv = NULL, *sv_end = NULL;
	int nkey = 0, nsig = 0;
	json_tokener *tok = json_tokener_new();
	json_object *whole;

	/* The whole file must be valid JSON before we trust the scanner below. */
	if (!tok || len > INT32_MAX)
		return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "%s: out of memory", origin);
	whole = json_tokener_parse_ex(tok, text, (int)len);
	if (!whole || json_tokener_get_error(tok) != json_tokener_success || !json_object_is_type(whole, json_type_object)) {
		json_object_put(whole);
		json_tokener_free(tok);
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: not a JSON object", origin);
	}
	json_object_put(whole);
	json_tokener_free(tok);

	p = skip_ws(text, end);
	if (p >= end || *p != '{')
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: not a JSON object", origin);
	p = skip_ws(p + 1, end);
	while (p < end && *p == '"') {
		const char *k = p + 1, *k_end = skip_string(p, end), *v, *v_end;
		if (!k_end)
			break;
		p = skip_ws(k_end, end);
		if (p >= end || *p != ':')
			break;
		v = skip_ws(p + 1, end);
		if (!(v_end = skip_value(v, end)))
			break;
		size_t klen = (size_t)(k_end - 1 - k);
		if (klen == strlen(key) && memcmp(k, key, klen) == 0)
			val = v, val_end = v_end, nkey++;
		else if (klen == 9 && memcmp(k, "signature", 9) == 0)
			sv = v, sv_end = v_end, nsig++;
		p = skip_ws(v_end, end);
		if (p < end && *p == ',')
			p = skip_ws(p + 1, end);
	}
	if (nkey != 1 || *val != '{')
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: need exactly one top-level \"%s\" object", origin, key);
	if (nsig != 1 || sv_end - sv != 130 || *sv != '"')
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: need one top-level \"signature\" of 128 hex digits",
				   origin);
	char hex[129];
	memcpy(hex, sv + 1, 128);
	hex[128] = '\0';
	if (cvm_hex_decode(hex, sig, 64) < 0)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: \"signature\" is not hex", origin);
	*body = val;
	*body_len = (size_t)(val_end - val);
	return 0;
}

/* ---- field extraction ---------------------------------------------------- */

struct jctx {
	const char *what; /* "tcbInfo", "enclaveIdentity" */
	cvm_err *err;
};

static int bad(struct jctx *c, const char *field)
{
	return cvm_err_set(c->err, CVM_EXIT_BADINPUT, 0, "%s: field \"%s\" missing or malformed", c->what, field);
}

static json_object *get(json_object *o, const char *key, json_type type)
{
	json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, type))
		return NULL;
	return v;
}

static int hex_field(struct jctx *c, json_object *o, const char *key, uint8_t *out, size_t n)
{
	json_object *v = get(o, key, json_type_string);

	if (!v || (size_t)json_object_get_string_len(v) != 2 * n || cvm_hex_decode(json_object_get_string(v), out, n) < 0)
		return bad(c, key);
	return 0;
}

static int hex64_field(struct jctx *c, json_object *o, const char *key, uint64_t *out)
{
	uint8_t b[8];

	if (hex_field(c, o, key, b, 8) < 0)
		return -1;
	*out = 0;
	for (int i = 7; i >= 0; i--)
		*out = *out << 8 | b[i];
	return 0;
}

static int int_field(struct jctx *c, json_object *o, const char *key, long long lo, long long hi, long long *out)
{
	if (cvm_json_int(get(o, key, json_type_int), lo, hi, out) < 0)
		return bad(c, key);
	return 0;
}

static int date_field(struct jctx *c, json_object *o, const char *key, time_t *out)
{
	json_object *v = get(o, key, json_type_string);

	if (!v || cvm_attest_parse_time(json_object_get_string(v), out) < 0)
		return bad(c, key);
	return 0;
}

static int status_field(struct jctx *c, json_object *o, enum cvm_tdx_tcb_status *out)
{
	json_object *v = get(o, "tcbStatus", json_type_string);
	int s = v ? cvm_tdx_tcb_status_parse(json_object_get_string(v)) : -1;

	/* NotSupported/TdxModuleMismatch are outcomes, not PCS statuses */
	if (s < 0 || s >= CVM_TDX_TCB_NOT_SUPPORTED)
		return bad(c, "tcbStatus");
	*out = (enum cvm_tdx_tcb_status)s;
	return 0;
}

/* tcbLevels of an identity: [{ "tcb": {"isvsvn": N}, "tcbStatus": ... }] */
static int isv_levels(struct jctx *c, json_object *o, struct cvm_tdx_isv_level *lv, size_t *n)
{
	json_object *arr = get(o, "tcbLevels", json_type_array);
	size_t cnt = arr ? json_object_array_length(arr) : 0;

	if (!arr || cnt == 0 || cnt > CVM_TDX_MAX_LEVELS)
		return bad(c, "tcbLevels");
	for (size_t i = 0; i < cnt; i++) {
		json_object *l = json_object_array_get_idx(arr, i), *tcb = get(l, "tcb", json_type_object);
		long long svn;
		if (!tcb || int_field(c, tcb, "isvsvn", 0, 65535, &svn) < 0 || status_field(c, l, &lv[i].status) < 0)
			return bad(c, "tcbLevels");
		lv[i].isvsvn = (uint16_t)svn;
	}
	*n = cnt;
	return 0;
}

static json_object *parse_body(struct jctx *c, const char *body, size_t len)
{
	json_tokener *tok = json_tokener_new();
	json_object *o = NULL;

	if (tok && len <= INT32_MAX)
		o = json_tokener_parse_ex(tok, body, (int)len);
	if (!o || json_tokener_get_error(tok) != json_tokener_success || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		o = NULL;
		cvm_err_set(c->err, CVM_EXIT_BADINPUT, 0, "%s: not a JSON object", c->what);
	}
	json_tokener_free(tok);
	return o;
}

static int svn_components(struct jctx *c, json_object *tcb, const char *key, uint8_t out[16])
{
	json_object *arr = get(tcb, key, json_type_array);

	if (!arr || json_object_array_length(arr) != 16)
		return bad(c, key);
	for (size_t i = 0; i < 16; i++) {
		long long svn;
		if (int_field(c, json_object_array_get_idx(arr, i), "svn", 0, 255, &svn) < 0)
			return bad(c, key);
		out[i] = (uint8_t)svn;
	}
	return 0;
}

static int tcb_level(struct jctx *c, json_object *l, struct cvm_tdx_tcb_level *o)
{
	json_object *tcb = get(l, "tcb", json_type_object), *v, *adv;
	long long pcesvn;

	if (!tcb || svn_components(c, tcb, "sgxtcbcomponents", o->sgx) < 0 ||
	    svn_components(c, tcb, "tdxtcbcomponents", o->tdx) < 0 ||
	    int_field(c, tcb, "pcesvn", 0, 65535, &pcesvn) < 0 || status_field(c, l, &o->status) < 0)
		return bad(c, "tcbLevels");
	o->pcesvn = (uint16_t)pcesvn;
	if ((v = get(l, "tcbDate", json_type_string)))
		snprintf(o->date, sizeof(o->date), "%s", json_object_get_string(v));
	if ((adv = get(l, "advisoryIDs", json_type_array))) {
		size_t used = 0;
		for (size_t i = 0; i < json_object_array_length(adv); i++) {
			const char *s = json_object_get_string(json_object_array_get_idx(adv, i));
			int n = snprintf(o->advisories + used, sizeof(o->advisories) - used, "%s%s", used ? "," : "",
					 s ? s : "");
			if (n < 0 || (size_t)n >= sizeof(o->advisories) - used)
				break;
			used += (size_t)n;
		}
	}
	return 0;
}

static int module_identities(struct jctx *c, json_object *ti, struct cvm_tdx_tcb_info *o)
{
	json_object *arr = get(ti, "tdxModuleIdentities", json_type_array), *id;

	if (!arr)
		return 0; /* optional: TDX 1.0 platforms only have "tdxModule" */
	if (json_object_array_length(arr) > CVM_TDX_MAX_MODULES)
		return bad(c, "tdxModuleIdentities");
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *m = json_object_array_get_idx(arr, i);
		struct cvm_tdx_module_identity *mi = &o->modules[i];
		if (!(id = get(m, "id", json_type_string)) || json_object_get_string_len(id) >= (int)sizeof(mi->id))
			return bad(c, "tdxModuleIdentities.id");
		snprintf(mi->id, sizeof(mi->id), "%s", json_object_get_string(id));
		if (hex_field(c, m, "mrsigner", mi->mrsigner, 48) < 0 ||
		    hex64_field(c, m, "attributes", &mi->attributes) < 0 ||
		    hex64_field(c, m, "attributesMask", &mi->attributes_mask) < 0 ||
		    isv_levels(c, m, mi->levels, &mi->n_levels) < 0)
			return -1;
	}
	o->n_modules = json_object_array_length(arr);
	return 0;
}

int cvm_tdx_tcb_info_parse(const char *body, size_t len, struct cvm_tdx_tcb_info *o, cvm_err *err)
{
	struct jctx c = { "tcbInfo", err };
	cvm_autojson json_object *ti = parse_body(&c, body, len);
	json_object *id, *mod, *levels;
	long long version;

	memset(o, 0, sizeof(*o));
	if (!ti)
		return -1;
	if (!(id = get(ti, "id", json_type_string)) || strcmp(json_object_get_string(id), "TDX") != 0)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "tcbInfo: \"id\" is not \"TDX\" (SGX TCB info given?)");
	if (int_field(&c, ti, "version", 0, 1000, &version) < 0)
		return -1;
	if (version != 3)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "tcbInfo: version %lld unsupported (need 3)", version);
	o->version = (int)version;
	if (date_field(&c, ti, "issueDate", &o->issue_date) < 0 || date_field(&c, ti, "nextUpdate", &o->next_update) < 0 ||
	    hex_field(&c, ti, "fmspc", o->fmspc, 6) < 0 || hex_field(&c, ti, "pceId", o->pceid, 2) < 0 ||
	    int_field(&c, ti, "tcbEvaluationDataNumber", 0, INT32_MAX, &o->tcb_eval_num) < 0)
		return -1;
	long long tcb_type;
	if (int_field(&c, ti, "tcbType", 0, 1000, &tcb_type) < 0)
		return -1;
	/* tcbType 0 is the only defined one: the components compare one to one */
	if (tcb_type != 0)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "tcbInfo: tcbType %lld unsupported (need 0)", tcb_type);
	if (!(mod = get(ti, "tdxModule", json_type_object)))
		return bad(&c, "tdxModule");
	if (hex_field(&c, mod, "mrsigner", o->module_mrsigner, 48) < 0 ||
	    hex64_field(&c, mod, "attributes", &o->module_attributes) < 0 ||
	    hex64_field(&c, mod, "attributesMask", &o->module_attributes_mask) < 0 || module_identities(&c, ti, o) < 0)
		return -1;
	levels = get(ti, "tcbLevels", json_type_array);
	if (!levels || json_object_array_length(levels) == 0 || json_object_array_length(levels) > CVM_TDX_MAX_LEVELS)
		return bad(&c, "tcbLevels");
	for (size_t i = 0; i < json_object_array_length(levels); i++)
		if (tcb_level(&c, json_object_array_get_idx(levels, i), &o->levels[i]) < 0)
			return -1;
	o->n_levels = json_object_array_length(levels);
	return 0;
}

int cvm_tdx_qe_identity_parse(const char *body, size_t len, struct cvm_tdx_qe_identity *o, cvm_err *err)
{
	struct jctx c = { "enclaveIdentity", err };
	cvm_autojson json_object *qi = parse_body(&c, body, len);
	json_object *id;
	long long version, prodid;

	memset(o, 0, sizeof(*o));
	if (!qi)
		return -1;
	if (!(id = get(qi, "id", json_type_string)) || strcmp(json_object_get_string(id), "TD_QE") != 0)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
				   "enclaveIdentity: \"id\" is not \"TD_QE\" (SGX QE identity given?)");
	if (int_field(&c, qi, "version", 0, 1000, &version) < 0)
		return -1;
	if (version != 2)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "enclaveIdentity: version %lld unsupported (need 2)", version);
	o->version = (int)version;
	if (date_field(&c, qi, "issueDate", &o->issue_date) < 0 || date_field(&c, qi, "nextUpdate", &o->next_update) < 0 ||
	    int_field(&c, qi, "tcbEvaluationDataNumber", 0, INT32_MAX, &o->tcb_eval_num) < 0 ||
	    hex_field(&c, qi, "miscselect", o->miscselect, 4) < 0 ||
	    hex_field(&c, qi, "miscselectMask", o->miscselect_mask, 4) < 0 ||
	    hex_field(&c, qi, "attributes", o->attributes, 16) < 0 ||
	    hex_field(&c, qi, "attributesMask", o->attributes_mask, 16) < 0 ||
	    hex_field(&c, qi, "mrsigner", o->mrsigner, 32) < 0 || int_field(&c, qi, "isvprodid", 0, 65535, &prodid) < 0 ||
	    isv_levels(&c, qi, o->levels, &o->n_levels) < 0)
		return -1;
	o->isvprodid = (uint16_t)prodid;
	return 0;
}

/* ---- evaluation ---------------------------------------------------------- */

static int isv_status(const struct cvm_tdx_isv_level *lv, size_t n, uint16_t isvsvn)
{
	for (size_t i = 0; i < n; i++)
		if (isvsvn >= lv[i].isvsvn)
			return (int)lv[i].status;
	return CVM_TDX_TCB_NOT_SUPPORTED;
}

int cvm_tdx_qe_identity_match(const struct cvm_tdx_qe_identity *qi, const struct cvm_sgx_report *qe,
			      enum cvm_tdx_tcb_status *status, char *why, size_t whylen)
{
	uint8_t misc[4] = { (uint8_t)qe->miscselect, (uint8_t)(qe->miscselect >> 8), (uint8_t)(qe->miscselect >> 16),
			    (uint8_t)(qe->miscselect >> 24) };

	for (int i = 0; i < 4; i++)
		if ((misc[i] & qi->miscselect_mask[i]) != qi->miscselect[i]) {
			snprintf(why, whylen, "QE MISCSELECT 0x%08x does not match the QE identity", qe->miscselect);
			return 0;
		}
	for (int i = 0; i < 16; i++)
		if ((qe->attributes[i] & qi->attributes_mask[i]) != qi->attributes[i]) {
			snprintf(why, whylen, "QE ATTRIBUTES do not match the QE identity (byte %d)", i);
			return 0;
		}
	if (memcmp(qe->mrsigner, qi->mrsigner, 32) != 0) {
		snprintf(why, whylen, "QE MRSIGNER is not the one of the QE identity");
		return 0;
	}
	if (qe->isvprodid != qi->isvprodid) {
		snprintf(why, whylen, "QE ISVPRODID %u, QE identity says %u", qe->isvprodid, qi->isvprodid);
		return 0;
	}
	*status = (enum cvm_tdx_tcb_status)isv_status(qi->levels, qi->n_levels, qe->isvsvn);
	return 1;
}

static const struct cvm_tdx_module_identity *find_module(const struct cvm_tdx_tcb_info *ti, uint8_t version)
{
	char want[16];

	snprintf(want, sizeof(want), "TDX_%02X", version);
	for (size_t i = 0; i < ti->n_modules; i++)
		if (strcasecmp(ti->modules[i].id, want) == 0)
			return &ti->modules[i];
	return NULL;
}

int cvm_tdx_module_identity_match(const struct cvm_tdx_tcb_info *ti, const struct cvm_tdx_body *body,
				  uint16_t quote_version, char *why, size_t whylen)
{
	const uint8_t *mrsigner = ti->module_mrsigner;
	uint64_t attrs = ti->module_attributes, mask = ti->module_attributes_mask;
	uint8_t version = body->tee_tcb_svn[1];

	if (quote_version > 3 && version > 0) {
		const struct cvm_tdx_module_identity *m = find_module(ti, version);
		if (!m) {
			snprintf(why, whylen, "TCB info has no identity TDX_%02X for this TDX module", version);
			return 0;
		}
		mrsigner = m->mrsigner;
		attrs = m->attributes;
		mask = m->attributes_mask;
	}
	if (memcmp(body->mrsignerseam, mrsigner, 48) != 0) {
		snprintf(why, whylen, "MRSIGNERSEAM is not the TDX module signer of the TCB info");
		return 0;
	}
	if ((body->seam_attributes & mask) != (attrs & mask)) {
		snprintf(why, whylen, "SEAM_ATTRIBUTES 0x%016llx do not match the TCB info (0x%016llx mask 0x%016llx)",
			 (unsigned long long)body->seam_attributes, (unsigned long long)attrs, (unsigned long long)mask);
		return 0;
	}
	snprintf(why, whylen, "MRSIGNERSEAM and SEAM_ATTRIBUTES match %s",
		 quote_version > 3 && version > 0 ? "tdxModuleIdentities" : "tdxModule");
	return 1;
}

static bool ge_all(const uint8_t *have, const uint8_t *need, int from, int to)
{
	for (int i = from; i < to; i++)
		if (have[i] < need[i])
			return false;
	return true;
}

static bool config_needed(int s)
{
	return s == CVM_TDX_TCB_CONFIGURATION_NEEDED || s == CVM_TDX_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED ||
	       s == CVM_TDX_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED ||
	       s == CVM_TDX_TCB_TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED;
}

/* A component that is OutOfDate drags an otherwise good level down with it
 * (QVL convergeTcbStatusWith{TdxModule,Qe}TcbStatus); Revoked wins. */
static int converge(int level, int other)
{
	if (other == CVM_TDX_TCB_OUT_OF_DATE) {
		if (level == CVM_TDX_TCB_UP_TO_DATE || level == CVM_TDX_TCB_SW_HARDENING_NEEDED)
			return CVM_TDX_TCB_OUT_OF_DATE;
		if (level == CVM_TDX_TCB_CONFIGURATION_NEEDED || level == CVM_TDX_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED)
			return CVM_TDX_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED;
	}
	if (other == CVM_TDX_TCB_REVOKED)
		return CVM_TDX_TCB_REVOKED;
	if (other == CVM_TDX_TCB_NOT_SUPPORTED)
		return CVM_TDX_TCB_NOT_SUPPORTED;
	return level;
}

static int module_status(const struct cvm_tdx_tcb_info *ti, const struct cvm_tdx_body *b, uint16_t qver)
{
	const struct cvm_tdx_module_identity *m;

	if (qver > 3 && b->tee_tcb_svn[1] == 0)
		return CVM_TDX_TCB_UP_TO_DATE;
	if (!(m = find_module(ti, b->tee_tcb_svn[1])))
		return CVM_TDX_TCB_MODULE_MISMATCH;
	return isv_status(m->levels, m->n_levels, b->tee_tcb_svn[0]);
}

/* TDX 1.5 (4.1.2.4.17.4.3): an out-of-date TD on an up-to-date platform
 * whose TEE_TCB_SVN2 (the module it would get after relaunch) reaches the
 * latest level is told to relaunch instead. */
static int relaunch(const struct cvm_tdx_tcb_info *ti, const struct cvm_tdx_body *b, int sgx, int tdx, int mod,
		    int qe)
{
	const uint8_t *svn2 = b->tee_tcb_svn2;
	const struct cvm_tdx_tcb_level *latest = &ti->levels[0];
	uint16_t need0 = latest->tdx[0];

	if (qe == CVM_TDX_TCB_OUT_OF_DATE || qe == CVM_TDX_TCB_REVOKED || qe == CVM_TDX_TCB_NOT_SUPPORTED)
		return tdx;
	if (sgx != CVM_TDX_TCB_UP_TO_DATE && sgx != CVM_TDX_TCB_SW_HARDENING_NEEDED &&
	    sgx != CVM_TDX_TCB_CONFIGURATION_NEEDED && sgx != CVM_TDX_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED)
		return tdx;
	if ((tdx != CVM_TDX_TCB_OUT_OF_DATE && tdx != CVM_TDX_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED) ||
	    mod != CVM_TDX_TCB_OUT_OF_DATE)
		return tdx;
	if (svn2[1] != 0) {
		const struct cvm_tdx_module_identity *m = find_module(ti, svn2[1]);
		if (!m)
			return CVM_TDX_TCB_MODULE_MISMATCH;
		need0 = m->levels[0].isvsvn;
	}
	if (svn2[0] >= need0 && svn2[2] >= latest->tdx[2])
		return config_needed(sgx) || config_needed(tdx) ? CVM_TDX_TCB_TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED
								: CVM_TDX_TCB_TD_RELAUNCH_ADVISED;
	return tdx;
}

void cvm_tdx_tcb_evaluate(const struct cvm_tdx_tcb_info *ti, const struct cvm_sgx_pck_ext *pck,
			  const struct cvm_tdx_body *body, uint16_t quote_version, int qe_status,
			  struct cvm_tdx_tcb_eval *out)
{
	/* With a TDX module version (TEE_TCB_SVN[1] > 0) its SVN is judged by
	 * the module identity, so the level comparison starts at index 2. */
	int from = body->tee_tcb_svn[1] > 0 ? 2 : 0;
	int st;

	memset(out, 0, sizeof(*out));
	out->sgx_level = out->tdx_level = -1;
	out->status = out->sgx_status = out->tdx_status = out->module_status = CVM_TDX_TCB_NOT_SUPPORTED;
	for (size_t i = 0; i < ti->n_levels; i++) {
		const struct cvm_tdx_tcb_level *l = &ti->levels[i];
		if (!ge_all(pck->cpusvn, l->sgx, 0, 16) || pck->pcesvn < l->pcesvn)
			continue;
		if (out->sgx_level < 0)
			out->sgx_level = (int)i;
		if (ge_all(body->tee_tcb_svn, l->tdx, from, 16)) {
			out->tdx_level = (int)i;
			break;
		}
	}
	if (out->sgx_level < 0 || out->tdx_level < 0)
		return;
	out->sgx_status = ti->levels[out->sgx_level].status;
	out->tdx_status = ti->levels[out->tdx_level].status;
	snprintf(out->date, sizeof(out->date), "%s", ti->levels[out->tdx_level].date);
	snprintf(out->advisories, sizeof(out->advisories), "%s", ti->levels[out->tdx_level].advisories);
	out->module_status = (enum cvm_tdx_tcb_status)module_status(ti, body, quote_version);
	if (out->module_status == CVM_TDX_TCB_NOT_SUPPORTED || out->module_status == CVM_TDX_TCB_MODULE_MISMATCH) {
		out->status = out->module_status;
		return;
	}
	st = converge(out->tdx_status, out->module_status);
	if (st != CVM_TDX_TCB_REVOKED && body->is_td15)
		st = relaunch(ti, body, out->sgx_status, st, out->module_status, qe_status);
	if (qe_status >= 0)
		st = converge(st, qe_status);
	out->status = (enum cvm_tdx_tcb_status)st;
}
