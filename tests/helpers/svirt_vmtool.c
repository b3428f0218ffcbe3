/* Drives the cvm_selinux library inside the enforcing test VM
 * (tests/selinux-vm/), running as cvm_launcher_t like cvm-launch does:
 *
 *   svirt_vmtool env 0|1                 what the VM offers (expected enforce)
 *   svirt_vmtool tenants IMAGES STATE RUN PAYLOAD
 *                                        two tenants end to end: allocate,
 *                                        label, spawn in svirt_t, isolation,
 *                                        verify, stop, restore
 *   svirt_vmtool alloc-many STATE PAYLOAD N MIN MAX
 *                                        N allocations in parallel processes
 *                                        under one lock, each then held by a
 *                                        live guest; then the state files are
 *                                        dropped and the rest of the range is
 *                                        allocated by live labels alone, then
 *                                        exhaustion
 *
 *   svirt_vmtool snapshot FILE PATH...   save the labels of PATHs
 *   svirt_vmtool compare FILE            labels must equal the snapshot
 *   svirt_vmtool launched STATE PROBE A B IMG_A IMG_B
 *                                        two tenants started by the real
 *                                        cvm-launch: supervisor domain, guest
 *                                        labels (every thread), distinct
 *                                        pairs, image labels, launch record,
 *                                        and a process in A's label denied
 *                                        B's image (and vice versa)
 *
 * IMAGES holds tenant-a.img, tenant-b.img, shared.iso, shared-rw.img
 * (created by the test). Every check
 * prints "PASS: ..." or "FAIL: ..."; the last line is
 * "SVIRT-VMTOOL <cmd>: ALL PASS" or "... FAILED (n)". */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <limits.h>
#include <selinux/selinux.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cvm_cleanup.h"
#include "cvm_fileio.h"
#include "mcs.h"
#include "mcs_random.h"
#include "svirt_context.h"
#include "svirt_label.h"
#include "svirt_proc.h"

struct ctx {
	int fails;
};

static void result(struct ctx *c, bool ok, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void result(struct ctx *c, bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", ok ? "PASS" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok)
		c->fails++;
}

static int finish(struct ctx *c, const char *cmd)
{
	if (c->fails)
		printf("SVIRT-VMTOOL %s: FAILED (%d)\n", cmd, c->fails);
	else
		printf("SVIRT-VMTOOL %s: ALL PASS\n", cmd);
	return c->fails ? 1 : 0;
}

/* snprintf that refuses to truncate (paths in a test must be exact). */
static void fmt(char *buf, size_t len, const char *f, ...) __attribute__((format(printf, 3, 4)));
static void fmt(char *buf, size_t len, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	int n = vsnprintf(buf, len, f, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len)
		abort();
}

static void label_of(const char *path, char *buf, size_t len)
{
	cvm_err err = {0};

	if (cvm_svirt_get_label(path, buf, len, &err) < 0)
		fmt(buf, len, "(error: %.200s)", err.msg);
}

/* ---- allocation: the protocol launcher/alloc.c follows, in miniature ---- */

static int read_pairs(const char *statedir, struct cvm_mcs_pair **v, size_t *n)
{
	DIR *d = opendir(statedir);
	size_t cap = 0;

	*v = NULL;
	*n = 0;
	if (!d)
		return -1;
	for (struct dirent *e; (e = readdir(d));) {
		size_t l = strlen(e->d_name);
		if (l < 6 || strcmp(e->d_name + l - 5, ".pair") != 0)
			continue;
		char path[PATH_MAX], buf[64] = {0};
		fmt(path, sizeof(path), "%s/%s", statedir, e->d_name);
		FILE *f = fopen(path, "re");
		if (!f)
			continue;
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
		buf[strcspn(buf, "\n")] = '\0';
		struct cvm_mcs_pair p;
		if (cvm_mcs_parse(buf, &p) < 0)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*v = realloc(*v, cap * sizeof(**v));
			if (!*v)
				abort();
		}
		(*v)[(*n)++] = p;
	}
	closedir(d);
	return 0;
}

