#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kpptpctl call capture (issue 13, part 5): one call's PPP frames, both
# directions, as a pcap file (PPP_WITH_DIR for Wireshark, or PPP_PPPD for
# tcpdump), from the kernel's capture.  Set up as test 52: a client, a gateway that splices
# two calls in the kernel (no pppd, no ppp interface there) and a server,
# with MS-CHAPv2 and MPPE-128 end to end.  Captures run from before the
# first frame on the client's call (a ppp interface) and on the gateway's
# (none).  Shown:
#   - LCP, CHAP, CCP, IPCP and encrypted (0x00FD) frames, each way, in both
#     files; Wireshark (tshark) decodes the client's (PPP_WITH_DIR, the
#     default) frame by frame as we do, tcpdump the gateway's (PPP_PPPD);
#   - every frame counted by the kernel is in the file, none more: the
#     gateway's frames out equal its call's tx_packets, its frames in its
#     rx_packets, and the client's frames out the gateway's frames in;
#   - the client's capture ends by itself when its call is deleted;
#   - a capture ends with kpptpctl's socket (capture_portid goes away);
#   - rate and snaplen bound what is captured, and what the rate held back
#     is counted;
#   - refused: a second capture of a captured call, an unknown call, and
#     any capture without CAP_NET_ADMIN over the namespace.
#
#	n1 (client)            n2 (gateway)                n3 (server)
#	call 100 ---- veth ---- call 10 =bridge= call 20 ---- veth ---- call 300
. "$(dirname "$0")/lib.sh"
check() { python3 "$KPPTP_SRC/tests/tools/ppp-capture-check.py" "$@"; }
# counts FILE [ARGS]: "IN OUT", the frames each way that check counted
counts() { check "$@" | sed -n 's/.*: \([0-9]*\) in, \([0-9]*\) out.*/\1 \2/p'; }

setup_gateway_chain
bridged_calls

# ------------------------------------------------------------ refusals
refused() {	# refused PATTERN CMD...: CMD exits 2 saying PATTERN
	local want=$1 rc=0
	shift
	"$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
	[ "$rc" = 2 ] || fail "'$*' exited $rc, not 2: $(cat "$TMP/err")"
	grep -q "$want" "$TMP/err" || fail "'$*' said: $(cat "$TMP/err")"
}
refused "no such call" n2 "$CTL" call capture id 999
refused "Operation not permitted" n2 setpriv --reuid=65534 --regid=65534 \
	--clear-groups --inh-caps=-all "$CTL" call capture id 10
rc=0
n2 "$CTL" call capture id 10 snaplen 0 2>"$TMP/err" || rc=$?
[ "$rc" = 1 ] && grep -q 'invalid snaplen "0"' "$TMP/err" ||
	fail "snaplen 0: exit $rc: $(cat "$TMP/err")"
pass "refused: unknown call, no CAP_NET_ADMIN, snaplen 0"

# -------------------------------------- captures from the first frame on
# (ip netns exec execs kpptpctl: $! is kpptpctl, for kill -INT)
ip netns exec "$NS1" "$CTL" call capture id 100 write "$TMP/client.pcap" 2>"$TMP/client.err" &
CAP1=$!
ip netns exec "$NS2" "$CTL" call capture id 10 write "$TMP/gw.pcap" \
	linktype PPP_PPPD 2>"$TMP/gw.err" &
