#!/usr/bin/env bash
# Makes .venv (python3 -m venv) and installs Heat into it, editable, with its
# test requirements, every package at the version constraints.txt pins; does
# nothing when none of the files it installs from changed since the last run.
set -euo pipefail
cd "$(dirname "$0")/.."

stamp=.venv/.installed
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
stale=0
[ -f "$stamp" ] || stale=1
for source in setup.py requirements.txt test-requirements.txt constraints.txt; do
    [ "$source" -nt "$stamp" ] && stale=1
done
if [ "$stale" = 1 ]; then
    echo "Installing Heat and its pinned requirements into .venv ..." >&2
    # Errors only: the warnings pip and setuptools print during an install
    # (about this machine's pip configuration, or editable installs in
    # general) say nothing about Heat.
    pip=(.venv/bin/python -m pip install --quiet --quiet
         --disable-pip-version-check --constraint constraints.txt)
    # pip, setuptools and wheel first, at their pins: they build Heat's own
    # editable install below, which therefore needs no isolated build
    # environment with whatever setuptools is newest that day.
    "${pip[@]}" pip setuptools wheel
    "${pip[@]}" --no-build-isolation --editable '.[test]'
    touch "$stamp"
fi
