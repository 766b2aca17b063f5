#!/usr/bin/env bash
# Local infrastructure for hark: a single-node Kafka (KRaft) run from Maven Central jars
# with the machine's Java 17, and PostgreSQL. All runtime state is in <repo>/.stack.
#
#   deploy/local/stack.sh up       start whatever is not running (idempotent), then after-up.sh
#   deploy/local/stack.sh down     stop every process started here, in reverse start order
#   deploy/local/stack.sh status   one line per part; exit 3 if something is not running
#   deploy/local/stack.sh reset    down, then wipe the Kafka data (topics, offsets)
#
# Env: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), KAFKA_HEAP_OPTS (-Xmx768m -Xms256m),
#      KAFKA_START_TIMEOUT (90 s), PG_PORT (5432), PG_DATABASE (hark), PG_CLUSTER (main).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR
. "$HERE/lib.sh"

KAFKA_PORT=${KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
KAFKA_HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xmx768m -Xms256m}
KAFKA_START_TIMEOUT=${KAFKA_START_TIMEOUT:-90}
PG_HOST=127.0.0.1
PG_PORT=${PG_PORT:-5432}
PG_DATABASE=${PG_DATABASE:-hark}
PG_CLUSTER=${PG_CLUSTER:-main}

KAFKA_DIR=$STACK_DIR/kafka
DATA_DIR=$KAFKA_DIR/data
PROPS=$KAFKA_DIR/server.properties
LOG4J=$HERE/kafka/log4j.properties
CLUSTER_ID_FILE=$KAFKA_DIR/cluster-id
KAFKA_LOG=$LOGS_DIR/kafka.log
KAFKA_OUT=$LOGS_DIR/kafka.out
PG_MARKER=$PIDS_DIR/postgres.started-by-stack

KAFKA_BOOTSTRAP=127.0.0.1:$KAFKA_PORT
DATABASE_URL=postgres://postgres@$PG_HOST:$PG_PORT/$PG_DATABASE

rel() { printf '%s\n' "${1#"$HARK_ROOT"/}"; }

lock() {
  mkdir -p "$STACK_DIR" "$PIDS_DIR" "$LOGS_DIR"
  # Every command below that may leave a process behind (start_process, apt-get's postinst,
  # pg_ctlcluster, after-up.sh) runs with 9>&-: a daemon inheriting fd 9 would hold the lock.
  exec 9>"$STACK_DIR/stack.lock"
  flock -w 300 9 || die "another stack.sh up/down has held $STACK_DIR/stack.lock for 5 minutes"
}

# ---------------------------------------------------------------- prerequisites

check_java() {
  command -v java >/dev/null ||
    die "java not found: install Java 17 (apt-get install -y openjdk-17-jre-headless)"
  local ver major
  ver=$(java -version 2>&1 | awk -F'"' '/version/ {print $2; exit}')
  major=${ver%%.*}
  [[ $major == 1 ]] && major=$(cut -d. -f2 <<<"$ver") # 1.8.0_x style
  if ! [[ $major =~ ^[0-9]+$ ]] || ((major < 17)); then
    die "java ${ver:-?} found, Kafka here needs 17+: apt-get install -y openjdk-17-jre-headless (and select it with update-alternatives --config java)"
  fi
}

check_mvn() {
  command -v mvn >/dev/null ||
    die "mvn not found (needed once to fetch the Kafka jars): install Maven (apt-get install -y maven)"
}

