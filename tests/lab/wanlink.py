#!/usr/bin/env python3
"""A wide-area link for the lab: two TAP devices and the frames between them.

The kernel here has no netem qdisc, so round-trip time, jitter and loss come
from this process instead. It opens two TAP devices in the namespace it runs
in (lab.sh then moves one of them into the router's namespace; the open file
descriptors stay bound to the devices) and copies every Ethernet frame from
one to the other after a one-way delay of half the round-trip time, varied by
up to +-JITTER percent, dropping a random LOSS percent of frames in each
direction. Within one direction frames keep their order: a frame is never due
before the one read before it, as on a real serial path.

The devices exist only while this process holds them: killing it (the lab's
teardown kills every process in its namespaces) removes the link. At SIGTERM
it prints its counts (frames passed, lost, over the queue, sent late and
how late at most) to stderr, and at SIGUSR1 the counts so far (the
lateness since the last SIGUSR1), and goes on.

    wanlink.py --near eth0 --far v-wan80 --rtt-ms 80 --jitter-pct 10 --loss-pct 0
"""

import argparse
import collections
import errno
import fcntl
import os
import random
import select
import signal
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000
MAX_FRAME = 65536
# Frames waiting in one direction before new ones are dropped (a full queue
# on a real link): bounds memory when a flood meets a long delay.
MAX_QUEUED = 20000
# A frame sent more than this after its due time counts as late.
LATE_S = 0.010


def open_tap(name):
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TAP | IFF_NO_PI))
    return fd


class Direction:
    """Frames read from `src`, written to `dst` when due."""

    def __init__(self, src, dst, one_way, jitter, loss, rng):
        self.src, self.dst = src, dst
        self.one_way, self.jitter, self.loss = one_way, jitter, loss
        self.rng = rng
        self.queue = collections.deque()
        self.last_due = 0.0
        self.passed = self.lost = self.overflow = 0
        # How late frames went out (this process was busy or waiting for a
        # CPU): the worst, and how many more than LATE_S after their time.
        self.late_max = 0.0
        self.late = 0

    def read_all(self, now):
        while True:
            try:
                frame = os.read(self.src, MAX_FRAME)
            except BlockingIOError:
                return
            except OSError as e:
                if e.errno in (errno.EIO, errno.EAGAIN):  # device down
                    return
                raise
            if not frame:
                return
            if self.loss > 0 and self.rng.random() < self.loss:
                self.lost += 1
                continue
            if len(self.queue) >= MAX_QUEUED:
                self.overflow += 1
                continue
            delay = self.one_way * (1.0 + self.rng.uniform(-self.jitter, self.jitter))
            due = max(now + delay, self.last_due)
            self.last_due = due
            self.queue.append((due, frame))

    def write_due(self, now):
        while self.queue and self.queue[0][0] <= now:
            due, frame = self.queue.popleft()
            self.late_max = max(self.late_max, now - due)
            self.late += now - due > LATE_S
            try:
                os.write(self.dst, frame)
                self.passed += 1
            except OSError:
                # Device down or its queue full: the frame is lost, as on a
                # link whose far end is not ready.
                self.lost += 1

    def next_due(self):
        return self.queue[0][0] if self.queue else None


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--near", required=True, help="TAP device that stays here")
    p.add_argument("--far", required=True, help="TAP device that lab.sh moves away")
    p.add_argument("--rtt-ms", type=float, required=True)
    p.add_argument("--jitter-pct", type=float, default=0.0)
    p.add_argument("--loss-pct", type=float, default=0.0)
    p.add_argument("--seed", type=int, default=None)
    a = p.parse_args()
    if not (0 <= a.rtt_ms <= 10000 and 0 <= a.jitter_pct < 100 and 0 <= a.loss_pct <= 100):
        p.error("rtt 0-10000 ms, jitter 0-99 %, loss 0-100 %")

    rng = random.Random(a.seed)
    near, far = open_tap(a.near), open_tap(a.far)
    one_way = a.rtt_ms / 2000.0
    jitter, loss = a.jitter_pct / 100.0, a.loss_pct / 100.0
    dirs = [
        Direction(near, far, one_way, jitter, loss, rng),
        Direction(far, near, one_way, jitter, loss, rng),
    ]
    by_fd = {d.src: d for d in dirs}

    def counts(_sig=None, _frame=None):
        # Totals since the start; the worst lateness since the last count.
        for name, d in zip(("out", "in"), dirs):
            print(
                f"wanlink {name}: {d.passed} frames passed, {d.lost} lost, {d.overflow} over the queue, "
                f"{d.late} late by more than {LATE_S * 1000:.0f} ms, at most {d.late_max * 1000:.1f} ms",
                file=sys.stderr,
                flush=True,
            )
            d.late_max = 0.0

    def stop(_sig, _frame):
        counts()
        sys.exit(0)

    signal.signal(signal.SIGUSR1, counts)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"wanlink ready: {a.near} <-> {a.far}, rtt {a.rtt_ms} ms +-{a.jitter_pct} %, loss {a.loss_pct} %",
          file=sys.stderr, flush=True)

    while True:
        now = time.monotonic()
        dues = [d.next_due() for d in dirs if d.next_due() is not None]
        timeout = max(0.0, min(dues) - now) if dues else None
        ready, _, _ = select.select([near, far], [], [], timeout)
        now = time.monotonic()
        for fd in ready:
            by_fd[fd].read_all(now)
        for d in dirs:
            d.write_due(now)


if __name__ == "__main__":
    main()
