#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# merge_config.sh quietly drops an option whose dependencies are not met.
# A kernel without, say, CONFIG_LGUEST would build fine and fail every test
# in a confusing way, so insist that each requested option made it.
#
#   check-config.sh .config FRAGMENT...
#
# A later fragment's word on an option overrides an earlier one's, as it
# does in merge_config.sh; "# CONFIG_X is not set" asks that it be unset.
config=$1
shift
awk '
	/^CONFIG_[A-Za-z0-9_]+=/ { name = $0; sub(/=.*/, "", name) }
	/^# CONFIG_[A-Za-z0-9_]+ is not set$/ { name = $2 }
	name != "" { want[name] = $0; from[name] = FILENAME; order[name] = ++n }
	{ name = "" }
	END { for (k in want) print order[k] "\t" k "\t" from[k] "\t" want[k] }
' "$@" | sort -n | {
	bad=0
	while IFS=$'\t' read -r _ name fragment line; do
		case "$line" in
		"# "*) ! grep -q "^$name=" "$config" ;;
		*) grep -qxF "$line" "$config" ;;
		esac && continue
		echo "error: $line from $fragment is not in the kernel config" \
			"(unmet dependency?)" >&2
		bad=1
	done
	exit $bad
}
