#!/usr/bin/env bash
# Tenant uids: allocated under the host-wide lock from the configured range,
# never shared with a live tenant or a running process, freed at exit;
# exhaustion is a clear error (exit 3) that leaks nothing.
. "$(dirname "$0")/sandbox_lib.sh"
command -v setpriv >/dev/null || skip "needs setpriv (util-linux)"

STATE=$WORK/state; mkdir -p "$STATE"
# launch NAME RANGE MS: a payload that idles MS ms; prints the driver's output.
# The uid is not known before allocation, so the run dir is sticky-writable.
launch() {
  local run=$WORK/run-$1
  mkdir -p "$run"; chmod 1777 "$run"
  "$DRIVER" --run-dir "$run" --uid auto --state-dir "$STATE" --tenant "$1" --uid-range "$2" \
    --policy "$POLICY" -- "$PAYLOAD" "$run" idle "$3" 0
}
# wait_exec FILE...: until each output file has its exec= line (or the driver failed)
wait_exec() {
  local f tries=0
  for f in "$@"; do
    until grep -q "^exec=ok" "$f" 2>/dev/null; do
      tries=$((tries+1)); [ $tries -lt 600 ] || die "launch $f did not exec: $(cat "$f")"
      sleep 0.1
    done
  done
}
field() { sed -n "s/^exec=ok .*$1=\([0-9]*\).*/\1/p" "$2"; }

# 1. A process already running with a uid in the range is never given out.
setpriv --reuid=261000 --regid=261000 --clear-groups sleep 30 & squatter=$!
sleep 0.3
launch one 261000-261009 100 > "$WORK/one.out" 2>&1 || die "launch failed: $(cat "$WORK/one.out")"
u=$(field uid "$WORK/one.out")
[ "$u" = 261001 ] || die "expected 261001 (261000 belongs to a running process), got '$u'"
kill $squatter; wait $squatter 2>/dev/null || true
echo "ok   a uid held by a running process is skipped"

# 2. Two tenants at once get different uids.
launch a 261000-261009 30000 > "$WORK/a.out" 2>&1 & pa=$!
launch b 261000-261009 30000 > "$WORK/b.out" 2>&1 & pb=$!
wait_exec "$WORK/a.out" "$WORK/b.out"
ua=$(field uid "$WORK/a.out"); ub=$(field uid "$WORK/b.out")
[ -n "$ua" ] && [ -n "$ub" ] && [ "$ua" != "$ub" ] || die "two tenants share a uid: $ua $ub"
kill -9 "$(field pid "$WORK/a.out")" "$(field pid "$WORK/b.out")"; wait $pa $pb || true
echo "ok   two live tenants: uids $ua and $ub"

# 3. 50 launches in parallel, all alive at the same time: 50 distinct uids.
N=50; pids=()
for i in $(seq 1 $N); do
  launch "p$i" 262000-262999 120000 > "$WORK/p$i.out" 2>&1 & pids+=($!)
done
wait_exec $(for i in $(seq 1 $N); do echo "$WORK/p$i.out"; done)
uids=$(for i in $(seq 1 $N); do field uid "$WORK/p$i.out"; done | sort)
[ "$(wc -l <<<"$uids")" -eq $N ] || die "expected $N uids"
dups=$(uniq -d <<<"$uids")
[ -z "$dups" ] || die "uids shared between live tenants: $dups"
[ "$(ls "$STATE"/*.uid | wc -l)" -eq $N ] || die "expected $N allocation records"
for i in $(seq 1 $N); do kill -9 "$(field pid "$WORK/p$i.out")"; done
wait "${pids[@]}" || true
echo "ok   $N parallel launches, $N distinct uids"

# 4. Exhausting a range of 3: the 4th launch fails with exit 3 and a clear message.
for t in x y z; do launch "$t" 263000-263002 60000 > "$WORK/$t.out" 2>&1 & done
wait_exec "$WORK/x.out" "$WORK/y.out" "$WORK/z.out"
set +e; launch w 263000-263002 100 > "$WORK/w.out" 2>&1; rc=$?; set -e
[ $rc -eq 3 ] || die "exhaustion: expected exit 3, got $rc: $(cat "$WORK/w.out")"
grep -q "no free tenant uid.*263000-263002" "$WORK/w.out" || die "unclear message: $(cat "$WORK/w.out")"
[ ! -e "$STATE/w.uid" ] || die "failed launch left an allocation behind"
for t in x y z; do kill -9 "$(field pid "$WORK/$t.out")"; done
wait || true
echo "ok   exhaustion: exit 3, '$(cat "$WORK/w.out")'"

# 5. Nothing leaked: every allocation was freed, and the range is whole again.
left=$(find "$STATE" -name "*.uid" | wc -l)
[ "$left" -eq 0 ] || die "$left allocation(s) leaked: $(ls "$STATE")"
launch again 263000-263002 100 > "$WORK/again.out" 2>&1 || die "relaunch failed"
[ "$(field uid "$WORK/again.out")" = 263000 ] || die "freed uid not reused"
echo "PASS: tenant uids unique, process uids respected, exhaustion clean, nothing leaked"
