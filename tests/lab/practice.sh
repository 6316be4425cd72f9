# shellcheck shell=bash
# The practice check's lab hosts: real services from Debian packages, and
# two routers with a UPnP daemon. Sourced by lab.sh (which provides mkns,
# link, addr4, addr6, nft_in, nat_firewall, service, samba, wait_listening,
# certificate, visitor, NS, DIR, LAB_NET4, LAB_NET6); built only on request.
#
#   inet (router) --- bridge "prac" 198.51.100.1/29, 2001:db8:30::1/64
#        |-- remote   .2  :30::2  xrdp (RDP) on 3389, TigerVNC without a
#        |                        password on 5900, MariaDB on 3306
#        |-- office   .3  :30::3  vsftpd 21, OpenSSH 22, inetutils telnetd 23,
#        |                        Samba 139 (NetBIOS session) and 445, CUPS
#        |                        631, PostgreSQL 5432, TigerVNC with a
#        |                        password on 5901; its firewall drops 1433
#        |                        and 8443
#        |-- upnpwan  .4          NAT router whose miniupnpd answers SSDP on
#        |    `-- upnpwan-pc 192.168.178.10   its WAN side as well (wrong)
#        `-- upnplan  .5          NAT router whose miniupnpd serves its LAN
#             `-- upnplan-pc 192.168.178.10   only (right)
#
# Every other port of the practice plan resets. The five hosts share one
# link (a bridge in the inet router) so that they need only one /29 of the
# lab's IPv4 range.
#
# Nothing a service writes leaves the lab: each runs in its lab namespace,
# every file it is told about lives in the lab directory, and the services
# that insist on packaged paths (/run for sshd, xrdp and miniupnpd; a
# database's data directory, which would otherwise be synced to disk) get a
# private mount namespace with a tmpfs there, gone with the process.

PRACTICE_TOOLS=(xrdp Xvnc vncpasswd mariadb-install-db mariadbd vsftpd /usr/sbin/sshd
  /usr/sbin/telnetd cupsd miniupnpd setpriv)

practice_preflight() {
  local t
  for t in "${PRACTICE_TOOLS[@]}"; do
    command -v "$t" >/dev/null || die "missing tool: $t (scripts/test-lab installs the lab's packages)"
  done
  postgres_bin >/dev/null || die "missing PostgreSQL server binaries (/usr/lib/postgresql/*/bin)"
}

postgres_bin() {
  local d
  d="$(find /usr/lib/postgresql -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -1)"
  [ -n "$d" ] && [ -x "$d/postgres" ] && printf '%s\n' "$d"
}

# The shared link of the practice hosts: a bridge in the inet router.
practice_segment() {
  local inet
  inet="$(NS inet)"
  ip -n "$inet" link show prac >/dev/null 2>&1 && return 0
  practice_preflight
  ip -n "$inet" link add prac type bridge
  ip -n "$inet" link set prac up
  addr4 inet prac 198.51.100.1/29
  addr6 inet prac 2001:db8:30::1/64
}

# Host NAME at .N (and 2001:db8:30::N unless FAM is 4) on the shared link.
practice_host() { # NAME N FAM [router]
  local name=$1 n=$2 fam=$3
  practice_segment
  mkns "$name" ${4:+"$4"}
  link inet "p-$name" "$name" wan
  ip -n "$(NS inet)" link set "p-$name" master prac
  addr4 "$name" wan "198.51.100.$n/29"
  ip -n "$(NS "$name")" route add "$LAB_NET4" via 198.51.100.1
  if [[ $fam == *6* ]]; then
    addr6 "$name" wan "2001:db8:30::$n/64"
    ip -n "$(NS "$name")" -6 route add "$LAB_NET6" via 2001:db8:30::1
  fi
}

