# accel auto: the launcher probes KVM (ioctls, then the emulator's firmware
# under KVM), uses it when guests can run and otherwise falls back to TCG
# with a notice in the output and the launch record. The probe's result is
# cached for this boot and emulator, so the next launch does not pay for it;
# `probe` always tests afresh.
source "$(dirname "$0")/lib.sh"

spec=$T/it-auto.json
g=$(guest_dir)
cat > "$spec" <<JSON
{"name": "it-auto", "kernel": "$g/vmlinuz", "initrd": "$g/initramfs.cpio.gz",
 "cmdline": "console=ttyS0 panic=-1", "accel": "auto", "memory_mib": 192}
JSON
rec=$T/state/tenants/it-auto/record.json
for round in 1 2; do
  cvm run "$spec" --detach > "$T/out$round" 2>&1 || { cat "$T/out$round"; fail "run (round $round)"; }
  used=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["accel"]["used"])' "$rec")
  probe=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["accel"]["kvm_probe"])' "$rec")
  echo "round $round: used $used; probe: $probe"
  if [ "$used" = tcg ]; then
    grep -q "notice: KVM unusable" "$T/out$round" || fail "TCG fallback without a notice on the output"
    python3 -c 'import json,sys; assert "notice" in json.load(open(sys.argv[1]))["accel"]' "$rec" \
      || fail "TCG fallback without a notice in the record"
  fi
  if [ $round = 2 ]; then
    case "$probe" in "cached this boot: "*) ;; *) fail "second launch probed again: $probe" ;; esac
  fi
  [ -f "$T/state/cache/kvm-probe.json" ] || fail "no probe cache"
  cvm stop it-auto --timeout 0 >/dev/null
done
pass "accel auto resolved ($used) with the reason recorded; the second launch reused this boot's probe"

cvm probe --json > "$T/probe.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["kvm"]["detail"]; assert not d.startswith("cached"), d' \
  "$T/probe.json" || fail "probe used the cache"
pass "probe tests afresh"
