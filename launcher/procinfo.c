#include "procinfo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cvm_cleanup.h"
#include "cvm_fileio.h"

int cvm_proc_boot_id(char out[37])
{
	cvm_autofclose FILE *f = fopen("/proc/sys/kernel/random/boot_id", "re");

	if (!f || !fgets(out, 37, f))
		return -1;
	out[strcspn(out, "\n")] = '\0';
	return strlen(out) == 36 ? 0 : -1;
}

int cvm_proc_start_time(pid_t pid, unsigned long long *out)
{
	char path[64], buf[1024];
	cvm_autofclose FILE *f = NULL;
	char *p;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	/* comm may contain spaces and ')': fields resume after the last ')' */
	p = strrchr(buf, ')');
	if (!p || !p[1] || !p[2])
		return -1;
	/* a zombie has exited: it is not "alive" even though its pid is held */
	if (p[2] == 'Z' || p[2] == 'X')
		return -1;
	p++;
	/* fields 3..22: skip 19 fields to reach starttime (field 22) */
	for (int field = 3; field < 22; field++) {
		p = strchr(p + 1, ' ');
		if (!p)
			return -1;
	}
	*out = strtoull(p + 1, NULL, 10);
	return 0;
}

bool cvm_proc_is(pid_t pid, unsigned long long start_time, const char *boot_id)
{
	char now_boot[37];
	unsigned long long st;

	if (pid <= 0 || cvm_proc_boot_id(now_boot) < 0 || strcmp(now_boot, boot_id) != 0)
		return false;
	return cvm_proc_start_time(pid, &st) == 0 && st == start_time;
}
