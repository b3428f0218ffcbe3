/* A growable NULL-terminated argv (owned strings), for building command lines. */
#ifndef CVM_ARGV_H
#define CVM_ARGV_H

#include <stddef.h>

struct cvm_argv {
	char **v; /* NULL-terminated; owned */
	size_t n, cap;
};

/* Return -1 only on ENOMEM. */
int cvm_argv_push(struct cvm_argv *a, const char *s);
int cvm_argv_pushf(struct cvm_argv *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cvm_argv_free(struct cvm_argv *a);
/* Space-separated, each word shell-quoted when needed (for logs and records). */
char *cvm_argv_join(const struct cvm_argv *a);

static inline void cvm_argv_freep(struct cvm_argv *a)
{
	cvm_argv_free(a);
}
#define cvm_autoargv __attribute__((cleanup(cvm_argv_freep)))

#endif
