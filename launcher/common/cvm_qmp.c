#include "cvm_qmp.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cvm_cleanup.h"

static long ms_left(const struct timespec *deadline)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (deadline->tv_sec - now.tv_sec) * 1000 + (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

static void arm(struct cvm_qmp *q)
{
	clock_gettime(CLOCK_MONOTONIC, &q->deadline);
	q->deadline.tv_sec += q->timeout_ms / 1000;
	q->deadline.tv_nsec += (long)(q->timeout_ms % 1000) * 1000000;
	if (q->deadline.tv_nsec >= 1000000000) {
		q->deadline.tv_sec++;
		q->deadline.tv_nsec -= 1000000000;
	}
}

static int fill(struct cvm_qmp *q, cvm_err *err)
{
	for (;;) {
		long left = ms_left(&q->deadline);
		if (left <= 0)
			return cvm_err_set(err, CVM_EXIT_FAILURE, ETIMEDOUT, "no QMP answer within %d ms", q->timeout_ms);
		struct pollfd p = { .fd = q->fd, .events = POLLIN };
		int r = poll(&p, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return cvm_err_sys(err, CVM_EXIT_FAILURE, "QMP: poll");
		if (r == 0)
			continue;
		ssize_t n = read(q->fd, q->buf, sizeof(q->buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cvm_err_sys(err, CVM_EXIT_FAILURE, "QMP: read");
		if (n == 0)
			return cvm_err_set(err, CVM_EXIT_FAILURE, EPIPE, "the emulator closed QMP (exited?)");
		q->total += (size_t)n;
		if (q->total > CVM_QMP_MAX_BYTES)
			return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "QMP: the emulator sent more than %u bytes",
					   CVM_QMP_MAX_BYTES);
		q->off = 0;
		q->len = (size_t)n;
		return 0;
	}
}

/* The next JSON object from the emulator (owned by the caller). */
static int next_msg(struct cvm_qmp *q, json_object **out, cvm_err *err)
{
	for (;;) {
		if (q->off == q->len && fill(q, err) < 0)
			return -1;
		json_object *o = json_tokener_parse_ex(q->tok, q->buf + q->off, (int)(q->len - q->off));
		enum json_tokener_error e = json_tokener_get_error(q->tok);
		if (e == json_tokener_continue) {
			q->off = q->len;
			continue;
		}
		if (e != json_tokener_success)
			return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "bad JSON on QMP: %s", json_tokener_error_desc(e));
		q->off += json_tokener_get_parse_end(q->tok);
		json_tokener_reset(q->tok);
		if (!json_object_is_type(o, json_type_object)) {
			json_object_put(o);
			return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "QMP sent a non-object");
		}
		*out = o;
		return 0;
	}
}

static int send_all(int fd, const char *s, size_t len)
{
	while (len) {
		ssize_t n = send(fd, s, len, MSG_NOSIGNAL); /* a dead QEMU must not SIGPIPE us */
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

static int send_cmd(struct cvm_qmp *q, const char *command, json_object *args, cvm_err *err)
{
	cvm_autojson json_object *req = json_object_new_object();
	const char *text;

	json_object_object_add(req, "execute", json_object_new_string(command));
	if (args)
		json_object_object_add(req, "arguments", json_object_get(args));
	text = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
	if (send_all(q->fd, text, strlen(text)) < 0 || send_all(q->fd, "\n", 1) < 0)
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "QMP: send %s", command);
	return 0;
}

int cvm_qmp_send(struct cvm_qmp *q, const char *command, cvm_err *err)
{
	return send_cmd(q, command, NULL, err);
}

int cvm_qmp_exec(struct cvm_qmp *q, const char *command, json_object *args, json_object **reply, cvm_err *err)
{
	if (send_cmd(q, command, args, err) < 0)
		return -1;
	arm(q);
	for (;;) {
		cvm_autojson json_object *msg = NULL;
		json_object *v;
		if (next_msg(q, &msg, err) < 0)
			return cvm_err_prefix(err, "%s: ", command);
		if (json_object_object_get_ex(msg, "return", &v)) {
			if (reply)
				*reply = json_object_get(v);
			return 0;
		}
		if (json_object_object_get_ex(msg, "error", &v)) {
			json_object *c = NULL, *d = NULL;
			json_object_object_get_ex(v, "class", &c);
			json_object_object_get_ex(v, "desc", &d);
			snprintf(q->error_desc, sizeof(q->error_desc), "%s", d ? json_object_get_string(d) : "error");
			cvm_err_set(err, CVM_EXIT_FAILURE, 0, "QMP %s: %s: %s", command,
				    c ? json_object_get_string(c) : "Error", q->error_desc);
			return 1;
		}
		/* anything else (events) is not the reply */
	}
}

int cvm_qmp_attach(struct cvm_qmp *q, int fd, int timeout_ms, cvm_err *err)
{
	cvm_autojson json_object *greeting = NULL;

	memset(q, 0, sizeof(*q));
	q->fd = fd;
	q->timeout_ms = timeout_ms;
	q->tok = json_tokener_new();
	if (!q->tok) {
		cvm_qmp_close(q);
		return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
	}
	arm(q);
	if (next_msg(q, &greeting, err) < 0)
		goto fail;
	if (!json_object_object_get_ex(greeting, "QMP", NULL)) {
		cvm_err_set(err, CVM_EXIT_FAILURE, 0, "no QMP greeting");
		goto fail;
	}
	if (cvm_qmp_exec(q, "qmp_capabilities", NULL, NULL, err) != 0)
		goto fail;
	return 0;
fail:
	cvm_qmp_close(q);
	return -1;
}

int cvm_qmp_open(struct cvm_qmp *q, const char *socket_path, int timeout_ms, cvm_err *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	memset(q, 0, sizeof(*q));
	q->fd = -1;
	if (strlen(socket_path) >= sizeof(sa.sun_path))
		return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "QMP socket path too long: %s", socket_path);
	strcpy(sa.sun_path, socket_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "QMP: socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		cvm_err_sys(err, CVM_EXIT_FAILURE, "QMP: connect %s", socket_path);
		close(fd);
		return -1;
	}
	return cvm_qmp_attach(q, fd, timeout_ms, err);
}

void cvm_qmp_close(struct cvm_qmp *q)
{
	if (q->fd >= 0)
		close(q->fd);
	q->fd = -1;
	if (q->tok)
		json_tokener_free(q->tok);
	q->tok = NULL;
}
