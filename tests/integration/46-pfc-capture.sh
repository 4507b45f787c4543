#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Receive must not write into packet data it shares.  A peer that
# compresses the PPP protocol field (PFC) makes kpptp expand it in front of
# the frame, over the byte before it (the PPP control field, or the GRE
# header's last byte with ACFC).  A packet socket on the receiving interface
# (tcpdump, here a plain AF_PACKET reader that reads its clones late) shares
# those bytes: it must still see them as they were sent.
#
#   n1: call 100, peer 10.0.0.2       n2: gre-inject.py, from 10.0.0.2
#       gre-capture.py on veth1 <---------- 2 x 20 PFC data packets
#   veth1 10.0.0.1 ----------------------- veth2 10.0.0.2
. "$(dirname "$0")/lib.sh"
CAPTURE=$KPPTP_SRC/tests/tools/gre-capture.py
setup_veth_pair

n1 "$CTL" call add id 100 peer 10.0.0.2 peer-id 200 >/dev/null
own_call n1 100 10.0.0.2 200
before=$(call_field n1 100 rx_packets)

n1 python3 "$CAPTURE" --dev veth1 --ready "$TMP/ready" --go "$TMP/go" \
	--timeout $((60 * ${KPPTP_TIMEOUT_SCALE:-1})) >"$TMP/captured" &
cap=$!
wait_for "[ -e $TMP/ready ]" 10 || fail "capture did not start"
inject() { n2 python3 "$INJECT" --dst 10.0.0.1 --src 10.0.0.2 --call-id 100 --hex "$@"; }
inject --stream 20 --seq 1 --size 60 --pfc >"$TMP/sent"		# ff 03 21 ...
inject --stream 20 --seq 21 --size 60 --pfc --acfc >>"$TMP/sent"	# 21 ...
wait_for "[ \$(call_field n1 100 rx_packets) -eq $((before + 40)) ]" 10 ||
	fail "$(( $(call_field n1 100 rx_packets) - before )) of 40 PFC frames delivered"
pass "40 PFC frames delivered"
touch "$TMP/go"
wait "$cap" || fail "capture failed"

sort "$TMP/sent" >"$TMP/sent.sorted"
sort "$TMP/captured" >"$TMP/captured.sorted"
[ "$(wc -l <"$TMP/captured.sorted")" -eq 40 ] ||
	fail "captured $(wc -l <"$TMP/captured.sorted") GRE packets, sent 40"
if ! diff "$TMP/sent.sorted" "$TMP/captured.sorted" >"$TMP/diff"; then
	head -n 6 "$TMP/diff" >&2
	fail "captured packets differ from what was sent"
fi
pass "a packet socket sees the 40 packets as sent"

n1 "$CTL" call del id 100
