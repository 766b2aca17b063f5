#!/usr/bin/env bash
# Runs at the end of `stack.sh up`, once Kafka and PostgreSQL answer: starts
# hark's schema registry (unless SCHEMA_REGISTRY_URL points elsewhere), then
# creates the topics and registers the event schemas.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR
. "$HERE/lib.sh"
cd "$HARK_ROOT"

export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/hark}
export KAFKA_BROKERS=${KAFKA_BROKERS:-127.0.0.1:9092}
REGISTRY_PORT=${SCHEMA_REGISTRY_PORT:-8081}
export SCHEMA_REGISTRY_URL=${SCHEMA_REGISTRY_URL:-http://127.0.0.1:$REGISTRY_PORT}

[[ -x node_modules/.bin/tsx ]] || die "node_modules is missing: run 'make install' (npm ci) first"

BOOTSTRAP_REGISTRY_URL=$SCHEMA_REGISTRY_URL
if [[ $SCHEMA_REGISTRY_URL == "http://127.0.0.1:$REGISTRY_PORT" ]]; then
  # Basic auth: a read-only identity for the services, a writer for deployment.
  ensure_registry_users
  export SCHEMA_REGISTRY_READERS=${SCHEMA_REGISTRY_READERS:-$(registry_user reader)}
  export SCHEMA_REGISTRY_WRITERS=${SCHEMA_REGISTRY_WRITERS:-$(registry_user writer)}
  BOOTSTRAP_REGISTRY_URL=$(registry_url_as writer "$SCHEMA_REGISTRY_URL")
  if ! is_running schema-registry && port_open 127.0.0.1 "$REGISTRY_PORT"; then
    die "port $REGISTRY_PORT is taken by another process; stop it or set SCHEMA_REGISTRY_PORT and SCHEMA_REGISTRY_URL"
  fi
  SCHEMA_REGISTRY_PORT=$REGISTRY_PORT start_process schema-registry "$LOGS_DIR/schema-registry.log" \
    node --import tsx services/schema-registry/src/main.ts
  for _ in $(seq 1 100); do
    curl -fsS "$SCHEMA_REGISTRY_URL/readyz" >/dev/null 2>&1 && break
    is_running schema-registry || { tail -n 30 "$LOGS_DIR/schema-registry.log" >&2; die "schema registry exited during start (log: $LOGS_DIR/schema-registry.log)"; }
    sleep 0.2
  done
  curl -fsS "$SCHEMA_REGISTRY_URL/readyz" >/dev/null 2>&1 ||
    die "schema registry did not become ready within 20 s (log: $LOGS_DIR/schema-registry.log)"
  log "schema registry: $SCHEMA_REGISTRY_URL (log: .stack/logs/schema-registry.log)"
else
  log "schema registry: using external $SCHEMA_REGISTRY_URL"
fi

log "topics and schemas:"
SCHEMA_REGISTRY_URL=$BOOTSTRAP_REGISTRY_URL node --import tsx deploy/local/bootstrap.ts
