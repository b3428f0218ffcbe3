#!/usr/bin/env bash
# The README's test command: install, build, and run the whole suite three
# times: the release build, an ASan+UBSan build, and a clang/libFuzzer build
# that runs every fuzz target for a short time.
#   scripts/test.sh            everything
#   scripts/test.sh --quick    release build only
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
quick=0
[ "${1:-}" = "--quick" ] && quick=1
jobs=$(nproc)

run_ctest() {
  local dir=$1; shift
  (cd "$dir" && ctest --output-on-failure --timeout 900 "$@")
}

"$here/scripts/setup.sh" "$here/build"
run_ctest "$here/build" -j1

if [ $quick -eq 0 ]; then
  echo "== ASan/UBSan build =="
  cmake -S "$here" -B "$here/build-asan" -DCVM_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
  cmake --build "$here/build-asan" -j"$jobs"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_ctest "$here/build-asan" -j1

  echo "== libFuzzer build =="
  CC=clang cmake -S "$here" -B "$here/build-fuzz" -DCVM_FUZZ=ON -DCVM_SANITIZE=ON \
    -DCMAKE_BUILD_TYPE=Debug >/dev/null
  cmake --build "$here/build-fuzz" -j"$jobs"
  run_ctest "$here/build-fuzz" -L fuzz -j"$jobs"
fi
