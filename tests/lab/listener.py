#!/usr/bin/env python3
"""TCP listeners for lab hosts: plain services and a tarpit.

Binds every given port on `::` with IPV6_V6ONLY off, so one socket serves both
address families. Each socket gets a real backlog (128, or --backlog): `nc -l`
has a backlog of 1, and a second connect to it then looks filtered.

Plain mode accepts and closes at once, like a service that has nothing to say
to a port scanner. Tarpit mode (--tarpit) accepts and never sends a byte; it
keeps each connection until the peer closes it, bounded by --max-held.
"""

import argparse
import selectors
import socket
import sys


def parse_ports(text):
    ports = []
    for part in text.split(","):
        if "-" in part:
            lo, hi = part.split("-", 1)
            ports.extend(range(int(lo), int(hi) + 1))
        else:
            ports.append(int(part))
    return ports


def listen(port, backlog):
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(("::", port))
    s.listen(backlog)
    s.setblocking(False)
    return s


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ports", required=True, help="e.g. 440,443 or 438-451")
    ap.add_argument("--tarpit", action="store_true", help="accept, never send")
    ap.add_argument("--max-held", type=int, default=512)
    ap.add_argument("--backlog", type=int, default=128, help="accept queue of each port")
    args = ap.parse_args()

    sel = selectors.DefaultSelector()
    for port in parse_ports(args.ports):
        sel.register(listen(port, args.backlog), selectors.EVENT_READ, "listener")
    held = 0
    print("listening", args.ports, "tarpit" if args.tarpit else "plain", flush=True)
    while True:
        for key, _ in sel.select():
            sock = key.fileobj
            if key.data == "listener":
                try:
                    conn, _ = sock.accept()
                except (BlockingIOError, ConnectionAbortedError):
                    continue
                if not args.tarpit or held >= args.max_held:
                    conn.close()
                    continue
                conn.setblocking(False)
                sel.register(conn, selectors.EVENT_READ, "held")
                held += 1
            else:
                # The peer sent something or closed: drain; on EOF let go.
                try:
                    data = sock.recv(4096)
                except BlockingIOError:
                    continue
                except ConnectionResetError:
                    data = b""
                if not data:
                    sel.unregister(sock)
                    sock.close()
                    held -= 1


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
