#include "qmp.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cvm_cleanup.h"

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read one newline-terminated message and parse it. */
static int read_msg(struct cvm_qmp *q, json_object **out, cvm_err *err)
{
	long long deadline = now_ms() + q->timeout_ms;

	for (;;) {
		char *nl = memchr(q->buf, '\n', q->len);
		if (nl) {
			size_t n = (size_t)(nl - q->buf) + 1;
			*nl = '\0';
			*out = json_tokener_parse(q->buf);
			memmove(q->buf, q->buf + n, q->len - n);
			q->len -= n;
			if (!*out)
				return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "QMP: malformed message");
			return 0;
		}
		if (q->len == sizeof(q->buf) - 1)
			return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "QMP: message too long");
		long long left = deadline - now_ms();
		if (left <= 0)
			return cvm_err_set(err, CVM_EXIT_FAILURE, ETIMEDOUT, "QMP: no reply within %d ms",
					   q->timeout_ms);
		struct pollfd pfd = { .fd = q->fd, .events = POLLIN };
		int r = poll(&pfd, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return cvm_err_sys(err, CVM_EXIT_FAILURE, "QMP: poll");
		if (r == 0)
			continue;
		ssize_t got = read(q->fd, q->buf + q->len, sizeof(q->buf) - 1 - q->len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return cvm_err_sys(err, CVM_EXIT_FAILURE, "QMP: read");
		if (got == 0)
			return cvm_err_set(err, CVM_EXIT_FAILURE, EPIPE, "QMP: connection closed");
		q->len += (size_t)got;
	}
}

static int send_all(int fd, const char *s, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, s, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

int cvm_qmp_exec(struct cvm_qmp *q, const char *command, json_object *args, json_object **reply,
		 cvm_err *err)
{
	cvm_autojson json_object *req = json_object_new_object();
	const char *text;

	json_object_object_add(req, "execute", json_object_new_string(command));
	if (args)
		json_object_object_add(req, "arguments", json_object_get(args));
	text = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
	if (send_all(q->fd, text, strlen(text)) < 0 || send_all(q->fd, "\n", 1) < 0)
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "QMP: send %s", command);
	for (;;) {
		cvm_autojson json_object *msg = NULL;
		json_object *v;
		if (read_msg(q, &msg, err) < 0)
			return cvm_err_prefix(err, "%s: ", command);
		if (json_object_object_get_ex(msg, "event", NULL))
			continue; /* asynchronous events are not replies */
		if (json_object_object_get_ex(msg, "error", &v)) {
			json_object *c = NULL, *d = NULL;
			json_object_object_get_ex(v, "class", &c);
			json_object_object_get_ex(v, "desc", &d);
			return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "QMP %s: %s: %s", command,
					   c ? json_object_get_string(c) : "Error",
					   d ? json_object_get_string(d) : "");
		}
		if (json_object_object_get_ex(msg, "return", &v)) {
			if (reply)
				*reply = json_object_get(v);
			return 0;
		}
	}
}

int cvm_qmp_open(struct cvm_qmp *q, const char *socket_path, int timeout_ms, cvm_err *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	cvm_autojson json_object *greeting = NULL;

	memset(q, 0, sizeof(*q));
	q->fd = -1;
	q->timeout_ms = timeout_ms;
	if (strlen(socket_path) >= sizeof(sa.sun_path))
		return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "QMP socket path too long: %s", socket_path);
	strcpy(sa.sun_path, socket_path);
	q->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (q->fd < 0)
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "QMP: socket");
	if (connect(q->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		cvm_err_sys(err, CVM_EXIT_FAILURE, "QMP: connect %s", socket_path);
		cvm_qmp_close(q);
		return -1;
	}
	if (read_msg(q, &greeting, err) < 0 || !json_object_object_get_ex(greeting, "QMP", NULL) ||
	    cvm_qmp_exec(q, "qmp_capabilities", NULL, NULL, err) < 0) {
		if (err && !err->msg[0])
			cvm_err_set(err, CVM_EXIT_FAILURE, 0, "QMP: no greeting on %s", socket_path);
		cvm_qmp_close(q);
		return -1;
	}
	return 0;
}

void cvm_qmp_close(struct cvm_qmp *q)
{
	if (q->fd >= 0)
		close(q->fd);
	q->fd = -1;
}
