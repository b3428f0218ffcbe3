#include "snp_verify.h"

#include <string.h>

#include <json-c/json.h>
#include <openssl/err.h>

#include "cvm_crypto_cleanup.h"
#include "cvm_fileio.h"
#include "snp_vcek.h"

int cvm_snp_split_extended(const uint8_t *buf, size_t len, STACK_OF(X509) * certs, cvm_err *err)
{
	struct cvm_snp_cert_entry ents[CVM_SNP_CERT_TABLE_MAX];
	size_t n = 0;

	if (len < CVM_SNP_REPORT_SIZE)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "SNP report must be %u bytes (got %zu)",
		                   CVM_SNP_REPORT_SIZE, len);
	if (len == CVM_SNP_REPORT_SIZE)
		return 0;
	if (cvm_snp_cert_table_parse(buf + CVM_SNP_REPORT_SIZE, len - CVM_SNP_REPORT_SIZE, ents, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const unsigned char *p = ents[i].der;
		X509 *x;
		if (ents[i].kind == CVM_SNP_CERT_UNKNOWN)
			continue; /* e.g. a vendor's extra blob: not ours to judge */
		x = d2i_X509(NULL, &p, (long)ents[i].len);
		ERR_clear_error();
		/* hosts may zero-pad an entry; anything else after the DER is an error */
		for (const uint8_t *q = p; x && q < ents[i].der + ents[i].len; q++)
			if (*q) {
				X509_free(x);
				x = NULL;
			}
		if (!x)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
			                   "SNP cert table entry %zu is not a DER certificate", i);
		if (!sk_X509_push(certs, x)) {
			X509_free(x);
			return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "out of memory");
		}
	}
	return 0;
}

int cvm_snp_signature_ok(EVP_PKEY *key, const uint8_t *report)
{
	cvm_auto_ecdsa_sig ECDSA_SIG *sig = ECDSA_SIG_new();
	cvm_auto_evp_md_ctx EVP_MD_CTX *md = EVP_MD_CTX_new();
	BIGNUM *r = BN_lebin2bn(report + 0x2A0, 72, NULL);
	BIGNUM *s = BN_lebin2bn(report + 0x2E8, 72, NULL);
	unsigned char der[160], *p = der;
	int len, ok = 0;

	if (!sig || !md || !r || !s || !ECDSA_SIG_set0(sig, r, s)) {
		BN_free(r);
		BN_free(s);
		return 0;
	}
	/* r and s now belong to sig. Each is < 2^576, so the DER fits in 160 B. */
	len = i2d_ECDSA_SIG(sig, &p);
	if (len > 0 && EVP_DigestVerifyInit(md, NULL, EVP_sha384(), NULL, key) == 1)
		ok = EVP_DigestVerify(md, der, (size_t)len, report, CVM_SNP_SIGNED_SIZE) == 1;
	ERR_clear_error();
	return ok;
}

static void add_hex(json_object *o, const char *key, const uint8_t *b, size_t n)
{
	char hex[129];

	cvm_hex_encode(b, n, hex);
	json_object_object_add(o, key, json_object_new_string(hex));
}

static json_object *tcb_json(uint64_t raw, enum cvm_snp_product product)
{
	struct cvm_snp_tcb t;
	json_object *o = json_object_new_object();
	char hex[19];

	cvm_snp_tcb_decode(raw, product, &t);
	snprintf(hex, sizeof(hex), "0x%016llx", (unsigned long long)raw);
	json_object_object_add(o, "raw", json_object_new_string(hex));
	if (t.has_fmc)
		json_object_object_add(o, "fmc", json_object_new_int(t.fmc));
	json_object_object_add(o, "bl", json_object_new_int(t.bl));
	json_object_object_add(o, "tee", json_object_new_int(t.tee));
	json_object_object_add(o, "snp", json_object_new_int(t.snp));
	json_object_object_add(o, "ucode", json_object_new_int(t.ucode));
	return o;
}

