#include "svirt_restore_hook.h"

#include <limits.h>
#include <stdio.h>

#include "svirt_label.h"

/* The selinux module restores exactly the raw context recorded before the
 * change; "" means the file had none, and the recorded label is removed. */
int cvm_release_restore_label(const char *path, const char *context, cvm_err *err)
{
	struct cvm_svirt_saved s;

	if (snprintf(s.path, sizeof(s.path), "%s", path) >= (int)sizeof(s.path) ||
	    snprintf(s.context, sizeof(s.context), "%s", context) >= (int)sizeof(s.context))
		return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "saved label of %.200s is too long", path);
	return cvm_svirt_restore(&s, err);
}
