#!/usr/bin/env bash
# Builds the engine's JavaScript API for node with the `engine-js` profile (opt-level "z"
# like the app's bundle, LTO, panic abort; CARGO_PROFILE_ENGINE_JS_OPT_LEVEL=s for the
# speed-first build; see the workspace Cargo.toml), shrinks it with
# wasm-opt -Os (npm binaryen@132; smaller and faster than -Oz on this module, README "Size"), and prints raw and gzip sizes, twice: the whole API
# (feature `wasm`, output $CARGO_TARGET_DIR/engine-js/) and the part a filing form needs
# (feature `wasm-phone`: no rollUp, validateScheme or one-off evaluate; output
# $CARGO_TARGET_DIR/engine-js-phone/). Each holds rules_wasm.js + rules_wasm_bg.wasm.
# Needs wasm-bindgen (0.2.130) on PATH; installs binaryen into /tmp/binaryen if missing.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/.."
target="${CARGO_TARGET_DIR:-$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')}"
wasm_opt="${WASM_OPT:-/tmp/binaryen/node_modules/.bin/wasm-opt}"
if [ ! -x "$wasm_opt" ]; then
  npm i --prefix /tmp/binaryen binaryen@132 >/dev/null
fi
size() { printf '  %s: %d bytes raw, %d bytes gzip -9\n' "$1" "$(wc -c <"$2")" "$(gzip -9 -c "$2" | wc -c)"; }

for variant in wasm:engine-js wasm-phone:engine-js-phone; do
  feature="${variant%%:*}"
  out="$target/${variant#*:}"
  cargo rustc -p rules-wasm --lib --crate-type cdylib --no-default-features --features "$feature" \
    --target wasm32-unknown-unknown --profile engine-js
  rm -rf "$out"
  wasm-bindgen --target nodejs --out-dir "$out" "$target/wasm32-unknown-unknown/engine-js/rules_wasm.wasm"
  raw="$out/rules_wasm_bg.wasm"
  cp "$raw" "$out/before-wasm-opt.wasm"
  "$wasm_opt" -Os --strip-debug --strip-producers \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$out/before-wasm-opt.wasm" -o "$raw"
  echo "feature $feature ($out):"
  size "after wasm-bindgen" "$out/before-wasm-opt.wasm"
  size "after wasm-opt -Os (shipped)" "$raw"
  size "JS glue" "$out/rules_wasm.js"
done
