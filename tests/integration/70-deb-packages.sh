#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The Debian packages (issue 12), installed as an administrator would:
# "apt install ./*.deb" of kpptp-dkms, kpptpd and pppd-kpptp from "make
# deb" (build/deb/SUITE, the guest's release; skipped, and said so, when
# there are none).
# Shown: DKMS builds kpptp.ko for the running kernel and modprobe loads
# that build; with no module loaded, a PX_PROTO_PPTP socket loads kpptp.ko
# (not pptp.ko) and kpptpctl loads it through its genetlink family; the
# packaged kpptpd, started as its systemd unit starts it (the guest has no
# systemd: the unit's own ExecStartPre and ExecStart lines are run), with
# the packaged /etc/kpptpd.conf and /etc/ppp/kpptpd-options, answers a
# stock pptp-linux client with MS-CHAPv2 and MPPE-128; removing the
# packages leaves no module build, call, process or file but the
# conffiles, and purging leaves nothing.
# timeout: 1200
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kpptpd-lib.sh"

SUITE=${KPPTP_GUEST:-trixie}
DEBS=$KPPTP_SRC/build/deb/$SUITE
ls "$DEBS"/kpptp-dkms_*.deb >/dev/null 2>&1 ||
	skip "no packages in build/deb/$SUITE (make check-deb builds them)"
command -v dkms >/dev/null || fail "dkms is not installed in the guest"
KVER=$(uname -r)
modprobe ppp_mppe || fail "no ppp_mppe module"

# the runner's kpptp.ko goes; the next test gets it back.  The guest's
# own copy of the modprobe.d file steps aside for the package's.
rmmod kpptp
if [ -f /etc/modprobe.d/kpptp.conf ]; then
	mv /etc/modprobe.d/kpptp.conf "$TMP/modprobe.d-kpptp.conf"
	on_cleanup "mv $TMP/modprobe.d-kpptp.conf /etc/modprobe.d/kpptp.conf"
fi
on_cleanup "pkill -x pppd || :; sleep 0.5; rmmod kpptp 2>/dev/null || :; insmod $KPPTP_KO"
on_cleanup "pkill -x kpptpd || :; apt-get purge -y -q kpptpd pppd-kpptp kpptp-dkms >/dev/null 2>&1 || :"

cp "$DEBS"/kpptp-dkms_*.deb "$DEBS"/kpptpd_*.deb "$DEBS"/pppd-kpptp_*.deb "$TMP/"
t0=$SECONDS
DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	"$TMP"/kpptp-dkms_*.deb "$TMP"/kpptpd_*.deb "$TMP"/pppd-kpptp_*.deb \
	>"$TMP/install.log" 2>&1 || fail "apt install: $(tail -20 "$TMP/install.log")"
pass "apt install ./*.deb ($((SECONDS - t0)) s, DKMS build included)"

# DKMS built and installed it for this kernel; modprobe takes that build
dkms status >"$TMP/dkms" 2>&1
grep -q "^kpptp/[^,]*, $KVER, x86_64: installed" "$TMP/dkms" ||
	fail "dkms status: $(cat "$TMP/dkms")"
ko=$(modinfo -n kpptp)
case $ko in
*/updates/dkms/kpptp.ko*) ;;
*) fail "modprobe would load $ko, not DKMS's build" ;;
esac
[ "$(modinfo -F srcversion "$ko")" = "$(modinfo -F srcversion "$KPPTP_KO")" ] ||
	fail "DKMS's kpptp.ko is not built from this tree's sources"
# modprobe -v names the file it inserts
modprobe -v kpptp >"$TMP/modprobe" 2>&1
grep -q "^insmod $ko" "$TMP/modprobe" || fail "modprobe kpptp: $(cat "$TMP/modprobe")"
grep -q '^kpptp ' /proc/modules || fail "kpptp.ko not loaded"
pass "dkms status: installed for $KVER; modprobe kpptp loads ${ko#/lib/modules/"$KVER"/}"

# autoload: the socket alias (pptp.ko blacklisted by the package), then
# the genetlink family
rmmod kpptp
modprobe -r pptp 2>/dev/null || :
python3 -c 'import socket; socket.socket(24, socket.SOCK_STREAM, 2).close()' ||
	fail "no PX_PROTO_PPTP socket"
grep -q '^kpptp ' /proc/modules || fail "the PX_PROTO_PPTP socket did not load kpptp.ko"
! grep -q '^pptp ' /proc/modules || fail "the PX_PROTO_PPTP socket loaded pptp.ko"
[ -f /usr/lib/modprobe.d/kpptp.conf ] || fail "no /usr/lib/modprobe.d/kpptp.conf"
rmmod kpptp
/usr/sbin/kpptpctl call show >"$TMP/show" 2>&1 || fail "kpptpctl call show: $(cat "$TMP/show")"
grep -q '^kpptp ' /proc/modules || fail "kpptpctl did not load kpptp.ko"
pass "a PX_PROTO_PPTP socket and kpptpctl each load kpptp.ko, never pptp.ko"

