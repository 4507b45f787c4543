#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The Debian packages (issue 12), installed as an administrator would:
# "apt install ./*.deb" of kpptp-dkms, kpptpd and pppd-kpptp from "make
# deb" (build/deb/SUITE, the guest's release; skipped, and said so, when
# there are none).
# Shown: DKMS builds kpptp.ko for the running kernel and modprobe loads
# that build; with no module loaded, a PX_PROTO_PPTP socket loads kpptp.ko
# (not pptp.ko) and kpptpctl loads it through its genetlink family; the
# unit passes systemd-analyze verify; under systemd (its own instance, in
# namespaces: see sd_start), "systemctl start kpptpd" with the packaged
# /etc/kpptpd.conf and /etc/ppp/kpptpd-options answers a stock pptp-linux
# client with MS-CHAPv2 and MPPE-128 from inside the unit's sandbox, which
# holds (capabilities, read-only /usr and /etc) for kpptpd and its pppd;
# "systemctl reload" keeps the call; "apt remove" stops the unit and leaves
# no module build, call, process or file but the conffiles, and purging
# leaves nothing.
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
[ -L /etc/systemd/system/multi-user.target.wants/kpptpd.service ] ||
	fail "the unit was not enabled on install"
pass "apt install ./*.deb ($((SECONDS - t0)) s, DKMS build included); the unit enabled"

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

# systemd, for the unit: the guest's PID 1 is guest-init, so a systemd
# instance runs as PID 1 of its own PID, mount and cgroup namespaces (as
# in a container), sharing the guest's file systems and network.  Its
# boot target is empty: sysinit.target would run tmpfiles on the guest's
# /tmp.  Our netns bind mounts reach it (slave propagation).
SD_CG=/sys/fs/cgroup/kpptp70
SD_PID=
sd() { nsenter -t "$SD_PID" -m -p "$@"; }
sd_start() {
	grep -q '^cgroup2 /sys/fs/cgroup ' /proc/mounts ||
		mount -t cgroup2 cgroup2 /sys/fs/cgroup
	mkdir "$SD_CG"
	[ -e /dev/log ] || on_cleanup "[ ! -L /dev/log ] || rm /dev/log"
	on_cleanup "rm -rf /run/systemd /run/log"
	mkdir -p /run/systemd/system
	printf '[Unit]\nDescription=kpptp test 70\nDefaultDependencies=no\n' \
		>/run/systemd/system/kpptp70.target
	bash -c 'echo $$ >"$0/cgroup.procs" && exec unshare --pid --fork \
		--mount --cgroup --propagation slave sh -c "mount -t proc proc /proc &&
		umount /sys/fs/cgroup && mount -t cgroup2 cgroup2 /sys/fs/cgroup &&
		exec env container=kpptp-test /usr/lib/systemd/systemd --system \
			--unit=kpptp70.target --log-target=journal-or-kmsg --log-level=info"' \
		"$SD_CG" >"$TMP/systemd.log" 2>&1 &
	on_cleanup sd_stop
	wait_for "SD_PID=\$(pgrep -x -P $! systemd)" 10 ||
		fail "systemd did not start: $(cat "$TMP/systemd.log"; pgrep -a -P $! || :)"
	wait_for "sd systemctl is-system-running >/dev/null" 60 ||
		fail "systemd: $(sd systemctl is-system-running; cat "$TMP/systemd.log")"
}
sd_stop() {
	local d
	[ -z "$SD_PID" ] || kill -9 "$SD_PID"	# PID 1 of the namespace: all go
	wait_for "grep -qx 'populated 0' $SD_CG/cgroup.events" 10
	find "$SD_CG" -depth -type d 2>/dev/null | while read -r d; do
		wait_for "rmdir $d" 10 || echo "cleanup: $d stays" >&2
	done
}

# the unit, checked as systemd reads it; its man pages are in the package
# (the guest's dpkg leaves out /usr/share/man)
unit=
for u in /usr/lib/systemd/system/kpptpd.service /lib/systemd/system/kpptpd.service; do
	[ -n "$unit" ] || [ ! -f "$u" ] || unit=$u