# A command prefix: what follows runs in a private mount namespace with a
# fresh tmpfs over each given directory (gone with the process):
#   "${PRIVATE_MOUNTS[@]}" DIR:MODE... -- CMD...
PRIVATE_MOUNTS=(unshare --mount --propagation private sh -c '
  set -e
  while [ "$1" != -- ]; do
    mount -t tmpfs -o "mode=${1#*:}" tmpfs "${1%%:*}"
    shift
  done
  shift
  exec "$@"' sh)

# xrdp with the packaged settings, its log and certificate in the lab.
rdp_server() { # NAME
  certificate
  local d="$DIR/xrdp-$1"
  mkdir -p "$d"
  sed -e "s|^LogFile=.*|LogFile=$d/xrdp.log|" -e 's|^EnableSyslog=.*|EnableSyslog=false|' \
    -e "s|^certificate=.*|certificate=$DIR/tls.crt|" -e "s|^key_file=.*|key_file=$DIR/tls.key|" \
    -e 's|^port=3389$|port=tcp6://:3389|' /etc/xrdp/xrdp.ini >"$d/xrdp.ini"
  # xrdp keeps its pid file and session sockets under /run/xrdp.
  service "$1" "xrdp-$1" "${PRIVATE_MOUNTS[@]}" /run:0755 -- xrdp --nodaemon --config "$d/xrdp.ini"
}

# TigerVNC's X server: no password, or the VNC password "lab-secret". No
# X11 socket or lock file in /tmp (its abstract socket is per namespace, so
# display numbers of different labs do not collide).
vnc_server() { # NAME DISPLAY PORT none|password
  local sec=(-SecurityTypes None)
  if [ "$4" = password ]; then
    printf 'lab-secret\n' | vncpasswd -f >"$DIR/vnc-$1-$3.passwd"
    sec=(-SecurityTypes VncAuth -PasswordFile "$DIR/vnc-$1-$3.passwd")
  fi
  # The X server compiles its keymap into /var/lib/xkb (and deletes it).
  service "$1" "xvnc-$1-$3" "${PRIVATE_MOUNTS[@]}" /var/lib/xkb:0755 -- Xvnc ":$2" -rfbport "$3" "${sec[@]}" \
    -nolisten tcp -nolisten unix -nolock -desktop Praxis
}

# MariaDB with a fresh system database in a tmpfs; no grant for any remote
# host, so visitors from outside get an error packet, as from a real one.
mariadb_server() { # NAME
  local d="$DIR/mariadb-$1"
  mkdir -p "$d"
  service "$1" "mariadb-$1" "${PRIVATE_MOUNTS[@]}" "$d:0700" -- sh -c '
    mariadb-install-db --no-defaults --datadir="$1" --user=root --skip-test-db \
      --skip-name-resolve >"$1.install.log" 2>&1 || { cat "$1.install.log"; exit 1; }
    exec mariadbd --no-defaults --datadir="$1" --user=root --port=3306 --bind-address="*" \
      --socket="$1/mysqld.sock" --pid-file="$1/mysqld.pid" --skip-name-resolve' sh "$d"
}

# A private PostgreSQL cluster (initdb in a tmpfs, run as the postgres user),
# listening on every address; not the system's cluster.
postgres_server() { # NAME
  local d="$DIR/postgres-$1" bin
  bin="$(postgres_bin)"
  mkdir -p "$d"
  service "$1" "postgres-$1" "${PRIVATE_MOUNTS[@]}" "$d:0700" -- sh -c '
    set -e
    chown postgres:postgres "$1"
    setpriv --reuid=postgres --regid=postgres --init-groups "$2/initdb" -D "$1/data" -A trust -U postgres --no-sync >"$1.initdb.log" 2>&1 ||
      { cat "$1.initdb.log"; exit 1; }
    exec setpriv --reuid=postgres --regid=postgres --init-groups "$2/postgres" -D "$1/data" \
      -p 5432 -c listen_addresses="*" -k "$1"' sh "$d" "$bin"
}

# vsftpd standalone on both families; nobody can log in without an account.
ftp_server() { # NAME
  local d="$DIR/vsftpd-$1"
  mkdir -p "$d/empty"
  cat >"$d/vsftpd.conf" <<EOF
listen=NO
listen_ipv6=YES
background=NO
anonymous_enable=NO
local_enable=YES
write_enable=NO
secure_chroot_dir=$d/empty
pam_service_name=vsftpd
xferlog_enable=NO
syslog_enable=NO
vsftpd_log_file=$d/vsftpd.log
EOF
  service "$1" "vsftpd-$1" vsftpd "$d/vsftpd.conf"
}

# OpenSSH with its own configuration and host key; no way to log in.
ssh_server() { # NAME
  local d="$DIR/sshd-$1"
  mkdir -p "$d"
  ssh-keygen -q -t ed25519 -N '' -C praxis-lab -f "$d/host_ed25519" </dev/null
  cat >"$d/sshd_config" <<EOF
Port 22
HostKey $d/host_ed25519
PidFile none
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication no
PermitRootLogin no
AuthorizedKeysFile none
EOF
  # sshd insists on its privilege separation directory /run/sshd.
  service "$1" "sshd-$1" "${PRIVATE_MOUNTS[@]}" /run:0755 -- sh -c \
    'mkdir -m 0755 /run/sshd && exec /usr/sbin/sshd -D -e -f "$1"' sh "$d/sshd_config"
}

# inetutils telnetd, started per connection as inetd would (socat hands it
# the connected socket as stdin and stdout).
telnet_server() { # NAME
  service "$1" "telnetd-$1" socat TCP6-LISTEN:23,fork,reuseaddr,ipv6only=0,backlog=64 \
    EXEC:/usr/sbin/telnetd,nofork
}

# CUPS' scheduler with every directory in the lab, answering IPP on 631.
ipp_server() { # NAME
  local d="$DIR/cups-$1" sub
  for sub in spool tmp cache state log; do mkdir -p "$d/$sub"; done
  chown lp "$d/spool" "$d/tmp" "$d/cache"
  cat >"$d/cups-files.conf" <<EOF
ServerRoot $d
RequestRoot $d/spool
TempDir $d/tmp
CacheDir $d/cache
StateDir $d/state
AccessLog $d/log/access_log
PageLog $d/log/page_log
ErrorLog stderr
User lp
Group lp
SystemGroup root
EOF
  cat >"$d/cupsd.conf" <<EOF
Listen *:631
Browsing No
LogLevel warn
<Location />
  Order allow,deny
  Allow all
</Location>
EOF
  service "$1" "cupsd-$1" cupsd -f -c "$d/cupsd.conf" -s "$d/cups-files.conf"
}

# The "done when" host: remote desktop, a passwordless VNC screen and the
# practice software's database, all reachable, no firewall.
build_remote() {
  practice_host remote 2 46
  rdp_server remote
  vnc_server remote 0 5900 none
  mariadb_server remote
  wait_listening remote 3389 5900 3306
  visitor remote remote 198.51.100.2 2001:db8:30::2
}

# The office server with the other doors; its firewall drops 1433 and 8443.
build_office() {
  practice_host office 3 46
  nft_in office <<<'table inet visitor { chain input {
    type filter hook input priority filter; policy accept; tcp dport { 1433, 8443 } drop; }; }'
  ftp_server office
  ssh_server office
  telnet_server office
  SMB_PORTS="139 445" DISABLE_NETBIOS=no \
    samba office praxis-office SMB2 yes default 198.51.100.3 2001:db8:30::3
  ipp_server office
  postgres_server office
  vnc_server office 1 5901 password
  wait_listening office 21 22 23 139 445 631 5432 5901
  visitor office office 198.51.100.3 2001:db8:30::3
}

