# SPDX-License-Identifier: GPL-2.0
# flavours: 2level pae
# timeout: 900
# The Guest's network card, on a tap device in the Host: pings both ways,
# and a 4 MiB TCP transfer from the Guest whose checksum the Host checks;
# then the same card joined to a bridge.  The Host has no other network,
# so everything stays in link-local space.
. ./lib.sh

insmod /lg.ko
GUEST_TIMEOUT=60
yes lguest-net | head -c 4194304 > /tmp/expect.bin

# busybox nc -l stops when its own input ends: a listener here reads a
# FIFO we hold open for writing, instead of the /dev/null that background
# jobs get, so it ends only when its connection does.
mkfifo /tmp/hold
exec 8<> /tmp/hold
listen() {	# listen PORT FILE: receive one connection into FILE
	nc -l -p "$1" <&8 > "$2"
}

# Host side: once the Guest answers pings, send it 4 MiB over TCP, and
# time it; the Guest checksums what it received.  Then the Guest sends 4
# MiB back, which the Host checks, and waits for the Host to say it has
# them all before powering off.
rm -f /tmp/hostping /tmp/send.time /tmp/fromguest.bin
(for i in $(seq 120); do
	if ping -c 1 -W 1 169.254.1.2 > /dev/null 2>&1; then
		echo ok > /tmp/hostping
		# The Guest may not be listening yet: try until it is.
		for j in $(seq 60); do
			if time -p nc 169.254.1.2 5001 < /tmp/expect.bin \
					2> /tmp/send.time; then
				break
			fi
			sleep 0.5
		done
		break
	fi
	sleep 0.5
done) &
sender=$!
(listen 5003 /tmp/fromguest.bin
for j in $(seq 60); do
	echo done | nc 169.254.1.2 5004 && break
	sleep 0.5
done) &
receiver=$!

run_guest tap \
	'ip addr add 169.254.1.2/16 dev eth0; ip link set eth0 up; ping -c 2 169.254.1.1 > /dev/null && echo GUEST-PING-OK; nc -l -p 5001 > /tmp/in.bin; echo GOT:$(md5sum < /tmp/in.bin); yes lguest-up | head -c 4194304 | nc 169.254.1.1 5003; nc -l -p 5004; poweroff -f' \
	64 /vmlinux --initrd=/guest-initrd.cpio --tunnet=169.254.1.1 rdinit=/init
wait $sender
kill $receiver 2>/dev/null
check "tap: the Guest powers off ($guest_rc)" [ "$guest_rc" = 0 ]
check_grep "tap: the Guest pings the Host" "$guest_out" '^GUEST-PING-OK'
check "tap: the Host pings the Guest" test -s /tmp/hostping
sum=$(md5sum < /tmp/expect.bin | cut -d" " -f1)
check_grep "tap: 4 MiB over TCP reach the Guest intact" "$guest_out" "^GOT:$sum"
yes lguest-up | head -c 4194304 > /tmp/expect-up.bin
check "tap: 4 MiB over TCP from the Guest reach the Host intact" \
	cmp /tmp/expect-up.bin /tmp/fromguest.bin
secs=$(awk '/^real/ { print $2 }' /tmp/send.time 2>/dev/null)

