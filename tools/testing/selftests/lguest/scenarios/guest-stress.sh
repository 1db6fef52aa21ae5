# SPDX-License-Identifier: GPL-2.0
# flavours: 2level pae
# timeout: 900
# Where lost wake-ups come to be caught.  A Linux Guest works its disk
# and its network hard while its console is idle, and again while
# someone types at it, and everything is checked by the Host:
#  - block: the Guest writes two files to its root file system, one per
#    boot with a reboot between, each synced; the Host runs e2fsck and
#    compares both files byte for byte with what should be there;
#  - net: TCP from the Host to the Guest (the Guest prints the md5 of
#    what arrived) and from the Guest to the Host (compared byte for
#    byte as it arrives);
#  - console: while typing, every line typed is one the Guest ran.
# "make check" runs one short round of both kinds (8 MiB written per
# pair of boots and sent each way); "make stress" repeats big rounds
# (lgstress=64), one kind at a time (lgtype=idle or typing), for a time
# budget, on one and two Host CPUs.
. ./lib.sh

mb=8
kinds="idle typing"
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	lgstress=*) mb=${arg#lgstress=} ;;
	lgtype=*) kinds=${arg#lgtype=} ;;
	esac
done
half=$((mb / 2))
# A Guest with no progress for a minute is stuck (lib.sh's patience):
# that is what we are here to find, and a slow machine is not.
GUEST_TIMEOUT=60
echo "  stress: $mb MiB per check"

insmod /lg.ko
mkfifo /tmp/hold
exec 8<> /tmp/hold

# cmp_with PATTERN BYTES FILE: FILE (or - for stdin) holds exactly BYTES
# bytes of "yes PATTERN".  The expected bytes are made as they are
# compared, so 64 MiB need no room in the Host's memory.
cmp_with() {
	local fifo=/tmp/expect.$$
	rm -f $fifo
	mkfifo $fifo
	(yes "$1" | head -c "$2" > $fifo) &
	cmp "$3" $fifo
	local rc=$?
	wait
	rm -f $fifo
	return $rc
}

# The typist: a line "echo TYPED-N" every few tenths of a second, until
# told to stop or 300 lines (well inside what a tty holds); it counts
# what it typed in /tmp/typed.
start_typist() {
	rm -f /tmp/stop-typing
	echo 0 > /tmp/typed
	(i=0
	while [ ! -e /tmp/stop-typing ] && [ $i -lt 300 ]; do
		i=$((i + 1))
		echo "echo TYPED-$i" >&3
		echo $i > /tmp/typed
		sleep 0.$((i * 7 % 9 + 1))
	done) &
	typist=$!
}

stop_typist() {
	[ -n "${typist:-}" ] || return 0
	touch /tmp/stop-typing
	wait $typist
	typist=
}

# drive NAME TYPING STEPS LGUEST-ARGS...: at the Guest's k-th hello (k
# from 1 to STEPS) type $step_k, which ends by printing STEP-DONE-k,
# with the typist at work meanwhile when TYPING is 1; once the Guest
# says STEP-DONE-k, type "echo TYPED-END-k; $end_k" (a reboot or a power
# off).  Then check that each line typed was run, in order.
drive() {
	local name=$1 typing=$2 steps=$3 boots=0 done=0 hellos d
	local typed="" cmd t0=$(date +%s) tstep n
	shift 3
	start_launcher "$name" "$@"
	while kill -0 $guest_pid 2>/dev/null && still_patient; do
		set -- $(awk '/init is running/ { h++ } /^STEP-DONE-/ { d++ }
			END { print h + 0, d + 0 }' "$guest_out" 2>/dev/null)
		hellos=${1:-0} d=${2:-0}
		if [ "$hellos" -gt $boots ] && [ $boots -lt $steps ]; then
			boots=$hellos
			eval "cmd=\$step_$boots"
			echo "$cmd" >&3
			tstep=$(date +%s)
			echo "  $name: boot $boots after $((tstep - t0))s"
			[ "$typing" = 1 ] && start_typist
		fi
		if [ "$d" -gt $done ]; then
			done=$d
			echo "  $name: step $done took $(($(date +%s) - tstep))s"
			stop_typist
			n=$(cat /tmp/typed 2>/dev/null || echo 0)
			[ "$n" -gt 0 ] && typed="$typed $(seq -s ' ' "$n")"
			eval "cmd=\$end_$done"
			echo "echo TYPED-END-$done; $cmd" >&3
		fi
		sleep 0.2
	done
	stop_typist
	finish_launcher "$name"
	check "$name: the Guest did all $steps steps and powered off ($guest_rc)" \
		[ "$guest_rc" = 0 ]
	if [ "$typing" = 1 ]; then
		d=$(tr -d '\r' < "$guest_out" |
			sed -n 's/^TYPED-\([0-9]*\)$/\1/p' | tr '\n' ' ')
		check "$name: every line typed meanwhile ran, in order ($(echo $typed | wc -w) lines)" \
			[ -n "$typed" -a "$(echo $d)" = "$(echo $typed)" ]
	fi
}

# Block: the root disk grown to hold what the Guest writes.
block_round() {	# block_round NAME TYPING
	local a="stress-$1-a" b="stress-$1-b"
	cp /guest.img /tmp/stress.img
	dd if=/dev/zero of=/tmp/stress.img bs=1M count=0 \
		seek=$((32 + mb + 16)) 2>/dev/null
	resize2fs -f /tmp/stress.img > /dev/null 2>&1
	step_1="sh -c 'yes $a | head -c $((half << 20))' > /a.bin; sync; echo STEP-DONE-1"
	end_1="reboot -f"
	step_2="sh -c 'yes $b | head -c $((half << 20))' > /b.bin; sync; echo STEP-DONE-2"
	end_2="poweroff -f"
	drive "$1" "$2" 2 128 /vmlinux --block=/tmp/stress.img root=/dev/vda
	check "$1: e2fsck finds the file system clean" \
		e2fsck -n -f /tmp/stress.img
	debugfs -R "cat /a.bin" /tmp/stress.img 2>/dev/null |
		check "$1: the first boot's $half MiB read back byte for byte" \
			cmp_with "$a" $((half << 20)) -
	debugfs -R "cat /b.bin" /tmp/stress.img 2>/dev/null |
		check "$1: the second boot's $half MiB read back byte for byte" \
			cmp_with "$b" $((half << 20)) -
	rm -f /tmp/stress.img
}

# Net: $mb MiB each way over the Guest's tap.
net_round() {	# net_round NAME TYPING
	local down="stress-$1-down" up="stress-$1-up" sum
	rm -f /tmp/up.ok /tmp/down.sent
	(for i in $(seq 240); do
		ping -c 1 -W 1 169.254.1.2 > /dev/null 2>&1 && break
		sleep 0.5
	done
	for j in $(seq 120); do
		yes "$down" | head -c $((mb << 20)) |
			nc 169.254.1.2 5001 && touch /tmp/down.sent && break
		sleep 0.5
	done) &
	local sender=$!
	(nc -l -p 5003 <&8 | cmp_with "$up" $((mb << 20)) - &&
		touch /tmp/up.ok
	for j in $(seq 120); do
		echo done | nc 169.254.1.2 5004 && break
		sleep 0.5
	done) &
	local receiver=$!
	# The Guest's listeners read a FIFO it holds open, as ours do: on
	# the console they would eat the lines being typed.
	step_1="mkfifo /tmp/h; exec 7<> /tmp/h; ip addr add 169.254.1.2/16 dev eth0; ip link set eth0 up; nc -l -p 5001 <&7 | md5sum | sed 's/^/GOT:/'; sh -c 'yes $up | head -c $((mb << 20))' | nc 169.254.1.1 5003; nc -l -p 5004 <&7; echo STEP-DONE-1"
	end_1="poweroff -f"
	drive "$1" "$2" 1 64 /vmlinux --initrd=/guest-initrd.cpio \
		--tunnet=169.254.1.1 rdinit=/init
	kill $sender $receiver 2>/dev/null
	wait $sender $receiver 2>/dev/null
	sum=$(yes "$down" | head -c $((mb << 20)) | md5sum | cut -d" " -f1)
	check "$1: $mb MiB from the Host reach the Guest intact" \
		grep -q "^GOT:$sum" "$guest_out"
	check "$1: $mb MiB from the Guest reach the Host intact" \
		test -e /tmp/up.ok
}

for kind in $kinds; do
	typing=0
	[ "$kind" = typing ] && typing=1
	block_round "block-$kind" $typing
	net_round "net-$kind" $typing
done

check "lg.ko unloads" rmmod lg
check_host_dmesg_clean
