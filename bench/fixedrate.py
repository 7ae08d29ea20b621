#!/usr/bin/env python3
"""Fixed-rate HTTP/1.1 load generator: evenly spaced requests over persistent connections.

    fixedrate.py --port PORT [--rate 1000] [--connections 16] [--duration 12] [--warmup 2]

Request k is due at t0 + k/rate and goes out on connection k mod N, so each connection carries one
request every N/rate seconds and the proxy sees a steady stream, not bursts. (h2load --rps, tried
first, starts every client's timer together: 16 requests arrive at once every 16 ms, and the
percentiles then measure the queue inside each burst.) When a connection is still waiting for its
previous response at the due time, the request waits for it (HTTP/1.1 has one request in flight
per connection) and is counted as late.

Latency is measured from the moment the request is written to the moment the whole response has
been read (service time), and also from its due time (which adds the generator's own lateness and
any wait for a busy connection: the coordinated-omission-free figure). Requests due in the first
--warmup seconds are left out of the percentiles. The result is one JSON object on stdout.

Only 127.0.0.1; the run stops by itself after --duration seconds (plus at most 5 s for the last
responses).
"""

import argparse
import gc
import json
import select
import socket
import time


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    k = (len(sorted_values) - 1) * p / 100
    f = int(k)
    c = min(f + 1, len(sorted_values) - 1)
    return sorted_values[f] + (sorted_values[c] - sorted_values[f]) * (k - f)


class Conn:
    __slots__ = ("sock", "buf", "busy", "due", "sent", "queue", "index")

    def __init__(self, port, index):
        self.index = index
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.setblocking(False)
        self.buf = b""
        self.busy = False
        self.due = 0
        self.sent = 0
        self.queue = []  # due times of requests waiting for this connection


def parse_response(buf):
    """Returns (status, bytes consumed) for one complete response at the start of buf, or None."""
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = buf[:end].decode("latin-1")
    lines = head.split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = None
    chunked = False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value.strip())
        elif name == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    pos = end + 4
    if chunked:
        while True:
            eol = buf.find(b"\r\n", pos)
            if eol < 0:
                return None
            size = int(buf[pos:eol].split(b";")[0], 16)
            pos = eol + 2
            if size == 0:
                trailer_end = buf.find(b"\r\n\r\n", pos - 2)
                if trailer_end < 0:
                    return None
                return status, trailer_end + 4
            if len(buf) < pos + size + 2:
                return None
            pos += size + 2
    if length is None:
        length = 0
    if len(buf) < pos + length:
        return None
    return status, pos + length


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--rate", type=float, default=1000)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--duration", type=float, default=12)
    ap.add_argument("--warmup", type=float, default=2)
    ap.add_argument("--path", default="/")
    args = ap.parse_args()

    request = f"GET {args.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: bowline-bench-fixedrate\r\n\r\n".encode()
    conns = [Conn(args.port, i) for i in range(args.connections)]
    by_fd = {c.sock.fileno(): c for c in conns}
    interval = 1.0 / args.rate
    gc.disable()  # no collector pauses inside the measurement; the run allocates little

    service, total, lateness = [], [], []
    done = errors = non_200 = late = 0
    k = 0
    t0 = time.perf_counter() + 0.05
    end = t0 + args.duration
    warm_until = t0 + args.warmup
    hard_stop = end + 5

    def send(c, due):
        nonlocal errors
        c.busy = True
        c.due = due
        c.sent = time.perf_counter()
        try:
            c.sock.send(request)  # 80 bytes on a fresh send buffer: written whole
        except OSError:
            errors += 1
            c.busy = False

    while True:
        now = time.perf_counter()
        while k < int(args.duration * args.rate) and t0 + k * interval <= now:
            due = t0 + k * interval
            c = conns[k % args.connections]
            k += 1
            if c.busy:
                c.queue.append(due)
                late += 1
            else:
                if due >= warm_until:
                    lateness.append(now - due)
                send(c, due)
        outstanding = any(c.busy for c in conns)
        if k >= int(args.duration * args.rate) and not outstanding:
            break
        if now >= hard_stop:
            break
        next_due = t0 + k * interval if k < int(args.duration * args.rate) else now + 0.05
        timeout = max(0.0, next_due - time.perf_counter())
        readable, _, _ = select.select([c.sock for c in conns if c.busy], [], [], timeout)
        for s in readable:
            c = by_fd[s.fileno()]
            try:
                data = s.recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if not data:
                errors += 1
                c.busy = False
                continue
            c.buf += data
            parsed = parse_response(c.buf)
            if parsed is None:
                continue
            status, used = parsed
            c.buf = c.buf[used:]
            t = time.perf_counter()
            done += 1
            if status != 200:
                non_200 += 1
            if c.due >= warm_until and c.due < end:
                service.append(t - c.sent)
                total.append(t - c.due)
            c.busy = False
            if c.queue:
                send(c, c.queue.pop(0))
    elapsed = time.perf_counter() - t0
    for c in conns:
        c.sock.close()

    service.sort()
    total.sort()
    lateness.sort()
    window = args.duration - args.warmup
    ms = lambda v: None if v is None else round(v * 1000, 4)  # noqa: E731
    print(json.dumps({
        "tool": "bench/fixedrate.py",
        "target_rps": args.rate,
        "connections": args.connections,
        "requests": done,
        "scheduled": k,
        "elapsed_s": round(elapsed, 3),
        "achieved_rps": round(len(service) / window, 1) if window > 0 else None,
        "window_requests": len(service),
        "errors": errors,
        "non_200": non_200,
        "late_requests": late,
        "send_lateness_p50_ms": ms(percentile(lateness, 50)),
        "send_lateness_p99_ms": ms(percentile(lateness, 99)),
        "p50_ms": ms(percentile(service, 50)),
        "p90_ms": ms(percentile(service, 90)),
        "p99_ms": ms(percentile(service, 99)),
        "p999_ms": ms(percentile(service, 99.9)),
        "max_ms": ms(service[-1] if service else None),
        "from_due_p50_ms": ms(percentile(total, 50)),
        "from_due_p99_ms": ms(percentile(total, 99)),
    }))


if __name__ == "__main__":
    main()
