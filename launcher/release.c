#include "release.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cvm_fileio.h"
#include "svirt_restore_hook.h"

static int restore_one(const struct cvm_saved_label *l, cvm_err *err)
{
	if (l->relabeled && cvm_release_restore_label(l->path, l->context, err) < 0)
		return -1;
	if (l->chowned && lchown(l->path, l->uid, l->gid) < 0 && errno != ENOENT)
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "restore owner of %s", l->path);
	return 0;
}

int cvm_tenant_release(const struct cvm_hostcfg *cfg, struct cvm_tenant_state *st, FILE *log, cvm_err *err)
{
	cvm_err first = { 0 };
	cvm_err e = { 0 };

	for (size_t i = st->n_labels; i-- > 0;) {
		if (restore_one(&st->labels[i], &e) < 0) {
			if (log)
				fprintf(log, "cvm-launch: tenant %s: %s\n", st->name, e.msg);
			if (!first.msg[0])
				first = e;
		}
	}
	if (st->run_dir[0] && cvm_rm_rf(st->run_dir, &e) < 0 && !first.msg[0])
		first = e;
	if (first.msg[0]) {
		/* keep the state: it is the only record of what still needs restoring */
		if (err)
			*err = first;
		return -1;
	}
	return cvm_state_remove(cfg, st->name, err);
}
