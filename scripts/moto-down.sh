#!/usr/bin/env bash
# Stops the emulator that scripts/moto-up.sh started on PORT.
port="${1:-4599}"
pidfile="${TMPDIR:-/tmp}/infra-moto-$port.pid"
[ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null && rm -f "$pidfile"
exit 0
