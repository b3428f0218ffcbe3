#!/usr/bin/env bash
# MCS allocation figures for docs/benchmarks.md (bench_mcs, one core).
# Usage: tests/bench/run_selinux.sh [BUILD_DIR] [SECONDS]
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$src/build}
secs=${2:-1}
pin="taskset -c 0"
command -v taskset >/dev/null || pin=""
grep -m1 "model name" /proc/cpuinfo || true
$pin "$build/tests/bench/bench_mcs" "$secs"
