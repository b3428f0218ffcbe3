/* sVirt in the run path (DESIGN §2, §3): the `selinux:` decision before
 * anything changes, the MCS pair under the host-wide lock, labels recorded
 * in the tenant state before each change, the exec label for the sandbox,
 * verification of the live guest and its part of the launch record. */
#ifndef CVM_SVIRT_LAUNCH_H
#define CVM_SVIRT_LAUNCH_H

#include <sys/types.h>

#include "cvm_err.h"
#include "hostcfg.h"
#include "launch_prepare.h"
#include "mcs.h"
#include "state.h"
#include "svirt_context.h"
#include "svirt_host.h"
#include "svirt_label.h"

struct json_object;

struct cvm_launch_svirt {
	enum cvm_svirt_mode mode;
	enum cvm_svirt_decision decision;
	struct cvm_svirt_host host;
	struct cvm_mcs_pair pair;           /* valid once applied */
	struct cvm_svirt_contexts ctx;      /* valid once applied */
	const char *exec_label;             /* into ctx, NULL unless decision is USE */
	char seen_label[CVM_SVIRT_CTX_MAX]; /* what the guest's threads carry */
	bool applied;
};

/* Before any change: probe the host and decide. `require` on a host that
 * cannot confine (or is permissive without selinux_allow_permissive) is
 * CVM_EXIT_BADINPUT. */
int cvm_launch_svirt_decide(const struct cvm_hostcfg *cfg, enum cvm_mode3 mode, struct cvm_launch_svirt *sv,
                            cvm_err *err);

/* Under the host-wide lock, with @st saved and its run dir created: pick the
 * pair (every tenant state + every live process label), save it in @st, then
 * label disks, kernel/initrd/firmware and the run dir, each original saved in
 * @st (and @st written) before the file changes. No-op unless USE. */
int cvm_launch_svirt_apply(struct cvm_launch_svirt *sv, const struct cvm_hostcfg *cfg, const struct cvm_prepared *p,
                           struct cvm_tenant_state *st, cvm_err *err);

/* Around the launcher's own creations in the run dir (logs, sockets it
 * hands to the guest): files get the pair's image context, sockets the
 * guest's process context. Per thread; end resets both. No-op unless USE. */
int cvm_launch_svirt_create_begin(const struct cvm_launch_svirt *sv, cvm_err *err);
void cvm_launch_svirt_create_end(const struct cvm_launch_svirt *sv);

/* After exec: every thread of @pid must carry the exec label
 * (CVM_EXIT_SANDBOX otherwise). No-op unless USE. */
int cvm_launch_svirt_verify(struct cvm_launch_svirt *sv, pid_t pid, cvm_err *err);

/* The launch record's "selinux" object (caller owns it). */
struct json_object *cvm_launch_svirt_record(const struct cvm_launch_svirt *sv, const struct cvm_tenant_state *st);

/* Another tenant's state also holds a saved label for @path (a content or
 * shared image both use): the release of @self must leave it labeled; the
 * last tenant to release restores the original. Caller holds the lock. */
bool cvm_launch_svirt_in_use_elsewhere(const struct cvm_hostcfg *cfg, const char *self, const char *path);

/* Conversions between the selinux module's saved label and the state's. */
void cvm_svirt_saved_to_state(const struct cvm_svirt_saved *in, struct cvm_saved_label *out);
void cvm_svirt_saved_from_state(const struct cvm_saved_label *in, struct cvm_svirt_saved *out);

#endif
