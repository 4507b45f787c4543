#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""pptp-load.py: a PPTP client (PNS) load generator for kpptpd and pptpd.

usage:
  pptp-load.py setups --server ADDR [--conns C] [--seconds T] [--per-conn]
               [--check-cmd CMD] [--check-every S] [--server-pid PID]
  pptp-load.py idle --server ADDR --conns N [--inflight K] [--server-pid PID]
               [--hold S]

setups: C control connections (SCCRQ/SCCRP), on each over and over
  Outgoing-Call-Request -> Outgoing-Call-Reply -> Call-Clear-Request ->
  Call-Disconnect-Notify for T seconds, then Stop-Control-Connection.
  With --per-conn every cycle is a whole connection (connect, SCCRQ, OCRQ,
  CCRQ, StopCCRQ, close), as Windows clients place one call per
  connection.  Every reply is checked: result codes (SCCRP 1, OCRP 1
  "connected", CDN 4 "call disconnect request", StopCCRP 1), OCRP naming
  our call ID, a server call ID not in use by another of our calls, CDN
  naming the server's ID.  With --check-cmd (e.g. "ip netns exec NS kpptpctl -j
  call show id {id}"), one call every --check-every seconds is held up
  while the command shows the kernel call, which must carry our call ID as
  its peer ID.  Reports full cycles per second, setup latency (OCRQ sent to
  OCRP received) p50/p99, failures, and the CPU time the generator and
  (--server-pid) the server used, and where the server spent its time
  (sampled /proc/PID/wchan): whichever is near 1 CPU, or blocked, is the
  bottleneck.

idle: N control connections (SCCRQ/SCCRP; at most K handshakes under way
  at once), kept idle (Echo-Requests are answered), then after --hold
  seconds stopped politely (StopCCRQ/StopCCRP).  Reports the time to open
  them, the server's VmRSS/VmHWM (from /proc/PID/status) before and with
  them open, and the kernel's Slab (/proc/meminfo; both ends' sockets,
  both live in this machine).  The largest N that opened is reported if
  some failed (the first errors are listed).

