# shellcheck shell=bash
# The UDP services' lab hosts (issue 21): real Debian daemons where one
# answers the way the practice check must see it, stand-ins (standin.py)
# where none does, and two firewalled hosts. Sourced by lab.sh (which
# provides mkns, link, addr4, addr6, nft_in, service, certificate, visitor,
# wait_listening, NS, DIR, HERE, PY, LAB_NET4, LAB_NET6); built only on
# request.
#
#   inet (router) --- bridge "udp" 198.51.100.57/29, 2001:db8:31::1/64
#        |-- udpsvc    .58 :31::58  dnsmasq (open resolver, local data only)
#        |                          53, chrony 123, snmpd (community public)
#        |                          161, nmbd 137 (IPv4: NetBIOS has no
#        |                          IPv6), avahi-daemon 5353 and wsdd 3702
#        |                          (both silent to a unicast query from
#        |                          off-link: see udpalt),
#        |                          rpcbind 111 udp+tcp, slapd 389/tcp,
#        |                          kamailio 5060
#        |-- udpalt    .59 :31::59  stand-ins: NTP with monlist 123, CLDAP
#        |                          389/udp, mDNS answering off-link 5353,
#        |                          WS-Discovery answering a unicast Probe
#        |                          3702, SQL Server's resolution service
#        |                          1434, Exchange web access (TLS) 8443
#        |-- udpdrop   .60 :31::60  its firewall drops every UDP datagram
#        `-- udpreject .61 :31::61  its firewall rejects UDP: ICMP port
#                                   unreachable on the reflection and
#                                   telephony ports, administratively
#                                   prohibited on the name services' ports
#
# Every other port of these hosts resets (TCP) or draws the kernel's own
# port unreachable (UDP). The hosts share one link (a bridge in the inet
# router), the /29 that v6pin, which is IPv6-only, leaves free.
#
# What a daemon writes stays in the lab: configuration, pid files,
# databases and logs live in the lab directory; a daemon that insists on a
# packaged path (/run for chronyd, avahi-daemon, rpcbind; Samba's
# directories for nmbd) gets a private mount namespace with a tmpfs or a
# lab directory there. chronyd runs with -x (it never adjusts the clock,
# which namespaces do not separate) and without CAP_SYS_TIME.

UDP_TOOLS=(dnsmasq chronyd snmpd nmbd nmblookup avahi-daemon wsdd rpcbind rpcinfo slapd kamailio
  snmpget ldapsearch)

# The texts the tests look for (tests/suite/lab/udp_services.rs has the
# same values).
UDP_SYSDESCR="Praxis-Router LAB-7 (snmpd in the portcheck lab)"
UDP_NETBIOS_NAME=PRAXIS-SRV
UDP_WORKGROUP=PRAXIS
UDP_SIP_SERVER="Praxis-TK 4.2"
UDP_LDAP_SUFFIX="dc=praxis,dc=lab"
# The UDP ports of the practice plan (UDP-DESIGN.md) and the firewalled
# hosts' split of them.
UDP_REFLECTION_PORTS="53, 111, 123, 161, 389, 1434, 1900"
UDP_NAME_PORTS="137, 3702, 5353"
UDP_SIP_PORTS="5060"

udp_preflight() {
  local t
  for t in "${UDP_TOOLS[@]}"; do
    command -v "$t" >/dev/null || die "missing tool: $t (scripts/test-lab installs the lab's packages)"
  done
}

# The shared link of the UDP hosts: a bridge in the inet router.
udp_segment() {
  local inet
  inet="$(NS inet)"
  ip -n "$inet" link show udp >/dev/null 2>&1 && return 0
  udp_preflight
  ip -n "$inet" link add udp type bridge
  ip -n "$inet" link set udp up
  addr4 inet udp 198.51.100.57/29
  addr6 inet udp 2001:db8:31::1/64
}

