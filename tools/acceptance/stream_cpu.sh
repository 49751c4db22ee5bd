#!/usr/bin/env bash
# camemu's own CPU while it streams full frames at the camera's rate (issue 3:
# "camemu uses at most 25 % of one core while streaming full frames").
#
#   tools/acceptance/stream_cpu.sh [--duration S] [--segmentation-offload]
#                                  [--feature NAME=JSON_VALUE]...
#
# Over loopback the kernel delivers every packet to the receiving socket on the
# sender's CPU, so a loopback figure charges camemu with the client's receive
# path too. Here the stream leaves through a link with no receiver, as it would
# through a NIC, inside two network namespaces this script makes (root only):
# a veth pair whose far end is sent frames for a MAC address that is not its
# own, so it drops each one on arrival (not for this host) before any IP
# work. That is still an upper bound for a NIC: that short drop runs on
# camemu's CPU. (Before 2026-11-27 the frames carried the far end's own MAC,
# and its IP routing and error path added ~3-4 % of a core.) camemu is driven
# through its control API only (GevSCDA, GevSCPHostPort, AcquisitionStart), so
# no client competes for the CPU. --segmentation-offload keeps the link's UDP
# segmentation offload, like a NIC with USO (the kernel hands each GSO burst to
# the card whole; Linux's igb driver offers it from the 82576 on, so I350 and
# I210, and igc for the I225): the lower bound for the send path. Each
# --feature is written before the start, e.g. --feature GevSCPSPacketSize=8192
# or --feature 'TestImageSelector="Testimage1"' (a JSON value).
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=20
offload=false
features=()
camemu=${CAMEMU:-build/emulator/camemu}
while (($#)); do
  case "$1" in
    --duration) (($# >= 2)) || { echo "--duration needs seconds" >&2; exit 2; }; duration=$2; shift 2 ;;
    --segmentation-offload) offload=true; shift ;;
    --feature)
      [[ $# -ge 2 && $2 =~ ^[A-Za-z][A-Za-z0-9_]*= ]] || { echo "--feature needs NAME=JSON_VALUE" >&2; exit 2; }
      features+=("$2"); shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
((EUID == 0)) || { echo "network namespaces need root" >&2; exit 2; }

ns=camemu-cpu-$$
far=camemu-sink-$$
camemu_pid=
cleanup() {
  if [[ -n $camemu_pid ]]; then kill "$camemu_pid" 2>/dev/null || true; wait "$camemu_pid" 2>/dev/null || true; fi
  ip netns del "$ns" 2>/dev/null || true
  ip netns del "$far" 2>/dev/null || true
}
trap cleanup EXIT

# TEST-NET-1 addresses (RFC 5737), only inside the namespaces made here.
camera_address=192.0.2.1
sink_address=192.0.2.2
ip netns add "$ns"
ip -n "$ns" link set lo up
ip netns add "$far"
ip -n "$ns" link add link0 type veth peer name sink0 netns "$far"
ip -n "$ns" addr add $camera_address/24 dev link0
# Like a network card without UDP segmentation offload: the kernel cuts
# camemu's GSO bursts into single packets before the link (gso_max_segs 1).
$offload || ip -n "$ns" link set link0 gso_max_segs 1
# Jumbo frames, as Basler recommends for GigE Vision NICs, so that
# --feature GevSCPSPacketSize=8192 can be measured too.
ip -n "$ns" link set link0 mtu 9000
ip -n "$far" link set sink0 mtu 9000
ip -n "$ns" link set link0 up
ip -n "$far" link set sink0 up
# A permanent neighbour entry: no ARP (the far end has no address to answer
# with), and a locally administered MAC that no interface here has.
ip -n "$ns" neigh add $sink_address lladdr 02:00:5e:00:00:01 dev link0 nud permanent

control=127.0.0.1:$((18900 + RANDOM % 100))
ip netns exec "$ns" "$camemu" --interface $camera_address --control "$control" ${CAMEMU_ARGS:-} >/tmp/stream_cpu_camemu.log 2>&1 &
camemu_pid=$!
api=http://$control/api/v1
api_runner=(ip netns exec "$ns")
source tools/acceptance/camemu_api.sh
wait_for_api

IFS=. read -r a b c d <<<"$sink_address"
set_feature GevSCDA $(( (a << 24) | (b << 16) | (c << 8) | d ))
set_feature GevSCPHostPort 50000
for feature in ${features[@]+"${features[@]}"}; do
  set_feature "${feature%%=*}" "${feature#*=}" || { echo "could not set ${feature%%=*} to ${feature#*=}" >&2; exit 1; }
  echo "${feature%%=*} = $(get_feature "${feature%%=*}")"
done
fps=$(get_feature ResultingFrameRateAbs)
set_feature AcquisitionStart true
sleep 3  # past the start-up transient

thread_ticks >/tmp/stream_cpu_threads.0
ticks0=$(cpu_ticks); read -r frames0 packets0 bursts0 < <(stream_fields frames_sent packets_sent bursts_sent); t0=$(date +%s%N)
sleep "$duration"
ticks1=$(cpu_ticks); thread_ticks >/tmp/stream_cpu_threads.1; read -r frames1 packets1 bursts1 < <(stream_fields frames_sent packets_sent bursts_sent); t1=$(date +%s%N)
python3 - "$fps" "$((ticks1 - ticks0))" "$(getconf CLK_TCK)" "$((t1 - t0))" "$((frames1 - frames0))" "$((packets1 - packets0))" \
  "$((bursts1 - bursts0))" /tmp/stream_cpu_threads.0 /tmp/stream_cpu_threads.1 "$offload" <<'PY'
import collections, sys
fps, ticks, hz, elapsed_ns, frames, packets, bursts, threads0, threads1, offload = sys.argv[1:]
seconds = int(elapsed_ns) / 1e9
cpu = int(ticks) / int(hz) / seconds * 100
print(f"veth link{' with segmentation offload' if offload == 'true' else ''}: ResultingFrameRateAbs {float(fps):.2f} fps, sent {int(frames) / seconds:.2f} fps "
      f"({int(packets) / seconds:.0f} packets/s, {int(packets) / max(int(bursts), 1):.1f} per burst), camemu CPU {cpu:.1f} % of one core "
      f"({cpu * 10 / max(int(frames) / seconds, 1e-9):.1f} ms per frame)")
def per_thread(path):
    totals = collections.defaultdict(lambda: [0, 0])
    for line in open(path):
        name, user, system = line.split()
        totals[name][0] += int(user)
        totals[name][1] += int(system)
    return totals
before, after = per_thread(threads0), per_thread(threads1)
for name in sorted(after, key=lambda n: -sum(after[n]) + sum(before.get(n, [0, 0]))):
    user = (after[name][0] - before.get(name, [0, 0])[0]) / int(hz) / seconds * 100
    system = (after[name][1] - before.get(name, [0, 0])[1]) / int(hz) / seconds * 100
    if user + system >= 0.5:
        print(f"  thread {name}: {user + system:.1f} % ({user:.1f} % user, {system:.1f} % kernel)")
PY
