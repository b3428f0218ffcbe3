#!/usr/bin/env bash
# TPM evidence figures: openssl speed for the signature limits, bench_tpm in
# one process (pinned to one core), attest-verify tpm once per process, and
# launch recording / bundling against swtpm.
#   tests/bench/run_tpm.sh [BUILD_DIR] [SECONDS]
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
build=$(realpath "${1:-$here/build}")
secs=${2:-3}
cmake --build "$build" --target bench_tpm attest-verify >/dev/null

echo "== openssl speed (limits) =="
taskset -c 0 openssl speed -seconds "$secs" rsa2048 2>/dev/null | grep '^rsa 2048'
taskset -c 0 openssl speed -seconds "$secs" ecdsap256 2>/dev/null | grep 'nistp256'

work=$(mktemp -d /tmp/cvm-bench-tpm.XXXXXX)
trap 'bash "$here/scripts/swtpm.sh" stop "$work/swtpm" >/dev/null 2>&1; rm -rf "$work"' EXIT
tcti=$(bash "$here/scripts/swtpm.sh" start "$work/swtpm" 2>/dev/null) || tcti=
echo "== bench_tpm (in-process, one core) =="
CVM_BENCH_TCTI=$tcti taskset -c 0 "$build/tests/bench/bench_tpm" "$secs"

if [ -n "$tcti" ] && command -v tpm2_quote >/dev/null; then
	export TPM2TOOLS_TCTI=$tcti
	cd "$work"
	tpm2_createek -c ek.ctx -G rsa -u ek.pub >/dev/null && tpm2_flushcontext -t
	tpm2_createak -C ek.ctx -c ak.ctx -G rsa -s rsassa -g sha256 -u ak.pem -f pem -n ak.name >/dev/null
	tpm2_flushcontext -t
	tpm2_quote -c ak.ctx -l sha256:0,1,2,23 -q 0011 -m q.msg -s q.sig -o q.pcrs -g sha256 >/dev/null
	n=50
	start=$(date +%s.%N)
	for _ in $(seq $n); do
		taskset -c 0 "$(realpath "$build")/attest/attest-verify" tpm --quote q.msg --sig q.sig --pcrs q.pcrs --ak ak.pem \
			--nonce 0011 >/dev/null
	done
	end=$(date +%s.%N)
	echo "attest-verify tpm, one process per quote: $(echo "$n / ($end - $start)" | bc -l | cut -c1-6) /wall-s"
	start=$(date +%s.%N)
	for _ in $(seq $n); do
		tpm2_checkquote -u ak.pem -m q.msg -s q.sig -f q.pcrs -q 0011 >/dev/null
	done
	end=$(date +%s.%N)
	echo "tpm2_checkquote, one process per quote:   $(echo "$n / ($end - $start)" | bc -l | cut -c1-6) /wall-s"
fi
