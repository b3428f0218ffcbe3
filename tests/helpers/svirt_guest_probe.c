/* A stand-in guest emulator for the selinux-vm test: run in svirt_t at a
 * tenant's pair, it tries what a guest that took over its QEMU would try.
 *   svirt_guest_probe [--own PATH]... [--read PATH]... [--deny PATH]... [--hold]
 * --own: read+write must work (its own image); --read: read must work
 * (shared content); --deny: opening for read or write must fail with EACCES
 * (another tenant's image). --hold: print READY, then block until stdin
 * closes or a signal arrives, so the launcher can inspect the live process.
 * One line per check on stdout ("guest[ctx]: PASS|FAIL ..."); exit 1 if any
 * check failed. Needs nothing but libc: it runs with almost no rights. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char self[256] = "?";

static int check(bool ok, const char *what, const char *path, int err)
{
	printf("guest[%s]: %s %s %s%s%s\n", self, ok ? "PASS" : "FAIL", what, path, err ? ": " : "",
	       err ? strerror(err) : "");
	return ok ? 0 : 1;
}

static int try_open(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);

	if (fd < 0)
		return errno;
	char c;
	int rc = 0;
	if ((flags & O_ACCMODE) != O_WRONLY && read(fd, &c, 1) < 0)
		rc = errno;
	close(fd);
	return rc;
}

int main(int argc, char **argv)
{
	int fails = 0;
	bool hold = false;
	int fd = open("/proc/self/attr/current", O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		ssize_t n = read(fd, self, sizeof(self) - 1);
		self[n > 0 ? n : 0] = '\0';
		self[strcspn(self, "\n")] = '\0';
		close(fd);
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--hold") == 0) {
			hold = true;
		} else if (i + 1 < argc && strcmp(a, "--own") == 0) {
			int e = try_open(argv[++i], O_RDWR);
			fails += check(e == 0, "own image read-write", argv[i], e);
		} else if (i + 1 < argc && strcmp(a, "--read") == 0) {
			int e = try_open(argv[++i], O_RDONLY);
			fails += check(e == 0, "shared content read", argv[i], e);
		} else if (i + 1 < argc && strcmp(a, "--deny") == 0) {
			int er = try_open(argv[++i], O_RDONLY), ew = try_open(argv[i], O_WRONLY);
			fails += check(er == EACCES, "other tenant's image: read denied", argv[i], er);
			fails += check(ew == EACCES, "other tenant's image: write denied", argv[i], ew);
		} else {
			fprintf(stderr, "svirt_guest_probe: unknown argument %s\n", a);
			return 2;
		}
	}
	printf("guest[%s]: %s\n", self, fails ? "CHECKS FAILED" : "READY");
	fflush(stdout);
	if (hold) {
		char c;
		while (read(STDIN_FILENO, &c, 1) > 0)
			;
	}
	return fails ? 1 : 0;
}
