#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to a report: installs the Debian
# packages oitwatch needs (apt-get, as root or via sudo), builds it into
# ./build, and runs the main job -- `oitwatch run` over the 50 Bangkok district
# offices into ./oitwatch.db (embedded SQLite, no server) -- then prints the
# per-site report. Extra arguments go to `oitwatch run` (see `--help`).
#
# Exit status is oitwatch's: 4 means the run finished but some sites could not
# be checked (with no internet, every site is "unchecked" with its reason).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
exec build/app/oitwatch run --db "${OITWATCH_DB:-oitwatch.db}" "$@"
