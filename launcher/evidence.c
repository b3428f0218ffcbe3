#include "evidence.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "b64.h"
#include "bundle.h"
#include "cvm_cleanup.h"
#include "cvm_crypto_cleanup.h"
#include "cvm_fileio.h"
#include "cvm_json.h"
#include "eventlog.h"
#include "tdx_quote.h"
#include "tpm.h"

#define RECORD_MAX (1u << 20)
#define LOG_MAX (64u << 20)

struct ev_paths {
	char log[PATH_MAX], dir[PATH_MAX], lock[PATH_MAX], records[PATH_MAX];
};

static int paths(const struct cvm_hostcfg *cfg, struct ev_paths *p, cvm_err *err)
{
	if ((size_t)snprintf(p->log, sizeof(p->log), "%s/eventlog.jsonl", cfg->state_dir) >= sizeof(p->log) ||
	    (size_t)snprintf(p->dir, sizeof(p->dir), "%s/evidence", cfg->state_dir) >= sizeof(p->dir) ||
	    (size_t)snprintf(p->lock, sizeof(p->lock), "%s/lock", p->dir) >= sizeof(p->lock) ||
	    (size_t)snprintf(p->records, sizeof(p->records), "%s/records", p->dir) >= sizeof(p->records))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "state dir path too long");
	return 0;
}

/* Exclusive lock for the whole append+extend or quote+read sequence, so
 * two launches cannot interleave their log lines and PCR extends. */
static int take_lock(const struct ev_paths *p, int *fd, cvm_err *err)
{
	cvm_autoclose int lfd = -1;

	if (cvm_mkdir_p(p->records, 0700, err) < 0)
		return -1;
	lfd = open(p->lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (lfd < 0)
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "open %s", p->lock);
	if (flock(lfd, LOCK_EX) < 0)
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "lock %s", p->lock);
	*fd = cvm_steal_fd(&lfd);
	return 0;
}

/* The current log's text (empty if none) and parsed entries. */
static int load_log(const struct ev_paths *p, char **text, size_t *len, struct cvm_evlog *log, cvm_err *err)
{
	uint8_t *buf = NULL;

	if (access(p->log, F_OK) < 0 && errno == ENOENT) {
		*text = strdup("");
		*len = 0;
		return *text ? 0 : cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
	}
	if (cvm_read_file(p->log, LOG_MAX, &buf, len, err) < 0)
		return -1;
	*text = (char *)buf;
	if (cvm_evlog_parse_lines(*text, *len, p->log, log, err) < 0)
		return -1;
	return 0;
}

static void boot_id(char out[40])
{
	cvm_autofree uint8_t *buf = NULL;
	size_t len = 0;

	out[0] = '\0';
	if (cvm_read_file("/proc/sys/kernel/random/boot_id", 64, &buf, &len, NULL) == 0 && len >= 36)
		snprintf(out, 40, "%.36s", (char *)buf);
}

/* Move the log of an earlier TPM boot aside as evidence/eventlog.<N>.jsonl. */
static int archive_log(const struct ev_paths *p, cvm_err *err)
{
	char dst[PATH_MAX + 32];

	for (unsigned n = 1; n < 100000; n++) {
		snprintf(dst, sizeof(dst), "%s/eventlog.%u.jsonl", p->dir, n);
		if (access(dst, F_OK) == 0)
			continue;
		if (rename(p->log, dst) < 0)
			return cvm_err_sys(err, CVM_EXIT_FAILURE, "archive %s", p->log);
		return 0;
	}
	return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "too many archived event logs in %s", p->dir);
}

/* Identity of the record for its log entry: "tenant/uuid". */
static int record_entry(const uint8_t *bytes, size_t len, const char *path, struct cvm_evlog_entry *e, cvm_err *err)
{
	cvm_autojson json_object *rec = NULL;
	json_object *t, *u;
	unsigned mdlen = 32;

	if (strlen((const char *)bytes) != len || cvm_json_parse_object((const char *)bytes, path, &rec, err) < 0)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "launch record %s is not a JSON object", path);
	if (!json_object_object_get_ex(rec, "tenant", &t) || !json_object_object_get_ex(rec, "uuid", &u) ||
	    !json_object_is_type(t, json_type_string) || !json_object_is_type(u, json_type_string) ||
	    (size_t)snprintf(e->record, sizeof(e->record), "%s/%s", json_object_get_string(t),
	                     json_object_get_string(u)) >= sizeof(e->record) ||
	    strchr(json_object_get_string(t), '/') || strchr(json_object_get_string(u), '/'))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "launch record %s lacks a valid tenant and uuid", path);
	EVP_Digest(bytes, len, e->digest, &mdlen, EVP_sha256(), NULL);
	return 0;
}