# Host NAME at 198.51.100.N and 2001:db8:31::N on the shared link.
udp_host() { # NAME N
  local name=$1 n=$2
  udp_segment
  mkns "$name"
  link inet "u-$name" "$name" eth0
  ip -n "$(NS inet)" link set "u-$name" master udp
  addr4 "$name" eth0 "198.51.100.$n/29"
  addr6 "$name" eth0 "2001:db8:31::$n/64"
  ip -n "$(NS "$name")" route add "$LAB_NET4" via 198.51.100.57
  ip -n "$(NS "$name")" -6 route add "$LAB_NET6" via 2001:db8:31::1
}

# Until something in namespace NAME has a UDP socket bound to each PORT.
wait_udp() { # NAME PORT...
  local ns port i
  ns="$(NS "$1")"
  shift
  for port in "$@"; do
    for ((i = 1; i <= 200; i++)); do
      ip netns exec "$ns" ss -Hlun "( sport = :$port )" | grep -q . && break
      [ "$i" -eq 200 ] && die "nothing bound UDP port $port in $ns after 10 s"
      sleep 0.05
    done
  done
}

# dnsmasq as an open resolver: recursion offered to anyone, answered from
# local data (no upstream server, no system files): the address and IPv6
# address of every name, and the root zone's name servers (`. NS`, what
# the probe asks, as a resolver answers it from its root hints; here one
# of them, a.root-servers.net, in wire format).
ROOT_NS_RDATA=01610c726f6f742d73657276657273036e657400
dns_server() { # NAME ADDR4 ADDR6
  service "$1" "dnsmasq-$1" dnsmasq --keep-in-foreground --log-facility=- --conf-file=/dev/null \
    --user=root --group=root --pid-file="$DIR/dnsmasq-$1.pid" --no-resolv --no-hosts --no-poll \
    --bind-interfaces --listen-address="$2" --listen-address="$3" --port=53 \
    --address="/#/$2" --address="/#/$3" --host-record="resolver.praxis.lab,$2,$3" \
    --dns-rr=".,2,$ROOT_NS_RDATA"
}

# chronyd serving its own clock at stratum 10 to anyone, never adjusting
# the (shared) system clock.
ntp_server() { # NAME
  local d="$DIR/chrony-$1"
  mkdir -p "$d"
  cat >"$d/chrony.conf" <<EOF
local stratum 10
allow all
port 123
cmdport 0
pidfile $d/chronyd.pid
driftfile $d/drift
EOF
  # Its command socket would go to /run/chrony: a private /run instead.
  service "$1" "chronyd-$1" "${PRIVATE_MOUNTS[@]}" /run:0755 -- \
    setpriv --bounding-set=-sys_time --inh-caps=-sys_time \
    chronyd -x -d -u root -f "$d/chrony.conf"
}

# snmpd answering SNMP v1/v2c for the read-only community "public" only,
# on both families, with a known sysDescr; its state in the lab.
snmp_server() { # NAME
  local d="$DIR/snmpd-$1"
  mkdir -p "$d/persist"
  cat >"$d/snmpd.conf" <<EOF
agentAddress udp:161,udp6:161
rocommunity public default
rocommunity6 public default
sysDescr $UDP_SYSDESCR
sysName praxis-router
sysLocation Praxis lab
sysContact it@praxis.lab
sysServices 72
EOF
  service "$1" "snmpd-$1" env SNMP_PERSISTENT_DIR="$d/persist" MIBS= MIBDIRS=/nonexistent \
    snmpd -f -Lo -C -c "$d/snmpd.conf" -p "$d/snmpd.pid"
}

