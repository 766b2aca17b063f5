# shellcheck shell=bash disable=SC2016,SC2034
# Process helpers for the local stack. Source it:  . deploy/local/lib.sh
#
#   start_process <name> <logfile> <cmd...>   run cmd in the background in its own session;
#                                             pid in $PIDS_DIR/<name>.pid; no-op if running
#   stop_process <name>                       SIGTERM the process group, SIGKILL after 20 s
#   is_running <name>                         exit 0 if the pidfile's process is alive
#   wait_for_port <host> <port> <timeout-s> <name>
#   port_open <host> <port>                   exit 0 if something accepts TCP there
#   kafka_java <main-class> <args...>         run a Kafka CLI class on the cached classpath, e.g.
#       kafka_java org.apache.kafka.tools.TopicCommand --bootstrap-server 127.0.0.1:9092 --list
#
# All runtime state lives in $STACK_DIR (default: <repo>/.stack).

HARK_ROOT="${HARK_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
STACK_DIR="${STACK_DIR:-$HARK_ROOT/.stack}"
PIDS_DIR="$STACK_DIR/pids"
LOGS_DIR="$STACK_DIR/logs"
# start order, one name per line; `stack.sh down` stops in reverse
ORDER_FILE="$PIDS_DIR/start-order"

KAFKA_LIBS="$STACK_DIR/kafka-libs"

log() { printf '%s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

_pid_of() { [[ -s "$PIDS_DIR/$1.pid" ]] && head -n1 "$PIDS_DIR/$1.pid"; }

# Field 22 of /proc/<pid>/stat (start time in clock ticks): guards against pid reuse.
_start_time() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  local -a fields
  read -r -a fields <<<"${stat##*) }" # drop "pid (comm) "; comm may contain spaces
  printf '%s\n' "${fields[19]}"
}

is_running() {
  local name=$1 pid recorded
  pid=$(_pid_of "$name") || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  if [[ -s "$PIDS_DIR/$name.start" ]]; then
    recorded=$(cat "$PIDS_DIR/$name.start")
    [[ "$(_start_time "$pid")" == "$recorded" ]] || return 1
  fi
}

_record_start() {
  local name=$1 pid=$2
  _start_time "$pid" >"$PIDS_DIR/$name.start" 2>/dev/null || rm -f "$PIDS_DIR/$name.start"
  if ! grep -qxF "$name" "$ORDER_FILE" 2>/dev/null; then
    printf '%s\n' "$name" >>"$ORDER_FILE"
  fi
}

