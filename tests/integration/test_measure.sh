#!/usr/bin/env bash
# cvm-launch measure, both forms, through the real binary: every digest in
# vectors/measure/EXPECTED.md, the spec form, a full distro OVMF, and the
# refusals (exit 2, one line naming the problem).
set -euo pipefail
L=${CVM_LAUNCH:?}
V=${CVM_VECTORS_DIR:-}/measure
[ -r "$V/EXPECTED.md" ] || { echo "skip: no measurement vectors at $V"; exit 77; }
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$V"

# 1. every known answer, flag form
n=0
args=
while IFS= read -r line; do
	case "$line" in
	--mode*) args=$line ;;
	*"-> "*)
		want=${line##*-> }
		eval "set -- $args"
		got=$("$L" measure "$@") || fail "exit $? for: $args"
		[ "$got" = "$want" ] || fail "$args: got $got want $want"
		n=$((n + 1)) ;;
	esac
done < EXPECTED.md
[ $n -ge 8 ] || fail "only $n known answers found"

# 2. spec form: the first known answer, as a tenant spec
cat > "$t/snp.json" <<JSON
{"name":"m1","vcpus":1,"memory_mib":512,"kernel":"/dev/null","initrd":"/dev/null",
 "cmdline":"console=ttyS0 loglevel=7","firmware":"$V/ovmf_AmdSev_suffix.bin",
 "confidential":{"type":"sev-snp","kernel_hashes":true,"guest_features":"0x21"}}
JSON
got=$("$L" measure "$t/snp.json")
want=$(sed -n '/guest-features 0x21/{n;s/.*-> //p}' EXPECTED.md)
[ "$got" = "$want" ] || fail "spec form: $got != $want"
"$L" measure "$t/snp.json" --json | grep -q "\"measurement\":\"$want\"" || fail "spec --json"
sed 's/"sev-snp"/"sev"/; s/,"guest_features":"0x21"//' "$t/snp.json" > "$t/sev.json"
got=$("$L" measure "$t/sev.json")
want=$(grep -A1 -- '--mode sev --ovmf' EXPECTED.md | sed -n 's/.*-> //p')
[ "$got" = "$want" ] || fail "spec form sev: $got != $want"

# 3. refusals
refuse() { # expected-text command...
	local want=$1; shift
	set +e; msg=$("$@" 2>&1); rc=$?; set -e
	[ $rc -eq 2 ] || fail "exit $rc (want 2) for $*: $msg"
	[ "$(echo "$msg" | wc -l)" -eq 1 ] || fail "more than one line for $*: $msg"
	echo "$msg" | grep -qF -- "$want" || fail "'$msg' lacks '$want'"
}
refuse "no SNP kernel hashes section" "$L" measure --mode snp --vcpus 1 --vcpu-type EPYC-v4 \
	--ovmf ovmf_OvmfX64_suffix.bin --kernel /dev/null
head -c 4000 ovmf_AmdSev_suffix.bin > "$t/trunc.fd"
refuse "not a non-zero multiple of 4096" "$L" measure --mode snp --vcpus 1 --vcpu-type EPYC-v4 --ovmf "$t/trunc.fd"
refuse "needs --vcpus" "$L" measure --mode seves --ovmf ovmf_AmdSev_suffix.bin
refuse "give SPEC.json" "$L" measure
refuse "bad option '--frobnicate'" "$L" measure --frobnicate
sed 's/"sev-snp"/"tdx"/; s/,"kernel_hashes":true,"guest_features":"0x21"//' "$t/snp.json" > "$t/tdx.json"
refuse "confidential.type tdx has no launch measurement" "$L" measure "$t/tdx.json"
sed 's/"firmware":"[^"]*",//' "$t/snp.json" > "$t/nofw.json"
refuse "needs an OVMF firmware image" "$L" measure "$t/nofw.json"
"$L" measure --help | grep -q -- "--vcpu-type" || fail "--help"

# 4. a full distro firmware (Debian ovmf): seeded and direct digests agree
fw=/usr/share/OVMF/OVMF_CODE.fd
if [ -r "$fw" ]; then
	seed=$("$L" measure --mode snp:ovmf-hash --ovmf "$fw")
	a=$("$L" measure --mode snp --vcpus 2 --vcpu-type EPYC-Genoa --ovmf "$fw")
	b=$("$L" measure --mode snp --vcpus 2 --vcpu-type EPYC-Genoa --ovmf "$fw" --snp-ovmf-hash "$seed")
	[ "$a" = "$b" ] && [ ${#a} -eq 96 ] || fail "full OVMF: $a vs $b"
else
	echo "note: $fw absent, full-image check not run"
fi
echo "measure: $n known answers and all cases passed"