/* True if the log without its last entry replays to @pcr. */
static bool torn_append(const struct cvm_evlog *log, unsigned pcr_index, const uint8_t pcr[32])
{
	struct cvm_evlog head = *log;
	uint8_t prev[32];

	head.n--;
	cvm_evlog_replay(&head, pcr_index, prev);
	return memcmp(prev, pcr, 32) == 0;
}

static int append_and_extend(const struct cvm_hostcfg *cfg, const struct ev_paths *p, struct cvm_tpmdev *tpm,
                             const uint8_t *rec, size_t rec_len, struct cvm_evlog_entry *e, cvm_err *err)
{
	cvm_autofree char *text = NULL, *line = NULL, *next = NULL;
	size_t len = 0;
	struct cvm_evlog log = {0};
	uint8_t pcr[32], replay[32], zero[32] = {0};
	char hex[65], copy[PATH_MAX + 80];
	int rc = -1;

	if (load_log(p, &text, &len, &log, err) < 0 || cvm_tpmdev_read(tpm, cfg->tpm_pcr, pcr, err) < 0)
		goto out;
	cvm_evlog_replay(&log, cfg->tpm_pcr, replay);
	/* Entries for another PCR (tpm_pcr changed since the log began) could
	 * never replay in one bundle: treat them like a reset. */
	bool other_pcr = false;
	for (size_t i = 0; i < log.n; i++)
		other_pcr |= log.e[i].pcr != cfg->tpm_pcr;
	if (!other_pcr && log.n > 0 && memcmp(pcr, replay, 32) != 0 && torn_append(&log, cfg->tpm_pcr, pcr)) {
		/* A launcher died between appending and extending: that entry
		 * was never extended, so it drops out and the log is whole. */
		const char *prev = len > 1 ? memrchr(text, '\n', len - 1) : NULL;
		len = prev ? (size_t)(prev + 1 - text) : 0;
		text[len] = '\0';
		log.n--;
		memcpy(replay, pcr, 32);
	}
	if (memcmp(pcr, replay, 32) != 0 || other_pcr) {
		if (memcmp(pcr, zero, 32) != 0 || log.n == 0) {
			cvm_hex_encode(pcr, 32, hex);
			cvm_err_set(err, CVM_EXIT_FAILURE, 0,
			            "PCR %u (%.16s...) does not match the event log %s: something else extends it; "
			            "set tpm_pcr to a PCR only cvm-launch uses",
			            cfg->tpm_pcr, hex, p->log);
			goto out;
		}
		/* PCR reset since the log began (host reboot), or a new
		 * launch PCR that is still zero: new log. */
		if (archive_log(p, err) < 0)
			goto out;
		text[0] = '\0';
		len = 0;
		log.n = 0;
	}
	e->seq = log.n ? log.e[log.n - 1].seq + 1 : 1;
	e->pcr = cfg->tpm_pcr;
	boot_id(e->boot_id);
	cvm_hex_encode(e->digest, 32, hex);
	snprintf(copy, sizeof(copy), "%s/%s.json", p->records, hex);
	line = cvm_evlog_entry_line(e);
	if (!line || asprintf(&next, "%.*s%s", (int)len, text, line) < 0) {
		cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
		goto out;
	}
	if (cvm_write_atomic(copy, rec, rec_len, 0600, err) < 0 ||
	    cvm_write_atomic(p->log, next, strlen(next), 0600, err) < 0)
		goto out;
	if (cvm_tpmdev_extend(tpm, cfg->tpm_pcr, e->digest, err) < 0) {
		/* Keep log and PCR in step: without the extend the entry
		 * would break every later replay. */
		cvm_err ignored = {0};
		cvm_write_atomic(p->log, text, len, 0600, &ignored);
		goto out;
	}
	rc = 0;
out:
	cvm_evlog_free(&log);
	return rc;
}

