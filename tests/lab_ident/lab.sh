#!/usr/bin/env bash
# The identification lab: real SMB, TLS and HTTP servers on simulated
# internet hosts in network namespaces, for tests/lab_ident.rs.
#
#   lab.sh hold PREFIX   build it, print "READY DIR", keep it until stdin
#                        closes or a signal arrives, then tear it down
#   lab.sh down PREFIX   tear one lab down
#
# Ownership is a pipe, as in tests/lab/lab.sh: the test holds our stdin, so
# the lab goes away whenever the test ends, SIGKILL included.
#
# Topology (namespaces PREFIX-NAME; nothing at all in the root namespace):
#
#   probe 198.51.100.10 ── inet (router, unreachable default) ──┬─ smb2    .18
#   2001:db8:1::2              (each host i also has 2001:db8:i::2)
#                                                               ├─ smb1    .26
#                                                               ├─ noguest .34
#                                                               └─ web     .42
#
#   smb2    Samba, SMB2/3 only, guest share ("map to guest = Bad User")
#   smb1    Samba with SMB1 (server min protocol = NT1), guest share, and a
#           TLS web server on 443 (socat, self-signed): the benchmark visitor
#   noguest Samba, SMB2/3 only, no guest mapping, signing mandatory
#   web     openssl s_server TLS 1.2 only on 443, TLS 1.3 only on 444,
#           TLS 1.0 only on 448; a plain HTTP router login page on 440
#
# Safety (shared/notes/netlab.md): only 198.51.100.0/24 and 2001:db8::/32;
# the root namespace gets no link, address or route; every service runs
# under setsid; teardown kills every process of every lab namespace before
# deleting it.

set -Eeuo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LAB_NET4=198.51.100.0/24
LAB_NET6=2001:db8::/32
PY="$(command -v /usr/bin/python3 || command -v python3)"

