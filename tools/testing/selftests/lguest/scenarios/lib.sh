# SPDX-License-Identifier: GPL-2.0
#
# Helpers for scenarios, sourced by each.  A scenario runs as the Host's
# init and reports each check as one line on the serial console, which
# run_tests.sh turns into TAP.

# The Host's page table format, as run_tests.sh booted it: 2level or pae.
flavour=$(sed -n 's/.*lgflavour=\([a-z0-9]*\).*/\1/p' /proc/cmdline)

ok() {
	echo "LGTEST ok - $*"
}

not_ok() {
	echo "LGTEST not ok - $*"
}

# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() {
	local desc=$1
	shift
	if "$@"; then
		ok "$desc"
	else
		not_ok "$desc"
	fi
}

# check_grep DESCRIPTION FILE PATTERN: passes when FILE has a line matching
# the extended regular expression; on failure shows the file's tail.
check_grep() {
	if grep -qE "$3" "$2"; then
		ok "$1"
	else
		not_ok "$1"
		echo "--- last lines of $2:"
		tail -n 20 "$2"
	fi
}

# The Host's kernel log must stay free of oopses, warnings and bugs.
check_host_dmesg_clean() {
	if dmesg | grep -qE 'Oops|BUG:|WARNING:|general protection|Call Trace'; then
		not_ok "Host dmesg is clean"
		dmesg | tail -n 40
	else
		ok "Host dmesg is clean"
	fi
}

# Evidence.  Everything a Guest run leaves behind goes onto the serial
# line between "LGEVIDENCE begin NAME" and "LGEVIDENCE end", and
# run_tests.sh files each section as build/test-logs/SCENARIO/NAME.
evidence() {	# evidence NAME FILE
	echo "LGEVIDENCE begin $1"
	cat "$2" 2>/dev/null
	echo
	echo "LGEVIDENCE end"
}

# The processes whose parent is $1 (busybox has no pgrep).
children() {
	local s
	for s in /proc/[0-9]*/stat; do
		awk -v p="$1" '$4 == p { print $1 }' "$s" 2>/dev/null
	done
}

# The Launcher's threads and its Waker (a child process): the state of
# each, where it sleeps, the system call it is in; and the Host's
# counters, twice a second apart, so that what still moves shows.  Taken
# before a stuck Guest is killed.
launcher_state() {	# launcher_state PID
	local t p
	for p in $1 $(children "$1"); do
		for t in /proc/$p/task/*; do
			echo "pid $p tid ${t##*/} $(cat "$t/comm" 2>/dev/null):" \
				"$(sed -n 's/^State:[[:space:]]*//p' "$t/status" 2>/dev/null)" \
				"wchan=$(cat "$t/wchan" 2>/dev/null)" \
				"syscall=$(cut -d' ' -f1 "$t/syscall" 2>/dev/null)"
		done
	done
	for p in 1 2; do
		echo "debugfs: $(cd /sys/kernel/debug/lguest 2>/dev/null &&
			for t in *; do echo -n "$t=$(cat "$t") "; done)"
		grep lguest /proc/net/dev | sed 's/^ */net: /'
		sleep 1
	done
}

# Patience.  A Guest is given up on when it has made no progress for
# $GUEST_TIMEOUT seconds (60 unless the scenario says), or after
# $GUEST_MAX seconds (900) in all.  Progress is the Host's count of Guest
# exits moving: a slow machine gets all the time it needs (the scenarios
# that failed on one were slow, not stuck), while a Guest asleep for
# good is found in a minute.  still_patient() is called five
# times a second, and reads the counter with the shell's own "read".
patience_start() {
	patience_last=-1 patience_idle=0 patience_all=0
}

still_patient() {
	local now t=${GUEST_TIMEOUT:-60}
	read -r now < /sys/kernel/debug/lguest/exits 2>/dev/null || now=0
	if [ "$now" != "$patience_last" ]; then
		patience_last=$now patience_idle=0
	else
		patience_idle=$((patience_idle + 1))
	fi
	patience_all=$((patience_all + 1))
	[ $patience_idle -lt $((t * 5)) ] &&
		[ $patience_all -lt $((${GUEST_MAX:-900} * 5)) ]
}

# Start the Launcher on a FIFO we hold open, so we can type into it.
start_launcher() {	# start_launcher NAME LGUEST-ARGS...
	local name=$1
	shift
	guest_out=/tmp/$name.out
	guest_err=/tmp/$name.err
	guest_fifo=/tmp/$name.in
	rm -f "$guest_out" "$guest_err" "$guest_fifo" "/tmp/$name.state"
	mkfifo "$guest_fifo"
	lguest "$@" < "$guest_fifo" > "$guest_out" 2> "$guest_err" &
	guest_pid=$!
	exec 3> "$guest_fifo"
	patience_start
}

# Wait for it to end; kill it if it is still there, keeping its state.
finish_launcher() {	# finish_launcher NAME
	if kill -0 $guest_pid 2>/dev/null; then
		launcher_state $guest_pid > "/tmp/$1.state"
		kill -9 $guest_pid
		wait $guest_pid
		guest_rc=124
	else
		wait $guest_pid
		guest_rc=$?
	fi
	exec 3>&-
	rm -f "$guest_fifo"
	evidence "$1.console" "$guest_out"
	evidence "$1.stderr" "$guest_err"
	if [ -s "/tmp/$1.state" ]; then
		echo "  $1: killed after $((patience_all / 5))s," \
			"$((patience_idle / 5))s of them without progress; its threads:"
		sed 's/^/    /' "/tmp/$1.state"
		evidence "$1.threads" "/tmp/$1.state"
	fi
}

# run_guest NAME COMMANDS LGUEST-ARGS...: run the Launcher and, each time
# the Guest's init says hello (again, after a reboot), type COMMANDS on its
# console as a user would (GUEST_CMDS_AGAIN, if set, from the second boot
# on).  Afterwards $guest_out holds everything the Guest printed,
# $guest_err what the Launcher said on stderr and $guest_rc its exit status
# (124 if we ran out of patience and killed it); both also go to the
# serial line as evidence.
run_guest() {
	local name=$1 cmds=$2 boots=0 hellos
	shift 2
	start_launcher "$name" "$@"
	while kill -0 $guest_pid 2>/dev/null && still_patient; do
		hellos=$(grep -c 'init is running' "$guest_out" 2>/dev/null)
		if [ "${hellos:-0}" -gt $boots ]; then
			boots=$hellos
			if [ $boots -gt 1 ] && [ -n "${GUEST_CMDS_AGAIN:-}" ]; then
				echo "$GUEST_CMDS_AGAIN" >&3
			elif [ -n "$cmds" ]; then
				echo "$cmds" >&3
			fi
		fi
		sleep 0.2
	done
	finish_launcher "$name"
}
