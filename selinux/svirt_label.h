/* Relabeling a tenant's files and putting the original labels back.
 * Contract: the original label is handed to the caller's record callback
 * (which persists it in the tenant state) BEFORE the file is changed, so a
 * crash at any point leaves enough on disk for recovery to restore it. */
#ifndef CVM_SVIRT_LABEL_H
#define CVM_SVIRT_LABEL_H

#include <limits.h>
#include <stddef.h>

#include "cvm_err.h"
#include "mcs.h"

/* Field sizes match struct cvm_saved_label (launcher/state.h) so the
 * launcher converts by copying. */
struct cvm_svirt_saved {
	char path[PATH_MAX]; /* canonical (realpath) path that was relabeled */
	char context[256];   /* its raw context before, "" when it had none */
};

/* A tenant that is alive on this host, with its pair (from tenant states). */
struct cvm_svirt_owner {
	const char *tenant;
	struct cvm_mcs_pair pair;
};

/* Persist one saved label; return -1 with @err filled to abort the relabel. */
typedef int (*cvm_svirt_record_fn)(void *opaque, const struct cvm_svirt_saved *saved, cvm_err *err);

/* Label @path with @context: canonicalise, read the current raw label, refuse
 * (CVM_EXIT_BADINPUT, naming the tenant) when it carries the pair of one of
 * @live, hand the original to @record, then setfilecon_raw. A file already
 * carrying exactly @context is still recorded (restore is then a no-op). */
int cvm_svirt_label(const char *path, const char *context, const struct cvm_svirt_owner *live, size_t n_live,
                    cvm_svirt_record_fn record, void *opaque, cvm_err *err);

/* Pure part of the check above: which live tenant (if any) owns @context?
 * Returns the index into @live, or -1. */
int cvm_svirt_owner_of(const char *context, const struct cvm_svirt_owner *live, size_t n_live);

/* Put one label back ("" removes the xattr). A path that no longer exists is
 * not an error: there is nothing left to restore. */
int cvm_svirt_restore(const struct cvm_svirt_saved *saved, cvm_err *err);

/* Restore @n labels in reverse order (a file recorded twice ends up with its
 * first, true original). Continues past failures; the first is reported. */
int cvm_svirt_restore_all(const struct cvm_svirt_saved *saved, size_t n, cvm_err *err);

/* Raw label of @path into @buf ("" when none). */
int cvm_svirt_get_label(const char *path, char *buf, size_t len, cvm_err *err);

#endif
