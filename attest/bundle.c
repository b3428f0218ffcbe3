#include "bundle.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "b64.h"
#include "cvm_cleanup.h"
#include "cvm_fileio.h"
#include "cvm_json.h"

static void blob_free(struct cvm_blob *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
}

void cvm_bundle_free(struct cvm_bundle *b)
{
	for (size_t i = 0; i < b->n_records; i++)
		blob_free(&b->records[i]);
	free(b->records);
	cvm_evlog_free(&b->log);
	blob_free(&b->nonce);
	blob_free(&b->quote);
	blob_free(&b->signature);
	blob_free(&b->snp_report);
	blob_free(&b->snp_vcek);
	free(b->pcrs);
	free(b->ak_pem);
	free(b->snp_chain);
	blob_free(&b->tdx_quote);
	free(b->tdx_tcb_info);
	free(b->tdx_tcb_info_chain);
	free(b->tdx_qe_identity);
	free(b->tdx_qe_identity_chain);
	blob_free(&b->tdx_pck_crl);
	blob_free(&b->tdx_root_crl);
	memset(b, 0, sizeof(*b));
}

static int get_string(json_object *o, const char *key, const char **out, cvm_err *err)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "missing \"%s\"", key);
	if (!json_object_is_type(v, json_type_string))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "\"%s\" must be a string", key);
	*out = json_object_get_string(v);
	return 0;
}

static int get_b64(json_object *o, const char *key, struct cvm_blob *out, cvm_err *err)
{
	const char *s;

	if (get_string(o, key, &s, err) < 0)
		return -1;
	if (cvm_b64_decode(s, strlen(s), &out->data, &out->len) < 0)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "\"%s\" is not valid base64", key);
	return 0;
}

static int only_keys(json_object *o, const char *const *keys, const char *where, cvm_err *err)
{
	json_object_object_foreach(o, key, val)
	{
		bool known = false;
		(void)val;
		for (size_t i = 0; keys[i]; i++)
			known |= strcmp(key, keys[i]) == 0;
		if (!known)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%sunknown key \"%s\"", where, key);
	}
	return 0;
}

static int parse_pcrs(json_object *o, struct cvm_tpm_pcrs *p, cvm_err *err)
{
	if (!json_object_is_type(o, json_type_object))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "tpm.pcrs must be an object");
	json_object_object_foreach(o, bank, vals)
	{
		TPM2_ALG_ID alg = cvm_tpm_hash_from_name(bank);
		if (alg == TPM2_ALG_ERROR || !json_object_is_type(vals, json_type_object))
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "tpm.pcrs: bad bank \"%s\"", bank);
		json_object_object_foreach(vals, idx, hex)
		{
			uint8_t val[64];
			char *end;
			unsigned long i = strtoul(idx, &end, 10);
			size_t sz = cvm_tpm_hash_size(alg);
			const char *h = json_object_get_string(hex);
			if (!*idx || *end || (idx[0] == '0' && idx[1]) || i >= TPM2_MAX_PCRS ||
			    !json_object_is_type(hex, json_type_string) || strlen(h) != 2 * sz ||
			    cvm_hex_decode(h, val, sz) < 0 || cvm_tpm_pcrs_add(p, alg, (unsigned)i, val, sz) < 0)
				return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "tpm.pcrs.%s: bad PCR \"%s\"", bank, idx);
		}
	}
	return 0;
}

static int parse_tpm(json_object *t, struct cvm_bundle *b, cvm_err *err)
{
	static const char *const keys[] = {"quote", "signature", "pcrs", "ak_pem", NULL};
	json_object *pcrs;
	const char *pem;

	if (!json_object_is_type(t, json_type_object))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "\"tpm\" must be an object");
	if (only_keys(t, keys, "tpm: ", err) < 0 || get_b64(t, "quote", &b->quote, err) < 0 ||
	    get_b64(t, "signature", &b->signature, err) < 0 || get_string(t, "ak_pem", &pem, err) < 0)
		return cvm_err_prefix(err, "tpm: ");
	b->ak_pem = strdup(pem);
	b->pcrs = calloc(1, sizeof(*b->pcrs));
	if (!b->ak_pem || !b->pcrs)
		return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
	if (!json_object_object_get_ex(t, "pcrs", &pcrs))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "tpm: missing \"pcrs\"");
	return parse_pcrs(pcrs, b->pcrs, err);
}

