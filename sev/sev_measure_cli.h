/* The flag form of `cvm-launch measure` (familiar to users of
 * sev-snp-measure), kept in sev/ so it builds and is tested before the
 * launcher's command table exists; launcher/cli/measure.c is a thin shim. */
#ifndef CVM_SEV_MEASURE_CLI_H
#define CVM_SEV_MEASURE_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "cvm_err.h"

#define CVM_MEASURE_USAGE                                                                          \
	"measure SPEC.json [--output-format hex|base64] [--json]\n"                                \
	"       measure --mode snp|snp:ovmf-hash|seves|sev --ovmf FILE [--vcpus N]\n"               \
	"               [--vcpu-type T | --vcpu-sig V | --vcpu-family F --vcpu-model M --vcpu-stepping S]\n" \
	"               [--kernel FILE [--initrd FILE] [--append CMDLINE]] [--guest-features X]\n"   \
	"               [--snp-ovmf-hash HEX] [--vmm-type QEMU] [--output-format hex|base64] [--json]"

/* Output options common to both forms. */
struct cvm_measure_out {
	bool base64;
	bool json;
};

/* Run the flag form: @argv[0] is "measure". Prints the digest on @out and
 * returns CVM_EXIT_OK, or fills @err and returns its exit code. */
int cvm_measure_cli(int argc, char **argv, FILE *out, cvm_err *err);

/* Print a digest per @o (hex or base64 line, or a JSON object with @mode). */
int cvm_measure_print(FILE *out, const struct cvm_measure_out *o, const char *mode, const unsigned char *d,
		      size_t len, cvm_err *err);

#endif
