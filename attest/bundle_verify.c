#include "bundle_verify.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>
#include <openssl/evp.h>

#include "cvm_cleanup.h"
#include "cvm_crypto_cleanup.h"
#include "cvm_fileio.h"
#include "cvm_json.h"
#include "record_check.h"
#include "tdx_quote.h"
#include "tpm_verify.h"

static void check_ak(const struct cvm_evidence_policy *p, EVP_PKEY *ak, char fp[65], struct cvm_verdict *v)
{
	if (cvm_tpm_ak_fingerprint(ak, fp) < 0) {
		fp[0] = '\0';
		cvm_verdict_add(v, "tpm.ak_trusted", CVM_CHECK_ERROR, "cannot fingerprint the AK");
		return;
	}
	if (p->n_ak == 0) {
		cvm_verdict_add(v, "tpm.ak_trusted", CVM_CHECK_ERROR,
		                "the policy names no trusted AK (tpm.trusted_ak_sha256); AK %s", fp);
		return;
	}
	for (size_t i = 0; i < p->n_ak; i++) {
		if (strcmp(p->ak_sha256[i], fp) == 0) {
			cvm_verdict_add(v, "tpm.ak_trusted", CVM_CHECK_PASS, "AK %s is trusted by the policy", fp);
			return;
		}
	}
	cvm_verdict_add(v, "tpm.ak_trusted", CVM_CHECK_FAIL, "AK %s is not among the policy's trusted AKs", fp);
}

/* The log must replay to the quoted SHA-256 value of the policy's PCR, and
 * may not touch any PCR the quote does not cover (that part of the log
 * would be unverified). */
static void check_replay(const struct cvm_bundle *b, const struct cvm_evidence_policy *p,
                         const struct cvm_tpm_pcrs *quoted, struct cvm_verdict *v)
{
	const struct cvm_tpm_pcr *q = cvm_tpm_pcrs_find(quoted, TPM2_ALG_SHA256, p->pcr);
	uint8_t replay[32];
	size_t n;
	char hex[65];

	for (size_t i = 0; i < b->log.n; i++) {
		if (b->log.e[i].pcr != p->pcr) {
			cvm_verdict_add(v, "eventlog.replay", CVM_CHECK_FAIL,
			                "entry seq %lu extends PCR %u, the policy's launch PCR is %u", b->log.e[i].seq,
			                b->log.e[i].pcr, p->pcr);
			return;
		}
	}
	if (!q) {
		cvm_verdict_add(v, "eventlog.replay", CVM_CHECK_FAIL, "the quote does not cover sha256 PCR %u", p->pcr);
		return;
	}
	n = cvm_evlog_replay(&b->log, p->pcr, replay);
	cvm_hex_encode(replay, 32, hex);
	if (memcmp(replay, q->value, 32) == 0)
		cvm_verdict_add(v, "eventlog.replay", CVM_CHECK_PASS, "%zu entries replay to quoted PCR %u %.16s...", n,
		                p->pcr, hex);
	else
		cvm_verdict_add(v, "eventlog.replay", CVM_CHECK_FAIL,
		                "%zu entries replay to %.16s..., the quoted PCR %u differs", n, hex, p->pcr);
}

static const struct cvm_evlog_entry *find_entry(const struct cvm_evlog *log, const uint8_t digest[32])
{
	for (size_t i = 0; i < log->n; i++)
		if (memcmp(log->e[i].digest, digest, 32) == 0)
			return &log->e[i];
	return NULL;
}

static void prefix_name(char *buf, size_t len, size_t i, size_t n)
{
	if (n == 1)
		snprintf(buf, len, "record");
	else
		snprintf(buf, len, "record[%zu]", i);
}

static void add_named(struct cvm_verdict *v, const char *prefix, const char *check, enum cvm_check_result r,
                      const char *detail)
{
	char name[48];

	snprintf(name, sizeof(name), "%s.%s", prefix, check);
	cvm_verdict_add(v, name, r, "%s", detail);
}

/* Integrity and identity of record @i: its exact bytes are in the log (so
 * the replay covers them), it parses, has our format, and names the
 * bundle's tenant and the log entry's tenant/uuid. Returns the parsed
 * record or NULL. */
