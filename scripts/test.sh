#!/usr/bin/env bash
# Builds everything and runs every test suite with ctest (the README's test command).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
# Benchmarks are not tests: the test build leaves them out (see README, Benchmarks).
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DCAMEMU_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build build -j"$(nproc)"
# The end-to-end tests run real clients against camemu on two shared cores; a
# test that fails is run once more so that a scheduling hiccup is told apart
# from a fault (a real fault fails twice). Failures stay visible in the log.
cd build && ctest --output-on-failure --timeout 600 -j"$(nproc)" --repeat until-pass:2
