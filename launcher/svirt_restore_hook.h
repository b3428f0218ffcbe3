/* Seam to the selinux module for label restore, kept in one place so
 * release.c does not depend on libselinux details. */
#ifndef CVM_SVIRT_RESTORE_HOOK_H
#define CVM_SVIRT_RESTORE_HOOK_H

#include "cvm_err.h"

/* Put back @context ("" = nothing to restore) on @path; a missing file is fine. */
int cvm_release_restore_label(const char *path, const char *context, cvm_err *err);

#endif
