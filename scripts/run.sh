#!/usr/bin/env bash
# Builds camemu and runs it with the embedded default configuration: a camera
# on 127.0.0.1 (GVCP UDP 3956) and the control API on 127.0.0.1:8642.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target camemu
exec ./build/emulator/camemu "$@"
