#include "svirt_restore_hook.h"

#include <errno.h>

#include <selinux/selinux.h>

int cvm_release_restore_label(const char *path, const char *context, cvm_err *err)
{
	if (!context[0])
		return 0;
	if (lsetfilecon_raw(path, context) < 0 && errno != ENOENT)
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "restore label %s on %s", context, path);
	return 0;
}
