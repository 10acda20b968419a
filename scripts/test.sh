#!/usr/bin/env bash
# The test command: builds everything (the integration tests start the built
# binaries) and runs the whole suite. Interop tests skip without real Redis
# unless VIGIL_REQUIRE_INTEROP=1.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build
swift test "$@"
