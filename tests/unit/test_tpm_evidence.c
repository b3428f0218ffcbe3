/* Launch evidence against a real TPM (swtpm on loopback, started through
 * scripts/swtpm.sh): records are extended into PCR 23, the event log
 * replays to the quoted value, bundles verify with the AK the policy pins,
 * and tampering with any part is caught. Skips (77) without swtpm. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "b64.h"
#include "bundle.h"
#include "bundle_verify.h"
#include "cvm_cleanup.h"
#include "cvm_crypto_cleanup.h"
#include "cvm_fileio.h"
#include "cvm_json.h"
#include "evidence.h"
#include "evidence_policy.h"
#include "hostcfg.h"
#include "tpm.h"
#include "tpm_quote.h"

struct env {
	char dir[128];
	struct cvm_hostcfg cfg;
};

static int sh(const char *cmd, char *out, size_t outlen)
{
	FILE *f = popen(cmd, "r");
	size_t n = 0;

	if (!f)
		return -1;
	if (out) {
		n = fread(out, 1, outlen - 1, f);
		out[n] = '\0';
		while (n && (out[n - 1] == '\n'))
			out[--n] = '\0';
	}
	int st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int group_setup(void **state)
{
	const char *src = getenv("CVM_SOURCE_DIR");
	char cmd[1024];
	struct env *e = calloc(1, sizeof(*e));

	snprintf(e->dir, sizeof(e->dir), "/tmp/cvm-tpm-evidence.XXXXXX");
	if (!src || !mkdtemp(e->dir))
		return -1;
	cvm_hostcfg_defaults(&e->cfg);
	snprintf(e->cfg.state_dir, sizeof(e->cfg.state_dir), "%s/state", e->dir);
	snprintf(cmd, sizeof(cmd), "bash %s/scripts/swtpm.sh start %s/swtpm", src, e->dir);
	int rc = sh(cmd, e->cfg.tpm_tcti, sizeof(e->cfg.tpm_tcti));
	if (rc != 0) {
		fprintf(stderr, "skip: cannot start swtpm (scripts/swtpm.sh exit %d)\n", rc);
		exit(77);
	}
	e->cfg.tpm_pcr = 23;
	*state = e;
	return 0;
}

static int group_teardown(void **state)
{
	struct env *e = *state;
	char cmd[1024];

	/* CVM_TEST_KEEP=1 leaves the folder (bundles, logs) for inspection and
	 * for refreshing the fuzz seeds. */
	snprintf(cmd, sizeof(cmd), "bash %s/scripts/swtpm.sh stop %s/swtpm; [ -n \"$CVM_TEST_KEEP\" ] || rm -rf %s",
	         getenv("CVM_SOURCE_DIR"), e->dir, e->dir);
	sh(cmd, NULL, 0);
	free(e);
	return 0;
}

static void write_record(const char *path, const char *tenant, const char *uuid, const char *seccomp, unsigned uid)
{
	char text[2048];
	cvm_err err = {0};

	snprintf(
	    text, sizeof(text),
	    "{\"format\":\"cvm-launch-record/1\",\"tenant\":\"%s\",\"uuid\":\"%s\",\"time\":\"2026-11-26T05:00:00Z\","
	    "\"boot_id\":\"b\",\"emulator\":{\"path\":\"/usr/bin/qemu-system-x86_64\",\"sha256\":\"%064d\"},"
	    "\"argv\":[\"qemu\"],\"accel\":\"tcg\",\"uid\":%u,\"gid\":%u,"
	    "\"selinux\":{\"state\":\"enforcing\",\"process_label\":\"system_u:system_r:svirt_t:s0:c1,c2\","
	    "\"image_labels\":[\"system_u:object_r:svirt_image_t:s0:c1,c2\"]},"
	    "\"seccomp\":{\"mode\":\"%s\",\"policy\":\"qemu\",\"bpf_sha256\":\"%064d\"},"
	    "\"landlock\":{\"state\":\"enforced\",\"abi\":3},\"namespaces\":[\"mount\",\"pid\",\"ipc\",\"uts\",\"net\"]"
	    ","
	    "\"no_new_privs\":true,\"capabilities\":\"none\",\"sandbox_verified\":true,"
	    "\"confidential\":{\"type\":\"none\",\"policy\":null,\"expected_measurement\":null}}",
	    tenant, uuid, 1, uid, uid, seccomp, 2);
	assert_int_equal(cvm_write_atomic(path, text, strlen(text), 0644, &err), 0);
}

