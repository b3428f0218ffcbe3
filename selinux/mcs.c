/* MCS category pairs: representation, choice, and what live processes use.
 * The allocator (launcher/alloc.c) holds the host-wide lock around
 * scan + pick + save, so the choice here only has to be correct and random. */
#include "mcs.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cvm_cleanup.h"

/* The MCS policies (refpolicy, Fedora) define c0..c1023. */
#define MCS_CAT_MAX 1023u
/* Random tries before falling back to an exact walk of the free pairs: with
 * a sparse table a hit is near certain; a dense one gets the walk, which is
 * still uniform and always finds the last free pair. */
#define MCS_RANDOM_TRIES 64

static int pair_cmp(const void *a, const void *b)
{
	const struct cvm_mcs_pair *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	if (x->hi != y->hi)
		return x->hi < y->hi ? -1 : 1;
	return 0;
}

static bool pair_used(const struct cvm_mcs_pair *sorted, size_t n, unsigned lo, unsigned hi)
{
	struct cvm_mcs_pair key = {.lo = lo, .hi = hi};

	return n && bsearch(&key, sorted, n, sizeof(key), pair_cmp) != NULL;
}

/* Sorted, deduplicated copy of the used pairs that fall inside [min, max]
 * (others cannot collide, and counting them would miscount free pairs). */
static int used_in_range(unsigned min, unsigned max, const struct cvm_mcs_pair *used, size_t n_used,
                         struct cvm_mcs_pair **out, size_t *n_out)
{
	struct cvm_mcs_pair *v = calloc(n_used ? n_used : 1, sizeof(*v));
	size_t n = 0;

	if (!v)
		return -1;
	for (size_t i = 0; i < n_used; i++)
		if (used[i].lo >= min && used[i].hi <= max && used[i].lo < used[i].hi)
			v[n++] = used[i];
	qsort(v, n, sizeof(*v), pair_cmp);
	size_t w = 0;
	for (size_t i = 0; i < n; i++)
		if (w == 0 || pair_cmp(&v[w - 1], &v[i]) != 0)
			v[w++] = v[i];
	*out = v;
	*n_out = w;
	return 0;
}

int cvm_mcs_pick(unsigned min, unsigned max, const struct cvm_mcs_pair *used, size_t n_used, cvm_rand_fn rnd,
                 void *opaque, struct cvm_mcs_pair *out, cvm_err *err)
{
	cvm_autofree struct cvm_mcs_pair *u = NULL;
	size_t nu = 0;

	if (min >= max || max > MCS_CAT_MAX)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "MCS category range c%u.c%u: need min < max <= c%u", min,
		                   max, MCS_CAT_MAX);
	if (used_in_range(min, max, used, n_used, &u, &nu) < 0)
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "MCS pairs");

	uint32_t ncat = max - min + 1;
	uint64_t total = (uint64_t)ncat * (ncat - 1) / 2;
	if (nu >= total)
		return cvm_err_set(err, CVM_EXIT_EXHAUSTED, 0,
		                   "no free MCS category pair in c%u.c%u: all %llu pairs are in use", min, max,
		                   (unsigned long long)total);

	/* Two independent draws, reordered: each unordered pair is hit by two
	 * of the ncat^2 ordered outcomes, so the choice is uniform. */
	for (int i = 0; i < MCS_RANDOM_TRIES; i++) {
		unsigned a = min + rnd(opaque, ncat), b = min + rnd(opaque, ncat);
		if (a == b)
			continue;
		unsigned lo = a < b ? a : b, hi = a < b ? b : a;
		if (!pair_used(u, nu, lo, hi)) {
			*out = (struct cvm_mcs_pair){.lo = lo, .hi = hi};
			return 0;
		}
	}

	/* Dense table: pick the k-th free pair in lexicographic order. */
	uint64_t k = rnd(opaque, (uint32_t)(total - nu));
	for (unsigned lo = min; lo < max; lo++)
		for (unsigned hi = lo + 1; hi <= max; hi++) {
			if (pair_used(u, nu, lo, hi))
				continue;
			if (k-- == 0) {
				*out = (struct cvm_mcs_pair){.lo = lo, .hi = hi};
				return 0;
			}
		}
	return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "MCS pair walk ran past the free pairs (bug)");
}

int cvm_mcs_format(const struct cvm_mcs_pair *p, char *buf, size_t len)
{
	int n = snprintf(buf, len, "c%u,c%u", p->lo, p->hi);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* "c<digits>" with no sign, no leading zeros (the kernel prints none). */
static const char *parse_cat(const char *s, unsigned *out)
{
	unsigned long v = 0;
	const char *p = s;

	if (*p++ != 'c' || !isdigit((unsigned char)*p))
		return NULL;
	if (p[0] == '0' && isdigit((unsigned char)p[1]))
		return NULL;
	for (; isdigit((unsigned char)*p); p++) {
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > MCS_CAT_MAX)
			return NULL;
	}
	*out = (unsigned)v;
	return p;
}

