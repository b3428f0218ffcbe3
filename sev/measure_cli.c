/* `cvm-launch measure` flag form: the options and defaults of
 * sev-snp-measure (FORMATS.md §2 "CLI"), VMM type QEMU only. */
#include "sev_measure_cli.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>
#include <openssl/evp.h>

#include "cvm_cleanup.h"
#include "cvm_fileio.h"
#include "sev_measure.h"
#include "sev_vmsa.h"

enum {
	OPT_MODE = 256, OPT_VCPUS, OPT_VCPU_TYPE, OPT_VCPU_SIG, OPT_VCPU_FAMILY, OPT_VCPU_MODEL,
	OPT_VCPU_STEPPING, OPT_VMM_TYPE, OPT_OVMF, OPT_KERNEL, OPT_INITRD, OPT_APPEND,
	OPT_GUEST_FEATURES, OPT_SNP_OVMF_HASH, OPT_OUTPUT_FORMAT, OPT_JSON, OPT_HELP,
};

static const struct option long_opts[] = {
	{ "mode", required_argument, NULL, OPT_MODE },
	{ "vcpus", required_argument, NULL, OPT_VCPUS },
	{ "vcpu-type", required_argument, NULL, OPT_VCPU_TYPE },
	{ "vcpu-sig", required_argument, NULL, OPT_VCPU_SIG },
	{ "vcpu-family", required_argument, NULL, OPT_VCPU_FAMILY },
	{ "vcpu-model", required_argument, NULL, OPT_VCPU_MODEL },
	{ "vcpu-stepping", required_argument, NULL, OPT_VCPU_STEPPING },
	{ "vmm-type", required_argument, NULL, OPT_VMM_TYPE },
	{ "ovmf", required_argument, NULL, OPT_OVMF },
	{ "kernel", required_argument, NULL, OPT_KERNEL },
	{ "initrd", required_argument, NULL, OPT_INITRD },
	{ "append", required_argument, NULL, OPT_APPEND },
	{ "guest-features", required_argument, NULL, OPT_GUEST_FEATURES },
	{ "snp-ovmf-hash", required_argument, NULL, OPT_SNP_OVMF_HASH },
	{ "output-format", required_argument, NULL, OPT_OUTPUT_FORMAT },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

struct cli {
	struct cvm_measure_args a;
	struct cvm_measure_out o;
	bool have_mode, have_vcpus, have_sig;
	long long family, model, stepping; /* -1 = not given */
};

static int parse_u64(const char *opt, const char *s, uint64_t max, uint64_t *out, cvm_err *err)
{
	char *end = NULL;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || end == s || *end || s[0] == '-' || v > max)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "--%s: '%s' is not a number in 0..%" PRIu64, opt,
				   s, max);
	*out = v;
	return 0;
}

static int set_opt(struct cli *c, int ch, const char *arg, cvm_err *err)
{
	uint64_t v = 0;
	switch (ch) {
	case OPT_MODE:
		if (!cvm_measure_mode_parse(arg, &c->a.mode))
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
					   "--mode: '%s' is not one of snp, snp:ovmf-hash, seves, sev", arg);
		c->have_mode = true;
		return 0;
	case OPT_VCPUS:
		if (parse_u64("vcpus", arg, 4096, &v, err) < 0)
			return -1;
		c->a.vcpus = (unsigned)v, c->have_vcpus = true;
		return 0;
	case OPT_VCPU_TYPE:
		if (!cvm_vcpu_sig_by_name(arg, &c->a.vcpu_sig))
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
					   "--vcpu-type: unknown type '%s' (EPYC, EPYC-v4, EPYC-Rome, EPYC-Milan, EPYC-Genoa, EPYC-Turin, ...)",
					   arg);
		c->have_sig = true;
		return 0;
	case OPT_VCPU_SIG:
		if (parse_u64("vcpu-sig", arg, UINT32_MAX, &v, err) < 0)
			return -1;
		c->a.vcpu_sig = (uint32_t)v, c->have_sig = true;
		return 0;
	case OPT_VCPU_FAMILY:
	case OPT_VCPU_MODEL:
	case OPT_VCPU_STEPPING: {
		const char *n = ch == OPT_VCPU_FAMILY ? "vcpu-family" : ch == OPT_VCPU_MODEL ? "vcpu-model" : "vcpu-stepping";
		if (parse_u64(n, arg, 0xff + 0xf, &v, err) < 0)
			return -1;
		*(ch == OPT_VCPU_FAMILY ? &c->family : ch == OPT_VCPU_MODEL ? &c->model : &c->stepping) = (long long)v;
		return 0;
	}
	case OPT_VMM_TYPE:
		if (strcasecmp(arg, "QEMU") != 0)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
					   "--vmm-type: only QEMU is supported ('%s' guests use vendor-specific VMSAs)", arg);
		return 0;
	case OPT_OVMF:
		c->a.ovmf = arg;
		return 0;
	case OPT_KERNEL:
		c->a.kernel = arg;
		return 0;
	case OPT_INITRD:
		c->a.initrd = arg;
		return 0;
	case OPT_APPEND:
		c->a.append = arg;
		return 0;
	case OPT_GUEST_FEATURES:
		return parse_u64("guest-features", arg, UINT64_MAX, &c->a.guest_features, err);
	case OPT_SNP_OVMF_HASH:
		if (strlen(arg) != 96 || cvm_hex_decode(arg, c->a.ovmf_hash, 48) < 0)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "--snp-ovmf-hash: not 96 hex digits");
		c->a.has_ovmf_hash = true;
		return 0;
	case OPT_OUTPUT_FORMAT:
		if (strcmp(arg, "hex") != 0 && strcmp(arg, "base64") != 0)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "--output-format: '%s' is not hex or base64", arg);
		c->o.base64 = strcmp(arg, "base64") == 0;
		return 0;
	case OPT_JSON:
		c->o.json = true;
		return 0;
	default:
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "measure: bad option (see cvm-launch measure --help)");
	}
}

