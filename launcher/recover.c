#include "recover.h"

#include <signal.h>
#include <string.h>
#include <time.h>

#include "cvm_cleanup.h"
#include "procinfo.h"
#include "release.h"
#include "state.h"

static bool supervisor_alive(const struct cvm_tenant_state *st)
{
	return cvm_proc_is(st->supervisor_pid, st->supervisor_start, st->boot_id);
}

/* Kill the orphaned guest if, and only if, the recorded identity matches. */
static const char *kill_orphan(const struct cvm_tenant_state *st)
{
	struct timespec step = { 0, 20 * 1000 * 1000 };

	if (st->guest_pid <= 0 || !cvm_proc_is(st->guest_pid, st->guest_start, st->boot_id))
		return "no guest left";
	kill(st->guest_pid, SIGKILL);
	for (int i = 0; i < 500 && cvm_proc_is(st->guest_pid, st->guest_start, st->boot_id); i++)
		nanosleep(&step, NULL); /* not our child: it is reaped by init/subreaper */
	return cvm_proc_is(st->guest_pid, st->guest_start, st->boot_id) ? "guest would not die"
									  : "orphaned guest killed";
}

static int recover_one(const struct cvm_hostcfg *cfg, const char *name, FILE *log, cvm_err *err)
{
	struct cvm_tenant_state st;
	cvm_err e = { 0 };
	const char *what;
	int rc = 0;

	if (cvm_state_load(cfg, name, &st, &e) < 0) {
		/* unreadable state: leave it for an administrator, but say so */
		if (log)
			fprintf(log, "cvm-launch: tenant %s: cannot read state: %s\n", name, e.msg);
		return 0;
	}
	if (supervisor_alive(&st)) {
		cvm_state_free(&st);
		return 0;
	}
	what = kill_orphan(&st);
	if (strcmp(what, "guest would not die") == 0) {
		cvm_state_free(&st);
		return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "tenant %s: orphaned guest pid %d would not die",
				   name, (int)st.guest_pid);
	}
	if (cvm_tenant_release(cfg, &st, log, err) < 0)
		rc = -1;
	else if (log)
		fprintf(log, "cvm-launch: recovered tenant %s (supervisor gone; %s; labels and allocations released)\n",
			name, what);
	cvm_state_free(&st);
	return rc < 0 ? -1 : 1;
}

int cvm_recover_all(const struct cvm_hostcfg *cfg, FILE *log, cvm_err *err)
{
	cvm_autostrv char **names = NULL;
	cvm_autoclose int lock = -1;
	int n = 0;

	if (cvm_state_list(cfg, &names, err) < 0)
		return -1;
	if (!names[0])
		return 0;
	if (cvm_state_lock(cfg, &lock, err) < 0)
		return -1;
	for (char **p = names; *p; p++) {
		int r = recover_one(cfg, *p, log, err);
		if (r < 0)
			return -1;
		n += r;
	}
	return n;
}
