/* The sVirt glue of the run path, on this host's files: the apply step
 * (pair in the state before any label, originals recorded before each
 * change, per-disk contexts, refusal of a live tenant's image, the hand-over
 * of shared content between tenants), release leaving shared content to the
 * last user, and the record's selinux section. Without an SELinux kernel the
 * decision is forced to "use"; labels are stored as xattrs on /tmp (root).
 * Skips where the policy's virt context files or xattrs are unavailable. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <json-c/json.h>
#include <selinux/selinux.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cvm_cleanup.h"
#include "cvm_fileio.h"
#include "release.h"
#include "svirt_launch.h"

#define ORIG "system_u:object_r:virt_image_t:s0"

static char dir[] = "/tmp/cvm-svl-XXXXXX";
static struct cvm_hostcfg cfg;

static void mkfile(char *out, const char *name)
{
	cvm_err err = {0};

	snprintf(out, PATH_MAX, "%s/%s", dir, name);
	assert_int_equal(cvm_write_atomic(out, "x", 1, 0600, &err), 0);
	assert_int_equal(setfilecon_raw(out, ORIG), 0);
}

static void label_is(const char *path, const char *want)
{
	char now[256];
	cvm_err err = {0};

	assert_int_equal(cvm_svirt_get_label(path, now, sizeof(now), &err), 0);
	assert_string_equal(now, want);
}

/* A tenant as claim() leaves it: state saved, run dir made. */
static void new_tenant(struct cvm_tenant_state *st, const char *name)
{
	cvm_err err = {0};

	memset(st, 0, sizeof(*st));
	snprintf(st->name, sizeof(st->name), "%s", name);
	snprintf(st->accel, sizeof(st->accel), "tcg");
	snprintf(st->run_dir, sizeof(st->run_dir), "%s/run-%s", dir, name);
	st->exit_status = -1;
	assert_int_equal(mkdir(st->run_dir, 0700), 0);
	assert_int_equal(cvm_state_save(&cfg, st, &err), 0);
}

static void forced_use(struct cvm_launch_svirt *sv)
{
	memset(sv, 0, sizeof(*sv));
	sv->mode = CVM_SVIRT_MODE_REQUIRE;
	sv->decision = CVM_SVIRT_USE;
	sv->host.enabled = sv->host.enforcing = sv->host.mls = true;
}

static void test_apply_release(void **state)
{
	char img_a[PATH_MAX], img_b[PATH_MAX], iso[PATH_MAX], kern[PATH_MAX];
	cvm_autofree struct cvm_prepared *pa = calloc(1, sizeof(*pa));
	cvm_autofree struct cvm_prepared *pb = calloc(1, sizeof(*pb));
	struct cvm_tenant_state a, b, c, back;
	struct cvm_launch_svirt sa, sb, sc;
	cvm_err err = {0};

	mkfile(img_a, "a.img");
	mkfile(img_b, "b.img");
	mkfile(iso, "shared.iso");
	mkfile(kern, "vmlinuz");
	snprintf(pa->spec.kernel, sizeof(pa->spec.kernel), "%s", kern);
	pa->spec.n_disks = 2;
	snprintf(pa->spec.disks[0].path, PATH_MAX, "%s", img_a);
	snprintf(pa->spec.disks[1].path, PATH_MAX, "%s", iso);
	pa->spec.disks[1].readonly = true;
	*pb = *pa;
	snprintf(pb->spec.disks[0].path, PATH_MAX, "%s", img_b);

	new_tenant(&a, "ta");
	forced_use(&sa);
	assert_int_equal(cvm_launch_svirt_apply(&sa, &cfg, pa, &a, &err), 0);
	assert_true(sa.applied);
	assert_non_null(strstr(sa.exec_label, ":svirt_t:s0:c"));
	/* the pair is in the saved state, with every original */
	assert_int_equal(cvm_state_load(&cfg, "ta", &back, &err), 0);
	assert_string_equal(back.mcs, a.mcs);
	assert_int_equal(back.n_labels, 4); /* disk, iso, kernel, run dir */
	for (size_t i = 0; i < 3; i++) {
		assert_true(back.labels[i].relabeled);
		assert_string_equal(back.labels[i].context, ORIG);
	}
	cvm_state_free(&back);
	label_is(img_a, sa.ctx.image);
	label_is(iso, sa.ctx.content);
	label_is(kern, sa.ctx.content);
	label_is(a.run_dir, sa.ctx.image);

	/* b shares iso and kernel: distinct pair, and it records the true
	 * original (virt_image_t), not the content label a set. */
	new_tenant(&b, "tb");
	forced_use(&sb);
	assert_int_equal(cvm_launch_svirt_apply(&sb, &cfg, pb, &b, &err), 0);
	assert_string_not_equal(a.mcs, b.mcs);
	for (size_t i = 0; i < b.n_labels; i++)
		if (strcmp(b.labels[i].path, iso) == 0 || strcmp(b.labels[i].path, kern) == 0)
			assert_string_equal(b.labels[i].context, ORIG);
	assert_true(cvm_launch_svirt_in_use_elsewhere(&cfg, "ta", iso));
	assert_false(cvm_launch_svirt_in_use_elsewhere(&cfg, "ta", img_a));

	/* c asks for a's disk while a lives: refused, naming a; c's state
	 * holds nothing of a's disk. */
	cvm_autofree struct cvm_prepared *pc = calloc(1, sizeof(*pc));
	*pc = *pa;
	pc->spec.kernel[0] = '\0';
	pc->spec.n_disks = 1;
	new_tenant(&c, "tc");
	forced_use(&sc);
	assert_int_equal(cvm_launch_svirt_apply(&sc, &cfg, pc, &c, &err), -1);
	assert_int_equal(err.exit_code, CVM_EXIT_BADINPUT);
	assert_non_null(strstr(err.msg, "\"ta\""));
	assert_int_equal(c.n_labels, 0);
	label_is(img_a, sa.ctx.image);
	assert_int_equal(cvm_tenant_release(&cfg, &c, NULL, &err), 0);
	cvm_state_free(&c);

	/* The record names the pair, the exec label and every file's label. */
	snprintf(sa.seen_label, sizeof(sa.seen_label), "%s", sa.exec_label);
	cvm_autojson struct json_object *rec = cvm_launch_svirt_record(&sa, &a);
	struct json_object *v, *files;
	assert_true(json_object_object_get_ex(rec, "mcs", &v));
	assert_string_equal(json_object_get_string(v), a.mcs);
	assert_true(json_object_object_get_ex(rec, "files", &files));
	assert_int_equal(json_object_array_length(files), 4);

	/* a leaves first: its own disk is restored, shared content is not. */
	assert_int_equal(cvm_tenant_release(&cfg, &a, NULL, &err), 0);
	label_is(img_a, ORIG);
	label_is(iso, sb.ctx.content);
	label_is(kern, sb.ctx.content);
	/* b is the last user: everything back to the original. */
	assert_int_equal(cvm_tenant_release(&cfg, &b, NULL, &err), 0);
	label_is(img_b, ORIG);
	label_is(iso, ORIG);
	label_is(kern, ORIG);
	cvm_state_free(&a);
	cvm_state_free(&b);
}

