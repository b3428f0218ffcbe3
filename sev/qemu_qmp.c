/* The QMP conversation with a freshly started QEMU: greeting,
 * qmp_capabilities, query-version, qom-list-types, query-sev-capabilities,
 * quit. Everything the emulator says is outside input: parsed with json-c,
 * bounded in size and time. */
#include "sev_qemu.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cvm_cleanup.h"

#define QMP_TIMEOUT_MS 20000
#define QMP_MAX_BYTES (8u << 20) /* qom-list-types is ~100 KiB; far more is not QEMU */

struct qmp {
	int to, from; /* our end of the socket that is its stdin and stdout (same fd) */
	pid_t pid;
	json_tokener *tok;
	char buf[16384];
	size_t off, len, total;
	struct timespec deadline;
};

static long ms_left(const struct timespec *deadline)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (deadline->tv_sec - now.tv_sec) * 1000 + (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

static int fill(struct qmp *q, cvm_err *err)
{
	for (;;) {
		long left = ms_left(&q->deadline);
		if (left <= 0)
			return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "no QMP answer within %d s", QMP_TIMEOUT_MS / 1000);
		struct pollfd p = { .fd = q->from, .events = POLLIN };
		int r = poll(&p, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return cvm_err_sys(err, CVM_EXIT_FAILURE, "poll");
		if (r == 0)
			continue;
		ssize_t n = read(q->from, q->buf, sizeof(q->buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cvm_err_sys(err, CVM_EXIT_FAILURE, "reading QMP");
		if (n == 0)
			return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "the emulator closed QMP (exited?)");
		q->total += (size_t)n;
		if (q->total > QMP_MAX_BYTES)
			return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "the emulator sent more than %u bytes on QMP",
					   QMP_MAX_BYTES);
		q->off = 0;
		q->len = (size_t)n;
		return 0;
	}
}

/* The next JSON object from the emulator (owned by the caller). */
static int qmp_next(struct qmp *q, struct json_object **out, cvm_err *err)
{
	for (;;) {
		if (q->off == q->len && fill(q, err) < 0)
			return -1;
		struct json_object *o = json_tokener_parse_ex(q->tok, q->buf + q->off, (int)(q->len - q->off));
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

static int send_all(int fd, const char *s, cvm_err *err)
{
	size_t len = strlen(s);
	while (len) {
		ssize_t n = send(fd, s, len, MSG_NOSIGNAL); /* a dead QEMU must not SIGPIPE us */
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cvm_err_sys(err, CVM_EXIT_FAILURE, "writing QMP");
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Run one command; *ret gets the "return" value (owned by *msg, which the
 * caller puts). A QMP error is returned as 1 with its desc in @desc. */
static int qmp_cmd(struct qmp *q, const char *cmd, struct json_object **msg, struct json_object **ret, char *desc,
		   size_t desc_len, cvm_err *err)
{
	if (send_all(q->to, cmd, err) < 0)
		return -1;
	for (;;) {
		struct json_object *o = NULL;
		if (qmp_next(q, &o, err) < 0)
			return -1;
		struct json_object *v = NULL;
		if (json_object_object_get_ex(o, "return", &v)) {
			*msg = o;
			*ret = v;
			return 0;
		}
		if (json_object_object_get_ex(o, "error", &v)) {
			struct json_object *d = NULL;
			snprintf(desc, desc_len, "%s",
				 json_object_object_get_ex(v, "desc", &d) ? json_object_get_string(d) : "error");
			json_object_put(o);
			return 1;
		}
		json_object_put(o); /* an event: not ours */
	}
}

static unsigned get_uint(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;
	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return 0;
	int64_t i = json_object_get_int64(v);
	return i < 0 || i > 100000 ? 0 : (unsigned)i;
}

static int ask_version(struct qmp *q, struct cvm_qemu_caps *c, cvm_err *err)
{
	cvm_autojson struct json_object *msg = NULL;
	struct json_object *r = NULL, *qv = NULL, *pkg = NULL;
	char desc[256];
	int rc = qmp_cmd(q, "{\"execute\":\"query-version\"}\n", &msg, &r, desc, sizeof(desc), err);
	if (rc != 0)
		return rc < 0 ? -1 : cvm_err_set(err, CVM_EXIT_FAILURE, 0, "query-version: %s", desc);
	if (!json_object_object_get_ex(r, "qemu", &qv) || !json_object_is_type(qv, json_type_object))
		return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "query-version: no \"qemu\" object");
	c->major = get_uint(qv, "major");
	c->minor = get_uint(qv, "minor");
	c->micro = get_uint(qv, "micro");
	if (json_object_object_get_ex(r, "package", &pkg) && json_object_is_type(pkg, json_type_string))
		snprintf(c->package, sizeof(c->package), "%s", json_object_get_string(pkg));
	if (c->major == 0)
		return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "query-version: no major version");
	return 0;
}

static int ask_types(struct qmp *q, struct cvm_qemu_caps *c, cvm_err *err)
{
	cvm_autojson struct json_object *msg = NULL;
	struct json_object *r = NULL;
	char desc[256];
	int rc = qmp_cmd(q, "{\"execute\":\"qom-list-types\",\"arguments\":{\"abstract\":false}}\n", &msg, &r, desc,
			 sizeof(desc), err);
	if (rc != 0)
		return rc < 0 ? -1 : cvm_err_set(err, CVM_EXIT_FAILURE, 0, "qom-list-types: %s", desc);
	if (!json_object_is_type(r, json_type_array))
		return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "qom-list-types: not an array");
	for (size_t i = 0; i < json_object_array_length(r); i++) {
		struct json_object *t = json_object_array_get_idx(r, i), *name = NULL;
		if (!json_object_object_get_ex(t, "name", &name) || !json_object_is_type(name, json_type_string))
			continue;
		const char *n = json_object_get_string(name);
		c->sev_guest |= strcmp(n, "sev-guest") == 0;
		c->sev_snp_guest |= strcmp(n, "sev-snp-guest") == 0;
		c->tdx_guest |= strcmp(n, "tdx-guest") == 0;
	}
	return 0;
}

static int ask_sev(struct qmp *q, struct cvm_qemu_caps *c, cvm_err *err)
{
	cvm_autojson struct json_object *msg = NULL;
	struct json_object *r = NULL;
	int rc = qmp_cmd(q, "{\"execute\":\"query-sev-capabilities\"}\n", &msg, &r, c->sev_caps_reason,
			 sizeof(c->sev_caps_reason), err);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		c->sev_caps = true;
		c->sev_cbitpos = get_uint(r, "cbitpos");
		c->sev_reduced_phys_bits = get_uint(r, "reduced-phys-bits");
	}
	return 0;
}

static int converse(struct qmp *q, struct cvm_qemu_caps *c, cvm_err *err)
{
	cvm_autojson struct json_object *greeting = NULL, *msg = NULL;
	struct json_object *r = NULL, *v = NULL;
	char desc[256];
	if (qmp_next(q, &greeting, err) < 0)
		return -1;
	if (!json_object_object_get_ex(greeting, "QMP", &v))
		return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "no QMP greeting");
	int rc = qmp_cmd(q, "{\"execute\":\"qmp_capabilities\"}\n", &msg, &r, desc, sizeof(desc), err);
	if (rc != 0)
		return rc < 0 ? -1 : cvm_err_set(err, CVM_EXIT_FAILURE, 0, "qmp_capabilities: %s", desc);
	if (ask_version(q, c, err) < 0 || ask_types(q, c, err) < 0)
		return -1;
	if (!c->sev_guest)
		snprintf(c->sev_caps_reason, sizeof(c->sev_caps_reason), "no sev-guest object");
	else if (ask_sev(q, c, err) < 0)
		return -1;
	return send_all(q->to, "{\"execute\":\"quit\"}\n", err);
}