# Samba's nmbd: the NetBIOS name service with a known computer and
# workgroup name, IPv4 only; Samba's directories covered by lab ones as
# for smbd (lab.sh, samba).
nmbd_server() { # NAME ADDR4/LEN
  local d="$DIR/nmbd-$1" sub
  for sub in run lock state cache private ncalrpc log varlog runsamba varlib varcache; do
    mkdir -p "$d/$sub"
  done
  cat >"$d/smb.conf" <<EOF
[global]
   netbios name = $UDP_NETBIOS_NAME
   workgroup = $UDP_WORKGROUP
   server string = Praxis server
   server role = standalone server
   disable netbios = no
   interfaces = $2
   bind interfaces only = yes
   local master = yes
   preferred master = no
   domain master = no
   wins support = no
   dns proxy = no
   pid directory = $d/run
   lock directory = $d/lock
   state directory = $d/state
   cache directory = $d/cache
   private dir = $d/private
   ncalrpc dir = $d/ncalrpc
   log file = $d/log/log.%m
   log level = 1
EOF
  service "$1" "nmbd-$1" unshare --mount --propagation private sh -c 'set -e
      mount --bind "$1/varlog" /var/log/samba
      mount --bind "$1/runsamba" /run/samba
      mount --bind "$1/varlib" /var/lib/samba
      mount --bind "$1/varcache" /var/cache/samba
      exec nmbd --foreground --no-process-group --debug-stdout -s "$1/smb.conf"' sh "$d"
}

# Until nmbd's names answer a node status request from the probe host (it
# registers them by broadcast first, which takes a few seconds).
wait_netbios() { # ADDR
  local i
  for ((i = 1; i <= 100; i++)); do
    ip netns exec "$(NS probe)" nmblookup -A "$1" 2>/dev/null | grep -q "$UDP_NETBIOS_NAME" && return 0
    sleep 0.1
  done
  die "nmbd at $1 did not answer a node status request in 10 s"
}

