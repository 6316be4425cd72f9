#!/usr/bin/env python3
"""Stand-ins for services that no Debian package serves the way the lab
needs (tests/lab/udp.sh says why for each):

  ntp     UDP 123: answers an NTP client request (mode 3) as a stratum-3
          server and a mode 7 MON_GETLIST(_1) request ("monlist") with the
          list of recent clients, as ntpd before 4.2.7p26 did by default.
          No packaged daemon does: Debian's ntp is ntpsec, which has no
          mode 7; chrony and openntpd never had it.
  cldap   UDP 389: answers an LDAP search over UDP (CLDAP, RFC 1798) with a
          domain controller's rootDSE entry and searchResDone in one
          datagram, as a Windows domain controller does. slapd serves LDAP
          over TCP only; Samba's AD DC serves CLDAP but needs a provisioned
          domain, far heavier than this lab host.
  mdns    UDP 5353: answers a unicast DNS-SD query for the service list
          (_services._dns-sd._udp.local PTR) from any address, as devices
          that ignore RFC 6762's link-local rule do. avahi-daemon drops
          unicast queries from off-link addresses.
  wsd     UDP 3702: answers a unicast WS-Discovery Probe with a ProbeMatch
          for a printer and scanner, as network printers do. wsdd answers
          Probes only on its multicast socket: a unicast Probe to the
          host's address (the only kind that reaches it from the internet)
          goes unanswered.
  mssql   UDP 1434: answers the SQL Server resolution service's instance
          list requests (CLNT_BCAST_EX 0x02, CLNT_UCAST_EX 0x03) with one
          SQL Server Express instance. SQL Server's browser service has
          no Linux package.
  owa     TCP (TLS): answers every request like Exchange's web access
          (Outlook on the web): `/` redirects to /owa/, every answer
          carries X-OWA-Version. No Exchange runs on Linux.

Each stand-in reads at most one datagram or one request head at a time,
answers only well-formed questions, and logs one line per answer. It runs
until it is killed (the lab's teardown does that).
"""

import argparse
import http.server
import socket
import ssl
import struct
import sys
import time

OWA_VERSION = "15.2.1544.4"
NTP_EPOCH_OFFSET = 2208988800


def log(*args):
    print(*args, flush=True)


def dual_stack_udp(port):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("::", port))
    return s


def serve_udp(port, answer):
    s = dual_stack_udp(port)
    log(f"listening on udp {port}")
    while True:
        data, peer = s.recvfrom(2048)
        try:
            reply = answer(data, peer)
        except (IndexError, ValueError, struct.error):
            reply = None
        if reply:
            for datagram in reply:
                s.sendto(datagram, peer)
            log(f"answered {peer[0]} port {peer[1]}: {len(data)} bytes in, "
                f"{sum(len(d) for d in reply)} out")


# ---------------------------------------------------------------- NTP

def ntp_timestamp(t):
    secs = int(t) + NTP_EPOCH_OFFSET
    frac = int((t % 1) * (1 << 32))
    return struct.pack("!II", secs & 0xFFFFFFFF, frac)


def v4_of(peer):
    """The IPv4 address as 4 bytes, or None for a real IPv6 peer."""
    ip = peer[0]
    if ip.startswith("::ffff:"):
        ip = ip[7:]
    try:
        return socket.inet_aton(ip)
    except OSError:
        return None