static void add_claims(const struct cvm_snp_report *r, enum cvm_snp_product product, struct cvm_verdict *v)
{
	json_object *o = json_object_new_object(), *flags = json_object_new_array();
	char buf[64];

	json_object_object_add(o, "version", json_object_new_int64(r->version));
	json_object_object_add(o, "product", json_object_new_string(cvm_snp_product_name(product)));
	json_object_object_add(o, "signer",
	                       json_object_new_string(r->signing_key == CVM_SNP_SIGNER_VCEK   ? "vcek"
	                                              : r->signing_key == CVM_SNP_SIGNER_VLEK ? "vlek"
	                                                                                      : "none"));
	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)r->policy);
	json_object_object_add(o, "policy", json_object_new_string(buf));
	for (const struct cvm_snp_policy_bit *b = cvm_snp_policy_bits; b->name; b++)
		if (r->policy & b->mask)
			json_object_array_add(flags, json_object_new_string(b->name));
	json_object_object_add(o, "policy_flags", flags);
	snprintf(buf, sizeof(buf), "%u.%u", (unsigned)(r->policy >> 8 & 0xff), (unsigned)(r->policy & 0xff));
	json_object_object_add(o, "policy_abi_min", json_object_new_string(buf));
	json_object_object_add(o, "guest_svn", json_object_new_int64(r->guest_svn));
	json_object_object_add(o, "vmpl", json_object_new_int64(r->vmpl));
	add_hex(o, "measurement", r->measurement, 48);
	add_hex(o, "host_data", r->host_data, 32);
	add_hex(o, "report_data", r->report_data, 64);
	add_hex(o, "family_id", r->family_id, 16);
	add_hex(o, "image_id", r->image_id, 16);
	add_hex(o, "id_key_digest", r->id_key_digest, 48);
	add_hex(o, "author_key_digest", r->author_key_digest, 48);
	add_hex(o, "report_id", r->report_id, 32);
	add_hex(o, "chip_id", r->chip_id, 64);
	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)r->platform_info);
	json_object_object_add(o, "platform_info", json_object_new_string(buf));
	json_object_object_add(o, "reported_tcb", tcb_json(r->reported_tcb, product));
	json_object_object_add(o, "current_tcb", tcb_json(r->current_tcb, product));
	json_object_object_add(o, "committed_tcb", tcb_json(r->committed_tcb, product));
	json_object_object_add(o, "launch_tcb", tcb_json(r->launch_tcb, product));
	snprintf(buf, sizeof(buf), "%u.%u build %u", r->current_major, r->current_minor, r->current_build);
	json_object_object_add(o, "firmware", json_object_new_string(buf));
	if (r->has_mit) {
		snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)r->current_mit_vector);
		json_object_object_add(o, "current_mit_vector", json_object_new_string(buf));
		snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)r->launch_mit_vector);
		json_object_object_add(o, "launch_mit_vector", json_object_new_string(buf));
	}
	json_object_object_add(v->claims, "snp", o);
}

/* The product the TCB layout follows: the certificates' (they are signed by
 * a pinned root), else the report's own CPUID/CHIP_ID evidence. */
static enum cvm_snp_product check_product(const struct cvm_snp_report *r, const struct cvm_snp_chain_result *cr,
                                          struct cvm_verdict *v)
{
	enum cvm_snp_product certs = cr->product ? cr->product : cr->vcek_ok ? cr->vcek.product : 0;

	if (certs && r->product && certs != r->product) {
		cvm_verdict_add(v, "snp.product", CVM_CHECK_FAIL,
		                "report is from %s (%s) but the certificates are for %s",
		                cvm_snp_product_name(r->product), r->product_source, cvm_snp_product_name(certs));
		return r->product;
	}
	if (!certs && !r->product) {
		cvm_verdict_add(v, "snp.product", CVM_CHECK_ERROR,
		                "product unknown: neither the report nor the certificates name Milan, Genoa or Turin");
		return CVM_SNP_PRODUCT_UNKNOWN;
	}
	if (certs && r->product)
		cvm_verdict_add(v, "snp.product", CVM_CHECK_PASS, "%s (report %s and certificates agree)",
		                cvm_snp_product_name(certs), r->product_source);
	else if (certs)
		cvm_verdict_add(v, "snp.product", CVM_CHECK_PASS,
		                "%s (from the certificates; the v%u report does not say)", cvm_snp_product_name(certs),
		                r->version);
	else
		cvm_verdict_add(v, "snp.product", CVM_CHECK_INFO, "%s (from the report's %s only)",
		                cvm_snp_product_name(r->product), r->product_source);
	return certs ? certs : r->product;
}

