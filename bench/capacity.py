#!/usr/bin/env python3
"""What one load level costs the probe, the WAN relay and the machine.

Runs a load command (bench/crowd.py inside the visitors' namespace) and,
around it, reads from /proc (as root, in the root namespace):

- CPU time (utime + stime, all threads) of the probe (and of its busiest
  threads), the WAN relay
  (wanlink.py), the visitor host's listener, and the machine's busy time
  over all cores and its softirq part (/proc/stat), as deltas over the level;
- the probe's peak RSS for this level: `5` is written to its clear_refs
  before the level, VmHWM read after; VmRSS before (idle) and after;
- the sockets open in the probe's namespace (`sockets: used` of its
  /proc/PID/net/sockstat: socket files of the probe, plus the few of the idle
  patient probe beside it), sampled every --interval seconds, and the probe's
  open files (/proc/PID/fd) at idle and every second (listing thousands of
  descriptors costs milliseconds, so not more often);
- the relay's frame counts and how late it sent frames (it prints them at
  SIGUSR1), and the TAP
  devices' drop counters (frames the kernel dropped because the relay did
  not read them in time).

Prints the load command's JSON line with a `cost` object added.

    capacity.py --probe-pid P --relay-pid R --relay-log FILE
                --listener-pid L --tap NS:DEV ... -- COMMAND...
"""

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time

TICK = os.sysconf("SC_CLK_TCK")


def cpu_s(pid):
    """utime + stime of a process (all its threads), in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def thread_cpu_s(pid):
    """CPU seconds of each thread of a process, by thread id and name."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                text = f.read()
        except FileNotFoundError:
            continue
        name = text[text.index("(") + 1 : text.rindex(")")]
        fields = text.rsplit(")", 1)[1].split()
        out[f"{tid} {name}"] = (int(fields[11]) + int(fields[12])) / TICK
    return out


def machine_s():
    """Busy CPU seconds of all cores together since boot, and the part of
    them spent in softirq (the kernel's packet processing, charged to no
    process)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + v[4]  # idle + iowait
    return (sum(v[:8]) - idle) / TICK, v[6] / TICK


def status_kb(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def sockets_used(pid):
    with open(f"/proc/{pid}/net/sockstat") as f:
        return int(f.readline().split()[2])


def open_files(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def max_open_files(pid):
    with open(f"/proc/{pid}/limits") as f:
        for line in f:
            if line.startswith("Max open files"):
                return int(line.split()[3])
    return 0


def tap_drops(spec):
    """tx and rx drops of DEV in namespace NS."""
    ns, dev = spec.split(":", 1)
    out = subprocess.run(
        ["ip", "-n", ns, "-s", "-j", "link", "show", "dev", dev],
        capture_output=True, text=True, check=True,
    ).stdout
    st = json.loads(out)[0]["stats64"]
    return {"tx_dropped": st["tx"]["dropped"], "rx_dropped": st["rx"]["dropped"]}


COUNTS = re.compile(
    r"wanlink (out|in): (\d+) frames passed, (\d+) lost, (\d+) over the queue, "
    r"(\d+) late by more than \d+ ms, at most ([\d.]+) ms"
)


def relay_counts(pid, log):
    """Ask the relay for its counts and read them from its log."""
    with open(log) as f:
        before = len(f.readlines())
    os.kill(pid, signal.SIGUSR1)
    for _ in range(100):
        time.sleep(0.02)
        with open(log) as f:
            lines = f.readlines()[before:]
        found = [COUNTS.search(line) for line in lines]
        found = [m for m in found if m]
        if len(found) >= 2:
            return {
                m.group(1): {"passed": int(m.group(2)), "lost": int(m.group(3)),
                             "overflow": int(m.group(4)), "late": int(m.group(5)),
                             "late_max_ms": float(m.group(6))}
                for m in found[:2]
            }
    raise RuntimeError(f"the relay (pid {pid}) printed no counts to {log}")


def delta(after, before):
    if isinstance(after, dict):
        return {k: delta(after[k], before[k]) for k in after}
    return after - before


def relay_delta(after, before):
    """Frame counts over the level; the worst lateness is the relay's own
    figure since the count before the level."""
    out = delta(after, before)
    for way in out:
        out[way]["late_max_ms"] = after[way]["late_max_ms"]
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--probe-pid", type=int, required=True)
    ap.add_argument("--relay-pid", type=int, required=True)
    ap.add_argument("--relay-log", required=True)
    ap.add_argument("--listener-pid", type=int, required=True)
    ap.add_argument("--tap", action="append", default=[], help="NS:DEV of a relay's TAP device")
    ap.add_argument("--interval", type=float, default=0.02, help="socket sampling, seconds")
    ap.add_argument("command", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.command[1:] if a.command[:1] == ["--"] else a.command
    if not cmd:
        ap.error("no load command")
    probe = a.probe_pid

    # Before: the probe idle, its peak RSS reset.
    with open(f"/proc/{probe}/clear_refs", "w") as f:
        f.write("5")
    idle = {
        "rss_kb": status_kb(probe, "VmRSS"),
        "sockets": sockets_used(probe),
        "open_files": open_files(probe),
    }
    relay0 = relay_counts(a.relay_pid, a.relay_log)
    taps0 = {t: tap_drops(t) for t in a.tap}
    def cpu_now():
        machine, softirq = machine_s()
        return {
            "probe": cpu_s(probe),
            "relay": cpu_s(a.relay_pid),
            "listener": cpu_s(a.listener_pid),
            "machine": machine,
            "softirq": softirq,
        }

    cpu0 = cpu_now()
    threads0 = thread_cpu_s(probe)
    self0 = sum(os.times()[:2])
    t0 = time.monotonic()

    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE)
    peak = {"sockets": idle["sockets"], "open_files": idle["open_files"]}
    done = threading.Event()

    def sample():
        next_fd = time.monotonic() + 1.0
        while not done.is_set():
            peak["sockets"] = max(peak["sockets"], sockets_used(probe))
            if time.monotonic() >= next_fd:
                peak["open_files"] = max(peak["open_files"], open_files(probe))
                next_fd += 1.0
            done.wait(a.interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    done.set()
    sampler.join()

    wall = time.monotonic() - t0
    used = delta(cpu_now(), cpu0)
    threads = thread_cpu_s(probe)
    busiest = sorted(
        ((t, v - threads0.get(t, 0.0)) for t, v in threads.items()), key=lambda kv: -kv[1]
    )[:4]
    used["sampler"] = sum(os.times()[:2]) - self0
    cost = {
        "interval_s": round(wall, 3),
        "cpu_s": {k: round(v, 3) for k, v in used.items()},
        "probe_threads_cpu_s": {t: round(v, 3) for t, v in busiest},
        "idle": idle,
        "peak_rss_kb": status_kb(probe, "VmHWM"),
        "rss_after_kb": status_kb(probe, "VmRSS"),
        "peak_sockets": peak["sockets"],
        "peak_open_files": peak["open_files"],
        "max_open_files": max_open_files(probe),
        "relay": relay_delta(relay_counts(a.relay_pid, a.relay_log), relay0),
        "tap_drops": {t: delta(tap_drops(t), taps0[t]) for t in a.tap},
    }
    try:
        result = json.loads(out.decode().strip().splitlines()[-1])
    except (IndexError, ValueError):
        result = {"error": f"the load command printed no result (exit {proc.returncode})"}
    result["cost"] = cost
    print(json.dumps(result))
    return 0 if proc.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