Output: one JSON object on stdout; progress on stderr.  Exit status 1 if
any cycle or connection failed.
"""
import argparse
import asyncio
import json
import os
import resource
import socket
import struct
import sys
import time

MAGIC = 0x1A2B3C4D
SCCRQ, SCCRP, STOPCCRQ, STOPCCRP, ECHORQ, ECHORP = 1, 2, 3, 4, 5, 6
OCRQ, OCRP, CCRQ, CDN = 7, 8, 12, 13
NAMES = {1: "SCCRQ", 2: "SCCRP", 3: "StopCCRQ", 4: "StopCCRP", 5: "ECHORQ",
         6: "ECHORP", 7: "OCRQ", 8: "OCRP", 9: "ICRQ", 10: "ICRP", 11: "ICCN",
         12: "CCRQ", 13: "CDN", 14: "WEN", 15: "SLI"}
WINDOW = 64
TIMEOUT = 30.0


class Failure(Exception):
    pass


def msg(ctype, body):
    return struct.pack("!HHIHH", 12 + len(body), 1, MAGIC, ctype, 0) + body


def name64(s):
    return s.encode().ljust(64, b"\0")


SCCRQ_MSG = msg(SCCRQ, struct.pack("!HHIIHH", 0x0100, 0, 1, 1, 0, 1)
                + name64("pptp-load") + name64("kpptp"))
STOPCCRQ_MSG = msg(STOPCCRQ, struct.pack("!BBH", 1, 0, 0))


def ocrq(call_id, serial):
    return msg(OCRQ, struct.pack("!HHIIIIHHHH", call_id, serial, 2400, 100000000,
                                 3, 3, WINDOW, 0, 0, 0) + b"\0" * 128)


def ccrq(call_id):
    return msg(CCRQ, struct.pack("!HH", call_id, 0))


class Conn(asyncio.Protocol):
    """One control connection: parses messages, answers Echo-Requests,
    queues everything else for the coroutine driving it."""

    def __init__(self):
        self.buf = b""
        self.q = asyncio.Queue()
        self.tr = None
        self.echoes = 0

    def connection_made(self, tr):
        self.tr = tr

    def data_received(self, data):
        self.buf += data
        while len(self.buf) >= 12:
            length, mtype, magic, ctype, _ = struct.unpack_from("!HHIHH", self.buf)
            if mtype != 1 or magic != MAGIC or length < 12:
                self.q.put_nowait(("bad header " + self.buf[:12].hex(), b""))
                self.tr.close()
                return
            if len(self.buf) < length:
                return
            body, self.buf = self.buf[12:length], self.buf[length:]
            if ctype == ECHORQ:
                self.tr.write(msg(ECHORP, body[:4] + struct.pack("!BBH", 1, 0, 0)))
                self.echoes += 1
            else:
                self.q.put_nowait((ctype, body))

    def connection_lost(self, exc):
        self.q.put_nowait((None, b""))

    def send(self, data):
        self.tr.write(data)

    async def expect(self, want):
        async with asyncio.timeout(TIMEOUT):
            while True:
                ctype, body = await self.q.get()
                if ctype == 15:         # Set-Link-Info: nothing to do
                    continue
                if ctype != want:
                    got = "connection closed" if ctype is None else NAMES.get(ctype, ctype)
                    raise Failure("expected %s, got %s" % (NAMES[want], got))
                return body


async def open_conn(args, loop):
    try:
        _, c = await loop.create_connection(Conn, args.server, args.port)
    except OSError as e:
        raise Failure("connect: %s" % e) from None
    c.send(SCCRQ_MSG)
    try:
        body = await c.expect(SCCRP)
    except TimeoutError:
        c.tr.close()
        raise Failure("no SCCRP within %d s" % TIMEOUT) from None
    except Failure:
        c.tr.close()
        raise
    if body[2] != 1:
        c.tr.close()
        raise Failure("SCCRP result %d error %d" % (body[2], body[3]))
    return c


async def stop_conn(c):
    """StopCCRQ; StopCCRP (result 1) or the peer closing is fine."""
    c.send(STOPCCRQ_MSG)
    try:
        body = await c.expect(STOPCCRP)
        if body[0] != 1:
            raise Failure("StopCCRP result %d" % body[0])
    except Failure as e:
        if "connection closed" not in str(e):
            raise
    except TimeoutError:
        raise Failure("no StopCCRP within %d s" % TIMEOUT) from None
    finally:
        c.tr.close()


def cpu_ticks(pid):
    if not pid:
        return 0
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])      # utime + stime


def proc_status(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])        # kB
    return None


def meminfo(key):
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return None


async def sample_wchan(pid, counts, stop):
    """Every 10 ms, where the server is: "running" or the kernel function
    it sleeps in (/proc/PID/wchan): a server that is neither running nor
    in epoll_wait is blocked in a system call."""
    while not stop.is_set():
        try:
            with open("/proc/%d/stat" % pid) as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
            if state == "R":
                where = "running"
            else:
                with open("/proc/%d/wchan" % pid) as f:
                    where = f.read().strip() or "?"
        except OSError:
            return
        counts[where] = counts.get(where, 0) + 1
        await asyncio.sleep(0.01)


def pct(sorted_vals, p):
    if not sorted_vals:
        return None
    return sorted_vals[min(len(sorted_vals) - 1, int(len(sorted_vals) * p / 100))]


class Setups:
    def __init__(self, args):
        self.args = args
        self.cycles = 0
        self.lat = []
        self.failures = []
        self.live = set()           # server call IDs of our calls now up
        self.checked = 0
        self.next_check = 0.0
        self.call_id = 0

    def fail(self, text):
        self.failures.append(text)
        if len(self.failures) <= 5:
            print("pptp-load: " + text, file=sys.stderr)

    def new_call_id(self):
        self.call_id = self.call_id % 65535 + 1
        return self.call_id

    async def check(self, server_id, our_id):
        cmd = self.args.check_cmd.replace("{id}", str(server_id))
        p = await asyncio.create_subprocess_shell(cmd, stdout=asyncio.subprocess.PIPE,
                                                  stderr=asyncio.subprocess.PIPE)
        out, err = await p.communicate()
        if p.returncode:
            raise Failure("kernel call %d not found while up: %s"
                          % (server_id, err.decode().strip()))
        k = json.loads(out)
        k = k[0] if isinstance(k, list) else k
        if k.get("id") != server_id or k.get("peer_id") != our_id:
            raise Failure("kernel call %d: id %s peer_id %s, expected peer_id %d"
                          % (server_id, k.get("id"), k.get("peer_id"), our_id))
        self.checked += 1

    async def cycle(self, c, serial, end):
        our = self.new_call_id()
        t0 = time.perf_counter()
        c.send(ocrq(our, serial))
        try:
            body = await c.expect(OCRP)
        except TimeoutError:
            raise Failure("no OCRP within %d s" % TIMEOUT) from None
        t1 = time.perf_counter()
        sid, peer, result, error = struct.unpack_from("!HHBB", body)
        if result != 1:
            raise Failure("OCRP result %d error %d" % (result, error))
        if peer != our:
            raise Failure("OCRP for call %d, we sent %d" % (peer, our))
        if sid in self.live:
            raise Failure("OCRP gives call ID %d, in use by another of our calls" % sid)
        self.live.add(sid)
        self.lat.append(t1 - t0)
        try:
            if self.args.check_cmd and t1 >= self.next_check:
                self.next_check = t1 + self.args.check_every
                await self.check(sid, our)
            c.send(ccrq(our))
            try:
                body = await c.expect(CDN)
            except TimeoutError:
                raise Failure("no CDN within %d s" % TIMEOUT) from None
        finally:
            self.live.discard(sid)
        cid, result = struct.unpack_from("!HB", body)
        if cid != sid:
            raise Failure("CDN for call %d, expected %d" % (cid, sid))
        if result != 4:
            raise Failure("CDN result %d, expected 4 (request)" % result)
        if time.perf_counter() <= end:
            self.cycles += 1

    async def worker(self, loop, end):
        c = None
        serial = 0
        while time.perf_counter() < end:
            try:
                if c is None:
                    c = await open_conn(self.args, loop)
                serial = (serial + 1) & 0xffff
                await self.cycle(c, serial, end)
                if self.args.per_conn:
                    await stop_conn(c)
                    c = None
            except (Failure, OSError) as e:
                self.fail(str(e))
                if c is not None:
                    c.tr.close()
                c = None
                await asyncio.sleep(0.1)
        if c is not None:
            try:
                await stop_conn(c)
            except Failure as e:
                self.fail(str(e))

    async def run(self):
        a = self.args
        loop = asyncio.get_running_loop()
        ticks = os.sysconf("SC_CLK_TCK")
        s0 = cpu_ticks(a.server_pid)
        r0 = resource.getrusage(resource.RUSAGE_SELF)
        t0 = time.perf_counter()
        end = t0 + a.seconds
        wchan, stop = {}, asyncio.Event()
        sampler = asyncio.create_task(sample_wchan(a.server_pid, wchan, stop)) \
            if a.server_pid else None
        await asyncio.gather(*(self.worker(loop, end) for _ in range(a.conns)))
        wall = time.perf_counter() - t0
        stop.set()
        if sampler:
            await sampler
        n = sum(wchan.values()) or 1
        top = sorted(wchan.items(), key=lambda kv: -kv[1])[:4]
        r1 = resource.getrusage(resource.RUSAGE_SELF)
        s1 = cpu_ticks(a.server_pid)
        lat = sorted(self.lat)
        gen_cpu = (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)
        return {
            "mode": "setups", "per_conn": a.per_conn, "conns": a.conns,
            "seconds": a.seconds, "wall_s": round(wall, 2),
            "cycles": self.cycles,
            "setups_per_s": round(self.cycles / a.seconds, 1),
            "setup_p50_ms": round(pct(lat, 50) * 1000, 2) if lat else None,
            "setup_p99_ms": round(pct(lat, 99) * 1000, 2) if lat else None,
            "failures": len(self.failures), "failure_samples": self.failures[:5],
            "kernel_calls_checked": self.checked,
            "generator_cpu": round(gen_cpu / wall, 2),
            "server_cpu": round((s1 - s0) / ticks / wall, 2) if a.server_pid else None,
            "server_where": {k: round(v / n, 2) for k, v in top},
        }


async def idle(args):
    loop = asyncio.get_running_loop()
    pid = args.server_pid
    rss0 = proc_status(pid, "VmRSS") if pid else None
    slab0 = meminfo("Slab")
    sem = asyncio.Semaphore(args.inflight)
    errors = []

    async def one(i):
        async with sem:
            try:
                return await open_conn(args, loop)
            except (Failure, OSError) as e:
                errors.append("connection %d: %s" % (i, e))
                return None

    ticks = os.sysconf("SC_CLK_TCK")
    s0 = cpu_ticks(pid)
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    conns = await asyncio.gather(*(one(i) for i in range(args.conns)))
    open_s = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    s1 = cpu_ticks(pid)
    conns = [c for c in conns if c is not None]
    print("pptp-load: %d connections open in %.1f s" % (len(conns), open_s), file=sys.stderr)
    await asyncio.sleep(args.hold)
    # closed by the server while idle?
    alive = [c for c in conns if not c.tr.is_closing()]
    res = {
        "mode": "idle", "conns_wanted": args.conns, "conns": len(alive),
        "open_s": round(open_s, 2), "hold_s": args.hold,
        "failures": len(errors) + len(conns) - len(alive),
        "failure_samples": errors[:5],
        "echoes_answered": sum(c.echoes for c in conns),
        "open_generator_cpu": round((r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime)
                                    / open_s, 2),
        "open_server_cpu": round((s1 - s0) / ticks / open_s, 2) if pid else None,
    }
    slab1 = meminfo("Slab")
    res["slab_per_conn_bytes"] = round((slab1 - slab0) * 1024 / max(1, len(alive)))
    if pid:
        rss1, hwm = proc_status(pid, "VmRSS"), proc_status(pid, "VmHWM")
        res.update({"rss0_kb": rss0, "rss_kb": rss1, "hwm_kb": hwm,
                    "rss_per_conn_bytes": round((rss1 - rss0) * 1024 / max(1, len(alive)))})
        with open("/proc/%d/net/sockstat" % pid) as f:
            res["server_sockstat"] = " ".join(f.read().split("\n")[1:2])
    t1 = time.perf_counter()
    stop_sem = asyncio.Semaphore(args.inflight)

    async def stop(c):
        async with stop_sem:
            try:
                await stop_conn(c)
            except Failure as e:
                errors.append("stop: %s" % e)
    await asyncio.gather(*(stop(c) for c in alive))
    res["close_s"] = round(time.perf_counter() - t1, 2)
    res["failures"] = len(errors) + len(conns) - len(alive)
    res["failure_samples"] = errors[:5]
    return res


def main():
    ap = argparse.ArgumentParser(description="PPTP control-plane load generator")
    ap.add_argument("mode", choices=["setups", "idle"])
    ap.add_argument("--server", required=True)
    ap.add_argument("--port", type=int, default=1723)
    ap.add_argument("--conns", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--per-conn", action="store_true")
    ap.add_argument("--check-cmd")
    ap.add_argument("--check-every", type=float, default=1.0)
    ap.add_argument("--server-pid", type=int)
    ap.add_argument("--inflight", type=int, default=64)
    ap.add_argument("--hold", type=float, default=2.0)
    args = ap.parse_args()

    want = args.conns + 256
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < want:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, max(hard, want)))
        except (ValueError, OSError) as e:
            print("pptp-load: cannot raise RLIMIT_NOFILE to %d: %s" % (want, e), file=sys.stderr)
    if args.mode == "setups":
        res = asyncio.run(Setups(args).run())
    else:
        res = asyncio.run(idle(args))
    print(json.dumps(res))
    return 1 if res["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