static void check_tcb(const struct cvm_snp_report *r, enum cvm_snp_product product,
                      const struct cvm_snp_chain_result *cr, struct cvm_verdict *v)
{
	struct cvm_snp_tcb reported, current, cert;
	char a[64], b[64];
	const char *which = NULL;

	cvm_snp_tcb_decode(r->reported_tcb, product, &reported);
	cvm_snp_tcb_decode(r->current_tcb, product, &current);
	cvm_snp_tcb_str(&reported, a, sizeof(a));
	if (!cr->vcek_ok) {
		cvm_verdict_add(v, "snp.tcb.reported", CVM_CHECK_ERROR,
		                "no usable VCEK/VLEK to compare REPORTED_TCB %s", a);
	} else if (product == CVM_SNP_PRODUCT_TURIN && cr->vcek.fmc < 0) {
		cvm_verdict_add(v, "snp.tcb.reported", CVM_CHECK_FAIL, "Turin certificate lacks fmcSPL");
	} else {
		cvm_snp_vcek_tcb(&cr->vcek, product, &cert);
		cvm_snp_tcb_str(&cert, b, sizeof(b));
		if (cvm_snp_tcb_eq(&cert, &reported, &which))
			cvm_verdict_add(v, "snp.tcb.reported", CVM_CHECK_PASS,
			                "certificate TCB equals REPORTED_TCB (%s)", a);
		else
			cvm_verdict_add(v, "snp.tcb.reported", CVM_CHECK_FAIL,
			                "certificate TCB %s differs from REPORTED_TCB %s in %s", b, a, which);
	}
	cvm_snp_tcb_str(&current, b, sizeof(b));
	if (!cvm_snp_tcb_ge(&current, &reported, &which))
		cvm_verdict_add(v, "snp.tcb.current", CVM_CHECK_FAIL, "REPORTED_TCB %s exceeds CURRENT_TCB %s in %s", a,
		                b, which);
	else if (current.raw != reported.raw)
		cvm_verdict_add(v, "snp.tcb.current", CVM_CHECK_PASS,
		                "REPORTED_TCB %s is below CURRENT_TCB %s (the host reports an older TCB)", a, b);
	else
		cvm_verdict_add(v, "snp.tcb.current", CVM_CHECK_PASS, "REPORTED_TCB equals CURRENT_TCB");
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static void check_hwid(const struct cvm_snp_report *r, const struct cvm_snp_chain_result *cr, struct cvm_verdict *v)
{
	if (r->signing_key == CVM_SNP_SIGNER_VLEK) {
		cvm_verdict_add(v, "snp.hwid", CVM_CHECK_INFO, "VLEK-signed: no hwID to compare (CSP_ID %s)",
		                cr->vcek_ok && cr->vcek.has_csp_id ? cr->vcek.csp_id : "absent");
		return;
	}
	if (r->mask_chip_key || all_zero(r->chip_id, 64)) {
		cvm_verdict_add(v, "snp.hwid", CVM_CHECK_INFO, "CHIP_ID is masked: hwID not compared");
		return;
	}
	if (!cr->vcek_ok || cr->vcek.hwid_len == 0) {
		cvm_verdict_add(v, "snp.hwid", CVM_CHECK_ERROR, "the VCEK has no usable hwID to compare with CHIP_ID");
		return;
	}
	/* Turin's hwID is the first 8 bytes of CHIP_ID; the references compare
	 * only those (virtee/sev, snpguest verify_attestation_tcb). */
	size_t n = cr->vcek.hwid_len;
	if (memcmp(cr->vcek.hwid, r->chip_id, n) != 0) {
		cvm_verdict_add(v, "snp.hwid", CVM_CHECK_FAIL, "CHIP_ID differs from the VCEK's %zu-byte hwID", n);
		return;
	}
	cvm_verdict_add(v, "snp.hwid", CVM_CHECK_PASS, "CHIP_ID equals the VCEK's %zu-byte hwID", n);
}

/* Provisional firmware: COMMITTED below CURRENT means the running firmware
 * can still be rolled back (go-sev-guest validateTcb). */
static void check_firmware(const struct cvm_snp_report *r, enum cvm_snp_product product, bool allow_provisional,
                           struct cvm_verdict *v)
{
	struct cvm_snp_tcb cur, com;
	uint32_t vcur = (uint32_t)r->current_major << 16 | (uint32_t)r->current_minor << 8 | r->current_build;
	uint32_t vcom = (uint32_t)r->committed_major << 16 | (uint32_t)r->committed_minor << 8 | r->committed_build;
	char a[64], b[64];

	cvm_snp_tcb_decode(r->current_tcb, product, &cur);
	cvm_snp_tcb_decode(r->committed_tcb, product, &com);
	cvm_snp_tcb_str(&cur, a, sizeof(a));
	cvm_snp_tcb_str(&com, b, sizeof(b));
	if (!cvm_snp_tcb_ge(&cur, &com, NULL) || vcom > vcur) {
		cvm_verdict_add(v, "snp.firmware", CVM_CHECK_FAIL,
		                "COMMITTED (%s, %u.%u.%u) is above CURRENT (%s, %u.%u.%u): inconsistent report", b,
		                r->committed_major, r->committed_minor, r->committed_build, a, r->current_major,
		                r->current_minor, r->current_build);
		return;
	}
	if (cur.raw == com.raw && vcur == vcom) {
		cvm_verdict_add(v, "snp.firmware", CVM_CHECK_PASS, "firmware %u.%u build %u committed",
		                r->current_major, r->current_minor, r->current_build);
		return;
	}
	cvm_verdict_add(v, "snp.firmware", allow_provisional ? CVM_CHECK_INFO : CVM_CHECK_FAIL,
	                "provisional firmware: CURRENT %s (%u.%u.%u) above COMMITTED %s (%u.%u.%u)%s", a,
	                r->current_major, r->current_minor, r->current_build, b, r->committed_major, r->committed_minor,
	                r->committed_build,
	                allow_provisional ? "; allowed by policy" : "; policy forbids provisional firmware");
}

int cvm_snp_verify(struct cvm_snp_ctx *c, const struct cvm_snp_input *in, struct cvm_verdict *v, cvm_err *err)
{
	struct cvm_snp_report r;
	struct cvm_snp_chain_certs cc;
	const struct cvm_snp_chain_result *cr;
	enum cvm_snp_product product;
	enum cvm_snp_signer signer;
	char why[256];

	if (cvm_snp_report_parse(in->report, in->report_len, &r, err) < 0)
		return -1;
	cvm_verdict_add(v, "snp.report.format",
	                cvm_snp_report_lint(&r, why, sizeof(why)) ? CVM_CHECK_PASS : CVM_CHECK_FAIL, "%s", why);
	if (r.signing_key == CVM_SNP_SIGNER_VCEK || r.signing_key == CVM_SNP_SIGNER_VLEK) {
		signer = (enum cvm_snp_signer)r.signing_key;
		cvm_verdict_add(v, "snp.signer", CVM_CHECK_PASS, "signed by the %s%s",
		                signer == CVM_SNP_SIGNER_VLEK ? "VLEK" : "VCEK",
		                r.author_key_en ? "; author key enabled" : "");
	} else {
		/* An unsigned report proves nothing; still check the chain so the
		 * output explains what was given. */
		signer = CVM_SNP_SIGNER_VCEK;
		cvm_verdict_add(v, "snp.signer", CVM_CHECK_FAIL,
		                "SIGNING_KEY %u: the report is not signed by a VCEK or VLEK", r.signing_key);
	}
	cvm_snp_chain_pick(in->certs, signer, &cc);
	cr = cvm_snp_chain_check(c, &cc, signer, v);
	product = check_product(&r, cr, v);
	if (!cr->leaf_key)
		cvm_verdict_add(v, "snp.signature", CVM_CHECK_ERROR, "no P-384 %s key to verify the signature with",
		                signer == CVM_SNP_SIGNER_VLEK ? "VLEK" : "VCEK");
	else if (cvm_snp_signature_ok(cr->leaf_key, in->report))
		cvm_verdict_add(v, "snp.signature", CVM_CHECK_PASS,
		                "ECDSA P-384/SHA-384 over bytes 0x000-0x29f verifies");
	else
		cvm_verdict_add(v, "snp.signature", CVM_CHECK_FAIL, "ECDSA P-384/SHA-384 signature does not verify");
	check_tcb(&r, product, cr, v);
	check_hwid(&r, cr, v);
	check_firmware(&r, product, in->policy->snp.allow_provisional_firmware, v);
	cvm_snp_policy_eval(&r, product, in, v);
	add_claims(&r, product, v);
	return 0;
}
