#!/usr/bin/env bash
# Set up cityworkshop in ./.venv (or $CITYWORKSHOP_VENV): the package, its test tools when
# called with "test", and Debian's Chromium for the browser tests. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${CITYWORKSHOP_VENV:-.venv}
PY=${PYTHON:-python3}

if [ "${1:-}" = "test" ] && [ ! -x /usr/bin/chromium ]; then
  echo ">> installing Chromium from Debian (browser tests)"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

if [ ! -x "$VENV/bin/python" ]; then
  echo ">> creating $VENV"
  "$PY" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --upgrade pip
if [ "${1:-}" = "test" ]; then
  "$VENV/bin/python" -m pip install -q -e ".[test]"
else
  "$VENV/bin/python" -m pip install -q -e .
fi
# rfc3987-syntax comes in only as an optional extra of jsonschema (through jupyter-events) and
# costs every process that imports nbformat (nbclient, nbval, JupyterLab) about 1.5-2 s; without it
# jsonschema skips the "iri" format checks and pip check stays clean. See BENCHMARKS.md.
"$VENV/bin/python" -m pip uninstall -y -q rfc3987-syntax 2>/dev/null || true
