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