/* Under the host-wide lock: pairs of every tenant state + every live
 * process label, pick, save. */
static int alloc_pair(const char *statedir, const char *name, unsigned min, unsigned max, struct cvm_mcs_pair *out,
                      cvm_err *err)
{
	char path[PATH_MAX];
	cvm_autofree struct cvm_mcs_pair *used = NULL;
	cvm_autofree struct cvm_mcs_pair *live = NULL;
	size_t n_used = 0, n_live = 0;

	snprintf(path, sizeof(path), "%s/lock", statedir);
	cvm_autoclose int lock = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lock < 0 || flock(lock, LOCK_EX) < 0)
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "lock %s", path);
	if (read_pairs(statedir, &used, &n_used) < 0)
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "read %s", statedir);
	if (cvm_mcs_scan_processes("/proc", &live, &n_live, err) < 0)
		return -1;
	struct cvm_mcs_pair *all = realloc(used, (n_used + n_live + 1) * sizeof(*all));
	if (!all)
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "alloc");
	used = all;
	if (n_live)
		memcpy(used + n_used, live, n_live * sizeof(*live));
	if (cvm_mcs_pick(min, max, used, n_used + n_live, cvm_mcs_random, NULL, out, err) < 0)
		return -1;
	char buf[32];
	cvm_mcs_format(out, buf, sizeof(buf));
	strcat(buf, "\n");
	fmt(path, sizeof(path), "%s/%s.pair", statedir, name);
	return cvm_write_atomic(path, buf, strlen(buf), 0600, err);
}

/* ---- spawning a guest: the order of launcher/sandbox.c, reduced to the
 * SELinux-relevant steps ---- */

struct guest {
	pid_t pid;
	int in, out; /* its stdin (write end) and stdout (read end) */
};

static int spawn(const char *label, char *const argv[], struct guest *g)
{
	int in[2], out[2];

	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0)
		return -1;
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(out[1], 2);
		/* setexeccon_raw in the thread that execs, then no_new_privs
		 * (the policy's nnp_transition makes this legal). */
		if (setexeccon_raw(label) < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			_exit(126);
		execv(argv[0], argv);
		printf("exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	g->pid = pid;
	g->in = in[1];
	g->out = out[0];
	return 0;
}

/* Copy the guest's lines to our stdout until READY / CHECKS FAILED / EOF;
 * true when it said READY with no FAIL before. */
static bool guest_report(struct guest *g)
{
	FILE *f = fdopen(dup(g->out), "r");
	char line[512];
	bool ok = false, failed = false;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		printf("  | %s", line);
		if (strstr(line, "FAIL"))
			failed = true;
		if (strstr(line, ": READY") || strstr(line, "CHECKS FAILED")) {
			ok = strstr(line, ": READY") != NULL;
			break;
		}
	}
	fclose(f);
	fflush(stdout);
	return ok && !failed;
}

static int stop(struct guest *g)
{
	int st = 0;

	close(g->in);
	close(g->out);
	if (waitpid(g->pid, &st, 0) < 0)
		return -1;
	return st;
}

/* ---- the two-tenant scenario ---- */

struct saved_list {
	const char *file; /* where the originals are persisted */
	struct cvm_svirt_saved v[16];
	size_t n;
};

/* Record callback: append, then persist the whole list atomically, before
 * the label changes (the library's contract). */
static int record(void *opaque, const struct cvm_svirt_saved *s, cvm_err *err)
{
	struct saved_list *l = opaque;
	char buf[16 * (PATH_MAX + 260)];
	size_t off = 0;

	if (l->n == 16)
		return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "too many labels");
	l->v[l->n++] = *s;
	for (size_t i = 0; i < l->n; i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s\t%s\n", l->v[i].path, l->v[i].context);
	return cvm_write_atomic(l->file, buf, off, 0600, err);
}

