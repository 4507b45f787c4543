#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# uml-init.sh: init (pid 1) of the KUnit UML kernel that run.sh boots.  The
# root is the host's / over hostfs, read-only.  Loads every module in
# $KPPTP_KUNIT_DIR (KUnit runs a module's suites while it loads), prints
# "kpptp-kunit: done" (run.sh's proof that the run completed) and powers off.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin

mount -t proc proc /proc
mount -t devtmpfs devtmpfs /dev 2>/dev/null
echo "kpptp-kunit: start"
for m in "${KPPTP_KUNIT_DIR:?}"/*.ko; do
	insmod "$m"
	echo "kpptp-kunit: insmod ${m##*/} rc=$?"
done
echo "kpptp-kunit: done"
echo o >/proc/sysrq-trigger
sleep 60