static void test_decide_and_record(void **state)
{
	struct cvm_launch_svirt sv;
	cvm_err err = {0};

	assert_int_equal(cvm_launch_svirt_decide(&cfg, CVM_MODE_OFF, &sv, &err), 0);
	assert_int_equal(sv.decision, CVM_SVIRT_DISABLED);
	assert_null(sv.exec_label);
	cvm_autojson struct json_object *off = cvm_launch_svirt_record(&sv, NULL);
	assert_string_equal(json_object_to_json_string_ext(off, JSON_C_TO_STRING_PLAIN),
	                    "{\"state\":\"off\",\"mode\":\"off\"}");
	if (is_selinux_enabled() > 0)
		return; /* the rest is about hosts without SELinux */
	assert_int_equal(cvm_launch_svirt_decide(&cfg, CVM_MODE_REQUIRE, &sv, &err), -1);
	assert_int_equal(err.exit_code, CVM_EXIT_BADINPUT);
	assert_int_equal(cvm_launch_svirt_decide(&cfg, CVM_MODE_AUTO, &sv, &err), 0);
	assert_int_equal(sv.decision, CVM_SVIRT_UNAVAILABLE);
	/* apply, create contexts and verify are no-ops then */
	struct cvm_tenant_state st = {0};
	assert_int_equal(cvm_launch_svirt_apply(&sv, &cfg, NULL, &st, &err), 0);
	assert_int_equal(cvm_launch_svirt_create_begin(&sv, &err), 0);
	assert_int_equal(cvm_launch_svirt_verify(&sv, getpid(), &err), 0);
	assert_string_equal(st.mcs, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_decide_and_record),
	    cmocka_unit_test(test_apply_release),
	};
	cvm_err err = {0};
	const char *dom = selinux_virtual_domain_context_path();

	if (!dom || access(dom, R_OK) < 0) {
		printf("SKIP: no virtual_domain_context (apt-get install selinux-policy-default)\n");
		return 77;
	}
	if (!mkdtemp(dir))
		return 1;
	char probe[PATH_MAX];
	snprintf(probe, sizeof(probe), "%s/probe", dir);
	if (cvm_write_atomic(probe, "", 0, 0600, &err) < 0 || setfilecon_raw(probe, ORIG) < 0) {
		printf("SKIP: cannot store security.selinux xattrs here (%s); needs root\n", strerror(errno));
		cvm_rm_rf(dir, &err);
		return 77;
	}
	cvm_hostcfg_defaults(&cfg);
	snprintf(cfg.state_dir, sizeof(cfg.state_dir), "%s/state", dir);
	snprintf(cfg.run_dir, sizeof(cfg.run_dir), "%s", dir);
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	cvm_rm_rf(dir, &err);
	return rc;
}
