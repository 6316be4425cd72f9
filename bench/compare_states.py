#!/usr/bin/env python3
"""Compare one portcheck report with nmap's XML for the same host.

usage: compare_states.py REPORT.json NMAP.xml [TRUTH]

Prints one JSON line: ports compared, ports where the states are identical,
the differences (each marked with its known explanation or "UNEXPLAINED"),
and, when TRUTH is given ("443:open,445:open,441:closed,...,*:filtered"), how
many ports each tool got right. The explained differences are the ones
lab tests accept (see tests/suite/lab/clients.rs, explained_difference, and
tests/suite/lab/udp_services.rs, explained). Ports are matched by transport
and number (111 and 389 can be in a plan over TCP and UDP); a report entry
without `transport` is TCP.
"""

import json
import sys
import xml.etree.ElementTree as ET


def explain(family, transport, port, pc_state, pc_reason, nm_state, nm_reason, timeout_ms):
    if (transport, port, pc_state, pc_reason, nm_state) == (
        "udp", 3702, "open", "answered", "open|filtered"
    ):
        return "nmap has no WS-Discovery probe: -sU sends 3702 an empty datagram"
    if (
        family == "ipv6"
        and (pc_state, pc_reason) == ("filtered", "timeout")
        and nm_state == "filtered"
        and nm_reason in ("admin-prohibited", "port-unreach")
        and timeout_ms < 1000
    ):
        return "lab ICMPv6 artefact (same state, reason differs)"
    return None


def main():
    report = json.load(open(sys.argv[1]))
    root = ET.parse(sys.argv[2]).getroot()
    nmap = {}
    for port in root.iter("port"):
        state = port.find("state")
        key = (port.get("protocol", "tcp"), int(port.get("portid")))
        nmap[key] = (state.get("state"), state.get("reason"))
    truth = {}
    if len(sys.argv) > 3:
        for item in sys.argv[3].split(","):
            k, v = item.split(":")
            truth[k] = v
    family = report["target"]["family"]
    out = {"ports": 0, "same_state": 0, "differences": [], "pc_right": 0, "nmap_right": 0}
    for p in report["ports"] + report["control"]:
        transport = p.get("transport", "tcp")
        nm_state, nm_reason = nmap.get((transport, p["port"]), ("missing", "missing"))
        out["ports"] += 1
        if p["state"] == nm_state:
            out["same_state"] += 1
        else:
            why = explain(family, transport, p["port"], p["state"], p["reason"], nm_state,
                          nm_reason, report["timeout_ms"])
            name = p["port"] if transport == "tcp" else f'{p["port"]}/udp'
            out["differences"].append(
                f'{name}: portcheck {p["state"]}/{p["reason"]}, nmap {nm_state}/{nm_reason}: '
                f'{why or "UNEXPLAINED"}'
            )
        if truth:
            want = truth.get(str(p["port"]), truth.get("*"))
            out["pc_right"] += p["state"] == want
            out["nmap_right"] += nm_state == want
    out["unexplained"] = sum("UNEXPLAINED" in d for d in out["differences"])
    out["duration_ms"] = report["duration_ms"]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
