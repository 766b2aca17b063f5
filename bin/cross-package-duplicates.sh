#!/usr/bin/env bash
# Issue 16's check: the `duplicates` rows (the tool library's command) whose two places
# are in the src/ trees of two different packages. Copies libs/*/src and services/*/src
# to a scratch folder, so tests, benches and scripts do not crowd the list.
#   bin/cross-package-duplicates.sh [--min-lines N]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for d in "$root"/libs/*/src "$root"/services/*/src; do
  rel=${d#"$root"/}
  mkdir -p "$scratch/$rel" && cp -r "$d/." "$scratch/$rel/"
done
duplicates --repo "$scratch" --most 200 --seconds 180 "$@" | awk '
  NR == 1 { print; next }
  /^D[0-9]+ / {
    split($2, a, "/"); split($4, b, "/")
    if (a[1] "/" a[2] != b[1] "/" b[2]) { print; n++ }
    next
  }
  /^\(|^left|^incomplete/ { print }
  END { printf "%d pairs across two packages\n", n }'
