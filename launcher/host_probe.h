/* `cvm-launch probe`: what this host can do, as one JSON object that both
 * the text and the --json output are printed from. */
#ifndef CVM_HOST_PROBE_H
#define CVM_HOST_PROBE_H

#include "hostcfg.h"

struct json_object;

/* Returns a new object: {"kvm":{...}, "emulator":{...}, "selinux":{...},
 * "seccomp":{...}, "landlock":{...}, "cgroup":{...}, "tpm":{...}, ...}.
 * Each section has "available" (bool) and "detail" (why or why not). */
struct json_object *cvm_host_probe(const struct cvm_hostcfg *cfg, int kvm_timeout_ms);

#endif