int cvm_evidence_record_launch(const struct cvm_hostcfg *cfg, const char *record_path, cvm_err *err)
{
	struct ev_paths p;
	cvm_autoclose int lock = -1;
	cvm_autofree uint8_t *rec = NULL;
	size_t rec_len = 0;
	cvm_autotpmdev struct cvm_tpmdev *tpm = NULL;
	struct cvm_evlog_entry e = {0};

	if (paths(cfg, &p, err) < 0 || cvm_read_file(record_path, RECORD_MAX, &rec, &rec_len, err) < 0 ||
	    record_entry(rec, rec_len, record_path, &e, err) < 0)
		return -1;
	if (cvm_tpmdev_open(cfg->tpm_tcti, &tpm, err) < 0)
		return CVM_EVIDENCE_NO_TPM;
	if (take_lock(&p, &lock, err) < 0 || append_and_extend(cfg, &p, tpm, rec, rec_len, &e, err) < 0)
		return cvm_err_prefix(err, "launch evidence: ");
	return 0;
}

/* ---- bundles ---- */

static const struct cvm_evlog_entry *latest_of(const struct cvm_evlog *log, const char *tenant)
{
	size_t n = strlen(tenant);

	for (size_t i = log->n; i-- > 0;)
		if (strncmp(log->e[i].record, tenant, n) == 0 && log->e[i].record[n] == '/')
			return &log->e[i];
	return NULL;
}

static int load_record_copy(const struct ev_paths *p, const struct cvm_evlog_entry *e, struct cvm_blob *out,
                            cvm_err *err)
{
	char hex[65], path[PATH_MAX + 80], got[65];

	cvm_hex_encode(e->digest, 32, hex);
	snprintf(path, sizeof(path), "%s/%s.json", p->records, hex);
	if (cvm_read_file(path, RECORD_MAX, &out->data, &out->len, err) < 0)
		return -1;
	cvm_sha256_hex(out->data, out->len, got);
	if (strcmp(got, hex) != 0)
		return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "%s was modified (SHA-256 %s)", path, got);
	return 0;
}

static int read_optional(const char *path, size_t max, struct cvm_blob *out, cvm_err *err)
{
	if (!path)
		return 0;
	return cvm_read_file(path, max, &out->data, &out->len, err);
}

/* VCEK as DER whether the file is DER or PEM. */
static int load_vcek(const char *path, struct cvm_blob *out, cvm_err *err)
{
	cvm_auto_bio BIO *bio = NULL;
	cvm_auto_x509 X509 *x = NULL;
	uint8_t *der = NULL;
	int n;

	if (!path)
		return 0;
	if (read_optional(path, 1u << 20, out, err) < 0)
		return -1;
	bio = BIO_new_mem_buf(out->data, (int)out->len);
	x = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
	if (!x) {
		const uint8_t *pp = out->data;
		x = d2i_X509(NULL, &pp, (long)out->len);
		if (!x)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s is not a certificate", path);
		return 0; /* already DER */
	}
	n = i2d_X509(x, &der);
	if (n <= 0)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: cannot encode the certificate", path);
	free(out->data);
	out->data = malloc((size_t)n);
	if (out->data)
		memcpy(out->data, der, (size_t)n);
	out->len = (size_t)n;
	OPENSSL_free(der);
	return out->data ? 0 : cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
}

/* @dir/<first of @names that exists> into @out; with @text, it must be a
 * text (no NUL). Returns 1 when none exists and the file is @optional. */
static int read_coll(const char *dir, const char *const *names, bool optional, bool text, struct cvm_blob *out,
                     cvm_err *err)
{
	char path[PATH_MAX];

	for (const char *const *n = names; *n; n++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, *n) >= sizeof(path))
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "collateral path %s too long", dir);
		if (access(path, F_OK) < 0)
			continue;
		if (cvm_read_file(path, 4u << 20, &out->data, &out->len, err) < 0)
			return -1;
		if (text && strlen((const char *)out->data) != out->len)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s is not a text file", path);
		return 0;
	}
	if (optional)
		return 1;
	return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "TDX collateral %s: no %s", dir, names[0]);
}

