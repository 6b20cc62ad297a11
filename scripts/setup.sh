#!/usr/bin/env bash
# Set up cityworkshop in ./.venv (or $CITYWORKSHOP_VENV): the package, its test tools when
# called with "test" (psycopg included), and Debian's Chromium and PostgreSQL for the browser and
# PostgreSQL tests. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${CITYWORKSHOP_VENV:-.venv}
PY=${PYTHON:-python3}

# Debian packages of the test set-up: Chromium (browser tests) and PostgreSQL (tests/test_postgres.py
# starts a throwaway server of its own from /usr/lib/postgresql/*/bin; the package's own cluster
# is never used)
if [ "${1:-}" = "test" ]; then
  APT=()
  [ -x /usr/bin/chromium ] || APT+=(chromium)
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || APT+=(postgresql)
  if [ ${#APT[@]} -gt 0 ]; then
    echo ">> installing ${APT[*]} from Debian (browser and PostgreSQL tests)"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${APT[@]}" >/dev/null
  fi
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
