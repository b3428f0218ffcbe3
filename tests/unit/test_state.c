/* Tenant state: name rules, atomic save/load round trip, listing, removal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cvm_cleanup.h"
#include "cvm_fileio.h"
#include "state.h"

static void test_names(void **state)
{
	(void)state;
	assert_int_equal(cvm_state_check_name("web-1.a_b", NULL), 0);
	assert_int_equal(cvm_state_check_name("0", NULL), 0);
	assert_int_equal(cvm_state_check_name("", NULL), -1);
	assert_int_equal(cvm_state_check_name("-a", NULL), -1);
	assert_int_equal(cvm_state_check_name("a/b", NULL), -1);
	assert_int_equal(cvm_state_check_name("a..b", NULL), -1);
	assert_int_equal(cvm_state_check_name("Abc", NULL), -1);
	assert_int_equal(cvm_state_check_name("a23456789012345678901234567890123456789012345678", NULL), 0);
	assert_int_equal(cvm_state_check_name("a234567890123456789012345678901234567890123456789", NULL), -1);
}

static void test_roundtrip(void **state)
{
	char dir[] = "/tmp/cvm-state-XXXXXX";
	struct cvm_hostcfg cfg;
	struct cvm_tenant_state st = { 0 }, back;
	struct cvm_saved_label l = { .relabeled = true, .uid = 5, .gid = 6, .chowned = true };
	cvm_autostrv char **names = NULL;
	cvm_err err = { 0 };

	(void)state;
	assert_non_null(mkdtemp(dir));
	cvm_hostcfg_defaults(&cfg);
	snprintf(cfg.state_dir, sizeof(cfg.state_dir), "%s", dir);
	snprintf(st.name, sizeof(st.name), "t1");
	snprintf(st.uuid, sizeof(st.uuid), "u");
	snprintf(st.mcs, sizeof(st.mcs), "c1,c2");
	st.status = CVM_TENANT_RUNNING;
	st.uid = 200001;
	st.guest_pid = 42;
	st.guest_start = 123456789012ULL;
	snprintf(l.path, sizeof(l.path), "/img");
	snprintf(l.context, sizeof(l.context), "system_u:object_r:virt_image_t:s0");
	assert_int_equal(cvm_state_add_label(&st, &l), 0);
	assert_int_equal(cvm_state_save(&cfg, &st, &err), 0);
	assert_int_equal(cvm_state_load(&cfg, "t1", &back, &err), 0);
	assert_string_equal(back.mcs, "c1,c2");
	assert_int_equal(back.status, CVM_TENANT_RUNNING);
	assert_int_equal(back.uid, 200001);
	assert_int_equal(back.guest_start, 123456789012ULL);
	assert_int_equal(back.n_labels, 1);
	assert_string_equal(back.labels[0].context, "system_u:object_r:virt_image_t:s0");
	assert_true(back.labels[0].chowned && back.labels[0].relabeled);
	assert_int_equal(back.labels[0].gid, 6);
	assert_int_equal(cvm_state_list(&cfg, &names, &err), 0);
	assert_string_equal(names[0], "t1");
	assert_null(names[1]);
	assert_int_equal(cvm_state_remove(&cfg, "t1", &err), 0);
	cvm_state_free(&back);
	assert_int_equal(cvm_state_load(&cfg, "t1", &back, &err), -1);
	assert_string_equal(err.msg, "no tenant named 't1'");
	cvm_state_free(&st);
	assert_int_equal(cvm_rm_rf(dir, &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_roundtrip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
