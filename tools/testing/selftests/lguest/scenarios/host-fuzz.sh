# SPDX-License-Identifier: GPL-2.0
# flavours: 2level pae
# timeout: 600
# The Host fuzzed from inside: fuzz-hcall makes thousands of seeded random
# hypercalls, traps and ring-3 trips per run (see guests/fuzz-hcall.c).
# Each run must end with the Guest powered off or killed with a reason,
# never hung or crashed; afterwards the Host's log is clean, it holds no
# shadow page or pin, and its memory is where it was.
#
# Two kinds of run take turns: long ones (5000 operations, hostile
# arguments rare, so most reach their end) and short hostile ones (200
# operations, one argument in a hundred hostile, so the Host's refusals
# are what gets tried).  make check runs 20 of each from seed 1; make
# fuzz passes lgfuzz=SECONDS (run for that long) and lgseed=FIRST.  A
# failure names its seed and arguments: replay it with
# "lguest 64 /guests/fuzz-hcall.elf seed=N ops=N hostile=N".
. ./lib.sh

seconds=0 seed=1 seeds=40
# A run makes thousands of exits a second: twenty without one is a hang.
GUEST_TIMEOUT=20
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	lgfuzz=*) seconds=${arg#lgfuzz=} ;;
	lgseed=*) seed=${arg#lgseed=} ;;
	esac
done

insmod /lg.ko
dmesg -c > /dev/null

debugfs() {
	cat "/sys/kernel/debug/lguest/$1"
}

meminfo() {
	sync
	echo 3 > /proc/sys/vm/drop_caches
	awk -v f="$1:" '$1 == f { print $2 }' /proc/meminfo
}

# fuzz_one SEED OPS HOSTILE: one run; its outcome in $outcome, what it
# said in $guest_out and $guest_err.  A Guest that makes no exits for
# GUEST_TIMEOUT seconds is hung.
fuzz_one() {
	start_launcher fuzz 64 /guests/fuzz-hcall.elf \
		"seed=$1" "ops=$2" "hostile=$3"
	while kill -0 $guest_pid 2>/dev/null && still_patient; do
		sleep 0.2
	done
	if kill -0 $guest_pid 2>/dev/null; then
		launcher_state $guest_pid > /tmp/fuzz.state
		kill -9 $guest_pid
		wait $guest_pid
		outcome="hung"
	else
		wait $guest_pid
		guest_rc=$?
		if [ $guest_rc = 0 ] && grep -q 'done: ' "$guest_out"; then
			outcome="powered off"
		elif [ $guest_rc = 1 ] && grep -q '^lguest: ' "$guest_err"; then
			outcome="killed: $(grep '^lguest: ' "$guest_err" | tail -n 1)"
		else
			outcome="ended with status $guest_rc"
		fi
	fi
	exec 3>&-
	rm -f "$guest_fifo"
}

# A first run lets the Host's caches grow to their working size.
fuzz_one 1000000 5000 30000
echo "  warm-up run: $outcome"
free0=$(meminfo MemFree)
slab0=$(meminfo Slab)

rm -f /tmp/fuzz.reasons
start=$(date +%s) runs=0 offs=0 kills=0 bad=0 calls=0
while :; do
	if [ "$seconds" -gt 0 ]; then
		[ $(($(date +%s) - start)) -lt "$seconds" ] || break
	else
		[ $runs -lt $seeds ] || break
	fi
	if [ $((runs % 2)) = 0 ]; then
		args="$seed 5000 30000"
	else
		args="$seed 200 100"
	fi
	fuzz_one $args
	runs=$((runs + 1))
	n=$(grep -o '[0-9]* operations' "$guest_out" | tail -n 1)
	n=${n% operations}
	calls=$((calls + ${n:-0}))
	case "$outcome" in
	"powered off") offs=$((offs + 1)) ;;
	killed:*)
		kills=$((kills + 1))
		echo "${outcome#killed: lguest: }" | sed 's/[0-9a-fx]*[0-9][0-9a-fx]*/N/g' \
			>> /tmp/fuzz.reasons
		;;
	*)
		bad=$((bad + 1))
		not_ok "fuzz-hcall $args (seed ops hostile): $outcome"
		evidence "seed-$seed.console" "$guest_out"
		evidence "seed-$seed.stderr" "$guest_err"
		evidence "seed-$seed.threads" /tmp/fuzz.state
		;;
	esac
	# With no Guest left, the Host holds no shadow page and no pin.
	held="$(debugfs shadow_pages) $(debugfs pinned_pages)"
	if [ "$held" != "0 0" ]; then
		bad=$((bad + 1))
		not_ok "fuzz-hcall $args (seed ops hostile): shadow pages and pins back to 0 0 (are $held)"
		evidence "seed-$seed.console" "$guest_out"
	fi
	if dmesg | grep -qE 'Oops|BUG:|WARNING:|general protection|Call Trace'; then
		bad=$((bad + 1))
		not_ok "fuzz-hcall $args (seed ops hostile): the Host's log is clean"
		dmesg | tail -n 60
		evidence "seed-$seed.console" "$guest_out"
		dmesg -c > /dev/null
	fi
	echo "  seed $seed (ops hostile: ${args#* }): $outcome"
	seed=$((seed + 1))
done
echo "  $runs runs, at least $calls operations (counted by thousands):" \
	"$offs powered off, $kills killed with a reason, $bad failed"
echo "  why the Host killed them:"
sort /tmp/fuzz.reasons 2>/dev/null | uniq -c | sort -rn | sed 's/^/   /'
check "fuzz-hcall: $runs seeds ran, none hung or crashed" [ $bad = 0 ]
check "fuzz-hcall: some runs reach their end (powered off: $offs)" [ $offs -gt 0 ]

check "no shadow page is left (shadow_pages $(debugfs shadow_pages))" \
	[ "$(debugfs shadow_pages)" = 0 ]
check "no Guest page is left pinned (pinned_pages $(debugfs pinned_pages))" \
	[ "$(debugfs pinned_pages)" = 0 ]
free1=$(meminfo MemFree)
slab1=$(meminfo Slab)
check "MemFree within 1 MB after $runs runs (${free0} -> ${free1} kB)" \
	[ $((free0 - free1)) -lt 1024 ]
check "Slab within 256 kB after $runs runs (${slab0} -> ${slab1} kB)" \
	[ $((slab1 - slab0)) -lt 256 ]
check "lg.ko unloads" rmmod lg
check_host_dmesg_clean
