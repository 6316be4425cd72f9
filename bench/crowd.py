#!/usr/bin/env python3
"""Many visitors asking the probe to check them at once (load benchmark).

Runs inside the lab's `crowd` namespace (or `crowdwan`, behind an 80 ms
link), which owns many addresses: a range starting at --first, or the list
in --sources (one address a line, IPv4 or IPv6). Each client binds one
address, so the probe sees (and scans) a different visitor per client; a
client repeats `GET /api/v1/scan` until the run's total of completed scans
is reached. A client turned away (503 busy, 429) waits --backoff seconds
before it asks again, instead of the Retry-After seconds a browser would
wait, so that the probe stays saturated. Bounded by --total scans and
--deadline seconds, whichever comes first. Prints one JSON line: completed
scans, scans per second, latency percentiles of completed scans, every
status seen, how many port states differed from the crowd host's real ones
(--truth), by port and by real and reported state, and the CPU time this
client used. The open-file limit is raised to its hard maximum first (a
thousand clients hold a thousand sockets).
"""

import argparse
import asyncio
import ipaddress
import json
import os
import resource
import statistics
import sys
import time


async def one_request(host, port, source):
    reader, writer = await asyncio.open_connection(host, port, local_addr=(source, 0))
    authority = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    try:
        writer.write(
            f"GET /api/v1/scan HTTP/1.1\r\nHost: {authority}\r\n"
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
        return status, None, None
    if b"chunked" in head.lower():
        body = dechunk(body)
    report = json.loads(body)
    return status, {p["port"]: p["state"] for p in report["ports"] + report["control"]}, report


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


async def client(source, args, budget, results, stop_at, truth, kept):
    while budget[0] > 0 and time.monotonic() < stop_at:
        budget[0] -= 1
        started = time.monotonic()
        try:
            status, states, report = await asyncio.wait_for(
                one_request(args.host, args.port, source), timeout=args.request_timeout
            )
        except (OSError, asyncio.TimeoutError, ValueError) as e:
            status, states, report = f"error:{type(e).__name__}", None, None
        ok = states is not None
        wrong = [
            (p, truth.get(p, truth["*"]), s)
            for p, s in (states or {}).items()
            if s != truth.get(p, truth["*"])
        ]
        results.append((status, ok, time.monotonic() - started, wrong, len(states or {})))
        if wrong and args.keep_wrong and kept[0] < 5:
            kept[0] += 1
            with open(args.keep_wrong, "a") as f:
                f.write(json.dumps({"source": source, "report": report}) + "\n")
        if not ok:
            budget[0] += 1  # the budget counts completed scans
            await asyncio.sleep(args.backoff)


async def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", required=True)
    ap.add_argument("--port", type=int, default=8080)
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--first", help="first source address (then the next ones)")
    src.add_argument("--sources", help="file of source addresses, one a line")
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
    ap.add_argument("--keep-wrong", help="append the first 5 reports with wrong states to this file")
    args = ap.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if args.sources:
        with open(args.sources) as f:
            listed = [str(ipaddress.ip_address(line.strip())) for line in f if line.strip()]
        if len(listed) < args.clients:
            ap.error(f"{args.sources} lists {len(listed)} addresses, fewer than --clients")
        sources = listed[: args.clients]
    else:
        first = ipaddress.ip_address(args.first)
        sources = [str(first + i) for i in range(args.clients)]
    budget = [args.total]
    kept = [0]
    results = []
    started = time.monotonic()
    stop_at = started + args.deadline
    truth = {}
    for item in args.truth.split(","):
        k, v = item.split(":")
        truth[k if k == "*" else int(k)] = v
    await asyncio.gather(
        *(client(s, args, budget, results, stop_at, truth, kept) for s in sources)
    )
    wall = time.monotonic() - started

    ok = [lat for status, good, lat, _, _ in results if good]
    wrong_ports = {}
    wrong_as = {}
    for _, _, _, wrong, _ in results:
        for p, real, seen in wrong:
            wrong_ports[str(p)] = wrong_ports.get(str(p), 0) + 1
            wrong_as[f"{real} as {seen}"] = wrong_as.get(f"{real} as {seen}", 0) + 1
    statuses = {}
    for status, _, _, _, _ in results:
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
                "states": sum(n for _, _, _, _, n in results),
                "wrong_states": sum(wrong_ports.values()),
                "scans_with_wrong": sum(1 for r in results if r[3]),
                "wrong_by_port": wrong_ports,
                "wrong_as": wrong_as,
                "cpu_s": round(sum(os.times()[:2]), 3),
            }
        )
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
