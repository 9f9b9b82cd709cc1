#!/usr/bin/env bash
# Installs a Vulkan driver new enough for Dawn (the `webgpu` package) on a machine with no GPU:
# Mesa's lavapipe (a CPU Vulkan implementation), version >= 24.
# Debian 12's own Mesa (22.x) is too old, so on bookworm we take Mesa from bookworm-backports.
# Run as root. Safe to run twice.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  echo "install-webgpu-driver: run as root (it calls apt-get)" >&2
  exit 1
fi

have_new_lavapipe() {
  local v
  v=$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || true)
  [ -n "$v" ] || return 1
  local major=${v%%.*}
  major=${major#*:}
  [ "$major" -ge 24 ] 2>/dev/null
}

if have_new_lavapipe; then
  echo "install-webgpu-driver: mesa-vulkan-drivers $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers) already installed"
  exit 0
fi

. /etc/os-release
export DEBIAN_FRONTEND=noninteractive
target=()
if [ "${ID:-}" = debian ] && [ "${VERSION_CODENAME:-}" = bookworm ]; then
  # Add bookworm-backports with the same mirror the machine already uses.
  if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    mirror=$(grep -rhs '^URIs:.*debian/\?$' /etc/apt/sources.list.d/ | head -n1 | awk '{print $2}')
    if [ -z "$mirror" ]; then
      mirror=$(grep -hs '^deb ' /etc/apt/sources.list | grep -v security | head -n1 | awk '{print $2}')
    fi
    [ -n "$mirror" ] || { echo "install-webgpu-driver: cannot find the Debian mirror in apt sources" >&2; exit 1; }
    cat > /etc/apt/sources.list.d/bookworm-backports.sources <<SRC
Types: deb
URIs: ${mirror}
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  fi
  target=(-t bookworm-backports)
fi

apt-get update -qq
apt-get install -y -qq "${target[@]}" mesa-vulkan-drivers libvulkan1 >/dev/null
echo "install-webgpu-driver: installed mesa-vulkan-drivers $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers)"
if ! have_new_lavapipe; then
  echo "install-webgpu-driver: Mesa is older than 24; Dawn may not find an adapter" >&2
fi
