#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Put lguest into a Linux kernel tree: apply patches/series, then place the
# project's own files at their in-tree paths.
#
#   scripts/lguest-apply.sh [--link] /path/to/linux
#   scripts/lguest-apply.sh --relink /path/to/linux
#
# --link places symbolic links instead of copies, so that editing the
# project's files is seen by an incremental build of that tree.  --relink
# only brings such a linked tree up to date with files added or removed
# since; the build runs it every time.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
mode=copy
case "${1:-}" in
--link) mode=link; shift ;;
--relink) mode=relink; shift ;;
esac
if [ $# -ne 1 ]; then
	echo "usage: $0 [--link|--relink] <kernel-tree>" >&2
	exit 1
fi
tree=$1

die() {
	echo "lguest-apply: $*" >&2
	exit 1
}

[ -f "$tree/Makefile" ] && [ -d "$tree/arch/x86" ] ||
	die "$tree is not a Linux kernel source tree"

# The files lguest owns, relative to the project's top.
owned_files() {
	local d dirs=()

	for d in arch drivers include Documentation/lguest tools/launcher \
		 tools/testing/selftests/lguest; do
		[ -d "$top/$d" ] && dirs+=("$d")
	done
	(cd "$top" && find "${dirs[@]}" -type f ! -name '*.o' ! -name '*.elf' |
		sort)
}

link_owned_files() {
	owned_files | while read -r f; do
		if [ ! -L "$tree/$f" ]; then
			mkdir -p "$tree/$(dirname "$f")"
			ln -sfn "$top/$f" "$tree/$f"
		fi
	done
	# A file the project dropped must not linger as a dangling link.
	find "$tree/arch" "$tree/drivers" "$tree/include" \
		"$tree/Documentation/lguest" "$tree/tools" \
		-xtype l -lname "$top/*" -delete 2>/dev/null || true
}

if [ $mode = relink ]; then
	link_owned_files
	exit 0
fi

[ -e "$tree/drivers/lguest/Kconfig" ] &&
	die "$tree already has drivers/lguest: lguest is applied already"

# Apply the series in order; if one patch does not apply, take back the
# ones before it so the tree is left as it was found.
applied=()
while read -r p; do
	case "$p" in ''|'#'*) continue ;; esac
	if ! out=$(patch -d "$tree" -p1 -N -s --no-backup-if-mismatch \
			< "$top/patches/$p" 2>&1); then
		for ((i = ${#applied[@]} - 1; i >= 0; i--)); do
			patch -d "$tree" -p1 -R -s --no-backup-if-mismatch \
				< "$top/patches/${applied[i]}" >/dev/null 2>&1 || true
		done
		echo "$out" | sed 's/^/  /' >&2
		die "patches/$p does not apply to $tree (is it Linux 6.12?); tree left unchanged"
	fi
	applied+=("$p")
done < "$top/patches/series"

if [ $mode = link ]; then
	link_owned_files
else
	owned_files | while read -r f; do
		mkdir -p "$tree/$(dirname "$f")"
		cp "$top/$f" "$tree/$f"
	done
fi
echo "lguest-apply: applied ${#applied[@]} patches and the lguest files to $tree"
