#!/usr/bin/env bash
# `npm test`: the whole suite, on a fresh machine too.
#   pnpm → dependencies → PostGIS (found, or installed and started as root)
#   → Chromium → web build → vitest (unit, integration, smoke, e2e).
# Extra arguments go to vitest, e.g. `npm test -- --project unit`.
# Prints the time each phase took; exits non-zero when any phase fails.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

phases=()
suite_started=$(date +%s.%N)

report() {
  local status=$1
  local total
  total=$(awk -v a="$suite_started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  echo >&2
  echo "── test.sh phase timings ──" >&2
  for line in "${phases[@]}"; do echo "  $line" >&2; done
  echo "  total                $total s ($status)" >&2
}

# run_phase NAME COMMAND…: runs the command, records its duration, stops the suite on failure.
run_phase() {
  local name=$1
  shift
  echo "── $name" >&2
  local started
  started=$(date +%s.%N)
  local status=0
  "$@" || status=$?
  local seconds
  seconds=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  phases+=("$(printf '%-20s %7s s%s' "$name" "$seconds" "$([ "$status" = 0 ] || echo "  FAILED (exit $status)")")")
  if [ "$status" != 0 ]; then
    report failed
    exit "$status"
  fi
}

install_dependencies() {
  if [ -f pnpm-lock.yaml ]; then
    ./scripts/pnpm.sh install --frozen-lockfile || return 1
  else
    echo "pnpm-lock.yaml is missing: resolving dependencies afresh" >&2
    ./scripts/pnpm.sh install
  fi
}

ensure_postgis() {
  TEST_DATABASE_URL=$(bash scripts/ensure-postgis.sh) || return 1
  export TEST_DATABASE_URL
}

ensure_chromium() {
  CHROMIUM_PATH=$(bash scripts/ensure-chromium.sh) || return 1
  export CHROMIUM_PATH
}

run_phase "pnpm" ./scripts/pnpm.sh --version
run_phase "install" install_dependencies
run_phase "postgis" ensure_postgis
run_phase "chromium" ensure_chromium
run_phase "build web" bash scripts/build-web.sh
# The suite decides itself which engine each test uses: the app's own
# DATABASE_URL must not leak into the embedded smoke tests.
unset DATABASE_URL
run_phase "vitest" ./scripts/pnpm.sh exec vitest run "$@"
report passed
