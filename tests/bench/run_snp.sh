#!/usr/bin/env bash
# SNP verification figures for docs/benchmarks.md, on one core:
#   openssl speed ecdsap384 (verify/s: the limit for one report),
#   bench_snp (in-process raw / cold / warm), and attest-verify per process.
# Usage: tests/bench/run_snp.sh [BUILD_DIR] [SECONDS]
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$src/build}
secs=${2:-3}
export CVM_VECTORS_DIR=${CVM_VECTORS_DIR:-$src/../shared/vectors}
pin="taskset -c 0"
command -v taskset >/dev/null || pin=""

echo "== machine"
grep -m1 "model name" /proc/cpuinfo || true
openssl version
echo "== openssl speed ecdsap384 (one core)"
$pin openssl speed -seconds "$secs" ecdsap384 2>/dev/null | grep -E "^ *384 bits ecdsa" || true
echo "== in-process (bench_snp)"
$pin "$build/tests/bench/bench_snp" "$secs"
echo "== per process (attest-verify snp, real Milan v2 vector)"
V=$CVM_VECTORS_DIR/snp/milan-v2
if [ -r "$V/report.bin" ]; then
  # Rate per CPU second (user+sys of the children), like openssl speed, and
  # per wall-clock second on this (shared) machine.
  n=$(( ${secs%.*} * 20 ))
  TIMEFORMAT='%R %U %S'
  t=$( { time for ((i = 0; i < n; i++)); do
      $pin "$build/attest/attest-verify" snp "$V/report.bin" --certs "$V/vcek.der" "$V/ask_ark.pem" \
        --at-time 2025-01-01 >/dev/null
    done; } 2>&1 )
  read -r real user sys <<<"$t"
  awk -v n="$n" -v r="$real" -v u="$user" -v s="$sys" \
    'BEGIN { printf "cli    %10.1f reports/s per CPU second, %.1f per wall second  (%d runs)\n", n / (u + s), n / r, n }'
else
  echo "vectors absent: per-process figure skipped"
fi
