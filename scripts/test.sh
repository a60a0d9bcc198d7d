#!/usr/bin/env bash
# The test command: installs what is missing, then typecheck, lint and every test (unit and integration).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
echo "== typecheck"; node_modules/.bin/tsc --noEmit -p tsconfig.json
echo "== lint"
# One command per line: under set -e a failure on the left of && would not stop the script.
node_modules/.bin/eslint .
node_modules/.bin/prettier --check --log-level warn .
echo "== tests"; node_modules/.bin/tsx scripts/run-tests.ts all "$@"
