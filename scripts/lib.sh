# Shared by the scripts in this folder: progress output and idempotent installs.
# Sourced, not run.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
export PATH="$TOOLS/bin:$HOME/.cargo/bin:$PATH"

# Pinned tool versions (see docs/dependencies.md, "Pinned tools").
TRUNK_VERSION="0.21.14"
BINARYEN_VERSION="132.0.0"
GECKODRIVER_VERSION="0.37.1"

# WebKitGTK's MiniBrowser (Debian webkit2gtk-driver drives it with --automation).
MINIBROWSER=/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser
# A de_DE.UTF-8 locale for WebKitGTK, which takes navigator.languages from the
# process locale; compiled here (LOCPATH) so the system's locales stay as they are.
LOCALES="$TOOLS/locale"

step() { printf '\n==> %s\n' "$*" >&2; }
note() { printf '    %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Install Debian packages that are not installed yet.
need_debs() {
  local missing=()
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  step "installing Debian packages: ${missing[*]}"
  # Keep package scripts from starting daemons (smbd, nginx, krb5kdc) on install.
  local policy=/usr/sbin/policy-rc.d created=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy" >/dev/null
    as_root chmod +x "$policy"
    created=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 || true
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
  [ "$created" -eq 1 ] && as_root rm -f "$policy"
  return 0
}

# The wasm-bindgen version Cargo.lock pins (wasm-bindgen-cli must match it exactly).
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

setup_rust_wasm() {
  if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    step "adding the Rust target wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown >&2
  fi
  step "fetching crates (so later builds can run offline)"
  (cd "$ROOT" && cargo fetch >&2)
}

# trunk without its default features: `update_check` asks crates.io for a
# newer trunk and `rustls` is TLS for downloading tools and for `trunk serve
# --tls`; the build runs offline (Trunk.toml) with the tools from PATH. And
# without the fat LTO and single codegen unit of trunk's release profile,
# which take most of its compile time (see docs/dependencies.md).
TRUNK_INSTALL_ARGS=(--locked --no-default-features "trunk@$TRUNK_VERSION")
TRUNK_INSTALL_ENV=(CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16)

setup_trunk() {
  if ! trunk --version 2>/dev/null | grep -q "trunk $TRUNK_VERSION"; then
    step "installing trunk $TRUNK_VERSION (compiles from source, a few minutes the first time)"
    env "${TRUNK_INSTALL_ENV[@]}" cargo install "${TRUNK_INSTALL_ARGS[@]}" >&2
  fi
}

setup_wasm_bindgen() {
  local want
  want="$(wasm_bindgen_version)"
  if ! wasm-bindgen --version 2>/dev/null | grep -q "wasm-bindgen $want"; then
    step "installing wasm-bindgen-cli $want (about 2 minutes the first time)"
    # Not --locked: the CLI's own lock file pins a crate version the registry no longer serves.
    cargo install --force "wasm-bindgen-cli@$want" >&2
  fi
}

setup_wasm_opt() {
  # Debian's binaryen is too old for current wasm-bindgen output; npm's works.
  if ! "$TOOLS/bin/wasm-opt" --version 2>/dev/null | grep -q "version ${BINARYEN_VERSION%%.*}"; then
    step "installing binaryen $BINARYEN_VERSION (wasm-opt) from npm into .tools/"
    mkdir -p "$TOOLS/bin"
    (cd "$TOOLS" && npm install --silent --no-audit --no-fund "binaryen@$BINARYEN_VERSION" >&2)
    ln -sf ../node_modules/.bin/wasm-opt "$TOOLS/bin/wasm-opt"
  fi
}

# Steps that run in the background, side by side, each with its output in
# a log of its own: `in_background NAME COMMAND...` starts one, `wait_background`
# waits for all of them with a progress line a minute, says how long each
# took, and when one fails stops the others and fails with the end of its log.
BG_PIDS=()
BG_NAMES=()
BG_LOGS=()
BG_DIR=""

in_background() {
  local name="$1"
  shift
  [ -n "$BG_DIR" ] || BG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/portcheck-steps.XXXXXX")"
  local log="$BG_DIR/${#BG_PIDS[@]}.log"
  ("$@") >"$log" 2>&1 &
  BG_PIDS+=("$!")
  BG_NAMES+=("$name")
  BG_LOGS+=("$log")
  note "started: $name"
}

# A process and everything it started, children first.
stop_tree() {
  local child
  for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do stop_tree "$child"; done
  kill "$1" 2>/dev/null || true
}

wait_background() {
  local started=$SECONDS last=$SECONDS i rc running failed=""
  local -A done_at=()
  while :; do
    running=()
    for i in "${!BG_PIDS[@]}"; do
      [ -n "${done_at[$i]:-}" ] && continue
      if kill -0 "${BG_PIDS[$i]}" 2>/dev/null; then
        running+=("${BG_NAMES[$i]}")
        continue
      fi
      rc=0
      wait "${BG_PIDS[$i]}" || rc=$?
      done_at[$i]=$((SECONDS - started))
      if [ "$rc" -eq 0 ]; then
        note "done after ${done_at[$i]} s: ${BG_NAMES[$i]}"
      else
        failed="$i"
        break 2
      fi
    done
    [ ${#running[@]} -eq 0 ] && break
    if [ $((SECONDS - last)) -ge 60 ]; then
      last=$SECONDS
      note "still running after $((SECONDS - started)) s: $(printf '%s; ' "${running[@]}")"
    fi
    sleep 1
  done
  if [ -n "$failed" ]; then
    for i in "${!BG_PIDS[@]}"; do
      [ -z "${done_at[$i]:-}" ] && stop_tree "${BG_PIDS[$i]}"
    done
    wait 2>/dev/null || true
    echo "failed: ${BG_NAMES[$failed]} (exit $rc); the end of its log, ${BG_LOGS[$failed]}:" >&2
    tail -n 30 "${BG_LOGS[$failed]}" >&2
    exit 1
  fi
  BG_PIDS=()
  BG_NAMES=()
  BG_LOGS=()
}

# The wasm32 build Trunk runs (the same cargo command, so Trunk finds it
# done): started beside the tool installs, it takes the page's compile off
# the critical path.
prebuild_page_wasm() {
  (cd "$ROOT" && cargo build --locked --target=wasm32-unknown-unknown \
    --manifest-path "$ROOT/Cargo.toml" --profile wasm-release --bin portcheck-app >&2)
}

setup_page_build() {
  setup_rust_wasm
  prebuild_page_wasm
}

# What building the page needs, installed side by side: the independent
# installs run at once, and the page's own wasm32 compile starts as soon as
# the target and the crates are there.
setup_web() {
  need_debs brotli # scripts/precompress, Trunk's post-build hook (may ask for sudo)
  step "setting up the page's tools (side by side)"
  in_background "wasm32 target, crates, then the page's wasm32 build" setup_page_build
  in_background "trunk $TRUNK_VERSION" setup_trunk
  in_background "wasm-bindgen-cli $(wasm_bindgen_version)" setup_wasm_bindgen
  in_background "binaryen $BINARYEN_VERSION (wasm-opt)" setup_wasm_opt
  wait_background
}

# The three engines the page's end-to-end tests run in (tests/support/browser.rs):
# Chromium with chromedriver, Firefox ESR with geckodriver (not packaged in
# Debian 12: built from crates.io), WebKitGTK with WebKitWebDriver (under Xvfb).
# Each is installed only when missing, so a rerun installs nothing.
setup_browser() {
  need_debs chromium chromium-driver firefox-esr webkit2gtk-driver xvfb locales
  setup_geckodriver
  setup_webkit_locale
  note "browsers: Chromium $(deb_version chromium), Firefox ESR $(deb_version firefox-esr)" \
    "with $(geckodriver --version 2>/dev/null | head -n 1), WebKitGTK $(deb_version webkit2gtk-driver)"
}

# The installed version of a Debian package.
deb_version() {
  dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo "(not installed)"
}

setup_geckodriver() {
  if ! geckodriver --version 2>/dev/null | grep -q "^geckodriver $GECKODRIVER_VERSION"; then
    step "installing geckodriver $GECKODRIVER_VERSION from crates.io (compiles from source, a few minutes the first time)"
    cargo install --locked "geckodriver@$GECKODRIVER_VERSION" >&2
  fi
}

setup_webkit_locale() {
  if [ ! -f "$LOCALES/de_DE.UTF-8/LC_CTYPE" ]; then
    step "compiling the de_DE.UTF-8 locale into .tools/locale (for WebKitGTK's languages)"
    mkdir -p "$LOCALES"
    # localedef exits 1 on mere warnings; the check below tells success.
    localedef --no-archive -i de_DE -f UTF-8 "$LOCALES/de_DE.UTF-8" >&2 || true
    [ -f "$LOCALES/de_DE.UTF-8/LC_CTYPE" ] || { echo "localedef did not write $LOCALES/de_DE.UTF-8" >&2; return 1; }
  fi
}

setup_lab() {
  need_debs iproute2 nftables nmap samba smbclient socat openssl python3 hyperfine curl nginx \
    krb5-kdc krb5-user
  # The practice check's services (tests/lab/practice.sh).
  need_debs xrdp tigervnc-standalone-server tigervnc-tools mariadb-server postgresql vsftpd \
    openssh-server openssh-client inetutils-telnetd cups-daemon miniupnpd miniupnpd-nftables
  # The UDP services' hosts (tests/lab/udp.sh); chrony rather than ntpsec
  # because `chronyd -x` never touches the clock, which namespaces share.
  need_debs dnsmasq chrony snmpd snmp samba avahi-daemon wsdd rpcbind slapd ldap-utils kamailio
}

# Build the page into dist/ (release profile for wasm, wasm-opt -Oz).
build_page() {
  if [ -f "$ROOT/Trunk.toml" ]; then
    step "building the page (trunk build --release)"
    (cd "$ROOT" && TRUNK_SKIP_VERSION_CHECK=true trunk build --release --offline >&2)
  else
    note "no Trunk.toml yet: serving the API only"
  fi
}

# Debian packaging (scripts/package) and its checks.
setup_package() {
  need_debs dpkg-dev lintian
}

# The monitoring examples' checks (tests/suite/monitoring.rs): Icinga 2's
# configuration check and shellcheck for the wrappers.
setup_monitoring() {
  need_debs icinga2-bin shellcheck
}
