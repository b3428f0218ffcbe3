#include "tdx_claims.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "cvm_fileio.h"

static void hex(json_object *o, const char *key, const uint8_t *b, size_t n)
{
	char buf[2 * 64 + 1];

	cvm_hex_encode(b, n, buf);
	json_object_object_add(o, key, json_object_new_string(buf));
}

static void u64(json_object *o, const char *key, uint64_t x)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%016llx", (unsigned long long)x);
	json_object_object_add(o, key, json_object_new_string(buf));
}

void cvm_tdx_claims(json_object *c, const struct cvm_tdx_quote *q, const struct cvm_sgx_pck_ext *ext)
{
	static const char *const rtmr[4] = { "rtmr0", "rtmr1", "rtmr2", "rtmr3" };
	const struct cvm_tdx_body *b = &q->body;
	char names[256];
	json_object *attrs = json_object_new_array();

	json_object_object_add(c, "quote_version", json_object_new_int(q->version));
	json_object_object_add(c, "body_type", json_object_new_int(q->body_type));
	json_object_object_add(c, "qe_svn", json_object_new_int(q->qe_svn));
	json_object_object_add(c, "pce_svn", json_object_new_int(q->pce_svn));
	hex(c, "tee_tcb_svn", b->tee_tcb_svn, 16);
	hex(c, "mrseam", b->mrseam, 48);
	hex(c, "mrsignerseam", b->mrsignerseam, 48);
	u64(c, "seam_attributes", b->seam_attributes);
	u64(c, "td_attributes", b->td_attributes);
	cvm_tdx_attr_names(b->td_attributes, names, sizeof(names));
	for (char *s = names, *tok; (tok = strtok_r(s, ",", &s));)
		json_object_array_add(attrs, json_object_new_string(tok));
	json_object_object_add(c, "td_attribute_names", attrs);
	json_object_object_add(c, "debug", json_object_new_boolean(b->td_attributes & CVM_TDX_ATTR_DEBUG));
	u64(c, "xfam", b->xfam);
	hex(c, "mrtd", b->mrtd, 48);
	hex(c, "mrconfigid", b->mrconfigid, 48);
	hex(c, "mrowner", b->mrowner, 48);
	hex(c, "mrownerconfig", b->mrownerconfig, 48);
	for (int i = 0; i < 4; i++)
		hex(c, rtmr[i], b->rtmr[i], 48);
	hex(c, "report_data", b->report_data, 64);
	if (b->is_td15) {
		hex(c, "tee_tcb_svn2", b->tee_tcb_svn2, 16);
		hex(c, "mrservicetd", b->mrservicetd, 48);
	}
	if (ext) {
		hex(c, "fmspc", ext->fmspc, 6);
		hex(c, "pceid", ext->pceid, 2);
		hex(c, "cpusvn", ext->cpusvn, 16);
		json_object_object_add(c, "pcesvn", json_object_new_int(ext->pcesvn));
	}
}
