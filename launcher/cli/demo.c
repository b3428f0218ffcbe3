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
#include "evidence.h"
#include "launch.h"
#include "qemu_argv.h"
#include "record_summary.h"
#include "state.h"
#include "tenant_stop.h"

#define DEMO_NAME "cvm-demo"
#define DEMO_CACHE "/var/cache/cvm-launch/demo-guest"
#define MARKER "CVM-GUEST-READY"
#define DEMO_TPM "/var/cache/cvm-launch/demo-tpm"

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

static json_object *print_layers(const char *record_path, FILE *out)
{
	cvm_autofree uint8_t *buf = NULL;
	json_object *r = NULL;
	size_t n = 0;
	cvm_err e = { 0 };

	if (cvm_read_file(record_path, 4 << 20, &buf, &n, &e) < 0 ||
	    cvm_json_parse_object((const char *)buf, record_path, &r, &e) < 0) {
		fprintf(out, "demo: cannot read the launch record: %s\n", e.msg);
		return NULL;
	}
	fprintf(out, "== layers applied to the guest process (from the launch record %s):\n", record_path);
	cvm_record_print_layers(r, out);
	return r;
}

/* The demo's TPM: the host's when it has one, else swtpm on loopback. Returns
 * true when a swtpm was started (to stop it at the end). */
static bool demo_tpm(struct cvm_hostcfg *cfg, FILE *out)
{
	char cmd[PATH_MAX * 2], tcti[256] = "";
	FILE *p;

	if (cfg->tpm_tcti[0] || access("/dev/tpmrm0", R_OK | W_OK) == 0) {
		fprintf(out, "== TPM: %s\n", cfg->tpm_tcti[0] ? cfg->tpm_tcti : "/dev/tpmrm0");
		return false;
	}
	snprintf(cmd, sizeof(cmd), "'%s/swtpm.sh' start '%s'", CVM_SCRIPTS_DIR, DEMO_TPM);
	p = popen(cmd, "r");
	if (!p || !fgets(tcti, sizeof(tcti), p)) {
		if (p)
			pclose(p);
		fprintf(out, "== TPM: none (no /dev/tpmrm0 and swtpm would not start): no launch evidence\n");
		return false;
	}
	pclose(p);
	tcti[strcspn(tcti, "\n")] = '\0';
	snprintf(cfg->tpm_tcti, sizeof(cfg->tpm_tcti), "%s", tcti);
	fprintf(out, "== TPM: swtpm on loopback (%s), state in %s\n", tcti, DEMO_TPM);
	return true;
}

static void demo_tpm_stop(void)
{
	char cmd[PATH_MAX * 2];

	snprintf(cmd, sizeof(cmd), "'%s/swtpm.sh' stop '%s' >/dev/null 2>&1", CVM_SCRIPTS_DIR, DEMO_TPM);
	if (system(cmd) != 0) {
		/* a swtpm left running holds only the demo's own TPM state */
	}
}

/* The verifier's side: a policy that pins this host's AK and asks for every
 * layer the record says this host applied, then attest-verify on a fresh
 * bundle quoted with a fresh nonce. */
