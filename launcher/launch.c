/* The run sequence. Order matters for "bad input changes nothing": every
 * check and open happens in cvm_prepare() before the first change; from the
 * first change on, the tenant's state records what must be undone, and every
 * failure path goes through cvm_tenant_release(). */
#include "launch.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cgroup.h"
#include "cvm_cleanup.h"
#include "cvm_fileio.h"
#include "landlock.h"
#include "evidence.h"
#include "launch_prepare.h"
#include "procinfo.h"
#include "qemu_argv.h"
#include "cvm_qmp.h"
#include "record.h"
#include "release.h"
#include "sandbox_verify.h"
#include "seccomp_policy.h"
#include "spawn.h"
#include "state.h"
#include "supervise.h"
#include "svirt_launch.h"
#include "uidalloc.h"

struct launch {
	const struct cvm_hostcfg *cfg;
	const struct cvm_launch_opts *o;
	struct cvm_prepared *p;
	struct cvm_tenant_state st;
	bool state_created;
	char qmp_path[PATH_MAX + 16];
	char log_path[PATH_MAX + 16];
	char record_path[PATH_MAX + 16];
	struct cvm_argv argv;
	int notify_fd;        /* --detach: tells the waiting parent how the start went */
	struct cvm_launch_svirt svirt; /* SELinux decision, pair, labels */
	/* the sandbox (launcher/sandbox*.c): what was loaded and what was found */
	struct cvm_seccomp_bpf bpf;
	char policy_path[PATH_MAX];
	int landlock_abi;
	char cgroup_dir[PATH_MAX];
	char cgroup_note[1100];
	struct cvm_sandbox_verdict verdict;
};

static int read_uuid(char out[37])
{
	cvm_autofclose FILE *f = fopen("/proc/sys/kernel/random/uuid", "re");

	if (!f || !fgets(out, 37, f))
		return -1;
	out[strcspn(out, "\n")] = '\0';
	return 0;
}

/* Under the host-wide lock: a uid/gid no live tenant (by its state) and no
 * running process (by /proc) uses. Freed when the state is removed. A state
 * that cannot be read may hold a uid: fail closed rather than guess. */
static int alloc_uid(struct launch *l, cvm_err *err)
{
	cvm_autostrv char **names = NULL;
	cvm_autofree uid_t *used = NULL;
	size_t n = 0, count = 0;

	if (cvm_state_list(l->cfg, &names, err) < 0)
		return -1;
	while (names && names[count])
		count++;
	used = calloc(count + 1, sizeof(*used));
	if (!used)
		return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
	for (size_t i = 0; i < count; i++) {
		struct cvm_tenant_state other = { 0 };
		if (cvm_state_load(l->cfg, names[i], &other, err) < 0)
			return cvm_err_prefix(err, "allocating a uid: ");
		if (other.uid)
			used[n++] = other.uid;
		cvm_state_free(&other);
	}
	return cvm_uid_alloc(l->cfg->uid_min, l->cfg->uid_max, used, n, "/proc", &l->st.uid, &l->st.gid, err);
}

