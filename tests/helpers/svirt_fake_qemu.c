/* A stand-in emulator for running the real cvm-launch inside the
 * selinux-vm test, where a nested TCG QEMU would not fit the time budget.
 * It takes QEMU's command line as cvm-launch builds it and does what the
 * launcher depends on, from inside the guest domain:
 *  - uses the disk fds passed with -add-fd (read, and write unless
 *    read-only) and reads -kernel/-initrd by path, logging each result to
 *    the serial chardev file ("fake-qemu: PASS|FAIL ...");
 *  - serves QMP on the -chardev socket: greeting, qmp_capabilities,
 *    query-status (running), system_powerdown/quit (exit 0).
 * Other options are ignored. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_FDS 16

static FILE *console;

static const char *opt_value(const char *opts, const char *key, char *buf, size_t len)
{
	size_t kl = strlen(key);

	for (const char *p = opts; p && *p;) {
		if (strncmp(p, key, kl) == 0 && p[kl] == '=') {
			size_t n = strcspn(p + kl + 1, ",");
			if (n >= len)
				return NULL;
			memcpy(buf, p + kl + 1, n);
			buf[n] = '\0';
			return buf;
		}
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return NULL;
}

static void logf_(bool ok, const char *what, const char *detail)
{
	if (!console)
		return;
	fprintf(console, "fake-qemu: %s %s%s%s\n", ok ? "PASS" : "FAIL", what, detail ? ": " : "",
	        detail ? detail : "");
	fflush(console);
}

static void check_fd(int fd, bool readonly)
{
	char c, what[64];

	snprintf(what, sizeof(what), "disk fd %d read%s", fd, readonly ? "" : "+write");
	bool ok = pread(fd, &c, 1, 0) == 1 && (readonly || pwrite(fd, &c, 1, 0) == 1);
	logf_(ok, what, ok ? NULL : strerror(errno));
}

static void check_path(const char *what, const char *path)
{
	char c;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool ok = fd >= 0 && read(fd, &c, 1) >= 0;

	logf_(ok, what, ok ? path : strerror(errno));
	if (fd >= 0)
		close(fd);
}

/* One QMP session; returns true when asked to exit. */
static bool serve(int conn)
{
	FILE *f = fdopen(conn, "r+");
	char line[4096];

	if (!f)
		return false;
	fprintf(f, "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 0, \"major\": 0}, "
	           "\"package\": \"fake\"}, \"capabilities\": []}}\n");
	fflush(f);
	while (fgets(line, sizeof(line), f)) {
		bool bye = strstr(line, "\"system_powerdown\"") || strstr(line, "\"quit\"");
		if (strstr(line, "\"query-status\""))
			fprintf(f, "{\"return\": {\"status\": \"running\", \"singlestep\": false, "
			           "\"running\": true}}\n");
		else
			fprintf(f, "{\"return\": {}}\n");
		fflush(f);
		if (bye) {
			fclose(f);
			return true;
		}
	}
	fclose(f);
	return false;
}

int main(int argc, char **argv)
{
	char qmp[108] = "", serial[4096] = "", buf[4096];
	int fds[MAX_FDS];
	bool ro[MAX_FDS];
	size_t n_fds = 0;

	for (int i = 1; i + 1 < argc; i++) {
		const char *o = argv[i], *v = argv[i + 1];
		if (strcmp(o, "-chardev") == 0 && strncmp(v, "socket,", 7) == 0 &&
		    opt_value(v, "path", buf, sizeof(qmp)))
			snprintf(qmp, sizeof(qmp), "%s", buf);
		else if (strcmp(o, "-chardev") == 0 && strncmp(v, "file,", 5) == 0 &&
		         opt_value(v, "path", buf, sizeof(buf)))
			snprintf(serial, sizeof(serial), "%s", buf);
		else if (strcmp(o, "-add-fd") == 0 && n_fds < MAX_FDS && opt_value(v, "fd", buf, sizeof(buf)))
			fds[n_fds++] = atoi(buf);
		else if (strcmp(o, "-blockdev") == 0 && strncmp(v, "driver=file,", 12) == 0 && n_fds)
			ro[n_fds - 1] = strstr(v, "read-only=on") != NULL;
	}
	if (serial[0])
		console = fopen(serial, "a");
	char self[256] = "?";
	int sfd = open("/proc/self/attr/current", O_RDONLY | O_CLOEXEC);
	if (sfd >= 0) {
		ssize_t n = read(sfd, self, sizeof(self) - 1);
		self[n > 0 ? n : 0] = '\0';
		self[strcspn(self, "\n")] = '\0';
		close(sfd);
	}
	logf_(true, "running as", self);
	for (size_t i = 0; i < n_fds; i++)
		check_fd(fds[i], ro[i]);
	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], "-kernel") == 0 || strcmp(argv[i], "-initrd") == 0)
			check_path(argv[i] + 1, argv[i + 1]);
	if (!qmp[0]) {
		logf_(false, "no QMP socket on the command line", NULL);
		return 1;
	}
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", qmp);
	unlink(qmp);
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s, 4) < 0) {
		logf_(false, "QMP socket", strerror(errno));
		return 1;
	}
	logf_(true, "QMP listening on", qmp);
	for (;;) {
		int c = accept4(s, NULL, NULL, SOCK_CLOEXEC);
		if (c < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		if (serve(c))
			break;
	}
	logf_(true, "powering down", NULL);
	return 0;
}
