/* Identity of processes across time: a pid alone can be reused, so tenants
 * record (pid, start time, boot id) and recovery compares all three. */
#ifndef CVM_PROCINFO_H
#define CVM_PROCINFO_H

#include <stdbool.h>
#include <sys/types.h>

/* /proc/sys/kernel/random/boot_id into @out (37 bytes); -1 on failure. */
int cvm_proc_boot_id(char out[37]);
/* Start time (clock ticks since boot, /proc/PID/stat field 22); -1 if gone
 * (a zombie counts as gone). */
int cvm_proc_start_time(pid_t pid, unsigned long long *out);
/* True when @pid is alive now with exactly @start_time in this boot. */
bool cvm_proc_is(pid_t pid, unsigned long long start_time, const char *boot_id);

#endif
