#!/usr/bin/env bash
# Builds the web app (web/dist) unless the build is already up to date with
# its sources: a stamp of web/ and shared/src sources and the lockfile is kept
# in web/dist/.build-stamp, so a second `npm start` or `npm test` skips it.
# FORCE_BUILD=1 builds anyway.
set -euo pipefail
cd "$(dirname "$0")/.."

stamp_of_sources() {
  {
    find web shared/src -type f \
      -not -path '*/node_modules/*' -not -path 'web/dist/*' -not -name '*.test.ts' -print0 |
      sort -z | xargs -0 sha256sum
    sha256sum pnpm-lock.yaml 2>/dev/null || true
  } | sha256sum | cut -d' ' -f1
}

stamp_file="web/dist/.build-stamp"
stamp=$(stamp_of_sources)
if [ -z "${FORCE_BUILD:-}" ] && [ -f web/dist/index.html ] && [ "$(cat "$stamp_file" 2>/dev/null)" = "$stamp" ]; then
  echo "build-web: web/dist is up to date" >&2
  exit 0
fi
./scripts/pnpm.sh --filter @minqing/web build >&2
echo "$stamp" >"$stamp_file"
