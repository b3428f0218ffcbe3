#include "mcs_random.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/random.h>

static uint32_t rand32(void)
{
	uint32_t v;

	for (;;) {
		ssize_t n = getrandom(&v, sizeof(v), 0);
		if (n == (ssize_t)sizeof(v))
			return v;
		if (n < 0 && errno != EINTR)
			abort();
	}
}

uint32_t cvm_mcs_random(void *opaque, uint32_t bound)
{
	(void)opaque;
	if (bound <= 1)
		return 0;
	/* Reject the top partial block so every residue is equally likely. */
	uint32_t limit = UINT32_MAX - UINT32_MAX % bound;
	uint32_t v;
	do
		v = rand32();
	while (v >= limit);
	return v % bound;
}
