#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kpptpd against hostile input while a real session is up: garbage,
# truncated, oversized, wrong cookie, a message before the handshake, a slow
# sender, and connection floods above the per-source and total limits.  Each
# is refused with its own log line, the daemon stays up, the session that
# was up keeps passing traffic (answering the daemon's echo keepalive), a
# peer that goes silent is declared dead, and a new session works
# afterwards.  Also: a host name with a newline is escaped in the log, call
# setups beyond max-call-rate are refused with an error OCRP, nonsense
# closes a connection at max-invalid-messages, a connection without a call
# is closed at idle-timeout, and with the table full the idlest handshaken
# connection makes room for a new one.
# timeout: 400
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kpptpd-lib.sh"
setup_veth_pair
ip -n "$NS1" addr add 10.0.0.3/24 dev veth1	# a second source address

kpptpd_conf "handshake-timeout 5" "max-per-source 3" "connections 5" \
	"echo-interval 3" "echo-timeout 3" "idle-timeout 8" \
	>"$TMP/kpptpd.conf"
start_kpptpd n2 "$TMP/kpptpd.conf"
pid=$(cat "$TMP/kpptpd.pid")

start_pptp_client n1 10.0.0.2 good
wait_link n1 ppp0 192.168.200.1 60 || kpptpd_fail "the good session did not come up"
pass "good session up"

cat >"$TMP/hostile.py" <<'PY'
import socket, struct, sys, time
mode, src = sys.argv[1], sys.argv[2]
def conn(src=src):
    s = socket.socket()
    s.bind((src, 0))
    s.connect(("10.0.0.2", 1723))
    return s
def msg(t, body, cookie=0x1A2B3C4D, length=None):
    return struct.pack(">HHIHH", length or 12 + len(body), 1, cookie, t, 0) + body
sccrq = msg(1, struct.pack(">HHIIHH", 0x100, 0, 3, 3, 0, 1) + b"h" * 64 + b"v" * 64)
ocrq = msg(7, struct.pack(">HHIIIIHHHH", 1, 1, 2400, 10**7, 3, 3, 64, 0, 0, 0) + b"\0" * 128)
def recv_msg(s):
    # one whole message: (control type, body)
    def exact(n):
        b = b""
        while len(b) < n:
            c = s.recv(n - len(b))
            if not c:
                raise EOFError
            b += c
        return b
    head = exact(2)
    rest = exact(struct.unpack(">H", head)[0] - 2)
    return struct.unpack(">H", rest[6:8])[0], rest[10:]
def handshake(src, host=b"h"):
    s = conn(src)
    s.sendall(msg(1, struct.pack(">HHIIHH", 0x100, 0, 3, 3, 0, 1) + host.ljust(64, b"\0") + b"v" * 64))
    t, body = recv_msg(s)
    assert t == 2 and body[2] == 1, "no SCCRP ok"
    return s
def call_req(i):
    return msg(7, struct.pack(">HHIIIIHHHH", i, i, 2400, 10**7, 3, 3, 64, 0, 0, 0) + b"\0" * 128)
def closed(s, wait=10):
    # the daemon must close the connection
    s.settimeout(wait)
    try:
        while s.recv(4096):
            pass
    except ConnectionResetError:
        pass
if mode == "garbage":
    s = conn(); s.sendall(b"GET / HTTP/1.0\r\n\r\n" * 4); closed(s)
elif mode == "truncated":
    s = conn(); s.sendall(sccrq[:100]); s.close()
elif mode == "oversized":
    s = conn(); s.sendall(struct.pack(">H", 4000) + b"\0" * 200); closed(s)
elif mode == "cookie":
    s = conn(); s.sendall(msg(1, sccrq[12:], cookie=0xdeadbeef)); closed(s)
elif mode == "early":
    s = conn(); s.sendall(ocrq); closed(s)
elif mode == "badfield":
    s = conn(); s.sendall(sccrq); s.recv(156)
    bad = bytearray(ocrq); bad[27] = 9     # bearer type 9
    s.sendall(bad); closed(s)
elif mode == "slow":
    s = conn()
    for b in sccrq[:20]:
        s.sendall(bytes([b])); time.sleep(0.5)
        # stop once the daemon has given up
        s.settimeout(0.01)
        try:
            if s.recv(1) == b"":
                break
        except socket.timeout:
            pass
        except ConnectionResetError:
            break
    closed(s)
