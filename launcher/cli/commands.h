/* cvm-launch subcommands: one file each (cli/<verb>.c), registered in the
 * table in main.c (tpm2-tools' TPM2_TOOL_REGISTER idea, without the magic). */
#ifndef CVM_COMMANDS_H
#define CVM_COMMANDS_H

#include <stdbool.h>

#include "cvm_err.h"
#include "hostcfg.h"

struct cvm_ctx {
	const char *prog;
	const char *host_config_path; /* NULL = default */
	struct cvm_hostcfg cfg;       /* loaded before the command runs */
};

struct cvm_command {
	const char *name;
	const char *usage;   /* "NAME [--json]" */
	const char *summary; /* one line */
	bool recover_first;  /* reap tenants whose supervisor died before running */
	/* argv[0] is the subcommand name. Returns an enum cvm_exit; on failure
	 * fills @err, which main prints once. */
	int (*run)(struct cvm_ctx *ctx, int argc, char **argv, cvm_err *err);
};

extern const struct cvm_command cvm_cmd_probe;
extern const struct cvm_command cvm_cmd_run;
extern const struct cvm_command cvm_cmd_ls;
extern const struct cvm_command cvm_cmd_status;
extern const struct cvm_command cvm_cmd_stop;
extern const struct cvm_command cvm_cmd_demo;
extern const struct cvm_command cvm_cmd_measure;
extern const struct cvm_command cvm_cmd_evidence;

/* Shared by subcommands: print "usage: cvm-launch <usage>" and the summary. */
void cvm_cmd_help(const struct cvm_command *cmd, const char *options_help);
/* Options of the read-only commands: --json and --help, then exactly @npos
 * positional arguments (at argv[optind]). Returns 0 to go on, 1 when help was
 * printed, -1 on bad usage (err filled, CVM_EXIT_BADINPUT). */
int cvm_cmd_parse_json(const struct cvm_command *cmd, int argc, char **argv, int npos, const char *what,
		       bool *json, cvm_err *err);
/* True if argv has --help/-h (then help was printed). */
bool cvm_cmd_wants_help(const struct cvm_command *cmd, int argc, char **argv, const char *options_help);

#endif
