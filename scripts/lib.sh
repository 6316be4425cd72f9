# Shared by the scripts in this folder: progress output and idempotent installs.
# Sourced, not run.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
export PATH="$TOOLS/bin:$HOME/.cargo/bin:$PATH"

# Pinned tool versions (see README, "Why these dependencies").
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

setup_trunk() {
  if ! trunk --version 2>/dev/null | grep -q "trunk $TRUNK_VERSION"; then
    step "installing trunk $TRUNK_VERSION (compiles from source, about 6 minutes the first time)"
    cargo install --locked "trunk@$TRUNK_VERSION" >&2
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

setup_web() {
  setup_rust_wasm
  setup_trunk
  setup_wasm_bindgen
  setup_wasm_opt
  need_debs brotli # scripts/precompress, Trunk's post-build hook
}

# The three engines the page's end-to-end tests run in (tests/support/browser.rs):
# Chromium with chromedriver, Firefox ESR with geckodriver (not packaged in
# Debian 12: built from crates.io), WebKitGTK with WebKitWebDriver (under Xvfb).
setup_browser() {
  need_debs chromium chromium-driver firefox-esr webkit2gtk-driver xvfb locales
  setup_geckodriver
  setup_webkit_locale
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
