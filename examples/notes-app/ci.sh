#!/usr/bin/env bash
# Installs the example from the packed module, builds it, and runs its tests (both session strategies).
# Run from anywhere after `npm pack` at the repository root.
set -euo pipefail
cd "$(dirname "$0")"

tarball=../../nest-dual-session-auth-0.1.0.tgz
if [[ ! -f $tarball ]]; then
  echo "ci.sh: $tarball is missing; run 'npm pack' at the repository root first" >&2
  exit 1
fi

# No lockfile is kept (the tarball's integrity changes with every pack), and a module installed from
# an older tarball is dropped so the fresh one is unpacked; other packages stay (better-sqlite3 compiles slowly).
rm -rf package-lock.json node_modules/nest-dual-session-auth node_modules/.bin/nest-auth dist
npm install --no-audit --no-fund
npm run build
npm test