CAP2=$!
wait_for "[ -n \"\$(call_field n1 100 capture_portid)\" ] &&
	[ -n \"\$(call_field n2 10 capture_portid)\" ]" 10 ||
	fail "captures did not start: $(cat "$TMP"/*.err)"
refused "being captured by another socket" n2 "$CTL" call capture id 10
pass "a captured call shows its capturing socket; a second capture is refused"

mschap_pppd_pair 100 300 "c4pture-S3cret"
wait_link n1 ppp0 192.168.30.1 60 ||
	{ cat "$TMP"/pppd-*.log; fail "no link through the bridge"; }
n1 ping -q -c 20 -i 0.05 -W 2 192.168.30.1 >/dev/null || fail "ping"

# ------------------------------------------- lines and JSON, while pinging
# (until killed: a slow kernel must not run out of frames to capture)
ip netns exec "$NS1" ping -q -i 0.02 -w 600 192.168.30.1 >/dev/null 2>&1 &
PING=$!
n2 timeout 30 "$CTL" call capture id 20 count 3 >"$TMP/lines" 2>"$TMP/lines.err" ||
	fail "capture as lines: $(cat "$TMP/lines.err")"
n2 timeout 30 "$CTL" -j call capture id 20 count 3 >"$TMP/json" 2>"$TMP/json.err" ||
	fail "capture as JSON: $(cat "$TMP/json.err")"
kill "$PING" 2>/dev/null || :
wait "$PING" 2>/dev/null || :
[ "$(grep -cE '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} (in |out) call 20 len [0-9]+ compressed$' "$TMP/lines")" = 3 ] ||
	fail "capture lines: $(cat "$TMP/lines")"
python3 - "$TMP/json" <<'PY' || fail "capture JSON: $(cat "$TMP/json")"
import json, sys
frames = [json.loads(line) for line in open(sys.argv[1])]
assert len(frames) == 3, frames
for f in frames:
    assert f["call"] == 20 and f["dir"] in ("in", "out"), f
    assert f["protocol"] == "compressed" and f["len"] == f["caplen"] > 0, f
    assert f["time_ns"] > 1.7e18, f
PY
grep -q "call 20: 3 frames captured" "$TMP/json.err" ||
	fail "capture summary: $(cat "$TMP/json.err")"
pass "as lines and as JSON, to a count"

# ------------------------------------------------ rate and snaplen bounds
# A third capture, on the gateway's other call, at 5 frames/s, 16 bytes
ip netns exec "$NS2" "$CTL" call capture id 20 write "$TMP/rate.pcap" rate 5 snaplen 16 \
	2>"$TMP/rate.err" &
CAP3=$!
wait_for "[ -n \"\$(call_field n2 20 capture_portid)\" ]" 10 ||
	fail "rate capture did not start: $(cat "$TMP/rate.err")"
t0=$(date +%s)
n1 ping -q -c 100 -i 0.01 -W 2 192.168.30.1 >/dev/null || fail "ping"
t=$(( $(date +%s) - t0 + 1 ))
kill -INT "$CAP3"
wait "$CAP3" || fail "rate capture exited $?: $(cat "$TMP/rate.err")"
# a record: direction, control, 2-byte protocol, the rest of 16 bytes
frames=$(counts "$TMP/rate.pcap" --max-caplen 18 --cut)
read -r fin fout <<<"$frames"
got=$((fin + fout))
# the bucket holds one second's worth (5) and refills at 5/s; 200 frames
# (100 pings each way) crossed in $t s or less
[ "$got" -ge 5 ] && [ "$got" -le $((5 + 5 * t)) ] ||
	fail "rate 5: $got frames captured in $t s: $(cat "$TMP/rate.err")"
# kpptpctl asks the kernel for its count at the end: every frame is either
# captured or counted (IPv6 on ppp0 may add a few of its own)
not=$(sed -n 's/.* \([0-9]*\) not captured.*/\1/p' "$TMP/rate.err")
[ $(( ${not:-0} + got )) -ge 200 ] ||
	fail "rate 5: '$not' counted as not captured: $(cat "$TMP/rate.err")"
[ -z "$(call_field n2 20 capture_portid)" ] ||
	fail "capture of call 20 outlived kpptpctl"
pass "rate 5: $got of 200 frames in $t s, $not counted as not captured; snaplen 16 cuts"

# ------------------------------------------- hang-up: both captures end
pkill -f "kpptp_call 100 "
wait_for "! pgrep -f 'kpptp_call 300 '" 30 ||
	fail "the server's pppd outlived the client's hang-up"
# the client's call went with its pppd: its capture ended by itself
wait_for "! kill -0 $CAP1 2>/dev/null" 10 ||
	fail "the client's capture outlived its call"
wait "$CAP1" || fail "client capture exited $?: $(cat "$TMP/client.err")"
grep -q "the call was deleted" "$TMP/client.err" ||
	fail "client capture: $(cat "$TMP/client.err")"

rx=$(call_field n2 10 rx_packets)
tx=$(call_field n2 10 tx_packets)
kill -INT "$CAP2"
wait "$CAP2" || fail "gateway capture exited $?: $(cat "$TMP/gw.err")"
grep -q " 0 not captured (over the rate), 0 socket overruns" "$TMP/gw.err" ||
	fail "gateway capture lost frames: $(cat "$TMP/gw.err")"
[ -z "$(call_field n2 10 capture_portid)" ] ||
	fail "capture of call 10 outlived kpptpctl"
pass "captures end with their call, and with kpptpctl"

kinds=()
for d in in out; do
	kinds+=(--has "$d:lcp:configure-request" --has "$d:lcp:configure-ack"
		--has "$d:ccp:configure-request" --has "$d:ipcp:configure-request"
		--has "$d:compressed")
done
# the server challenges, the client answers
check "$TMP/gw.pcap" --in "$rx" --out "$tx" "${kinds[@]}" \
	--has out:chap:challenge --has in:chap:response --has out:chap:success \
	--has in:lcp:terminate-request ||
	fail "gateway capture"
gw_in=$(counts "$TMP/gw.pcap" | cut -d' ' -f1)
check "$TMP/client.pcap" --out "$gw_in" "${kinds[@]}" \
	--has in:chap:challenge --has out:chap:response --has in:chap:success \
	--has out:lcp:terminate-request ||
	fail "client capture"
pass "both files: LCP, MS-CHAPv2, CCP, IPCP and MPPE frames each way; gateway $rx in, $tx out, as its counters"

# tcpdump decodes PPP_PPPD; Wireshark refuses that link type, and decodes
# PPP_WITH_DIR, which tcpdump prints as "UNSUPPORTED" (so each tool is
# given the file it reads)
tcpdump -e -n -r "$TMP/gw.pcap" >"$TMP/gw.txt" 2>"$TMP/gw.tcpdump.err" ||
	fail "tcpdump -r gw.pcap: $(cat "$TMP/gw.tcpdump.err")"
grep -q "link-type PPP_PPPD" "$TMP/gw.tcpdump.err" ||
	fail "tcpdump: $(cat "$TMP/gw.tcpdump.err")"
grep -q "LCP, Conf-Request" "$TMP/gw.txt" &&
	grep -q "CHAP, Challenge" "$TMP/gw.txt" &&
	grep -q "CCP, Conf-Request" "$TMP/gw.txt" &&
	grep -q "Compressed (0x00fd)" "$TMP/gw.txt" ||
	fail "tcpdump's reading: $(head -20 "$TMP/gw.txt")"
td_in=$(grep -c '^[0-9:.]* In ' "$TMP/gw.txt")
td_out=$(grep -c '^[0-9:.]* Out ' "$TMP/gw.txt")
[ "$td_in" = "$rx" ] && [ "$td_out" = "$tx" ] &&
	[ "$(wc -l <"$TMP/gw.txt")" = $((rx + tx)) ] ||
	fail "tcpdump: $td_in In, $td_out Out of $(wc -l <"$TMP/gw.txt") frames; the gateway's call counted $rx in, $tx out"
pass "tcpdump decodes the PPP_PPPD file: $rx In, $tx Out, as the call's counters"

# tshark: one line per frame, direction (0 sent, 1 received), protocol,
# Wireshark's protocol column and its reading; none malformed
tshark -n -r "$TMP/client.pcap" -T fields -e frame.p2p_dir -e ppp.protocol \
	-e _ws.col.Protocol -e _ws.col.Info >"$TMP/client.ws" 2>"$TMP/client.ws.err" ||
	fail "tshark -r client.pcap: $(cat "$TMP/client.ws.err")"
read -r c_in c_out <<<"$(counts "$TMP/client.pcap")"
ws_in=$(awk -F'\t' '$1 == 1' "$TMP/client.ws" | wc -l)
ws_out=$(awk -F'\t' '$1 == 0' "$TMP/client.ws" | wc -l)
[ "$ws_in" = "$c_in" ] && [ "$ws_out" = "$c_out" ] &&
	[ "$(wc -l <"$TMP/client.ws")" = $((c_in + c_out)) ] ||
	fail "tshark: $ws_in in, $ws_out out of $(wc -l <"$TMP/client.ws") frames; ours: $c_in in, $c_out out"
for want in "1	0xc021	PPP LCP	Configuration Request" \
	"0	0xc021	PPP LCP	Configuration Ack" \
	"1	0xc223	PPP CHAP	Challenge (NAME='srv'" \
	"0	0xc223	PPP CHAP	Response (NAME='alice'" \
	"1	0xc223	PPP CHAP	Success" \
	"0	0x80fd	PPP CCP	Configuration Request" \
	"1	0x80fd	PPP CCP	Configuration Request" \
	"0	0x8021	PPP IPCP	Configuration Request" \
	"1	0x8021	PPP IPCP	Configuration Request" \
	"0	0x00fd	PPP Comp	" "1	0x00fd	PPP Comp	"; do
	grep -qF "$want" "$TMP/client.ws" ||
		fail "tshark has no '$want' frame: $(head -20 "$TMP/client.ws")"
done
bad=$(tshark -n -r "$TMP/client.pcap" -Y '_ws.malformed || _ws.expert.severity >= error' \
	2>/dev/null | wc -l)
[ "$bad" = 0 ] || fail "tshark: $bad malformed frames or errors"
pass "tshark decodes the PPP_WITH_DIR file: $c_in in, $c_out out as ours; LCP, MS-CHAPv2 (alice), CCP, IPCP, MPPE each way; none malformed"

pkill -f "pptp-bridge 10 20"
wait_for "! n2 $CTL call show id 10 && ! n2 $CTL call show id 20" 10 ||
	fail "the gateway's calls outlived pptp-bridge"
