#!/usr/bin/env bash
# Benchmark: `cvm-launch measure` (SNP, kernel hashes) on a 2 MiB firmware
# and the distro kernel + initrd, per process, next to this machine's
# SHA-384 throughput (`openssl speed -evp sha384`). Goal: within 2x of
# hashing those bytes once.
#   tests/bench/bench_measure.sh [BUILD_DIR] [RUNS]
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$here/build}
runs=${2:-15}
L=$build/launcher/cvm-launch
V=${CVM_VECTORS_DIR:-$here/../shared/vectors}/measure
kernel=$(ls /boot/vmlinuz-* 2>/dev/null | head -1)
initrd=$(ls /boot/initrd.img-* 2>/dev/null | head -1)
[ -x "$L" ] || { echo "build cvm-launch first ($L)"; exit 2; }
[ -r "$V/ovmf_AmdSev_suffix.bin" ] || { echo "skip: no vectors at $V"; exit 77; }
[ -n "$kernel" ] && [ -n "$initrd" ] || { echo "skip: no kernel/initrd in /boot"; exit 77; }
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT

# A 2 MiB firmware with a kernel hashes section: distro OVMF code (or
# random bytes) topped with the AmdSev footer/metadata page from the vectors.
src=/usr/share/OVMF/OVMF_CODE.fd
if [ -r "$src" ]; then cp "$src" "$t/fw.fd"; else head -c 2097152 /dev/urandom > "$t/fw.fd"; fi
truncate -s $((2097152 - 4096)) "$t/fw.fd"
cat "$V/ovmf_AmdSev_suffix.bin" >> "$t/fw.fd"
bytes=$(( $(stat -c %s "$t/fw.fd") + $(stat -c %s "$kernel") + $(stat -c %s "$initrd") ))

now_ns() { date +%s%N; }
median_ms() { sort -n | awk '{a[NR]=$1} END {m=a[int((NR+1)/2)]; printf "%.1f", m/1e6}'; }
time_runs() { # command...
	for _ in $(seq "$runs"); do
		s=$(now_ns); "$@" > /dev/null; e=$(now_ns); echo $((e - s))
	done | median_ms
}

cat "$t/fw.fd" "$kernel" "$initrd" > /dev/null # warm the page cache
measure_ms=$(time_runs "$L" measure --mode snp --vcpus 4 --vcpu-type EPYC-Milan --ovmf "$t/fw.fd" \
	--kernel "$kernel" --initrd "$initrd" --append "console=ttyS0 root=/dev/vda")
dgst_ms=$(time_runs sh -c "cat '$t/fw.fd' '$kernel' '$initrd' | openssl dgst -sha384")
speed() { openssl speed -seconds 2 -bytes 16384 -evp "$1" 2>/dev/null | awk -v a="$1" '$1 == a {print $2}' | tr -d k; }
s384=$(speed sha384)
s256=$(speed sha256)
once384=$(awk -v b="$bytes" -v k="$s384" 'BEGIN {printf "%.1f", b / (k * 1000) * 1000}')
once256=$(awk -v b="$bytes" -v k="$s256" 'BEGIN {printf "%.1f", b / (k * 1000) * 1000}')
ratio=$(awk -v m="$measure_ms" -v o="$once384" 'BEGIN {printf "%.2f", m / o}')
echo "inputs: firmware 2 MiB, $(basename "$kernel") $(stat -c %s "$kernel") B, $(basename "$initrd") $(stat -c %s "$initrd") B; total $bytes B"
echo "cvm-launch measure --mode snp (kernel hashes, 4 vCPUs), median of $runs processes: $measure_ms ms"
echo "openssl sha384 throughput (16 KiB blocks): ${s384} kB/s -> hashing the inputs once: $once384 ms"
echo "openssl sha256 throughput (16 KiB blocks): ${s256} kB/s -> $once256 ms"
echo "cat | openssl dgst -sha384 per process, median: $dgst_ms ms"
echo "ratio measure / sha384-once: $ratio (goal <= 2)"
awk -v r="$ratio" 'BEGIN {exit !(r <= 2)}' && echo "PASS" || { echo "OVER BUDGET"; exit 1; }