static void policy_for(struct cvm_evidence_policy *p, const char *ak_pem, const char *extra_record_policy)
{
	cvm_autojson json_object *tpm = NULL, *rec = NULL;
	cvm_auto_evp_pkey EVP_PKEY *ak = NULL;
	char fp[65], text[1024];
	cvm_err err = {0};

	assert_int_equal(cvm_tpm_ak_load((const uint8_t *)ak_pem, strlen(ak_pem), &ak, &err), 0);
	cvm_tpm_ak_fingerprint(ak, fp);
	snprintf(text, sizeof(text), "{\"trusted_ak_sha256\":[\"%s\"],\"pcr\":23}", fp);
	assert_int_equal(cvm_json_parse_object(text, "tpm", &tpm, &err), 0);
	assert_int_equal(cvm_json_parse_object(extra_record_policy, "launch_record", &rec, &err), 0);
	cvm_evidence_policy_init(p);
	assert_int_equal(cvm_evidence_policy_parse(tpm, rec, p, &err), 0);
}

static bool verify(const struct cvm_bundle *b, const struct cvm_evidence_policy *p, const uint8_t *nonce, size_t nlen,
                   const char *check, int *result)
{
	cvm_autoverdict struct cvm_verdict v;
	cvm_err err = {0};
	struct cvm_bundle_verify_in in = {.bundle = b, .policy = p, .nonce = nonce, .nonce_len = nlen};

	cvm_verdict_init(&v);
	assert_int_equal(cvm_bundle_verify(&in, &v, &err), 0);
	if (check)
		*result = cvm_verdict_result(&v, check);
	if (getenv("CVM_TEST_VERBOSE"))
		cvm_verdict_print(&v, stderr, false);
	return cvm_verdict_accepted(&v);
}

static void load_bundle(const char *path, struct cvm_bundle *b)
{
	cvm_autofree uint8_t *text = NULL;
	size_t len;
	cvm_err err = {0};

	assert_int_equal(cvm_read_file(path, 1 << 24, &text, &len, &err), 0);
	assert_int_equal(cvm_bundle_parse((char *)text, b, &err), 0);
}

