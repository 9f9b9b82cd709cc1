#!/usr/bin/env bash
# Installs Debian's Chromium, which the browser test (test/browser/) drives headless through
# playwright-core: its WebGPU runs on SwiftShader, so no GPU is needed. Playwright's own browser
# download is never used. Run as root. Safe to run twice.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  echo "install-chromium: /usr/bin/chromium already installed"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-chromium: run as root (it calls apt-get)" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium >/dev/null
echo "install-chromium: installed chromium $(dpkg-query -W -f='${Version}' chromium)"
