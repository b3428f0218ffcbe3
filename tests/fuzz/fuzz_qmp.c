/* Fuzz the QMP client: everything a (possibly compromised) QEMU writes on
 * its monitor socket is outside input. The bytes are what the peer says;
 * the client negotiates and runs one command. */
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cvm_qmp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cvm_qmp q;
	json_object *r = NULL;
	cvm_err err = { 0 };
	int sv[2];

	if (size > 65536 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return 0;
	if (write(sv[1], data, size) != (ssize_t)size) {
		close(sv[0]);
		close(sv[1]);
		return 0;
	}
	shutdown(sv[1], SHUT_WR); /* end of input: the client sees the peer close */
	if (cvm_qmp_attach(&q, sv[0], 200, &err) == 0) {
		if (cvm_qmp_exec(&q, "query-status", NULL, &r, &err) == 0)
			json_object_put(r);
		cvm_qmp_close(&q);
	}
	close(sv[1]);
	return 0;
}
