#!/usr/bin/env bash
# Install everything the project needs on a fresh machine (idempotent):
# Debian's chromium (browser tests), a Python >= 3.12 virtual environment with
# requirements.txt, and the npm packages of package-lock.json (the Pyodide runtime).
set -euo pipefail
cd "$(dirname "$0")/../.."

stamp=.venv/.setup-stamp
want=$(cat requirements.txt package-lock.json scripts/dev/setup.sh 2>/dev/null | sha256sum | cut -c1-16)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x /usr/bin/chromium ] && [ -d node_modules/pyodide ]; then
  exit 0
fi

apt_packages=()
[ -x /usr/bin/chromium ] || apt_packages+=(chromium)
command -v java >/dev/null 2>&1 || apt_packages+=(default-jre-headless)
if [ ${#apt_packages[@]} -gt 0 ]; then
  echo "setup: apt-get install ${apt_packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" fonts-dejavu-core >/dev/null
fi

python=""
for candidate in python3.14 python3.13 python3.12 /root/.pyenv/versions/3.1[234]*/bin/python3; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
    python=$candidate; break
  fi
done
if [ -z "$python" ]; then
  echo "setup: no Python >= 3.12 found (pyodide-lock needs it); install python3.12" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $python"
  "$python" -m venv .venv
fi
# A .venv or node_modules that is a link (a git worktree sharing another checkout's) is
# left alone: installing through the link would change, or with npm ci empty, the other one.
if [ ! -L .venv ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -r requirements.txt
fi

if [ -f package-lock.json ] && [ ! -L node_modules ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
echo "$want" > "$stamp"
echo "setup: done"