static pid_t spawn(const char *path, int *fd, cvm_err *err)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "socketpair");
	pid_t pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (dup2(sv[1], 0) < 0 || dup2(sv[1], 1) < 0 || devnull < 0 || dup2(devnull, 2) < 0)
			_exit(127);
		char *const argv[] = { (char *)path, "-S", "-no-user-config", "-nodefaults", "-display", "none",
				       "-machine", "none,accel=kvm:tcg", "-qmp", "stdio", NULL };
		char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL };
		execve(path, argv, envp);
		_exit(127);
	}
	int saved = errno;
	close(sv[1]);
	if (pid < 0) {
		close(sv[0]);
		errno = saved;
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "fork");
	}
	*fd = sv[0];
	return pid;
}

/* Wait for the emulator to quit; kill it if it lingers. */
static void reap(pid_t pid, const struct timespec *deadline)
{
	for (int i = 0; i < 200; i++) {
		pid_t r = waitpid(pid, NULL, WNOHANG);
		if (r == pid || (r < 0 && errno != EINTR))
			return;
		if (ms_left(deadline) <= 0 || i == 199)
			break;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

int cvm_qemu_probe_qmp(const char *path, struct cvm_qemu_caps *out, cvm_err *err)
{
	struct qmp q = { .to = -1, .from = -1 };
	clock_gettime(CLOCK_MONOTONIC, &q.deadline);
	q.deadline.tv_sec += QMP_TIMEOUT_MS / 1000;
	q.tok = json_tokener_new();
	if (!q.tok)
		return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
	int rc = -1;
	q.pid = spawn(path, &q.to, err);
	if (q.pid > 0) {
		q.from = q.to;
		rc = converse(&q, out, err);
		close(q.to);
		reap(q.pid, &q.deadline);
		if (rc < 0)
			cvm_err_prefix(err, "QMP probe of %s: ", path);
	}
	json_tokener_free(q.tok);
	return rc;
}
