/* The kernel's CSPRNG as a cvm_rand_fn for cvm_mcs_pick(). */
#ifndef CVM_MCS_RANDOM_H
#define CVM_MCS_RANDOM_H

#include <stdint.h>

/* Uniform in [0, bound) from getrandom(2), without modulo bias. @opaque is
 * unused. Aborts if the kernel cannot supply randomness (it always can on
 * the kernels we run on; a predictable pair would be a silent weakness). */
uint32_t cvm_mcs_random(void *opaque, uint32_t bound);

#endif
