/* Guest-process label handling: create contexts and post-exec verification. */
#include "svirt_proc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <selinux/selinux.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cvm_cleanup.h"

int cvm_svirt_create_contexts(const char *file_context, const char *socket_context, cvm_err *err)
{
	if (setfscreatecon_raw(file_context) < 0)
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "setfscreatecon %s",
		                   file_context ? file_context : "(default)");
	if (setsockcreatecon_raw(socket_context) < 0) {
		int saved = errno;
		setfscreatecon_raw(NULL);
		errno = saved;
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "setsockcreatecon %s",
		                   socket_context ? socket_context : "(default)");
	}
	return 0;
}

/* attr/current of one task; the kernel ends it with NUL (and sometimes \n). */
static int read_label(int dirfd, const char *rel, char *buf, size_t len)
{
	cvm_autoclose int fd = openat(dirfd, rel, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, len - 1);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

int cvm_svirt_verify_process(const char *proc_root, pid_t pid, const char *expected, char *seen, size_t seen_len,
                             cvm_err *err)
{
	char path[PATH_MAX], label[512];
	size_t checked = 0;

	snprintf(path, sizeof(path), "%s/%d/task", proc_root, (int)pid);
	DIR *d = opendir(path);
	if (!d)
		return cvm_err_sys(err, CVM_EXIT_SANDBOX, "cannot inspect guest threads in %s", path);
	int rc = 0;
	for (struct dirent *e; rc == 0 && (e = readdir(d));) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		char rel[300];
		snprintf(rel, sizeof(rel), "%s/attr/current", e->d_name);
		if (read_label(dirfd(d), rel, label, sizeof(label)) < 0) {
			if (errno == ENOENT || errno == ESRCH)
				continue; /* thread exited meanwhile */
			rc = cvm_err_sys(err, CVM_EXIT_SANDBOX, "read label of guest thread %s", e->d_name);
		} else if (strcmp(label, expected) != 0) {
			rc = cvm_err_set(err, CVM_EXIT_SANDBOX, 0, "guest thread %s runs as %s, expected %s", e->d_name,
			                 label, expected);
		} else {
			checked++;
		}
	}
	closedir(d);
	if (rc == 0 && checked == 0)
		rc = cvm_err_set(err, CVM_EXIT_SANDBOX, 0, "guest process %d has no threads to check", (int)pid);
	if (rc == 0 && seen)
		snprintf(seen, seen_len, "%s", expected);
	return rc;
}