static int demo_attest(const struct cvm_hostcfg *cfg, json_object *rec, FILE *out)
{
	char fp[65], nonce_hex[65], cmd[PATH_MAX * 4], exe[PATH_MAX] = "", av[PATH_MAX + 32];
	uint8_t nonce[32];
	json_object *sel = NULL, *st = NULL;
	cvm_err e = { 0 };
	FILE *f;
	ssize_t n;
	int rc;

	if (cvm_evidence_ak_fingerprint(cfg, fp, &e) < 0) {
		fprintf(out, "== no TPM evidence: %s\n", e.msg);
		return 0;
	}
	f = fopen("/dev/urandom", "re");
	if (!f || fread(nonce, 1, sizeof(nonce), f) != sizeof(nonce)) {
		if (f)
			fclose(f);
		fprintf(out, "== cannot read a nonce from /dev/urandom\n");
		return -1;
	}
	fclose(f);
	cvm_hex_encode(nonce, sizeof(nonce), nonce_hex);
	if (cvm_evidence_bundle(cfg, DEMO_NAME, nonce, sizeof(nonce), DEMO_CACHE "/evidence.json", &e) < 0) {
		fprintf(out, "== evidence: %s\n", e.msg);
		return -1;
	}
	bool enforcing = json_object_object_get_ex(rec, "selinux", &sel) && json_object_object_get_ex(sel, "state", &st) &&
			 strcmp(json_object_get_string(st), "enforcing") == 0;
	f = fopen(DEMO_CACHE "/policy.json", "we");
	if (!f)
		return -1;
	fprintf(f,
		"{\n  \"require_nonce\": true,\n  \"tpm\": {\"trusted_ak_sha256\": [\"%s\"], \"pcr\": %u},\n"
		"  \"launch_record\": {\"tenant\": \"" DEMO_NAME "\", \"seccomp\": \"enforce\",%s"
		" \"require_sandbox_verified\": true, \"require_no_new_privs\": true,"
		" \"require_no_capabilities\": true, \"uid_range\": [%u, %u]}\n}\n",
		fp, cfg->tpm_pcr, enforcing ? " \"selinux\": \"enforcing\", \"require_label\": true," : "",
		(unsigned)cfg->uid_min, (unsigned)cfg->uid_max);
	fclose(f);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	*strrchr(exe, '/') = '\0';
	snprintf(av, sizeof(av), "%s/attest-verify", exe);
	if (access(av, X_OK) < 0)
		snprintf(av, sizeof(av), "%s/../attest/attest-verify", exe);
	fprintf(out, "== attest-verify bundle %s/evidence.json --policy %s/policy.json --nonce %.16s...\n", DEMO_CACHE,
		DEMO_CACHE, nonce_hex);
	fflush(out);
	snprintf(cmd, sizeof(cmd), "'%s' bundle '%s/evidence.json' --policy '%s/policy.json' --nonce %s", av,
		 DEMO_CACHE, DEMO_CACHE, nonce_hex);
	rc = system(cmd);
	return rc == 0 ? 0 : -1;
}

static int demo_run(struct cvm_ctx *ctx, int argc, char **argv, cvm_err *err)
{
	char spec_path[PATH_MAX], console[PATH_MAX + 32], record[PATH_MAX + 32], tdir[PATH_MAX], line[256];
	struct cvm_launch_opts o = { .detach = true, .out = stdout, .kvm_timeout_ms = 3000 };
	const char *how = NULL;
	cvm_autojson json_object *rec = NULL;
	bool own_tpm;
	int rc, attested;

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
	own_tpm = demo_tpm(&ctx->cfg, stdout);
	printf("== launching tenant " DEMO_NAME " from %s\n", spec_path);
	fflush(stdout);
	o.spec_path = spec_path;
	rc = cvm_launch_run(&ctx->cfg, &o, err);
	if (rc != CVM_EXIT_OK) {
		if (own_tpm)
			demo_tpm_stop();
		return rc;
	}
	cvm_state_run_dir(&ctx->cfg, DEMO_NAME, tdir, sizeof(tdir));
	snprintf(console, sizeof(console), "%s/" CVM_CONSOLE_LOG, tdir);
	cvm_state_tenant_dir(&ctx->cfg, DEMO_NAME, tdir, sizeof(tdir));
	snprintf(record, sizeof(record), "%s/record.json", tdir);
	if (wait_marker(console, line, sizeof(line), 120) < 0) {
		cvm_tenant_stop(&ctx->cfg, DEMO_NAME, 0, &how, stderr, err);
		if (own_tpm)
			demo_tpm_stop();
		cvm_err_set(err, CVM_EXIT_GUEST, 0, "demo: no '" MARKER "' on the guest console within 120 s");
		return CVM_EXIT_GUEST;
	}
	printf("== guest console says: %s\n", line);
	rec = print_layers(record, stdout);
	attested = rec ? demo_attest(&ctx->cfg, rec, stdout) : -1;
	printf("== stopping tenant " DEMO_NAME "\n");
	fflush(stdout);
	rc = cvm_tenant_stop(&ctx->cfg, DEMO_NAME, 10, &how, stderr, err);
	if (own_tpm)
		demo_tpm_stop();
	if (rc < 0)
		return err->exit_code;
	printf("== tenant " DEMO_NAME " stopped (%s); labels, uid and run dir released\n", how);
	if (attested < 0) {
		cvm_err_set(err, CVM_EXIT_FAILURE, 0, "demo: the launch evidence did not verify");
		return CVM_EXIT_FAILURE;
	}
	return CVM_EXIT_OK;
}

const struct cvm_command cvm_cmd_demo = {
	.name = "demo",
	.usage = "demo",
	.summary = "boot a tiny guest with every layer this host supports, show it, stop it",
	.recover_first = true,
	.run = demo_run,
};
