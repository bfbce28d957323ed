#!/usr/bin/env bash
# Installs the Debian 12 packages oitwatch builds and tests with, if missing.
# Safe to run repeatedly; needs root (or sudo) only when something is missing.
set -euo pipefail
PACKAGES=(
  cmake g++ make pkg-config
  libcurl4-openssl-dev libgumbo-dev libre2-dev libsqlitecpp-dev libsqlite3-dev
  libyaml-cpp-dev libpoppler-cpp-dev libcli11-dev nlohmann-json3-dev
  libcpp-httplib-dev libgtest-dev libssl-dev zlib1g-dev libbrotli-dev libzstd-dev
  libxxhash-dev libtcmalloc-minimal4
  python3 sqlite3 openssl
  chromium fonts-thai-tlwg
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "oitwatch: installing Debian packages: ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