/* Recovery reads the persisted list back (not the in-memory one). */
static int load_saved(const char *file, struct saved_list *l)
{
	FILE *f = fopen(file, "re");
	char line[PATH_MAX + 300];

	l->n = 0;
	if (!f)
		return -1;
	while (l->n < 16 && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		char *tab = strchr(line, '\t');
		if (!tab)
			continue;
		*tab = '\0';
		fmt(l->v[l->n].path, sizeof(l->v[l->n].path), "%s", line);
		fmt(l->v[l->n].context, sizeof(l->v[l->n].context), "%.255s", tab + 1);
		l->n++;
	}
	fclose(f);
	return 0;
}

struct tenant {
	const char *name;
	struct cvm_mcs_pair pair;
	char pair_s[32];
	struct cvm_svirt_contexts c;
	char img[PATH_MAX], run[PATH_MAX], sock[PATH_MAX], saved_file[PATH_MAX];
	struct saved_list saved;
	struct guest g;
};

static void expect_label(struct ctx *c, const char *path, const char *want)
{
	char now[256];

	label_of(path, now, sizeof(now));
	result(c, strcmp(now, want) == 0, "%s is %s (want %s)", path, now, want);
}

/* Make the tenant's run dir and a socket in it, labeled with the pair. */
static int make_run_dir(struct tenant *t, cvm_err *err)
{
	if (mkdir(t->run, 0700) < 0 && errno != EEXIST)
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "mkdir %s", t->run);
	if (cvm_svirt_label(t->run, t->c.image, NULL, 0, record, &t->saved, err) < 0)
		return -1;
	if (cvm_svirt_create_contexts(t->c.image, t->c.process, err) < 0)
		return -1;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	fmt(sa.sun_path, sizeof(sa.sun_path), "%s", t->sock);
	int rc = fd < 0 ? -1 : bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	int saved = errno;
	if (fd >= 0)
		close(fd);
	cvm_svirt_create_contexts(NULL, NULL, NULL);
	errno = saved;
	return rc < 0 ? cvm_err_sys(err, CVM_EXIT_FAILURE, "socket %s", t->sock) : 0;
}

