#!/usr/bin/env bash
# cvm-guest-report against fake configfs-tsm trees (SNP and TDX providers),
# the /dev/sev-guest fallback and the refusals.
set -euo pipefail
tool=${CVM_BUILD_DIR:?}/sev/tools/cvm-guest-report
[ -x "$tool" ] || { echo "skip: $tool not built"; exit 77; }
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
bytes() { printf "$(echo "$1" | sed 's/../\\x&/g')"; }   # hex -> raw
zeros() { head -c "$1" /dev/zero; }

data=$(printf '%02x' $(seq 1 64))   # 64 bytes 01..40
root=$t/snp
e=$root/sys/kernel/config/tsm/report/e1
mkdir -p "$e"
echo sev_guest > "$e/provider"
echo 3 > "$e/generation"
: > "$e/inblob"
{ zeros 80; bytes "$data"; zeros $((1184 - 80 - 64)); } > "$e/outblob"
printf 'CERTS' > "$e/auxblob"

# 1. configfs-tsm, SNP provider, raw report out, JSON summary, certs
out=$("$tool" --root "$root" --name e1 --data "$data" -o "$t/r.bin" --certs "$t/c.bin" --json)
cmp -s "$t/r.bin" "$e/outblob" || fail "report file differs from outblob"
cmp -s "$t/c.bin" "$e/auxblob" || fail "certs differ from auxblob"
[ "$(od -An -tx1 -v "$e/inblob" | tr -d ' \n')" = "$data" ] || fail "inblob is not the report data"
echo "$out" | grep -q '"via":"configfs-tsm","provider":"sev_guest","generation":3,' || fail "json: $out"
echo "$out" | grep -q "\"report_data\":\"$data\"" || fail "json report_data: $out"

# 2. short report data is zero-padded; a report without it is refused
{ zeros 80; bytes abcd; zeros $((1184 - 82)); } > "$e/outblob"
hex=$("$tool" --root "$root" --name e1 --data abcd) || fail "short data refused"
[ ${#hex} -eq 2368 ] || fail "hex output is ${#hex} digits"
[ "$(od -An -tx1 -v "$e/inblob" | tr -d ' \n')" = "abcd$(printf '%0124d' 0)" ] || fail "inblob not padded"
set +e
msg=$("$tool" --root "$root" --name e1 --data abce 2>&1); rc=$?
set -e
[ $rc -eq 1 ] && echo "$msg" | grep -q "does not carry the requested report data" || fail "mismatch: rc $rc $msg"

# 3. truncated SNP report
zeros 100 > "$e/outblob"
set +e; msg=$("$tool" --root "$root" --name e1 2>&1); rc=$?; set -e
[ $rc -eq 1 ] && echo "$msg" | grep -q "SNP report is 100 bytes" || fail "short report: $rc $msg"

# 4. a private entry is created and removed again, even on failure (a fake
#    tree has no attribute files in a new folder, so writing inblob fails)
set +e; msg=$("$tool" --root "$root" 2>&1); rc=$?; set -e
[ $rc -eq 1 ] && echo "$msg" | grep -q "inblob: No such file" || fail "private entry: $rc $msg"
[ "$(ls "$root/sys/kernel/config/tsm/report")" = e1 ] || fail "left an entry behind"

# 5. privlevel
set +e; msg=$("$tool" --root "$root" --name e1 --vmpl 2 2>&1); rc=$?; set -e
[ $rc -eq 1 ] && echo "$msg" | grep -q "privlevel" || fail "privlevel missing: $rc $msg"
: > "$e/privlevel"
{ zeros 80; zeros 64; zeros 1040; } > "$e/outblob"
"$tool" --root "$root" --name e1 --vmpl 2 -o "$t/r2.bin" || fail "vmpl 2"
[ "$(cat "$e/privlevel")" = 2 ] || fail "privlevel not written"

# 6. TDX provider: quote v4 with REPORTDATA at 0x238
root=$t/tdx
e=$root/sys/kernel/config/tsm/report/q
mkdir -p "$e"
echo tdx_guest > "$e/provider"
echo 1 > "$e/generation"
: > "$e/inblob"
{ bytes 0400; zeros $((0x238 - 2)); bytes "$data"; zeros 600; } > "$e/outblob"
"$tool" --root "$root" --name q --data "$data" --json | grep -q '"provider":"tdx_guest"' || fail "tdx"
{ bytes 0900; zeros 2000; } > "$e/outblob"
set +e; msg=$("$tool" --root "$root" --name q --data "$data" 2>&1); rc=$?; set -e
[ $rc -eq 1 ] && echo "$msg" | grep -q "TDX quote: version 9" || fail "tdx version: $rc $msg"

# 7. /dev/sev-guest fallback: a regular file is no SNP guest device
root=$t/legacy
mkdir -p "$root/dev"
: > "$root/dev/sev-guest"
set +e; msg=$("$tool" --root "$root" --data "$data" 2>&1); rc=$?; set -e
[ $rc -eq 1 ] && echo "$msg" | grep -q "dev/sev-guest: SNP_GET_REPORT: Inappropriate ioctl" || fail "sev-guest: $rc $msg"
set +e; msg=$("$tool" --root "$root" --certs "$t/c" 2>&1); rc=$?; set -e
[ $rc -eq 2 ] && echo "$msg" | grep -q "needs configfs-tsm" || fail "certs on sev-guest: $rc $msg"

# 8. nothing there; bad input
set +e; msg=$("$tool" --root "$t/empty" 2>&1); rc=$?; set -e
[ $rc -eq 1 ] && echo "$msg" | grep -q "no attestation interface" || fail "no interface: $rc $msg"
for bad in "--data xyz" "--data 0" "--data $(printf '%0130d' 0)" "--vmpl 4" "--via vsock" "--name ../x" "extra"; do
	set +e; msg=$("$tool" --root "$t/snp" $bad 2>&1); rc=$?; set -e
	[ $rc -eq 2 ] || fail "'$bad' gave $rc: $msg"
done
"$tool" --help | grep -q "usage: cvm-guest-report" || fail "--help"
echo "guest-report: all cases passed"
