/* sVirt contexts for one tenant, composed from the policy's
 * virtual_domain_context / virtual_image_context files (DESIGN §2).
 * All contexts are raw (untranslated) strings. */
#ifndef CVM_SVIRT_CONTEXT_H
#define CVM_SVIRT_CONTEXT_H

#include <stdbool.h>

#include "cvm_err.h"
#include "mcs.h"

#define CVM_SVIRT_CTX_MAX 256

struct cvm_svirt_contexts {
	char process[CVM_SVIRT_CTX_MAX];     /* domain line 1 + pair: KVM guests */
	char process_tcg[CVM_SVIRT_CTX_MAX]; /* domain line 2 + pair; = process when absent */
	bool has_tcg_domain;                 /* the policy names a separate TCG domain */
	char image[CVM_SVIRT_CTX_MAX];       /* image line 1 + pair: read-write disks, run dir */
	char content[CVM_SVIRT_CTX_MAX];     /* image line 2 as given: readonly disks, kernel, ... */
	char shared[CVM_SVIRT_CTX_MAX];      /* image line 1 at the bare sensitivity: shared disks */
};

/* Pure core: compose from the two files' contents (@domain_text,
 * @image_text) and @pair. Fails with CVM_EXIT_BADINPUT naming @origin when a
 * line is missing, not a context, or has no MLS range (non-MCS policy). */
int cvm_svirt_contexts_compose(const char *domain_text, const char *image_text, const struct cvm_mcs_pair *pair,
                               struct cvm_svirt_contexts *out, cvm_err *err);

/* Read the files named by selinux_virtual_{domain,image}_context_path() and
 * compose. A host without them: CVM_EXIT_BADINPUT naming the path. */
int cvm_svirt_contexts_load(const struct cvm_mcs_pair *pair, struct cvm_svirt_contexts *out, cvm_err *err);

/* The process context for an accelerator ("tcg" picks the TCG domain when
 * the policy has one). */
const char *cvm_svirt_process_context(const struct cvm_svirt_contexts *c, const char *accel);

#endif
