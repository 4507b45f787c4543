#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make demo.  Part 1, the data plane: two namespaces, a call in each made
# with kpptpctl, pppd with kpptp.so on both ends, the link at work and the
# call table.  Part 2, the control plane: a real pptp-linux client dials
# kpptpd, which makes the kernel call and runs pppd for it.
. "$(dirname "$0")/lib.sh"
setup_veth_pair

step() { printf '\n\033[1m### %s\033[0m\n' "$*"; }

step "kpptpctl call add (one call per side, like two PPTP peers)"
n1 "$CTL" call add id 100 peer 10.0.0.2 peer-id 200
n2 "$CTL" call add id 200 peer 10.0.0.1 peer-id 100

step "pppd plugin kpptp.so kpptp_call ID on both ends"
start_pppd n1 100 192.168.100.1:192.168.100.2
start_pppd n2 200 192.168.100.2:192.168.100.1
wait_link n1 ppp0 192.168.100.2 30
n1 ip -br addr show dev ppp0

step "ping and 5 s of iperf3 across the PPP link"
n1 ping -c 3 -i 0.2 192.168.100.2
n2 iperf3 -s -D -1
wait_listen n2 tcp 5201
n1 iperf3 -c 192.168.100.2 -t 5 --connect-timeout 5000 | grep -E "sender|receiver"

step "kpptpctl -s show (n1)"
n1 "$CTL" -s show
step "kpptpctl -j -p show id 100 (n1)"
n1 "$CTL" -j -p -s show id 100

step "stop part 1: pppd on both ends, calls deleted"
pkill -TERM -f "kpptp_call (100|200) " || true
wait_for "! pgrep -f 'kpptp_call (100|200) '" 20
n1 "$CTL" call del id 100 2>/dev/null || true
n2 "$CTL" call del id 200 2>/dev/null || true

# Part 2: the control plane.  kpptpd is the PPTP server in n2; a stock
# pptp-linux + pppd client in n1 dials it over TCP 1723.
. "$(dirname "$0")/kpptpd-lib.sh"

step "kpptpd (server role) in n2: kpptpd -c kpptpd.conf, MS-CHAPv2 + MPPE-128"
modprobe ppp_mppe
kpptpd_conf >"$TMP/kpptpd.conf"
# pppd logs to its stdout, which kpptpd reads (user name, PPP state)
cat >"$TMP/options.kpptpd" <<OPT
name kpptpd
auth
require-mschap-v2
require-mppe-128
nodefaultroute
novj
mtu 1400
mru 1400
lcp-echo-interval 0
OPT
install -m 600 /dev/null /etc/ppp/chap-secrets	# the guest's /etc is a throwaway overlay
echo 'alice kpptpd "s3cret-Pa55" *' >/etc/ppp/chap-secrets
cat "$TMP/kpptpd.conf" "$TMP/options.kpptpd"
start_kpptpd n2 "$TMP/kpptpd.conf"

step "pptp-linux client in n1: pppd pty \"pptp 10.0.0.2 --nolaunchpppd\" name alice require-mppe-128"
n1 pppd pty "pptp 10.0.0.2 --nolaunchpppd --loglevel 1" \
	noauth nodetach nodefaultroute noipdefault novj mtu 1400 mru 1400 \
	lcp-echo-interval 0 ipparam demo name alice remotename kpptpd \
	require-mppe-128 logfile "$TMP/client-demo.log" >/dev/null 2>&1 &
wait_link n1 ppp0 192.168.200.1 60 || kpptpd_fail "the client's link did not come up"
grep -E "MPPE|CHAP" "$TMP/client-demo.log"
n1 ip -br addr show dev ppp0
n1 ping -c 3 -i 0.2 192.168.200.1

step "kpptpd's log"
cat "$TMP/kpptpd.log"

step "kpptpctl conn show (n2: kpptpd's control connections and their calls)"
n2 "$CTL" -S "$TMP/kpptpd.sock" conn show

step "kpptpctl -s show (n2: the kernel call kpptpd made, with its counters)"
n2 "$CTL" -s show

step "kpptpctl -j daemon show"
n2 "$CTL" -S "$TMP/kpptpd.sock" -j -p daemon show

step "the client stops: kpptpd sees its control connection close and clears the call"
pkill -TERM -f "pppd pty pptp 10.0.0.2 .*ipparam demo" || true
wait_for "! n2 $CTL -j call show | grep -q '\"id\"'" 30
n2 "$CTL" show
tail -n 3 "$TMP/kpptpd.log"
