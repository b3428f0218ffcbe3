/* snp_mkevidence OUTDIR: write self-signed SNP evidence for the CLI tests
 * (throwaway keys from tests/unit/snp_testsign.c):
 *   ark.pem            the test ARK (pin it with --trust-root)
 *   chain.pem          ASK then ARK, as KDS serves cert_chain
 *   vcek.der           the VCEK (Milan, bl 3 tee 0 snp 8 ucode 115)
 *   report.bin         Milan v3 report, report_data = 00 01 .. 1f (raw nonce)
 *   report_debug.bin   the same with guest policy DEBUG set
 *   report_ext.bin     report.bin with the cert table appended
 *   crl_ok.der         ARK CRL revoking nothing, valid 2024-12-01 .. 2025-02-01
 *   crl_revoked.der    ARK CRL revoking the ASK, same validity
 * Certificates are valid 2023-01-01 .. 2030-01-01. */
#include <stdio.h>
#include <string.h>

#include "../unit/snp_testsign.c"

static int put_ext(const char *dir, const uint8_t *rep, const struct snp_ts_chain *c)
{
	static const uint8_t guids[3][16] = {
	    {0x63, 0xda, 0x75, 0x8d, 0xe6, 0x64, 0x45, 0x64, 0xad, 0xc5, 0xf4, 0xb9, 0x3b, 0xe8, 0xac, 0xcd},
	    {0x4a, 0xb7, 0xb3, 0x79, 0xbb, 0xac, 0x4f, 0xe4, 0xa0, 0x2f, 0x05, 0xae, 0xf3, 0x27, 0xc7, 0x82},
	    {0xc0, 0xb4, 0x06, 0xa4, 0xa8, 0x03, 0x49, 0x52, 0x97, 0x43, 0x3f, 0xb6, 0x01, 0x4c, 0xd0, 0xae},
	};
	X509 *certs[3] = {c->leaf, c->ask, c->ark};
	static uint8_t buf[SNP_TS_REPORT_SIZE + 16384];
	uint8_t *table = buf + SNP_TS_REPORT_SIZE;
	size_t off = 4 * 24;
	char path[4096];

	memset(buf, 0, sizeof(buf));
	memcpy(buf, rep, SNP_TS_REPORT_SIZE);
	for (size_t i = 0; i < 3; i++) {
		int len = i2d_X509(certs[i], NULL);
		unsigned char *p = table + off;
		if (len <= 0 || off + (size_t)len > sizeof(buf) - SNP_TS_REPORT_SIZE)
			return -1;
		i2d_X509(certs[i], &p);
		memcpy(table + 24 * i, guids[i], 16);
		snp_ts_put32(table + 24 * i + 16, (uint32_t)off);
		snp_ts_put32(table + 24 * i + 20, (uint32_t)len);
		off += (size_t)len;
	}
	snprintf(path, sizeof(path), "%s/report_ext.bin", dir);
	return snp_ts_write_file(path, buf, SNP_TS_REPORT_SIZE + off);
}

int main(int argc, char **argv)
{
	struct snp_ts_world w;
	struct snp_ts_params p;
	struct snp_ts_chain c;
	uint8_t rep[SNP_TS_REPORT_SIZE], dbg[SNP_TS_REPORT_SIZE];
	char path[4096];
	const time_t crl_from = 1733011200, crl_to = 1738368000; /* 2024-12-01 .. 2025-02-01 */
	int rc = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: snp_mkevidence OUTDIR\n");
		return 2;
	}
	const char *dir = argv[1];
	if (snp_ts_world_init(&w) < 0)
		return 1;
	snp_ts_params_default(&p, SNP_TS_MILAN);
	if (snp_ts_chain_make(&w, &p, &c) < 0)
		goto out;
	snp_ts_report_init(rep, 3, &p);
	for (int i = 0; i < 32; i++)
		rep[0x50 + i] = (uint8_t)i;
	memcpy(dbg, rep, sizeof(dbg));
	snp_ts_put64(dbg + 0x008, 0xb0000);
	if (snp_ts_report_sign(rep, w.leaf_key) < 0 || snp_ts_report_sign(dbg, w.leaf_key) < 0)
		goto out;
	X509 *chain[2] = {c.ask, c.ark};
	X509_CRL *ok = snp_ts_crl(c.ark, w.ark_key, NULL, crl_from, crl_to);
	X509_CRL *revoked = snp_ts_crl(c.ark, w.ark_key, c.ask, crl_from, crl_to);
#define OUT(name) (snprintf(path, sizeof(path), "%s/%s", dir, name), path)
	if (!ok || !revoked || snp_ts_write_pem(OUT("ark.pem"), &c.ark, 1) ||
	    snp_ts_write_pem(OUT("chain.pem"), chain, 2) || snp_ts_write_der(OUT("vcek.der"), c.leaf) ||
	    snp_ts_write_file(OUT("report.bin"), rep, sizeof(rep)) ||
	    snp_ts_write_file(OUT("report_debug.bin"), dbg, sizeof(dbg)) || snp_ts_write_crl(OUT("crl_ok.der"), ok) ||
	    snp_ts_write_crl(OUT("crl_revoked.der"), revoked) || put_ext(dir, rep, &c))
		fprintf(stderr, "snp_mkevidence: writing %s failed\n", path);
	else
		rc = 0;
	X509_CRL_free(ok);
	X509_CRL_free(revoked);
	snp_ts_chain_free(&c);
out:
	snp_ts_world_free(&w);
	return rc;
}
