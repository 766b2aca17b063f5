#!/usr/bin/env bash
# Runs a command and restarts it when it fails, with exponential backoff, as a
# cluster's supervisor would (Kubernetes restartPolicy, systemd Restart=on-failure).
#
#   deploy/local/supervise.sh <name> <cmd...>
#
# A non-zero exit or a death by signal restarts the command after 1 s, then 2,
# 4, … up to 30 s (HARK_SUPERVISE_BACKOFF_S, HARK_SUPERVISE_BACKOFF_MAX_S); a run
# that lasted a minute resets the delay. Exit 0 ends supervision. Stop it by
# signalling its process group (lib.sh's stop_process does): the command gets the
# signal itself, once (a second SIGTERM would cut a service's graceful shutdown
# short); the supervisor waits for it to end and exits 0 (the service logs how its
# shutdown went).
set -u
name=${1:?usage: supervise.sh <name> <cmd...>}
shift
[[ $# -gt 0 ]] || { echo "supervise.sh $name: no command given" >&2; exit 2; }
initial=${HARK_SUPERVISE_BACKOFF_S:-1}
max=${HARK_SUPERVISE_BACKOFF_MAX_S:-30}
stopping=0
on_signal() { stopping=1; }
trap on_signal TERM INT

delay=$initial
restarts=0
while :; do
  started=$SECONDS
  "$@" &
  child=$!
  code=0
  wait "$child" || code=$?
  # A trapped signal ends `wait` early: wait until the command has really gone.
  while ((stopping)) && kill -0 "$child" 2>/dev/null; do
    wait "$child" 2>/dev/null || true
  done
  child=
  ((stopping)) && exit 0
  ((code == 0)) && exit 0
  ((SECONDS - started >= 60)) && delay=$initial
  restarts=$((restarts + 1))
  printf '=== %s supervise: %s exited with code %s; restart %s in %ss\n' \
    "$(date '+%F %T')" "$name" "$code" "$restarts" "$delay"
  sleep "$delay" &
  wait $! 2>/dev/null
  ((stopping)) && exit 0
  delay=$(awk -v d="$delay" -v m="$max" 'BEGIN { d *= 2; print (d > m ? m : d) }')
done
