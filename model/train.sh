#!/usr/bin/env bash
# The training command (npm run model:train): a Python venv with the pinned requirements, simulated data for the
# scenario mixes and feeds (files, fixed seed), feature rows from the scorer's own feature code, then model/train.py, which
# writes model/fraud-model.onnx, model/golden/parity.json, model/metrics.json and model/MODEL_CARD.md.
# Same seed and code → the same model, byte for byte. Usage: bash model/train.sh [--reuse-data]
#   --reuse-data  keep the simulated data and feature CSVs of an earlier run if present (faster; only safe when
#                 neither the simulator nor the feature code changed since).
set -euo pipefail
cd "$(dirname "$0")/.."

SEED="${MODEL_SEED:-42}"
# The Handbook's calendar: data from 2018-04-01, training week from 2018-07-25 (day 115), test 2018-08-08..14.
START=2018-04-01
DAYS=136
TRAIN_START_DAY=115
WORK=.cache/model
VENV=model/.venv
PYTHON="${PYTHON:-python3}"
reuse=0
for arg in "$@"; do
  case "$arg" in
    --reuse-data) reuse=1 ;;
    *) echo "model:train: unknown argument $arg (usage: bash model/train.sh [--reuse-data])" >&2; exit 2 ;;
  esac
done

began=$SECONDS
log() { printf '[model:train %4ds] %s\n' "$((SECONDS - began))" "$*"; }

log "python environment ($VENV)"
want="$(sha256sum model/requirements.txt | cut -d' ' -f1)"
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$VENV/.requirements.sha256" 2>/dev/null)" != "$want" ]; then
  version="$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
  [ "$version" = 3.11 ] || log "warning: the requirements are pinned and checked on Python 3.11, this is $version"
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r model/requirements.txt
  echo "$want" >"$VENV/.requirements.sha256"
  log "installed model/requirements.txt"
fi
# One thread everywhere: reproducible sums, and no OpenMP spinning on a shared machine.
export OMP_NUM_THREADS=1 PYTHONHASHSEED=0

log "python unit tests"
"$VENV/bin/python" -m unittest discover -s model/training/tests -t model -q

mkdir -p "$WORK"
declare -A commands
# Four mixes: the Handbook's frauds, all scenarios, and the Handbook's frauds in a feed that tells only card,
# terminal, amount and time (every other field one neutral value, or null): the same stream as baseline
# otherwise. full-absent is the full mix's stream without context, which the shipped model also trains on.
declare -A sim_args=(
  [baseline]="--scenarios baseline"
  [full]="--scenarios full"
  [baseline-constant]="--scenarios baseline --context constant"
  [baseline-absent]="--scenarios baseline --context absent"
  [full-absent]="--scenarios full --context absent"
)
for mix in baseline full baseline-constant baseline-absent full-absent; do
  sim_dir="$WORK/sim-$mix"
  csv="$WORK/$mix.csv"
  commands[$mix]="npx tsx services/producer-sim/src/main.ts --out file --dir $sim_dir --seed $SEED --start $START --days $DAYS ${sim_args[$mix]}"
  if [ "$reuse" = 1 ] && [ -s "$csv" ]; then
    log "$mix: reusing $csv"
    continue
  fi
  log "$mix: simulating $DAYS days from $START (seed $SEED)"
  rm -rf "$sim_dir" "$csv"
  # shellcheck disable=SC2086 # the mix's arguments are words
  node_modules/.bin/tsx services/producer-sim/src/main.ts --out file --dir "$sim_dir" --seed "$SEED" --start "$START" \
    --days "$DAYS" ${sim_args[$mix]}
  log "$mix: exporting features to $csv"
  node_modules/.bin/tsx services/scorer/src/export/main.ts --in "$sim_dir" --out "$csv"
  rm -rf "$sim_dir" # ~0.5 GB, and the CSV is all training reads
done

cat >"$WORK/simulation.json" <<EOF
{
  "seed": $SEED,
  "start": "$START",
  "days": $DAYS,
  "commands": {
    "baseline": "${commands[baseline]}",
    "full": "${commands[full]}",
    "baseline-constant": "${commands[baseline-constant]}",
    "baseline-absent": "${commands[baseline-absent]}",
    "full-absent": "${commands[full-absent]}"
  },
  "feature_export": "npx tsx services/scorer/src/export/main.ts --in <sim dir> --out <csv>"
}
EOF

log "training (model/train.py)"
"$VENV/bin/python" model/train.py --spec model/feature-spec.json \
  --data "baseline=$WORK/baseline.csv" --data "full=$WORK/full.csv" \
  --data "baseline-constant=$WORK/baseline-constant.csv" --data "baseline-absent=$WORK/baseline-absent.csv" \
  --augment "full=$WORK/full-absent.csv" --ship full \
  --train-start "$TRAIN_START_DAY" --seed "$SEED" --simulation "$WORK/simulation.json" --out-dir model

node_modules/.bin/prettier --log-level warn --write model/golden/parity.json model/metrics.json model/MODEL_CARD.md

log "parity: onnxruntime-node against the golden file"
node --import tsx --test --test-reporter=dot model/test/*.test.ts
log "done: model/fraud-model.onnx ($(stat -c %s model/fraud-model.onnx) bytes), model/MODEL_CARD.md, model/metrics.json"
