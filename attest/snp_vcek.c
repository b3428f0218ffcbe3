#include "snp_vcek.h"

#include <stdio.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/objects.h>

#include "attest_util.h"

/* Extension value (the content of the extnValue OCTET STRING) by dotted OID. */
static const ASN1_OCTET_STRING *ext_value(X509 *x, const char *oid)
{
	ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
	int idx;

	if (!obj)
		return NULL;
	idx = X509_get_ext_by_OBJ(x, obj, -1);
	ASN1_OBJECT_free(obj);
	if (idx < 0)
		return NULL;
	return X509_EXTENSION_get_data(X509_get_ext(x, idx));
}

/* An SPL is a DER INTEGER; real certificates use 1 or 2 content bytes
 * (02 02 00 d9 for 217). */
static int ext_int(X509 *x, const char *oid, long lo, long hi, long *out, char *why, size_t size)
{
	const ASN1_OCTET_STRING *v = ext_value(x, oid);
	const unsigned char *p;
	ASN1_INTEGER *i;
	int64_t n;
	int rc = -1;

	if (!v)
		return 0;
	p = ASN1_STRING_get0_data(v);
	i = d2i_ASN1_INTEGER(NULL, &p, ASN1_STRING_length(v));
	if (i && p == ASN1_STRING_get0_data(v) + ASN1_STRING_length(v) && ASN1_INTEGER_get_int64(&n, i) == 1 &&
	    n >= lo && n <= hi) {
		*out = (long)n;
		rc = 1;
	} else {
		snprintf(why, size, "extension %s is not an INTEGER %ld..%ld", oid, lo, hi);
	}
	ASN1_INTEGER_free(i);
	return rc;
}

static int ext_ia5(X509 *x, const char *oid, char *out, size_t outsize, char *why, size_t size)
{
	const ASN1_OCTET_STRING *v = ext_value(x, oid);
	const unsigned char *p;
	ASN1_IA5STRING *s;
	int rc = -1;

	if (!v)
		return 0;
	p = ASN1_STRING_get0_data(v);
	s = d2i_ASN1_IA5STRING(NULL, &p, ASN1_STRING_length(v));
	if (s && p == ASN1_STRING_get0_data(v) + ASN1_STRING_length(v) && (size_t)ASN1_STRING_length(s) < outsize &&
	    !memchr(ASN1_STRING_get0_data(s), 0, (size_t)ASN1_STRING_length(s))) {
		memcpy(out, ASN1_STRING_get0_data(s), (size_t)ASN1_STRING_length(s));
		out[ASN1_STRING_length(s)] = '\0';
		rc = 1;
	} else {
		snprintf(why, size, "extension %s is not a short IA5String", oid);
	}
	ASN1_IA5STRING_free(s);
	return rc;
}

int cvm_snp_vcek_parse(X509 *x, struct cvm_snp_vcek *out, char *why, size_t size)
{
	static const struct {
		const char *oid;
		size_t off;
	} spls[] = {
	    {"1.3.6.1.4.1.3704.1.3.1", offsetof(struct cvm_snp_vcek, bl)},
	    {"1.3.6.1.4.1.3704.1.3.2", offsetof(struct cvm_snp_vcek, tee)},
	    {"1.3.6.1.4.1.3704.1.3.3", offsetof(struct cvm_snp_vcek, snp)},
	    {"1.3.6.1.4.1.3704.1.3.8", offsetof(struct cvm_snp_vcek, ucode)},
	    {"1.3.6.1.4.1.3704.1.3.9", offsetof(struct cvm_snp_vcek, fmc)},
	};
	char cn[64];
	long n;
	int rc;

	memset(out, 0, sizeof(*out));
	out->struct_version = -1;
	out->bl = out->tee = out->snp = out->ucode = out->fmc = -1;

	cvm_x509_cn(X509_get_subject_name(x), cn, sizeof(cn));
	if (strcmp(cn, "SEV-VLEK") == 0) {
		out->is_vlek = true;
	} else if (strcmp(cn, "SEV-VCEK") != 0) {
		snprintf(why, size, "subject CN \"%s\" is neither SEV-VCEK nor SEV-VLEK", cn);
		return -1;
	}
	if ((rc = ext_int(x, "1.3.6.1.4.1.3704.1.1", 0, 255, &n, why, size)) < 0)
		return -1;
	if (rc > 0)
		out->struct_version = n;
	if (ext_ia5(x, "1.3.6.1.4.1.3704.1.2", out->product_name, sizeof(out->product_name), why, size) < 0)
		return -1;
	out->product = cvm_snp_product_from_name(out->product_name);
	for (size_t i = 0; i < sizeof(spls) / sizeof(spls[0]); i++) {
		if ((rc = ext_int(x, spls[i].oid, 0, 255, &n, why, size)) < 0)
			return -1;
		if (rc > 0)
			*(int *)((char *)out + spls[i].off) = (int)n;
	}
	const ASN1_OCTET_STRING *hw = ext_value(x, "1.3.6.1.4.1.3704.1.4");
	if (hw) {
		int len = ASN1_STRING_length(hw);
		if (len != 64 && len != 8) {
			snprintf(why, size, "hwID extension is %d bytes (expected 64, or 8 on Turin)", len);
			return -1;
		}
		out->hwid_len = (size_t)len;
		memcpy(out->hwid, ASN1_STRING_get0_data(hw), (size_t)len);
	}
	if ((rc = ext_ia5(x, "1.3.6.1.4.1.3704.1.5", out->csp_id, sizeof(out->csp_id), why, size)) < 0)
		return -1;
	out->has_csp_id = rc > 0;
	if (out->hwid_len && out->has_csp_id) {
		snprintf(why, size, "certificate has both hwID and CSP_ID");
		return -1;
	}
	if (out->bl < 0 || out->tee < 0 || out->snp < 0 || out->ucode < 0) {
		snprintf(why, size, "certificate lacks a blSPL/teeSPL/snpSPL/ucodeSPL extension");
		return -1;
	}
	return 0;
}

void cvm_snp_vcek_tcb(const struct cvm_snp_vcek *v, enum cvm_snp_product product, struct cvm_snp_tcb *out)
{
	memset(out, 0, sizeof(*out));
	out->bl = (uint8_t)v->bl;
	out->tee = (uint8_t)v->tee;
	out->snp = (uint8_t)v->snp;
	out->ucode = (uint8_t)v->ucode;
	if (product == CVM_SNP_PRODUCT_TURIN) {
		out->has_fmc = true;
		out->fmc = v->fmc < 0 ? 0 : (uint8_t)v->fmc;
	}
}
