/* MCS category pairs for sVirt: the contract between the allocator (launcher/
 * alloc.c, which holds the host-wide lock and gathers what is in use) and the
 * selinux module (which owns the representation and the choice). */
#ifndef CVM_MCS_H
#define CVM_MCS_H

#include <stddef.h>
#include <stdint.h>

#include "cvm_err.h"

struct cvm_mcs_pair {
	unsigned lo, hi; /* lo < hi, both within the configured range */
};

/* Random source: returns a uniformly random value in [0, bound). */
typedef uint32_t (*cvm_rand_fn)(void *opaque, uint32_t bound);

/* Pick a random pair lo < hi in [min, max] not in @used. Fails with
 * CVM_EXIT_EXHAUSTED when every pair is taken. Pure: no I/O. */
int cvm_mcs_pick(unsigned min, unsigned max, const struct cvm_mcs_pair *used, size_t n_used, cvm_rand_fn rnd,
                 void *opaque, struct cvm_mcs_pair *out, cvm_err *err);

/* "c3,c17" <-> pair. Parse accepts exactly two categories, lo < hi. */
int cvm_mcs_format(const struct cvm_mcs_pair *p, char *buf, size_t len);
int cvm_mcs_parse(const char *s, struct cvm_mcs_pair *out);

/* Extract the category pair from a full context "u:r:t:s0:c1,c2" (-1 if the
 * context has no exact pair, e.g. s0 or s0-s0:c0.c1023). */
int cvm_mcs_from_context(const char *context, struct cvm_mcs_pair *out);

/* Pairs in the MCS labels of every live process (/proc/PID/attr/current under
 * @proc_root, normally "/proc"); *out is malloc'd. 0 pairs where SELinux is off. */
int cvm_mcs_scan_processes(const char *proc_root, struct cvm_mcs_pair **out, size_t *n, cvm_err *err);

#endif