/* Cross-option rules, as sev-snp-measure applies them. */
static int check(struct cli *c, cvm_err *err)
{
	if (!c->a.ovmf)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "measure: --ovmf is required");
	bool fms = c->family >= 0 || c->model >= 0 || c->stepping >= 0;
	if (fms) {
		if (c->family < 0 || c->model < 0 || c->stepping < 0 || c->have_sig)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
					   "measure: give --vcpu-family, --vcpu-model and --vcpu-stepping together, "
					   "and not with --vcpu-type or --vcpu-sig");
		c->a.vcpu_sig = cvm_vcpu_sig((unsigned)c->family, (unsigned)c->model, (unsigned)c->stepping);
		c->have_sig = true;
	}
	bool vmsa = c->a.mode == CVM_MEASURE_SNP || c->a.mode == CVM_MEASURE_SEV_ES;
	if (vmsa && !c->have_vcpus)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "measure: --mode %s needs --vcpus",
				   cvm_measure_mode_name(c->a.mode));
	if (vmsa && !c->have_sig)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
				   "measure: --mode %s needs --vcpu-type, --vcpu-sig or --vcpu-family/--vcpu-model/--vcpu-stepping",
				   cvm_measure_mode_name(c->a.mode));
	if ((c->a.initrd || c->a.append) && !c->a.kernel)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "measure: --initrd and --append need --kernel");
	if (c->a.has_ovmf_hash && c->a.mode != CVM_MEASURE_SNP)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "measure: --snp-ovmf-hash applies to --mode snp only");
	if (c->a.kernel && c->a.mode == CVM_MEASURE_SNP_OVMF_HASH)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "measure: --mode snp:ovmf-hash takes no kernel");
	return 0;
}

int cvm_measure_print(FILE *out, const struct cvm_measure_out *o, const char *mode, const unsigned char *d,
		      size_t len, cvm_err *err)
{
	char text[2 * 64 + 1];
	if (len > 48)
		return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "digest too long");
	if (o->base64)
		EVP_EncodeBlock((unsigned char *)text, d, (int)len);
	else
		cvm_hex_encode(d, len, text);
	if (!o->json) {
		fprintf(out, "%s\n", text);
	} else {
		cvm_autojson struct json_object *j = json_object_new_object();
		if (!j)
			return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
		json_object_object_add(j, "mode", json_object_new_string(mode));
		json_object_object_add(j, "format", json_object_new_string(o->base64 ? "base64" : "hex"));
		json_object_object_add(j, "measurement", json_object_new_string(text));
		fprintf(out, "%s\n", json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	}
	if (fflush(out) != 0 || ferror(out))
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "writing the measurement");
	return 0;
}

int cvm_measure_cli(int argc, char **argv, FILE *out, cvm_err *err)
{
	struct cli c = { .a = { .mode = CVM_MEASURE_SNP, .guest_features = 0x1 },
			 .family = -1, .model = -1, .stepping = -1 };
	optind = 0; /* GNU: restart option scanning (the caller may have used getopt) */
	opterr = 0;
	int ch;
	while ((ch = getopt_long(argc, argv, "+h", long_opts, NULL)) != -1) {
		if (ch == 'h' || ch == OPT_HELP) {
			fprintf(out, "usage: cvm-launch %s\n", CVM_MEASURE_USAGE);
			return CVM_EXIT_OK;
		}
		if (ch == '?' || ch == ':') {
			cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "measure: bad option '%s' (see cvm-launch measure --help)",
				    argv[optind - 1]);
			return CVM_EXIT_BADINPUT;
		}
		if (set_opt(&c, ch, optarg, err) < 0)
			return CVM_EXIT_BADINPUT;
	}
	if (optind < argc) {
		cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "measure: unexpected argument '%s'", argv[optind]);
		return CVM_EXIT_BADINPUT;
	}
	if (check(&c, err) < 0)
		return CVM_EXIT_BADINPUT;
	uint8_t d[CVM_MEASURE_MAX_LEN];
	size_t len = 0;
	if (cvm_measure(&c.a, d, &len, err) < 0 ||
	    cvm_measure_print(out, &c.o, cvm_measure_mode_name(c.a.mode), d, len, err) < 0)
		return err ? err->exit_code : CVM_EXIT_FAILURE;
	return CVM_EXIT_OK;
}
