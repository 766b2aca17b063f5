#!/usr/bin/env bash
# Starts hark's five services as background processes on the local stack (which
# must be up: `stack.sh up`), each with its log under .stack/logs/, and waits
# until every one answers /readyz. Each is supervised (deploy/local/supervise.sh):
# a service that exits non-zero is restarted with backoff (1 s doubling to 30 s).
#
#   deploy/local/services.sh up | down | status
#
# The demo's API keys are fixed and public (`hark-demo-key-local`): the local stack is
# bound to 127.0.0.1 only. Set COLLECTOR_API_KEYS / IDENTITY_API_KEYS to change them.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR
. "$HERE/lib.sh"
cd "$HARK_ROOT"

export KAFKA_BROKERS=${KAFKA_BROKERS:-127.0.0.1:9092}
export SCHEMA_REGISTRY_URL=${SCHEMA_REGISTRY_URL:-http://127.0.0.1:8081}
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/hark}
export BRANDS_FILE=${BRANDS_FILE:-$HERE/brands.yaml}
export COLLECTOR_API_KEYS=${COLLECTOR_API_KEYS:-hark-demo-key-local}
export IDENTITY_API_KEYS=${IDENTITY_API_KEYS:-hark-demo-key-local}
# The privacy master key (wraps every per-author data key, docs/privacy.md): generated once
# into the gitignored state folder; losing it makes every encrypted mention unreadable.
if [ -z "${HARK_PRIVACY_MASTER_KEY:-}" ]; then
  mkdir -p "$STACK_DIR"
  if [ ! -s "$STACK_DIR/privacy-master-key" ]; then
    (umask 077 && node -e "process.stdout.write(require('crypto').randomBytes(32).toString('base64'))" >"$STACK_DIR/privacy-master-key")
  fi
  HARK_PRIVACY_MASTER_KEY=$(cat "$STACK_DIR/privacy-master-key")
fi
export HARK_PRIVACY_MASTER_KEY

# name  ops-port  entry point; down stops in reverse. identity-resolution starts first:
# it owns the customers table that metrics-rollup's customer views join.
SERVICES=(
  "identity-resolution 9103 services/identity-resolution/src/main.ts"
  "metrics-rollup 9104 services/metrics-rollup/src/main.ts"
  # Reads metrics-rollup's minute rollups for spike alerts, so it starts after it.
  "action-router 9105 services/action-router/src/main.ts"
  "sentiment-scoring 9102 services/sentiment-scoring/src/main.ts"
  "collector 9101 services/collector/src/main.ts"
)

up() {
  # One at a time, each ready before the next starts, so migrations run in a known order.
  for entry in "${SERVICES[@]}"; do
    read -r name port main <<<"$entry"
    # HARK_NODE_FLAGS: extra node flags for every service, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
    # (node refuses --cpu-prof in NODE_OPTIONS).
    # Each runs under supervise.sh: restarted with backoff when it exits non-zero, as a cluster
    # would; `down` stops the supervisor and the service together (one process group).
    # shellcheck disable=SC2086
    OPS_PORT=$port start_process "$name" "$LOGS_DIR/$name.log" \
      "$HERE/supervise.sh" "$name" node ${HARK_NODE_FLAGS:-} --import tsx "$main"
    local ok=0
    for _ in $(seq 1 300); do
      if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then ok=1; break; fi
      is_running "$name" || break
      sleep 0.2
    done
    if ((ok == 0)); then
      tail -n 30 "$LOGS_DIR/$name.log" >&2
      die "$name did not become ready within 60 s (log: .stack/logs/$name.log)"
    fi
    log "  $name ready: metrics http://127.0.0.1:$port/metrics, log .stack/logs/$name.log"
  done
  log "  collector API: http://127.0.0.1:8080 (Authorization: Bearer ${COLLECTOR_API_KEYS%%,*}), OpenAPI at /openapi.json"
}

down() {
  for ((i = ${#SERVICES[@]} - 1; i >= 0; i--)); do
    read -r name _ <<<"${SERVICES[$i]}"
    is_running "$name" && stop_process "$name"
  done
  return 0
}

status() {
  for entry in "${SERVICES[@]}"; do
    read -r name port _ <<<"$entry"
    if is_running "$name"; then log "  $name: running (ops :$port)"; else log "  $name: stopped"; fi
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) die "usage: deploy/local/services.sh up|down|status" ;;
esac
