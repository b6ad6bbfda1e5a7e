#!/usr/bin/env bash
# Runs the pinned pnpm, installing it first when it is missing.
# corepack fails on this kind of machine (signature check), so we do not use it.
set -euo pipefail
want="12.4.2"
if command -v pnpm >/dev/null 2>&1 && [ "$(pnpm --version 2>/dev/null)" = "$want" ]; then
  exec pnpm "$@"
fi
if npm install -g "pnpm@$want" >/dev/null 2>&1 && command -v pnpm >/dev/null 2>&1; then
  exec pnpm "$@"
fi
exec npx -y "pnpm@$want" "$@"
