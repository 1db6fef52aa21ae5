# SPDX-License-Identifier: GPL-2.0
# A person at the Host's serial console can type commands and read the
# answers (the test bed that Guest console tests stand on).
. ./lib.sh

setsid cttyhack sh -i
