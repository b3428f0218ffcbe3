/* tdx_mkquote OUTDIR: write TDX quotes and PCS collateral signed with a
 * fresh throwaway PKI (tests/unit/tdx_testsign.c), for the integration test
 * and the fuzz seed corpus:
 *   root.pem other_root.pem                  trust roots (the second is unrelated)
 *   v4.dat v5_td10.dat v5_td15.dat           valid quotes (70 trailing bytes on v4)
 *   v4_debug.dat v4_badbind.dat v4_nonce.dat debug on / QE binding broken /
 *                                            REPORTDATA = nonce "00112233..." raw
 *   pck_key.pem att_key.pem                  public keys, for openssl(1) cross-checks
 *   coll/ coll_outofdate/                    collateral: UpToDate / OutOfDate
 *   pckcrl_revoked.der                       a CRL revoking the PCK */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/pem.h>

#include "../unit/tdx_testsign.c"

static int write_bin(const char *dir, const char *name, const uint8_t *d, size_t n)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	size_t w = fwrite(d, 1, n, f);
	return fclose(f) == 0 && w == n ? 0 : -1;
}

static int quote(const struct tdx_ts_pki *k, const char *dir, const char *name, uint16_t ver, uint16_t bt,
		 int variant)
{
	struct tdx_ts_quote_opts o;
	size_t len;
	uint8_t *q;

	tdx_ts_quote_opts_default(&o, ver, bt);
	if (ver == 4)
		o.trailing = 70;
	if (variant == 1)
		o.td_attributes |= 1;
	if (variant == 2)
		o.bad_qe_binding = true;
	if (variant == 3)
		for (int i = 0; i < 16; i++)
			o.report_data[i] = (uint8_t)(i * 0x11);
	q = tdx_ts_quote(k, &o, &len);
	int rc = write_bin(dir, name, q, len);
	free(q);
	return rc;
}

static int write_pub(const char *dir, const char *name, EVP_PKEY *key)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	PEM_write_PUBKEY(f, key);
	return fclose(f);
}

int main(int argc, char **argv)
{
	static const struct tdx_ts_level up[] = {
		{ .sgx = { 2 }, .pcesvn = 11, .tdx = { 5, 0, 2 }, .status = "UpToDate" },
	};
	static const struct tdx_ts_level old[] = {
		{ .sgx = { 2 }, .pcesvn = 12, .tdx = { 5, 0, 2 }, .status = "UpToDate" },
		{ .sgx = { 2 }, .pcesvn = 11, .tdx = { 5, 0, 2 }, .status = "OutOfDate" },
	};
	struct tdx_ts_platform plat;
	struct tdx_ts_pki k, other;
	struct tdx_ts_coll_opts co;
	char path[4096];
	int rc = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: tdx_mkquote OUTDIR\n");
		return 2;
	}
	const char *dir = argv[1];
	tdx_ts_platform_default(&plat);
	if (mkdir(dir, 0700) < 0 && access(dir, W_OK) < 0) {
		perror(dir);
		return 1;
	}
	if (tdx_ts_pki_new(&k, &plat) < 0 || tdx_ts_pki_new(&other, &plat) < 0) {
		fprintf(stderr, "tdx_mkquote: key generation failed\n");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/root.pem", dir);
	rc |= tdx_ts_write_root(&k, path);
	snprintf(path, sizeof(path), "%s/other_root.pem", dir);
	rc |= tdx_ts_write_root(&other, path);
	rc |= quote(&k, dir, "v4.dat", 4, 2, 0);
	rc |= quote(&k, dir, "v5_td10.dat", 5, 2, 0);
	rc |= quote(&k, dir, "v5_td15.dat", 5, 3, 0);
	rc |= quote(&k, dir, "v4_debug.dat", 4, 2, 1);
	rc |= quote(&k, dir, "v4_badbind.dat", 4, 2, 2);
	rc |= quote(&k, dir, "v4_nonce.dat", 4, 2, 3);
	rc |= write_pub(dir, "pck_key.pem", k.pck_key);
	rc |= write_pub(dir, "att_key.pem", k.att_key);
	tdx_ts_coll_opts_default(&co, &k);
	co.levels = up;
	co.n_levels = 1;
	snprintf(path, sizeof(path), "%s/coll", dir);
	mkdir(path, 0700);
	rc |= tdx_ts_write_collateral(&k, &co, path);
	co.levels = old;
	co.n_levels = 2;
	snprintf(path, sizeof(path), "%s/coll_outofdate", dir);
	mkdir(path, 0700);
	rc |= tdx_ts_write_collateral(&k, &co, path);
	snprintf(path, sizeof(path), "%s/pckcrl_revoked.der", dir);
	rc |= tdx_ts_write_crl(&k, true, true, 1767225600, 1798761600, path);
	tdx_ts_pki_free(&k);
	tdx_ts_pki_free(&other);
	if (rc) {
		fprintf(stderr, "tdx_mkquote: writing into %s failed\n", dir);
		return 1;
	}
	return 0;
}