# "name (pid N)" of whatever listens on a TCP port, if ss can tell.
who_listens() {
  command -v ss >/dev/null || { echo "unknown process"; return; }
  local line
  line=$(ss -ltnpH "sport = :$1" 2>/dev/null | head -n1)
  if [[ $line =~ users:\(\(\"([^\"]+)\",pid=([0-9]+) ]]; then
    echo "${BASH_REMATCH[1]} (pid ${BASH_REMATCH[2]})"
  else
    echo "unknown process"
  fi
}

# ---------------------------------------------------------------- kafka

# Brokers started from this checkout's config, whether or not a pidfile knows them.
our_broker_pids() {
  local pid last
  for pid in $(pgrep -f 'kafka\.Kafka ' 2>/dev/null || true); do
    last=$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | tail -n1) || continue
    [[ $last == "$PROPS" ]] && echo "$pid"
  done
  return 0
}

resolve_jars() {
  local hash tmp
  hash=$(sha256sum "$HERE/pom.xml" | cut -d' ' -f1)
  if [[ -f $KAFKA_LIBS/.pom.sha256 && $(cat "$KAFKA_LIBS/.pom.sha256") == "$hash" ]]; then
    return 0
  fi
  check_mvn
  log "kafka: resolving broker jars from Maven Central into $(rel "$KAFKA_LIBS") (first time ~50 MB, up to a minute) ..."
  tmp=$KAFKA_LIBS.tmp.$$
  rm -rf "$tmp"
  # sed: Maven 3.8 prints colour resets even with -q -B
  if ! mvn -q -B -f "$HERE/pom.xml" dependency:copy-dependencies -DoutputDirectory="$tmp" \
    </dev/null 2>&1 | sed 's/\x1b\[[0-9;]*m//g'; then
    rm -rf "$tmp"
    die "maven could not resolve the Kafka jars (output above); it needs Maven Central"
  fi
  echo "$hash" >"$tmp/.pom.sha256"
  rm -rf "$KAFKA_LIBS"
  mv "$tmp" "$KAFKA_LIBS"
  log "kafka: $(find "$KAFKA_LIBS" -name '*.jar' | wc -l) jars cached"
}

render_config() {
  mkdir -p "$KAFKA_DIR" "$DATA_DIR" "$LOGS_DIR"
  sed -e "s|@KAFKA_PORT@|$KAFKA_PORT|g" \
    -e "s|@KAFKA_CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" \
    -e "s|@DATA_DIR@|$DATA_DIR|g" \
    "$HERE/kafka/server.properties" >"$PROPS.tmp"
  mv "$PROPS.tmp" "$PROPS"
}

# A Kafka Uuid: 16 random bytes, base64url without padding.
# A base64url UUID as StorageTool wants. It is passed as --cluster-id=<id>: an id that
# starts with '-' (1 run in 64) would otherwise be read as an option.
new_cluster_id() {
  head -c16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '='
}

format_storage() {
  [[ -f $DATA_DIR/meta.properties ]] && return 0
  [[ -s $CLUSTER_ID_FILE ]] || new_cluster_id >"$CLUSTER_ID_FILE"
  local id
  id=$(cat "$CLUSTER_ID_FILE")
  log "kafka: formatting $(rel "$DATA_DIR") (cluster id $id)"
  kafka_java kafka.tools.StorageTool format --cluster-id="$id" --config="$PROPS" >>"$KAFKA_OUT" 2>&1 ||
    die "kafka: formatting storage failed, see $(rel "$KAFKA_OUT")"
}

kafka_failed() {
  printf 'error: %s\n' "$1" >&2
  printf -- '--- last 30 lines of %s ---\n' "$KAFKA_LOG" >&2
  tail -n 30 "$KAFKA_LOG" >&2 2>/dev/null || echo "(no log yet)" >&2
  if [[ -s $KAFKA_OUT ]]; then
    printf -- '--- last 10 lines of %s ---\n' "$KAFKA_OUT" >&2
    tail -n 10 "$KAFKA_OUT" >&2
  fi
  stop_process kafka >&2
  exit 1
}

# Ready = the broker logged "Kafka Server started" after $1 bytes of kafka.log
# (earlier runs append to the same file) and accepts TCP on its port.
wait_kafka_ready() {
  local offset=$1 deadline=$((SECONDS + KAFKA_START_TIMEOUT)) size
  while true; do
    is_running kafka || kafka_failed "kafka: the broker exited during startup"
    size=$(stat -c %s "$KAFKA_LOG" 2>/dev/null || echo 0)
    ((size < offset)) && offset=0 # the appender rolled the file
    if tail -c +"$((offset + 1))" "$KAFKA_LOG" 2>/dev/null | grep -q 'Kafka Server started' &&
      port_open 127.0.0.1 "$KAFKA_PORT"; then
      return 0
    fi
    ((SECONDS < deadline)) ||
      kafka_failed "kafka: not ready after ${KAFKA_START_TIMEOUT}s (log: $KAFKA_LOG). A broker with a large data directory ($(du -sh "$DATA_DIR" 2>/dev/null | cut -f1) in $(rel "$DATA_DIR"), e.g. topics and groups left by test runs, takes longer to load: raise KAFKA_START_TIMEOUT, or wipe the local broker's data with 'make stack-reset'"
    sleep 0.5
  done
}

start_kafka() {
  local pid
  # A pid that is alive but not listening (a broker that crashed and is still going down) is
  # waited for briefly, then stopped, and a fresh broker started; only a listening one is reused.
  if is_running kafka && await_serving kafka "$KAFKA_PORT" "${KAFKA_DYING_WAIT:-15}"; then
    log "kafka: already running (pid $(_pid_of kafka), $KAFKA_BOOTSTRAP)"
    return 0
  fi
  pid=$(our_broker_pids | head -n1)
  if [[ -n $pid ]]; then
    log "kafka: found a running broker of this checkout without pidfile (pid $pid); adopting it"
    adopt_process kafka "$pid"
    wait_for_port 127.0.0.1 "$KAFKA_PORT" "$KAFKA_START_TIMEOUT" kafka ||
      kafka_failed "kafka: adopted broker does not listen on $KAFKA_PORT"
    return 0
  fi

  local port
  for port in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    if port_open 127.0.0.1 "$port"; then
      die "port $port is already in use by $(who_listens "$port"), not by this stack's broker: stop it, or pick other ports with KAFKA_PORT / KAFKA_CONTROLLER_PORT"
    fi
  done

  resolve_jars
  render_config
  format_storage

  local heap offset
  read -r -a heap <<<"$KAFKA_HEAP_OPTS"
  offset=$(stat -c %s "$KAFKA_LOG" 2>/dev/null || echo 0)
  start_process kafka "$KAFKA_OUT" \
    java "${heap[@]}" -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent \
    -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$LOG4J" -Dkafka.logs.dir="$LOGS_DIR" \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$PROPS"
  log "kafka: waiting for the broker on $KAFKA_BOOTSTRAP (up to ${KAFKA_START_TIMEOUT}s) ..."
  local t0=$SECONDS
  wait_kafka_ready "$offset"
  log "kafka: ready after $((SECONDS - t0))s"
}

# Stop brokers of this checkout that no pidfile knows about (e.g. .stack/pids was deleted).
stop_stray_brokers() {
  local pid pgid i
  for pid in $(our_broker_pids); do
    log "kafka: stopping stray broker pid $pid"
    pgid=$(ps -o pgid= -p "$pid" | tr -d ' ')
    # only signal the group if the broker leads it, never our own group
    [[ $pgid == "$pid" ]] && _kill_group TERM "$pid" || kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 200; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  done
}

# ---------------------------------------------------------------- postgres

pg_ready() { pg_isready -q -h "$PG_HOST" -p "$PG_PORT" 2>/dev/null; }

pg_psql() { psql -X -q -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U postgres "$@"; }

apt_install() {
  [[ $EUID -eq 0 ]] || die "$* is not installed: run 'sudo apt-get install -y $*'"
  command -v apt-get >/dev/null || die "$* is not installed and there is no apt-get: install PostgreSQL 15 yourself"
  log "postgres: installing $* with apt-get (one-off, about a minute; log $(rel "$LOGS_DIR")/apt.log) ..."
  export DEBIAN_FRONTEND=noninteractive
  # a fresh machine may have no package lists yet: update once and retry
  if ! apt-get install -y -q "$@" >>"$LOGS_DIR/apt.log" 2>&1 9>&-; then
    if ! { apt-get update -q && apt-get install -y -q "$@"; } >>"$LOGS_DIR/apt.log" 2>&1 9>&-; then
      die "apt-get install $* failed, see $(rel "$LOGS_DIR")/apt.log"
    fi
  fi
}

# Newest installed server version, e.g. 15.
pg_server_version() {
  find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/postgres' 2>/dev/null |
    awk -F/ '{print $5}' | sort -V | tail -n1
}

# Trust TCP logins from loopback (dev machine): prepended, since the first matching line wins.
pg_trust_loopback() {
  local hba=$1 tmp
  grep -q '^# hark local stack' "$hba" && return 0
  tmp=$(mktemp)
  {
    echo '# hark local stack: trust loopback TCP logins (dev machine only)'
    echo 'host    all             all             127.0.0.1/32            trust'
    echo 'host    all             all             ::1/128                 trust'
    cat "$hba"
  } >"$tmp"
  cat "$tmp" >"$hba" # keeps owner and mode
  rm -f "$tmp"
}

start_postgres() {
  local ver i
  if command -v pg_isready >/dev/null && pg_ready; then
    if [[ -f $PG_MARKER ]]; then
      log "postgres: already running (started by this stack, $PG_HOST:$PG_PORT)"
    else
      log "postgres: using the running server at $PG_HOST:$PG_PORT"
    fi
  else
    if ! command -v pg_ctlcluster >/dev/null || [[ -z $(pg_server_version) ]]; then
      if ! command -v pg_ctlcluster >/dev/null && port_open "$PG_HOST" "$PG_PORT"; then
        apt_install postgresql-client # a server answers, only the client tools are missing
      else
        apt_install postgresql
      fi
    fi
  fi

  if ! pg_ready; then
    ver=$(pg_server_version)
    [[ -n $ver ]] || die "postgres: no server binaries under /usr/lib/postgresql after install"
    if [[ ! -f /etc/postgresql/$ver/$PG_CLUSTER/postgresql.conf ]]; then
      log "postgres: creating cluster $ver/$PG_CLUSTER on port $PG_PORT"
      pg_createcluster "$ver" "$PG_CLUSTER" -p "$PG_PORT" >>"$LOGS_DIR/postgres.out" 2>&1 9>&- ||
        die "pg_createcluster $ver $PG_CLUSTER failed, see $(rel "$LOGS_DIR")/postgres.out"
    fi
    pg_trust_loopback "/etc/postgresql/$ver/$PG_CLUSTER/pg_hba.conf"
    log "postgres: starting cluster $ver/$PG_CLUSTER"
    # apt's postinst may have started it already; then only reload pg_hba.conf
    if pg_ctlcluster "$ver" "$PG_CLUSTER" status >/dev/null 2>&1; then
      pg_ctlcluster --skip-systemctl-redirect "$ver" "$PG_CLUSTER" reload >>"$LOGS_DIR/postgres.out" 2>&1 9>&-
    else
      pg_ctlcluster --skip-systemctl-redirect "$ver" "$PG_CLUSTER" start >>"$LOGS_DIR/postgres.out" 2>&1 9>&- ||
        die "postgres: pg_ctlcluster $ver $PG_CLUSTER start failed, see $(rel "$LOGS_DIR")/postgres.out and /var/log/postgresql/"
    fi
    echo "$ver $PG_CLUSTER" >"$PG_MARKER"
    for ((i = 0; i < 60; i++)); do
      pg_ready && break
      sleep 0.5
    done
    pg_ready || die "postgres: cluster $ver/$PG_CLUSTER started but $PG_HOST:$PG_PORT does not answer (is its port $PG_PORT? see /var/log/postgresql/)"
    log "postgres: ready on $PG_HOST:$PG_PORT"
  fi

  local exists
  exists=$(pg_psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$PG_DATABASE'") ||
    die "postgres: cannot log in as postgres on $PG_HOST:$PG_PORT; it needs 'host all all 127.0.0.1/32 trust' in pg_hba.conf"
  if [[ $exists != 1 ]]; then
    pg_psql -d postgres -c "CREATE DATABASE \"$PG_DATABASE\"" ||
      die "postgres: could not create database $PG_DATABASE"
    log "postgres: created database $PG_DATABASE"
  fi
}

stop_postgres() {
  if [[ ! -f $PG_MARKER ]]; then
    log "postgres: left running (not started by this stack)"
    return 0
  fi
  local ver cluster
  read -r ver cluster <"$PG_MARKER"
  log "postgres: stopping cluster $ver/$cluster (started by this stack)"
  pg_ctlcluster --skip-systemctl-redirect "$ver" "$cluster" stop >>"$LOGS_DIR/postgres.out" 2>&1 || true
  rm -f "$PG_MARKER"
}

# ---------------------------------------------------------------- commands

run_after_up() {
  local hook=$HERE/after-up.sh
  [[ -e $hook ]] || return 0
  if [[ ! -x $hook ]]; then
    log "warning: $(rel "$hook") exists but is not executable; skipped (chmod +x it)"
    return 0
  fi
  log "running $(rel "$hook") ..."
  export HARK_ROOT STACK_DIR PIDS_DIR LOGS_DIR KAFKA_LIBS KAFKA_BOOTSTRAP KAFKA_PORT \
    DATABASE_URL PG_HOST PG_PORT PG_DATABASE
  run_hook "$hook"
}

cmd_up() {
  lock
  local t0=$SECONDS
  check_java
  start_kafka
  start_postgres
  run_after_up
  echo
  echo "hark local stack is up ($((SECONDS - t0))s):"
  echo "  Kafka       $KAFKA_BOOTSTRAP (KRaft controller 127.0.0.1:$KAFKA_CONTROLLER_PORT), pid $(_pid_of kafka)"
  echo "  PostgreSQL  $DATABASE_URL"
  echo "  Logs        $(rel "$LOGS_DIR")/ (broker: kafka.log)"
  echo "  Stop with   deploy/local/stack.sh down"
}

cmd_down() {
  lock
  local name
  for name in $(registered_names_reverse); do
    stop_process "$name"
  done
  stop_stray_brokers
  stop_postgres
  if [[ -n $(our_broker_pids) ]]; then
    die "a broker of this checkout is still running: $(our_broker_pids | paste -sd' ')"
  fi
  log "stack is down"
}

cmd_status() {
  local all_up=0 name pid ports
  if is_running kafka; then
    pid=$(_pid_of kafka)
    ports=$(listening_ports "$pid")
    printf '%-16s running  pid %-8s %s\n' kafka "$pid" "${ports:-(not listening yet)}"
  else
    printf '%-16s stopped  %-12s %s\n' kafka "" "$KAFKA_PORT"
    pid=$(our_broker_pids | paste -sd' ')
    [[ -z $pid ]] || echo "  (but a broker of this checkout runs without pidfile: pid $pid; 'up' adopts it, 'down' stops it)"
    all_up=3
  fi
  if command -v pg_isready >/dev/null && pg_ready; then
    printf '%-16s running  %-12s %s  %s\n' postgres "" "$PG_PORT" \
      "$([[ -f $PG_MARKER ]] && echo "(started by stack)" || echo "(shared system server)")"
  else
    printf '%-16s stopped  %-12s %s\n' postgres "" "$PG_PORT"
    all_up=3
  fi
  for name in $(registered_names_reverse | tac); do
    [[ $name == kafka ]] && continue
    if is_running "$name"; then
      pid=$(_pid_of "$name")
      printf '%-16s running  pid %-8s %s\n' "$name" "$pid" "$(listening_ports "$pid")"
    else
      printf '%-16s stopped  (stale pidfile)\n' "$name"
      all_up=3
    fi
  done
  return "$all_up"
}

cmd_reset() {
  cmd_down
  log "wiping $(rel "$DATA_DIR")"
  rm -rf "$DATA_DIR"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  reset) cmd_reset ;;
  *)
    echo "usage: $0 up|down|status|reset" >&2
    exit 2
    ;;
esac
