#!/usr/bin/env bash
# Installs `prometheus` and `promtool` from Debian's prometheus package when
# either is missing; does nothing when both are on the PATH. Idempotent.
#   deploy/prometheus/install.sh
#
# The package enables and starts a system Prometheus on :9090 where systemd
# (or another init) runs; hark's tests and the local stack start their own
# Prometheus on a free port, so that server is stopped and disabled again.
# Recommends (node-exporter on :9100, alertmanager) are left out for the same reason.
set -euo pipefail

if command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; then
  echo "prometheus and promtool present: $(promtool --version 2>&1 | head -n 1)"
  exit 0
fi

command -v apt-get >/dev/null 2>&1 || {
  echo "error: promtool/prometheus missing and apt-get unavailable: install Prometheus 2.x so that 'prometheus' and 'promtool' are on the PATH" >&2
  exit 1
}

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null 2>&1 || {
    echo "error: installing the prometheus package needs root (or sudo)" >&2
    exit 1
  }
  SUDO=(sudo)
fi

export DEBIAN_FRONTEND=noninteractive
# A fresh machine has no package lists yet; refresh them when the package is unknown.
if ! apt-cache show prometheus >/dev/null 2>&1; then
  "${SUDO[@]}" apt-get update -qq
fi
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends prometheus >/dev/null

# Stop and disable the packaged server if the install started it.
if command -v systemctl >/dev/null 2>&1 && [[ -d /run/systemd/system ]]; then
  "${SUDO[@]}" systemctl disable --now prometheus.service >/dev/null 2>&1 || true
elif command -v service >/dev/null 2>&1; then
  "${SUDO[@]}" service prometheus stop >/dev/null 2>&1 || true
  command -v update-rc.d >/dev/null 2>&1 && { "${SUDO[@]}" update-rc.d prometheus disable >/dev/null 2>&1 || true; }
fi

command -v promtool >/dev/null 2>&1 || {
  echo "error: the prometheus package installed, yet promtool is not on the PATH" >&2
  exit 1
}
echo "installed prometheus and promtool: $(promtool --version 2>&1 | head -n 1)"
