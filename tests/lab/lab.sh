#!/usr/bin/env bash
# The lab: a small simulated internet in network namespaces, with the real
# probe on one host and visitors that ask it to check them.
#
#   lab.sh up    PREFIX PROBE_BIN [VISITOR...]   build it, print "READY DIR"
#   lab.sh hold  PREFIX PROBE_BIN [VISITOR...]   build it, print "READY DIR",
#                                                keep it until stdin closes or
#                                                a signal arrives, tear it down
#   lab.sh down  PREFIX                          tear one lab down
#   lab.sh sweep TAG                             tear down every lab whose
#                                                prefix starts with TAG-
#   lab.sh loss  PREFIX PERCENT                  set the lossy link's drop rate
#
# `hold` is what tests and benchmarks use: its owner keeps the write end of
# its stdin, so when the owner exits for any reason (even SIGKILL) the pipe
# closes and the lab goes away. It runs in its own process group, so a Ctrl-C
# meant for the test run does not cut the teardown short.
#
# Topology (every namespace is named PREFIX-NAME; nothing is added to the root
# namespace, which has no link into the lab at all):
#
#            probe 198.51.100.10  2001:db8:1::2   (portcheck serve, nmap)
#              |
#            inet (router)
#    ----+-------+--------+---------+-----------+----------+-------+------
#      mixed    smb     smb1    rangefwd     singlefwd    v6pin   lossy  tarpit  (crowd)
#     .18/:2::2 .26/:3  .34/:4  .42 (NAT)    .50 (NAT)    :7::2   .66/:8 .74/:9  .130-.254
#                                 |            |            |
#                            rangefwd-srv  singlefwd-srv  v6pin-host
#                           192.168.178.10 192.168.178.10 2001:db8:107::10
#
# rangefwd and singlefwd are practice routers in front of the same kind of
# server (web on 80, MIT Kerberos KDC on 88, TLS on 443, Samba on 445):
# rangefwd forwards 80-89 and 440-449 (the Digitalisierungsbox fault),
# singlefwd only 80 and 443.
#
# `crowd` (125 addresses, for the load benchmark), the WAN visitors and the
# identification hosts below are built only on request:
#
#   wan20, wan80, wan300  the ports of `mixed` behind a wide-area link of 20,
#                         80 and 300 ms round-trip time, +-10 % jitter
#                         (wanlink.py; .106/:21::2, .110/:22::2, .114/:23::2)
#   wanloss               the same at 80 ms with 2 % loss each way
#                         (.118/:24::2)
#   crowdwan              many visitors behind one 80 ms link (+-10 %), for
#                         the capacity benchmark: 1024 IPv6 addresses
#                         2001:db8:c0S:N::2, one per /64 (N = 0-3f) in 16
#                         /48s (S = 0-f), so the probe counts 1024 hosts in
#                         16 sites (inet routes 2001:db8:c00::/44 over the
#                         link; the link itself is .122/:25::2). Ports as
#                         `crowd`: 443 and 445 open, 442 and 449 dropped,
#                         the rest closed (resets, no ICMP)
#
#   smbweb  .82/:10::2  Samba with SMB1 and a guest share, and a TLS web
#                       server with a page on 443: the benchmark visitor
#   noguest .90/:11::2  Samba, SMB2/3 only, no guest mapping, signing mandatory
#   tlsweb  .98         openssl s_server TLS 1.2 only on 443, TLS 1.3 only on
#                       444, TLS 1.0 only on 448; a router login page (HTTP) on 440
#
# The practice check's hosts (remote, office, upnpwan, upnplan: real RDP,
# VNC, database, FTP, SSH, Telnet, IPP and UPnP services) are in practice.sh,
# the UDP services' hosts (udpsvc, udpalt, udpdrop, udpreject) in udp.sh.
# Every namespace routes only the lab prefixes and has `unreachable default`
# for IPv4 and IPv6. Link i joins inet and host i: 198.51.100.(8i+1)/29 and 2001:db8:i::1/64 on
# the inet side, .(8i+2) and ::2 on the host side. Private addresses exist
# only inside the two NAT routers' LANs. The safety rules followed here are
# those of the project's shared notes (netlab.md), outside this repository.

set -Eeuo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LAB_NET4=198.51.100.0/24
LAB_NET6=2001:db8::/32
PROBE_PORT=8080
PATIENT_PORT=8081
# The practice servers' Kerberos realm (a Windows domain would be its DNS
# name in capitals).
KDC_REALM=PRAXIS.LAB
ALL_VISITORS=(mixed smb smb1 rangefwd singlefwd v6pin lossy tarpit)
PY="$(command -v /usr/bin/python3 || command -v python3)"

