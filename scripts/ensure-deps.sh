#!/usr/bin/env bash
# Installs what a fresh clone lacks: npm packages (from the lock file), a check for Java and Maven, the Kafka jars.
set -euo pipefail
cd "$(dirname "$0")/.."
need() { command -v "$1" >/dev/null 2>&1 || { echo "error: $1 not found on PATH: $2" >&2; exit 1; }; }
need node "install Node.js 20"
need java "install a JDK 17 (apt-get install openjdk-17-jdk-headless)"
need mvn "install Maven (apt-get install maven)"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== npm ci"; npm ci --no-audit --no-fund
fi
node_modules/.bin/tsx infra/kafka/jars-cli.ts
