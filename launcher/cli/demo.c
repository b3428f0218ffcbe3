/* cvm-launch demo: the main job on embedded defaults. Builds (once, cached)
 * a tiny guest, launches it with every layer this host supports, shows its
 * console marker, stops it, and prints what was applied and what was not. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "commands.h"
#include "cvm_cleanup.h"
#include "cvm_fileio.h"
#include "cvm_json.h"
#include "launch.h"
#include "qemu_argv.h"
#include "record_summary.h"
#include "state.h"
#include "tenant_stop.h"

#define DEMO_NAME "cvm-demo"
#define DEMO_CACHE "/var/cache/cvm-launch/demo-guest"
#define MARKER "CVM-GUEST-READY"

static int build_guest(const char *dir, cvm_err *err)
{
	char cmd[PATH_MAX * 2];
	int st;

	snprintf(cmd, sizeof(cmd), "'%s/build-guest.sh' '%s'", CVM_SCRIPTS_DIR, dir);
	st = system(cmd);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "demo: building the guest image failed (%s)", cmd);
	return 0;
}

static int write_spec(const char *dir, const char *path, cvm_err *err)
{
	char spec[2048];
	int n = snprintf(spec, sizeof(spec),
			 "{\n  \"name\": \"" DEMO_NAME "\",\n  \"vcpus\": 1,\n  \"memory_mib\": 256,\n"
			 "  \"kernel\": \"%s/vmlinuz\",\n  \"initrd\": \"%s/initramfs.cpio.gz\",\n"
			 "  \"cmdline\": \"console=ttyS0 panic=-1 quiet\",\n  \"accel\": \"auto\",\n"
			 "  \"selinux\": \"auto\",\n  \"seccomp\": \"enforce\",\n  \"landlock\": \"auto\"\n}\n",
			 dir, dir);
	return cvm_write_atomic(path, spec, (size_t)n, 0644, err);
}

/* Wait for the marker line on the guest's serial console. */
static int wait_marker(const char *console, char *line, size_t len, int timeout_s)
{
	for (int i = 0; i < timeout_s * 10; i++) {
		cvm_autofree uint8_t *buf = NULL;
		size_t n = 0;
		cvm_err e = { 0 };
		if (cvm_read_file(console, 4 << 20, &buf, &n, &e) == 0) {
			char *m = strstr((char *)buf, MARKER);
			if (m) {
				snprintf(line, len, "%.*s", (int)strcspn(m, "\r\n"), m);
				return 0;
			}
		}
		struct timespec ts = { 0, 100 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	return -1;
}

static void print_layers(const char *record_path, FILE *out)
{
	cvm_autofree uint8_t *buf = NULL;
	cvm_autojson json_object *r = NULL;
	size_t n = 0;
	cvm_err e = { 0 };

	if (cvm_read_file(record_path, 4 << 20, &buf, &n, &e) < 0 ||
	    cvm_json_parse_object((const char *)buf, record_path, &r, &e) < 0) {
		fprintf(out, "demo: cannot read the launch record: %s\n", e.msg);
		return;
	}
	fprintf(out, "== layers applied to the guest process (from the launch record %s):\n", record_path);
	cvm_record_print_layers(r, out);
}

static int demo_run(struct cvm_ctx *ctx, int argc, char **argv, cvm_err *err)
{
	char spec_path[PATH_MAX], console[PATH_MAX + 32], record[PATH_MAX + 32], tdir[PATH_MAX], line[256];
	struct cvm_launch_opts o = { .detach = true, .out = stdout, .kvm_timeout_ms = 3000 };
	const char *how = NULL;
	int rc;

	if (argc > 1) {
		if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
			cvm_cmd_help(&cvm_cmd_demo, "");
			return CVM_EXIT_OK;
		}
		cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "demo: takes no arguments");
		return CVM_EXIT_BADINPUT;
	}
	printf("== building the demo guest (cached in %s)\n", DEMO_CACHE);
	if (build_guest(DEMO_CACHE, err) < 0)
		return err->exit_code;
	snprintf(spec_path, sizeof(spec_path), "%s/spec.json", DEMO_CACHE);
	if (write_spec(DEMO_CACHE, spec_path, err) < 0)
		return err->exit_code;
	printf("== launching tenant " DEMO_NAME " from %s\n", spec_path);
	fflush(stdout);
	o.spec_path = spec_path;
	rc = cvm_launch_run(&ctx->cfg, &o, err);
	if (rc != CVM_EXIT_OK)
		return rc;
	cvm_state_run_dir(&ctx->cfg, DEMO_NAME, tdir, sizeof(tdir));
	snprintf(console, sizeof(console), "%s/" CVM_CONSOLE_LOG, tdir);
	cvm_state_tenant_dir(&ctx->cfg, DEMO_NAME, tdir, sizeof(tdir));
	snprintf(record, sizeof(record), "%s/record.json", tdir);
	if (wait_marker(console, line, sizeof(line), 120) < 0) {
		cvm_tenant_stop(&ctx->cfg, DEMO_NAME, 0, &how, stderr, err);
		cvm_err_set(err, CVM_EXIT_GUEST, 0, "demo: no '" MARKER "' on the guest console within 120 s");
		return CVM_EXIT_GUEST;
	}
	printf("== guest console says: %s\n", line);
	print_layers(record, stdout);
	printf("== stopping tenant " DEMO_NAME "\n");
	fflush(stdout);
	if (cvm_tenant_stop(&ctx->cfg, DEMO_NAME, 10, &how, stderr, err) < 0)
		return err->exit_code;
	printf("== tenant " DEMO_NAME " stopped (%s); labels, uid and run dir released\n", how);
	return CVM_EXIT_OK;
}

const struct cvm_command cvm_cmd_demo = {
	.name = "demo",
	.usage = "demo",
	.summary = "boot a tiny guest with every layer this host supports, show it, stop it",
	.recover_first = true,
	.run = demo_run,
};
