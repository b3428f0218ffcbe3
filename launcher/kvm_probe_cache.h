/* The KVM probe costs up to its deadline (3 s on hosts where guests stall in
 * firmware), too much to pay on every `run` with accel auto or kvm. Its
 * result holds for one boot, one emulator binary and one host root, so it is
 * cached in <state_dir>/cache/kvm-probe.json keyed by all three; `probe`
 * always probes afresh and refreshes the cache. */
#ifndef CVM_KVM_PROBE_CACHE_H
#define CVM_KVM_PROBE_CACHE_H

#include <stdbool.h>

#include "hostcfg.h"
#include "kvm_probe.h"

/* @refresh: ignore a cached result (and replace it). A cached result says so
 * at the start of out->detail. Never fails: a cache that cannot be read or
 * written means probing. */
void cvm_kvm_probe_cached(const struct cvm_hostcfg *cfg, const char *emulator, const char *emulator_sha256,
			  int timeout_ms, bool refresh, struct cvm_kvm_probe *out);

#endif