static void test_round_trip(void **state)
{
	struct env *e = *state;
	char rec1[512], rec2[512], out[512];
	uint8_t nonce[32];
	cvm_err err = {0};
	struct cvm_evidence_policy pol;
	int r = -1;

	for (size_t i = 0; i < sizeof(nonce); i++)
		nonce[i] = (uint8_t)(i * 7 + 1);
	snprintf(rec1, sizeof(rec1), "%s/rec-web1.json", e->dir);
	snprintf(rec2, sizeof(rec2), "%s/rec-db.json", e->dir);
	snprintf(out, sizeof(out), "%s/bundle.json", e->dir);
	write_record(rec1, "web1", "11111111-2222-3333-4444-555555555555", "enforce", 200001);
	write_record(rec2, "db", "66666666-2222-3333-4444-555555555555", "log", 200002);
	assert_int_equal(cvm_evidence_record_launch(&e->cfg, rec1, &err), 0);
	assert_int_equal(cvm_evidence_record_launch(&e->cfg, rec2, &err), 0);
	assert_int_equal(cvm_evidence_bundle(&e->cfg, "web1", nonce, sizeof(nonce), out, &err), 0);

	{
		cvm_autobundle struct cvm_bundle b;
		load_bundle(out, &b);
		assert_int_equal(b.n_records, 1);
		assert_true(b.log.n >= 2);
		/* db's entry is redacted in web1's bundle, its digest kept */
		assert_string_equal(b.log.e[b.log.n - 1].record, "");
		policy_for(&pol, b.ak_pem,
		           "{\"seccomp\":\"enforce\",\"selinux\":\"enforcing\",\"require_sandbox_verified\":true,"
		           "\"require_unique_uid\":true,\"require_label\":true,\"uid_range\":[200000,299999],"
		           "\"namespaces\":[\"mount\",\"pid\"],\"require_no_capabilities\":true}");
		assert_true(verify(&b, &pol, nonce, sizeof(nonce), "eventlog.replay", &r));
		assert_int_equal(r, CVM_CHECK_PASS);
		/* the fingerprint the demo pins is the bundle's AK */
		char fp[65];
		assert_int_equal(cvm_evidence_ak_fingerprint(&e->cfg, fp, &err), 0);
		assert_string_equal(fp, pol.ak_sha256[0]);
		/* wrong nonce */
		nonce[0] ^= 1;
		assert_false(verify(&b, &pol, nonce, sizeof(nonce), "tpm.nonce", &r));
		assert_int_equal(r, CVM_CHECK_FAIL);
		nonce[0] ^= 1;
		/* an AK the policy does not trust */
		struct cvm_evidence_policy other = pol;
		memset(other.ak_sha256[0], 'a', 64);
		assert_false(verify(&b, &other, nonce, sizeof(nonce), "tpm.ak_trusted", &r));
		assert_int_equal(r, CVM_CHECK_FAIL);
	}
	/* db's own bundle: its record says seccomp log */
	assert_int_equal(cvm_evidence_bundle(&e->cfg, "db", nonce, sizeof(nonce), out, &err), 0);
	{
		cvm_autobundle struct cvm_bundle b;
		load_bundle(out, &b);
		assert_false(verify(&b, &pol, nonce, sizeof(nonce), "record.seccomp", &r));
		assert_int_equal(r, CVM_CHECK_FAIL);
		assert_int_equal(verify(&b, &pol, nonce, sizeof(nonce), "eventlog.replay", &r), false);
		assert_int_equal(r, CVM_CHECK_PASS);
	}
}

static void test_tampering(void **state)
{
	struct env *e = *state;
	char rec[512], out[512];
	uint8_t nonce[16] = {1, 2, 3};
	cvm_err err = {0};
	struct cvm_evidence_policy pol;
	cvm_autobundle struct cvm_bundle b;
	int r = -1;

	snprintf(rec, sizeof(rec), "%s/rec-t.json", e->dir);
	snprintf(out, sizeof(out), "%s/bundle-t.json", e->dir);
	write_record(rec, "t1", "77777777-2222-3333-4444-555555555555", "enforce", 200010);
	assert_int_equal(cvm_evidence_record_launch(&e->cfg, rec, &err), 0);
	assert_int_equal(cvm_evidence_bundle(&e->cfg, "t1", nonce, sizeof(nonce), out, &err), 0);
	load_bundle(out, &b);
	policy_for(&pol, b.ak_pem, "{\"seccomp\":\"enforce\"}");
	assert_true(verify(&b, &pol, nonce, sizeof(nonce), NULL, NULL));

	/* a record edited after the fact: no longer in the log */
	uint8_t *p = memmem(b.records[0].data, b.records[0].len, "enforce", 7);
	assert_non_null(p);
	memcpy(p, "enforcf", 7);
	assert_false(verify(&b, &pol, nonce, sizeof(nonce), "record.logged", &r));
	assert_int_equal(r, CVM_CHECK_FAIL);
	memcpy(p, "enforce", 7);

	/* an entry dropped from the log: replay fails */
	b.log.n--;
	assert_false(verify(&b, &pol, nonce, sizeof(nonce), "eventlog.replay", &r));
	assert_int_equal(r, CVM_CHECK_FAIL);
	b.log.n++;

	/* a PCR value swapped: the quote's digest no longer matches */
	b.pcrs->v[0].value[3] ^= 1;
	assert_false(verify(&b, &pol, nonce, sizeof(nonce), "tpm.pcr_digest", &r));
	assert_int_equal(r, CVM_CHECK_FAIL);
	b.pcrs->v[0].value[3] ^= 1;
	assert_true(verify(&b, &pol, nonce, sizeof(nonce), NULL, NULL));
}