elif mode == "silent":
    # handshake, then never read or answer again
    s = conn(); s.sendall(sccrq); time.sleep(20)
elif mode == "evilhost":
    s = handshake(src, b"evil\nkpptpd[info]: forged line"); s.close()
elif mode == "churn":
    # 30 Outgoing-Call-Requests, 4 at a time (max-calls-per-connection)
    # without waiting between them, each accepted one cleared before the
    # next 4: faster than 5 a second on any kernel (one at a time, waiting
    # for each reply, was not on the debug kernel)
    s = handshake(src)
    accepted = refused = 0
    t0 = time.monotonic()
    for first in range(1, 31, 4):
        ids = range(first, min(first + 4, 31))
        s.sendall(b"".join(call_req(i) for i in ids))
        ok = []
        replies = 0
        while replies < len(ids):
            t, body = recv_msg(s)
            if t != 8:
                continue
            replies += 1
            if body[4] == 1:
                ok.append(struct.unpack(">H", body[2:4])[0])
            else:
                refused += 1
        accepted += len(ok)
        s.sendall(b"".join(msg(12, struct.pack(">HH", i, 0)) for i in ok))
    print(accepted, refused, time.monotonic() - t0)
elif mode == "nonsense":
    # kpptpd closes at the 20th; it may do so (and reset the connection,
    # since the rest is unread) before the last ones are sent
    s = handshake(src)
    try:
        for i in range(25):
            s.sendall(msg(13, struct.pack(">HBBH", 1000 + i, 1, 0, 0) + b"\0" * 130))
    except (ConnectionResetError, BrokenPipeError):
        pass
    else:
        closed(s)
elif mode == "idle":
    # answer echoes, place no call: kpptpd stops the connection
    s = handshake(src); s.settimeout(30)
    while True:
        t, body = recv_msg(s)
        if t == 5:
            s.sendall(msg(6, body[:4] + b"\1\0\0\0"))
        elif t == 3:
            print("stopped"); break
elif mode == "evict":
    # evict SRC...: idle handshaken connections, one from each SRC in
    # turn, until the table is full and a new one makes kpptpd stop an
    # earlier one; print which (0: the first, the idlest) or "none"
    import select
    socks = []
    for src in sys.argv[2:]:
        socks.append(handshake(src))
        stopped = None
        for r in select.select(socks[:-1], [], [], 0.3)[0]:
            i = socks.index(r)
            try:
                t, body = recv_msg(r)
            except (EOFError, ConnectionResetError):
                t = None
            if t == 5:      # an echo: answer it, still there
                r.sendall(msg(6, body[:4] + b"\1\0\0\0"))
            elif stopped is None:
                stopped = i if t == 3 else "%d closed without StopCCRQ" % i
        if stopped is not None:
            print(stopped); break
    else:
        print("none")
elif mode == "flood":
    # flood SRC N [SRC N...]: open them all at once (one process, so the
    # handshake timeout cannot close the first before the last), then
    # print how many of the last group the daemon closed at once
    groups = [(sys.argv[i], int(sys.argv[i + 1])) for i in range(2, len(sys.argv), 2)]
    socks = []
    for src, n in groups:
        g = []
        for i in range(n):
            s = socket.socket(); s.bind((src, 0)); s.connect(("10.0.0.2", 1723))
            g.append(s); time.sleep(0.05)
        socks.append(g)
    time.sleep(1)
    refused = 0
    for s in socks[-1]:
        s.settimeout(0.3)
        try:
            if s.recv(1) == b"":
                refused += 1
        except socket.timeout:
            pass
        except ConnectionResetError:
            refused += 1
    print(refused)
PY
hostile() { n1 timeout 30 python3 "$TMP/hostile.py" "$@"; }
expect_log() {	# REGEX WHAT [SECONDS]
	wait_for "grep -qE '$1' '$TMP/kpptpd.log'" "${3:-10}" || kpptpd_fail "no log line /$1/ for $2"
	kill -0 "$pid" || kpptpd_fail "kpptpd died after $2"
	pass "$2: refused with a log line, kpptpd alive"
}

