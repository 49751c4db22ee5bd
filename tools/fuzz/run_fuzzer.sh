#!/usr/bin/env bash
# Runs one of the libFuzzer targets in tools/fuzz under AddressSanitizer and
# UndefinedBehaviorSanitizer, inside a network namespace with only lo that
# this script makes (root only): fuzzed writes may point the stream and
# message channels at any address.
#
#   tools/fuzz/run_fuzzer.sh gvcp|control_api [--seconds S] [--jobs N] [-- LIBFUZZER_ARGS...]
#
# Builds build-fuzz/ with clang++ (installs clang if missing). The corpus grows
# in build-fuzz/TARGET-corpus (a run first replays all of it, which can take
# minutes more than --seconds once it has grown); a crash, leak, hang or (control_api) an HTTP 500
# leaves its input in build-fuzz/TARGET-artifacts and makes the script fail.
# Re-run one input inside a namespace with only lo (ip netns add NS;
# ip -n NS link set lo up): ip netns exec NS build-fuzz/tools/fuzz/TARGET_fuzzer FILE
# The camera lives on from one input to the next (control, user sets,
# acquisition), so an input alone may not reproduce what a run found; the
# run's log has the sanitizer's report either way.
set -euo pipefail
cd "$(dirname "$0")/../.."
case "${1:-}" in
  gvcp|control_api) target=$1; shift ;;
  *) echo "usage: $0 gvcp|control_api [--seconds S] [--jobs N] [-- LIBFUZZER_ARGS...]" >&2; exit 2 ;;
esac
seconds=300
jobs=1
while (($#)); do
  case "$1" in
    --seconds) [[ $# -ge 2 && $2 =~ ^[1-9][0-9]*$ ]] || { echo "--seconds needs a number" >&2; exit 2; }; seconds=$2; shift 2 ;;
    --jobs) [[ $# -ge 2 && $2 =~ ^[1-9][0-9]*$ ]] || { echo "--jobs needs a number" >&2; exit 2; }; jobs=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
((EUID == 0)) || { echo "the network namespace needs root" >&2; exit 2; }
command -v clang++ >/dev/null || { apt-get update && apt-get install -y --no-install-recommends clang; }
build=build-fuzz
cmake -S . -B $build -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCAMEMU_FUZZ=ON \
  -DCAMEMU_SANITIZE=ON -DCAMEMU_BUILD_TESTS=OFF -DCAMEMU_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build $build --target ${target}_fuzzer -j"$(nproc)"

ns=camemu-fuzz-$$
cleanup() { ip netns del "$ns" 2>/dev/null || true; }
trap cleanup EXIT
ip netns add "$ns"
ip -n "$ns" link set lo up
mkdir -p $build/$target-corpus $build/$target-artifacts
fuzzer=$(realpath $build/tools/fuzz/${target}_fuzzer)
dir=$(realpath $build)
# libFuzzer's -jobs writes each job's log to fuzz-N.log in the working directory.
parallel=()
if ((jobs > 1)); then parallel=(-jobs="$jobs" -workers="$jobs"); cd "$dir"; fi
# Seconds an input may take before libFuzzer calls it a hang: a gvcp input
# waits for each answer and for flash writes (user sets), a control_api input
# may set several scenes, each rendered first (seconds under the sanitizers).
timeout=60
[[ $target == control_api ]] && timeout=120
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ip netns exec "$ns" "$fuzzer" "$dir/$target-corpus" \
  -max_total_time="$seconds" -timeout=$timeout -rss_limit_mb=8192 -max_len=4096 \
  "${parallel[@]}" -artifact_prefix="$dir/$target-artifacts/" -print_final_stats=1 "$@"