static int cmd_tenants(const char *images, const char *statedir, const char *rundir, const char *payload)
{
	struct ctx c = {0};
	char shared_ro[PATH_MAX], shared_rw[PATH_MAX];
	char orig_img[2][256], orig_ro[256], orig_rw[256];
	struct tenant t[2] = {{.name = "tenant-a"}, {.name = "tenant-b"}};
	cvm_err err = {0};

	fmt(shared_ro, sizeof(shared_ro), "%s/shared.iso", images);
	fmt(shared_rw, sizeof(shared_rw), "%s/shared-rw.img", images);
	label_of(shared_ro, orig_ro, sizeof(orig_ro));
	label_of(shared_rw, orig_rw, sizeof(orig_rw));

	for (int i = 0; i < 2; i++) {
		struct tenant *x = &t[i];
		fmt(x->img, sizeof(x->img), "%s/%s.img", images, x->name);
		fmt(x->run, sizeof(x->run), "%s/%s", rundir, x->name);
		fmt(x->sock, sizeof(x->sock), "%s/qmp.sock", x->run);
		fmt(x->saved_file, sizeof(x->saved_file), "%s/%s.labels", statedir, x->name);
		x->saved.file = x->saved_file;
		label_of(x->img, orig_img[i], sizeof(orig_img[i]));
		bool ok = alloc_pair(statedir, x->name, 0, 1023, &x->pair, &err) == 0 &&
		          cvm_svirt_contexts_load(&x->pair, &x->c, &err) == 0;
		cvm_mcs_format(&x->pair, x->pair_s, sizeof(x->pair_s));
		result(&c, ok, "%s: pair %s, process %s %s", x->name, x->pair_s, x->c.process, ok ? "" : err.msg);
		if (!ok)
			return finish(&c, "tenants");
	}
	result(&c, t[0].pair.lo != t[1].pair.lo || t[0].pair.hi != t[1].pair.hi,
	       "the two tenants have different pairs (%s, %s)", t[0].pair_s, t[1].pair_s);

	/* Label: rw image -> pair, readonly -> content, shared -> no categories. */
	for (int i = 0; i < 2; i++) {
		struct tenant *x = &t[i];
		struct cvm_svirt_owner live[] = {{t[1 - i].name, t[1 - i].pair}};
		bool ok = cvm_svirt_label(x->img, x->c.image, live, i, record, &x->saved, &err) == 0 &&
		          cvm_svirt_label(shared_ro, x->c.content, live, i, record, &x->saved, &err) == 0 &&
		          cvm_svirt_label(shared_rw, x->c.shared, live, i, record, &x->saved, &err) == 0 &&
		          make_run_dir(x, &err) == 0;
		result(&c, ok, "%s: labeled image, content, shared image, run dir %s", x->name, ok ? "" : err.msg);
		expect_label(&c, x->img, x->c.image);
		expect_label(&c, x->run, x->c.image);
		expect_label(&c, x->sock, x->c.image);
	}
	expect_label(&c, shared_ro, t[0].c.content);
	expect_label(&c, shared_rw, t[0].c.shared);

	/* Tenant B may not take A's image while A is alive. */
	struct cvm_svirt_owner a_live[] = {{t[0].name, t[0].pair}};
	struct saved_list scratch = {.file = "/dev/null"};
	int rc = cvm_svirt_label(t[0].img, t[1].c.image, a_live, 1, record, &scratch, &err);
	result(&c, rc < 0 && strstr(err.msg, "\"tenant-a\"") && scratch.n == 0,
	       "relabeling tenant-a's image for tenant-b is refused: %s", rc < 0 ? err.msg : "(accepted)");
	expect_label(&c, t[0].img, t[0].c.image);

	/* Spawn both guests in svirt_t at their pairs and check isolation. */
	for (int i = 0; i < 2; i++) {
		struct tenant *x = &t[i];
		char *argv[] = {(char *)payload, "--own",  x->img,       "--read", shared_ro, "--own",
		                shared_rw,       "--deny", t[1 - i].img, "--hold", NULL};
		if (spawn(x->c.process, argv, &x->g) < 0) {
			result(&c, false, "%s: spawn: %s", x->name, strerror(errno));
			return finish(&c, "tenants");
		}
		result(&c, guest_report(&x->g), "%s: guest checks inside svirt_t", x->name);
		char seen[256] = "";
		rc = cvm_svirt_verify_process("/proc", x->g.pid, x->c.process, seen, sizeof(seen), &err);
		result(&c, rc == 0, "%s: every thread of pid %d runs as %s %s", x->name, (int)x->g.pid, x->c.process,
		       rc == 0 ? "" : err.msg);
	}
	/* The verification must also catch a wrong label. */
	rc = cvm_svirt_verify_process("/proc", t[0].g.pid, t[1].c.process, NULL, 0, &err);
	result(&c, rc < 0 && err.exit_code == CVM_EXIT_SANDBOX,
	       "verification rejects tenant-a's guest against tenant-b's label");

	/* Stop: guests exit, labels come back from the persisted lists. */
	for (int i = 0; i < 2; i++) {
		int st = stop(&t[i].g);
		result(&c, st == 0, "%s: guest exited cleanly (status %d)", t[i].name, st);
	}
	for (int i = 1; i >= 0; i--) {
		struct saved_list back = {0};
		bool ok = load_saved(t[i].saved_file, &back) == 0 && back.n == t[i].saved.n &&
		          cvm_svirt_restore_all(back.v, back.n, &err) == 0;
		result(&c, ok, "%s: restored %zu labels from %s %s", t[i].name, back.n, t[i].saved_file,
		       ok ? "" : err.msg);
	}
	for (int i = 0; i < 2; i++)
		expect_label(&c, t[i].img, orig_img[i]);
	expect_label(&c, shared_ro, orig_ro);
	expect_label(&c, shared_rw, orig_rw);
	return finish(&c, "tenants");
}