start_process() {
  local name=$1 logfile=$2
  shift 2
  [[ $# -gt 0 ]] || die "start_process $name: no command given"
  mkdir -p "$PIDS_DIR" "$(dirname "$logfile")"
  if is_running "$name"; then
    log "$name: already running (pid $(_pid_of "$name"))"
    return 0
  fi
  rm -f "$PIDS_DIR/$name.pid" "$PIDS_DIR/$name.start"
  # setsid makes the command a session and process-group leader, so stop_process can
  # signal the whole group. The inner shell writes its own pid (setsid may fork, so $!
  # is not reliable) and then execs the command, keeping that pid.
  local pidfile="$PIDS_DIR/$name.pid"
  printf '\n=== %s starting %s: %s\n' "$(date '+%F %T')" "$name" "$*" >>"$logfile"
  # fd 9 is stack.sh's lock; the child must not inherit it.
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@" \
    </dev/null >>"$logfile" 2>&1 9>&- &
  local i
  for ((i = 0; i < 50; i++)); do
    [[ -s $pidfile ]] && break
    sleep 0.1
  done
  [[ -s $pidfile ]] || die "$name: did not start (see $logfile)"
  _record_start "$name" "$(_pid_of "$name")"
  log "$name: started (pid $(_pid_of "$name"), log $logfile)"
}

# Adopt an already running process (e.g. one whose pidfile was lost).
adopt_process() {
  local name=$1 pid=$2
  mkdir -p "$PIDS_DIR"
  printf '%s\n' "$pid" >"$PIDS_DIR/$name.pid"
  _record_start "$name" "$pid"
}

_group_alive() { kill -0 -- "-$1" 2>/dev/null; }

# Signal a process group, falling back to the single pid if it leads no group.
_kill_group() {
  local sig=$1 pgid=$2
  kill "-$sig" -- "-$pgid" 2>/dev/null || kill "-$sig" "$pgid" 2>/dev/null || true
}

stop_process() {
  local name=$1 pid i
  if ! is_running "$name"; then
    rm -f "$PIDS_DIR/$name.pid" "$PIDS_DIR/$name.start"
    _forget "$name"
    return 0
  fi
  pid=$(_pid_of "$name")
  log "$name: stopping (pid $pid)"
  _kill_group TERM "$pid"
  for ((i = 0; i < 200; i++)); do
    _group_alive "$pid" || kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if _group_alive "$pid" || kill -0 "$pid" 2>/dev/null; then
    log "$name: still alive after 20 s, sending SIGKILL"
    _kill_group KILL "$pid"
    for ((i = 0; i < 50; i++)); do
      _group_alive "$pid" || kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  fi
  rm -f "$PIDS_DIR/$name.pid" "$PIDS_DIR/$name.start"
  _forget "$name"
  log "$name: stopped"
}

_forget() {
  [[ -f $ORDER_FILE ]] || return 0
  local rest
  rest=$(grep -vxF "$1" "$ORDER_FILE" || true)
  printf '%s' "${rest:+$rest$'\n'}" >"$ORDER_FILE"
}

port_open() {
  timeout 1 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null
}

wait_for_port() {
  local host=$1 port=$2 timeout_s=$3 name=$4 deadline
  deadline=$((SECONDS + timeout_s))
  until port_open "$host" "$port"; do
    if ((SECONDS >= deadline)); then
      printf 'error: %s did not open %s:%s within %ss\n' "$name" "$host" "$port" "$timeout_s" >&2
      return 1
    fi
    sleep 0.3
  done
}

# Listening TCP ports of a process group, e.g. "9092,9093" (needs ss from iproute2).
listening_ports() {
  local pgid=$1 pids
  command -v ss >/dev/null || return 0
  pids=$(pgrep -g "$pgid" 2>/dev/null | paste -sd'|') || true
  [[ -n $pids ]] || return 0
  ss -ltnpH 2>/dev/null | grep -E "pid=($pids)," | awk '{print $4}' |
    sed 's/.*://' | sort -un | paste -sd, || true
}

# Names to stop, in order: pidfiles that start_process did not register (started by
# other means, most likely after the rest), then the registered ones in reverse start order.
registered_names_reverse() {
  local f name
  for f in "$PIDS_DIR"/*.pid; do
    [[ -e $f ]] || continue
    name=$(basename "$f" .pid)
    grep -qxF "$name" "$ORDER_FILE" 2>/dev/null || printf '%s\n' "$name"
  done
  [[ -f $ORDER_FILE ]] && tac "$ORDER_FILE" | awk 'NF && !seen[$0]++'
  return 0
}

kafka_java() {
  [[ -d $KAFKA_LIBS ]] || die "no Kafka jars in $KAFKA_LIBS: run deploy/local/stack.sh up first"
  # short-lived tools: small heap, C1 only and serial GC start noticeably faster on 2 cores
  java -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
    -Dlog4j.configuration="file:$HARK_ROOT/deploy/local/kafka/tools-log4j.properties" \
    -cp "$KAFKA_LIBS/*" "$@"
}

# The local registry's two identities (HTTP basic auth): `reader` for the services, `writer`
# for deployment (after-up.sh registers the schemas with it) and the tests, which register
# schemas of their own. Generated once into the gitignored state folder, like the privacy key.
REGISTRY_USERS_FILE="$STACK_DIR/registry-users"
ensure_registry_users() {
  [[ -s $REGISTRY_USERS_FILE ]] && return 0
  mkdir -p "$STACK_DIR"
  (
    umask 077
    printf 'reader=hark-services:%s\nwriter=hark-deploy:%s\n' \
      "$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')" \
      "$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')" >"$REGISTRY_USERS_FILE"
  )
}
# registry_user reader|writer → user:password (empty when no file)
registry_user() {
  [[ -s $REGISTRY_USERS_FILE ]] || return 0
  sed -n "s/^$1=//p" "$REGISTRY_USERS_FILE"
}
# registry_url_as reader|writer <url> → the URL with that identity's credentials in it
registry_url_as() {
  local info
  info=$(registry_user "$1")
  if [[ -z $info ]]; then printf '%s\n' "$2"; else printf '%s\n' "${2/:\/\//://$info@}"; fi
}

# A process the pidfile names may be alive and still not serve: a broker that crashed and is
# shutting down (or hung) answers kill -0 but not on its port. `await_serving <name> <port>
# <timeout-s>` waits for it to listen (exit 0); if it exits meanwhile, or still does not listen
# when the time is up, it is stopped (SIGTERM, then SIGKILL) and the pidfile removed (exit 1),
# so the caller starts a fresh one instead of trusting a dying pid.
await_serving() {
  local name=$1 port=$2 timeout_s=$3 deadline
  deadline=$((SECONDS + timeout_s))
  while is_running "$name"; do
    port_open 127.0.0.1 "$port" && return 0
    if ((SECONDS >= deadline)); then
      log "$name: pid $(_pid_of "$name") runs but has not answered on port $port for ${timeout_s}s; stopping it"
      stop_process "$name"
      return 1
    fi
    sleep 0.5
  done
  log "$name: its process exited"
  stop_process "$name"
  return 1
}

# run_hook <script>: runs a hook with the stack's lock closed, and dies with its real exit code.
run_hook() {
  local hook=$1 rc=0
  "$hook" 9>&- || rc=$?
  ((rc == 0)) || die "${hook#"$HARK_ROOT"/} failed (exit $rc)"
}
