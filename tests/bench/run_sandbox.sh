#!/usr/bin/env bash
# Launcher overhead before the emulator's first instruction (see
# bench_sandbox.c). Usage: tests/bench/run.sh [BUILD_DIR] [RUNS]   (as root)
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$here/build}" && pwd)
runs=${2:-100}
[ "$(id -u)" -eq 0 ] || { echo "run as root" >&2; exit 2; }
cmake --build "$build" --target bench_sandbox hostile_payload -j2 >/dev/null
work=$(mktemp -d /tmp/cvm-bench.XXXXXX); trap 'rm -rf "$work"' EXIT
chmod 755 "$work"; mkdir "$work/run"; chown 200999:200999 "$work/run"; chmod 700 "$work/run"
echo "# $(uname -r), $(nproc) CPUs, $runs runs per line, payload: hostile_payload RUN true"
"$build/tests/bench/bench_sandbox" "$here/policy/seccomp/qemu-system-x86_64.policy" \
  "$build/tests/hostile_payload" "$work/run" 200999 "$runs"
