# SPDX-License-Identifier: GPL-2.0
#
# Helpers for scenarios, sourced by each.  A scenario runs as the Host's
# init and reports each check as one line on the serial console, which
# run_tests.sh turns into TAP.

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

# run_guest NAME COMMANDS LGUEST-ARGS...: run the Launcher and, each time
# the Guest's init says hello (again, after a reboot), type COMMANDS on its
# console as a user would (GUEST_CMDS_AGAIN, if set, from the second boot
# on).  Afterwards $guest_out holds everything the
# Guest printed, $guest_err what the Launcher said on stderr and $guest_rc
# its exit status (124 if the Guest outlived $GUEST_TIMEOUT seconds and
# was killed).
run_guest() {
	local name=$1 cmds=$2 fifo pid waited=0 boots=0 hellos
	shift 2
	guest_out=/tmp/$name.out
	guest_err=/tmp/$name.err
	fifo=/tmp/$name.in
	rm -f "$guest_out" "$guest_err" "$fifo"
	mkfifo "$fifo"

	lguest "$@" < "$fifo" > "$guest_out" 2> "$guest_err" &
	pid=$!
	exec 3> "$fifo"
	while kill -0 $pid 2>/dev/null &&
	      [ $waited -lt $((${GUEST_TIMEOUT:-60} * 5)) ]; do
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
		waited=$((waited + 1))
	done
	if kill -0 $pid 2>/dev/null; then
		kill -9 $pid
		wait $pid
		guest_rc=124
	else
		wait $pid
		guest_rc=$?
	fi
	exec 3>&-
	rm -f "$fifo"
}
