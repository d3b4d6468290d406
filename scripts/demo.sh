#!/usr/bin/env bash
# The main job, end to end against a local AWS emulator (moto on 127.0.0.1, SigV4 checking on):
# whoami, validate, plan -out, apply the saved plan, then a plan that must show no changes.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${1:-4599}"
infra=./.build/debug/infra
work="$(mktemp -d)"
trap 'scripts/moto-down.sh "$port"; rm -rf "$work"' EXIT

eval "$(scripts/moto-up.sh "$port")"
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

step infra whoami
$infra whoami
step infra init prod --bootstrap
$infra init prod --bootstrap
step infra validate prod
$infra validate prod
step infra plan prod -out "$work/tfplan"
$infra plan prod -out "$work/tfplan"
step infra apply "$work/tfplan"
$infra apply "$work/tfplan"
step infra plan prod --detailed-exitcode
if $infra plan prod --detailed-exitcode; then
  echo "demo: the second plan shows no changes, as it must"
else
  code=$?
  echo "demo: the plan after apply was not empty (exit $code)" >&2
  exit 1
fi
step infra output prod
$infra output prod
