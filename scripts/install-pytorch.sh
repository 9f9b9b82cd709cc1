#!/usr/bin/env bash
# Installs PyTorch (CPU) from Debian's own packages, for the PyTorch row of `npm run bench:step`:
# python3-torch, python3-numpy and OpenBLAS built with pthreads (so torch uses both cores).
# They go into the system Python (/usr/bin/python3), which the bench looks for first.
# Run as root. Safe to run twice.
set -euo pipefail

PY=/usr/bin/python3

have_torch() {
  [ -x "$PY" ] && "$PY" -c 'import torch, numpy' >/dev/null 2>&1
}

if have_torch; then
  echo "install-pytorch: torch $("$PY" -c 'import torch; print(torch.__version__)') already installed for $PY"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-pytorch: run as root (it calls apt-get)" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq python3 python3-torch python3-numpy libopenblas0-pthread >/dev/null
if ! have_torch; then
  echo "install-pytorch: python3-torch installed, but '$PY -c \"import torch\"' fails" >&2
  exit 1
fi
echo "install-pytorch: installed torch $("$PY" -c 'import torch; print(torch.__version__)') for $PY"