# The same transfer inside the Host, over loopback, for comparison: 16
# times over, since once is too quick to time.
listen 5002 /dev/null &
listener=$!
sleep 0.5
{ time -p sh -c 'for i in $(seq 16); do cat /tmp/expect.bin; done |
	nc 127.0.0.1 5002'; } 2> /tmp/native.time
kill $listener 2>/dev/null
native=$(awk '/^real/ { print $2 }' /tmp/native.time)
echo "  TCP: Host to Guest 4 MiB in ${secs}s; Host loopback 64 MiB in ${native}s"

ip link add br0 type bridge
ip addr add 169.254.2.1/16 dev br0
ip link set br0 up
run_guest bridge \
	'ip addr add 169.254.2.2/16 dev eth0; ip link set eth0 up; sleep 2; ping -c 2 169.254.2.1 > /dev/null && echo BRIDGE-PING-OK; poweroff -f' \
	64 /vmlinux --initrd=/guest-initrd.cpio --tunnet=bridge:br0 rdinit=/init
check "bridge: the Guest powers off ($guest_rc)" [ "$guest_rc" = 0 ]
check_grep "bridge: the Guest pings the Host through br0" "$guest_out" \
	'^BRIDGE-PING-OK'

# Two Guests on one bridge: each card has a MAC of its own (the Launchers
# used to number every Guest's first card the same), so they reach each
# other.  Each Guest says its MAC and whether it pinged the other.
peer_cmds() {	# peer_cmds MY-IP PEER-IP
	echo "ip addr add $1/16 dev eth0; ip link set eth0 up; echo MAC:\$(cat /sys/class/net/eth0/address); for i in 1 2 3 4 5 6 7 8 9 10; do ping -c 1 -W 1 $2 > /dev/null && echo PEER-PING-OK && break; done; sleep 3; poweroff -f"
}
run_guest peer-a "$(peer_cmds 169.254.2.3 169.254.2.4)" \
	64 /vmlinux --initrd=/guest-initrd.cpio --tunnet=bridge:br0 rdinit=/init &
peer_a=$!
run_guest peer-b "$(peer_cmds 169.254.2.4 169.254.2.3)" \
	64 /vmlinux --initrd=/guest-initrd.cpio --tunnet=bridge:br0 rdinit=/init
wait $peer_a
mac_a=$(tr -d '\r' < /tmp/peer-a.out | sed -n 's/^MAC://p')
mac_b=$(tr -d '\r' < /tmp/peer-b.out | sed -n 's/^MAC://p')
check "two Guests on one bridge have different MACs ($mac_a, $mac_b)" \
	[ -n "$mac_a" -a -n "$mac_b" -a "$mac_a" != "$mac_b" ]
check_grep "the first Guest pings the second through br0" /tmp/peer-a.out \
	'^PEER-PING-OK'
check_grep "the second Guest pings the first through br0" /tmp/peer-b.out \
	'^PEER-PING-OK'

# A MAC and a prefix of the user's choosing: the Guest sees the MAC, the
# Host's side of the tap the /24.
rm -f /tmp/chosen.host
(for i in $(seq 100); do
	ip -o -4 addr show | grep -q '169.254.5.1/24' &&
		echo HOST-PREFIX-OK > /tmp/chosen.host && break
	sleep 0.3
done) &
watcher=$!
run_guest chosen 'echo MAC:$(cat /sys/class/net/eth0/address); sleep 2; poweroff -f' \
	64 /vmlinux --initrd=/guest-initrd.cpio \
	--tunnet=169.254.5.1/24,mac=02:11:22:33:44:55 rdinit=/init
wait $watcher
check_grep "mac=: the Guest's card has the MAC asked for" "$guest_out" \
	'^MAC:02:11:22:33:44:55'
check "/24: the Host's side of the tap has the prefix asked for" \
	test -s /tmp/chosen.host

lguest 64 /vmlinux --tunnet=bridge:nosuchbridge > /tmp/nobr.out 2>&1 < /dev/null
rc=$?
check "a bridge that does not exist: exit 1 before the Guest starts ($rc)" \
	[ "$rc" = 1 ]
check_grep "and one line saying so" /tmp/nobr.out 'nosuchbridge'

mv /dev/net/tun /dev/net/tun.away
lguest 64 /vmlinux --tunnet=169.254.3.1 > /tmp/notun.out 2>&1 < /dev/null
rc=$?
mv /dev/net/tun.away /dev/net/tun
check "no /dev/net/tun: exit 1 before the Guest starts ($rc)" [ "$rc" = 1 ]
check_grep "and one line naming it" /tmp/notun.out '/dev/net/tun'

ip link del br0
check "lg.ko unloads" rmmod lg
check_host_dmesg_clean
