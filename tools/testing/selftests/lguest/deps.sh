#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Make sure the Debian packages the build and the tests need are here.  As
# root we install what is missing; otherwise we name it and stop.
set -euo pipefail

kver=${KVER:-6.12}
# clang, its i386 runtime (libFuzzer and the sanitizers) and the 32-bit
# C++ library libFuzzer links with build the Launcher's fuzz targets.
need=(make gcc gcc-multilib lib32z1-dev libc6-dev-i386 bc flex bison
	libelf-dev xz-utils patch cpio e2fsprogs util-linux
	qemu-system-x86 sparse python3 python3-pygments git chromium
	"linux-source-$kver" clang libclang-rt-14-dev lib32stdc++-12-dev)

missing=()
for p in "${need[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "error: missing Debian packages: ${missing[*]}" >&2
	echo "       as root, run: apt-get install ${missing[*]}" >&2
	exit 1
fi
echo "  APT     ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
. "$(dirname "$0")/apt.sh"
if ! apt-get install -y -q "${missing[@]}" >/tmp/lguest-apt.log 2>&1; then
	apt_update
	apt-get install -y -q "${missing[@]}" >/tmp/lguest-apt.log 2>&1 || {
		tail -5 /tmp/lguest-apt.log >&2
		echo "error: could not install: ${missing[*]}" \
			"(full log in /tmp/lguest-apt.log)" >&2
		exit 1
	}
fi
