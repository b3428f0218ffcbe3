#!/usr/bin/env bash
# A real QEMU TCG guest boots under the full sandbox (every layer, seccomp
# enforcing the shipped policy, Landlock required, own uid, private /dev), and
# the /proc checks hold for every thread of the running emulator.
. "$(dirname "$0")/sandbox_lib.sh"

QEMU=$(command -v qemu-system-x86_64 || true)
[ -n "$QEMU" ] || skip "qemu-system-x86_64 not installed"
KERNEL=$(ls /boot/vmlinuz-* 2>/dev/null | head -1)
[ -n "$KERNEL" ] || skip "no kernel in /boot"
BUSYBOX=$(command -v busybox || true)
[ -n "$BUSYBOX" ] && ! ldd "$BUSYBOX" >/dev/null 2>&1 || skip "needs busybox-static (a statically linked busybox)"

UID_T=200200
RUN=$(make_run_dir tcg $UID_T)
IMG=$WORK/img; mkdir -p "$IMG/root/bin"
cp "$BUSYBOX" "$IMG/root/bin/busybox"
cat > "$IMG/root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox echo CVM-SANDBOX-GUEST-UP
/bin/busybox sleep 2
/bin/busybox poweroff -f
INIT
chmod 755 "$IMG/root/init"
(cd "$IMG/root" && find . | cpio -o -H newc 2>/dev/null | gzip -1 > "$IMG/initrd.gz")
cp "$KERNEL" "$IMG/vmlinuz"
chmod 755 "$IMG"; chmod 644 "$IMG/initrd.gz" "$IMG/vmlinuz"

# The emulator argv the launcher uses for TCG: split-wx so no mapping is
# ever writable and executable (the policy kills W|X), a bounded code buffer.
out=$(timeout 300 "$DRIVER" --run-dir "$RUN" --uid $UID_T --policy "$POLICY" --landlock require \
      --ram-mib 256 --jit-mib 128 --read "$IMG/vmlinuz" --read "$IMG/initrd.gz" \
      --verify --verify-delay-ms 1500 -- \
      "$QEMU" -nodefaults -no-user-config -machine q35 -accel tcg,split-wx=on,tb-size=128 \
      -m 256 -smp 2 -kernel "$IMG/vmlinuz" -initrd "$IMG/initrd.gz" \
      -append "console=ttyS0 panic=-1 quiet" -display none -no-reboot \
      -serial "file:$RUN/serial.log" -qmp "unix:$RUN/qmp.sock,server=on,wait=off" \
      -sandbox on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny 2>&1) \
  || die "launch failed: $out"
echo "$out"
grep -q "^exec=ok" <<<"$out" || die "emulator was not exec'd"
v=$(grep "^verify=" <<<"$out") || die "no verification result"
[[ $v == verify=ok* ]] || die "sandbox verification failed: $v"
tasks=$(sed -n 's/.*tasks=\([0-9]*\).*/\1/p' <<<"$v")
[ "$tasks" -ge 3 ] || die "expected QEMU's threads (vCPUs, RCU, main) to be checked, saw $tasks task(s)"
grep -q "seccomp=2" <<<"$v" || die "Seccomp is not 2: $v"
grep -q "namespaces=mnt,pid,ipc,uts,net" <<<"$v" || die "namespaces missing: $v"
grep -q "status=exited code=0" <<<"$out" || die "QEMU did not exit cleanly (killed by the policy?)"
grep -q CVM-SANDBOX-GUEST-UP "$RUN/serial.log" || die "guest did not boot: $(tail -5 "$RUN/serial.log")"
echo "PASS: TCG guest booted under the full sandbox; $tasks threads verified"
