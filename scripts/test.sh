#!/usr/bin/env bash
# Runs the whole test suite from a clean or incremental build: installs the
# Debian packages if missing, builds with warnings as errors into
# ./build-test, then runs every test with ctest (2 jobs; tests use ephemeral
# loopback ports and temp dirs, so they can run in parallel).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake -S . -B build-test -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOITWATCH_WERROR=ON >/dev/null
cmake --build build-test -j"$(nproc)"
cd build-test
ctest -j"$(nproc)" --output-on-failure --timeout 600 "$@"
