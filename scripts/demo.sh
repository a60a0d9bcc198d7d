#!/usr/bin/env bash
# The main job: installs what is missing, then runs the pipeline demo on the embedded broker.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh >&2
exec node_modules/.bin/tsx scripts/demo/demo.ts "$@"
