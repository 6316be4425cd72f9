#!/usr/bin/env python3
"""One network floods the probe with cheap requests while another measures
its scans (BENCHMARKS.md, "One network's flood").

Both run on loopback, from two different /24s: the flood binds
--flood-from (127.0.0.2 by default), the honest visitor --visitor-from
(127.1.0.2), so the probe sees two site networks and checks the visitor's
own loopback address (closed ports: a scan of a few ms). The flood keeps
--connections keep-alive connections and writes pipelined GETs of
non-scan paths (the page, its theme, /api/v1/site, /api/v1/plans) in
batches paced to --rate requests a second; it counts answers by status.
The visitor runs --scans sequential GET /api/v1/scan, --gap seconds apart,
first with no flood (the reference), then during the flood (each phase at
most --seconds; a scan still running then counts as `timeout`), and prints
one JSON line: the
latencies (median, p90) of both phases, their ratio, and the flood's
requests sent and answers by status. Bounded by --scans and --seconds.
"""

import argparse
import asyncio
import json
import statistics
import time

PATHS = ["/api/v1/site", "/", "/api/v1/plans", "/theme.css"]


def request(host, port, path, close=False):
    conn = "close" if close else "keep-alive"
    return f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: {conn}\r\n\r\n".encode()


async def scan_once(host, port, source):
    start = time.perf_counter()
    reader, writer = await asyncio.open_connection(host, port, local_addr=(source, 0))
    try:
        writer.write(request(host, port, "/api/v1/scan", close=True))
        await writer.drain()
        data = await reader.read()
    finally:
        writer.close()
    elapsed = time.perf_counter() - start
    status = data.split(b" ", 2)[1].decode() if data.startswith(b"HTTP/") else "none"
    return elapsed, status


async def scans(host, port, source, n, gap, deadline):
    """Up to `n` scans, `gap` seconds apart, until `deadline`: latencies of
    the completed ones (ms) and the count of each status (`timeout`: the
    deadline came first)."""
    out, statuses = [], {}
    for _ in range(n):
        left = deadline - time.perf_counter()
        try:
            elapsed, status = await asyncio.wait_for(scan_once(host, port, source), max(left, 0.001))
        except asyncio.TimeoutError:
            statuses["timeout"] = statuses.get("timeout", 0) + 1
            break
        statuses[status] = statuses.get(status, 0) + 1
        if status == "200":
            out.append(elapsed * 1000)
        await asyncio.sleep(gap)
    return out, statuses


async def flood_connection(host, port, source, per_conn_rate, stop, tally):
    try:
        reader, writer = await asyncio.open_connection(host, port, local_addr=(source, 0))
    except OSError:
        tally["refused_connections"] = tally.get("refused_connections", 0) + 1
        return

    async def read_all():
        # Count status lines; a carry keeps one split between reads.
        carry = b""
        while True:
            chunk = await reader.read(1 << 16)
            if not chunk:
                return
            data = carry + chunk
            idx = 0
            while True:
                j = data.find(b"HTTP/1.1 ", idx)
                if j < 0 or j + 12 > len(data):
                    break
                code = data[j + 9 : j + 12].decode(errors="replace")
                tally[code] = tally.get(code, 0) + 1
                idx = j + 12
            carry = data[max(idx, len(data) - 11) :]

    reading = asyncio.ensure_future(read_all())
    batch = 50
    interval = batch / per_conn_rate
    i = 0
    try:
        while not stop.is_set():
            t0 = time.perf_counter()
            data = b"".join(request(host, port, PATHS[(i + k) % len(PATHS)]) for k in range(batch))
            i += batch
            writer.write(data)
            tally["sent"] = tally.get("sent", 0) + batch
            try:
                await asyncio.wait_for(writer.drain(), timeout=5)
            except (asyncio.TimeoutError, ConnectionError):
                break
            if reading.done():
                break
            await asyncio.sleep(max(0.0, interval - (time.perf_counter() - t0)))
    finally:
        writer.close()
        reading.cancel()


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--flood-from", default="127.0.0.2")
    ap.add_argument("--visitor-from", default="127.1.0.2")
    ap.add_argument("--rate", type=int, default=20000, help="flood requests per second")
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--scans", type=int, default=30)
    ap.add_argument("--seconds", type=float, default=20, help="longest phase of scans")
    ap.add_argument("--gap", type=float, default=0.3, help="seconds between scans")
    ap.add_argument("--warmup", type=float, default=3, help="flood seconds before measuring")
    a = ap.parse_args()

    quiet, quiet_status = await scans(
        a.host, a.port, a.visitor_from, a.scans, a.gap, time.perf_counter() + a.seconds
    )

    stop = asyncio.Event()
    tally = {}
    per_conn = a.rate / a.connections
    flooders = [
        asyncio.ensure_future(flood_connection(a.host, a.port, a.flood_from, per_conn, stop, tally))
        for _ in range(a.connections)
    ]
    t0 = time.perf_counter()
    await asyncio.sleep(a.warmup)
    sent_before = tally.get("sent", 0)
    m0 = time.perf_counter()
    loaded, loaded_status = await scans(
        a.host, a.port, a.visitor_from, a.scans, a.gap, m0 + a.seconds
    )
    m1 = time.perf_counter()
    sent_during = tally.get("sent", 0) - sent_before
    stop.set()
    await asyncio.gather(*flooders, return_exceptions=True)
    flood_s = time.perf_counter() - t0

    def pct(xs, q):
        if not xs:
            return None
        xs = sorted(xs)
        return round(xs[min(len(xs) - 1, int(q * len(xs)))], 1)

    med_q = pct(quiet, 0.5)
    med_l = pct(loaded, 0.5)
    answers = {k: v for k, v in tally.items() if k.isdigit()}
    print(json.dumps({
        "scans": a.scans,
        "quiet_ms": {"p50": med_q, "p90": pct(quiet, 0.9), "status": quiet_status},
        "flood_ms": {"p50": med_l, "p90": pct(loaded, 0.9), "status": loaded_status},
        "ratio_p50": round(med_l / med_q, 1) if med_q and med_l else None,
        "flood_rate_offered": a.rate,
        "flood_sent_per_s_while_measuring": round(sent_during / max(m1 - m0, 1e-9)),
        "flood_answers": answers,
        "flood_answers_per_s": round(sum(answers.values()) / flood_s),
        "flood_seconds": round(flood_s, 1),
        "measured_seconds": round(m1 - m0, 1),
        "refused_connections": tally.get("refused_connections", 0),
    }))


if __name__ == "__main__":
    asyncio.run(main())