int cvm_mcs_parse(const char *s, struct cvm_mcs_pair *out)
{
	struct cvm_mcs_pair p;

	if (!s || !(s = parse_cat(s, &p.lo)) || *s++ != ',' || !(s = parse_cat(s, &p.hi)) || *s)
		return -1;
	if (p.lo >= p.hi)
		return -1;
	*out = p;
	return 0;
}

/* A level "s<N>:cA,cB" -> pair; anything else (no categories, ranges like
 * c0.c1023, three categories) is not an exact pair. */
static int level_pair(const char *level, size_t len, struct cvm_mcs_pair *out)
{
	char buf[64];

	if (len >= sizeof(buf))
		return -1;
	memcpy(buf, level, len);
	buf[len] = '\0';
	if (buf[0] != 's' || !isdigit((unsigned char)buf[1]))
		return -1;
	char *colon = strchr(buf, ':');
	if (!colon)
		return -1;
	for (char *p = buf + 1; p < colon; p++)
		if (!isdigit((unsigned char)*p))
			return -1;
	return cvm_mcs_parse(colon + 1, out);
}

int cvm_mcs_from_context(const char *context, struct cvm_mcs_pair *out)
{
	const char *p = context;

	/* user:role:type:range -- the range is everything after the third colon. */
	for (int i = 0; i < 3; i++) {
		p = p ? strchr(p, ':') : NULL;
		if (!p)
			return -1;
		p++;
	}
	size_t len = strcspn(p, "\n");
	const char *dash = memchr(p, '-', len);
	if (!dash)
		return level_pair(p, len, out);
	/* "low-high" counts only when both ends are the same pair. */
	struct cvm_mcs_pair lo, hi;
	if (level_pair(p, (size_t)(dash - p), &lo) < 0 || level_pair(dash + 1, len - (size_t)(dash - p) - 1, &hi) < 0 ||
	    pair_cmp(&lo, &hi) != 0)
		return -1;
	*out = lo;
	return 0;
}

struct pair_vec {
	struct cvm_mcs_pair *v;
	size_t n, cap;
};

static int vec_push(struct pair_vec *pv, const struct cvm_mcs_pair *p)
{
	if (pv->n == pv->cap) {
		size_t cap = pv->cap ? pv->cap * 2 : 32;
		struct cvm_mcs_pair *nv = realloc(pv->v, cap * sizeof(*nv));
		if (!nv)
			return -1;
		pv->v = nv;
		pv->cap = cap;
	}
	pv->v[pv->n++] = *p;
	return 0;
}

/* Read one attr/current relative to @dirfd. Processes vanish and kernels
 * without SELinux answer EINVAL: both simply contribute nothing. */
static int scan_one(int dirfd, const char *rel, struct pair_vec *pv)
{
	char buf[512];
	cvm_autoclose int fd = openat(dirfd, rel, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	struct cvm_mcs_pair p;
	if (cvm_mcs_from_context(buf, &p) == 0 && vec_push(pv, &p) < 0)
		return -1;
	return 0;
}

static bool is_pid(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* Every thread of a process: a thread may carry its own label (setcon in a
 * multi-threaded program), so the process-level file alone is not enough. */
static int scan_pid(int procfd, const char *pid, struct pair_vec *pv)
{
	char rel[PATH_MAX];
	cvm_autoclose int taskfd = -1;

	snprintf(rel, sizeof(rel), "%s/attr/current", pid);
	if (scan_one(procfd, rel, pv) < 0)
		return -1;
	snprintf(rel, sizeof(rel), "%s/task", pid);
	taskfd = openat(procfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (taskfd < 0)
		return 0;
	DIR *d = fdopendir(taskfd);
	if (!d)
		return 0;
	taskfd = -1; /* owned by d */
	int rc = 0;
	for (struct dirent *e; rc == 0 && (e = readdir(d));) {
		if (!is_pid(e->d_name) || strcmp(e->d_name, pid) == 0)
			continue;
		snprintf(rel, sizeof(rel), "%s/attr/current", e->d_name);
		rc = scan_one(dirfd(d), rel, pv);
	}
	closedir(d);
	return rc;
}

int cvm_mcs_scan_processes(const char *proc_root, struct cvm_mcs_pair **out, size_t *n, cvm_err *err)
{
	struct pair_vec pv = {0};
	int procfd = open(proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (procfd < 0)
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "open %s", proc_root);
	DIR *d = fdopendir(procfd);
	if (!d) {
		close(procfd);
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "read %s", proc_root);
	}
	int rc = 0;
	errno = 0;
	for (struct dirent *e; rc == 0 && (e = readdir(d));)
		if (is_pid(e->d_name))
			rc = scan_pid(dirfd(d), e->d_name, &pv);
	closedir(d);
	if (rc < 0) {
		free(pv.v);
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "scan %s", proc_root);
	}
	if (pv.n > 1) {
		qsort(pv.v, pv.n, sizeof(*pv.v), pair_cmp);
		size_t w = 1;
		for (size_t i = 1; i < pv.n; i++)
			if (pair_cmp(&pv.v[w - 1], &pv.v[i]) != 0)
				pv.v[w++] = pv.v[i];
		pv.n = w;
	}
	*out = pv.v; /* transferred; NULL when nothing was found */
	*n = pv.n;
	return 0;
}
