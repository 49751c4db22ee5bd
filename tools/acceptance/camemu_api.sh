# Sourced by the acceptance scripts: the bench control API calls they share.
# The sourcing script sets `api` (http://HOST:PORT/api/v1) and `camemu_pid`,
# and may set `api_runner` to a command prefix for curl (for example
# `ip netns exec NS` when camemu's control port is inside a namespace).
api_call() { ${api_runner[@]+"${api_runner[@]}"} curl -sf "$@"; }
# Bounded: 50 tries 0.2 s apart.
wait_for_api() {
  for _ in $(seq 50); do api_call "$api/status" >/dev/null && return 0; sleep 0.2; done
  echo "camemu's control API did not answer at $api" >&2
  return 1
}
set_feature() { api_call -X PUT "$api/camera/features/$1" -d "{\"value\":$2}" >/dev/null; }
get_feature() { api_call "$api/camera/features/$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["value"])'; }
# Fields of GET /api/v1/stream, space-separated, from one reading.
stream_fields() {
  api_call "$api/stream" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(*(d[k] for k in sys.argv[1:]))' "$@"
}
# User + system CPU in clock ticks of camemu, or of the process given.
cpu_ticks() { awk '{print $14 + $15}' "/proc/${1:-$camemu_pid}/stat"; }
# One line per camemu thread: "name user_ticks system_ticks" (thread names have no spaces).
thread_ticks() {
  local stat
  for stat in /proc/"$camemu_pid"/task/*/stat; do
    sed -E 's/^[0-9]+ \(([^)]*)\) (.*)$/\1 \2/' "$stat" | awk '{print $1, $13, $14}'
  done
}