/* A launcher that died after appending but before extending: the next
 * launch drops the unextended entry and the log replays again. */
static void test_torn_append(void **state)
{
	struct env *e = *state;
	char logp[512], rec[512], out[512], line[256];
	uint8_t nonce[8] = {7};
	cvm_err err = {0};
	cvm_autofree uint8_t *text = NULL;
	size_t len = 0;
	struct cvm_evlog log = {0};
	struct cvm_evidence_policy pol;
	FILE *f;

	snprintf(logp, sizeof(logp), "%s/eventlog.jsonl", e->cfg.state_dir);
	assert_int_equal(cvm_read_file(logp, 1 << 20, &text, &len, &err), 0);
	assert_int_equal(cvm_evlog_parse_lines((char *)text, len, logp, &log, &err), 0);
	snprintf(line, sizeof(line), "{\"seq\":%lu,\"pcr\":23,\"digest\":\"%064d\",\"record\":\"ghost/x\"}\n",
	         log.e[log.n - 1].seq + 1, 5);
	cvm_evlog_free(&log);
	f = fopen(logp, "a");
	assert_non_null(f);
	fputs(line, f);
	fclose(f);
	snprintf(rec, sizeof(rec), "%s/rec-torn.json", e->dir);
	snprintf(out, sizeof(out), "%s/bundle-torn.json", e->dir);
	write_record(rec, "torn", "cccccccc-2222-3333-4444-555555555555", "enforce", 200015);
	if (cvm_evidence_record_launch(&e->cfg, rec, &err) != 0)
		fail_msg("%s", err.msg);
	free(text);
	text = NULL;
	assert_int_equal(cvm_read_file(logp, 1 << 20, &text, &len, &err), 0);
	assert_null(strstr((char *)text, "ghost/x"));
	assert_int_equal(cvm_evidence_bundle(&e->cfg, "torn", nonce, sizeof(nonce), out, &err), 0);
	{
		cvm_autobundle struct cvm_bundle b;
		load_bundle(out, &b);
		policy_for(&pol, b.ak_pem, "{}");
		assert_true(verify(&b, &pol, nonce, sizeof(nonce), NULL, NULL));
	}
}

static void test_no_tpm(void **state)
{
	struct env *e = *state;
	struct cvm_hostcfg cfg = e->cfg;
	char rec[512];
	cvm_err err = {0};

	snprintf(rec, sizeof(rec), "%s/rec-x.json", e->dir);
	write_record(rec, "x", "88888888-2222-3333-4444-555555555555", "enforce", 200011);
	/* port 1 on loopback: nothing listens there */
	snprintf(cfg.tpm_tcti, sizeof(cfg.tpm_tcti), "swtpm:host=127.0.0.1,port=1");
	assert_int_equal(cvm_evidence_record_launch(&cfg, rec, &err), CVM_EVIDENCE_NO_TPM);
	assert_non_null(strstr(err.msg, "no TPM reachable"));
	assert_non_null(strstr(err.msg, "port=1"));
}

static void test_unknown_tenant_and_bad_nonce(void **state)
{
	struct env *e = *state;
	char out[512];
	uint8_t nonce[65] = {0};
	cvm_err err = {0};

	snprintf(out, sizeof(out), "%s/none.json", e->dir);
	assert_int_equal(cvm_evidence_bundle(&e->cfg, "nobody", nonce, 8, out, &err), -1);
	assert_int_equal(err.exit_code, CVM_EXIT_BADINPUT);
	assert_non_null(strstr(err.msg, "no launch of tenant nobody"));
	assert_int_equal(cvm_evidence_bundle(&e->cfg, "web1", nonce, 65, out, &err), -1);
	assert_int_equal(access(out, F_OK), -1);
}