say() { printf 'lab_ident: %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

state_dir() { printf '%s/portcheck-labident-%s' "${TMPDIR:-/tmp}" "$1"; }
check_prefix() { [[ "$1" =~ ^[a-z][a-z0-9-]{0,30}$ ]] || die "bad prefix '$1'"; }
lab_namespaces() { ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^$1-" || true; }

gone() {
  local st
  st="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" || return 0
  [ -z "$st" ] || [ "$st" = Z ] || [ "$st" = X ]
}

kill_namespace_processes() { # NS...
  local ns pid round sig current seen=() alive=()
  for round in $(seq 1 100); do
    current=()
    for ns in "$@"; do
      mapfile -t -O "${#current[@]}" current < <(ip netns pids "$ns" 2>/dev/null)
    done
    seen+=("${current[@]}")
    alive=()
    for pid in "${seen[@]}"; do gone "$pid" || alive+=("$pid"); done
    [ ${#alive[@]} -eq 0 ] && return 0
    sig=TERM
    [ "$round" -gt 40 ] && sig=KILL
    kill -s "$sig" "${current[@]}" 2>/dev/null || true
    sleep 0.05
  done
  say "processes still alive after teardown: ${alive[*]}"
  return 1
}

down() { # PREFIX
  local nss ns ok=0
  mapfile -t nss < <(lab_namespaces "$1")
  if [ ${#nss[@]} -gt 0 ]; then
    kill_namespace_processes "${nss[@]}" || ok=1
    for ns in "${nss[@]}"; do
      ip netns del "$ns" 2>/dev/null || { say "could not delete $ns"; ok=1; }
    done
  fi
  rm -rf "$(state_dir "$1")"
  return $ok
}

NS() { printf '%s-%s' "$PREFIX" "$1"; }

mkns() { # NAME [router]
  local ns
  ns="$(NS "$1")"
  ip netns add "$ns"
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
    net.ipv6.conf.default.disable_ipv6=0 net.ipv6.conf.all.accept_ra=0 \
    net.ipv6.conf.default.accept_ra=0 net.ipv6.conf.all.accept_dad=0 \
    net.ipv6.conf.default.accept_dad=0
  if [ "${2:-}" = router ]; then
    ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
  fi
  ip -n "$ns" link set lo up
}

uplink() { # NAME I
  local name=$1 i=$2
  ip link add name "v-$name" netns "$(NS inet)" type veth peer name eth0 netns "$(NS "$name")"
  ip -n "$(NS inet)" link set "v-$name" up
  ip -n "$(NS "$name")" link set eth0 up
  ip -n "$(NS inet)" addr add "198.51.100.$((8 * i + 1))/29" dev "v-$name"
  ip -n "$(NS "$name")" addr add "198.51.100.$((8 * i + 2))/29" dev eth0
  ip -n "$(NS "$name")" route add default via "198.51.100.$((8 * i + 1))"
  # IPv6 too (nodad: usable at once, not tentative).
  ip -n "$(NS inet)" -6 addr add "2001:db8:$i::1/64" dev "v-$name" nodad
  ip -n "$(NS "$name")" -6 addr add "2001:db8:$i::2/64" dev eth0 nodad
  ip -n "$(NS "$name")" -6 route add default via "2001:db8:$i::1"
}

service() { # NAME LOGNAME CMD...
  local ns=$1 log="$DIR/$2.log"
  shift 2
  ip netns exec "$(NS "$ns")" setsid "$@" >"$log" 2>&1 </dev/null &
}

wait_listening() { # NAME PORT...
  local ns port i
  ns="$(NS "$1")"
  shift
  for port in "$@"; do
    for i in $(seq 1 200); do
      ip netns exec "$ns" ss -Hltn "( sport = :$port )" | grep -q LISTEN && break
      [ "$i" -eq 200 ] && die "nothing listens on $port in $ns after 10 s"
      sleep 0.05
    done
  done
}

samba() { # NAME HOSTNAME ADDRS MIN_PROTOCOL GUEST(yes|no) SIGNING(auto|mandatory)
  local name=$1 host=$2 addr=$3 minproto=$4 guest=$5 signing=$6 d sub a
  d="$DIR/samba-$name"
  for sub in run lock state cache private ncalrpc log share varlog runsamba varlib varcache; do
    mkdir -p "$d/$sub"
  done
  chmod 0777 "$d/share"
  printf 'lab sample, nothing real\n' >"$d/share/befund-0001.txt"
  local map="Bad User"
  [ "$guest" = yes ] || map="Never"
  sed -e "s|@NAME@|$host|" -e "s|@ADDRS@|$addr|" -e "s|@MIN_PROTOCOL@|$minproto|" \
    -e "s|@MAP_TO_GUEST@|$map|" -e "s|@GUEST_OK@|$guest|" -e "s|@SIGNING@|$signing|" \
    -e "s|@DIR@|$d|g" "$HERE/smb.conf.in" >"$d/smb.conf"
  {
    printf '127.0.0.1 localhost\n::1 localhost\n'
    for a in $addr; do printf '%s %s\n' "$a" "$host"; done
  } >"$d/hosts"
  # smbd resolves its own name on every negotiate (seconds without DNS), and
  # its helpers write to the packaged directories: a private UTS and mount
  # namespace with its own hosts file and lab directories over those.
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

certificate() {
  [ -f "$DIR/tls.pem" ] && return 0
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj /CN=praxis-server.lab -keyout "$DIR/tls.key" -out "$DIR/tls.crt" >/dev/null 2>&1
  cat "$DIR/tls.key" "$DIR/tls.crt" >"$DIR/tls.pem"
}

build() {
  mkns inet router
  ip -n "$(NS inet)" route add unreachable default
  ip -n "$(NS inet)" -6 route add unreachable default
  mkns probe
  uplink probe 1
  certificate

  mkns smb2
  uplink smb2 2
  samba smb2 praxis-smb2 198.51.100.18 SMB2 yes auto

  mkns smb1
  uplink smb1 3
  samba smb1 praxis-smb1 "198.51.100.26 2001:db8:3::2" NT1 yes auto
  printf 'HTTP/1.0 200 OK\r\nServer: praxis-web\r\n\r\n<title>Praxis Web</title>\n' >"$DIR/page.http"
  service smb1 tls-smb1 socat \
    "OPENSSL-LISTEN:443,fork,reuseaddr,pf=ip6,ipv6only=0,cert=$DIR/tls.pem,verify=0" \
    "SYSTEM:cat $DIR/page.http"

  mkns noguest
  uplink noguest 4
  samba noguest praxis-noguest 198.51.100.34 SMB2 no mandatory

  mkns web
  uplink web 5
  service web tls12 openssl s_server -accept 443 -tls1_2 -www -cert "$DIR/tls.crt" -key "$DIR/tls.key"
  service web tls13 openssl s_server -accept 444 -tls1_3 -www -cert "$DIR/tls.crt" -key "$DIR/tls.key"
  service web tls10 openssl s_server -accept 448 -tls1 -cipher 'DEFAULT:@SECLEVEL=0' -www \
    -cert "$DIR/tls.crt" -key "$DIR/tls.key"
  mkdir -p "$DIR/www"
  printf '<html><head><title>FRITZ!Box</title></head><body><input type="password"></body></html>\n' \
    >"$DIR/www/index.html"
  service web http "$PY" -m http.server 440 --bind 198.51.100.42 --directory "$DIR/www"

  wait_listening smb2 445
  wait_listening smb1 445 443
  wait_listening noguest 445
  wait_listening web 440 443 444 448
  # Reachable from the probe over IPv6 too before the lab is READY.
  local i
  for i in $(seq 1 100); do
    ip netns exec "$(NS probe)" timeout 1 bash -c 'exec 3<>/dev/tcp/2001:db8:3::2/445' \
      2>/dev/null && return 0
    sleep 0.1
  done
  die "2001:db8:3::2 not reachable from the probe over IPv6 after 10 s"
}

preflight() {
  [ "$(id -u)" -eq 0 ] || die "needs root (network namespaces)"
  local t
  for t in ip smbd socat openssl nmap ss unshare setsid "$PY"; do
    command -v "$t" >/dev/null || die "missing tool: $t"
  done
  local seen
  seen="$(
    ip -4 route show table all root "$LAB_NET4" 2>/dev/null
    ip -6 route show table all root "$LAB_NET6" 2>/dev/null
    ip -4 -o addr show to "$LAB_NET4" 2>/dev/null
    ip -6 -o addr show to "$LAB_NET6" 2>/dev/null
  )"
  [ -z "$seen" ] || die "the host already routes or owns lab addresses; refusing:
$seen"
}

cmd=${1:-}
case "$cmd" in
  hold)
    [ $# -eq 2 ] || die "usage: lab.sh hold PREFIX"
    PREFIX=$2
    check_prefix "$PREFIX"
    preflight
    [ -z "$(lab_namespaces "$PREFIX")" ] || die "a lab named $PREFIX exists already"
    DIR="$(state_dir "$PREFIX")"
    [ ! -e "$DIR" ] || die "$DIR exists already"
    trap 'rc=$?; trap - EXIT; down "$PREFIX" || rc=1; exit $rc' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    trap 'exit 129' HUP
    mkdir -p "$DIR"
    chmod 0755 "$DIR"
    build
    printf 'READY %s\n' "$DIR"
    while IFS= read -r _; do :; done
    exit 0
    ;;
  down)
    [ $# -eq 2 ] || die "usage: lab.sh down PREFIX"
    check_prefix "$2"
    down "$2"
    ;;
  *)
    sed -n '2,9p' "$0" >&2
    exit 2
    ;;
esac
