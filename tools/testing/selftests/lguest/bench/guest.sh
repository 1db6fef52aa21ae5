# SPDX-License-Identifier: GPL-2.0
# make bench, inside the Guest: the Host's lgbench drive types
# "sh /bench/guest.sh OPTIONS" at the Guest's shell, and reads the
# Host's counters at each mark lgbench -m makes.  The Host is at
# 169.254.1.1 on the tap, with lgbench serve on port 5000; the disk vda
# is the file the Host timed natively.
host=169.254.1.1:5000

ip addr add 169.254.1.2/16 dev eth0
ip link set eth0 up
/bench/lgbench "$@" -s guest -m int80 libc pipe fork exec fault cow \
	walk-linear walk-random mremap file-mmap unix \
	dio-read:/dev/vda dio-write:/dev/vda \
	tcp-out:$host tcp-in:$host tcp-rr:$host ||
	echo "LGBENCH error guest: lgbench failed in the Guest"
poweroff -f