/* A TPM reset (PCR 23 back to zero, as after a host boot) starts a new log. */
static void test_pcr_reset_rotates_log(void **state)
{
	struct env *e = *state;
	char cmd[1024], rec[512], out[512], archived[512];
	uint8_t nonce[8] = {9};
	cvm_err err = {0};
	cvm_autobundle struct cvm_bundle b;
	struct cvm_evidence_policy pol;

	snprintf(cmd, sizeof(cmd), "TPM2TOOLS_TCTI='%s' tpm2_pcrreset 23 2>&1", e->cfg.tpm_tcti);
	if (sh("command -v tpm2_pcrreset >/dev/null", NULL, 0) != 0) {
		print_message("skip: tpm2_pcrreset not installed\n");
		skip();
	}
	assert_int_equal(sh(cmd, NULL, 0), 0);
	snprintf(rec, sizeof(rec), "%s/rec-r.json", e->dir);
	snprintf(out, sizeof(out), "%s/bundle-r.json", e->dir);
	write_record(rec, "r1", "99999999-2222-3333-4444-555555555555", "enforce", 200012);
	assert_int_equal(cvm_evidence_record_launch(&e->cfg, rec, &err), 0);
	snprintf(archived, sizeof(archived), "%s/evidence/eventlog.1.jsonl", e->cfg.state_dir);
	assert_int_equal(access(archived, F_OK), 0);
	assert_int_equal(cvm_evidence_bundle(&e->cfg, "r1", nonce, sizeof(nonce), out, &err), 0);
	load_bundle(out, &b);
	assert_int_equal(b.log.n, 1);
	assert_int_equal(b.log.e[0].seq, 1);
	policy_for(&pol, b.ak_pem, "{}");
	assert_true(verify(&b, &pol, nonce, sizeof(nonce), NULL, NULL));
	/* the earlier tenants are gone from this boot's log */
	assert_int_equal(cvm_evidence_bundle(&e->cfg, "web1", nonce, sizeof(nonce), out, &err), -1);
}

/* tpm_pcr changed (to 16, still zero): the old log is archived, the new
 * one replays to PCR 16, and a policy for PCR 23 rejects it. */
static void test_pcr_change(void **state)
{
	struct env *e = *state;
	struct cvm_hostcfg cfg = e->cfg;
	char rec[512], out[512], archived[512];
	uint8_t nonce[4] = {4, 3, 2, 1};
	cvm_err err = {0};
	cvm_autobundle struct cvm_bundle b;
	struct cvm_evidence_policy pol;
	int r = -1;

	cfg.tpm_pcr = 16;
	snprintf(rec, sizeof(rec), "%s/rec-p.json", e->dir);
	snprintf(out, sizeof(out), "%s/bundle-p.json", e->dir);
	write_record(rec, "p16", "aaaaaaaa-2222-3333-4444-555555555555", "enforce", 200013);
	assert_int_equal(cvm_evidence_record_launch(&cfg, rec, &err), 0);
	snprintf(archived, sizeof(archived), "%s/evidence/eventlog.1.jsonl", cfg.state_dir);
	assert_int_equal(access(archived, F_OK), 0);
	assert_int_equal(cvm_evidence_bundle(&cfg, "p16", nonce, sizeof(nonce), out, &err), 0);
	load_bundle(out, &b);
	assert_int_equal(b.log.n, 1);
	assert_int_equal(b.log.e[0].pcr, 16);
	policy_for(&pol, b.ak_pem, "{}");
	assert_false(verify(&b, &pol, nonce, sizeof(nonce), "eventlog.replay", &r));
	assert_int_equal(r, CVM_CHECK_FAIL);
	pol.pcr = 16;
	assert_true(verify(&b, &pol, nonce, sizeof(nonce), "eventlog.replay", &r));
	assert_int_equal(r, CVM_CHECK_PASS);
	/* back to PCR 23, which holds earlier extends the log no longer has:
	 * refused, nothing written */
	assert_int_equal(cvm_evidence_record_launch(&e->cfg, rec, &err), -1);
	assert_non_null(strstr(err.msg, "something else extends it"));
}

/* tpm_ak naming a persistent ECDSA AK made with tpm2-tools: the bundle's
 * AK is that key (same PEM as tpm2_createak wrote), the quote is ECDSA and
 * verifies. */
