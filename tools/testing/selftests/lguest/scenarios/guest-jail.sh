# SPDX-License-Identifier: GPL-2.0
# flavours: 2level pae
# timeout: 600
# The Launcher in its jail: with --chroot and --username it opens
# everything, then runs the Guest as nobody, in an empty directory, under
# its seccomp filter.  A Linux Guest with its root on a disk, entropy and a
# network card must not notice: it writes its disk (checked from the Host
# afterwards), reads /dev/hwrng and pings the Host.  Meanwhile the Host
# looks at the Launcher, its threads and its Waker in /proc.  A reboot
# ends a jailed Launcher with status 3, SIGTERM ends it as it ends any
# Launcher, and --no-seccomp leaves the filter off.  That the filter and the walls hold is the Launcher's unit tests'
# job (launcher/test_launcher.c), which make the forbidden calls.
. ./lib.sh

insmod /lg.ko
GUEST_TIMEOUT=60
# The Host's image has no users of its own.
grep -q '^nobody:' /etc/passwd 2>/dev/null ||
	echo 'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' >> /etc/passwd
mkdir -p /tmp/jail
cp /guest.img /tmp/root.img

# What /proc says of the Launcher PID and its Waker, into /tmp/NAME.*:
# .launcher and .waker their status, .root where the Launcher's root is,
# .threads one line per thread of the Launcher with its seccomp mode.
proc_snapshot() {	# proc_snapshot NAME PID
	local t w
	cat /proc/$2/status > /tmp/$1.launcher
	readlink /proc/$2/root > /tmp/$1.root
	for t in /proc/$2/task/*; do
		echo "${t##*/} $(grep '^Seccomp:' $t/status)"
	done > /tmp/$1.threads
	for w in $(children $2); do
		cat /proc/$w/status
	done > /tmp/$1.waker
}

# jail_guest NAME COMMANDS LGUEST-ARGS...: like run_guest, but when the
# Guest's init first speaks, take the snapshot before typing COMMANDS.
jail_guest() {
	local name=$1 cmds=$2
	shift 2
	rm -f /tmp/$name.launcher
	start_launcher "$name" "$@"
	while kill -0 $guest_pid 2>/dev/null && still_patient; do
		if [ ! -e /tmp/$name.launcher ] &&
		   grep -q 'init is running' "$guest_out"; then
			proc_snapshot "$name" $guest_pid
			echo "$cmds" >&3
		fi
		sleep 0.2
	done
	finish_launcher "$name"
	for f in launcher root threads waker; do
		evidence "$name.$f" /tmp/$name.$f
	done
}

yes lguest-jail | head -c 1048576 > /tmp/expect.bin
sum=$(md5sum < /tmp/expect.bin | cut -d" " -f1)
jail_guest jail \
	'yes lguest-jail | head -c 1048576 > /jail.bin; sync; echo WROTE:$(md5sum < /jail.bin); echo RNG:$(head -c 16 /dev/hwrng | od -An -tx1 | tr -d " "); ip addr add 169.254.1.2/16 dev eth0; ip link set eth0 up; ping -c 2 169.254.1.1 > /dev/null && echo PING-OK; poweroff -f' \
	--chroot=/tmp/jail --username=nobody 64 /vmlinux \
	--block=/tmp/root.img --rng --tunnet=169.254.1.1 root=/dev/vda
check "jail: the Guest powers off ($guest_rc)" [ "$guest_rc" = 0 ]
check_grep "jail: the Guest's init ran from its disk" "$guest_out" \
	'lguest Guest: init is running'
check_grep "jail: the Guest wrote 1 MiB to its disk" "$guest_out" "^WROTE:$sum"
check_grep "jail: /dev/hwrng gives random bytes" "$guest_out" \
	'^RNG:[0-9a-f]{32}'
check_grep "jail: the Guest pings the Host" "$guest_out" '^PING-OK'
rm -f /tmp/jail.bin
debugfs -R "dump /jail.bin /tmp/jail.bin" /tmp/root.img 2>/dev/null
check "jail: the Host reads the Guest's file back byte for byte" \
	cmp /tmp/expect.bin /tmp/jail.bin
check "jail: e2fsck finds the disk clean" e2fsck -n -f /tmp/root.img

ids='[[:space:]]+65534[[:space:]]+65534[[:space:]]+65534[[:space:]]+65534$'
check_grep "jail: the Launcher runs as nobody" /tmp/jail.launcher "^Uid:$ids"
check_grep "jail: with nobody's group" /tmp/jail.launcher "^Gid:$ids"
check_grep "jail: and no other" /tmp/jail.launcher '^Groups:[[:space:]]*$'
check "jail: its root is /tmp/jail ($(cat /tmp/jail.root))" \
	[ "$(cat /tmp/jail.root)" = /tmp/jail ]
check_grep "jail: it has no new privileges" /tmp/jail.launcher \
	'^NoNewPrivs:[[:space:]]+1$'
threads=$(wc -l < /tmp/jail.threads)
filtered=$(grep -c 'Seccomp:[[:space:]]2$' /tmp/jail.threads)
check "jail: all its threads, the block I/O thread too, are filtered ($filtered of $threads)" \
	[ "$threads" -ge 2 -a "$filtered" = "$threads" ]
check_grep "jail: the Waker runs as nobody" /tmp/jail.waker "^Uid:$ids"
check_grep "jail: the Waker is filtered" /tmp/jail.waker \
	'^Seccomp:[[:space:]]+2$'

# A reboot: the jailed Launcher cannot start itself again, and says so.
jail_guest reboot 'reboot -f' --chroot=/tmp/jail --username=nobody \
	64 /vmlinux --initrd=/guest-initrd.cpio rdinit=/init
check "reboot: a jailed Launcher exits with status 3 ($guest_rc)" \
	[ "$guest_rc" = 3 ]
check_grep "reboot: and one line saying why" "$guest_err" \
	'^lguest: the Guest rebooted: .*cannot start it again'
check "reboot: the Guest came up once" \
	[ "$(grep -c 'init is running' "$guest_out")" = 1 ]

# SIGTERM still ends a jailed Launcher the ordinary way, not through its
# filter (which would make it 159, SIGSYS).
start_launcher term --chroot=/tmp/jail --username=nobody \
	64 /vmlinux --initrd=/guest-initrd.cpio rdinit=/init
while kill -0 $guest_pid 2>/dev/null && still_patient &&
      ! grep -q 'init is running' "$guest_out"; do
	sleep 0.2
done
kill -TERM $guest_pid
for i in $(seq 50); do
	kill -0 $guest_pid 2>/dev/null || break
	sleep 0.1
done
finish_launcher term
check "term: SIGTERM ends a jailed Launcher with status 143 ($guest_rc)" \
	[ "$guest_rc" = 143 ]

# --no-seccomp: the same user, no filter.
jail_guest nofilter 'echo NOFILTER-OK; poweroff -f' --username=nobody \
	--no-seccomp 64 /vmlinux --initrd=/guest-initrd.cpio rdinit=/init
check "nofilter: the Guest powers off ($guest_rc)" [ "$guest_rc" = 0 ]
check_grep "nofilter: a shell command's output" "$guest_out" '^NOFILTER-OK'
check_grep "nofilter: the Launcher runs as nobody" /tmp/nofilter.launcher \
	"^Uid:$ids"
check_grep "nofilter: without a filter" /tmp/nofilter.launcher \
	'^Seccomp:[[:space:]]+0$'

check "lg.ko unloads" rmmod lg
check_host_dmesg_clean