# A NAT router at .N with miniupnpd; `wan` makes it (wrongly) answer SSDP
# on its WAN side too. Its LAN PC is where the visitor's browser runs.
upnp_router() { # NAME N wan|lan
  local name=$1 n=$2 side=$3 d="$DIR/miniupnpd-$1"
  practice_host "$name" "$n" 4 router
  mkns "$name-pc"
  link "$name" lan "$name-pc" eth0
  addr4 "$name" lan 192.168.178.1/24
  addr4 "$name-pc" eth0 192.168.178.10/24
  ip -n "$(NS "$name-pc")" route add "$LAB_NET4" via 192.168.178.1
  local ssdp_in=""
  [ "$side" = wan ] && ssdp_in='iifname "wan" udp dport 1900 accept'
  nat_firewall "$name" "" "$ssdp_in"
  mkdir -p "$d"
  # No ext_ip: miniupnpd refuses documentation addresses there; without it
  # it logs that forwarding is impossible, which SSDP does not need.
  {
    printf 'ext_ifname=wan\nlistening_ip=lan\n'
    [ "$side" = wan ] && printf 'listening_ip=wan\n'
    printf 'port=5000\nenable_natpmp=no\nenable_upnp=yes\nsecure_mode=yes\n'
    printf 'uuid=6761b9d6-f878-44d4-9c02-7a9615a6%04d\n' "$n"
    printf 'allow 1024-65535 192.168.178.0/24 1024-65535\ndeny 0-65535 0.0.0.0/0 0-65535\n'
  } >"$d/miniupnpd.conf"
  service "$name" "miniupnpd-$name" "${PRIVATE_MOUNTS[@]}" /run:0755 -- \
    miniupnpd -d -f "$d/miniupnpd.conf" -P /run/miniupnpd.pid
  wait_listening "$name" 5000
  visitor "$name" "$name-pc" "198.51.100.$n" ""
}

build_upnpwan() { upnp_router upnpwan 4 wan; }
build_upnplan() { upnp_router upnplan 5 lan; }