/* Under the host-wide lock: claim the name, write the state, make the run dir. */
static int claim(struct launch *l, cvm_err *err)
{
	cvm_autoclose int lock = -1;
	char dir[PATH_MAX];
	struct stat sb;

	if (cvm_state_lock(l->cfg, &lock, err) < 0)
		return -1;
	cvm_state_tenant_dir(l->cfg, l->p->spec.name, dir, sizeof(dir));
	if (stat(dir, &sb) == 0)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "tenant %s already exists (see cvm-launch status %s)",
				   l->p->spec.name, l->p->spec.name);
	if (cvm_state_run_dir(l->cfg, l->p->spec.name, l->st.run_dir, sizeof(l->st.run_dir)) < 0)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "run dir path too long");
	if (lstat(l->st.run_dir, &sb) == 0)
		return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "run dir %s exists but no tenant owns it; remove it",
				   l->st.run_dir);
	snprintf(l->st.name, sizeof(l->st.name), "%s", l->p->spec.name);
	snprintf(l->st.accel, sizeof(l->st.accel), "%s", cvm_accel_name(l->p->accel));
	l->st.status = CVM_TENANT_STARTING;
	l->st.exit_status = -1;
	l->st.supervisor_pid = getpid();
	if (read_uuid(l->st.uuid) < 0 || cvm_proc_boot_id(l->st.boot_id) < 0 ||
	    cvm_proc_start_time(getpid(), &l->st.supervisor_start) < 0)
		return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "cannot read uuid/boot id/start time from /proc");
	if (alloc_uid(l, err) < 0)
		return -1;
	/* state first: from here on a crash is recoverable */
	if (cvm_state_save(l->cfg, &l->st, err) < 0)
		return -1;
	l->state_created = true;
	if (cvm_mkdir_p(l->cfg->run_dir, 0755, err) < 0)
		return -1;
	if (mkdir(l->st.run_dir, 0700) < 0)
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "mkdir %s", l->st.run_dir);
	if (l->st.uid && chown(l->st.run_dir, l->st.uid, l->st.gid) < 0)
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "chown %s", l->st.run_dir);
	/* still under the lock: the MCS pair is allocated with the name */
	return cvm_launch_svirt_apply(&l->svirt, l->cfg, l->p, &l->st, err);
}

static void release(struct launch *l, FILE *log)
{
	cvm_autoclose int lock = -1;
	cvm_err e = { 0 };

	if (!l->state_created)
		return;
	if (cvm_state_lock(l->cfg, &lock, &e) < 0 || cvm_tenant_release(l->cfg, &l->st, log, &e) < 0)
		fprintf(log, "cvm-launch: tenant %s: release incomplete (%s); the next command retries\n",
			l->st.name, e.msg);
	l->state_created = false;
}

static void print_log_tail(const char *path, FILE *out)
{
	cvm_autofree uint8_t *buf = NULL;
	size_t len = 0;
	cvm_err e = { 0 };

	if (cvm_read_file(path, 1 << 20, &buf, &len, &e) < 0 || len == 0)
		return;
	size_t start = len > 2000 ? len - 2000 : 0;
	fprintf(out, "cvm-launch: emulator output:\n%s%s", (char *)buf + start, buf[len - 1] == '\n' ? "" : "\n");
}

