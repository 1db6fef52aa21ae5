#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# merge_config.sh quietly drops an option whose dependencies are not met.
# A kernel without, say, CONFIG_LGUEST would build fine and fail every test
# in a confusing way, so insist that each requested option made it.
config=$1
fragment=$2
bad=0
while IFS= read -r line; do
	case "$line" in CONFIG_*=*) ;; *) continue ;; esac
	if ! grep -qxF "$line" "$config"; then
		echo "error: $line from $fragment is not in the kernel config" \
			"(unmet dependency?)" >&2
		bad=1
	fi
done < "$fragment"
exit $bad
