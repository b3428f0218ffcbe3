# Shared by the selinux-vm tests: build an enforcing-SELinux TCG VM from
# this host's kernel, busybox and Debian's reference policy with the
# project's cvm_launcher module linked in (in a private copy of the policy
# store; the host is never touched), boot it, and collect its console.
# Sourced; expects CVM_SOURCE_DIR, CVM_BUILD_DIR, CVM_TEST_HELPERS.

vm_skip() { echo "SKIP: $*"; exit 77; }

vm_require() {
	[ "$(id -u)" -eq 0 ] || vm_skip "needs root (policy store copy, file labels in the VM image)"
	local t
	for t in qemu-system-x86_64 busybox semodule load_policy setfiles cpio ldd; do
		command -v "$t" >/dev/null || vm_skip "missing $t (scripts/setup.sh installs it)"
	done
	busybox --list 2>/dev/null | grep -qx switch_root || vm_skip "busybox lacks switch_root (apt-get install busybox-static)"
	[ -d /var/lib/selinux/default ] && [ -d /etc/selinux/default ] ||
		vm_skip "no Debian reference policy store (apt-get install selinux-policy-default)"
	VM_KERNEL=${CVM_VM_KERNEL:-$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)}
	[ -r "$VM_KERNEL" ] || vm_skip "no readable kernel in /boot (apt-get install linux-image-amd64)"
	VM_PP=$CVM_BUILD_DIR/policy/selinux/module/cvm_launcher.pp
	[ -f "$VM_PP" ] || vm_skip "policy module not built ($VM_PP; needs selinux-policy-dev)"
	local h
	for h in svirt_vmtool svirt_guest_probe svirt_fake_qemu; do
		[ -x "$CVM_TEST_HELPERS/$h" ] || vm_skip "helper $h not built"
	done
}

# Debian's policy + our module, in $VM_WORK/polroot.
vm_build_policy() {
	local pr=$VM_WORK/polroot
	# semodule takes a while: reuse the store when the module and the
	# distribution's policy are unchanged since the last build.
	local stamp
	stamp=$(cat "$VM_PP" /var/lib/selinux/default/active/commit_num 2>/dev/null | sha256sum | cut -c1-64)
	if [ -f "$pr/.stamp" ] && [ "$(cat "$pr/.stamp")" = "$stamp" ]; then
		VM_POLICY=$(ls "$pr"/etc/selinux/default/policy/policy.* | head -n 1)
		return 0
	fi
	rm -rf "$pr"
	mkdir -p "$pr/var/lib/selinux" "$pr/etc/selinux"
	cp -a /var/lib/selinux/default "$pr/var/lib/selinux/"
	cp -a /etc/selinux/default /etc/selinux/semanage.conf "$pr/etc/selinux/"
	# -n: do not load into the (SELinux-less) host kernel.
	semodule -p "$pr" -s default -n -i "$VM_PP" >"$VM_WORK/semodule.log" 2>&1 || {
		cat "$VM_WORK/semodule.log"
		echo "FAIL: semodule could not link cvm_launcher.pp into the policy"
		exit 1
	}
	VM_POLICY=$(ls "$pr"/etc/selinux/default/policy/policy.* | head -n 1)
	echo "$stamp" >"$pr/.stamp"
}

# Copy a program and the shared libraries it needs into the rootfs.
vm_install() {
	local src=$1 dst=$2 lib
	mkdir -p "$VM_ROOT$(dirname "$dst")"
	cp -L "$src" "$VM_ROOT$dst"
	for lib in $(ldd "$src" 2>/dev/null | grep -o '/[^ ]*'); do
		[ -e "$VM_ROOT$lib" ] && continue
		mkdir -p "$VM_ROOT$(dirname "$lib")"
		cp -L "$lib" "$VM_ROOT$lib"
	done
}

