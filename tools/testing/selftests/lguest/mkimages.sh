#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the images the tests and "make run" boot, from what "make" built:
#   build/guest.img         the Guest's ext2 root disk (busybox, an init)
#   build/guest-initrd.cpio the same root as an initramfs, for --initrd
#   build/host.cpio         the Host's initramfs: busybox, lg.ko, the
#                           Launcher, the Guest kernel, guest.img, test Guests
# Each is written beside its final name and renamed into place, so a failed
# run never leaves a half-written image for the next one to trust.
set -euo pipefail

b=$(realpath "$1")
self=$(cd "$(dirname "$0")" && pwd)
kobj=$b/obj

die() {
	echo "error: $*" >&2
	exit 1
}

# Debian's i386 busybox, unpacked into build/ so the machine's own busybox
# (if any) is left alone.
fetch_busybox() {
	local deb

	[ -x "$b/busybox/bin/busybox" ] && return
	if ! dpkg --print-foreign-architectures | grep -qx i386; then
		[ "$(id -u)" -eq 0 ] || die "the i386 architecture is not enabled;" \
			"as root run: dpkg --add-architecture i386 && apt-get update"
		dpkg --add-architecture i386
		apt-get update -q >/dev/null
	fi
	rm -rf "$b/busybox-deb" && mkdir -p "$b/busybox-deb"
	if ! (cd "$b/busybox-deb" && apt-get download -q busybox-static:i386 \
			>/dev/null 2>&1); then
		[ "$(id -u)" -eq 0 ] && apt-get update -q >/dev/null
		(cd "$b/busybox-deb" && apt-get download -q \
			busybox-static:i386 >/dev/null) ||
			die "cannot download busybox-static:i386" \
				"(as root: apt-get update)"
	fi
	deb=$(ls "$b"/busybox-deb/busybox-static_*_i386.deb)
	rm -rf "$b/busybox.new"
	dpkg-deb -x "$deb" "$b/busybox.new"
	rm -rf "$b/busybox" && mv "$b/busybox.new" "$b/busybox"
}

# A root with busybox and a link for each applet it has.
populate_root() {
	local root=$1 applet

	mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,etc,root,mnt}
	cp "$b/busybox/bin/busybox" "$root/bin/busybox"
	for applet in $("$b/busybox/bin/busybox" --list); do
		[ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
	done
}

make_guest_img() {
	local root=$b/guest-root

	rm -rf "$root"
	populate_root "$root"
	install -m 755 "$self/guest-init" "$root/init"
	rm -f "$b/guest.img.new"
	mke2fs -q -t ext2 -L lguest-root -d "$root" "$b/guest.img.new" 32M >/dev/null
	mv "$b/guest.img.new" "$b/guest.img"
	(cd "$root" && find . | cpio -o -H newc --quiet) > "$b/guest-initrd.new"
	mv "$b/guest-initrd.new" "$b/guest-initrd.cpio"
}

make_host_cpio() {
	local root=$b/host-root

	rm -rf "$root"
	populate_root "$root"
	install -m 755 "$self/host-init" "$root/init"
	cp "$kobj/drivers/lguest/lg.ko" "$root/lg.ko"
	[ -x "$b/lguest" ] && cp "$b/lguest" "$root/bin/lguest"
	cp "$kobj/vmlinux" "$root/vmlinux"
	cp "$kobj/arch/x86/boot/bzImage" "$root/bzImage"
	cp "$b/guest.img" "$b/guest-initrd.cpio" "$root/"
	if [ -d "$b/guests" ]; then
		mkdir -p "$root/guests"
		find "$b/guests" -name '*.elf' -exec cp {} "$root/guests/" \;
	fi
	(cd "$root" && find . | cpio -o -H newc --quiet) > "$b/host.cpio.new"
	mv "$b/host.cpio.new" "$b/host.cpio"
}

[ -f "$kobj/drivers/lguest/lg.ko" ] || die "$kobj/drivers/lguest/lg.ko" \
	"is missing: run make kernel first"
fetch_busybox
make_guest_img
make_host_cpio
