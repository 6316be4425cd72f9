#!/usr/bin/env python3
"""Many visitors asking the probe to check them at once (load benchmark).

Runs inside the lab's `crowd` namespace, which owns many addresses. Each
client binds one address, so the probe sees (and scans) a different visitor
per client; a client repeats `GET /api/v1/scan` until the run's total of
completed scans is reached. A client turned away (503 busy, 429) waits
--backoff seconds before it asks again, instead of the Retry-After seconds a
browser would wait, so that the probe stays saturated. Bounded by --total
scans and --deadline seconds, whichever comes first. Prints one JSON line:
completed scans, scans per second, latency percentiles of completed scans,
every status seen, and how many port states differed from the crowd host's
real ones (--truth).
"""

import argparse
import asyncio
import ipaddress
import json
import statistics
import sys
import time


async def one_request(host, port, source):
    reader, writer = await asyncio.open_connection(host, port, local_addr=(source, 0))
    try:
        writer.write(
            f"GET /api/v1/scan HTTP/1.1\r\nHost: {host}:{port}\r\n"
            "Connection: close\r\n\r\n".encode()
        )
        await writer.drain()
        data = await reader.read()
    finally:
        writer.close()
    head, _, body = data.partition(b"\r\n\r\n")
    parts = head.split(b"\r\n", 1)[0].decode(errors="replace").split()
    status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    if status != 200:
        return status, None
    if b"chunked" in head.lower():
        body = dechunk(body)
    report = json.loads(body)
    return status, {p["port"]: p["state"] for p in report["ports"] + report["control"]}


def dechunk(body):
    out = b""
    while body:
        size_line, _, rest = body.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out += rest[:size]
        body = rest[size + 2 :]
    return out


async def client(source, args, budget, results, stop_at, truth):
    while budget[0] > 0 and time.monotonic() < stop_at:
        budget[0] -= 1
        started = time.monotonic()
        try:
            status, states = await asyncio.wait_for(
                one_request(args.host, args.port, source), timeout=args.request_timeout
            )
        except (OSError, asyncio.TimeoutError, ValueError) as e:
            status, states = f"error:{type(e).__name__}", None
        ok = states is not None
        wrong = [p for p, s in (states or {}).items() if s != truth.get(p, truth["*"])]
        results.append((status, ok, time.monotonic() - started, wrong))
        if not ok:
            budget[0] += 1  # the budget counts completed scans
            await asyncio.sleep(args.backoff)


async def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", required=True)
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--first", required=True, help="first source address")
    ap.add_argument("--clients", type=int, required=True)
    ap.add_argument("--total", type=int, required=True)
    ap.add_argument("--deadline", type=float, default=120.0)
    ap.add_argument("--request-timeout", type=float, default=30.0)
    ap.add_argument("--backoff", type=float, default=0.1)
    ap.add_argument(
        "--truth",
        default="443:open,445:open,442:filtered,449:filtered,*:closed",
        help="the crowd host's real port states, to count wrong answers",
    )
    args = ap.parse_args()

    first = ipaddress.ip_address(args.first)
    sources = [str(first + i) for i in range(args.clients)]
    budget = [args.total]
    results = []
    started = time.monotonic()
    stop_at = started + args.deadline
    truth = {}
    for item in args.truth.split(","):
        k, v = item.split(":")
        truth[k if k == "*" else int(k)] = v
    await asyncio.gather(
        *(client(s, args, budget, results, stop_at, truth) for s in sources)
    )
    wall = time.monotonic() - started

    ok = [lat for status, good, lat, _ in results if good]
    wrong_ports = {}
    for _, _, _, wrong in results:
        for p in wrong:
            wrong_ports[str(p)] = wrong_ports.get(str(p), 0) + 1
    statuses = {}
    for status, _, _, _ in results:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    quantiles = statistics.quantiles(ok, n=100) if len(ok) >= 2 else [0.0] * 99
    print(
        json.dumps(
            {
                "clients": args.clients,
                "requests": len(results),
                "scans": len(ok),
                "wall_s": round(wall, 3),
                "scans_per_s": round(len(ok) / wall, 1),
                "latency_ms": {
                    "p50": round(1000 * quantiles[49], 1),
                    "p90": round(1000 * quantiles[89], 1),
                    "p99": round(1000 * quantiles[98], 1),
                },
                "statuses": statuses,
                "wrong_states": sum(wrong_ports.values()),
                "wrong_by_port": wrong_ports,
            }
        )
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