vm_build_rootfs() {
	local here=$CVM_SOURCE_DIR/tests/selinux-vm r
	VM_ROOT=$VM_WORK/rootfs
	r=$VM_ROOT
	rm -rf "$r"
	mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run/cvm-launch/lib,etc/cvmtest} \
		"$r"/etc/selinux/default/policy "$r"/var/lib/libvirt/images/cvmtest \
		"$r"/var/lib/cvm-launch/{vmtool,alloc} "$r"/usr/lib/cvm-test
	cp "$(command -v busybox)" "$r/bin/busybox"
	local a
	for a in $(busybox --list); do
		[ -e "$r/bin/$a" ] || ln -s busybox "$r/bin/$a"
	done
	vm_install "$(command -v load_policy)" /usr/sbin/load_policy
	vm_install "$(command -v setfiles)" /usr/sbin/setfiles
	cp "$here/vm/init" "$r/init"
	cp "$here/vm/driver" "$r/usr/sbin/init"          # init_exec_t: kernel_t -> init_t
	cp "$here/vm/test.fc" "$r/etc/cvmtest/test.fc"
	vm_install "$CVM_TEST_HELPERS/svirt_vmtool" /usr/lib/cvm-test/svirt_vmtool
	vm_install "$CVM_TEST_HELPERS/svirt_guest_probe" /usr/bin/qemu-system-x86_64  # qemu_exec_t
	# Images with distinct content; setfiles gives them virt_image_t.
	local img=$r/var/lib/libvirt/images/cvmtest
	for a in tenant-a tenant-b shared-rw launch-a launch-b; do echo "disk $a" >"$img/$a.img"; done
	echo "iso" >"$img/shared.iso"
	echo "not a kernel" >"$img/vmlinuz"
	vm_install_launcher
	# Policy, contexts and config for load_policy/setfiles/libselinux.
	local pr=$VM_WORK/polroot/etc/selinux/default
	cp "$VM_POLICY" "$r/etc/selinux/default/policy/"
	cp -a "$pr/contexts" "$r/etc/selinux/default/"
	rm -f "$r"/etc/selinux/default/contexts/files/*.bin
	[ -f "$pr/seusers" ] && cp "$pr/seusers" "$r/etc/selinux/default/"
	printf 'SELINUX=permissive\nSELINUXTYPE=default\n' >"$r/etc/selinux/config"
	mknod -m 600 "$r/dev/console" c 5 1
	mknod -m 666 "$r/dev/null" c 1 3
	(cd "$r" && find . | cpio -o -H newc --quiet) | gzip -1 >"$VM_WORK/initrd.gz"
}

# The real cvm-launch (when built): /usr/bin/cvm-launch gets
# cvm_launcher_exec_t from the module's file contexts; the stand-in
# emulator is qemu_exec_t (test.fc). Specs and host config in /etc/cvm-launch.
vm_install_launcher() {
	local r=$VM_ROOT
	[ -n "${CVM_LAUNCH:-}" ] && [ -x "$CVM_LAUNCH" ] || return 0
	vm_install "$CVM_LAUNCH" /usr/bin/cvm-launch
	vm_install "$CVM_TEST_HELPERS/svirt_fake_qemu" /usr/lib/cvm-test/fake-qemu
	mkdir -p "$r/etc/cvm-launch"
	local extra=""
	if [ -d "$CVM_SOURCE_DIR/policy/seccomp" ]; then
		mkdir -p "$r/usr/share/cvm-launcher/policy"
		cp -a "$CVM_SOURCE_DIR/policy/seccomp" "$r/usr/share/cvm-launcher/policy/"
		extra=', "seccomp_policy_dir": "/usr/share/cvm-launcher/policy/seccomp"'
	fi
	# A small category range (10 pairs) so the parallel launches below
	# would collide if allocation were not serialised.
	printf '{"emulator": "/usr/lib/cvm-test/fake-qemu", "mcs_range": [0, 4]%s}\n' "$extra" \
		>"$r/etc/cvm-launch/host.json"
	local t img=/var/lib/libvirt/images/cvmtest
	for t in a b; do
		cat >"$r/etc/cvm-launch/tenant-$t.json" <<JSON
{"name": "tenant-$t", "kernel": "$img/vmlinuz", "accel": "tcg", "memory_mib": 64,
 "disks": [{"path": "$img/launch-$t.img"}, {"path": "$img/shared.iso", "readonly": true}],
 "selinux": "require"}
JSON
	done
	for t in 1 2 3 4 5 6 7 8; do
		echo "disk par-$t" >"$r$img/par-$t.img"
		cat >"$r/etc/cvm-launch/par-$t.json" <<JSON
{"name": "par-$t", "kernel": "$img/vmlinuz", "accel": "tcg", "memory_mib": 64,
 "disks": [{"path": "$img/par-$t.img"}], "selinux": "require"}
JSON
	done
	# tenant-c asks for tenant-a's disk while tenant-a runs: refused.
	cat >"$r/etc/cvm-launch/tenant-c.json" <<JSON
{"name": "tenant-c", "kernel": "$img/vmlinuz", "accel": "tcg", "memory_mib": 64,
 "disks": [{"path": "$img/launch-a.img"}], "selinux": "require"}
JSON
}

# Boot; console into $VM_WORK/console.log. $1: 1 = enforcing, 0 = permissive.
vm_boot() {
	timeout "${CVM_VM_TIMEOUT:-300}" qemu-system-x86_64 -accel tcg -m 768 -smp 1 \
		-nographic -no-reboot -nodefaults -serial stdio \
		-kernel "$VM_KERNEL" -initrd "$VM_WORK/initrd.gz" \
		-append "console=ttyS0 quiet panic=-1 edd=off security=selinux selinux=1 cvmtest.enforce=$1" \
		</dev/null >"$VM_WORK/console.log" 2>&1 || true
}
