#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Launcher's command line, on the real binary: every mistake a user
# can make before a Guest exists gets one clear line and status 1, and
# --help tells the truth with status 0.  Prints TAP, numbered after the
# unit tests (the runner renumbers anyway).
lguest=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0 failed=0

# expect DESCRIPTION STATUS PATTERN ARGS...: run lguest ARGS, which must
# exit with STATUS and print a line matching PATTERN; for failures the
# complaint must be one line (usage text aside).
expect() {
	local desc=$1 want=$2 pattern=$3 out rc
	shift 3
	out=$("$lguest" "$@" 2>&1 </dev/null)
	rc=$?
	n=$((n + 1))
	if [ $rc -eq "$want" ] && echo "$out" | grep -qE -- "$pattern"; then
		echo "ok $n - cmdline: $desc"
	else
		failed=$((failed + 1))
		echo "not ok $n - cmdline: $desc"
		echo "# status $rc (wanted $want), output:"
		echo "$out" | sed 's/^/#   /'
	fi
}

printf 'not a kernel\n' > "$work/garbage"
echo > "$work/vmlinux.txt"
kernel=$work/fake-vmlinux
# The smallest i386 ELF executable the loader accepts: header, one
# program header, four bytes of code at 1 MB.
printf '\177ELF\001\001\001\000\000\000\000\000\000\000\000\000' > "$kernel"
printf '\002\000\003\000\001\000\000\000\000\000\020\000\064\000\000\000' >> "$kernel"
printf '\000\000\000\000\000\000\000\000\064\000\040\000\001\000\000\000' >> "$kernel"
printf '\000\000\000\000' >> "$kernel"
printf '\001\000\000\000\124\000\000\000\000\000\020\300\000\000\020\000' >> "$kernel"
printf '\004\000\000\000\004\000\000\000\005\000\000\000\000\020\000\000' >> "$kernel"
printf '\220\220\353\376' >> "$kernel"
head -c $((40 << 20)) /dev/zero > "$work/big-initrd"
# The same, loaded at 16 MB as a default-configured kernel is.
cp "$kernel" "$work/kernel-at-16mb"
printf '\000\000\000\001' | dd of="$work/kernel-at-16mb" bs=1 seek=64 conv=notrunc status=none
# The same, claiming to be for x86-64 (e_machine 62).
{ head -c 18 "$kernel"; printf '\076'; tail -c +20 "$kernel"; } > "$work/x86_64"

