# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# kpptpd-lib.sh: helpers for the kpptpd tests (30-39), sourced after lib.sh.
#
#	kpptpd_conf [DIRECTIVE...]    a kpptpd.conf on stdout: listen 10.0.0.2,
#	                              pool 192.168.200.1 / .10-.20, pppd options
#	                              in $TMP/options.kpptpd, extra lines last
#	start_kpptpd WRAPPER CONF [NAME]
#	                              kpptpd in the background, logging to
#	                              $TMP/NAME.log, pid in $TMP/NAME.pid,
#	                              control socket $TMP/NAME.sock
#	                              (NAME: kpptpd)
#	start_pptp_client WRAPPER SERVER TAG [pppd options...]
#	                              pppd + pptp-linux (pty), log
#	                              $TMP/client-TAG.log; TAG is its ipparam
#	start_mppe_client WRAPPER SERVER TAG [pppd options...]
#	                              the same with CCP, for MPPE (whose
#	                              options the caller gives)
#	plugin_client TAG REMOTENAME [pppd options...]
#	                              pppd with kpptp.so dialing 10.0.0.2 from
#	                              $NS1 as alice (MS-CHAPv2, MPPE-128); log
#	                              $TMP/client-TAG.log, pid .pid, exit
#	                              status .rc when it ends
#	client_ended TAG STATUS WHAT  that pppd exited with STATUS within 30 s
#	wait_ppp_up WRAPPER IF PEER SECONDS
#	                              the old name of wait_link (lib.sh)
#	mppe_server_options NAME [LOG]
#	                              options of a pppd that logs users in as
#	                              NAME with MS-CHAPv2 and MPPE-128 required
#	                              (as a Windows client would), its log in
#	                              $TMP/pppd-LOG.log (LOG: NAME)
#	kpptpd_fail MSG               fail, showing the logs

KPPTPD=$KPPTP_BUILD/kpptpd

mppe_server_options() {
	cat <<OPT
name $1
auth
require-mschap-v2
require-mppe-128
refuse-pap
refuse-chap
refuse-mschap
refuse-eap
nodefaultroute
novj
mtu 1400
mru 1400
lcp-echo-interval 0
debug
logfile $TMP/pppd-${2:-$1}.log
OPT
}

kpptpd_conf() {
	cat >"$TMP/options.kpptpd" <<OPT
noauth
nodefaultroute
noccp
novj
mtu 1400
mru 1400
lcp-echo-interval 0
debug
logfile $TMP/pppd-server.log
OPT
	cat <<CONF
# written by $TEST_NAME
listen 10.0.0.2
localip 192.168.200.1
remoteip 192.168.200.10-20
option $TMP/options.kpptpd
plugin $PLUGIN
state-file $TMP/kpptpd.calls
CONF
	local line
	for line in "$@"; do echo "$line"; done
}

start_kpptpd() {
	local ns=$1 conf=$2 name=${3:-kpptpd} up='listening on|client role' before
	# a restart appends to the log of the one before: wait for one more
	before=$(log_lines "$TMP/$name.log" "$up")
	# $! would be the subshell running the wrapper: kpptpd writes its own
	"$ns" sh -c 'echo $$ >"$0"; exec "$@"' "$TMP/$name.pid" \
		"$KPPTPD" -d -c "$conf" -S "$TMP/$name.sock" 2>>"$TMP/$name.log" &
	wait_log_lines "$TMP/$name.log" "$up" "$before" ||
		kpptpd_fail "kpptpd did not start"
}

start_pptp_client() { pptp_linux_client noccp "$@"; }
start_mppe_client() { pptp_linux_client "" "$@"; }

# pptp_linux_client CCP WRAPPER SERVER TAG [pppd options...]: CCP is
# "noccp", or "" to let CCP (MPPE) be negotiated
pptp_linux_client() {
	local ccp=$1 ns=$2 server=$3 tag=$4
	shift 4
	"$ns" pppd pty "pptp $server --nolaunchpppd --loglevel 1" \
		noauth nodetach nodefaultroute noipdefault ${ccp:+"$ccp"} novj \
		mtu 1400 mru 1400 lcp-echo-interval 0 ipparam "$tag" \
		logfile "$TMP/client-$tag.log" debug "$@" >/dev/null 2>&1 &
}

plugin_client() {
	local tag=$1 remotename=$2
	shift 2
	(
		# pppd's exit status is the result here, not a test failure
		trap - ERR
		set +e
		n1 sh -c 'echo $$ >"$0"; exec "$@"' "$TMP/client-$tag.pid" \
			pppd plugin "$PLUGIN" pptp_server 10.0.0.2 \
			name alice remotename "$remotename" require-mppe-128 \
			refuse-eap refuse-pap refuse-chap refuse-mschap \
			noauth nodetach nodefaultroute noipdefault novj \
			mtu 1400 mru 1400 lcp-echo-interval 0 ipparam "$tag" \
			logfile "$TMP/client-$tag.log" debug "$@" \
			>/dev/null 2>&1
		echo $? >"$TMP/client-$tag.rc"
	) &
	wait_for "[ -s '$TMP/client-$tag.pid' ]" 5
}

client_ended() {
	wait_for "[ -s '$TMP/client-$1.rc' ]" 30 || kpptpd_fail "$3: the client's pppd did not exit"
	expect_eq "$(cat "$TMP/client-$1.rc")" "$2" "$3: pppd exit status"
}

# the old name of lib.sh's wait_link, for tests written before it
wait_ppp_up() { wait_link "$@"; }

kpptpd_fail() {
	local f
	for f in "$TMP"/kpptpd*.log "$TMP"/pppd-*.log "$TMP"/client-*.log \
		"$TMP"/pptpd*.log; do
		[ -f "$f" ] || continue
		echo "---- $f (last 40 lines)"
		tail -n 40 "$f"
	done
	fail "$*"
}
