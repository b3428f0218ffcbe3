/* attest-verify: the subcommand table entry and the options every
 * subcommand shares. One file per subcommand (snp.c, tdx.c, tpm.c,
 * bundle.c) defines a `const struct cvm_av_command cvm_av_cmd_<name>` and
 * main.c lists it.
 *
 * Shared options (parse with cvm_av_common_option() from the subcommand's
 * getopt_long loop; their long-option entries are CVM_AV_COMMON_LONGOPTS):
 *   --json             JSON verdict on stdout
 *   --policy FILE      verifier policy (cvm-attest-policy(5)); default built in
 *   --nonce HEX        the nonce the evidence must bind
 *   --at-time ISO8601  check certificate/CRL validity at this time (default now)
 *   --trust-root FILE  pin another root certificate (repeatable)
 *   --help, --version
 * Exit codes: 0 accepted, 1 rejected, 2 bad input or usage. */
#ifndef CVM_AV_CLI_H
#define CVM_AV_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/x509.h>

#include "cvm_err.h"
#include "policy.h"
#include "policy_tdx.h"
#include "verdict.h"

struct cvm_verdict;

/* A subcommand: what it plugs into cvm_av_run(). Its arguments live in a
 * struct of its own (zeroed, @args_size bytes) holding a struct
 * cvm_av_common at @common_offset. */
struct cvm_av_command {
	const char *name;    /* also in messages: "attest-verify NAME: ..." */
	const char *summary; /* one line for `attest-verify --help` */
	void (*help)(void);
	/* argv[0] is the subcommand name. -1 with @err is a usage error (exit 2). */
	int (*parse)(int argc, char **argv, void *args, cvm_err *err);
	/* After cvm_av_common_finish(): read the inputs and verify into @v;
	 * -1 with @err is printed once and its exit code returned. */
	int (*verify)(void *args, struct cvm_verdict *v, cvm_err *err);
	size_t args_size;
	size_t common_offset;
};

/* Subcommands (defined in <name>.c). */
extern const struct cvm_av_command cvm_av_cmd_snp;
extern const struct cvm_av_command cvm_av_cmd_tdx;
extern const struct cvm_av_command cvm_av_cmd_tpm;
extern const struct cvm_av_command cvm_av_cmd_bundle;

enum {
	CVM_AV_OPT_JSON = 0x1000,
	CVM_AV_OPT_POLICY,
	CVM_AV_OPT_NONCE,
	CVM_AV_OPT_AT_TIME,
	CVM_AV_OPT_TRUST_ROOT,
	CVM_AV_OPT_HELP,
	CVM_AV_OPT_VERSION,
	CVM_AV_OPT_PRIVATE = 0x1100, /* subcommands number their own options from here */
};

/* clang-format off */
#define CVM_AV_COMMON_LONGOPTS                                              \
	{ "json", no_argument, NULL, CVM_AV_OPT_JSON },                     \
	{ "policy", required_argument, NULL, CVM_AV_OPT_POLICY },           \
	{ "nonce", required_argument, NULL, CVM_AV_OPT_NONCE },             \
	{ "at-time", required_argument, NULL, CVM_AV_OPT_AT_TIME },         \
	{ "trust-root", required_argument, NULL, CVM_AV_OPT_TRUST_ROOT },   \
	{ "help", no_argument, NULL, CVM_AV_OPT_HELP },                     \
	{ "version", no_argument, NULL, CVM_AV_OPT_VERSION }

#define CVM_AV_COMMON_HELP                                                                        \
	"  --policy FILE       verifier policy, see cvm-attest-policy(5) (default: built in)\n"  \
	"  --nonce HEX         nonce the evidence must bind (policy nonce_binding)\n"            \
	"  --at-time ISO8601   check validity at this time instead of now\n"                      \
	"                      (e.g. 2025-01-31 or 2025-01-31T12:00:00Z)\n"                       \
	"  --trust-root FILE   also trust this root certificate (repeatable)\n"                   \
	"  --json              print the verdict as JSON\n"                                       \
	"  --help, --version\n"                                                                   \
	"Exit status: 0 accepted, 1 rejected, 2 bad input or usage.\n"
/* clang-format on */

#define CVM_AV_MAX_TRUST_ROOTS 16

struct cvm_av_common {
	bool json, help, version;
	const char *policy_path;
	struct cvm_policy *policy; /* set by cvm_av_common_finish(); owned */
	uint8_t *nonce;            /* NULL if no --nonce; owned */
	size_t nonce_len;
	bool have_time;
	time_t at_time; /* --at-time, or now after cvm_av_common_finish() */
	size_t n_trust_roots;
	const char *trust_roots[CVM_AV_MAX_TRUST_ROOTS];
};

void cvm_av_common_init(struct cvm_av_common *c);
void cvm_av_common_free(struct cvm_av_common *c);
/* 1: @opt was a common option (handled), 0: not one, -1: bad value (@err,
 * exit 2). */
int cvm_av_common_option(struct cvm_av_common *c, int opt, const char *arg, cvm_err *err);
/* After option parsing: load the policy (or the built-in default) and
 * settle the verification time. */
int cvm_av_common_finish(struct cvm_av_common *c, cvm_err *err);
/* Load every --trust-root certificate into @out. */
int cvm_av_load_trust_roots(const struct cvm_av_common *c, STACK_OF(X509) * out, cvm_err *err);

/* "attest-verify CMD: message" plus a --help hint on stderr; returns 2. */
int cvm_av_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print @err once ("attest-verify CMD: ...") and return its exit code
 * (bad input if unset). */
int cvm_av_error(const char *cmd, const cvm_err *err);
/* Print the verdict (text or JSON) on stdout; 0 if accepted, 1 if not. */
int cvm_av_report(const struct cvm_av_common *c, const struct cvm_verdict *v);
void cvm_av_print_version(void);
/* The "tdx" section of @p (or the built-in default), with the top-level
 * nonce keys every evidence kind shares: what `tdx` and `bundle` verify a
 * TDX quote against. */
int cvm_av_tdx_policy(const struct cvm_policy *p, struct cvm_policy_tdx *out, cvm_err *err);

/* The whole life of subcommand @cmd: parse, --help/--version, finish the
 * common options, verify, report, free. argv[0] is the subcommand name.
 * Returns the process exit code. */
int cvm_av_run(const struct cvm_av_command *cmd, int argc, char **argv);

/* Step a getopt_long() loop over @opts (optind/opterr set by the caller),
 * handling the common options on the way. Returns the next option that is
 * not a common one, -1 at the end of the options, or -2 on a bad common
 * value (@err). */
int cvm_av_next_option(struct cvm_av_common *c, int argc, char **argv, const struct option *opts, cvm_err *err);

#endif
