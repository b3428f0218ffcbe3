#!/usr/bin/env bash
# The README's first command: install what is missing, build, run the demo.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/setup.sh" "$here/build"
exec "$here/build/launcher/cvm-launch" demo "$@"
