#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the images the tests and "make run" boot, from what "make" built:
#   build/guest.img         the Guest's ext2 root disk (busybox, an init)
#   build/guest-initrd.cpio the same root as an initramfs, for --initrd
#   build/host.cpio         the Host's initramfs: busybox, lg.ko, the
#                           Launcher, the Guest kernel, guest.img, test Guests
#   build/host-pae.cpio     the same for the PAE kernel (build/obj-pae)
# Each Host image also holds the other format's Guest kernel, as
# /bzImage-other, to show that a mixed pair is refused.
# Each is written beside its final name and renamed into place, so a failed
# run never leaves a half-written image for the next one to trust.
set -euo pipefail

b=$(realpath "$1")
self=$(cd "$(dirname "$0")" && pwd)
. "$self/apt.sh"

die() {
	echo "error: $*" >&2
	exit 1
}

# The i386 programs the images need come from Debian's i386 packages,
# downloaded and unpacked into build/i386, so nothing of the machine's own
# (its busybox, say) is touched: busybox for everything, and e2fsck and
# debugfs with their libraries so the Host can check a Guest's disk.
i386_packages=(busybox-static e2fsprogs libext2fs2 libcom-err2 libblkid1
	libuuid1 libss2 libc6)

have_deb() {	# have_deb PACKAGE:i386
	ls "$b/i386-debs/${1%:i386}"_*.deb >/dev/null 2>&1
}

# Each package on its own, so that one that fails leaves the others.
download_i386() {
	local p ok=0
	for p in "$@"; do
		have_deb "$p" && continue
		(cd "$b/i386-debs" && apt-get download -q "$p" >/dev/null 2>&1) ||
			ok=1
	done
	return $ok
}

missing_debs() {
	local p
	for p in "$@"; do
		have_deb "$p" || echo -n "$p "
	done
}

fetch_i386() {
	local p want=()

	[ -f "$b/i386/.complete" ] && return
	if ! dpkg --print-foreign-architectures | grep -qx i386; then
		[ "$(id -u)" -eq 0 ] || die "the i386 architecture is not enabled;" \
			"as root run: dpkg --add-architecture i386 && apt-get update"
		dpkg --add-architecture i386
		apt_update
	fi
	for p in "${i386_packages[@]}"; do
		want+=("$p:i386")
	done
	rm -rf "$b/i386-debs" && mkdir -p "$b/i386-debs"
	if ! download_i386 "${want[@]}"; then
		[ "$(id -u)" -eq 0 ] && apt_update
		download_i386 "${want[@]}" ||
			die "cannot download $(missing_debs "${want[@]}");" \
				"run: apt-get update && apt-get download $(missing_debs "${want[@]}")"
	fi
	rm -rf "$b/i386"
	for p in "$b"/i386-debs/*.deb; do
		dpkg-deb -x "$p" "$b/i386"
	done
	touch "$b/i386/.complete"
}

# e2fsck, debugfs and resize2fs, with the loader and exactly the libraries
# they use.
install_e2fsprogs() {
	local root=$1 lib

	mkdir -p "$root/lib/i386-linux-gnu"
	cp "$b/i386/sbin/e2fsck" "$b/i386/sbin/debugfs" \
	   "$b/i386/sbin/resize2fs" "$root/sbin/"
	for lib in ld-linux.so.2 libc.so.6 libext2fs.so.2 libe2p.so.2 \
		   libss.so.2 libcom_err.so.2 libblkid.so.1 libuuid.so.1; do
		cp -L "$(ls "$b"/i386/{usr/,}lib/i386-linux-gnu/$lib 2>/dev/null |
			head -n 1)" "$root/lib/i386-linux-gnu/$lib"
	done
	ln -sf i386-linux-gnu/ld-linux.so.2 "$root/lib/ld-linux.so.2"
}

# A root with busybox and a link for each applet it has.
populate_root() {
	local root=$1 applet

	mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,etc,root,mnt}
	cp "$b/i386/bin/busybox" "$root/bin/busybox"
	for applet in $("$b/i386/bin/busybox" --list); do
		[ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
	done
}

make_guest_img() {
	local root=$b/guest-root

	rm -rf "$root"
	populate_root "$root"
	install -m 755 "$self/guest-init" "$root/init"
	# Programs the scenarios run inside a Guest (guests/Makefile).
	cp "$b"/guests/guest-bin/* "$root/bin/" 2>/dev/null || true
	# From a disk the kernel looks for /sbin/init, not /init.
	ln -sf /init "$root/sbin/init"
	rm -f "$b/guest.img.new"
	mke2fs -q -t ext2 -L lguest-root -d "$root" "$b/guest.img.new" 32M >/dev/null
	mv "$b/guest.img.new" "$b/guest.img"
	(cd "$root" && find . | cpio -o -H newc --quiet) > "$b/guest-initrd.new"
	mv "$b/guest-initrd.new" "$b/guest-initrd.cpio"
}

make_host_cpio() {	# make_host_cpio KOBJ GUESTS OTHER-KOBJ OUTPUT
	local kobj=$1 guests=$2 other=$3 out=$4 root=$b/host-root

	rm -rf "$root"
	populate_root "$root"
	install -m 755 "$self/host-init" "$root/init"
	install_e2fsprogs "$root"
	cp "$kobj/drivers/lguest/lg.ko" "$root/lg.ko"
	cp "$kobj/drivers/block/null_blk/null_blk.ko" "$root/null_blk.ko"
	cp "$b/lguest" "$root/bin/lguest"
	cp "$kobj/vmlinux" "$root/vmlinux"
	cp "$kobj/arch/x86/boot/bzImage" "$root/bzImage"
	cp "$other/arch/x86/boot/bzImage" "$root/bzImage-other"
	cp "$b/guest.img" "$b/guest-initrd.cpio" "$root/"
	if [ -d "$guests" ]; then
		mkdir -p "$root/guests"
		find "$guests" -maxdepth 1 \( -name '*.elf' -o -name '*.ko' \) \
			-exec cp {} "$root/guests/" \;
		cp "$guests"/bin/* "$root/bin/" 2>/dev/null || true
	fi
	(cd "$root" && find . | cpio -o -H newc --quiet) > "$out.new"
	mv "$out.new" "$out"
}

for kobj in "$b/obj" "$b/obj-pae"; do
	[ -f "$kobj/drivers/lguest/lg.ko" ] || die "$kobj/drivers/lguest/lg.ko" \
		"is missing: run make kernel first"
done
fetch_i386
make_guest_img
make_host_cpio "$b/obj" "$b/guests" "$b/obj-pae" "$b/host.cpio"
make_host_cpio "$b/obj-pae" "$b/guests-pae" "$b/obj" "$b/host-pae.cpio"
