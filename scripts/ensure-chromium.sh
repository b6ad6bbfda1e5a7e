#!/usr/bin/env bash
# Makes sure Debian's Chromium (for the browser tests) and a CJK font (so
# Chinese text renders in screenshots) are installed: apt as root, otherwise
# a clear failure. Prints the browser's path on stdout.
set -euo pipefail

log() { echo "ensure-chromium: $*" >&2; }
browser="${CHROMIUM_PATH:-/usr/bin/chromium}"

has_cjk_font() { command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh family 2>/dev/null | head -n 1)" ]; }

missing=()
[ -x "$browser" ] || missing+=(chromium)
has_cjk_font || missing+=(fonts-noto-cjk)

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" != "0" ]; then
    log "missing: ${missing[*]}; installing needs root."
    log "Install them (Debian 12: sudo apt-get install chromium fonts-noto-cjk) or set CHROMIUM_PATH to a Chromium binary."
    exit 1
  fi
  log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" fontconfig >&2
fi

[ -x "$browser" ] || {
  log "$browser is still missing after installing chromium"
  exit 1
}
# Debian's launcher script prints noise on some shells; the binary's version is what matters.
log "$("$browser" --version 2>/dev/null | head -n 1)"
echo "$browser"
