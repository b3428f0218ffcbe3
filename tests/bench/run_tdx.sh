#!/usr/bin/env bash
# TDX verification figures for docs/benchmarks.md, on one core:
#   openssl speed ecdsap256 (verify/s; a quote needs two verifications plus
#   the chain), bench_tdx_verify (in-process raw / cold / warm, without and
#   with the real collateral), and attest-verify tdx per process.
# Usage: tests/bench/run_tdx.sh [BUILD_DIR] [SECONDS]
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$src/build}
secs=${2:-3}
export CVM_VECTORS_DIR=${CVM_VECTORS_DIR:-$src/../shared/vectors}
pin="taskset -c 0"
command -v taskset >/dev/null || pin=""
V=$CVM_VECTORS_DIR/tdx

echo "== machine"
grep -m1 "model name" /proc/cpuinfo || true
openssl version
echo "== openssl speed ecdsap256 (one core)"
$pin openssl speed -seconds "$secs" ecdsap256 2>/dev/null | grep -E "^ *256 bits ecdsa" || true
echo "== in-process (bench_tdx_verify)"
$pin "$build/tests/bench/bench_tdx_verify" "$secs"
if [ -r "$V/v4-collateral/tcbInfo.json" ]; then
  $pin "$build/tests/bench/bench_tdx_verify" "$secs" "$V/v4-collateral/quote.dat" "$V/v4-collateral" \
    2025-11-01T00:00:00Z 2>&1 | grep -v "^raw" || true
fi
echo "== per process (attest-verify tdx, real v4 quote)"
if [ -r "$V/v4-collateral/quote.dat" ]; then
  n=$(( ${secs%.*} * 20 ))
  TIMEFORMAT='%R %U %S'
  t=$( { time for ((i = 0; i < n; i++)); do
      $pin "$build/attest/attest-verify" tdx "$V/v4-collateral/quote.dat" --at-time 2026-03-01 >/dev/null
    done; } 2>&1 )
  read -r real user sys <<<"$t"
  awk -v n="$n" -v r="$real" -v u="$user" -v s="$sys" \
    'BEGIN { printf "cli    %10.1f quotes/s per CPU second, %.1f per wall second  (%d runs)\n", n / (u + s), n / r, n }'
else
  echo "vectors absent: per-process figure skipped"
fi
