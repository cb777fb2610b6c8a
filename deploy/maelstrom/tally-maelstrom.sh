#!/usr/bin/env sh
# Maelstrom's --bin takes one executable and runs it from its own temporary directory; this starts
# `tally maelstrom` from this checkout's Release build (or from $TALLY_DLL), passing any arguments on.
# Build first: dotnet build src/Tally.Cli -c Release
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
dll="${TALLY_DLL:-$root/src/Tally.Cli/bin/Release/net10.0/tally.dll}"
if [ ! -f "$dll" ]; then
  echo "tally-maelstrom.sh: $dll is missing; run: dotnet build $root/src/Tally.Cli -c Release" >&2
  exit 1
fi
exec dotnet "$dll" maelstrom "$@"
