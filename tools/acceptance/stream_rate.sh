#!/usr/bin/env bash
# Acceptance run for streaming (issue 3): starts camemu, streams with Aravis's
# arv-camera-test for each configuration and prints the measured frame rate
# next to ResultingFrameRateAbs, failures, missing frames and camemu's CPU.
#
#   tools/acceptance/stream_rate.sh [--duration S] [--address 127.0.0.N] [--matrix] [--packet-socket]
#
# Without --matrix it measures the default configuration only (4096x2168 Mono8,
# 1500-byte packets). Loopback only; it kills only the camemu it started.
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=20
address=127.0.0.1
matrix=0
socket_option=--no-packet-socket
camemu=${CAMEMU:-build/emulator/camemu}
while (($#)); do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --address) address=$2; shift 2 ;;
    --matrix) matrix=1; shift ;;
    --packet-socket) socket_option=""; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
control_port=$((18700 + RANDOM % 200))
api=http://127.0.0.1:$control_port/api/v1

"$camemu" --interface "$address" --control 127.0.0.1:$control_port >/tmp/stream_rate_camemu.log 2>&1 &
camemu_pid=$!
trap 'kill $camemu_pid 2>/dev/null; wait $camemu_pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf "$api/status" >/dev/null && break; sleep 0.2; done

set_feature() { curl -sf -X PUT "$api/camera/features/$1" -d "{\"value\":$2}" >/dev/null; }
get_feature() { curl -sf "$api/camera/features/$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["value"])'; }
cpu_ticks() { awk '{print $14 + $15}' /proc/$camemu_pid/stat; }

measure() {  # format height packet_size
  set_feature PixelFormat "\"$1\""
  set_feature OffsetY 0
  set_feature Height "$2"
  set_feature GevSCPSPacketSize "$3"
  local expected; expected=$(get_feature ResultingFrameRateAbs)
  local ticks_before; ticks_before=$(cpu_ticks)
  local start; start=$(date +%s%N)
  local out; out=$(timeout $((duration + 30)) arv-camera-test-0.8 -n "$address" $socket_option --duration="$duration" 2>&1 || true)
  local elapsed; elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
  local ticks_after; ticks_after=$(cpu_ticks)
  python3 - "$1" "$2" "$3" "$expected" "$elapsed" "$((ticks_after - ticks_before))" "$(getconf CLK_TCK)" <<PY
import re, sys
fmt, height, packet, expected, elapsed, ticks, hz = sys.argv[1:]
out = """$out"""
rates = [float(m) for m in re.findall(r"^\s*([0-9.]+) frame/s", out, re.M)]
steady = rates[1:-1] if len(rates) > 3 else rates
fps = sum(steady) / len(steady) if steady else 0.0
field = lambda name: int(re.search(name + r"\s*=\s*(\d+)", out).group(1)) if re.search(name + r"\s*=", out) else -1
cpu = float(ticks) / float(hz) / (float(elapsed) / 1000) * 100
print(f"{fmt:13s} {height:>5s} {packet:>5s}  expected {float(expected):7.2f} fps  measured {fps:7.2f} fps "
      f"({(fps / float(expected) - 1) * 100:+5.1f} %)  completed {field('n_completed_buffers'):5d}  "
      f"failures {field('n_failures'):4d}  missing {field('n_missing_frames'):4d}  resent {field('n_resent_packets'):6d}  "
      f"camemu CPU {cpu:5.1f} %")
PY
}

echo "arv-camera-test ${socket_option:-(packet socket)} for ${duration}s against camemu on $address"
if ((matrix)); then
  for fmt in Mono8 Mono12 Mono12Packed; do
    for height in 2176 1080 500; do
      for packet in 1500 8192; do measure $fmt $height $packet; done
    done
  done
else
  set_feature OffsetY 4
  measure Mono8 2168 1500
fi
