#!/usr/bin/env bash
# Installs what sbx-detect needs to build (npm packages, a static C toolchain) and builds it:
# dist/sbx-detect.cjs (the bundle) and dist/sbx-helper (the static native helper).
set -euo pipefail
cd "$(dirname "$0")/.."

node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a<20||(a===20&&b<19)) { console.error("sbx-detect needs Node.js >= 20.19; this is "+process.version); process.exit(1) }'

if ! command -v musl-gcc >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing musl-tools (static C helper toolchain)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends musl-tools gcc libc6-dev >/dev/null
  else
    echo "musl-gcc not found and cannot apt-get install musl-tools: falling back to gcc -static" >&2
  fi
fi

npm ci --no-audit --no-fund --loglevel=error
npm run build --silent
