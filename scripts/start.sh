#!/usr/bin/env bash
# `npm start`: everything a fresh clone needs to serve Minqing on one port.
#   1. pnpm (bootstrapped by scripts/pnpm.sh; corepack fails on these machines)
#   2. dependencies from the lockfile
#   3. the web app, built unless web/dist is already up to date
#   4. the API server, which serves the web app too. Without DATABASE_URL it
#      runs the embedded engine in DATA_DIR (default ./data) and generates the
#      demo district on the first start (DEMO=on, about two minutes).
# Settings: PORT, DATABASE_URL, DATA_DIR, DEMO … (see .env.example), from the
# environment or from .env at the repository root: the server reads both (the
# environment wins), so this script sets none of them.
# A second run is quick: the install and the build are skipped when up to date.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

log() { echo "start: $*" >&2; }

node_version=$(node -p 'process.versions.node' 2>/dev/null) || {
  log "Node.js is not installed: install Node.js 20.19 or newer"
  exit 1
}
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'; then
  log "Node.js $node_version is too old: Minqing needs 20.19 or newer"
  exit 1
fi

if [ -f pnpm-lock.yaml ]; then
  ./scripts/pnpm.sh install --frozen-lockfile
else
  log "pnpm-lock.yaml is missing: resolving dependencies afresh"
  ./scripts/pnpm.sh install
fi

bash scripts/build-web.sh

exec ./scripts/pnpm.sh --silent --filter @minqing/api start
