#!/usr/bin/env bash
# The test command: installs what is missing, then typecheck, lint and every test (unit and integration).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
echo "== typecheck"; npx tsc --noEmit -p tsconfig.json
echo "== lint"; npx eslint .
echo "== tests"; npx tsx scripts/run-tests.ts all "$@"
