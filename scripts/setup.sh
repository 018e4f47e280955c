#!/usr/bin/env bash
# Set up CoopDesk on Debian/Ubuntu: system libraries for Qt (and poppler for the tests), then a
# Python 3.12+ virtual environment in .venv holding exactly the versions in uv.lock.
#   scripts/setup.sh          the app
#   scripts/setup.sh test     the app and what the tests need
# To update the locked versions (after changing pyproject.toml, or to take newer releases):
#   scripts/update-lock.sh
set -euo pipefail
cd "$(dirname "$0")/.."
extras=${1:-}
UV_VERSION=0.13.9

# 1. System packages (only what is missing; apt needs root).
pkgs=(libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0
      libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 libxcb-randr0
      libxcb-render-util0 libxcb-image0)
[ "$extras" = test ] && pkgs+=(poppler-utils)
missing=()
if command -v dpkg-query >/dev/null 2>&1; then
    for p in "${pkgs[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
fi
if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing system packages: ${missing[*]}"
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    elif command -v sudo >/dev/null 2>&1; then
        sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        echo "Please install these packages (as root): ${missing[*]}" >&2
        exit 1
    fi
fi

# 2. Python 3.12 or newer (.python-version selects it under pyenv).
py=""
for candidate in python3.12 python3.13 python3 python; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
        py=$(command -v "$candidate"); break
    fi
done
if [ -z "$py" ] && [ -x "$HOME/.pyenv/bin/pyenv" ]; then
    py=$("$HOME/.pyenv/bin/pyenv" which python3.12 2>/dev/null || true)
fi
if [ -z "$py" ]; then
    echo "CoopDesk needs Python 3.12 or newer (PySide6 6.12 crashes on 3.11; the 2025 address data needs 3.12)." >&2
    exit 1
fi
py=$("$py" -c 'import sys; print(sys.executable)')

# 3. uv, itself pinned, in a small tools environment of its own (.tools).
if [ ! -x .tools/bin/uv ] || [ "$(.tools/bin/uv --version | cut -d' ' -f2)" != "$UV_VERSION" ]; then
    rm -rf .tools
    "$py" -m venv .tools
    .tools/bin/python -m pip install -q --disable-pip-version-check "uv==$UV_VERSION"
fi

# 4. The virtual environment: exactly the lock. --locked fails when pyproject.toml and uv.lock disagree.
# Bytecode compiled at install: a start (window or command) never compiles the address data again.
export UV_PYTHON_DOWNLOADS=never UV_PROJECT_ENVIRONMENT=.venv UV_COMPILE_BYTECODE=1
if [ "$extras" = test ]; then
    .tools/bin/uv sync --quiet --locked --python "$py" --extra test
else
    # --inexact: starting the app after the tests keeps the test tools installed.
    .tools/bin/uv sync --quiet --locked --python "$py" --inexact
fi
