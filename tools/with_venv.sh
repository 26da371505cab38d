#!/usr/bin/env bash
# Runs a command inside Heat's virtualenv, making the virtualenv first if
# needed:   tools/with_venv.sh heat-all
set -euo pipefail
top="$(cd "$(dirname "$0")/.." && pwd)"
"$top/tools/install_venv.sh"
PATH="$top/.venv/bin:$PATH"
export PATH
exec "$@"