# avahi-daemon announcing two services, without D-Bus, in a private mount
# namespace (its pid file under /run, its service files under
# /etc/avahi/services).
mdns_server() { # NAME
  local d="$DIR/avahi-$1"
  mkdir -p "$d/services"
  cat >"$d/avahi-daemon.conf" <<EOF
[server]
host-name=praxis-nas
domain-name=local
use-ipv4=yes
use-ipv6=yes
allow-interfaces=eth0
enable-dbus=no
[wide-area]
enable-wide-area=no
[publish]
publish-addresses=yes
publish-hinfo=no
publish-workstation=no
[reflector]
enable-reflector=no
EOF
  local svc
  for svc in "smb 445" "http 80"; do
    cat >"$d/services/${svc% *}.service" <<EOF
<?xml version="1.0" standalone='no'?>
<!DOCTYPE service-group SYSTEM "avahi-service.dtd">
<service-group>
  <name>Praxis NAS ${svc% *}</name>
  <service><type>_${svc% *}._tcp</type><port>${svc#* }</port></service>
</service-group>
EOF
  done
  service "$1" "avahi-$1" unshare --mount --propagation private sh -c 'set -e
      mount -t tmpfs -o mode=0755 tmpfs /run
      mount --bind "$1/services" /etc/avahi/services
      exec avahi-daemon --no-drop-root --no-chroot --no-rlimits -f "$1/avahi-daemon.conf"' sh "$d"
}

# wsdd answering WS-Discovery probes (3702) for a Samba-like host.
wsd_server() { # NAME
  service "$1" "wsdd-$1" wsdd -i eth0 -n "$UDP_NETBIOS_NAME" -w "$UDP_WORKGROUP" \
    -U 6761b9d6-f878-44d4-9c02-7a9615a60058 -s
}

# rpcbind on 111 (UDP and TCP, both families); its lock and socket under a
# private /run.
rpc_server() { # NAME
  service "$1" "rpcbind-$1" unshare --mount --propagation private sh -c 'set -e
      mount -t tmpfs -o mode=0755 tmpfs /run
      mkdir -p /run/rpcbind
      exec rpcbind -f' sh
}

# slapd with an empty database for dc=praxis,dc=lab: the rootDSE names it
# in namingContexts, readable anonymously, as a domain controller's is.
ldap_server() { # NAME
  local d="$DIR/slapd-$1"
  mkdir -p "$d/db"
  cat >"$d/slapd.conf" <<EOF
include /etc/ldap/schema/core.schema
pidfile $d/slapd.pid
argsfile $d/slapd.args
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
suffix "$UDP_LDAP_SUFFIX"
rootdn "cn=admin,$UDP_LDAP_SUFFIX"
directory $d/db
maxsize 10485760
EOF
  service "$1" "slapd-$1" slapd -d 0 -f "$d/slapd.conf" -h "ldap:///"
}

# kamailio answering OPTIONS with 200 and a known Server header, and every
# other request with 403; over UDP on both families.
sip_server() { # NAME ADDR4 ADDR6
  local d="$DIR/kamailio-$1"
  mkdir -p "$d/run"
  cat >"$d/kamailio.cfg" <<EOF
#!KAMAILIO
debug=2
log_stderror=yes
children=1
disable_tcp=yes
auto_aliases=no
listen=udp:$2:5060
listen=udp:[$3]:5060
server_header="Server: $UDP_SIP_SERVER"
user_agent_header="User-Agent: $UDP_SIP_SERVER"
mpath="/usr/lib/x86_64-linux-gnu/kamailio/modules/"
loadmodule "sl.so"
request_route {
  if (method == "OPTIONS") {
    sl_send_reply("200", "OK");
    exit;
  }
  sl_send_reply("403", "Forbidden");
}
EOF
  service "$1" "kamailio-$1" kamailio -DD -E -f "$d/kamailio.cfg" -P "$d/kamailio.pid" \
    -Y "$d/run" -w "$d" -m 16 -M 4
}

# The real daemons.
build_udpsvc() {
  udp_host udpsvc 58
  dns_server udpsvc 198.51.100.58 2001:db8:31::58
  ntp_server udpsvc
  snmp_server udpsvc
  nmbd_server udpsvc 198.51.100.58/29
  mdns_server udpsvc
  wsd_server udpsvc
  rpc_server udpsvc
  ldap_server udpsvc
  sip_server udpsvc 198.51.100.58 2001:db8:31::58
  wait_udp udpsvc 53 111 123 137 161 3702 5060 5353
  wait_listening udpsvc 111 389
  wait_netbios 198.51.100.58
  visitor udpsvc udpsvc 198.51.100.58 2001:db8:31::58
}

# The stand-ins (standin.py says why each is one).
build_udpalt() {
  udp_host udpalt 59
  certificate
  local s
  for s in ntp cldap mdns wsd mssql; do
    service udpalt "standin-$s" "$PY" "$HERE/standin.py" "$s"
  done
  service udpalt standin-owa "$PY" "$HERE/standin.py" owa --port 8443 \
    --cert "$DIR/tls.crt" --key "$DIR/tls.key"
  wait_udp udpalt 123 389 1434 3702 5353
  wait_listening udpalt 8443
  visitor udpalt udpalt 198.51.100.59 2001:db8:31::59
}

# Every UDP datagram dropped: nothing comes back.
build_udpdrop() {
  udp_host udpdrop 60
  nft_in udpdrop <<'EOF'
table inet visitor {
  chain input {
    type filter hook input priority filter; policy accept;
    meta l4proto udp drop
  }
}
EOF
  visitor udpdrop udpdrop 198.51.100.60 2001:db8:31::60
}

# UDP rejected: port unreachable (what a closed port draws anyway, here
# from the firewall) and administratively prohibited.
build_udpreject() {
  udp_host udpreject 61
  nft_in udpreject <<EOF
table inet visitor {
  chain input {
    type filter hook input priority filter; policy accept;
    udp dport { $UDP_REFLECTION_PORTS, $UDP_SIP_PORTS } reject with icmpx type port-unreachable
    udp dport { $UDP_NAME_PORTS } reject with icmpx type admin-prohibited
  }
}
EOF
  visitor udpreject udpreject 198.51.100.61 2001:db8:31::61
}
