#include "cvm_argv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int grow(struct cvm_argv *a)
{
	size_t cap = a->cap ? a->cap * 2 : 16;
	char **v;

	if (a->n + 2 <= a->cap)
		return 0;
	v = realloc(a->v, cap * sizeof(*v));
	if (!v)
		return -1;
	a->v = v;
	a->cap = cap;
	return 0;
}

static int push_owned(struct cvm_argv *a, char *s)
{
	if (!s || grow(a) < 0) {
		free(s);
		return -1;
	}
	a->v[a->n++] = s;
	a->v[a->n] = NULL;
	return 0;
}

int cvm_argv_push(struct cvm_argv *a, const char *s)
{
	return push_owned(a, strdup(s));
}

int cvm_argv_pushf(struct cvm_argv *a, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	return push_owned(a, s);
}

void cvm_argv_free(struct cvm_argv *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
	a->v = NULL;
	a->n = a->cap = 0;
}

static int needs_quote(const char *s)
{
	if (!*s)
		return 1;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=.,/:@+%", *s))
			return 1;
	return 0;
}

char *cvm_argv_join(const struct cvm_argv *a)
{
	size_t len = 1;
	char *out, *p;

	for (size_t i = 0; i < a->n; i++)
		len += strlen(a->v[i]) * 4 + 3;
	out = malloc(len);
	if (!out)
		return NULL;
	p = out;
	for (size_t i = 0; i < a->n; i++) {
		const char *s = a->v[i];
		if (i)
			*p++ = ' ';
		if (!needs_quote(s)) {
			p = stpcpy(p, s);
			continue;
		}
		*p++ = '\'';
		for (; *s; s++) {
			if (*s == '\'')
				p = stpcpy(p, "'\\''");
			else
				*p++ = *s;
		}
		*p++ = '\'';
	}
	*p = '\0';
	return out;
}
