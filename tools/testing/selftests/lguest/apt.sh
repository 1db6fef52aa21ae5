# SPDX-License-Identifier: GPL-2.0
#
# Sourced by deps.sh and mkimages.sh.  Debian's mirrors are sometimes
# caught mid-sync: "apt-get update" then fails one index with "File has
# unexpected size ... Mirror sync in progress?" and exit 100, while the
# packages we want may well still download.  So an update is tried a few
# times and its failure is never fatal: whoever needs a package says
# which one is missing, and how to get it, when it really is.

apt_update() {
	local try
	for try in 1 2 3 4 5; do
		apt-get update -q >/dev/null 2>&1 && return 0
		echo "  APT     update failed (try $try of 5); retrying in $((try * 5))s" >&2
		sleep $((try * 5))
	done
	echo "  APT     update still failing; going on with the indexes we have" >&2
	return 0
}