hostile garbage 10.0.0.1
expect_log '10\.0\.0\.1:[0-9]+: control connection closed: refused input: length 18245 not in 12\.\.220' garbage
hostile truncated 10.0.0.1
expect_log 'control connection closed: TCP closed mid-message' "truncated message"
hostile oversized 10.0.0.1
expect_log 'refused input: length 4000 not in 12\.\.220' "oversized message"
hostile cookie 10.0.0.1
expect_log 'refused input: magic cookie 0xdeadbeef, not 0x1a2b3c4d' "wrong cookie"
hostile early 10.0.0.1
expect_log 'refused: OCRQ before Start-Control-Connection-Request' "message before the handshake"
hostile badfield 10.0.0.1
expect_log 'refused input: OCRQ: bearer type 9 not in 1\.\.3' "field out of range"
hostile slow 10.0.0.1
expect_log 'refused: no SCCRQ within 5000 ms' "slow sender"

hostile silent 10.0.0.1 &
silent=$!
# python's start, the handshake, 3 s silence, 3 s for the reply
expect_log 'peer dead: no Echo-Reply within 3000 ms' "silent peer (echo keepalive)" 40
kill "$silent" 2>/dev/null; wait "$silent" 2>/dev/null || true

# The good session holds one connection from 10.0.0.1: two more fit.
refused=$(hostile flood 10.0.0.1 6)
expect_eq "$refused" 4 "connections refused from 10.0.0.1 (max-per-source 3)"
expect_log 'refused: limit of 3 control connections from 10\.0\.0\.1 reached \(max-per-source\)' "per-source flood"
# 1 (good) + 2 more from 10.0.0.1, then 3 from 10.0.0.3: two fit (5 in
# all), the third is refused.
refused=$(hostile flood 10.0.0.1 2 10.0.0.3 3)
expect_eq "$refused" 1 "connections refused from 10.0.0.3 (connections 5)"
expect_log 'refused: limit of 5 control connections reached \(connections\)' "total flood"

hostile evilhost 10.0.0.1
expect_log 'peer host "evil\\x0akpptpd\[info\]: forged line"' "a newline in the host name (escaped)"
! grep -q '^kpptpd\[info\]: forged' "$TMP/kpptpd.log" || kpptpd_fail "a forged log line"
pass "no forged log line"

out=$(hostile churn 10.0.0.1) || kpptpd_fail "call churn: the connection failed"
read -r ok refused secs <<<"$out"
# at most 5 in each clock second the 30 requests spanned
most=$(python3 -c 'import math, sys; print(5 * (math.ceil(float(sys.argv[1])) + 1))' "$secs")
[ "$ok" -ge 1 ] && [ "$ok" -le "$most" ] && [ "$refused" -ge 1 ] &&
	[ $((ok + refused)) = 30 ] ||
	kpptpd_fail "call churn: $ok accepted, $refused refused in $secs s (max-call-rate 5: at most $most)"
expect_log 'refused: more than 5 call setups a second on this connection \(max-call-rate\)' "call churn ($ok accepted, $refused refused)"

hostile nonsense 10.0.0.1
expect_log 'control connection closed: 20 messages that made no sense \(max-invalid-messages\)' "nonsense after the handshake"

expect_eq "$(hostile idle 10.0.0.3)" stopped "a connection without a call stopped by kpptpd"
expect_log 'no calls for 8000 ms: closing' "idle connection"

# The good session (with its call) and idle connections fill the table
# (connections 5); the next one takes the place of the idlest.
evicted=$(hostile evict 10.0.0.1 10.0.0.3 10.0.0.1 10.0.0.3 10.0.0.3)
[ "$evicted" = 0 ] || kpptpd_fail "a full table: expected the idlest connection stopped, got: $evicted"
expect_log 'control connection closed: evicted for a new connection: no call for' "a full table makes room: the idlest stopped"

n1 ping -q -c 5 -i 0.2 -W 2 192.168.200.1 >/dev/null || kpptpd_fail "the good session stopped passing traffic"
pass "the good session still passes traffic"

start_pptp_client n1 10.0.0.2 after unit 1
wait_link n1 ppp1 192.168.200.1 60 ||
	kpptpd_fail "a new session did not come up after the attacks"
pass "a new session comes up after the attacks"
kill -0 "$pid" || kpptpd_fail "kpptpd died"
kill -TERM "$pid"
wait_for "! kill -0 $pid" 20
wait_for "! pgrep -f 'kpptp_call '" 20
no_calls_left n2
pass "clean shutdown"
