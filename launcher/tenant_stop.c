#include "tenant_stop.h"

#include <limits.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>

#include "guest_stop.h"
#include "procinfo.h"
#include "qemu_argv.h"
#include "state.h"

static bool guest_gone(void *opaque)
{
	const struct cvm_tenant_state *st = opaque;

	return !cvm_proc_is(st->guest_pid, st->guest_start, st->boot_id);
}

static void guest_kill(void *opaque)
{
	const struct cvm_tenant_state *st = opaque;

	/* not our child: only a pid whose start time and boot id match is the guest */
	if (cvm_proc_is(st->guest_pid, st->guest_start, st->boot_id))
		kill(st->guest_pid, SIGKILL);
}

/* The supervisor releases the tenant once the guest is gone; wait for it so
 * that returning means "everything is back". */
static bool wait_released(const struct cvm_hostcfg *cfg, const struct cvm_tenant_state *st, int ms)
{
	char dir[PATH_MAX];
	struct stat sb;
	struct timespec step = { 0, 50 * 1000 * 1000 };

	cvm_state_tenant_dir(cfg, st->name, dir, sizeof(dir));
	for (int waited = 0; waited < ms; waited += 50) {
		if (stat(dir, &sb) < 0)
			return true;
		if (!cvm_proc_is(st->supervisor_pid, st->supervisor_start, st->boot_id))
			return stat(dir, &sb) < 0;
		nanosleep(&step, NULL);
	}
	return false;
}

int cvm_tenant_stop(const struct cvm_hostcfg *cfg, const char *name, int timeout_s, const char **how,
		    FILE *log, cvm_err *err)
{
	struct cvm_tenant_state st;
	struct cvm_guest_ops ops = { .gone = guest_gone, .kill9 = guest_kill, .opaque = &st };
	char sock[PATH_MAX + 16];
	int rc = 0;

	if (cvm_state_load(cfg, name, &st, err) < 0)
		return -1;
	snprintf(sock, sizeof(sock), "%s/" CVM_QMP_SOCKET, st.run_dir);
	*how = cvm_guest_stop(sock, timeout_s, &ops, log);
	if (!wait_released(cfg, &st, 15000))
		rc = cvm_err_set(err, CVM_EXIT_FAILURE, 0,
				 "guest ended (%s) but the supervisor did not release tenant %s", *how, name);
	cvm_state_free(&st);
	return rc;
}