/* QEMU is up when its QMP socket answers and the VM is running. */
static int wait_ready(struct launch *l, struct cvm_supervisor *sup, cvm_err *err)
{
	for (int i = 0; i < 200; i++) {
		struct cvm_qmp q;
		cvm_err e = { 0 };
		if (cvm_supervise_guest_gone(sup) && WIFSIGNALED(sup->wait_status))
			return cvm_err_set(err, CVM_EXIT_GUEST, 0, "the emulator was killed by signal %d (SIG%s)%s during start-up",
					   WTERMSIG(sup->wait_status), sigabbrev_np(WTERMSIG(sup->wait_status)),
					   WTERMSIG(sup->wait_status) == SIGSYS ? ": a syscall its seccomp policy forbids" : "");
		if (cvm_supervise_guest_gone(sup))
			return cvm_err_set(err, CVM_EXIT_GUEST, 0, "the emulator exited during start-up (status %d)",
					   WIFEXITED(sup->wait_status) ? WEXITSTATUS(sup->wait_status) : -1);
		if (access(l->qmp_path, F_OK) == 0 && cvm_qmp_open(&q, l->qmp_path, 2000, &e) == 0) {
			cvm_autojson json_object *st = NULL;
			int rc = cvm_qmp_exec(&q, "query-status", NULL, &st, &e);
			cvm_qmp_close(&q);
			if (rc == 0)
				return 0;
		}
		struct timespec ts = { 0, 50 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	return cvm_err_set(err, CVM_EXIT_GUEST, 0, "the emulator did not answer on %s within 10 s", l->qmp_path);
}

/* Before the fork: compile the seccomp policy (the hash of exactly these
 * bytes goes into the record), probe Landlock for the record, and make the
 * tenant cgroup where cgroup v2 is delegated. */
static int sandbox_prepare(struct launch *l, struct cvm_sandbox_plan *plan, cvm_err *err)
{
	const struct cvm_spec *s = &l->p->spec;
	struct cvm_cgroup_probe cg;

	if (s->seccomp != CVM_SECCOMP_OFF) {
		snprintf(l->policy_path, sizeof(l->policy_path), "%s/qemu-system-x86_64.policy",
			 l->cfg->seccomp_policy_dir);
		if (cvm_scp_compile_file(l->policy_path,
					 s->seccomp == CVM_SECCOMP_LOG ? CVM_SCP_MODE_LOG : CVM_SCP_MODE_ENFORCE,
					 &l->bpf, err) < 0)
			return -1;
		plan->bpf = &l->bpf;
		plan->policy_file = l->policy_path;
	}
	l->landlock_abi = cvm_landlock_abi();
	if (s->landlock == CVM_MODE_REQUIRE && l->landlock_abi <= 0)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
				   "spec requires Landlock but this kernel lacks it (landlock: auto to run without)");
	plan->jit_bytes = l->p->accel == CVM_ACCEL_TCG ? (unsigned long long)CVM_TCG_TB_MIB << 20 : 0;
	if (!s->limits.memory_mib && !s->limits.pids && !s->limits.cpu_percent) {
		snprintf(l->cgroup_note, sizeof(l->cgroup_note), "no cgroup limits in the spec");
		return 0;
	}
	cvm_cgroup_probe("/proc", &cg);
	if (!cg.delegated) {
		snprintf(l->cgroup_note, sizeof(l->cgroup_note), "cgroup v2 not delegated: %s", cg.reason);
		return 0; /* rlimits still apply; the record says why there is no cgroup */
	}
	if (cvm_cgroup_create(cg.parent, s->name, &s->limits, l->cgroup_dir, sizeof(l->cgroup_dir), err) < 0)
		return -1;
	plan->cgroup_dir = l->cgroup_dir;
	return 0;
}

/* After QEMU is up (all its start-up threads exist): check every thread from
 * /proc. A guest that is not confined as required is stopped (by the caller's
 * failure path) and the launch fails with exit 4. */
static int sandbox_verify(struct launch *l, struct cvm_supervisor *sup, cvm_err *err)
{
	const struct cvm_spec *s = &l->p->spec;
	struct cvm_sandbox_expect exp = {
		.uid = l->st.uid, .gid = l->st.gid, .seccomp = s->seccomp != CVM_SECCOMP_OFF,
		.namespaces = s->net == CVM_NET_NONE ? "mnt,pid,ipc,uts,net" : "mnt,pid,ipc,uts",
	};

	if (cvm_sandbox_verify("/proc", sup->guest, &exp, s->seccomp != CVM_SECCOMP_OFF ? &l->bpf : NULL,
			       &l->verdict, err) < 0)
		return -1;
	if (!l->verdict.ok)
		return cvm_err_set(err, CVM_EXIT_SANDBOX, 0, "guest process not confined as required: %s",
				   l->verdict.failure);
	return 0;
}

static void sandbox_record(struct launch *l, struct cvm_record_layers *layers)
{
	struct cvm_sandbox_record_in in = {
		.verdict = &l->verdict, .seccomp = l->p->spec.seccomp, .policy_path = l->policy_path,
		.landlock = l->p->spec.landlock, .landlock_abi = l->landlock_abi,
		.cgroup = l->cgroup_dir[0] ? l->cgroup_dir : NULL, .cgroup_note = l->cgroup_note,
	};

	layers->sandbox = json_object_new_object();
	cvm_sandbox_record_json(&in, layers->sandbox);
}

static void sandbox_release(struct launch *l)
{
	cvm_err e = { 0 };

	if (l->cgroup_dir[0])
		cvm_cgroup_remove(l->cgroup_dir, &e);
	l->cgroup_dir[0] = '\0';
	cvm_seccomp_bpf_free(&l->bpf);
}

static int start_guest(struct launch *l, struct cvm_supervisor *sup, cvm_err *err)
{
	struct cvm_prepared *p = l->p;
	struct cvm_qemu_inputs qi = {
		.spec = &p->spec, .emulator = p->emulator, .run_dir = l->st.run_dir, .accel = p->accel,
		.disk_fds = p->disk_fds, .tap_fd = p->tap_fd, .machine_extra = p->machine_props,
		.extra = &p->conf_args, .cpu_model = cvm_conf_cpu_model(&p->conf),
	};
	int keep[CVM_SPEC_MAX_DISKS + 1];
	size_t n_keep = 0;
	struct cvm_sandbox_plan plan = {
		.emulator = p->emulator, .run_dir = l->st.run_dir, .uid = l->st.uid, .gid = l->st.gid,
		.use_kvm = p->accel == CVM_ACCEL_KVM, .need_tun = false, .netns = p->spec.net == CVM_NET_NONE,
		.need_sev = p->conf.type == CVM_CONF_SEV || p->conf.type == CVM_CONF_SEV_ES ||
			    p->conf.type == CVM_CONF_SEV_SNP,
		.seccomp = p->spec.seccomp, .landlock = p->spec.landlock,
		.guest_ram_bytes = p->spec.memory_mib << 20, .limits = p->spec.limits,
	};
	cvm_autoclose int logfd = -1;
	const char *reads[3];
	size_t n_reads = 0;

	if (sandbox_prepare(l, &plan, err) < 0)
		return -1;
	/* Landlock: the guest reads its kernel, initrd and firmware by path. */
	if (p->spec.kernel[0])
		reads[n_reads++] = p->spec.kernel;
	if (p->spec.initrd[0])
		reads[n_reads++] = p->spec.initrd;
	if (p->spec.firmware[0])
		reads[n_reads++] = p->spec.firmware;
	plan.read_paths = reads;
	plan.n_read_paths = n_reads;

	snprintf(l->qmp_path, sizeof(l->qmp_path), "%s/" CVM_QMP_SOCKET, l->st.run_dir);
	snprintf(l->log_path, sizeof(l->log_path), "%s/emulator.log", l->st.run_dir);
	if (cvm_qemu_argv(&qi, &l->argv, err) < 0)
		return -1;
	for (size_t i = 0; i < p->spec.n_disks; i++)
		keep[n_keep++] = p->disk_fds[i];
	if (p->tap_fd >= 0)
		keep[n_keep++] = p->tap_fd;
	plan.keep_fds = keep;
	plan.n_keep_fds = n_keep;
	plan.exec_label = l->svirt.exec_label;
	/* files the launcher makes in the run dir carry the tenant's pair */
	if (cvm_launch_svirt_create_begin(&l->svirt, err) < 0)
		return -1;
	logfd = open(l->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (logfd < 0) {
		cvm_err_sys(err, CVM_EXIT_FAILURE, "%s", l->log_path);
		cvm_launch_svirt_create_end(&l->svirt);
		return -1;
	}
	/* the child makes its own files (private /dev) with its own labels */
	cvm_launch_svirt_create_end(&l->svirt);
	if (cvm_spawn_guest(&plan, l->argv.v, logfd, &sup->guest, err) < 0)
		return -1;
	l->st.guest_pid = sup->guest;
	if (cvm_proc_start_time(sup->guest, &l->st.guest_start) < 0)
		l->st.guest_start = 0; /* already gone: wait_ready reports it */
	if (cvm_state_save(l->cfg, &l->st, err) < 0)
		return -1;
	if (wait_ready(l, sup, err) < 0)
		return -1;
	/* the emulator's threads exist now: every one must carry the label */
	if (cvm_launch_svirt_verify(&l->svirt, sup->guest, err) < 0)
		return -1;
	return sandbox_verify(l, sup, err);
}

static void mark_stopping(void *opaque)
{
	struct launch *l = opaque;
	cvm_err e = { 0 };

	l->st.status = CVM_TENANT_STOPPING;
	cvm_state_save(l->cfg, &l->st, &e);
}

static void append_history(const struct launch *l, const struct cvm_supervisor *sup)
{
	char path[PATH_MAX + 16], line[512];
	int fd, n;

	snprintf(path, sizeof(path), "%s/history.jsonl", l->cfg->state_dir);
	n = snprintf(line, sizeof(line),
		     "{\"tenant\":\"%s\",\"uuid\":\"%s\",\"ended\":%lld,\"how\":\"%s\",\"wait_status\":%d}\n",
		     l->st.name, l->st.uuid, (long long)time(NULL), sup->how, sup->wait_status);
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return;
	/* one write() of one line with O_APPEND: lines from parallel supervisors never interleave */
	if (write(fd, line, (size_t)n) < 0) {
		/* the history is informational; the tenant's release matters more */
	}
	close(fd);
}

static void notify(struct launch *l, const char *msg)
{
	if (l->notify_fd < 0)
		return;
	if (write(l->notify_fd, msg, strlen(msg)) < 0) {
		/* the parent is gone: nobody to tell */
	}
	close(l->notify_fd);
	l->notify_fd = -1;
}

static int guest_exit_code(const struct cvm_supervisor *sup, FILE *out, const char *name)
{
	int st = sup->wait_status;

	if (strcmp(sup->how, "exited") != 0) {
		fprintf(out, "cvm-launch: tenant %s stopped (%s)\n", name, sup->how);
		return CVM_EXIT_OK;
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
		fprintf(out, "cvm-launch: tenant %s: guest exited\n", name);
		return CVM_EXIT_OK;
	}
	if (WIFEXITED(st))
		fprintf(out, "cvm-launch: tenant %s: emulator exited with status %d\n", name, WEXITSTATUS(st));
	else
		fprintf(out, "cvm-launch: tenant %s: emulator killed by signal %d\n", name, WTERMSIG(st));
	return CVM_EXIT_GUEST;
}

/* Extend the record into the TPM (DESIGN §6). A TPM named in the host config
 * is required: failing to reach it fails the launch. Without one configured,
 * a host with no TPM launches with a notice that no evidence was recorded. */
static int record_evidence(struct launch *l, cvm_err *err)
{
	cvm_err e = { 0 };
	int rc = cvm_evidence_record_launch(l->cfg, l->record_path, &e);

	if (rc == 0) {
		fprintf(l->o->out, "cvm-launch: launch record extended into TPM PCR %u (event log %s/eventlog.jsonl)\n",
			l->cfg->tpm_pcr, l->cfg->state_dir);
		return 0;
	}
	if (rc == CVM_EVIDENCE_NO_TPM && !l->cfg->tpm_tcti[0]) {
		fprintf(l->o->out, "cvm-launch: notice: no launch evidence recorded: %s\n", e.msg);
		return 0;
	}
	*err = e;
	return cvm_err_prefix(err, "launch evidence: ");
}

static int launch_supervise(struct launch *l, cvm_err *err)
{
	FILE *out = l->o->out;
	struct cvm_supervisor sup = { .log = out, .on_stop = mark_stopping, .opaque = l };
	struct cvm_record_layers layers = { .confidential = json_object_new_object() };
	sigset_t old;
	int rc;

	if (cvm_supervise_signals(&old, &sup.sigfd) < 0)
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "signalfd");
	sup.qmp_socket = l->qmp_path;
	if (claim(l, err) < 0 || start_guest(l, &sup, err) < 0)
		goto fail;
	l->st.status = CVM_TENANT_RUNNING;
	sandbox_record(l, &layers);
	layers.selinux = cvm_launch_svirt_record(&l->svirt, &l->st); /* the record takes it */
	cvm_conf_to_json(&l->p->conf, layers.confidential);
	if (l->p->expected_measurement[0])
		json_object_object_add(layers.confidential, "expected_measurement",
				       json_object_new_string(l->p->expected_measurement));
	if (cvm_state_save(l->cfg, &l->st, err) < 0 ||
	    cvm_record_write(l->cfg, l->p, &l->st, &l->argv, &layers, l->record_path, sizeof(l->record_path), err) < 0 ||
	    record_evidence(l, err) < 0)
		goto fail;
	if (l->p->accel_note[0])
		fprintf(out, "cvm-launch: notice: %s\n", l->p->accel_note);
	fprintf(out, "cvm-launch: tenant %s running (pid %d, accel %s, console %s/" CVM_CONSOLE_LOG ")\n",
		l->st.name, (int)sup.guest, cvm_accel_name(l->p->accel), l->st.run_dir);
	fflush(out);
	notify(l, "ok\n");
	cvm_supervise(&sup);
	rc = guest_exit_code(&sup, out, l->st.name);
	if (rc != CVM_EXIT_OK)
		print_log_tail(l->log_path, out);
	append_history(l, &sup);
	sandbox_release(l);
	release(l, out);
	close(sup.sigfd);
	return rc;
fail:
	cvm_record_layers_free(&layers);
	if (sup.guest > 0 && !cvm_supervise_guest_gone(&sup)) {
		kill(sup.guest, SIGKILL);
		waitpid(sup.guest, NULL, 0);
	}
	if (l->log_path[0] && err->exit_code == CVM_EXIT_GUEST)
		print_log_tail(l->log_path, out);
	sandbox_release(l);
	release(l, out);
	close(sup.sigfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	notify(l, err->msg);
	return -1;
}

/* --detach: the supervisor continues in a child in its own session; the
 * parent returns once the guest runs (or with the start-up error). */
static int launch_detached(struct launch *l, cvm_err *err)
{
	char msg[1024];
	int pipefd[2];
	ssize_t n;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "pipe");
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "fork");
	if (pid == 0) {
		char logpath[PATH_MAX + 64];
		cvm_err e = { 0 };
		int fd, null = open("/dev/null", O_RDWR | O_CLOEXEC);
		close(pipefd[0]);
		setsid();
		snprintf(logpath, sizeof(logpath), "%s/logs", l->cfg->state_dir);
		cvm_mkdir_p(logpath, 0700, &e);
		snprintf(logpath + strlen(logpath), 64, "/%s.log", l->p->spec.name);
		fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (null >= 0)
			dup2(null, 0);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		l->notify_fd = pipefd[1];
		l->o = &(struct cvm_launch_opts){ .spec_path = l->o->spec_path, .out = stderr };
		setvbuf(stderr, NULL, _IOLBF, 0);
		_exit(launch_supervise(l, &e) < 0 ? (e.exit_code ? e.exit_code : 1) : 0);
	}
	close(pipefd[1]);
	n = read(pipefd[0], msg, sizeof(msg) - 1);
	close(pipefd[0]);
	msg[n > 0 ? n : 0] = '\0';
	if (strcmp(msg, "ok\n") == 0) {
		if (l->p->accel_note[0])
			fprintf(l->o->out, "cvm-launch: notice: %s\n", l->p->accel_note);
		fprintf(l->o->out, "cvm-launch: tenant %s running (detached supervisor pid %d)\n", l->p->spec.name,
			(int)pid);
		return CVM_EXIT_OK;
	}
	int status = 0;
	waitpid(pid, &status, 0);
	return cvm_err_set(err, WIFEXITED(status) && WEXITSTATUS(status) ? WEXITSTATUS(status) : CVM_EXIT_FAILURE,
			   0, "%s", msg[0] ? msg : "the detached supervisor failed to start the guest");
}

int cvm_launch_run(const struct cvm_hostcfg *cfg, const struct cvm_launch_opts *o, cvm_err *err)
{
	cvm_autofree struct cvm_prepared *p = calloc(1, sizeof(*p));
	struct launch *l = calloc(1, sizeof(*l));
	int rc;

	if (!p || !l) {
		free(l);
		return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
	}
	if (cvm_prepare(cfg, o->spec_path, o->kvm_timeout_ms, p, err) < 0) {
		free(l);
		return err->exit_code;
	}
	l->cfg = cfg;
	l->o = o;
	l->p = p;
	l->notify_fd = -1;
	/* selinux: require on a host that cannot confine exits here, before any change */
	if (cvm_launch_svirt_decide(cfg, p->spec.selinux, &l->svirt, err) < 0) {
		cvm_prepared_close(p);
		free(l);
		return err->exit_code;
	}
	rc = o->detach ? launch_detached(l, err) : launch_supervise(l, err);
	cvm_prepared_close(p);
	cvm_argv_free(&l->argv);
	cvm_state_free(&l->st);
	free(l);
	return rc < 0 ? (err->exit_code ? err->exit_code : CVM_EXIT_FAILURE) : rc;
}