static int parse_snp(json_object *s, struct cvm_bundle *b, cvm_err *err)
{
	static const char *const keys[] = {"report", "vcek", "chain", NULL};
	const char *chain;

	if (!json_object_is_type(s, json_type_object))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "\"snp\" must be an object");
	if (only_keys(s, keys, "snp: ", err) < 0 || get_b64(s, "report", &b->snp_report, err) < 0)
		return cvm_err_prefix(err, "snp: ");
	if (json_object_object_get_ex(s, "vcek", NULL) && get_b64(s, "vcek", &b->snp_vcek, err) < 0)
		return cvm_err_prefix(err, "snp: ");
	if (json_object_object_get_ex(s, "chain", NULL)) {
		if (get_string(s, "chain", &chain, err) < 0)
			return cvm_err_prefix(err, "snp: ");
		b->snp_chain = strdup(chain);
		if (!b->snp_chain)
			return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
	}
	return 0;
}

/* A required text member, copied; embedded NULs are refused (the verifier
 * hands these texts on as C strings). */
static int get_text(json_object *o, const char *key, char **out, cvm_err *err)
{
	const char *s;

	if (get_string(o, key, &s, err) < 0)
		return -1;
	if (strlen(s) != (size_t)json_object_get_string_len(json_object_object_get(o, key)))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "\"%s\" contains a NUL character", key);
	*out = strdup(s);
	return *out ? 0 : cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
}

static int parse_tdx_collateral(json_object *c, struct cvm_bundle *b, cvm_err *err)
{
	static const char *const keys[] = {"tcb_info", "tcb_info_chain", "qe_identity", "qe_identity_chain",
	                                   "pck_crl",  "root_crl",       NULL};

	if (!json_object_is_type(c, json_type_object))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "\"collateral\" must be an object");
	if (only_keys(c, keys, "", err) < 0 || get_text(c, "tcb_info", &b->tdx_tcb_info, err) < 0 ||
	    get_text(c, "tcb_info_chain", &b->tdx_tcb_info_chain, err) < 0 ||
	    get_text(c, "qe_identity", &b->tdx_qe_identity, err) < 0 ||
	    get_text(c, "qe_identity_chain", &b->tdx_qe_identity_chain, err) < 0)
		return -1;
	if (json_object_object_get_ex(c, "pck_crl", NULL) && get_b64(c, "pck_crl", &b->tdx_pck_crl, err) < 0)
		return -1;
	if (json_object_object_get_ex(c, "root_crl", NULL) && get_b64(c, "root_crl", &b->tdx_root_crl, err) < 0)
		return -1;
	return 0;
}

static int parse_tdx(json_object *t, struct cvm_bundle *b, cvm_err *err)
{
	static const char *const keys[] = {"quote", "collateral", NULL};
	json_object *c;

	if (!json_object_is_type(t, json_type_object))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "\"tdx\" must be an object");
	if (only_keys(t, keys, "", err) < 0 || get_b64(t, "quote", &b->tdx_quote, err) < 0)
		return cvm_err_prefix(err, "tdx: ");
	if (b->tdx_quote.len == 0)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "tdx: \"quote\" is empty");
	if (json_object_object_get_ex(t, "collateral", &c) && parse_tdx_collateral(c, b, err) < 0)
		return cvm_err_prefix(err, "tdx: collateral: ");
	return 0;
}

