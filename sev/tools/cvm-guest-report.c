/* cvm-guest-report: inside a confidential guest, ask for an attestation
 * report carrying given report data (e.g. a verifier's nonce) and write it
 * out. See docs/cvm-guest-report.8. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cvm_cleanup.h"
#include "cvm_err.h"
#include "cvm_fileio.h"
#include "guest_report.h"

#define USAGE                                                                                            \
	"usage: cvm-guest-report [--data HEX] [-o FILE] [--certs FILE] [--via auto|tsm|sev-guest]\n"   \
	"                        [--name ENTRY] [--vmpl N] [--root DIR] [--json] [--help] [--version]\n"

struct opts {
	struct cvm_gr_request req;
	const char *out, *certs;
	bool json;
};

static int parse_args(int argc, char **argv, struct opts *o, cvm_err *err)
{
	static const struct option longs[] = {
		{ "data", required_argument, NULL, 'd' }, { "output", required_argument, NULL, 'o' },
		{ "certs", required_argument, NULL, 'c' }, { "via", required_argument, NULL, 'v' },
		{ "name", required_argument, NULL, 'n' }, { "vmpl", required_argument, NULL, 'l' },
		{ "root", required_argument, NULL, 'r' }, { "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },       { "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "o:h", longs, NULL)) != -1) {
		switch (ch) {
		case 'd': {
			size_t n = strlen(optarg);
			if (n == 0 || n > 128 || n % 2 || cvm_hex_decode(optarg, o->req.data, n / 2) < 0)
				return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "--data: not 2..128 hex digits (up to 64 bytes)");
			break;
		}
		case 'o':
			o->out = optarg;
			break;
		case 'c':
			o->certs = optarg;
			o->req.want_certs = true;
			break;
		case 'v':
			if (strcmp(optarg, "auto") == 0)
				o->req.via = CVM_GR_AUTO;
			else if (strcmp(optarg, "tsm") == 0)
				o->req.via = CVM_GR_TSM;
			else if (strcmp(optarg, "sev-guest") == 0)
				o->req.via = CVM_GR_SEV_GUEST;
			else
				return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "--via: '%s' is not auto, tsm or sev-guest", optarg);
			break;
		case 'n':
			if (!*optarg || strchr(optarg, '/') || strcmp(optarg, ".") == 0 || strcmp(optarg, "..") == 0)
				return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "--name: '%s' is not a plain entry name", optarg);
			o->req.name = optarg;
			break;
		case 'l': {
			char *end = NULL;
			long v = strtol(optarg, &end, 10);
			if (end == optarg || *end || v < 0 || v > 3)
				return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "--vmpl: '%s' is not 0..3", optarg);
			o->req.vmpl = (int)v;
			break;
		}
		case 'r':
			o->req.root = optarg;
			break;
		case 'j':
			o->json = true;
			break;
		case 'h':
			fputs(USAGE, stdout);
			exit(0);
		case 'V':
			printf("cvm-guest-report %s\n", CVM_VERSION);
			exit(0);
		default:
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "bad option '%s'\n%s", argv[optind - 1], USAGE);
		}
	}
	if (optind < argc)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "unexpected argument '%s'", argv[optind]);
	return 0;
}

static void print_hex(FILE *f, const uint8_t *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", d[i]);
}

static int emit(const struct opts *o, const struct cvm_gr_result *r, cvm_err *err)
{
	if (o->out && cvm_write_atomic(o->out, r->report, r->report_len, 0644, err) < 0)
		return -1;
	if (o->certs && cvm_write_atomic(o->certs, r->certs ? (const void *)r->certs : "", r->certs_len, 0644, err) < 0)
		return -1;
	if (o->json) {
		/* only hex and fixed words: no JSON escaping needed */
		printf("{\"via\":\"%s\",\"provider\":\"", r->via);
		for (const char *p = r->provider; *p; p++)
			if (*p != '"' && *p != '\\' && (unsigned char)*p >= 0x20)
				putchar(*p);
		printf("\",\"generation\":%lu,\"report_data\":\"", r->generation);
		print_hex(stdout, o->req.data, 64);
		printf("\",\"report\":\"");
		print_hex(stdout, r->report, r->report_len);
		printf("\",\"certs_bytes\":%zu}\n", r->certs_len);
	} else if (!o->out) {
		print_hex(stdout, r->report, r->report_len);
		putchar('\n');
	}
	if (fflush(stdout) != 0 || ferror(stdout))
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "writing the report");
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { .req = { .root = "", .via = CVM_GR_AUTO, .vmpl = -1 } };
	struct cvm_gr_result r = { 0 };
	cvm_err err = { 0 };
	int rc = CVM_EXIT_OK;
	if (parse_args(argc, argv, &o, &err) < 0 || cvm_gr_get(&o.req, &r, &err) < 0 || emit(&o, &r, &err) < 0) {
		cvm_err_print(&err, "cvm-guest-report");
		rc = err.exit_code ? err.exit_code : CVM_EXIT_FAILURE;
	}
	cvm_gr_result_free(&r);
	return rc;
}