/* ---- parallel allocation ---- */

static int alloc_and_hold(const char *statedir, const char *payload, const char *name, unsigned min, unsigned max,
                          int report)
{
	struct cvm_mcs_pair p;
	cvm_err err = {0};
	char buf[64], label[256];
	struct cvm_svirt_contexts c;

	if (alloc_pair(statedir, name, min, max, &p, &err) < 0 || cvm_svirt_contexts_load(&p, &c, &err) < 0) {
		dprintf(report, "ERR %s\n", err.msg);
		return 1;
	}
	cvm_mcs_format(&p, buf, sizeof(buf));
	snprintf(label, sizeof(label), "%s", c.process);
	/* Hold the pair with a live guest process, like a running tenant. */
	char *argv[] = {(char *)payload, "--hold", NULL};
	struct guest g;
	if (spawn(label, argv, &g) < 0 || !guest_report(&g)) {
		dprintf(report, "ERR spawn %s\n", buf);
		return 1;
	}
	dprintf(report, "OK %s %d\n", buf, (int)g.pid);
	close(report);
	/* Keep the guest until our own stdin (from the parent) closes. */
	char ch;
	while (read(0, &ch, 1) > 0)
		;
	stop(&g);
	return 0;
}

static int run_batch(struct ctx *c, const char *statedir, const char *payload, int n, unsigned min, unsigned max,
                     const char *prefix, struct cvm_mcs_pair *pairs, pid_t *kids, int *holds)
{
	int rep[2];

	if (pipe(rep) < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		int hold[2];
		if (pipe(hold) < 0)
			return -1;
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0) {
			char name[64];
			close(rep[0]);
			close(hold[1]);
			dup2(hold[0], 0);
			snprintf(name, sizeof(name), "%s%d", prefix, i);
			_exit(alloc_and_hold(statedir, payload, name, min, max, rep[1]));
		}
		close(hold[0]);
		kids[i] = pid;
		holds[i] = hold[1];
	}
	close(rep[1]);
	FILE *f = fdopen(rep[0], "r");
	char line[1200];
	int got = 0;
	while (f && got < n && fgets(line, sizeof(line), f)) {
		int pid;
		char ps[32];
		if (sscanf(line, "OK %31s %d", ps, &pid) == 2 && cvm_mcs_parse(ps, &pairs[got]) == 0) {
			got++;
		} else {
			result(c, false, "allocation: %s", line);
			break;
		}
	}
	if (f)
		fclose(f);
	return got;
}

static int count_dups(const struct cvm_mcs_pair *p, int n)
{
	int d = 0;

	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			d += p[i].lo == p[j].lo && p[i].hi == p[j].hi;
	return d;
}

