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

# Per process: wall time and CPU time (user + sys). openssl speed counts
# user CPU time, so CPU time is the like-for-like figure; wall time on a
# shared 2-core machine mostly measures the other tenants' load.
median() { sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]}'; }
time_runs() { # command... -> "wall_ms cpu_ms" medians
	local TIMEFORMAT='%3R %3U %3S' out
	for _ in $(seq "$runs"); do
		out=$({ time "$@" > /dev/null; } 2>&1 | tail -1)
		echo "$out"
	done > "$t/times"
	echo "$(awk '{print $1 * 1000}' "$t/times" | median) $(awk '{print ($2 + $3) * 1000}' "$t/times" | median)"
}

cat "$t/fw.fd" "$kernel" "$initrd" > /dev/null # warm the page cache
read -r measure_wall measure_ms < <(time_runs "$L" measure --mode snp --vcpus 4 --vcpu-type EPYC-Milan --ovmf "$t/fw.fd" \
	--kernel "$kernel" --initrd "$initrd" --append "console=ttyS0 root=/dev/vda")
read -r dgst_wall dgst_ms < <(time_runs openssl dgst -sha384 "$t/fw.fd" "$kernel" "$initrd")
speed() { openssl speed -seconds 2 -bytes 16384 -evp "$1" 2>/dev/null | awk -v a="$1" '$1 == a {print $2}' | tr -d k; }
s384=$(speed sha384)
s256=$(speed sha256)
once384=$(awk -v b="$bytes" -v k="$s384" 'BEGIN {printf "%.1f", b / (k * 1000) * 1000}')
once256=$(awk -v b="$bytes" -v k="$s256" 'BEGIN {printf "%.1f", b / (k * 1000) * 1000}')
ratio=$(awk -v m="$measure_ms" -v o="$once384" 'BEGIN {printf "%.2f", m / o}')
echo "inputs: firmware 2 MiB, $(basename "$kernel") $(stat -c %s "$kernel") B, $(basename "$initrd") $(stat -c %s "$initrd") B; total $bytes B"
echo "cvm-launch measure --mode snp (kernel hashes, 4 vCPUs), median of $runs processes: CPU $measure_ms ms, wall $measure_wall ms"
echo "openssl sha384 throughput (16 KiB blocks): ${s384} kB/s -> hashing the inputs once: $once384 ms"
echo "openssl sha256 throughput (16 KiB blocks): ${s256} kB/s -> $once256 ms"
echo "openssl dgst -sha384 of the same files per process, median: CPU $dgst_ms ms, wall $dgst_wall ms"
echo "ratio measure CPU / sha384-once: $ratio (goal <= 2); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v r="$ratio" 'BEGIN {exit !(r <= 2)}' && echo "PASS" || { echo "OVER BUDGET"; exit 1; }