class Ntp:
    """A stratum-3 server that remembers its recent clients (ntpd's MRU list)."""

    # Two fixed lab addresses, as if other clients had asked earlier.
    EARLIER = [("198.51.100.57", 123), ("2001:db8:31::1", 123)]

    def __init__(self):
        self.clients = {}
        for addr, port in self.EARLIER:
            self.clients[(addr, port)] = [1, 3, 4]  # count, mode, version

    def answer(self, data, peer):
        if len(data) < 8:
            return None
        li_vn_mode = data[0]
        version = (li_vn_mode >> 3) & 7
        mode = li_vn_mode & 7
        key = (peer[0].removeprefix("::ffff:"), peer[1])
        seen = self.clients.setdefault(key, [0, mode, version])
        seen[0] += 1
        if mode == 3 and len(data) >= 48 and 1 <= version <= 4:
            now = time.time()
            return [
                bytes([(version << 3) | 4, 3, data[2], 0xEC])
                + struct.pack("!II", 0x00000200, 0x00000400)
                + socket.inet_aton("198.51.100.57")
                + ntp_timestamp(now - 16)
                + data[40:48]
                + ntp_timestamp(now)
                + ntp_timestamp(now)
            ]
        if mode == 7 and len(data) >= 8 and data[0] & 0x80 == 0:
            implementation, request = data[2], data[3]
            if implementation in (2, 3) and request in (20, 42):
                return [self.monlist(version, implementation, request)]
        return None

    def monlist(self, version, implementation, request):
        items = []
        for (addr, port), (count, mode, ver) in list(self.clients.items())[:6]:
            v4 = v4_of((addr, port))
            addr6 = b"\0" * 16 if v4 else socket.inet_pton(socket.AF_INET6, addr)
            items.append(
                struct.pack("!IIII", 5, 1, 0, count)
                + (v4 or b"\0\0\0\0")
                + socket.inet_aton("198.51.100.59")
                + struct.pack("!IHBB", 0, port, mode, ver)
                + struct.pack("!II", 0 if v4 else 1, 0)
                + addr6
                + (b"\0" * 16 if v4 else socket.inet_pton(socket.AF_INET6, "2001:db8:31::59"))
            )
        size = 72
        header = bytes([0x80 | (version << 3) | 7, 0, implementation, request])
        header += struct.pack("!HH", len(items) & 0x0FFF, size)
        return header + b"".join(items)


# ---------------------------------------------------------------- CLDAP

def ber_len(n):
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def tlv(tag, body):
    # Windows writes the length of every constructed element (SEQUENCE,
    # SET, the LDAP operations) in four bytes, and so does this stand-in.
    if tag & 0x20:
        return bytes([tag, 0x84]) + len(body).to_bytes(4, "big") + body
    return bytes([tag]) + ber_len(len(body)) + body


def read_tlv(data, i):
    """(tag, body start, body end) of the element at i."""
    tag = data[i]
    n = data[i + 1]
    i += 2
    if n & 0x80:
        count = n & 0x7F
        if count == 0 or count > 4:
            raise ValueError("bad length")
        n = int.from_bytes(data[i:i + count], "big")
        i += count
    if i + n > len(data):
        raise ValueError("truncated")
    return tag, i, i + n


ROOT_DSE = [
    ("currentTime", ["20261207120000.0Z"]),
    ("subschemaSubentry", ["CN=Aggregate,CN=Schema,CN=Configuration,DC=praxis,DC=lab"]),
    ("dsServiceName", ["CN=NTDS Settings,CN=DC1,CN=Servers,CN=Default-First-Site-Name,"
                       "CN=Sites,CN=Configuration,DC=praxis,DC=lab"]),
    ("defaultNamingContext", ["DC=praxis,DC=lab"]),
    ("namingContexts", ["DC=praxis,DC=lab", "CN=Configuration,DC=praxis,DC=lab",
                        "CN=Schema,CN=Configuration,DC=praxis,DC=lab"]),
    ("rootDomainNamingContext", ["DC=praxis,DC=lab"]),
    ("dnsHostName", ["dc1.praxis.lab"]),
    ("ldapServiceName", ["praxis.lab:dc1$@PRAXIS.LAB"]),
    ("serverName", ["CN=DC1,CN=Servers,CN=Default-First-Site-Name,CN=Sites,"
                    "CN=Configuration,DC=praxis,DC=lab"]),
    ("supportedLDAPVersion", ["3", "2"]),
    ("domainFunctionality", ["7"]),
    ("forestFunctionality", ["7"]),
    ("domainControllerFunctionality", ["7"]),
    ("isGlobalCatalogReady", ["TRUE"]),
]


