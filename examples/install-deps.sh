#!/usr/bin/env bash
# Installs the Debian packages attune builds and runs with, when missing.
# Used by examples/quickstart.sh and tests/run.sh; runs apt-get with sudo
# when not root.  Extra package names may be given as arguments.
set -euo pipefail
pkgs=(cmake make gcc pkg-config libcsv-dev libgsl-dev libsqlite3-dev libcmocka-dev nettle-dev sqlite3 libcairo2-dev libpango1.0-dev fonts-dejavu-core fonts-wqy-microhei libmicrohttpd-dev libqrencode-dev libpq-dev "$@")
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing: ${missing[*]}" >&2
# wait for another apt-get (another build on the same machine) rather than fail
lock=(-o DPkg::Lock::Timeout=900)
$sudo apt-get "${lock[@]}" update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get "${lock[@]}" install -y -qq "${missing[@]}" >/dev/null
