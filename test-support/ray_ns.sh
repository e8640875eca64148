#!/usr/bin/env bash
# Run a command next to a real Ray head inside private network and PID namespaces.
#
# Only loopback exists in the network namespace, so Ray binds 127.0.0.1 (Ray 2.60 ignores
# --node-ip-address and would bind the machine's external interface), and every process the
# head starts dies with the PID namespace when the command ends: nothing outlives a test.
#
# usage: ray_ns.sh CPUS COMMAND [ARG...]   (the command gets RAY_ADDRESS=127.0.0.1:6379)
set -euo pipefail
cpus="$1"
shift
exec unshare --net --pid --fork --mount-proc bash -c '
  set -euo pipefail
  ip link set lo up
  tmp="$(mktemp -d /tmp/rayns.XXXXXX)"
  trap "rm -rf \"$tmp\"" EXIT
  if ! ray start --head --port 6379 --num-cpus "$0" --temp-dir "$tmp" \
      --include-dashboard=false --disable-usage-stats >"$tmp/start.log" 2>&1; then
    cat "$tmp/start.log" >&2
    exit 90
  fi
  export RAY_ADDRESS=127.0.0.1:6379
  "$@"
' "$cpus" "$@"
