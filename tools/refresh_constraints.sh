#!/usr/bin/env bash
# Resolves requirements.txt and test-requirements.txt into constraints.txt,
# the pinned set every install of .venv (and so every test run and CI) uses,
# and tools/keystone-requirements.txt into tools/keystone-constraints.txt,
# the pinned keystone the functional tests install beside it.
#
#   tools/refresh_constraints.sh             keep today's pins, add what is new
#   tools/refresh_constraints.sh --upgrade   move every pin to its newest release
#   tools/refresh_constraints.sh --upgrade-package NAME
#
# Review the diff, run ./run_tests.sh, and commit constraints.txt together
# with the requirements change that called for it.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install_venv.sh
compile=(.venv/bin/pip-compile --quiet --allow-unsafe --strip-extras
         --no-emit-index-url --no-emit-find-links --annotation-style line)
export CUSTOM_COMPILE_COMMAND=tools/refresh_constraints.sh
"${compile[@]}" --output-file constraints.txt "$@" \
    requirements.txt test-requirements.txt
"${compile[@]}" --output-file tools/keystone-constraints.txt "$@" \
    tools/keystone-requirements.txt
