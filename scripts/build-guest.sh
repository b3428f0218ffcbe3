#!/usr/bin/env bash
# Build the tiny demo/test guest: the distro kernel plus a busybox initramfs
# whose /init prints a marker on the serial console and powers off cleanly
# when the ACPI power button is pressed (QMP system_powerdown).
#   scripts/build-guest.sh OUT_DIR
# Writes OUT_DIR/vmlinuz (world-readable copy: the guest process, running as
# an unprivileged tenant uid, opens it itself) and OUT_DIR/initramfs.cpio.gz.
# Rebuilds only when the kernel or this script changed.
set -euo pipefail
out=${1:?usage: build-guest.sh OUT_DIR}
kernel=$(ls -1 /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1 || true)
[ -n "$kernel" ] || { echo "build-guest: no /boot/vmlinuz-* (apt-get install linux-image-amd64)" >&2; exit 2; }
kver=${kernel#/boot/vmlinuz-}
busybox=/bin/busybox # busybox-static: the initramfs has no libc
[ -x "$busybox" ] || { echo "build-guest: busybox not found (apt-get install busybox-static)" >&2; exit 2; }

stamp="$kver $(sha256sum "$0" | cut -c1-16)"
if [ -f "$out/stamp" ] && [ "$(cat "$out/stamp")" = "$stamp" ] && [ -f "$out/initramfs.cpio.gz" ]; then
  exit 0
fi
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
mkdir -p "$root"/{bin,dev,proc,sys,lib/modules}
cp "$busybox" "$root/bin/busybox"
for m in drivers/acpi/button.ko drivers/input/evdev.ko; do
  f=/lib/modules/$kver/kernel/$m
  [ -f "$f" ] && cp "$f" "$root/lib/modules/"
  [ -f "$f.xz" ] && xz -dc "$f.xz" > "$root/lib/modules/$(basename "$m")"
done
cat > "$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
for m in /lib/modules/*.ko; do [ -f "$m" ] && insmod "$m" 2>/dev/null; done
# The power button (QMP system_powerdown) is an input event: any event on any
# input device means "power off now". Listen before saying we are ready.
for e in /dev/input/event*; do
  [ -e "$e" ] && (head -c 1 "$e" >/dev/null && echo "CVM-GUEST-POWERDOWN" && poweroff -f) &
done
echo "CVM-GUEST-READY kernel=$(uname -r) cpus=$(grep -c ^processor /proc/cpuinfo)"
while true; do sleep 3600; done
INIT
chmod 755 "$root/init"
(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet | gzip -9) > "$tmp/initramfs.cpio.gz"
install -m 0644 "$kernel" "$out/vmlinuz"
install -m 0644 "$tmp/initramfs.cpio.gz" "$out/initramfs.cpio.gz"
echo "$stamp" > "$out/stamp"
echo "build-guest: $out (kernel $kver)"
