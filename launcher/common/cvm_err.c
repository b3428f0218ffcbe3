#include "cvm_err.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static __attribute__((format(printf, 2, 0))) void vset(cvm_err *err, const char *fmt, va_list ap)
{
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
}

int cvm_err_set(cvm_err *err, int exit_code, int errnum, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	err->exit_code = exit_code;
	err->errnum = errnum;
	va_start(ap, fmt);
	vset(err, fmt, ap);
	va_end(ap);
	return -1;
}

int cvm_err_sys(cvm_err *err, int exit_code, const char *fmt, ...)
{
	int saved = errno;
	size_t len;
	va_list ap;

	if (!err)
		return -1;
	err->exit_code = exit_code;
	err->errnum = saved;
	va_start(ap, fmt);
	vset(err, fmt, ap);
	va_end(ap);
	len = strlen(err->msg);
	snprintf(err->msg + len, sizeof(err->msg) - len, ": %s", strerror(saved));
	errno = saved;
	return -1;
}

int cvm_err_prefix(cvm_err *err, const char *fmt, ...)
{
	char prefix[512];
	char old[sizeof(err->msg)];
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	size_t plen = strnlen(prefix, sizeof(prefix) - 1);
	if (plen >= sizeof(err->msg))
		plen = sizeof(err->msg) - 1;
	memcpy(err->msg, prefix, plen);
	size_t rest = strnlen(old, sizeof(old) - 1);
	if (rest > sizeof(err->msg) - 1 - plen)
		rest = sizeof(err->msg) - 1 - plen;
	memcpy(err->msg + plen, old, rest);
	err->msg[plen + rest] = '\0';
	return -1;
}

void cvm_err_clear(cvm_err *err)
{
	if (!err)
		return;
	err->exit_code = CVM_EXIT_OK;
	err->errnum = 0;
	err->msg[0] = '\0';
}

void cvm_err_print(const cvm_err *err, const char *prog)
{
	fprintf(stderr, "%s: %s\n", prog, err->msg[0] ? err->msg : "unknown error");
}
