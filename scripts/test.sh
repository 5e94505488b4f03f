#!/usr/bin/env bash
# The project's test command (README, and .ci/run): installs everything from scratch —
# npm packages and the Debian packages of every sandbox the tests start — builds, and runs
# the whole vitest suite, real runtimes included.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-runtimes.sh
bash scripts/install.sh
npx vitest run "$@"