def cldap_answer(data, _peer):
    tag, start, end = read_tlv(data, 0)
    if tag != 0x30:
        return None
    tag, id_start, id_end = read_tlv(data, start)
    if tag != 0x02 or id_end - id_start > 4:
        return None
    message_id = data[id_start:id_end]
    tag, _, _ = read_tlv(data, id_end)
    if tag != 0x63:  # [APPLICATION 3] SearchRequest
        return None
    attributes = b"".join(
        tlv(0x30, tlv(0x04, name.encode()) + tlv(0x31, b"".join(tlv(0x04, v.encode()) for v in vals)))
        for name, vals in ROOT_DSE
    )
    entry = tlv(0x30, tlv(0x02, message_id) + tlv(0x64, tlv(0x04, b"") + tlv(0x30, attributes)))
    done = tlv(0x30, tlv(0x02, message_id) + tlv(0x65, tlv(0x0A, b"\0") + tlv(0x04, b"") + tlv(0x04, b"")))
    return [entry + done]


# ---------------------------------------------------------------- mDNS

MDNS_SERVICES = ["_smb._tcp.local", "_http._tcp.local", "_ipp._tcp.local"]


def dns_name(name):
    return b"".join(bytes([len(p)]) + p.encode() for p in name.split(".") if p) + b"\0"


def read_name(data, i):
    """The question's name (no compression in questions we accept) and the index after it."""
    parts = []
    while True:
        n = data[i]
        if n == 0:
            return ".".join(parts), i + 1
        if n & 0xC0:
            raise ValueError("compressed name in a question")
        parts.append(data[i + 1:i + 1 + n].decode("ascii"))
        i += 1 + n


def mdns_answer(data, _peer):
    if len(data) < 12:
        return None
    txid, flags, qd = struct.unpack("!HHH", data[:6])
    if flags & 0x8000 or qd != 1:
        return None
    name, i = read_name(data, 12)
    qtype, _qclass = struct.unpack("!HH", data[i:i + 4])
    if name.lower() != "_services._dns-sd._udp.local" or qtype not in (12, 255):
        return None
    question = data[12:i + 4]
    answers = b"".join(
        dns_name("_services._dns-sd._udp.local") + struct.pack("!HHIH", 12, 1, 10, len(dns_name(s)))
        + dns_name(s)
        for s in MDNS_SERVICES
    )
    header = struct.pack("!HHHHHH", txid, 0x8400, 1, len(MDNS_SERVICES), 0, 0)
    return [header + question + answers]


# ---------------------------------------------------------------- WS-Discovery

WSD_TYPES = "wsdp:Device wprt:PrintDeviceType wscn:ScanDeviceType"
WSD_UUID = "6761b9d6-f878-44d4-9c02-7a9615a60059"


def wsd_text(data, element):
    """The text of the first <prefix:element> in the message, or None."""
    text = data.decode("utf-8", "replace")
    for open_tag in (f":{element}>", f"<{element}>"):
        i = text.find(open_tag)
        if i >= 0:
            rest = text[i + len(open_tag):]
            return rest[:rest.find("<")].strip()
    return None