say() { printf 'lab: %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

state_dir() { printf '%s/portcheck-lab-%s' "${TMPDIR:-/tmp}" "$1"; }

check_prefix() {
  [[ "$1" =~ ^[a-z][a-z0-9-]{0,39}$ ]] || die "bad prefix '$1' (a-z, 0-9, -; at most 40)"
}

# ---------------------------------------------------------------- teardown

lab_namespaces() { # PREFIX -> namespaces of that lab
  ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^$1-" || true
}

# A process that got the signal leaves the namespace before it is gone from
# the process table, so wait for every pid ever seen, not only for an empty
# `ip netns pids`.
gone() { # PID: not running (absent or a zombie)
  local st
  st="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" || return 0
  [ -z "$st" ] || [ "$st" = Z ] || [ "$st" = X ]
}

kill_namespace_processes() { # NS...
  local ns pid round sig current seen=() alive
  for ((round = 1; round <= 100; round++)); do
    current=()
    for ns in "$@"; do
      mapfile -t -O "${#current[@]}" current < <(ip netns pids "$ns" 2>/dev/null)
    done
    seen+=("${current[@]}")
    alive=()
    for pid in "${seen[@]}"; do
      gone "$pid" || alive+=("$pid")
    done
    [ ${#alive[@]} -eq 0 ] && return 0
    sig=TERM
    [ "$round" -gt 40 ] && sig=KILL
    kill -s "$sig" "${current[@]}" 2>/dev/null || true
    sleep 0.05
  done
  say "processes still alive after teardown: ${alive[*]}"
  return 1
}

# Deleting races with another teardown of the same lab (a test's holder and
# the test script's final sweep): a namespace that is gone is fine.
del_namespace() { # NS
  ip netns del "$1" 2>/dev/null && return 0
  [ -z "$(ip netns list 2>/dev/null | awk -v ns="$1" '$1 == ns')" ] && return 0
  say "could not delete namespace $1"
  return 1
}

down() { # PREFIX
  local IFS=$' \t\n' # may run from a trap, whatever the interrupted code set
  local prefix=$1 dir nss
  dir="$(state_dir "$prefix")"
  mapfile -t nss < <(lab_namespaces "$prefix")
  local ok=0
  if [ ${#nss[@]} -gt 0 ]; then
    kill_namespace_processes "${nss[@]}" || ok=1
    local ns
    for ns in "${nss[@]}"; do
      del_namespace "$ns" || ok=1
    done
  fi
  rm -rf "$dir"
  return $ok
}

sweep() { # TAG: every lab whose prefix starts with TAG-
  local tag=$1 nss p
  [[ "$tag" =~ ^[a-z][a-z0-9-]{2,39}$ ]] || die "bad tag '$tag'"
  mapfile -t nss < <(ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^$tag-" || true)
  local ok=0
  if [ ${#nss[@]} -gt 0 ]; then
    say "sweeping leftover lab namespaces: ${nss[*]}"
    kill_namespace_processes "${nss[@]}" || ok=1
    for p in "${nss[@]}"; do
      del_namespace "$p" || ok=1
    done
  fi
  for p in "${TMPDIR:-/tmp}"/portcheck-lab-"$tag"-*; do
    [ -e "$p" ] && rm -rf "$p"
  done
  return $ok
}

# ---------------------------------------------------------------- building blocks

NS() { printf '%s-%s' "$PREFIX" "$1"; }

mkns() { # NAME [router]
  local ns
  ns="$(NS "$1")"
  ip netns add "$ns"
  ip netns exec "$ns" sysctl -qw \
    net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0 \
    net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0 \
    net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0
  # ICMP error rate limits are off so that back-to-back scans (portcheck, then
  # nmap) see the same rejects; the real internet does limit them.
  if [ "${2:-}" = router ]; then
    ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
  fi
  ip -n "$ns" link set lo up
  # No namespace has a default route: only the lab prefixes are routed (by
  # uplink), everything else is unreachable, so nothing can leave the lab.
  ip -n "$ns" route add unreachable default
  ip -n "$ns" -6 route add unreachable default
}

# A veth pair created directly inside the two namespaces (it never exists in
# the root namespace).
link() { # NAME_A IF_A NAME_B IF_B
  local a b
  a="$(NS "$1")"
  b="$(NS "$3")"
  ip link add name "$2" netns "$a" type veth peer name "$4" netns "$b"
  ip -n "$a" link set "$2" up
  ip -n "$b" link set "$4" up
}

addr4() { ip -n "$(NS "$1")" addr add "$3" dev "$2"; }
addr6() { ip -n "$(NS "$1")" -6 addr add "$3" dev "$2" nodad; }

# Address both ends of a link between the inet router and a host: the inet
# side is the host's gateway and the host routes the lab prefixes through it.
addresses() { # NAME IF_INET IF_HOST FAMILIES GW4 HOST4 PREFIXLEN4 NET6
  local name=$1 iif=$2 hif=$3 fam=$4 gw4=$5 host4=$6 len4=$7 net6=$8
  if [[ $fam == *4* ]]; then
    addr4 inet "$iif" "$gw4/$len4"
    addr4 "$name" "$hif" "$host4/$len4"
    ip -n "$(NS "$name")" route add "$LAB_NET4" via "$gw4"
  fi
  if [[ $fam == *6* ]]; then
    addr6 inet "$iif" "$net6::1/64"
    addr6 "$name" "$hif" "$net6::2/64"
    ip -n "$(NS "$name")" -6 route add "$LAB_NET6" via "$net6::1"
  fi
}

# Link host number I to the inet router and give both ends their addresses.
uplink() { # NAME I FAMILIES(4,6,46) IF_ON_HOST
  local name=$1 i=$2 fam=$3 hif=${4:-eth0}
  link inet "v-$name" "$name" "$hif"
  addresses "$name" "v-$name" "$hif" "$fam" \
    "198.51.100.$((8 * i + 1))" "198.51.100.$((8 * i + 2))" 29 "2001:db8:$i"
}

nft_in() { ip netns exec "$(NS "$1")" nft -f -; }

# Start a long-lived service inside a namespace, in its own session so that a
# signal to its process group cannot reach the caller.
service() { # NAME LOGNAME CMD...
  local ns log
  ns="$(NS "$1")"
  log="$DIR/$2.log"
  shift 2
  ip netns exec "$ns" setsid "$@" >"$log" 2>&1 </dev/null &
}

wait_listening() { # NAME PORT...
  local ns port
  ns="$(NS "$1")"
  shift
  for port in "$@"; do
    local i
    for ((i = 1; i <= 200; i++)); do
      ip netns exec "$ns" ss -Hltn "( sport = :$port )" | grep -q LISTEN && break
      [ "$i" -eq 200 ] && die "nothing listens on port $port in $ns after 10 s"
      sleep 0.05
    done
  done
}

listener() { # NAME PORTS [--tarpit]
  service "$1" "listener-$1" "$PY" "$HERE/listener.py" --ports "$2" ${3:+"$3"}
}

# GUEST: yes maps unknown users to the guest (the "Jeder" share), no refuses
# them. SIGNING: Samba's `server signing` (default: offered, not required).
# SMB_PORTS (default 445) and DISABLE_NETBIOS (default yes) from the
# environment: "139 445" and no add the NetBIOS session service.
samba() { # NAME HOSTNAME MIN_PROTOCOL GUEST SIGNING ADDR...
  local name=$1 host=$2 minproto=$3 guest=$4 signing=$5
  shift 5
  local map="Bad User"
  [ "$guest" = yes ] || map=Never
  local d="$DIR/samba-$name" sub
  for sub in run lock state cache private ncalrpc log share varlog runsamba varlib varcache; do
    mkdir -p "$d/$sub"
  done
  chmod 0777 "$d/share"
  printf 'Befund (lab sample): nothing real here\n' >"$d/share/befund-0001.txt"
  sed -e "s|@NAME@|$host|" -e "s|@ADDRS@|$*|" -e "s|@MIN_PROTOCOL@|$minproto|" \
    -e "s|@MAP_TO_GUEST@|$map|" -e "s|@GUEST_OK@|$guest|" -e "s|@SIGNING@|$signing|" \
    -e "s|@SMB_PORTS@|${SMB_PORTS:-445}|" -e "s|@DISABLE_NETBIOS@|${DISABLE_NETBIOS:-yes}|" \
    -e "s|@DIR@|$d|g" "$HERE/smb.conf.in" >"$d/smb.conf"
  {
    printf '127.0.0.1 localhost\n::1 localhost\n'
    local a
    for a in "$@"; do printf '%s %s\n' "$a" "$host"; done
  } >"$d/hosts"
  # smbd resolves its own hostname on every SMB2 negotiate; without an entry
  # that costs seconds in a namespace without DNS. Its rpc helpers write to
  # the packaged directories whatever the config says: cover those with lab
  # directories in a private mount namespace.
  service "$name" "smbd-$name" unshare --uts --mount --propagation private \
    sh -c 'set -e
      hostname "$1"
      mount --bind "$2/hosts" /etc/hosts
      mount --bind "$2/varlog" /var/log/samba
      mount --bind "$2/runsamba" /run/samba
      mount --bind "$2/varlib" /var/lib/samba
      mount --bind "$2/varcache" /var/cache/samba
      exec smbd --foreground --no-process-group --debug-stdout -s "$2/smb.conf"' \
    sh "$host" "$d"
}

# The lab's self-signed certificate (CN=praxis-server.lab), made once.
certificate() {
  [ -f "$DIR/tls.pem" ] && return 0
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj /CN=praxis-server.lab -keyout "$DIR/tls.key" -out "$DIR/tls.crt" >/dev/null 2>&1
  cat "$DIR/tls.key" "$DIR/tls.crt" >"$DIR/tls.pem"
}

# A TLS web service (socat): current TLS, or with `legacy` also TLS 1.0 and
# 1.1, as an old appliance would still offer. It answers "praxis web", or
# with `page` a page with a title and a Server header.
# The web server behind it reads the request's head before it answers, as
# a real one does: answering first and closing would reset the connection
# when the request arrives, and a reset discards the answer if the client
# has not read it yet.
tls_server() { # NAME PORT [legacy|page]
  certificate
  local legacy="" page="$DIR/plain.http"
  [ "${3:-}" = legacy ] && legacy=",openssl-min-proto-version=TLS1,cipher=DEFAULT@SECLEVEL=0"
  printf 'HTTP/1.0 200 OK\r\n\r\npraxis web\n' >"$page"
  if [ "${3:-}" = page ]; then
    page="$DIR/page.http"
    printf 'HTTP/1.0 200 OK\r\nServer: praxis-web\r\n\r\n<title>Praxis Web</title>\n' >"$page"
  fi
  cat >"$DIR/answer.sh" <<'EOF'
cr="$(printf '\r')"
while IFS= read -r line; do
  [ -z "${line%"$cr"}" ] && break
done
cat "$1"
EOF
  service "$1" "tls-$1" socat \
    "OPENSSL-LISTEN:$2,fork,reuseaddr,pf=ip6,ipv6only=0,cert=$DIR/tls.pem,verify=0$legacy" \
    "SYSTEM:sh $DIR/answer.sh $page"
}

# Until ADDR:PORT accepts connections from the probe host (a service may
# bind its addresses one after the other).
wait_reachable() { # ADDR PORT
  local i
  for ((i = 1; i <= 100; i++)); do
    ip netns exec "$(NS probe)" timeout 1 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null && return 0
    sleep 0.1
  done
  die "$1 port $2 not reachable from the probe after 10 s"
}

# ---------------------------------------------------------------- hosts

ENVF=""
emit() { printf '%s=%s\n' "$1" "$2" >>"$ENVF"; }

# A visitor: where its requests start, and the addresses the probe will see.
visitor() { # NAME REQUEST_NS IPV4 IPV6
  emit "V_$1_NS" "$(NS "$2")"
  emit "V_$1_IPV4" "$3"
  emit "V_$1_IPV6" "$4"
}

build_core() {
  mkns inet router
  # Lossy link: a random share of packets both ways (set by `loss`).
  nft_in inet <<'EOF'
table inet lab_loss {
  chain forward {
    type filter hook forward priority -10; policy accept;
  }
}
EOF
  mkns probe
  uplink probe 1 46
  emit PROBE_NS "$(NS probe)"
  emit PROBE_IPV4 198.51.100.10
  emit PROBE_IPV6 2001:db8:1::2
  emit PROBE_PORT "$PROBE_PORT"
  emit PATIENT_PORT "$PATIENT_PORT"
  emit KDC_REALM "$KDC_REALM"
  # Samba's client tools keep a cache; point it into the lab directory.
  mkdir -p "$DIR/smbclient"
  cat >"$DIR/smbclient.conf" <<EOF
[global]
   client min protocol = NT1
   cache directory = $DIR/smbclient
   lock directory = $DIR/smbclient
   state directory = $DIR/smbclient
   private dir = $DIR/smbclient
   ncalrpc dir = $DIR/smbclient
EOF
  emit SMBCLIENT_CONF "$DIR/smbclient.conf"
}

# Two probes on the probe host: the one under test with its default
# timeouts, and a patient one (connect timeout 1.5-3 s). In the lab an
# ICMPv6 error to a fresh connect() arrives while the kernel still holds the
# socket (near-zero RTT), is dropped, and only the SYN retransmitted after 1 s
# draws the error that connect() reports; the patient probe waits for it, so
# the tests can check how the probe reads ICMPv6 rejects.
start_probe() { # BIN
  # shellcheck disable=SC2086
  service probe probe "$1" serve --listen "[::]:$PROBE_PORT" \
    --allow-target "$LAB_NET4" --allow-target "$LAB_NET6" \
    ${PORTCHECK_LAB_PROBE_ARGS:-}
  # shellcheck disable=SC2086
  service probe probe-patient "$1" serve --listen "[::]:$PATIENT_PORT" \
    --allow-target "$LAB_NET4" --allow-target "$LAB_NET6" \
    ${PORTCHECK_LAB_PROBE_ARGS:-} --timeout-floor-ms 1500 --timeout-ceiling-ms 3000
  wait_healthy "$PROBE_PORT" probe
  wait_healthy "$PATIENT_PORT" probe-patient
}

wait_healthy() { # PORT LOGNAME
  local ns i
  ns="$(NS probe)"
  for ((i = 1; i <= 200; i++)); do
    if ip netns exec "$ns" curl -sf -o /dev/null --max-time 1 \
      "http://198.51.100.10:$1/healthz"; then
      return 0
    fi
    sleep 0.05
  done
  sed "s/^/lab:   $2: /" "$DIR/$2.log" >&2 || true
  die "$2 did not become healthy within 10 s"
}

# Open 440, 443; RST on 441, 447, 78-91 and the control ports; drop 442,
# 445, 449; ICMP admin-prohibited on 444, 448; ICMP port-unreachable on 446.
mixed_ports() { # NAME
  nft_in "$1" <<'EOF2'
table inet visitor {
  chain input {
    type filter hook input priority filter; policy accept;
    tcp dport { 442, 445, 449 } drop
    tcp dport { 444, 448 } reject with icmpx type admin-prohibited
    tcp dport 446 reject with icmpx type port-unreachable
  }
}
EOF2
  listener "$1" 440,443
  wait_listening "$1" 440 443
}

build_mixed() {
  mkns mixed
  uplink mixed 2 46
  mixed_ports mixed
  visitor mixed mixed 198.51.100.18 2001:db8:2::2
}

# ---------------------------------------------------------------- WAN

# Jitter of every WAN link: each frame's one-way delay varies by up to this
# share of it, either way (frames of one direction keep their order).
WAN_JITTER_PCT=${PORTCHECK_LAB_WAN_JITTER_PCT:-10}

# A host behind a wide-area link instead of a veth: wanlink.py, running in
# the host's namespace, holds two TAP devices, eth0 (stays) and w-NAME (moved
# into the inet router), and copies frames between them after half the
# round-trip time each way, with jitter and random loss. Link K of these
# (0-5) is 198.51.100.(104+4K)/30 and 2001:db8:(21+K)::/64. Neighbour entries
# are permanent on both ends, so no ARP or ND exchange adds a round trip to
# the first connection.
wan_uplink() { # NAME K RTT_MS LOSS_PCT
  local name=$1 k=$2 rtt=$3 loss=$4 ns inet i
  ns="$(NS "$name")"
  inet="$(NS inet)"
  service "$name" "wanlink-$name" "$PY" "$HERE/wanlink.py" --near eth0 --far "w-$name" \
    --rtt-ms "$rtt" --jitter-pct "$WAN_JITTER_PCT" --loss-pct "$loss"
  for ((i = 1; i <= 200; i++)); do
    ip -n "$ns" link show dev "w-$name" >/dev/null 2>&1 && break
    [ "$i" -eq 200 ] && die "wanlink for $name made no device in 10 s: $(cat "$DIR/wanlink-$name.log")"
    sleep 0.05
  done
  ip -n "$ns" link set "w-$name" netns "$inet"
  # A queue as long as the relay's own (wanlink.py MAX_QUEUED): a burst the
  # relay is too busy to read at once waits instead of being dropped.
  ip -n "$ns" link set eth0 txqueuelen 20000 up
  ip -n "$inet" link set "w-$name" txqueuelen 20000 up
  local gw4="198.51.100.$((104 + 4 * k + 1))" host4="198.51.100.$((104 + 4 * k + 2))"
  local net6="2001:db8:$((21 + k))"
  addresses "$name" "w-$name" eth0 46 "$gw4" "$host4" 30 "$net6"
  local mac_inet mac_host
  mac_inet="$(ip -n "$inet" -br link show dev "w-$name" | awk '{print $3}')"
  mac_host="$(ip -n "$ns" -br link show dev eth0 | awk '{print $3}')"
  ip -n "$inet" neigh replace "$host4" lladdr "$mac_host" dev "w-$name" nud permanent
  ip -n "$inet" -6 neigh replace "$net6::2" lladdr "$mac_host" dev "w-$name" nud permanent
  ip -n "$ns" neigh replace "$gw4" lladdr "$mac_inet" dev eth0 nud permanent
  ip -n "$ns" -6 neigh replace "$net6::1" lladdr "$mac_inet" dev eth0 nud permanent
  WAN_ADDRS=("$host4" "$net6::2")
}

# A WAN visitor: the ports of `mixed` behind a link of RTT_MS round-trip
# time (+-WAN_JITTER_PCT) and LOSS_PCT loss each way.
wan_visitor() { # NAME K RTT_MS LOSS_PCT
  mkns "$1"
  wan_uplink "$@"
  mixed_ports "$1"
  visitor "$1" "$1" "${WAN_ADDRS[0]}" "${WAN_ADDRS[1]}"
  emit "V_$1_RTT_MS" "$3"
  emit "V_$1_LOSS_PCT" "$4"
}

build_wan20() { wan_visitor wan20 0 20 0; }
build_wan80() { wan_visitor wan80 1 80 0; }
build_wan300() { wan_visitor wan300 2 300 0; }
build_wanloss() { wan_visitor wanloss 3 80 "${PORTCHECK_LAB_WAN_LOSS_PCT:-2}"; }

# Only 445 answers, with real Samba and a guest-writable share; the host's
# firewall drops everything else.
build_smb() {
  mkns smb
  uplink smb 3 46
  nft_in smb <<'EOF'
table inet visitor {
  chain input {
    type filter hook input priority filter; policy drop;
    ct state established,related accept
    iifname "lo" accept
    meta l4proto { icmp, ipv6-icmp } accept
    tcp dport 445 accept
  }
}
EOF
  samba smb praxis-smb SMB2 yes default 198.51.100.26 2001:db8:3::2
  wait_listening smb 445
  visitor smb smb 198.51.100.26 2001:db8:3::2
}

# A server without any firewall offering SMB1 (NT1): 445 open, every other
# port answers with a reset.
build_smb1() {
  mkns smb1
  uplink smb1 4 46
  samba smb1 praxis-smb1 NT1 yes default 198.51.100.34 2001:db8:4::2
  wait_listening smb1 445
  visitor smb1 smb1 198.51.100.34 2001:db8:4::2
}

# A NAT router's firewall: masquerade out of `wan`, inbound only answers,
# DNAT (a prerouting rule, may be empty) and INPUT (one more input rule,
# may be empty).
nat_firewall() { # NAME DNAT INPUT
  nft_in "$1" <<EOF
table ip nat {
  chain prerouting {
    type nat hook prerouting priority dstnat; policy accept;
    $2
  }
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "wan" masquerade
  }
}
table inet filter {
  chain input {
    type filter hook input priority filter; policy drop;
    ct state established,related accept
    iifname { "lo", "lan" } accept
    meta l4proto { icmp, ipv6-icmp } accept
    $3
  }
  chain forward {
    type filter hook forward priority filter; policy drop;
    ct state established,related accept
    iifname "lan" oifname "wan" accept
    ct status dnat accept
  }
}
EOF
}

# A small-business router with NAT. FWD (an nft port set) is what its
# inbound rule forwards to the LAN server 192.168.178.10, the practice
# server of `practice_server`.
nat_router() { # NAME I FWD
  local name=$1 i=$2 fwd=$3
  mkns "$name" router
  uplink "$name" "$i" 4 wan
  mkns "$name-srv"
  link "$name" lan "$name-srv" eth0
  addr4 "$name" lan 192.168.178.1/24
  addr4 "$name-srv" eth0 192.168.178.10/24
  ip -n "$(NS "$name-srv")" route add "$LAB_NET4" via 192.168.178.1
  nat_firewall "$name" "iifname \"wan\" tcp dport $fwd dnat to 192.168.178.10" ""
  practice_server "$name-srv"
}

# The practice's Windows-like server behind a router: a web server on 80,
# an MIT Kerberos KDC on 88 (what a domain controller answers there), TLS
# on 443 and Samba with a guest share on 445; every other port resets.
practice_server() { # NAME
  local name=$1
  http_server "$name" 80 192.168.178.10 \
    "<html><head><title>Praxis Web</title></head><body>Praxis</body></html>"
  kdc "$name" "$KDC_REALM"
  tls_server "$name" 443
  samba "$name" praxis-srv SMB2 yes default 192.168.178.10
  wait_listening "$name" 80 88 443 445
}

# Python's http.server on ADDR:PORT serving one page.
http_server() { # NAME PORT ADDR HTML
  local www="$DIR/www-$1-$2"
  mkdir -p "$www"
  printf '%s\n' "$4" >"$www/index.html"
  service "$1" "http-$1-$2" "$PY" -m http.server "$2" --bind "$3" --directory "$www"
}

# An MIT Kerberos KDC (Debian krb5-kdc) for REALM. Its configuration,
# database, stash and logs all live in the lab directory: KRB5_CONFIG and
# KRB5_KDC_PROFILE point there, nothing under /etc/krb5kdc, /var/lib/krb5kdc
# or /var/log is read or written.
kdc() { # NAME REALM
  local name=$1 realm=$2 d="$DIR/kdc-$1"
  mkdir -p "$d"
  cat >"$d/kdc.conf" <<EOF
[kdcdefaults]
  kdc_ports = 88
  kdc_tcp_ports = 88
[realms]
  $realm = {
    database_name = $d/principal
    key_stash_file = $d/stash
    acl_file = $d/kadm5.acl
    admin_keytab = FILE:$d/kadm5.keytab
  }
[logging]
  kdc = FILE:$d/kdc.log
  admin_server = FILE:$d/kadmin.log
  default = FILE:$d/krb5.log
EOF
  printf '[libdefaults]\n  default_realm = %s\n  dns_lookup_kdc = false\n  dns_lookup_realm = false\n' \
    "$realm" >"$d/krb5.conf"
  : >"$d/kadm5.acl"
  local env=(env "KRB5_CONFIG=$d/krb5.conf" "KRB5_KDC_PROFILE=$d/kdc.conf")
  "${env[@]}" kdb5_util create -s -P lab-master-key -r "$realm" >"$d/create.log" 2>&1 ||
    die "kdb5_util create failed: $(cat "$d/create.log")"
  service "$name" "kdc-$name" "${env[@]}" krb5kdc -n -r "$realm"
}

# The Digitalisierungsbox fault as it happened: forwards meant for 80 and
# 443 forward 80-89 and 440-449 to the practice server.
build_rangefwd() {
  nat_router rangefwd 5 "{ 80-89, 440-449 }"
  visitor rangefwd rangefwd-srv 198.51.100.42 ""
}

# The same router with the forwards done right: only 80 and 443. The server
# still runs its KDC and Samba, unreachable from outside.
build_singlefwd() {
  nat_router singlefwd 6 "{ 80, 443 }"
  visitor singlefwd singlefwd-srv 198.51.100.50 ""
}

# IPv6 without NAT: a home router whose stateful firewall drops inbound
# connections except two pinholes to the PC: 443 (an old web service that
# still accepts TLS 1.0 and 1.1) and 444 (nothing listens: reset). The PC
# also listens on 445, which the router drops.
build_v6pin() {
  mkns v6pin router
  uplink v6pin 7 6 wan
  mkns v6pin-host
  link v6pin lan v6pin-host eth0
  addr6 v6pin lan 2001:db8:107::1/64
  addr6 v6pin-host eth0 2001:db8:107::10/64
  ip -n "$(NS v6pin-host)" -6 route add "$LAB_NET6" via 2001:db8:107::1
  ip -n "$(NS inet)" -6 route add 2001:db8:107::/64 via 2001:db8:7::2
  nft_in v6pin <<'EOF'
table inet filter {
  chain input {
    type filter hook input priority filter; policy drop;
    ct state established,related accept
    iifname { "lo", "lan" } accept
    meta l4proto ipv6-icmp accept
  }
  chain forward {
    type filter hook forward priority filter; policy drop;
    ct state established,related accept
    meta l4proto ipv6-icmp accept
    iifname "lan" oifname "wan" accept
    iifname "wan" ip6 daddr 2001:db8:107::10 tcp dport { 443, 444 } accept
  }
}
EOF
  tls_server v6pin-host 443 legacy
  listener v6pin-host 445
  wait_listening v6pin-host 443 445
  visitor v6pin v6pin-host "" 2001:db8:107::10
}

# Behind a lossy link: 443 and 445 open, 441, 447 and the control ports
# closed, the rest of the range dropped by the host's firewall. The loss
# itself sits in the inet router (see `loss`).
build_lossy() {
  mkns lossy
  uplink lossy 8 46
  nft_in lossy <<'EOF'
table inet visitor {
  chain input {
    type filter hook input priority filter; policy accept;
    tcp dport { 440, 442, 444, 446, 448, 449 } drop
  }
}
EOF
  listener lossy 443,445
  wait_listening lossy 443 445
  set_loss "${PORTCHECK_LAB_LOSS:-10}"
  visitor lossy lossy 198.51.100.66 2001:db8:8::2
}

set_loss() { # PERCENT
  local pct=$1
  [[ "$pct" =~ ^[0-9]+$ ]] && [ "$pct" -le 100 ] || die "bad loss percentage '$pct'"
  ip netns exec "$(NS inet)" nft flush chain inet lab_loss forward
  if [ "$pct" -gt 0 ]; then
    ip netns exec "$(NS inet)" nft add rule inet lab_loss forward \
      iifname "v-lossy" numgen random mod 100 "<" "$pct" drop
    ip netns exec "$(NS inet)" nft add rule inet lab_loss forward \
      oifname "v-lossy" numgen random mod 100 "<" "$pct" drop
  fi
}

# Accepts on every port of both groups, 78-91 and 438-451, and never sends
# a byte.
build_tarpit() {
  mkns tarpit
  uplink tarpit 9 46
  listener tarpit 78-91,438-451 --tarpit
  wait_listening tarpit 78 88 91 438 445 451
  visitor tarpit tarpit 198.51.100.74 2001:db8:9::2
}

# The identification hosts: real servers whose details (SMB dialects, SMB1,
# signing, guest access; TLS versions and certificate; HTTP title) the probe
# must read as nmap, smbclient and openssl do. Every other port resets.

# Samba with SMB1 and a guest share, and a TLS web page on 443.
build_smbweb() {
  mkns smbweb
  uplink smbweb 10 46
  samba smbweb praxis-smb1 NT1 yes default 198.51.100.82 2001:db8:10::2
  tls_server smbweb 443 page
  wait_listening smbweb 445 443
  wait_reachable 2001:db8:10::2 445
  visitor smbweb smbweb 198.51.100.82 2001:db8:10::2
}

# Samba, SMB2/3 only, no guest mapping, signing mandatory.
build_noguest() {
  mkns noguest
  uplink noguest 11 4
  samba noguest praxis-noguest SMB2 no mandatory 198.51.100.90
  wait_listening noguest 445
  visitor noguest noguest 198.51.100.90 ""
}

# openssl s_server with one TLS version each (it serves one connection at a
# time, enough for identification), and Python's http.server with a router
# login page.
build_tlsweb() {
  mkns tlsweb
  uplink tlsweb 12 4
  certificate
  local cert=(-cert "$DIR/tls.crt" -key "$DIR/tls.key")
  service tlsweb tls12 openssl s_server -accept 443 -tls1_2 -www "${cert[@]}"
  service tlsweb tls13 openssl s_server -accept 444 -tls1_3 -www "${cert[@]}"
  service tlsweb tls10 openssl s_server -accept 448 -tls1 -cipher 'DEFAULT:@SECLEVEL=0' -www "${cert[@]}"
  http_server tlsweb 440 198.51.100.98 \
    '<html><head><title>FRITZ!Box</title></head><body><input type="password"></body></html>'
  wait_listening tlsweb 440 443 444 448
  visitor tlsweb tlsweb 198.51.100.98 ""
}

# The crowd hosts' ports: 443 and 445 accept and close (a listener with a
# backlog of BACKLOG), 442 and 449 drop, every other port resets.
crowd_ports() { # NAME [BACKLOG]
  nft_in "$1" <<'EOF'
table inet visitor {
  chain input {
    type filter hook input priority filter; policy accept;
    tcp dport { 442, 449 } drop
  }
}
EOF
  service "$1" "listener-$1" "$PY" "$HERE/listener.py" --ports 443,445 --backlog "${2:-128}"
  wait_listening "$1" 443 445
}

# Many visitors at once, for the load benchmark (not built by default): one
# host with 125 addresses 198.51.100.130-254, each a separate visitor to the
# probe. 443 and 445 open, 442 and 449 dropped (so every scan waits for two
# timeouts), the rest closed.
build_crowd() {
  mkns crowd
  link inet v-crowd crowd eth0
  addr4 inet v-crowd 198.51.100.129/25
  local i
  for ((i = 130; i <= 254; i++)); do
    addr4 crowd eth0 "198.51.100.$i/25"
  done
  ip -n "$(NS crowd)" route add "$LAB_NET4" via 198.51.100.129
  crowd_ports crowd
  emit CROWD_NS "$(NS crowd)"
  emit CROWD_FIRST 198.51.100.130
  emit CROWD_LAST 198.51.100.254
}

# Many visitors behind one WAN link, for the capacity benchmark (not built by
# default): 1024 IPv6 addresses on the far side of an 80 ms link (WAN link
# 4), 2001:db8:c0S:N::2 for S = 0-f and N = 0-3f. Each is its own host
# network (/64) to the probe, and the 16 /48s keep every site network far
# below its fair share of the slots (1/8 of --max-scans). The addresses are
# listed in CROWDWAN_ADDRS, one a line, spread over the sites in turn (the
# first 16 lie in 16 different /48s). Ports as `crowd`: resets and drops
# only, no ICMP errors, so a thousand visitors meet no ICMP rate limit; the
# listener's accept queue is 4096 deep.
CROWDWAN_SITES=16
CROWDWAN_HOSTS=64
build_crowdwan() {
  mkns crowdwan
  wan_uplink crowdwan 4 80 0
  local ns s n list="$DIR/crowdwan.addrs"
  ns="$(NS crowdwan)"
  : >"$list"
  for ((n = 0; n < CROWDWAN_HOSTS; n++)); do
    for ((s = 0; s < CROWDWAN_SITES; s++)); do
      printf '2001:db8:c0%x:%x::2\n' "$s" "$n" >>"$list"
    done
  done
  sed 's|.*|address add &/128 dev eth0 nodad|' "$list" | ip -n "$ns" -batch -
  # Replies go back over the WAN link; the host's own route for the lab
  # prefix already sends its traffic over it, whatever the source address.
  ip -n "$(NS inet)" -6 route add 2001:db8:c00::/44 via "${WAN_ADDRS[1]}" dev w-crowdwan
  crowd_ports crowdwan 4096
  wait_reachable "$(head -n 1 "$list")" 443
  visitor crowdwan crowdwan "${WAN_ADDRS[0]}" "${WAN_ADDRS[1]}"
  emit V_crowdwan_RTT_MS 80
  emit CROWDWAN_NS "$ns"
  emit CROWDWAN_ADDRS "$list"
}

# shellcheck source=tests/lab/practice.sh
source "$HERE/practice.sh"
# shellcheck source=tests/lab/udp.sh
source "$HERE/udp.sh"

# ---------------------------------------------------------------- safety

preflight() {
  [ "$(id -u)" -eq 0 ] || die "the lab needs root (network namespaces)"
  local t
  for t in ip nft nmap smbd socat openssl curl ss unshare setsid krb5kdc kdb5_util kinit "$PY"; do
    command -v "$t" >/dev/null || die "missing tool: $t (scripts/test-lab installs the lab's packages)"
  done
  # The root namespace must not route or own anything in the lab ranges: if
  # it does, lab traffic could mean something on this host's real network.
  local seen
  seen="$(
    ip -4 route show table all root "$LAB_NET4" 2>/dev/null
    ip -6 route show table all root "$LAB_NET6" 2>/dev/null
    ip -4 -o addr show to "$LAB_NET4" 2>/dev/null
    ip -6 -o addr show to "$LAB_NET6" 2>/dev/null
  )"
  [ -z "$seen" ] || die "the host already routes or owns lab addresses; refusing to start:
$seen"
}

up() { # PREFIX BIN [VISITOR...]
  PREFIX=$1
  local bin=$2
  shift 2
  local visitors=("$@")
  [ ${#visitors[@]} -gt 0 ] || visitors=("${ALL_VISITORS[@]}")
  check_prefix "$PREFIX"
  [ -x "$bin" ] || die "probe binary '$bin' is not executable"
  preflight
  [ -z "$(lab_namespaces "$PREFIX")" ] || die "a lab named $PREFIX exists already"
  DIR="$(state_dir "$PREFIX")"
  [ ! -e "$DIR" ] || die "$DIR exists already"
  # From here on this run owns the lab: any exit before READY tears it down.
  LAB_OWNED=$PREFIX
  mkdir -p "$DIR"
  chmod 0755 "$DIR" # Samba's guest user must reach the share below it.
  ENVF="$DIR/lab.env"
  : >"$ENVF"
  emit LAB_DIR "$DIR"
  emit LAB_PREFIX "$PREFIX"
  build_core
  local v
  for v in "${visitors[@]}"; do
    declare -F "build_$v" >/dev/null || die "unknown visitor '$v'"
    "build_$v"
    if [ "${PORTCHECK_LAB_FAIL_AFTER:-}" = "$v" ]; then
      say "stopping after '$v' as PORTCHECK_LAB_FAIL_AFTER asks (teardown test)"
      exit 1
    fi
  done
  emit VISITORS "${visitors[*]}"
  start_probe "$bin"
}

# ---------------------------------------------------------------- main

cmd=${1:-}
shift || true
case "$cmd" in
  up | hold)
    [ $# -ge 2 ] || die "usage: lab.sh $cmd PREFIX PROBE_BIN [VISITOR...]"
    LAB_OWNED=""
    # Once up() has claimed the prefix, any exit tears the lab down, except
    # the success exit of `up` (whose caller must run `down`).
    trap 'rc=$?; trap - EXIT; if [ -n "$LAB_OWNED" ]; then down "$LAB_OWNED" || rc=1; fi; exit $rc' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    trap 'exit 129' HUP
    up "$@"
    printf 'READY %s\n' "$DIR"
    if [ "$cmd" = up ]; then
      trap - EXIT
      exit 0
    fi
    # Block until the owner closes our stdin; `read` lets traps run at once.
    while read -r _; do :; done
    exit 0
    ;;
  down)
    [ $# -eq 1 ] || die "usage: lab.sh down PREFIX"
    check_prefix "$1"
    down "$1"
    ;;
  sweep)
    [ $# -eq 1 ] || die "usage: lab.sh sweep TAG"
    sweep "$1"
    ;;
  loss)
    [ $# -eq 2 ] || die "usage: lab.sh loss PREFIX PERCENT"
    check_prefix "$1"
    PREFIX=$1
    [ -n "$(lab_namespaces "$PREFIX")" ] || die "no lab named $PREFIX"
    set_loss "$2"
    ;;
  *)
    sed -n '2,16p' "$0" >&2
    exit 2
    ;;
esac
