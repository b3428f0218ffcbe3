/* Time the launcher adds before the emulator's first instruction: from the
 * spec parse and the preparation (policy file read, parsed, compiled, hashed) through
 * fork, every sandbox step in the child, to the moment execve succeeds (EOF
 * on the CLOEXEC report pipe). Median and p90 of many runs with a trivial
 * payload, for the full sandbox and with each layer left out.
 *
 *   bench_sandbox POLICY PAYLOAD RUN_DIR UID [RUNS]
 *
 * Prints one line per configuration: name, median ms, p90 ms, and the
 * difference to "full". Root only. Not a test: figures go to
 * docs/benchmarks.md. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cvm_err.h"
#include "sandbox.h"
#include "seccomp_policy.h"
#include "spec.h"

/* A tenant spec like the integration tests' (parsed each run: the launcher's
 * first step). */
static const char spec_json[] = "{\"name\": \"bench\", \"kernel\": \"/boot/vmlinuz\", \"initrd\": \"/boot/initrd\","
                                " \"cmdline\": \"console=ttyS0 panic=-1\", \"accel\": \"tcg\", \"memory_mib\": 256,"
                                " \"seccomp\": \"enforce\", \"landlock\": \"require\"}";

struct config {
	const char *name;
	bool seccomp, landlock, mount_ns, netns, uid, caps;
};

static const struct config configs[] = {
    {"full sandbox", true, true, true, true, true, true},
    {"without seccomp", false, true, true, true, true, true},
    {"without landlock", true, false, true, true, true, true},
    {"without mount ns + /dev", true, true, false, true, true, true},
    {"without net ns", true, true, true, false, true, true},
    {"without uid change", true, true, true, true, false, true},
    {"without uid + caps drop", true, true, true, true, false, false},
    {"bare (pid/ipc/uts ns only)", false, false, false, false, false, false},
};

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* One launch; returns ms from preparation to execve, or -1. */
static double one(const struct config *c, const char *policy, char *const argv[], const char *run_dir, uid_t uid)
{
	struct cvm_seccomp_bpf bpf = {0};
	struct cvm_sandbox_plan plan = {0};
	cvm_err err = {0};
	int p[2], status;
	double t0 = now_ms(), t1;
	struct cvm_spec spec;
	pid_t pid;

	if (cvm_spec_parse(spec_json, "bench", &spec, &err) < 0) {
		cvm_err_print(&err, "bench");
		return -1;
	}
	if (c->seccomp && cvm_scp_compile_file(policy, CVM_SCP_MODE_ENFORCE, &bpf, &err) < 0) {
		cvm_err_print(&err, "bench");
		return -1;
	}
	plan.emulator = argv[0];
	plan.run_dir = run_dir;
	plan.bpf = c->seccomp ? &bpf : NULL;
	plan.seccomp = c->seccomp ? CVM_SECCOMP_ENFORCE : CVM_SECCOMP_OFF;
	plan.landlock = c->landlock ? CVM_MODE_REQUIRE : CVM_MODE_OFF;
	plan.no_mount_ns = !c->mount_ns;
	plan.netns = c->netns;
	plan.uid = c->uid ? uid : 0;
	plan.gid = c->uid ? uid : 0;
	plan.no_caps_drop = !c->caps;
	plan.guest_ram_bytes = 256ULL << 20;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	plan.report_fd = p[1];
	pid = cvm_sandbox_fork(&err);
	if (pid == 0)
		cvm_sandbox_exec(&plan, argv);
	close(p[1]);
	if (pid < 0 || cvm_sandbox_wait_exec(p[0], &err) < 0) {
		cvm_err_print(&err, "bench");
		close(p[0]);
		return -1;
	}
	t1 = now_ms();
	close(p[0]);
	waitpid(pid, &status, 0);
	cvm_seccomp_bpf_free(&bpf);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? t1 - t0 : -1;
}

int main(int argc, char **argv)
{
	int runs = argc > 5 ? atoi(argv[5]) : 100;
	double full_median = 0;

	if (argc < 5 || runs < 5) {
		fprintf(stderr, "usage: bench_sandbox POLICY PAYLOAD RUN_DIR UID [RUNS]\n");
		return 2;
	}
	char *pargv[] = {argv[2], argv[3], "true", NULL};
	double *t = calloc((size_t)runs, sizeof(*t));
	if (!t)
		return 1;
	/* The supervisor-side phases alone (no fork): spec parse; seccomp
	 * policy read + parse + compile + export + SHA-256. */
	for (int phase = 0; phase < 2; phase++) {
		for (int i = 0; i < runs; i++) {
			struct cvm_seccomp_bpf bpf = {0};
			struct cvm_spec spec;
			cvm_err err = {0};
			double t0 = now_ms();
			if (phase == 0 ? cvm_spec_parse(spec_json, "bench", &spec, &err)
			               : cvm_scp_compile_file(argv[1], CVM_SCP_MODE_ENFORCE, &bpf, &err)) {
				cvm_err_print(&err, "bench");
				return 1;
			}
			t[i] = now_ms() - t0;
			cvm_seccomp_bpf_free(&bpf);
		}
		qsort(t, (size_t)runs, sizeof(*t), cmp_double);
		printf("phase %-22s %10.3f %10.3f\n", phase == 0 ? "spec parse" : "seccomp compile+hash", t[runs / 2],
		       t[runs * 9 / 10]);
	}
	printf("%-28s %10s %10s %10s\n", "configuration", "median ms", "p90 ms", "vs full");
	for (size_t c = 0; c < sizeof(configs) / sizeof(configs[0]); c++) {
		one(&configs[c], argv[1], pargv, argv[3], (uid_t)atoi(argv[4])); /* warm-up */
		for (int i = 0; i < runs; i++) {
			t[i] = one(&configs[c], argv[1], pargv, argv[3], (uid_t)atoi(argv[4]));
			if (t[i] < 0) {
				fprintf(stderr, "bench: run failed (%s)\n", configs[c].name);
				return 1;
			}
		}
		qsort(t, (size_t)runs, sizeof(*t), cmp_double);
		double med = t[runs / 2], p90 = t[runs * 9 / 10];
		if (c == 0)
			full_median = med;
		printf("%-28s %10.2f %10.2f %+10.2f\n", configs[c].name, med, p90, med - full_median);
		fflush(stdout);
	}
	free(t);
	return 0;
}
