#!/usr/bin/env bash
# Renders the app icons (public/icons/*.png) with headless Chromium and Noto Sans CJK.
# Run by hand when the icon design changes; the PNGs are committed.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
render() { # size radius-percent glyph-percent output
  cat >"$tmp/icon.html" <<HTML
<!doctype html><html><head><meta charset="utf-8"><style>
html,body{margin:0;width:$1px;height:$1px;background:transparent}
div{width:$1px;height:$1px;border-radius:$2%;background:#b3261e;color:#fff;display:flex;
align-items:center;justify-content:center;font:700 $(( $1 * $3 / 100 ))px "Noto Sans CJK SC",sans-serif}
</style></head><body><div>考</div></body></html>
HTML
  chromium --headless --no-sandbox --disable-gpu --disable-background-networking --no-first-run \
    --hide-scrollbars --default-background-color=00000000 --window-size="$1,$1" \
    --screenshot="$4" "file://$tmp/icon.html" >/dev/null 2>&1
}
render 192 22 62 public/icons/icon-192.png
render 512 22 62 public/icons/icon-512.png
# Maskable: full-bleed background, glyph inside the 80% safe zone.
render 512 0 50 public/icons/icon-maskable-512.png
ls -l public/icons
