#!/usr/bin/env bash
# Stops the emulators that scripts/moto-up.sh started on PORT and PORT+1 (EKS).
port="${1:-4599}"
for p in "$port" $((port + 1)); do
  pidfile="${TMPDIR:-/tmp}/infra-moto-$p.pid"
  [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null && rm -f "$pidfile"
done
exit 0
