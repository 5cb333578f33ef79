#!/usr/bin/env bash
# Installs the example from the packed module, builds it, and runs its tests (both session strategies).
# The tarball is the one `npm pack` wrote at the repository root (.ci/run packs it first); when it is
# missing or older than the module's sources, it is packed here.
set -euo pipefail
cd "$(dirname "$0")"

root=../..
tarball=$root/nest-dual-session-auth-0.1.0.tgz
if [[ ! -f $tarball ]] || [[ -n $(find "$root/src" "$root/config" "$root/migrations" "$root/package.json" -newer "$tarball" -print -quit) ]]; then
  (cd "$root" && npm pack --silent >/dev/null)
fi

# No lockfile is kept (the tarball's integrity changes with every pack), and a module installed from
# an older tarball is dropped so the fresh one is unpacked; other packages stay (better-sqlite3 compiles slowly).
rm -rf package-lock.json node_modules/nest-dual-session-auth node_modules/.bin/nest-auth dist
npm install --no-audit --no-fund
npm run build
npm test