static int cmd_alloc_many(const char *statedir, const char *payload, int n, unsigned min, unsigned max)
{
	struct ctx c = {0};
	struct cvm_mcs_pair pairs[256];
	pid_t kids[256];
	int holds[256];
	cvm_err err = {0};

	if (n < 1 || n > 120 || min >= max || max > 1023)
		return 2;
	unsigned total = (max - min + 1) * (max - min) / 2;
	if (cvm_mkdir_p(statedir, 0700, &err) < 0) {
		result(&c, false, "%s", err.msg);
		return finish(&c, "alloc-many");
	}
	/* Phase 1: n parallel allocations under the lock; each then holds its
	 * pair with a live svirt_t process. */
	int got = run_batch(&c, statedir, payload, n, min, max, "p", pairs, kids, holds);
	result(&c, got == n, "%d of %d parallel allocations in c%u.c%u succeeded", got, n, min, max);
	int d = count_dups(pairs, got);
	result(&c, d == 0, "all %d pairs are distinct (%d duplicates)", got, d);

	/* Phase 2: forget every state file (a launcher that lost its state, or
	 * a second launcher with another state dir): live labels alone must
	 * keep the next allocations off the held pairs. */
	DIR *dd = opendir(statedir);
	for (struct dirent *e; dd && (e = readdir(dd));)
		if (strstr(e->d_name, ".pair"))
			unlinkat(dirfd(dd), e->d_name, 0);
	if (dd)
		closedir(dd);
	int m = total - (unsigned)n <= 30 ? (int)(total - (unsigned)n) : 20;
	int got2 = run_batch(&c, statedir, payload, m, min, max, "q", pairs + got, kids + got, holds + got);
	result(&c, got2 == m, "%d of %d allocations with only live-process labels to go by", got2, m);
	d = count_dups(pairs, got + got2);
	result(&c, d == 0, "no pair handed out twice across live processes (%d duplicates)", d);

	/* Exhaustion: the range has (max-min+1 choose 2) pairs; with all held
	 * the next allocation must fail with a clear error. */
	if ((unsigned)(got + got2) == total) {
		struct cvm_mcs_pair p;
		int rc = alloc_pair(statedir, "overflow", min, max, &p, &err);
		result(&c, rc < 0 && err.exit_code == CVM_EXIT_EXHAUSTED, "range exhausted: %s",
		       rc < 0 ? err.msg : "(allocated!)");
	}
	for (int i = 0; i < got + got2; i++)
		close(holds[i]);
	for (int i = 0; i < got + got2; i++)
		waitpid(kids[i], NULL, 0);
	return finish(&c, "alloc-many");
}

/* ---- checks around the real cvm-launch ---- */

static int cmd_snapshot(const char *file, int n, char **paths)
{
	FILE *f = fopen(file, "we");
	char label[256];

	if (!f)
		return 1;
	for (int i = 0; i < n; i++) {
		label_of(paths[i], label, sizeof(label));
		fprintf(f, "%s\t%s\n", paths[i], label);
		printf("snapshot: %s %s\n", paths[i], label);
	}
	return fclose(f) == 0 ? 0 : 1;
}

static int cmd_compare(const char *file)
{
	struct ctx c = {0};
	struct saved_list l = {0};

	if (load_saved(file, &l) < 0 || l.n == 0)
		result(&c, false, "read snapshot %s", file);
	for (size_t i = 0; i < l.n; i++)
		expect_label(&c, l.v[i].path, l.v[i].context);
	return finish(&c, "compare");
}

struct launched {
	const char *name;
	long sup_pid, guest_pid;
	struct cvm_mcs_pair pair;
	char pair_s[32];
	struct cvm_svirt_contexts c;
	char record_label[256];
	char run_dir[PATH_MAX];
};

static long jint(struct json_object *o, const char *k)
{
	struct json_object *v;

	return json_object_object_get_ex(o, k, &v) ? (long)json_object_get_int64(v) : -1;
}

static const char *jstring(struct json_object *o, const char *k)
{
	struct json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : "";
}

static int load_json(const char *path, struct json_object **out)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	cvm_err err = {0};

	if (cvm_read_file(path, 1 << 20, &buf, &len, &err) < 0)
		return -1;
	*out = json_tokener_parse((char *)buf);
	free(buf);
	return *out ? 0 : -1;
}

static int load_launched(struct ctx *c, const char *statedir, struct launched *t)
{
	char path[PATH_MAX];
	struct json_object *st = NULL, *rec = NULL, *sel;
	cvm_err err = {0};

	fmt(path, sizeof(path), "%s/tenants/%s/state.json", statedir, t->name);
	if (load_json(path, &st) < 0) {
		result(c, false, "%s: read %s", t->name, path);
		return -1;
	}
	t->sup_pid = jint(st, "supervisor_pid");
	t->guest_pid = jint(st, "guest_pid");
	fmt(t->pair_s, sizeof(t->pair_s), "%.31s", jstring(st, "mcs"));
	fmt(t->run_dir, sizeof(t->run_dir), "%.4000s", jstring(st, "run_dir"));
	json_object_put(st);
	bool ok = cvm_mcs_parse(t->pair_s, &t->pair) == 0 && cvm_svirt_contexts_load(&t->pair, &t->c, &err) == 0;
	result(c, ok, "%s: state holds MCS pair \"%s\"", t->name, t->pair_s);
	if (!ok)
		return -1;
	fmt(path, sizeof(path), "%s/tenants/%s/record.json", statedir, t->name);
	if (load_json(path, &rec) == 0 && json_object_object_get_ex(rec, "selinux", &sel))
		fmt(t->record_label, sizeof(t->record_label), "%.255s", jstring(sel, "process_label"));
	if (rec)
		json_object_put(rec);
	return 0;
}

