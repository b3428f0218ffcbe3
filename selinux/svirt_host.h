/* What this host offers for sVirt, and the spec's `selinux:` decision.
 * Probe is I/O; decide/json/print are pure so tests feed them fake hosts. */
#ifndef CVM_SVIRT_HOST_H
#define CVM_SVIRT_HOST_H

#include <stdbool.h>
#include <stdio.h>

#include "cvm_err.h"
#include "svirt_context.h"

struct cvm_svirt_host {
	bool enabled; /* an SELinux policy is loaded */
	bool enforcing;
	bool mls;                                /* MLS/MCS policy: the only kind sVirt can use */
	char policy_type[64];                    /* SELINUXTYPE, e.g. "default" */
	bool contexts_present;                   /* both virt context files parse */
	char domain_context[CVM_SVIRT_CTX_MAX];  /* line 1 of virtual_domain_context */
	char image_context[CVM_SVIRT_CTX_MAX];   /* line 1 of virtual_image_context */
	char content_context[CVM_SVIRT_CTX_MAX]; /* line 2 of virtual_image_context */
	char tcg_context[CVM_SVIRT_CTX_MAX];     /* line 2 of virtual_domain_context or "" */
	char why[256];                           /* why sVirt is unusable, "" when usable */
};

enum cvm_svirt_mode {
	CVM_SVIRT_MODE_AUTO = 0,
	CVM_SVIRT_MODE_REQUIRE,
	CVM_SVIRT_MODE_OFF,
};

enum cvm_svirt_decision {
	CVM_SVIRT_USE = 0,     /* label everything, run the guest in the pair */
	CVM_SVIRT_UNAVAILABLE, /* auto on a host without usable SELinux: record it */
	CVM_SVIRT_DISABLED,    /* off: do nothing */
};

/* Fill @h from libselinux (never fails: an unusable host says why). */
void cvm_svirt_host_probe(struct cvm_svirt_host *h);

/* Pure: fill the context fields and contexts_present from file texts
 * (NULL = file missing). Used by probe and by tests. */
void cvm_svirt_host_set_contexts(struct cvm_svirt_host *h, const char *domain_text, const char *image_text);

/* "auto"/"require"/"off" -> mode; -1 on anything else. */
int cvm_svirt_mode_parse(const char *s, enum cvm_svirt_mode *out);
const char *cvm_svirt_mode_name(enum cvm_svirt_mode m);
const char *cvm_svirt_decision_name(enum cvm_svirt_decision d);

/* Pure. require on a host without usable SELinux, or permissive without
 * @allow_permissive: CVM_EXIT_BADINPUT naming what is missing (the caller
 * exits 2 before changing anything). */
int cvm_svirt_decide(enum cvm_svirt_mode mode, const struct cvm_svirt_host *h, bool allow_permissive,
                     enum cvm_svirt_decision *out, cvm_err *err);

/* "enforcing" | "permissive" | "disabled": the word the launch record uses. */
const char *cvm_svirt_host_state(const struct cvm_svirt_host *h);

/* For `cvm-launch probe`: a json-c object (caller owns it; NULL on OOM) and
 * a human-readable block. */
struct json_object *cvm_svirt_host_json(const struct cvm_svirt_host *h);
void cvm_svirt_host_print(FILE *f, const struct cvm_svirt_host *h);

#endif
