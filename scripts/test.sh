#!/usr/bin/env bash
# Set everything up, then run all tests: unit and widget tests, every notebook with nbval on a
# fresh demo workshop, and the participant page in Debian's headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
VENV=${CITYWORKSHOP_VENV:-.venv}
exec "$VENV/bin/python" -m pytest "$@"
