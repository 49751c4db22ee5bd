#!/usr/bin/env bash
# Acceptance run for streaming (issue 3): starts camemu, streams with Aravis's
# arv-camera-test for each configuration and prints the measured frame rate
# next to ResultingFrameRateAbs, failures, missing frames and camemu's CPU.
#
#   tools/acceptance/stream_rate.sh [--duration S] [--address 127.0.0.N] [--packet-socket]
#                                   [--matrix | --one FORMAT HEIGHT PACKET_SIZE ...]
#
# --one may be repeated (one camemu for all, as with --matrix). Without
# --matrix or --one it measures the default configuration only
# (4096x2168 Mono8, 1500-byte packets). Loopback only; it kills only the
# camemu it started.
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=20
address=127.0.0.1
matrix=0
one=()
socket_option=--no-packet-socket
camemu=${CAMEMU:-build/emulator/camemu}
while (($#)); do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --address) address=$2; shift 2 ;;
    --matrix) matrix=1; shift ;;
    --one) one+=("$2 $3 $4"); shift 4 ;;
    --packet-socket) socket_option=""; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
control_port=$((18700 + RANDOM % 200))
api=http://127.0.0.1:$control_port/api/v1

"$camemu" --interface "$address" --control 127.0.0.1:$control_port ${CAMEMU_ARGS:-} >/tmp/stream_rate_camemu.log 2>&1 &
camemu_pid=$!
trap 'kill $camemu_pid 2>/dev/null; wait $camemu_pid 2>/dev/null || true' EXIT
source tools/acceptance/camemu_api.sh
wait_for_api

# One reading of the stream counters, with the camera time they were taken at.
stream_counters() { stream_fields camera_time_s frames_exposed frames_sent frames_dropped_buffer_full; }

# Over the run minus its first 3 s (start-up): the camera's frame rate
# (frames_exposed), the rate at which frames left (frames_sent, which bunches
# by a frame or two when the sender catches up after a hold, so short runs
# scatter), and frames the camera dropped because the link was behind; the
# client's counters (failures, missing frames and packets) show that what
# was sent arrived.
measure() {  # format height packet_size
  set_feature PixelFormat "\"$1\""
  set_feature OffsetY 0
  set_feature Height "$2"
  set_feature GevSCPSPacketSize "$3"
  local expected; expected=$(get_feature ResultingFrameRateAbs)
  local log; log=$(mktemp)
  timeout $((duration + 30)) arv-camera-test-0.8 -n "$address" $socket_option --duration="$duration" >"$log" 2>&1 &
  local client=$!
  sleep 3
  # The client itself (the child of `timeout`): on a small machine the two
  # share the cores, and what one takes the other lacks.
  local client_process; client_process=$(pgrep -P $client | head -1 || true)
  client_ticks() { if [[ -n $client_process ]]; then cpu_ticks "$client_process" 2>/dev/null || echo -1; else echo -1; fi; }
  local ticks0 h0 ticks1 h1 c0 c1 client0 client1
  ticks0=$(cpu_ticks); client0=$(client_ticks); h0=$(date +%s%N); c0=$(stream_counters)
  sleep $((duration - 4))
  ticks1=$(cpu_ticks); client1=$(client_ticks); h1=$(date +%s%N); c1=$(stream_counters)
  wait $client || true
  python3 - "$1" "$2" "$3" "$expected" "$c0" "$c1" "$((h1 - h0))" "$((ticks1 - ticks0))" "$( ((client0 >= 0 && client1 >= 0)) && echo $((client1 - client0)) || echo n/a)" "$(getconf CLK_TCK)" "$log" <<'PY'
import re, sys
fmt, height, packet, expected, c0, c1, host_ns, ticks, client_ticks, hz, log = sys.argv[1:]
(t0, exposed0, sent0, dropped0), (t1, exposed1, sent1, dropped1) = [[float(v) for v in c.split()] for c in (c0, c1)]
seconds = t1 - t0  # camera time
frames, exposed, dropped = sent1 - sent0, exposed1 - exposed0, int(dropped1 - dropped0)
out = open(log).read()
fps = frames / seconds
camera_fps = exposed / seconds
field = lambda name: int(re.search(name + r"\s*=\s*(\d+)", out).group(1)) if re.search(name + r"\s*=", out) else -1
cpu = int(ticks) / int(hz) / (int(host_ns) / 1e9) * 100
client_cpu = f"{int(client_ticks) / int(hz) / (int(host_ns) / 1e9) * 100:5.1f} %" if client_ticks != "n/a" else "  n/a"
print(f"{fmt:13s} {height:>5s} {packet:>5s}  expected {float(expected):7.3f} fps  camera {camera_fps:7.3f} fps "
      f"({(camera_fps / float(expected) - 1) * 100:+5.2f} %)  sent {fps:7.3f} fps ({(fps / float(expected) - 1) * 100:+5.2f} %)  "
      f"dropped {dropped}  completed {field('n_completed_buffers'):5d}  "
      f"failures {field('n_failures'):4d}  missing frames {field('n_missing_frames'):4d}  "
      f"missing packets {field('n_missing_packets'):6d}  resent {field('n_resent_packets'):6d}  camemu CPU {cpu:5.1f} %  client CPU {client_cpu}")
PY
  rm -f "$log"
}

echo "arv-camera-test ${socket_option:-(packet socket)} for ${duration}s against camemu on $address"
if ((matrix)); then
  for fmt in Mono8 Mono12 Mono12Packed; do
    for height in 2176 1080 500; do
      for packet in 1500 8192; do measure $fmt $height $packet; done
    done
  done
elif ((${#one[@]})); then
  for configuration in "${one[@]}"; do measure $configuration; done
else
  set_feature OffsetY 4
  measure Mono8 2168 1500
fi
