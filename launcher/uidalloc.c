/* uid/gid allocation: a pure pick over a used set, and the /proc scan that
 * feeds it. */
#include "uidalloc.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cvm_cleanup.h"
#include "cvm_fileio.h"

static int cmp_uid(const void *a, const void *b)
{
	uid_t x = *(const uid_t *)a, y = *(const uid_t *)b;
	return (x > y) - (x < y);
}

int cvm_uid_pick(uid_t min, uid_t max, const uid_t *used, size_t n_used, uid_t *out, cvm_err *err)
{
	cvm_autofree uid_t *s = NULL;
	uid_t cand = min;

	if (min == 0 || min > max)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "bad uid range %u-%u", (unsigned)min, (unsigned)max);
	if (n_used) {
		s = malloc(n_used * sizeof(*s));
		if (!s)
			return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
		memcpy(s, used, n_used * sizeof(*s));
		qsort(s, n_used, sizeof(*s), cmp_uid);
	}
	/* Walk the sorted used list; the first gap at or above min wins. */
	for (size_t i = 0; i < n_used; i++) {
		if (s[i] < cand)
			continue;
		if (s[i] > cand)
			break;
		if (cand == max)
			goto exhausted;
		cand++;
	}
	if (cand > max)
		goto exhausted;
	*out = cand;
	return 0;
exhausted:
	return cvm_err_set(err, CVM_EXIT_EXHAUSTED, 0,
	                   "no free tenant uid: every uid in %u-%u is used by a live tenant or a running "
	                   "process (widen uid_range in the host config)",
	                   (unsigned)min, (unsigned)max);
}

struct uidset {
	uid_t *v;
	size_t n, cap;
};

static int push(struct uidset *s, unsigned long id, uid_t min, uid_t max)
{
	if (id < min || id > max)
		return 0;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		uid_t *nv = realloc(s->v, cap * sizeof(*nv));
		if (!nv)
			return -1;
		s->v = nv;
		s->cap = cap;
	}
	s->v[s->n++] = (uid_t)id;
	return 0;
}

static int scan_line(const char *text, const char *key, struct uidset *s, uid_t min, uid_t max)
{
	const char *p = strstr(text, key);

	if (!p)
		return 0;
	p += strlen(key);
	for (int i = 0; i < 4; i++) {
		char *end = NULL;
		unsigned long id = strtoul(p, &end, 10);
		if (end == p)
			break;
		if (push(s, id, min, max) < 0)
			return -1;
		p = end;
	}
	return 0;
}

int cvm_uid_scan_processes(const char *proc_root, uid_t min, uid_t max, uid_t **out, size_t *n, cvm_err *err)
{
	struct uidset s = {0};
	DIR *d = opendir(proc_root);
	struct dirent *de;

	*out = NULL;
	*n = 0;
	if (!d)
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "cannot scan processes in %s", proc_root);
	while ((de = readdir(d))) {
		char path[512];
		cvm_autofree uint8_t *text = NULL;
		size_t len = 0;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "%s/%s/status", proc_root, de->d_name);
		if (cvm_read_file(path, 1u << 16, &text, &len, NULL) < 0)
			continue; /* exited meanwhile */
		if (scan_line((const char *)text, "\nUid:", &s, min, max) < 0 ||
		    scan_line((const char *)text, "\nGid:", &s, min, max) < 0) {
			closedir(d);
			free(s.v);
			return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
		}
	}
	closedir(d);
	*out = s.v; /* transferred */
	*n = s.n;
	return 0;
}

int cvm_uid_alloc(uid_t min, uid_t max, const uid_t *tenant_uids, size_t n_tenants, const char *proc_root, uid_t *uid,
                  gid_t *gid, cvm_err *err)
{
	cvm_autofree uid_t *procs = NULL;
	cvm_autofree uid_t *all = NULL;
	size_t n_procs = 0;

	if (cvm_uid_scan_processes(proc_root, min, max, &procs, &n_procs, err) < 0)
		return -1;
	all = malloc((n_procs + n_tenants + 1) * sizeof(*all));
	if (!all)
		return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
	if (n_procs)
		memcpy(all, procs, n_procs * sizeof(*all));
	if (n_tenants)
		memcpy(all + n_procs, tenant_uids, n_tenants * sizeof(*all));
	if (cvm_uid_pick(min, max, all, n_procs + n_tenants, uid, err) < 0)
		return -1;
	*gid = (gid_t)*uid;
	return 0;
}
