#!/usr/bin/env bash
# Makes .venv (python3 -m venv) and installs Heat into it, editable, with its
# test requirements; does nothing when the requirements have not changed
# since the last install.
set -euo pipefail
cd "$(dirname "$0")/.."

stamp=.venv/.installed
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
if [ ! -f "$stamp" ] || [ setup.py -nt "$stamp" ] \
        || [ requirements.txt -nt "$stamp" ] \
        || [ test-requirements.txt -nt "$stamp" ]; then
    echo "Installing Heat and its requirements into .venv ..." >&2
    .venv/bin/pip install -q -U pip setuptools wheel
    .venv/bin/pip install -q -e '.[test]'
    touch "$stamp"
fi