# the packaged daemon, as the unit starts it
unit=
for u in /usr/lib/systemd/system/kpptpd.service /lib/systemd/system/kpptpd.service; do
	[ -n "$unit" ] || [ ! -f "$u" ] || unit=$u
done
[ -n "$unit" ] || fail "no kpptpd.service"
setup_veth_pair
mkdir -p /run/kpptpd	# RuntimeDirectory=kpptpd
printf '%s\n' '# client server secret addresses' 'alice kpptpd "s3cret-Pa55" *' \
	>/etc/ppp/chap-secrets
chmod 600 /etc/ppp/chap-secrets
while IFS= read -r cmd; do
	n2 sh -c "$cmd" >>"$TMP/prestart.log" 2>&1 || fail "ExecStartPre $cmd: $(cat "$TMP/prestart.log")"
done < <(sed -n 's/^ExecStartPre=//p' "$unit")
start=$(sed -n 's/^ExecStart=//p' "$unit")
case $start in /usr/sbin/kpptpd\ *) ;; *) fail "ExecStart is $start" ;; esac
n2 sh -c "exec $start" >"$TMP/kpptpd.log" 2>&1 &
wait_for "grep -q listening $TMP/kpptpd.log" 20 || fail "packaged kpptpd: $(cat "$TMP/kpptpd.log")"
n1 pppd pty "pptp 10.0.0.2 --nolaunchpppd --loglevel 1" \
	name alice remotename kpptpd require-mppe-128 refuse-eap refuse-pap \
	refuse-chap refuse-mschap noauth nodetach nodefaultroute noipdefault \
	novj mtu 1400 mru 1400 lcp-echo-interval 0 \
	logfile "$TMP/client.log" debug >/dev/null 2>&1 &
wait_link n1 ppp0 192.168.0.1 60 ||
	fail "no link to the packaged kpptpd: $(tail -5 "$TMP/client.log"; tail -5 "$TMP/kpptpd.log")"
grep -q "MPPE 128-bit stateless compression enabled" "$TMP/client.log" ||
	fail "no MPPE-128 on the link"
n1 ping -q -c 3 -W 3 192.168.0.1 >/dev/null || fail "ping through the packaged kpptpd"
n2 /usr/sbin/kpptpctl conn show >"$TMP/conns"
grep -q "10.0.0.1" "$TMP/conns" || fail "kpptpctl conn show: $(cat "$TMP/conns")"
pass "packaged kpptpd (unit's command lines, packaged config) serves pptp-linux with MS-CHAPv2 + MPPE-128"

# remove: the daemon stopped first (prerm stops the unit under systemd)
pkill -TERM -x kpptpd	# as systemctl stop: kpptpd ends its calls and pppd
wait_for "! pgrep -x kpptpd >/dev/null" 20 || fail "kpptpd still running"
wait_for "! pgrep -x pppd >/dev/null" 20 ||
	fail "pppd left running: $(pgrep -a -x pppd)"
wait_for "[ \"\$(calls_in n2)\" = 0 ]" 10 || fail "calls left: $(calls_in n2)"
dpkg -L kpptp-dkms kpptpd pppd-kpptp | sort -u >"$TMP/files"
conffiles=$(dpkg-query -W -f='${Conffiles}\n' kpptpd | awk 'NF { print $1 }')
rmmod kpptp
DEBIAN_FRONTEND=noninteractive apt-get remove -y -q kpptpd pppd-kpptp kpptp-dkms \
	>"$TMP/remove.log" 2>&1 || fail "apt remove: $(tail -20 "$TMP/remove.log")"
left=$(while read -r f; do [ ! -f "$f" ] || echo "$f"; done <"$TMP/files" | sort)
expect_eq "$left" "$(echo "$conffiles" | sort)" "files left after apt remove"
! ls /lib/modules/"$KVER"/updates/dkms/kpptp.ko* >/dev/null 2>&1 ||
	fail "the DKMS build is still installed"
[ -z "$(dkms status kpptp 2>/dev/null)" ] || fail "dkms still knows kpptp: $(dkms status)"
! grep -q '^kpptp ' /proc/modules || fail "kpptp.ko loaded after removal"
pass "apt remove: no module build, call or process left; only the conffiles"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -q kpptpd >"$TMP/purge.log" 2>&1 ||
	fail "apt purge: $(tail -20 "$TMP/purge.log")"
for f in $conffiles; do [ ! -e "$f" ] || fail "$f left after purge"; done
pass "apt purge: the conffiles go too"
