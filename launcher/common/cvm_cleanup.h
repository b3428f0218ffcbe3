/* Ownership through __attribute__((cleanup)) (bubblewrap/crun style): every
 * owning variable is declared with one of these and initialised, and handed
 * out with cvm_steal_ptr()/cvm_steal_fd(). */
#ifndef CVM_CLEANUP_H
#define CVM_CLEANUP_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void cvm_freep(void *p)
{
	free(*(void **)p);
}

static inline void cvm_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

static inline void cvm_fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

static inline void cvm_strvfreep(char ***v)
{
	if (*v) {
		for (char **p = *v; *p; p++)
			free(*p);
		free(*v);
	}
}

#define cvm_autofree __attribute__((cleanup(cvm_freep)))
#define cvm_autoclose __attribute__((cleanup(cvm_closep)))
#define cvm_autofclose __attribute__((cleanup(cvm_fclosep)))
#define cvm_autostrv __attribute__((cleanup(cvm_strvfreep)))

static inline void *cvm_steal_ptr_impl(void *pp)
{
	void **p = pp;
	void *v = *p;
	*p = NULL;
	return v;
}
#define cvm_steal_ptr(pp) cvm_steal_ptr_impl(pp)

static inline int cvm_steal_fd(int *fd)
{
	int v = *fd;
	*fd = -1;
	return v;
}

/* json-c */
struct json_object;
int json_object_put(struct json_object *obj);
static inline void cvm_json_putp(struct json_object **o)
{
	if (*o)
		json_object_put(*o);
}
#define cvm_autojson __attribute__((cleanup(cvm_json_putp)))

#endif
