/* cvm-launch evidence NAME --nonce HEX -o FILE [--snp-report FILE
 * [--snp-vcek FILE] [--snp-chain FILE] | --tdx-quote FILE
 * [--tdx-collateral DIR]]: quote the launch PCR with the verifier's nonce
 * and write the cvm-evidence/1 bundle. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "cvm_cleanup.h"
#include "cvm_fileio.h"
#include "evidence.h"
#include "state.h"

#define OPTIONS_HELP                                                                                                   \
	"  --nonce HEX         the verifier's nonce (1-64 bytes), bound into the TPM quote\n"                          \
	"  -o, --output FILE   where to write the bundle (replaced atomically)\n"                                      \
	"  --snp-report FILE   also carry the guest's SEV-SNP report (raw, 1184 bytes)\n"                              \
	"  --snp-vcek FILE     its VCEK or VLEK (DER or PEM)\n"                                                        \
	"  --snp-chain FILE    its ASK/ASVK and ARK (PEM)\n"                                                           \
	"  --tdx-quote FILE    carry the guest's Intel TDX quote instead (raw, v4 or v5)\n"                           \
	"  --tdx-collateral DIR  its Intel PCS collateral: tcbInfo.json, enclaveIdentity.json,\n"                      \
	"                      tcbinfo_issuer_chain.pem, qeidentity_issuer_chain.pem, optional\n"                     \
	"                      pckcrl and rootcrl (DER or PEM)\n"                                                     \
	"The TPM comes from the host config (tpm_tcti, tpm_pcr, tpm_ak);\n"                                            \
	"verify with: attest-verify bundle FILE --policy POLICY --nonce HEX\n"

enum { OPT_NONCE = 0x100, OPT_SNP_REPORT, OPT_SNP_VCEK, OPT_SNP_CHAIN, OPT_TDX_QUOTE, OPT_TDX_COLLATERAL };

static int usage_err(cvm_err *err, const char *what)
{
	cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "evidence: %s (try --help)", what);
	return CVM_EXIT_BADINPUT;
}

static int evidence_run(struct cvm_ctx *ctx, int argc, char **argv, cvm_err *err)
{
	static const struct option opts[] = {
	    {"nonce", required_argument, NULL, OPT_NONCE},
	    {"output", required_argument, NULL, 'o'},
	    {"snp-report", required_argument, NULL, OPT_SNP_REPORT},
	    {"snp-vcek", required_argument, NULL, OPT_SNP_VCEK},
	    {"snp-chain", required_argument, NULL, OPT_SNP_CHAIN},
	    {"tdx-quote", required_argument, NULL, OPT_TDX_QUOTE},
	    {"tdx-collateral", required_argument, NULL, OPT_TDX_COLLATERAL},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct cvm_evidence_guest guest = {0};
	cvm_autofree uint8_t *nonce = NULL;
	size_t nonce_len = 0;
	const char *out = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		switch (c) {
		case OPT_NONCE:
			free(nonce);
			nonce = NULL;
			if (cvm_hex_decode_alloc(optarg, &nonce, &nonce_len) < 0 || nonce_len == 0 || nonce_len > 64)
				return usage_err(err, "--nonce must be 1 to 64 bytes of hex");
			break;
		case 'o':
			out = optarg;
			break;
		case OPT_SNP_REPORT:
			guest.snp_report = optarg;
			break;
		case OPT_SNP_VCEK:
			guest.snp_vcek = optarg;
			break;
		case OPT_SNP_CHAIN:
			guest.snp_chain = optarg;
			break;
		case OPT_TDX_QUOTE:
			guest.tdx_quote = optarg;
			break;
		case OPT_TDX_COLLATERAL:
			guest.tdx_collateral = optarg;
			break;
		case 'h':
			cvm_cmd_help(&cvm_cmd_evidence, OPTIONS_HELP);
			return CVM_EXIT_OK;
		default:
			return usage_err(err, "bad option");
		}
	}
	if (argc - optind != 1)
		return usage_err(err, "expected exactly one tenant NAME");
	if (!nonce)
		return usage_err(err, "--nonce is required (the verifier's freshness challenge)");
	if (!out)
		return usage_err(err, "-o FILE is required");
	if (cvm_state_check_name(argv[optind], err) < 0)
		return err->exit_code;
	if (cvm_evidence_bundle_guest(&ctx->cfg, argv[optind], nonce, nonce_len, &guest, out, err) < 0)
		return err->exit_code ? err->exit_code : CVM_EXIT_FAILURE;
	fprintf(stderr, "cvm-launch: evidence for %s written to %s\n", argv[optind], out);
	return CVM_EXIT_OK;
}

const struct cvm_command cvm_cmd_evidence = {
    .name = "evidence",
    .usage = "evidence NAME --nonce HEX -o FILE",
    .summary = "TPM-quoted launch evidence bundle for attest-verify bundle",
    .recover_first = false,
    .run = evidence_run,
};