/* The same file names attest/tdx_verify.c accepts in a collateral folder. */
static int tdx_collateral(const char *dir, struct cvm_bundle *b, cvm_err *err)
{
	static const char *const tcb[] = {"tcbInfo.json", "tcb_info.json", NULL};
	static const char *const tcb_chain[] = {"tcbinfo_issuer_chain.pem", NULL};
	static const char *const qe[] = {"enclaveIdentity.json", "qeIdentity.json", "qe_identity.json", NULL};
	static const char *const qe_chain[] = {"qeidentity_issuer_chain.pem", NULL};
	static const char *const pck_crl[] = {"pckcrl", "pckcrl.der", "pckcrl.pem", NULL};
	static const char *const root_crl[] = {"rootcrl", "rootcrl.der", "rootcrl.pem", NULL};
	struct cvm_blob t[4] = {{0}};
	int rc = -1;

	if (read_coll(dir, tcb, false, true, &t[0], err) < 0 || read_coll(dir, tcb_chain, false, true, &t[1], err) < 0 ||
	    read_coll(dir, qe, false, true, &t[2], err) < 0 || read_coll(dir, qe_chain, false, true, &t[3], err) < 0 ||
	    read_coll(dir, pck_crl, true, false, &b->tdx_pck_crl, err) < 0 ||
	    read_coll(dir, root_crl, true, false, &b->tdx_root_crl, err) < 0)
		goto out;
	b->tdx_tcb_info = (char *)cvm_steal_ptr(&t[0].data);
	b->tdx_tcb_info_chain = (char *)cvm_steal_ptr(&t[1].data);
	b->tdx_qe_identity = (char *)cvm_steal_ptr(&t[2].data);
	b->tdx_qe_identity_chain = (char *)cvm_steal_ptr(&t[3].data);
	rc = 0;
out:
	for (size_t i = 0; i < 4; i++)
		free(t[i].data);
	return rc;
}

static int tdx_evidence(const struct cvm_evidence_guest *g, struct cvm_bundle *b, cvm_err *err)
{
	if (!g || !g->tdx_quote) {
		if (g && g->tdx_collateral)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "TDX collateral given without a TDX quote");
		return 0;
	}
	if (g->snp_report)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
		                   "an SNP report and a TDX quote given: a guest is one or the other");
	if (read_optional(g->tdx_quote, 1u << 20, &b->tdx_quote, err) < 0)
		return -1;
	/* Only its shape here: a wrong file is caught now, not by the verifier. */
	struct cvm_tdx_quote q;
	if (cvm_tdx_quote_parse(b->tdx_quote.data, b->tdx_quote.len, &q, err) < 0)
		return cvm_err_prefix(err, "%s is not a TDX quote: ", g->tdx_quote);
	return g->tdx_collateral ? tdx_collateral(g->tdx_collateral, b, err) : 0;
}

static int guest_evidence(const struct cvm_evidence_guest *g, struct cvm_bundle *b, cvm_err *err)
{
	struct cvm_blob chain = {0};

	if (tdx_evidence(g, b, err) < 0)
		return -1;
	if (!g || !g->snp_report) {
		if (g && (g->snp_vcek || g->snp_chain))
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "SNP certificates given without an SNP report");
		return 0;
	}
	if (read_optional(g->snp_report, 1u << 16, &b->snp_report, err) < 0 ||
	    load_vcek(g->snp_vcek, &b->snp_vcek, err) < 0 || read_optional(g->snp_chain, 1u << 20, &chain, err) < 0)
		return -1;
	b->snp_chain = (char *)chain.data;
	if (b->snp_chain && strlen(b->snp_chain) != chain.len)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s is not a PEM text", g->snp_chain);
	return 0;
}

