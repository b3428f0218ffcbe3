# The supervisor forwards SIGTERM and SIGINT as a clean stop: the guest gets an
# ACPI powerdown, the supervisor reaps it, records the exit and releases the
# tenant, and `run` exits 0.
source "$(dirname "$0")/lib.sh"

for sig in TERM INT; do
  name=it-sig-$(echo $sig | tr A-Z a-z)
  spec=$(write_spec "$name")
  "$CVM_LAUNCH" --host-config "$HOSTCFG" run "$spec" > "$T/$name.out" 2>&1 &
  sup=$!
  wait_console "$name" CVM-GUEST-READY 90 || fail "no guest marker"
  kill -s $sig $sup
  set +e; wait $sup; rc=$?; set -e
  cat "$T/$name.out"
  [ $rc -eq 0 ] || fail "run exited $rc after SIG$sig"
  grep -q "SIG$sig received, stopping the guest" "$T/$name.out" || fail "no stop message"
  grep -q "tenant $name stopped (powerdown)" "$T/$name.out" || fail "guest was not powered down"
  grep -q "\"tenant\":\"$name\".*\"how\":\"powerdown\"" "$T/state/history.jsonl" || fail "history lacks the powerdown"
  assert_clean
  pass "SIG$sig: clean ACPI powerdown, exit 0, everything released"
done