done
[ -n "$unit" ] || fail "no kpptpd.service"
systemd-analyze verify --man=no "$unit" >"$TMP/verify" 2>&1 ||
	fail "systemd-analyze verify: $(cat "$TMP/verify")"
[ ! -s "$TMP/verify" ] || fail "systemd-analyze verify: $(cat "$TMP/verify")"
for m in man:kpptpd\(8\) man:kpptpd.conf\(5\) man:kpptpctl\(8\); do
	grep -q "^Documentation=.*$m" "$unit" || fail "$unit: no Documentation=$m"
done
dpkg -c "$TMP"/kpptpd_*.deb >"$TMP/contents"
for m in man8/kpptpd.8 man5/kpptpd.conf.5 man8/kpptpctl.8; do
	grep -q "usr/share/man/$m" "$TMP/contents" || fail "kpptpd.deb has no $m"
done
pass "systemd-analyze verify: $unit clean; its man pages are packaged"

# the packaged daemon under systemd: "systemctl start kpptpd", with one
# drop-in for the test only (the server's network namespace, and no
# sysinit.target; see above)
setup_veth_pair
printf '%s\n' '# client server secret addresses' 'alice kpptpd "s3cret-Pa55" *' \
	>/etc/ppp/chap-secrets
chmod 600 /etc/ppp/chap-secrets
sd_start
mkdir -p /run/systemd/system/kpptpd.service.d
printf '[Unit]\nDefaultDependencies=no\n[Service]\nNetworkNamespacePath=/run/netns/%s\n' \
	"$NS2" >/run/systemd/system/kpptpd.service.d/kpptp-test.conf
# the maintainer scripts stop the unit on removal: policy-rc.d steps aside
mv /usr/sbin/policy-rc.d "$TMP/policy-rc.d"
on_cleanup "mv $TMP/policy-rc.d /usr/sbin/policy-rc.d"
sd systemctl daemon-reload
sd systemctl start systemd-journald.service || fail "journald did not start"
journal() { sd journalctl -q -o cat -u kpptpd.service; }
sd systemctl start kpptpd.service ||
	fail "systemctl start kpptpd: $(sd systemctl status --no-pager kpptpd; journal)"
wait_for "journal | grep -q listening" 20 || fail "packaged kpptpd: $(journal)"
# the PID systemd knows, in its namespace, and in ours
main=$(sd systemctl show -P MainPID kpptpd.service)
mainpid=$(pgrep -x kpptpd) || fail "no kpptpd"
expect_eq "$(awk '/^NSpid:/ { print $NF }' "/proc/$mainpid/status")" "$main" \
	"kpptpd's PID as systemd knows it"
n1 pppd pty "pptp 10.0.0.2 --nolaunchpppd --loglevel 1" \
	name alice remotename kpptpd require-mppe-128 refuse-eap refuse-pap \
	refuse-chap refuse-mschap noauth nodetach nodefaultroute noipdefault \
	novj mtu 1400 mru 1400 lcp-echo-interval 0 \
	logfile "$TMP/client.log" debug >/dev/null 2>&1 &
wait_link n1 ppp0 192.168.0.1 60 ||
	fail "no link to the packaged kpptpd: $(tail -5 "$TMP/client.log"; journal | tail -5)"
grep -q "MPPE 128-bit stateless compression enabled" "$TMP/client.log" ||
	fail "no MPPE-128 on the link"
n1 ping -q -c 3 -W 3 192.168.0.1 >/dev/null || fail "ping through the packaged kpptpd"
n2 /usr/sbin/kpptpctl conn show >"$TMP/conns"
grep -q "10.0.0.1" "$TMP/conns" || fail "kpptpctl conn show: $(cat "$TMP/conns")"
pass "systemctl start kpptpd: serves pptp-linux with MS-CHAPv2 + MPPE-128 from the packaged config"