static int parse_records(json_object *arr, struct cvm_bundle *b, cvm_err *err)
{
	size_t n;

	if (!json_object_is_type(arr, json_type_array))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "\"records\" must be an array");
	n = json_object_array_length(arr);
	if (n > CVM_BUNDLE_MAX_RECORDS)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%zu records (at most %d)", n, CVM_BUNDLE_MAX_RECORDS);
	b->records = calloc(n ? n : 1, sizeof(*b->records));
	if (!b->records)
		return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		json_object *r = json_object_array_get_idx(arr, i);
		const char *s = json_object_get_string(r);
		if (!json_object_is_type(r, json_type_string) ||
		    cvm_b64_decode(s, strlen(s), &b->records[i].data, &b->records[i].len) < 0)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "records[%zu] is not base64", i);
		b->n_records++;
	}
	return 0;
}

int cvm_bundle_parse(const char *text, struct cvm_bundle *b, cvm_err *err)
{
	static const char *const keys[] = {"format",   "tenant", "created", "nonce", "records",
	                                   "eventlog", "tpm",    "snp",     "tdx",   NULL};
	cvm_autojson json_object *root = NULL;
	json_object *v;
	const char *s;

	memset(b, 0, sizeof(*b));
	if (cvm_json_parse_object(text, "bundle", &root, err) < 0)
		return -1;
	if (get_string(root, "format", &s, err) < 0)
		return cvm_err_prefix(err, "bundle: ");
	if (strcmp(s, CVM_BUNDLE_FORMAT) != 0)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "bundle: format \"%.40s\" is not %s", s,
		                   CVM_BUNDLE_FORMAT);
	if (only_keys(root, keys, "", err) < 0)
		return cvm_err_prefix(err, "bundle: ");
	if (get_string(root, "tenant", &s, err) < 0 || strlen(s) >= sizeof(b->tenant))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "bundle: bad or missing \"tenant\"");
	snprintf(b->tenant, sizeof(b->tenant), "%s", s);
	if (get_string(root, "created", &s, err) < 0 || strlen(s) >= sizeof(b->created))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "bundle: bad or missing \"created\"");
	snprintf(b->created, sizeof(b->created), "%s", s);
	if (get_string(root, "nonce", &s, err) < 0 || cvm_hex_decode_alloc(s, &b->nonce.data, &b->nonce.len) < 0)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "bundle: \"nonce\" must be hex");
	if (!json_object_object_get_ex(root, "records", &v))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "bundle: missing \"records\"");
	if (parse_records(v, b, err) < 0)
		return cvm_err_prefix(err, "bundle: ");
	if (!json_object_object_get_ex(root, "eventlog", &v))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "bundle: missing \"eventlog\"");
	if (cvm_evlog_from_json(v, &b->log, err) < 0)
		return cvm_err_prefix(err, "bundle: ");
	if (!json_object_object_get_ex(root, "tpm", &v))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "bundle: missing \"tpm\"");
	if (parse_tpm(v, b, err) < 0)
		return cvm_err_prefix(err, "bundle: ");
	if (json_object_object_get_ex(root, "snp", &v) && parse_snp(v, b, err) < 0)
		return cvm_err_prefix(err, "bundle: ");
	if (json_object_object_get_ex(root, "tdx", &v)) {
		if (b->snp_report.data)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
			                   "bundle: carries both \"snp\" and \"tdx\" (a guest is one or the other)");
		if (parse_tdx(v, b, err) < 0)
			return cvm_err_prefix(err, "bundle: ");
	}
	return 0;
}

static json_object *b64_json(const struct cvm_blob *blob)
{
	cvm_autofree char *s = cvm_b64_encode(blob->data, blob->len);

	return s ? json_object_new_string(s) : NULL;
}

static json_object *pcrs_json(const struct cvm_tpm_pcrs *p)
{
	json_object *banks = json_object_new_object();

	for (size_t i = 0; i < p->n; i++) {
		const char *name = cvm_tpm_alg_name(p->v[i].alg);
		json_object *bank = NULL;
		char idx[8], hex[129];
		if (!json_object_object_get_ex(banks, name, &bank)) {
			bank = json_object_new_object();
			json_object_object_add(banks, name, bank);
		}
		snprintf(idx, sizeof(idx), "%u", p->v[i].index);
		cvm_hex_encode(p->v[i].value, p->v[i].size, hex);
		json_object_object_add(bank, idx, json_object_new_string(hex));
	}
	return banks;
}

