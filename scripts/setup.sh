#!/usr/bin/env bash
# Install what cvm-launcher needs on Debian 12 (as root) and build it.
#   scripts/setup.sh [BUILD_DIR] [extra cmake args...]
# Installs only missing packages, so a second run is quick and offline.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
shift || true

pkgs=(
  pkg-config cmake make gcc clang libclang-rt-14-dev
  libselinux1-dev libseccomp-dev libssl-dev openssl libtss2-dev libjson-c-dev libcmocka-dev
  qemu-system-x86 qemu-utils swtpm swtpm-tools tpm2-tools
  busybox-static cpio linux-image-amd64 kmod
  selinux-policy-default selinux-policy-dev checkpolicy semodule-utils policycoreutils
  selinux-utils strace
  python3  # JSON checks in tests/integration/test_attest_snp_cli.sh
  jq xxd   # JSON and raw-byte handling in tests/integration/test_attest_tdx_cli.sh
  ovmf     # real OVMF images for the measurement tests
  bc xz-utils  # benchmark arithmetic (tests/bench); compressed kernel modules for the guest image
)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing packages (run as root to install): ${missing[*]}" >&2
    exit 2
  fi
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$build" -j"$(nproc)"