# the sandbox holds, for kpptpd and the pppd it started
pppd_pid=$(pgrep -x -P "$mainpid" pppd) || fail "no pppd under kpptpd"
for p in "$mainpid" "$pppd_pid"; do
	expect_eq "$(sed -n 's/^CapBnd:[[:space:]]*//p' "/proc/$p/status")" \
		0000000000001400 "capability bounding set of $(cat "/proc/$p/comm") (NET_ADMIN, NET_BIND_SERVICE)"
	for d in /usr /etc; do
		! nsenter -t "$p" -m touch "$d/kpptp70-probe" 2>/dev/null ||
			fail "$(cat "/proc/$p/comm") can write in $d"
	done
	nsenter -t "$p" -m touch /run/kpptp70-probe || fail "$(cat "/proc/$p/comm") cannot write in /run"
	rm -f /run/kpptp70-probe
done
! journal | grep -i 'operation not permitted\|permission denied\|read-only' ||
	fail "the sandbox refused something: $(journal | grep -i 'not permitted\|denied\|read-only')"
pass "sandbox: kpptpd and pppd bounded to NET_ADMIN + NET_BIND_SERVICE, /usr and /etc read-only"

# systemctl reload: the file re-read, the call untouched
sd systemctl reload kpptpd.service || fail "systemctl reload: $(journal | tail -5)"
wait_for "journal | grep -q 'kpptpd\[info\]: reloaded /etc/kpptpd.conf'" 10 || fail "no reload: $(journal | tail -5)"
[ "$(sd systemctl show -P MainPID kpptpd.service)" = "$main" ] || fail "reload restarted kpptpd"
n1 ping -q -c 2 -W 3 192.168.0.1 >/dev/null || fail "the call did not survive the reload"
pass "systemctl reload kpptpd: the configuration re-read, the call kept"

# remove: the package's prerm stops the unit.  apt runs where systemctl
# can reach systemd, in its namespaces, as on a machine systemd booted.
dpkg -L kpptp-dkms kpptpd pppd-kpptp | sort -u >"$TMP/files"
conffiles=$(dpkg-query -W -f='${Conffiles}\n' kpptpd | awk 'NF { print $1 }')
DEBIAN_FRONTEND=noninteractive sd apt-get remove -y -q kpptpd pppd-kpptp kpptp-dkms \
	>"$TMP/remove.log" 2>&1 || fail "apt remove: $(tail -20 "$TMP/remove.log")"
state=$(sd systemctl show -P ActiveState kpptpd.service)
[ "$state" = inactive ] ||
	fail "kpptpd.service is $state after apt remove: $(tail -20 "$TMP/remove.log")"
journal | grep -q 'kpptpd\[info\]: signal 15: shutting down' ||
	fail "kpptpd got no SIGTERM: $(journal | tail -5)"
! pgrep -x kpptpd >/dev/null || fail "kpptpd still running"
wait_for "! pgrep -x pppd >/dev/null" 20 || fail "pppd left running: $(pgrep -a -x pppd)"
wait_for "[ \"\$(calls_in n2)\" = 0 ]" 10 || fail "calls left: $(calls_in n2)"
wait_for "! grep -q '^kpptp ' /proc/modules || rmmod kpptp" 10 || fail "kpptp.ko stays in use"
left=$(while read -r f; do [ ! -f "$f" ] || echo "$f"; done <"$TMP/files" | sort)
expect_eq "$left" "$(echo "$conffiles" | sort)" "files left after apt remove"
! ls /lib/modules/"$KVER"/updates/dkms/kpptp.ko* >/dev/null 2>&1 ||
	fail "the DKMS build is still installed"
[ -z "$(dkms status kpptp 2>/dev/null)" ] || fail "dkms still knows kpptp: $(dkms status)"
pass "apt remove: the unit stopped by prerm; no module build, call or process left; only the conffiles"
DEBIAN_FRONTEND=noninteractive sd apt-get purge -y -q kpptpd >"$TMP/purge.log" 2>&1 ||
	fail "apt purge: $(tail -20 "$TMP/purge.log")"
for f in $conffiles; do [ ! -e "$f" ] || fail "$f left after purge"; done
[ ! -e /etc/systemd/system/multi-user.target.wants/kpptpd.service ] ||
	fail "the unit's enablement link left after purge"
pass "apt purge: the conffiles and the unit's enablement go too"
