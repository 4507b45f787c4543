#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make demo: two namespaces, a call in each made with kpptpctl, pppd with
# kpptp.so on both ends, then the link at work and the call table.
. "$(dirname "$0")/lib.sh"
setup_veth_pair

step() { printf '\n\033[1m### %s\033[0m\n' "$*"; }

step "kpptpctl call add (one call per side, like two PPTP peers)"
n1 "$CTL" call add id 100 peer 10.0.0.2 peer-id 200
n2 "$CTL" call add id 200 peer 10.0.0.1 peer-id 100

step "pppd plugin kpptp.so kpptp_call ID on both ends"
start_pppd n1 100 192.168.100.1:192.168.100.2
start_pppd n2 200 192.168.100.2:192.168.100.1
wait_for "n1 ip -4 addr show dev ppp0 | grep -q 'peer 192.168.100.2'" 30
n1 ip -br addr show dev ppp0

step "ping and 5 s of iperf3 across the PPP link"
n1 ping -c 3 -i 0.2 192.168.100.2
n2 iperf3 -s -D -1
sleep 0.5
n1 iperf3 -c 192.168.100.2 -t 5 --connect-timeout 5000 | grep -E "sender|receiver"

step "kpptpctl -s show (n1)"
n1 "$CTL" -s show
step "kpptpctl -j -p show id 100 (n1)"
n1 "$CTL" -j -p -s show id 100
