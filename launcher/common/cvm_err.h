/* Errors carry a message up to the one place that prints them (crun's
 * libcrun_error_t pattern): a failing function fills a cvm_err and returns -1;
 * only main() prints. Exit codes never change meaning. */
#ifndef CVM_ERR_H
#define CVM_ERR_H

#include <stdarg.h>

enum cvm_exit {
	CVM_EXIT_OK = 0,
	CVM_EXIT_FAILURE = 1,   /* runtime failure; for attest-verify: rejected */
	CVM_EXIT_BADINPUT = 2,  /* usage, spec, config, file, or host lacks what the spec requires */
	CVM_EXIT_EXHAUSTED = 3, /* no free uid / MCS pair / slot */
	CVM_EXIT_SANDBOX = 4,   /* the guest process is not confined as required */
	CVM_EXIT_GUEST = 5,     /* the guest (emulator) failed or exited with an error */
};

typedef struct cvm_err {
	int exit_code; /* enum cvm_exit */
	int errnum;    /* errno at the failure, 0 if none */
	char msg[1024];
} cvm_err;

/* Fill @err (may be NULL) and return -1 so callers can `return cvm_err_set(...)`. */
int cvm_err_set(cvm_err *err, int exit_code, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Same, with errno appended as ": strerror(errnum)". */
int cvm_err_sys(cvm_err *err, int exit_code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prefix the existing message with context ("spec foo.json: " + msg). */
int cvm_err_prefix(cvm_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cvm_err_clear(cvm_err *err);
/* Print "prog: msg" on stderr, one line. */
void cvm_err_print(const cvm_err *err, const char *prog);

#endif