static bool entry_is_tenant(const struct cvm_evlog_entry *e, const char *tenant)
{
	size_t n = strlen(tenant);

	return strncmp(e->record, tenant, n) == 0 && e->record[n] == '/';
}

char *cvm_bundle_format(const struct cvm_bundle *b, cvm_err *err)
{
	cvm_autojson json_object *root = json_object_new_object();
	cvm_autofree char *nonce = malloc(2 * b->nonce.len + 1);
	json_object *recs, *log, *tpm;
	char *out = NULL;

	if (!root || !nonce || !b->pcrs)
		goto oom;
	cvm_hex_encode(b->nonce.data, b->nonce.len, nonce);
	json_object_object_add(root, "format", json_object_new_string(CVM_BUNDLE_FORMAT));
	json_object_object_add(root, "tenant", json_object_new_string(b->tenant));
	json_object_object_add(root, "created", json_object_new_string(b->created));
	json_object_object_add(root, "nonce", json_object_new_string(nonce));
	/* Owned by root from here on, so every exit frees them. */
	json_object_object_add(root, "records", recs = json_object_new_array());
	json_object_object_add(root, "eventlog", log = json_object_new_array());
	json_object_object_add(root, "tpm", tpm = json_object_new_object());
	if (!recs || !log || !tpm)
		goto oom;
	for (size_t i = 0; i < b->n_records; i++)
		json_object_array_add(recs, b64_json(&b->records[i]));
	for (size_t i = 0; i < b->log.n; i++)
		json_object_array_add(log,
		                      cvm_evlog_entry_json(&b->log.e[i], !entry_is_tenant(&b->log.e[i], b->tenant)));
	json_object_object_add(tpm, "quote", b64_json(&b->quote));
	json_object_object_add(tpm, "signature", b64_json(&b->signature));
	json_object_object_add(tpm, "pcrs", pcrs_json(b->pcrs));
	json_object_object_add(tpm, "ak_pem", json_object_new_string(b->ak_pem ? b->ak_pem : ""));
	if (b->snp_report.data) {
		json_object *snp = json_object_new_object();
		json_object_object_add(snp, "report", b64_json(&b->snp_report));
		if (b->snp_vcek.data)
			json_object_object_add(snp, "vcek", b64_json(&b->snp_vcek));
		if (b->snp_chain)
			json_object_object_add(snp, "chain", json_object_new_string(b->snp_chain));
		json_object_object_add(root, "snp", snp);
	}
	if (b->tdx_quote.data) {
		json_object *tdx = json_object_new_object();
		json_object_object_add(root, "tdx", tdx);
		if (!tdx)
			goto oom;
		json_object_object_add(tdx, "quote", b64_json(&b->tdx_quote));
		if (b->tdx_tcb_info && b->tdx_tcb_info_chain && b->tdx_qe_identity && b->tdx_qe_identity_chain) {
			json_object *c = json_object_new_object();
			json_object_object_add(tdx, "collateral", c);
			if (!c)
				goto oom;
			json_object_object_add(c, "tcb_info", json_object_new_string(b->tdx_tcb_info));
			json_object_object_add(c, "tcb_info_chain", json_object_new_string(b->tdx_tcb_info_chain));
			json_object_object_add(c, "qe_identity", json_object_new_string(b->tdx_qe_identity));
			json_object_object_add(c, "qe_identity_chain", json_object_new_string(b->tdx_qe_identity_chain));
			if (b->tdx_pck_crl.data)
				json_object_object_add(c, "pck_crl", b64_json(&b->tdx_pck_crl));
			if (b->tdx_root_crl.data)
				json_object_object_add(c, "root_crl", b64_json(&b->tdx_root_crl));
		}
	}
	if (asprintf(&out, "%s\n",
	             json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE)) <
	    0)
		goto oom;
	return out;
oom:
	cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory formatting the bundle");
	return NULL;
}
