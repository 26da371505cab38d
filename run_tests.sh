#!/usr/bin/env bash
# The one test command.  On a fresh machine it makes .venv, installs Heat
# with its test requirements, and runs pytest.
#
#   ./run_tests.sh            every test
#   ./run_tests.sh -u         unit tests only (fast, need nothing)
#   ./run_tests.sh -f         functional tests only (real servers, clients)
#   ./run_tests.sh -N         use the current environment, no .venv
#   ./run_tests.sh -- ARGS    pass ARGS to pytest (also: anything unknown)
#
# Tests that need RabbitMQ, MariaDB, PostgreSQL or keystone skip when the
# service is absent, and fail instead when HEAT_TEST_REQUIRE_SERVICES=1.
set -euo pipefail
cd "$(dirname "$0")"

use_venv=1
suite=heat/tests
pytest_args=()
while [ $# -gt 0 ]; do
    case "$1" in
        -N|--no-virtual-env) use_venv=0 ;;
        -u|--unit) suite=heat/tests/unit ;;
        -f|--functional) suite=heat/tests/functional ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        --) shift; pytest_args+=("$@"); break ;;
        *) pytest_args+=("$1") ;;
    esac
    shift
done

if [ "$use_venv" = 1 ]; then
    tools/install_venv.sh
    PATH="$PWD/.venv/bin:$PATH"
    export PATH
fi

exec python -m pytest "$suite" "${pytest_args[@]}"