static void proc_label(long pid, char *buf, size_t len)
{
	char path[64];

	fmt(path, sizeof(path), "/proc/%ld/attr/current", pid);
	FILE *f = fopen(path, "re");
	buf[0] = '\0';
	if (f) {
		if (!fgets(buf, (int)len, f))
			buf[0] = '\0';
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = '\0';
}

static int cmd_launched(const char *statedir, const char *probe, const char *a, const char *b, const char *img_a,
                        const char *img_b)
{
	struct ctx c = {0};
	struct launched t[2] = {{.name = a}, {.name = b}};
	const char *imgs[2] = {img_a, img_b};
	cvm_err err = {0};
	char label[256];

	for (int i = 0; i < 2; i++) {
		struct launched *x = &t[i];
		if (load_launched(&c, statedir, x) < 0)
			return finish(&c, "launched");
		proc_label(x->sup_pid, label, sizeof(label));
		result(&c, strstr(label, ":cvm_launcher_t:") != NULL, "%s: supervisor %ld runs as %s", x->name,
		       x->sup_pid, label);
		int rc = cvm_svirt_verify_process("/proc", (pid_t)x->guest_pid, x->c.process, NULL, 0, &err);
		result(&c, rc == 0, "%s: every thread of guest %ld runs as %s %s", x->name, x->guest_pid, x->c.process,
		       rc == 0 ? "" : err.msg);
		result(&c, strcmp(x->record_label, x->c.process) == 0, "%s: launch record's process_label is %s",
		       x->name, x->record_label);
		expect_label(&c, imgs[i], x->c.image);
		expect_label(&c, x->run_dir, x->c.image);
		/* The stand-in emulator logs, from inside svirt_t, whether it
		 * could use its disk fds and read its kernel. */
		char path[PATH_MAX], line[512];
		fmt(path, sizeof(path), "%s/console.log", x->run_dir);
		expect_label(&c, path, x->c.image);
		FILE *f = fopen(path, "re");
		int pass = 0, fail = 0;
		while (f && fgets(line, sizeof(line), f)) {
			printf("  %s| %s", x->name, line);
			pass += strstr(line, "fake-qemu: PASS") != NULL;
			fail += strstr(line, "fake-qemu: FAIL") != NULL;
		}
		if (f)
			fclose(f);
		result(&c, f && pass >= 4 && fail == 0,
		       "%s: the emulator used its disks and kernel from svirt_t (%d ok, %d failed)", x->name, pass,
		       fail);
	}
	result(&c, t[0].pair.lo != t[1].pair.lo || t[0].pair.hi != t[1].pair.hi, "the tenants' pairs differ (%s, %s)",
	       t[0].pair_s, t[1].pair_s);
	/* A process in each tenant's label, as a guest that took over its
	 * emulator would be: its own image is fine, the other's is EACCES. */
	for (int i = 0; i < 2; i++) {
		struct guest g;
		char *argv[] = {(char *)probe, "--own", (char *)imgs[i], "--deny", (char *)imgs[1 - i], NULL};
		if (spawn(t[i].c.process, argv, &g) < 0) {
			result(&c, false, "spawn probe: %s", strerror(errno));
			continue;
		}
		close(g.in);
		g.in = -1;
		result(&c, guest_report(&g), "a process in %s's label is denied %s's image", t[i].name, t[1 - i].name);
		int st = 0;
		close(g.out);
		waitpid(g.pid, &st, 0);
	}
	return finish(&c, "launched");
}

/* Tenants started in parallel by the real cvm-launch: distinct pairs, each
 * guest (every thread) in its own pair, each disk labeled with it. */
static int cmd_distinct(const char *statedir, int n, char **names)
{
	struct ctx c = {0};
	struct launched t[32];
	cvm_err err = {0};
	int ok = 0;

	if (n > 32)
		return 2;
	for (int i = 0; i < n; i++) {
		memset(&t[i], 0, sizeof(t[i]));
		t[i].name = names[i];
		if (load_launched(&c, statedir, &t[i]) < 0)
			continue;
		int rc = cvm_svirt_verify_process("/proc", (pid_t)t[i].guest_pid, t[i].c.process, NULL, 0, &err);
		result(&c, rc == 0, "%s: guest %ld runs as %s %s", t[i].name, t[i].guest_pid, t[i].c.process,
		       rc == 0 ? "" : err.msg);
		ok++;
	}
	int dups = 0;
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			dups += t[i].pair_s[0] && strcmp(t[i].pair_s, t[j].pair_s) == 0;
	result(&c, ok == n && dups == 0, "%d tenants started in parallel hold %d distinct pairs (%d duplicates)",
	       n, ok, dups);
	return finish(&c, "distinct");
}

static int cmd_env(const char *want_enforce)
{
	struct ctx c = {0};
	char *con = NULL;

	getcon_raw(&con);
	int enf = security_getenforce();
	printf("vmtool: running as %s, enforcing=%d, mls=%d, policy %s\n", con ? con : "?", enf,
	       is_selinux_mls_enabled(), selinux_policy_root());
	result(&c, con && strstr(con, ":cvm_launcher_t:"), "the launcher runs in cvm_launcher_t (%s)", con ? con : "?");
	result(&c, enf == atoi(want_enforce), "SELinux enforcing=%d (want %s)", enf, want_enforce);
	result(&c, security_check_context_raw("system_u:system_r:cvm_launcher_t:s0") == 0,
	       "the cvm_launcher module is in the loaded policy");
	freecon(con);
	return finish(&c, "env");
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && strcmp(argv[1], "env") == 0)
		return cmd_env(argv[2]);
	if (argc == 6 && strcmp(argv[1], "tenants") == 0)
		return cmd_tenants(argv[2], argv[3], argv[4], argv[5]);
	if (argc == 7 && strcmp(argv[1], "alloc-many") == 0)
		return cmd_alloc_many(argv[2], argv[3], atoi(argv[4]), (unsigned)atoi(argv[5]),
		                      (unsigned)atoi(argv[6]));
	if (argc >= 4 && strcmp(argv[1], "snapshot") == 0)
		return cmd_snapshot(argv[2], argc - 3, argv + 3);
	if (argc >= 3 && strcmp(argv[1], "cat") == 0) {
		/* the launcher's own files, which the driver's domain may not read */
		for (int i = 2; i < argc; i++) {
			FILE *f = fopen(argv[i], "re");
			char line[1024];
			printf("--- %s%s\n", argv[i], f ? "" : " (missing)");
			while (f && fgets(line, sizeof(line), f))
				fputs(line, stdout);
			if (f)
				fclose(f);
		}
		return 0;
	}
	if (argc >= 4 && strcmp(argv[1], "distinct") == 0)
		return cmd_distinct(argv[2], argc - 3, argv + 3);
	if (argc == 3 && strcmp(argv[1], "compare") == 0)
		return cmd_compare(argv[2]);
	if (argc == 8 && strcmp(argv[1], "launched") == 0)
		return cmd_launched(argv[2], argv[3], argv[4], argv[5], argv[6], argv[7]);
	fprintf(stderr, "usage: svirt_vmtool env 0|1 | tenants IMAGES STATE RUN PAYLOAD | "
	                "alloc-many STATE PAYLOAD N MIN MAX\n");
	return 2;
}
