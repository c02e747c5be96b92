# Sourced by scripts/run and scripts/test: make .venv and install the pinned requirements once.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON="${PYTHON:-python3}"
REQUIREMENTS="$1"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
stamp=".venv/.installed-$(basename "$REQUIREMENTS")"
if [ ! -f "$stamp" ] || [ "$REQUIREMENTS" -nt "$stamp" ] || [ requirements.txt -nt "$stamp" ]; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$REQUIREMENTS"
    touch "$stamp"
fi