static json_object *record_identity(const struct cvm_bundle *b, size_t i, const char *prefix, struct cvm_verdict *v)
{
	const struct cvm_blob *r = &b->records[i];
	uint8_t md[32];
	unsigned mdlen = 32;
	char hex[65], detail[300], id[CVM_EVLOG_RECORD_MAX + 8];
	const struct cvm_evlog_entry *e;
	cvm_autofree char *text = NULL;
	json_object *rec = NULL;
	const char *fmt, *tenant, *uuid;

	EVP_Digest(r->data, r->len, md, &mdlen, EVP_sha256(), NULL);
	cvm_hex_encode(md, 32, hex);
	e = find_entry(&b->log, md);
	if (e)
		snprintf(detail, sizeof(detail), "SHA-256 %.16s... is event-log entry seq %lu", hex, e->seq);
	else
		snprintf(detail, sizeof(detail), "SHA-256 %.16s... is not in the event log", hex);
	add_named(v, prefix, "logged", e ? CVM_CHECK_PASS : CVM_CHECK_FAIL, detail);

	text = strndup((const char *)r->data, r->len);
	if (!text || strlen(text) != r->len || cvm_json_parse_object(text, "record", &rec, NULL) < 0) {
		add_named(v, prefix, "format", CVM_CHECK_FAIL, "the record is not a JSON object");
		return NULL;
	}
	fmt = json_object_get_string(cvm_record_get(rec, "format"));
	tenant = json_object_get_string(cvm_record_get(rec, "tenant"));
	uuid = json_object_get_string(cvm_record_get(rec, "uuid"));
	if (!fmt || strcmp(fmt, CVM_RECORD_FORMAT) != 0 || !tenant || !uuid) {
		add_named(v, prefix, "format", CVM_CHECK_FAIL,
		          "not a " CVM_RECORD_FORMAT " record with tenant and uuid");
		json_object_put(rec);
		return NULL;
	}
	add_named(v, prefix, "format", CVM_CHECK_PASS, CVM_RECORD_FORMAT);
	snprintf(id, sizeof(id), "%s/%s", tenant, uuid);
	if (strcmp(tenant, b->tenant) != 0)
		snprintf(detail, sizeof(detail), "record of %s in a bundle for %s", id, b->tenant);
	else if (e && e->record[0] && strcmp(e->record, id) != 0)
		snprintf(detail, sizeof(detail), "record %s but its log entry names %s", id, e->record);
	else
		detail[0] = '\0';
	add_named(v, prefix, "identity", detail[0] ? CVM_CHECK_FAIL : CVM_CHECK_PASS, detail[0] ? detail : id);
	return rec;
}

/* The running guest is the latest launch: its record comes last. */
static json_object *latest_record(json_object *const *recs, size_t n)
{
	for (size_t i = n; i-- > 0;)
		if (recs[i])
			return recs[i];
	return NULL;
}

/* Evidence of one kind belongs to a launch of that kind: @check passes when
 * the record's confidential.type is @type. */
static void check_record_type(json_object *rec, const char *check, const char *type, const char *launch,
                              const char *evidence, struct cvm_verdict *v)
{
	const char *got = json_object_get_string(cvm_record_get(rec, "confidential.type"));

	if (got && strcmp(got, type) == 0)
		cvm_verdict_add(v, check, CVM_CHECK_PASS, "the launch record is %s launch", launch);
	else
		cvm_verdict_add(v, check, CVM_CHECK_FAIL,
		                "the bundle carries %s, the launch record's confidential type is \"%.20s\"", evidence,
		                got ? got : "(absent)");
}

static void check_snp_measurement(const struct cvm_bundle *b, json_object *const *recs, size_t n, struct cvm_verdict *v)
{
	json_object *rec = latest_record(recs, n);
	char hex[2 * CVM_BUNDLE_SNP_MEASUREMENT_LEN + 1];
	const char *want;

	if (b->snp_report.len < CVM_BUNDLE_SNP_MEASUREMENT_OFF + CVM_BUNDLE_SNP_MEASUREMENT_LEN)
		return; /* the SNP verifier already rejected the report's size */
	cvm_hex_encode(b->snp_report.data + CVM_BUNDLE_SNP_MEASUREMENT_OFF, CVM_BUNDLE_SNP_MEASUREMENT_LEN, hex);
	if (!rec) {
		cvm_verdict_add(v, "snp.measurement_matches_record", CVM_CHECK_FAIL, "no launch record to compare with");
		return;
	}
	/* an SNP report belongs to an SNP launch, as a TDX quote to a TDX one */
	check_record_type(rec, "snp.record_type", "sev-snp", "an SEV-SNP", "an SNP report", v);
	want = json_object_get_string(cvm_record_get(rec, "confidential.expected_measurement"));
	if (want && strcasecmp(want, hex) == 0)
		cvm_verdict_add(v, "snp.measurement_matches_record", CVM_CHECK_PASS,
		                "report MEASUREMENT equals the launch record's expected measurement");
	else
		cvm_verdict_add(v, "snp.measurement_matches_record", CVM_CHECK_FAIL,
		                "report MEASUREMENT %.16s... differs from the record's expected %.16s...", hex,
		                want ? want : "(absent)");
}

/* A TDX quote belongs to a TDX launch: the record's confidential type must
 * say so, and an expected measurement in the record, where the launcher
 * computed one, must be the quote's MRTD. */
