#!/usr/bin/env bash
# Installs the Debian packages the build, the tests and the tools need.
# Idempotent: skips apt-get when everything is already present.
set -euo pipefail
packages=(
  cmake g++ make pkg-config
  libasio-dev libopencv-dev nlohmann-json3-dev libcpp-httplib-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev libhwy-dev zlib1g-dev
  aravis-tools aravis-tools-cli libaravis-dev libusb-1.0-0-dev gstreamer1.0-tools tshark libxml2-utils iproute2 procps curl
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
