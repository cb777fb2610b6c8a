#!/usr/bin/env bash
# Mutation testing with Stryker.NET (the dotnet-stryker local tool pinned in .config/dotnet-tools.json).
# Usage: scripts/mutation.sh [crdt|replication|storage|node ...]   (default: replication crdt storage)
# STRYKER_CONCURRENCY=2 runs two test sessions at once (default 1).
# Runs one project at a time with one test session (this machine has 2 cores), through the Microsoft Testing
# Platform runner (xUnit v3), and leaves each HTML and JSON report under tests/<Project>.Tests/StrykerOutput/.
# The configs are tests/<Project>.Tests/stryker-config.json; `node` mutates only the commit and idempotency code.
# Slow: see docs/testing.md for how long each project takes. Not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
# The few randomized tests that cover nearly every line run fewer seeds under Stryker (docs/testing.md, "Mutation testing").
export TALLY_MUTATION=1

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(replication crdt storage)
for target in "${targets[@]}"; do
  case "$target" in
    crdt) project=Tally.Crdt ;;
    replication) project=Tally.Replication ;;
    storage) project=Tally.Storage ;;
    node) project=Tally.Node ;;
    *) echo "scripts/mutation.sh: unknown target '$target' (crdt, replication, storage, node)" >&2; exit 2 ;;
  esac
  echo "== $project"
  start=$(date +%s)
  (cd "tests/$project.Tests" && dotnet stryker --config-file stryker-config.json --concurrency "${STRYKER_CONCURRENCY:-1}")
  echo "== $project took $(( ($(date +%s) - start) / 60 )) min"
done