static void now_iso(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int fill_bundle(const struct cvm_hostcfg *cfg, const struct ev_paths *p, struct cvm_tpmdev *tpm,
                       const char *tenant, const uint8_t *nonce, size_t nonce_len, struct cvm_bundle *b, cvm_err *err)
{
	struct cvm_tpmdev_quote q = {0};
	const struct cvm_evlog_entry *e;
	const struct cvm_tpm_pcr *v;
	uint8_t replay[32];
	size_t text_len;
	cvm_autofree char *text = NULL;

	if (load_log(p, &text, &text_len, &b->log, err) < 0)
		return -1;
	e = latest_of(&b->log, tenant);
	if (!e)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
		                   "no launch of tenant %s is in the event log %s (since the TPM's last reset)", tenant,
		                   p->log);
	b->records = calloc(1, sizeof(*b->records));
	if (!b->records)
		return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
	if (load_record_copy(p, e, &b->records[0], err) < 0)
		return -1;
	b->n_records = 1;
	if (cvm_tpmdev_quote(tpm, cfg->tpm_ak, cfg->tpm_pcr, nonce, nonce_len, &q, err) < 0)
		return -1;
	/* Hand the quote's buffers over to the bundle. */
	b->quote = (struct cvm_blob){q.attest, q.attest_len};
	b->signature = (struct cvm_blob){q.sig, q.sig_len};
	b->pcrs = q.pcrs;
	b->ak_pem = q.ak_pem;
	cvm_evlog_replay(&b->log, cfg->tpm_pcr, replay);
	v = cvm_tpm_pcrs_find(b->pcrs, TPM2_ALG_SHA256, cfg->tpm_pcr);
	if (!v || memcmp(v->value, replay, 32) != 0)
		return cvm_err_set(err, CVM_EXIT_FAILURE, 0,
		                   "the event log %s does not replay to PCR %u: the PCR was reset or extended by "
		                   "something else since the log began",
		                   p->log, cfg->tpm_pcr);
	return 0;
}

int cvm_evidence_bundle_guest(const struct cvm_hostcfg *cfg, const char *tenant, const uint8_t *nonce, size_t nonce_len,
                              const struct cvm_evidence_guest *guest, const char *out_path, cvm_err *err)
{
	struct ev_paths p;
	cvm_autoclose int lock = -1;
	cvm_autotpmdev struct cvm_tpmdev *tpm = NULL;
	cvm_autobundle struct cvm_bundle b = {0};
	cvm_autofree char *json = NULL;

	if (nonce_len == 0 || nonce_len > 64)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "the nonce must be 1 to 64 bytes (got %zu)", nonce_len);
	if (strlen(tenant) >= sizeof(b.tenant) || strchr(tenant, '/'))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "bad tenant name \"%s\"", tenant);
	if (paths(cfg, &p, err) < 0 || guest_evidence(guest, &b, err) < 0)
		return -1;
	snprintf(b.tenant, sizeof(b.tenant), "%s", tenant);
	now_iso(b.created, sizeof(b.created));
	b.nonce.data = malloc(nonce_len);
	if (!b.nonce.data)
		return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
	memcpy(b.nonce.data, nonce, nonce_len);
	b.nonce.len = nonce_len;
	if (cvm_tpmdev_open(cfg->tpm_tcti, &tpm, err) < 0 || take_lock(&p, &lock, err) < 0 ||
	    fill_bundle(cfg, &p, tpm, tenant, nonce, nonce_len, &b, err) < 0)
		return cvm_err_prefix(err, "evidence for %s: ", tenant);
	json = cvm_bundle_format(&b, err);
	if (!json || cvm_write_atomic(out_path, json, strlen(json), 0644, err) < 0)
		return -1;
	return 0;
}

int cvm_evidence_bundle(const struct cvm_hostcfg *cfg, const char *tenant, const uint8_t *nonce, size_t nonce_len,
                        const char *out_path, cvm_err *err)
{
	return cvm_evidence_bundle_guest(cfg, tenant, nonce, nonce_len, NULL, out_path, err);
}

int cvm_evidence_ak_fingerprint(const struct cvm_hostcfg *cfg, char out[65], cvm_err *err)
{
	cvm_autotpmdev struct cvm_tpmdev *tpm = NULL;
	cvm_autofree char *pem = NULL;
	cvm_auto_evp_pkey EVP_PKEY *key = NULL;

	if (cvm_tpmdev_open(cfg->tpm_tcti, &tpm, err) < 0)
		return CVM_EVIDENCE_NO_TPM;
	if (cvm_tpmdev_ak_pem(tpm, cfg->tpm_ak, &pem, err) < 0 ||
	    cvm_tpm_ak_load((const uint8_t *)pem, strlen(pem), &key, err) < 0 || cvm_tpm_ak_fingerprint(key, out) < 0)
		return cvm_err_prefix(err, "AK fingerprint: ");
	return 0;
}
