#include "bundle_tdx.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cvm_fileio.h"
#include "tdx_verify.h"

static int put(const char *dir, const char *name, const void *data, size_t len, cvm_err *err)
{
	char path[PATH_MAX];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
		return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "temporary path too long");
	return cvm_write_atomic(path, data, len, 0600, err);
}

/* The file names tdx_verify.c looks for in a collateral folder. */
static int write_collateral(const struct cvm_bundle *b, const char *dir, cvm_err *err)
{
	if (put(dir, "tcbInfo.json", b->tdx_tcb_info, strlen(b->tdx_tcb_info), err) < 0 ||
	    put(dir, "tcbinfo_issuer_chain.pem", b->tdx_tcb_info_chain, strlen(b->tdx_tcb_info_chain), err) < 0 ||
	    put(dir, "enclaveIdentity.json", b->tdx_qe_identity, strlen(b->tdx_qe_identity), err) < 0 ||
	    put(dir, "qeidentity_issuer_chain.pem", b->tdx_qe_identity_chain, strlen(b->tdx_qe_identity_chain), err) <
	        0)
		return -1;
	if (b->tdx_pck_crl.data && put(dir, "pckcrl", b->tdx_pck_crl.data, b->tdx_pck_crl.len, err) < 0)
		return -1;
	if (b->tdx_root_crl.data && put(dir, "rootcrl", b->tdx_root_crl.data, b->tdx_root_crl.len, err) < 0)
		return -1;
	return 0;
}

int cvm_bundle_tdx_verify(const struct cvm_bundle *b, const struct cvm_bundle_tdx_opts *o, struct cvm_verdict *v,
                          cvm_err *err)
{
	bool has_coll = b->tdx_tcb_info && b->tdx_tcb_info_chain && b->tdx_qe_identity && b->tdx_qe_identity_chain;
	const char *tmp = getenv("TMPDIR");
	char dir[PATH_MAX] = "";
	int rc = -1;

	if (!b->tdx_quote.data)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "the bundle carries no TDX quote");
	if (has_coll) {
		if (!tmp || !*tmp || tmp[0] != '/')
			tmp = "/tmp";
		if ((size_t)snprintf(dir, sizeof(dir), "%s/cvm-bundle-tdx.XXXXXX", tmp) >= sizeof(dir))
			return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "TMPDIR path too long");
		if (!mkdtemp(dir))
			return cvm_err_sys(err, CVM_EXIT_FAILURE, "mkdtemp %s", dir);
		if (write_collateral(b, dir, err) < 0)
			goto out;
	}
	struct cvm_tdx_verify_opts to = {
	    .collateral_dir = has_coll ? dir : NULL,
	    .trust_roots = o->trust_roots,
	    .nonce = o->nonce,
	    .nonce_len = o->nonce_len,
	    .has_at_time = o->has_at_time,
	    .at_time = o->at_time,
	};
	rc = cvm_tdx_verify(b->tdx_quote.data, b->tdx_quote.len, &to, o->policy, v, err);
out:
	if (dir[0]) {
		cvm_err ignored = {0};
		cvm_rm_rf(dir, &ignored);
	}
	return rc;
}
