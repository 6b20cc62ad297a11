#!/usr/bin/env bash
# Set everything up, then run all tests: the lint step (ruff on every Python file and notebook,
# mypy on the typed core; pyproject.toml's [tool.ruff] and [tool.mypy]), then unit and widget
# tests, every notebook with nbval on a fresh demo workshop, and the participant page in
# Debian's headless Chromium. CITYWORKSHOP_LINT=0 skips the lint step (a quick re-run of a few
# tests: scripts/test.sh -k seats); CI always runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
VENV=${CITYWORKSHOP_VENV:-.venv}
if [ "${CITYWORKSHOP_LINT:-1}" != "0" ]; then
  echo ">> ruff check ."
  "$VENV/bin/python" -m ruff check --quiet .
  echo ">> mypy (cityworkshop: content, kinds, store, analysis)"
  "$VENV/bin/python" -m mypy
fi
exec "$VENV/bin/python" -m pytest "$@"
