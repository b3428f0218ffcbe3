#!/bin/bash
# TDX verification throughput next to `openssl speed ecdsap256` (one core).
# Usage: tests/bench/run_tdx.sh [BUILD_DIR]
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$src/build}
export CVM_VECTORS_DIR=${CVM_VECTORS_DIR:-$src/../shared/vectors}
bin=$build/tests/bench/bench_tdx_verify
[ -x "$bin" ] || { echo "build $bin first (cmake --build $build --target bench_tdx_verify)"; exit 2; }
echo "== $(openssl version), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"
taskset -c 0 "$bin"
v=$CVM_VECTORS_DIR/tdx/v4-collateral
taskset -c 0 "$bin" "$v/quote.dat" "$v" 2025-11-01T00:00:00Z
echo "== openssl speed -seconds 3 ecdsap256 (sign/s verify/s)"
taskset -c 0 openssl speed -seconds 3 ecdsap256 2>/dev/null | tail -1
