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
#include "cvm_qmp.h"

#define QMP_TIMEOUT_MS 20000

static unsigned get_uint(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;
	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return 0;
	int64_t i = json_object_get_int64(v);
	return i < 0 || i > 100000 ? 0 : (unsigned)i;
}

static int ask_version(struct cvm_qmp *q, struct cvm_qemu_caps *c, cvm_err *err)
{
	cvm_autojson struct json_object *r = NULL;
	struct json_object *qv = NULL, *pkg = NULL;
	if (cvm_qmp_exec(q, "query-version", NULL, &r, err) != 0)
		return -1;
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

static int ask_types(struct cvm_qmp *q, struct cvm_qemu_caps *c, cvm_err *err)
{
	cvm_autojson struct json_object *r = NULL;
	cvm_autojson struct json_object *args = json_object_new_object();
	json_object_object_add(args, "abstract", json_object_new_boolean(false));
	if (cvm_qmp_exec(q, "qom-list-types", args, &r, err) != 0)
		return -1;
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

static int ask_sev(struct cvm_qmp *q, struct cvm_qemu_caps *c, cvm_err *err)
{
	cvm_autojson struct json_object *r = NULL;
	int rc = cvm_qmp_exec(q, "query-sev-capabilities", NULL, &r, err);
	if (rc < 0)
		return -1;
	if (rc == 1) /* QEMU's answer is the reason (e.g. no SEV on this host) */
		snprintf(c->sev_caps_reason, sizeof(c->sev_caps_reason), "%s", q->error_desc);
	if (rc == 0) {
		c->sev_caps = true;
		c->sev_cbitpos = get_uint(r, "cbitpos");
		c->sev_reduced_phys_bits = get_uint(r, "reduced-phys-bits");
	}
	return 0;
}

static int converse(struct cvm_qmp *q, struct cvm_qemu_caps *c, cvm_err *err)
{
	if (ask_version(q, c, err) < 0 || ask_types(q, c, err) < 0)
		return -1;
	if (!c->sev_guest)
		snprintf(c->sev_caps_reason, sizeof(c->sev_caps_reason), "no sev-guest object");
	else if (ask_sev(q, c, err) < 0)
		return -1;
	return cvm_qmp_send(q, "quit", err);
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
static void reap(pid_t pid)
{
	for (int i = 0; i < 200; i++) {
		pid_t r = waitpid(pid, NULL, WNOHANG);
		if (r == pid || (r < 0 && errno != EINTR))
			return;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

int cvm_qemu_probe_qmp(const char *path, struct cvm_qemu_caps *out, cvm_err *err)
{
	struct cvm_qmp q;
	int fd = -1, rc = -1;
	pid_t pid = spawn(path, &fd, err);

	if (pid <= 0)
		return -1;
	if (cvm_qmp_attach(&q, fd, QMP_TIMEOUT_MS, err) == 0) {
		rc = converse(&q, out, err);
		cvm_qmp_close(&q);
	}
	reap(pid);
	if (rc < 0)
		cvm_err_prefix(err, "QMP probe of %s: ", path);
	return rc;
}
