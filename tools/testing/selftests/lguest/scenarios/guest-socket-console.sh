# SPDX-License-Identifier: GPL-2.0
# flavours: 2level pae
# timeout: 300
# A Guest in the background: its console on a Unix socket, reached with
# a client, left, reached again and powered off from there; and a Guest
# whose console is a file, where its boot messages land.
. ./lib.sh

insmod /lg.ko
GUEST_TIMEOUT=120
sock=/tmp/g.sock

# wait_for FILE PATTERN: until the file shows it or we run out of patience.
wait_for() {
	until grep -q "$2" "$1" 2>/dev/null; do
		kill -0 $guest_pid 2>/dev/null && still_patient || return 1
		sleep 0.2
	done
}

rm -f "$sock"
start_launcher sock 64 /vmlinux --initrd=/guest-initrd.cpio rdinit=/init \
	--console=socket:$sock
until [ -S "$sock" ] || ! kill -0 $guest_pid 2>/dev/null; do sleep 0.1; done
: > /tmp/client1.out
{ wait_for /tmp/client1.out 'init is running' &&
	echo 'echo SUM:$((6 * 7))'; sleep 2; } |
	lguest-console-client "$sock" > /tmp/client1.out
{ echo 'echo AGAIN:$((7 * 7))'; sleep 2; echo 'poweroff -f'; } |
	lguest-console-client "$sock" > /tmp/client2.out
while kill -0 $guest_pid 2>/dev/null && still_patient; do sleep 0.2; done
finish_launcher sock
evidence client1.out /tmp/client1.out
evidence client2.out /tmp/client2.out
check_grep "socket: the first client sees the Guest boot" /tmp/client1.out \
	'init is running'
check_grep "socket: the first client's command is answered" /tmp/client1.out \
	'^SUM:42'
check_grep "socket: a second client is answered after the first left" \
	/tmp/client2.out '^AGAIN:49'
check "socket: poweroff from the client ends the Launcher with 0 ($guest_rc)" \
	[ "$guest_rc" = 0 ]
check "socket: the socket file is gone" [ ! -e "$sock" ]

rm -f /tmp/console.txt
start_launcher file 64 /vmlinux --initrd=/guest-initrd.cpio rdinit=/init \
	--console=/tmp/console.txt
wait_for /tmp/console.txt 'init is running'
kill $guest_pid
finish_launcher file
evidence console.txt /tmp/console.txt
check_grep "file: the Guest's boot messages land in the file" /tmp/console.txt \
	'Booting paravirtualized kernel on lguest'
check_grep "file: and its init's hello" /tmp/console.txt 'init is running'
check "file: nothing of the Guest's on the Launcher's stdout" [ ! -s "$guest_out" ]

check "lg.ko unloads" rmmod lg
check_host_dmesg_clean
