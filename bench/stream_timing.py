#!/usr/bin/env python3
"""When does a visitor know its port states? Times GET /api/v1/scan/stream.

Runs in the visitor's namespace. For each run: time from opening the
connection to the last `port` event (every port's state is known: port events
are sent at connect time, before identification) and to the `finished` event
(the full report, identification included). Prints one JSON line with the
mean, standard deviation and median of both, in milliseconds.
"""

import argparse
import json
import socket
import statistics
import time
from urllib.parse import urlsplit


def one_run(url, ports_expected, timeout):
    u = urlsplit(url)
    host = u.hostname
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    started = time.monotonic()
    s = socket.create_connection((host, u.port), timeout=timeout)
    if family == socket.AF_INET6:
        host_header = f"[{host}]:{u.port}"
    else:
        host_header = f"{host}:{u.port}"
    s.sendall(
        f"GET {u.path} HTTP/1.1\r\nHost: {host_header}\r\nAccept: text/event-stream\r\n"
        "Connection: close\r\n\r\n".encode()
    )
    buf = b""
    ports_seen = 0
    last_port = finished = None
    while finished is None:
        chunk = s.recv(65536)
        if not chunk:
            break
        buf += chunk
        # Events end with a blank line; count them as they complete.
        while b"\n\n" in buf:
            event, buf = buf.split(b"\n\n", 1)
            if b"event: port" in event or b"event:port" in event:
                ports_seen += 1
                if ports_seen == ports_expected:
                    last_port = time.monotonic() - started
            elif b"event: finished" in event or b"event:finished" in event:
                finished = time.monotonic() - started
    s.close()
    if last_port is None or finished is None:
        raise SystemExit(f"stream ended early: {ports_seen} port events, finished={finished}")
    return last_port, finished


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("url")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--ports", type=int, default=14)
    ap.add_argument("--timeout", type=float, default=60.0)
    args = ap.parse_args()
    states, reports = [], []
    for _ in range(args.runs):
        a, b = one_run(args.url, args.ports, args.timeout)
        states.append(1000 * a)
        reports.append(1000 * b)
    sd = lambda xs: statistics.stdev(xs) if len(xs) > 1 else 0.0
    print(
        json.dumps(
            {
                "runs": args.runs,
                "states_ms": round(statistics.mean(states)),
                "states_sd": round(sd(states)),
                "report_ms": round(statistics.mean(reports)),
                "report_sd": round(sd(reports)),
                "states_median": round(statistics.median(states)),
                "report_median": round(statistics.median(reports)),
            }
        )
    )


if __name__ == "__main__":
    main()
