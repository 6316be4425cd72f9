#!/usr/bin/env python3
"""Many visitors asking the probe to check them at once (load benchmark).

Runs inside the lab's `crowd` namespace, which owns many addresses. Each
client binds one address, so the probe sees (and scans) a different visitor
per client; a client repeats `GET /api/v1/scan` until the run's total of
completed scans is reached. A client turned away (503 busy, 429) waits
--backoff seconds before it asks again, instead of the Retry-After seconds a
browser would wait, so that the probe stays saturated. Bounded by --total
scans and --deadline seconds, whichever comes first. Prints one JSON line:
completed scans, scans per second, latency percentiles of completed scans and
every status seen.
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
    status_line = data.split(b"\r\n", 1)[0].decode(errors="replace")
    parts = status_line.split()
    status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    ok_report = status == 200 and b'"verdict"' in data
    return status, ok_report


async def client(source, args, budget, results, stop_at):
    while budget[0] > 0 and time.monotonic() < stop_at:
        budget[0] -= 1
        started = time.monotonic()
        try:
            status, ok = await asyncio.wait_for(
                one_request(args.host, args.port, source), timeout=args.request_timeout
            )
        except (OSError, asyncio.TimeoutError) as e:
            status, ok = f"error:{type(e).__name__}", False
        results.append((status, ok, time.monotonic() - started))
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
    args = ap.parse_args()

    first = ipaddress.ip_address(args.first)
    sources = [str(first + i) for i in range(args.clients)]
    budget = [args.total]
    results = []
    started = time.monotonic()
    stop_at = started + args.deadline
    await asyncio.gather(*(client(s, args, budget, results, stop_at) for s in sources))
    wall = time.monotonic() - started

    ok = [lat for status, good, lat in results if good]
    statuses = {}
    for status, _, _ in results:
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
            }
        )
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