static void test_persistent_ak(void **state)
{
	struct env *e = *state;
	struct cvm_hostcfg cfg = e->cfg;
	char cmd[2048], rec[512], out[512], pem_path[512];
	uint8_t nonce[64];
	cvm_err err = {0};
	cvm_autobundle struct cvm_bundle b;
	cvm_autofree uint8_t *pem = NULL;
	size_t pem_len = 0;
	struct cvm_evidence_policy pol;
	TPMT_SIGNATURE sig;

	if (sh("command -v tpm2_createak >/dev/null && command -v tpm2_evictcontrol >/dev/null", NULL, 0) != 0) {
		print_message("skip: tpm2-tools not installed\n");
		skip();
	}
	snprintf(pem_path, sizeof(pem_path), "%s/ak-ecc.pem", e->dir);
	snprintf(cmd, sizeof(cmd),
	         "cd %s && export TPM2TOOLS_TCTI='%s' && tpm2_createek -c ek.ctx -G rsa -u ek.pub >/dev/null && "
	         "tpm2_flushcontext -t && tpm2_createak -C ek.ctx -c ak.ctx -G ecc -s ecdsa -g sha256 -u %s -f pem "
	         "-n ak.name >/dev/null && tpm2_flushcontext -t && tpm2_evictcontrol -C o -c ak.ctx 0x81010042 "
	         ">/dev/null && tpm2_flushcontext -t",
	         e->dir, cfg.tpm_tcti, pem_path);
	assert_int_equal(sh(cmd, NULL, 0), 0);
	snprintf(cfg.tpm_ak, sizeof(cfg.tpm_ak), "0x81010042");
	cfg.tpm_pcr = 16; /* the log test_pcr_change started goes on */
	memset(nonce, 0xee, sizeof(nonce));
	snprintf(rec, sizeof(rec), "%s/rec-k.json", e->dir);
	snprintf(out, sizeof(out), "%s/bundle-k.json", e->dir);
	write_record(rec, "k1", "bbbbbbbb-2222-3333-4444-555555555555", "enforce", 200014);
	if (cvm_evidence_record_launch(&cfg, rec, &err) != 0)
		fail_msg("%s", err.msg);
	if (cvm_evidence_bundle(&cfg, "k1", nonce, sizeof(nonce), out, &err) != 0)
		fail_msg("%s", err.msg);
	load_bundle(out, &b);
	assert_int_equal(cvm_read_file(pem_path, 1 << 16, &pem, &pem_len, &err), 0);
	assert_string_equal(b.ak_pem, (char *)pem);
	assert_int_equal(cvm_tpm_sig_unmarshal(b.signature.data, b.signature.len, &sig, &err), 0);
	assert_int_equal(sig.sigAlg, TPM2_ALG_ECDSA);
	policy_for(&pol, (char *)pem, "{}");
	pol.pcr = cfg.tpm_pcr;
	assert_true(verify(&b, &pol, nonce, sizeof(nonce), NULL, NULL));
	/* not a persistent handle */
	snprintf(cfg.tpm_ak, sizeof(cfg.tpm_ak), "ak.ctx");
	assert_int_equal(cvm_evidence_bundle(&cfg, "k1", nonce, sizeof(nonce), out, &err), -1);
	assert_non_null(strstr(err.msg, "not a persistent handle"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_tampering),
	    cmocka_unit_test(test_torn_append),
	    cmocka_unit_test(test_no_tpm),
	    cmocka_unit_test(test_unknown_tenant_and_bad_nonce),
	    cmocka_unit_test(test_pcr_reset_rotates_log),
	    cmocka_unit_test(test_pcr_change),
	    cmocka_unit_test(test_persistent_ak),
	};
	if (!getenv("CVM_SOURCE_DIR")) {
		fprintf(stderr, "skip: CVM_SOURCE_DIR is not set\n");
		return 77;
	}
	if (sh("command -v swtpm >/dev/null", NULL, 0) != 0) {
		fprintf(stderr, "skip: swtpm is not installed\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
