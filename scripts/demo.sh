#!/usr/bin/env bash
# Set everything up, make a demo workshop (SQLite, ./demo-workshop.db) and start the facilitator's
# JupyterLab and the participant page. Ctrl+C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
VENV=${CITYWORKSHOP_VENV:-.venv}
exec "$VENV/bin/cityworkshop" up --demo --db "${CITYWORKSHOP_DB:-demo-workshop.db}" "$@"