static void check_tdx_record(const struct cvm_bundle *b, json_object *const *recs, size_t n, struct cvm_verdict *v)
{
	json_object *rec = latest_record(recs, n);
	const char *want;
	struct cvm_tdx_quote q;
	char hex[2 * sizeof(q.body.mrtd) + 1];

	if (!rec) {
		cvm_verdict_add(v, "tdx.record_type", CVM_CHECK_FAIL, "no launch record to compare with");
		return;
	}
	check_record_type(rec, "tdx.record_type", "tdx", "a TDX", "a TDX quote", v);
	/* An unparsable quote is the TDX verifier's bad input, reported there. */
	if (cvm_tdx_quote_parse(b->tdx_quote.data, b->tdx_quote.len, &q, NULL) < 0)
		return;
	cvm_hex_encode(q.body.mrtd, sizeof(q.body.mrtd), hex);
	want = json_object_get_string(cvm_record_get(rec, "confidential.expected_measurement"));
	if (!want)
		cvm_verdict_add(v, "tdx.mrtd_matches_record", CVM_CHECK_INFO,
		                "the launch record carries no expected measurement: MRTD %.16s... is not tied to the "
		                "launch (pin it with the policy's tdx.mrtd)",
		                hex);
	else if (strcasecmp(want, hex) == 0)
		cvm_verdict_add(v, "tdx.mrtd_matches_record", CVM_CHECK_PASS,
		                "quote MRTD equals the launch record's expected measurement");
	else
		cvm_verdict_add(v, "tdx.mrtd_matches_record", CVM_CHECK_FAIL,
		                "quote MRTD %.16s... differs from the record's expected %.16s...", hex, want);
}

static int verify_records(const struct cvm_bundle_verify_in *in, struct cvm_verdict *v)
{
	const struct cvm_bundle *b = in->bundle;
	json_object **recs = calloc(b->n_records ? b->n_records : 1, sizeof(*recs));
	char prefix[32];

	if (!recs)
		return -1;
	if (b->n_records == 0)
		cvm_verdict_add(v, "bundle.records", CVM_CHECK_FAIL, "the bundle carries no launch record");
	for (size_t i = 0; i < b->n_records; i++) {
		prefix_name(prefix, sizeof(prefix), i, b->n_records);
		recs[i] = record_identity(b, i, prefix, v);
	}
	for (size_t i = 0; i < b->n_records; i++) {
		if (!recs[i])
			continue;
		prefix_name(prefix, sizeof(prefix), i, b->n_records);
		cvm_record_check(in->policy, recs[i], prefix, recs, b->n_records, v);
	}
	if (b->snp_report.data)
		check_snp_measurement(b, recs, b->n_records, v);
	if (b->tdx_quote.data)
		check_tdx_record(b, recs, b->n_records, v);
	for (size_t i = 0; i < b->n_records; i++)
		json_object_put(recs[i]);
	free(recs);
	return 0;
}

int cvm_bundle_verify(const struct cvm_bundle_verify_in *in, struct cvm_verdict *v, cvm_err *err)
{
	const struct cvm_bundle *b = in->bundle;
	cvm_auto_evp_pkey EVP_PKEY *ak = NULL;
	cvm_autofree struct cvm_tpm_pcrs *quoted = calloc(1, sizeof(*quoted));
	char fp[65];

	if (!quoted)
		return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
	if (!b->ak_pem || cvm_tpm_ak_load((const uint8_t *)b->ak_pem, strlen(b->ak_pem), &ak, err) < 0)
		return cvm_err_prefix(err, "bundle tpm.ak_pem: ");
	check_ak(in->policy, ak, fp, v);

	struct cvm_tpm_quote_in q = {
	    .attest = b->quote.data,
	    .attest_len = b->quote.len,
	    .sig = b->signature.data,
	    .sig_len = b->signature.len,
	    .pcrs = b->pcrs,
	    .ak = ak,
	    .ak_sha256 = fp[0] ? fp : NULL,
	    .nonce = in->nonce,
	    .nonce_len = in->nonce_len,
	};
	if (cvm_tpm_quote_verify(&q, v, NULL, quoted, err) < 0)
		return cvm_err_prefix(err, "bundle tpm: ");
	check_replay(b, in->policy, quoted, v);
	if (verify_records(in, v) < 0)
		return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");

	if (b->snp_report.data) {
		if (!in->snp_verify)
			cvm_verdict_add(v, "snp.report", CVM_CHECK_ERROR,
			                "the bundle carries an SNP report but no SNP verifier was given");
		else if (in->snp_verify(in->snp_ctx, b, v, err) < 0)
			return cvm_err_prefix(err, "bundle snp: ");
	}
	if (b->tdx_quote.data) {
		if (!in->tdx_verify)
			cvm_verdict_add(v, "tdx.quote", CVM_CHECK_ERROR,
			                "the bundle carries a TDX quote but no TDX verifier was given");
		else if (in->tdx_verify(in->tdx_ctx, b, v, err) < 0)
			return cvm_err_prefix(err, "bundle tdx: ");
	}
	return 0;
}
