#!/usr/bin/env bash
# Set everything up, make a demo workshop (SQLite, ./demo-workshop.db) and start the facilitator's
# JupyterLab and the participant page. Quiet: the servers' logs go to demo-workshop.db.logs/; the
# last two lines printed are the links (the facilitator's with its token). The participant page
# listens on every interface (--host 0.0.0.0), so that phones on the same Wi-Fi can join; pass
# --host 127.0.0.1 to keep it on this laptop. Ctrl+C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
VENV=${CITYWORKSHOP_VENV:-.venv}
exec "$VENV/bin/cityworkshop" up --demo --host 0.0.0.0 --db "${CITYWORKSHOP_DB:-demo-workshop.db}" "$@"
