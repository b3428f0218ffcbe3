/* Outside input to the selinux module: process labels read from /proc (any
 * process on the host can choose its own within policy), MCS pair strings
 * from tenant state, and the policy's virt context files. The input is split
 * at the first NUL byte: domain file text, then image file text; the whole
 * input is also tried as a process label and as a pair. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mcs.h"
#include "svirt_context.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 2);
	struct cvm_mcs_pair p;
	struct cvm_svirt_contexts c;
	cvm_err err = {0};

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = s[size + 1] = '\0';
	if (cvm_mcs_from_context(s, &p) == 0 && (p.lo >= p.hi || p.hi > 1023))
		abort(); /* a parsed pair must satisfy the contract */
	if (cvm_mcs_parse(s, &p) == 0) {
		char buf[32];
		struct cvm_mcs_pair q;
		if (cvm_mcs_format(&p, buf, sizeof(buf)) < 0 || cvm_mcs_parse(buf, &q) < 0 || q.lo != p.lo ||
		    q.hi != p.hi)
			abort(); /* format/parse round trip */
	}
	const char *image = s + strlen(s) + 1; /* "" when there was no NUL */
	if ((size_t)(image - s) > size)
		image = "";
	struct cvm_mcs_pair pair = {.lo = 3, .hi = 17};
	if (cvm_svirt_contexts_compose(s, image, &pair, &c, &err) == 0) {
		if (!strstr(c.process, ":c3,c17") || !strstr(c.image, ":c3,c17"))
			abort(); /* every composed guest context carries the pair */
	}
	free(s);
	return 0;
}