expect "--help exits 0 with usage" 0 '^Usage: lguest ' --help
expect "--help lists every option" 0 'tunnet=bridge' --help
expect "no arguments: usage, status 1" 1 '^Usage: lguest '
expect "unknown option: named, status 1" 1 'unknown or incomplete option --frobnicate' --frobnicate 64 "$kernel"
expect "--block without a file" 1 'unknown or incomplete option' 64 "$kernel" --block
expect "memory not a number" 1 'memory size must be a number' sixty-four "$kernel"
expect "memory above what a 32-bit Launcher maps" 1 'memory size 2049 MB is out of range \(1 to 2048\)' 2049 "$kernel"
expect "no memory at all" 1 'memory size 0 MB is out of range \(1 to 2048\)' 0 "$kernel"
expect "kernel loaded at 16 MB in 16 MB: too small, with the kernel's end" 1 '^lguest: 16 MB of memory is too small: segment 0 of .* does not fit, the kernel ends at 16384 KB$' 16 "$work/kernel-at-16mb"
expect "kernel that does not fit in 1 MB" 1 '^lguest: 1 MB of memory is too small: segment 0 of .* the kernel ends at 1024 KB$' 1 "$kernel"
expect "kernel file missing" 1 'cannot read kernel /nonexistent/vmlinux: No such file' 64 /nonexistent/vmlinux
expect "kernel is a directory" 1 'cannot read kernel' 64 "$work"
expect "kernel not ELF nor bzImage" 1 'not an ELF vmlinux nor a bzImage' 64 "$work/garbage"
expect "kernel for the wrong machine" 1 'not an i386 kernel \(ELF class 1, machine 62\)' 64 "$work/x86_64"
expect "initrd missing" 1 'cannot read initrd /nonexistent/initrd' --initrd=/nonexistent/initrd 64 "$kernel"
expect "memory too small for kernel and initrd, with sizes" 1 '40960 KB initrd above a 1024 KB kernel needs more than 32 MB' --initrd="$work/big-initrd" 32 "$kernel"
disks=()
for i in $(seq 30); do disks+=(--block="$work/garbage"); done
expect "more devices than interrupt lines: refused, with the limit" 1 'too many devices: the console, 30 disks, 0 network cards need 32 interrupt lines and the Guest has 31' "${disks[@]}" 64 "$kernel"
expect "-v is --verbose" 1 'cannot read kernel /nonexistent/vmlinux' -v 64 /nonexistent/vmlinux
expect "--help says where kernel arguments starting with - go" 0 'start with - go after --' --help
expect "tunnet prefix out of range" 1 '^lguest: --tunnet=10.0.0.1/33: /33 is not a prefix length' --tunnet=10.0.0.1/33 64 "$kernel"
expect "tunnet malformed mac" 1 '^lguest: --tunnet=10.0.0.1,mac=02:00:zz:00:00:01: mac=.* is not six hex bytes' --tunnet=10.0.0.1,mac=02:00:zz:00:00:01 64 "$kernel"
expect "tunnet multicast mac" 1 'is a multicast address' --tunnet=bridge:br0,mac=01:00:5e:00:00:01 64 "$kernel"
expect "tunnet unknown option" 1 'unknown option speed=10 \(only mac=\)' --tunnet=10.0.0.1,speed=10 64 "$kernel"
expect ",ro on a file that does not exist" 1 '^lguest: --block=/nonexistent/disk: No such file' --block=/nonexistent/disk,ro 64 "$kernel"
expect "block file missing" 1 '^lguest: --block=/nonexistent/disk: No such file' --block=/nonexistent/disk 64 "$kernel"
expect "bridge that does not exist" 1 'no such bridge|/dev/net/tun' --tunnet=bridge:nosuchbr0 64 "$kernel"
expect "tunnet address that is not one" 1 'not an IPv4 address|/dev/net/tun' --tunnet=banana 64 "$kernel"
expect "usage shows the jail's options" 0 '\[--chroot=<dir>\] \[--username=<user>\] \[--no-seccomp\]' --help
expect "--help explains --no-seccomp" 0 '^  --no-seccomp +with --chroot or --username' --help
expect "--help says a jailed reboot exits 3" 0 'with status 3' --help
expect "--chroot to a directory that does not exist" 1 '^lguest: --chroot=/nonexistent: No such file or directory$' --chroot=/nonexistent 64 "$kernel"
expect "--chroot to a file" 1 '^lguest: --chroot=.*/garbage: Not a directory$' --chroot="$work/garbage" 64 "$kernel"
expect "--username for a user who does not exist" 1 '^lguest: --username=no-such-user: no such user in /etc/passwd$' --username=no-such-user 64 "$kernel"
expect "--username without a name" 1 'unknown or incomplete option --username' 64 "$kernel" --username
expect "--console file in a directory that does not exist" 1 '^lguest: --console=/nonexistent/out: No such file or directory$' --console=/nonexistent/out 64 "$kernel"
expect "--console socket whose directory does not exist" 1 '^lguest: --console=socket:/nonexistent/s: cannot bind: No such file or directory$' --console=socket:/nonexistent/s 64 "$kernel"
expect "--console socket on a path that exists" 1 "^lguest: --console=socket:$work/garbage: cannot bind: Address already in use\$" --console=socket:"$work/garbage" 64 "$kernel"
expect "--console socket with an empty path" 1 'the path must have 1 to 107 characters' --console=socket: 64 "$kernel"
expect "--console twice: refused" 1 '^lguest: --console given twice \(/tmp/a and socket:/tmp/b\)$' --console=/tmp/a --console=socket:/tmp/b 64 "$kernel"
expect "--initrd twice: refused" 1 '^lguest: --initrd given twice \(a and b\)$' --initrd=a --initrd=b 64 "$kernel"
expect "--console socket in a jail: refused" 1 'a socket console cannot be jailed' --console=socket:"$work/s" --chroot="$work" 64 "$kernel"
n=$((n + 1))
if [ ! -e "$work/s" ]; then
	echo "ok $n - cmdline: a refused socket console leaves no socket file"
else
	failed=$((failed + 1))
	echo "not ok $n - cmdline: a refused socket console leaves no socket file"
fi
expect "--console socket: a kernel that fails to load leaves no socket file" 1 'cannot read kernel' --console=socket:"$work/s2" 64 /nonexistent/vmlinux
n=$((n + 1))
if [ ! -e "$work/s2" ]; then
	echo "ok $n - cmdline: the socket file is removed on exit"
else
	failed=$((failed + 1))
	echo "not ok $n - cmdline: the socket file is removed on exit"
fi
expect "--help explains --console" 0 'console=socket:<path>' --help
if [ -e /dev/lguest ]; then
	n=$((n + 1))
	echo "ok $n - cmdline: no /dev/lguest # SKIP /dev/lguest exists here"
else
	expect "no /dev/lguest: says to load lg.ko" 1 'cannot open /dev/lguest \(is lg.ko loaded\?\)' 64 "$kernel"
	expect "the smallest memory the kernel fits in is accepted" 1 'cannot open /dev/lguest' 2 "$kernel"
	expect "the largest memory, 2048 MB, is mapped" 1 'cannot open /dev/lguest' 2048 "$kernel"
	expect "options may follow the kernel" 1 'cannot open /dev/lguest' 64 "$kernel" root=/dev/vda --block="$work/garbage"
fi
[ $failed -eq 0 ]