def wsd_answer(data, _peer):
    if len(data) > 8192 or not wsd_text(data, "Action") or \
            not wsd_text(data, "Action").endswith("/discovery/Probe"):
        return None
    relates = wsd_text(data, "MessageID")
    if not relates:
        return None
    reply = f"""<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope" \
xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" \
xmlns:wsd="http://schemas.xmlsoap.org/ws/2005/04/discovery" \
xmlns:wsdp="http://schemas.xmlsoap.org/ws/2006/02/devprof" \
xmlns:wprt="http://schemas.microsoft.com/windows/2006/08/wdp/print" \
xmlns:wscn="http://schemas.microsoft.com/windows/2006/08/wdp/scan">
<soap:Header>
<wsa:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsa:To>
<wsa:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</wsa:Action>
<wsa:MessageID>urn:uuid:{WSD_UUID[:-4]}{int(time.time()) % 10000:04d}</wsa:MessageID>
<wsa:RelatesTo>{relates}</wsa:RelatesTo>
<wsd:AppSequence InstanceId="1" MessageNumber="1"/>
</soap:Header>
<soap:Body><wsd:ProbeMatches><wsd:ProbeMatch>
<wsa:EndpointReference><wsa:Address>urn:uuid:{WSD_UUID}</wsa:Address></wsa:EndpointReference>
<wsd:Types>{WSD_TYPES}</wsd:Types>
<wsd:XAddrs>http://198.51.100.59:5357/{WSD_UUID}</wsd:XAddrs>
<wsd:MetadataVersion>1</wsd:MetadataVersion>
</wsd:ProbeMatch></wsd:ProbeMatches></soap:Body></soap:Envelope>
"""
    return [reply.encode()]


# ---------------------------------------------------------------- SQL Server resolution service

MSSQL_INSTANCES = ("ServerName;PRAXIS-SQL;InstanceName;SQLEXPRESS;IsClustered;No;"
                   "Version;15.0.2000.5;tcp;1433;;")


def mssql_answer(data, _peer):
    if data[:1] not in (b"\x02", b"\x03") or len(data) > 64:
        return None
    body = MSSQL_INSTANCES.encode("ascii")
    return [b"\x05" + struct.pack("<H", len(body)) + body]


# ---------------------------------------------------------------- OWA

class OwaHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def version_string(self):
        return "Microsoft-IIS/10.0"

    def answer(self, body):
        host = self.headers.get("Host") or "mail.praxis.lab"
        if self.path in ("/", ""):
            self.send_response(302)
            self.send_header("Location", f"https://{host}/owa/")
        elif self.path.startswith("/owa/auth/"):
            self.send_response(200)
        else:
            self.send_response(302)
            self.send_header("Location", f"https://{host}/owa/auth/logon.aspx?url=https%3a%2f%2f{host}%2fowa%2f&reason=0")
        page = b"<html><head><title>Outlook</title></head><body>Outlook</body></html>\n"
        self.send_header("X-OWA-Version", OWA_VERSION)
        self.send_header("X-FEServer", "PRAXIS-EX")
        self.send_header("X-Powered-By", "ASP.NET")
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.send_header("Connection", "close")
        self.close_connection = True
        self.end_headers()
        if body:
            self.wfile.write(page)

    def do_GET(self):
        self.answer(True)

    def do_HEAD(self):
        self.answer(False)

    def log_message(self, fmt, *args):
        log(f"{self.client_address[0]} {fmt % args}")


class DualStackServer(http.server.ThreadingHTTPServer):
    address_family = socket.AF_INET6
    daemon_threads = True
    request_queue_size = 128

    def server_bind(self):
        self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        super().server_bind()


def serve_owa(port, cert, key):
    httpd = DualStackServer(("::", port), OwaHandler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    log(f"listening on tcp {port} (TLS)")
    httpd.serve_forever()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("service", choices=["ntp", "cldap", "mdns", "wsd", "mssql", "owa"])
    parser.add_argument("--port", type=int)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    args = parser.parse_args()
    if args.service == "ntp":
        serve_udp(args.port or 123, Ntp().answer)
    elif args.service == "cldap":
        serve_udp(args.port or 389, cldap_answer)
    elif args.service == "mdns":
        serve_udp(args.port or 5353, mdns_answer)
    elif args.service == "wsd":
        serve_udp(args.port or 3702, wsd_answer)
    elif args.service == "mssql":
        serve_udp(args.port or 1434, mssql_answer)
    else:
        serve_owa(args.port or 8443, args.cert, args.key)


if __name__ == "__main__":
    sys.exit(main())
