#!/usr/bin/env bash
# Installs everything Kaohe needs to build and test on a fresh Debian 12 machine.
# Idempotent: each step checks first and skips what is already there at the pinned
# version, so a second run takes seconds. Sourced by run.sh and test.sh; can be run alone.
#
# What and why (see ../shared/toolchain/TOOLCHAIN.md for the measurements behind it):
# - wasm32-unknown-unknown target (rustup)
# - cargo-leptos 0.3.11: built from source; its published lockfile pins a crate that
#   needs a newer rustc than this machine's, so that one crate is held back first
# - wasm-bindgen-cli, exactly the wasm-bindgen version in Cargo.lock
# - wasm-opt from npm binaryen@132 (Debian's binaryen 108 breaks hydration)
# - Chromium and CJK fonts from Debian (browser tests and readable screenshots)
# - Playwright test runner from npm (never a downloaded browser)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
CARGO_LEPTOS_VERSION="0.3.11"
BINARYEN_VERSION="132.0.0"

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }
have() { command -v "$1" >/dev/null 2>&1; }

export PATH="$TOOLS/node_modules/.bin:$HOME/.cargo/bin:$PATH"

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif have sudo; then sudo "$@"; else
    echo "need root for: $*" >&2; return 1
  fi
}

apt_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "apt: installing ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" \
      || { as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"; }
  fi
}

setup_system() {
  apt_packages chromium fonts-noto-cjk ca-certificates curl
  have node || apt_packages nodejs npm
}

setup_rust_target() {
  if ! rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$'; then
    log "rustup: adding wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
}

setup_cargo_leptos() {
  if cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
    return
  fi
  log "cargo-leptos $CARGO_LEPTOS_VERSION: building from source (the slowest step, ~11-17 min)"
  local work
  work="$(mktemp -d)"
  curl -fsSL "https://static.crates.io/crates/cargo-leptos/cargo-leptos-$CARGO_LEPTOS_VERSION.crate" \
    | tar xz -C "$work"
  (
    cd "$work/cargo-leptos-$CARGO_LEPTOS_VERSION"
    # The published Cargo.lock pins cargo-util-schemas 0.14.2, which requires rustc 1.96;
    # 0.14.1 is API-compatible and builds on 1.95.
    cargo update -q -p cargo-util-schemas --precise 0.14.1
    CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
      cargo install --locked --path . --root "$HOME/.cargo"
  )
  rm -rf "$work"
}

setup_wasm_bindgen() {
  local want
  want="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, "", $0); print; exit }' "$ROOT/Cargo.lock")"
  if [ -z "$want" ]; then want="0.2.130"; fi
  if wasm-bindgen --version 2>/dev/null | grep -q " $want"; then
    return
  fi
  log "wasm-bindgen-cli $want"
  # Without --locked: its lockfile pins a yanked crate (TOOLCHAIN.md).
  cargo install -q wasm-bindgen-cli --version "$want"
}

setup_node_tools() {
  mkdir -p "$TOOLS"
  if ! "$TOOLS/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -q "version ${BINARYEN_VERSION%%.*}"; then
    log "npm: binaryen@$BINARYEN_VERSION (wasm-opt)"
    (cd "$TOOLS" && [ -f package.json ] || echo '{"private":true}' >"$TOOLS/package.json")
    npm install --prefix "$TOOLS" --no-audit --no-fund --loglevel=error "binaryen@$BINARYEN_VERSION"
  fi
  if [ ! -d "$ROOT/end2end/node_modules/@playwright/test" ] || \
     [ "$ROOT/end2end/package-lock.json" -nt "$ROOT/end2end/node_modules/.package-lock.json" ]; then
    log "npm: end2end dependencies (Playwright runner only, no browser download)"
    (cd "$ROOT/end2end" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  fi
}

check_path() {
  # Debian's wasm-opt must not win over npm's (it breaks hydration).
  local opt
  opt="$(command -v wasm-opt || true)"
  if [ "$opt" != "$TOOLS/node_modules/.bin/wasm-opt" ]; then
    echo "wasm-opt resolves to '$opt', expected $TOOLS/node_modules/.bin/wasm-opt" >&2
    return 1
  fi
}

main() {
  local started=$SECONDS
  setup_system
  setup_rust_target
  setup_cargo_leptos
  setup_wasm_bindgen
  setup_node_tools
  check_path
  log "tools ready in $((SECONDS - started)) s: $(cargo leptos --version), $(wasm-bindgen --version), wasm-opt $(wasm-opt --version | awk '{print $3}')"
}

main "$@"
