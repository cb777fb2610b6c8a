#!/usr/bin/env bash
# HTTP load benchmark (docs/benchmarks.md, "Node under load"). Measures, in one run on this machine:
#   1. a bare ASP.NET Core minimal endpoint doing an in-memory increment (the baseline),
#   2. one Tally node acknowledging single views durably (--durability fsync),
#   3. the same node's batch endpoint (1,000 views per request), fsync,
#   4. redis-server INCR with appendfsync always (redis-benchmark -c 50), the second baseline.
# Everything binds to 127.0.0.1; every server started here is stopped here, by its process id.
set -euo pipefail
cd "$(dirname "$0")/../.."
duration="${DURATION:-15s}"
need() { command -v "$1" >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null; }; }
need wrk wrk
need redis-server redis-server
need redis-benchmark redis-tools

dotnet build bench/Tally.Benchmarks.BareEndpoint -c Release -nologo -v quiet
dotnet build src/Tally.Cli -c Release -nologo -v quiet
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

wait_up() { for _ in $(seq 1 100); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "not up: $1" >&2; return 1; }
rps() { awk '/Requests\/sec/ {print $2}'; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem/ {print $2}') GiB, $(dotnet --version) SDK"

dotnet bench/Tally.Benchmarks.BareEndpoint/bin/Release/net10.0/Tally.Benchmarks.BareEndpoint.dll --urls http://127.0.0.1:18100 >/dev/null 2>&1 &
pids+=($!)
wait_up http://127.0.0.1:18100/videos/x/views -X POST
bare=$(wrk -t2 -c64 -d"$duration" -s bench/load/views.lua http://127.0.0.1:18100 | tee "$work/bare.txt" | rps)
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true

dotnet src/Tally.Cli/bin/Release/net10.0/tally.dll node --id b1 --listen http://127.0.0.1:18101 --data "$work/b1" \
  --cluster-key bench-key --admin-token bench-token --durability fsync >"$work/node.log" 2>&1 &
pids+=($!)
wait_up http://127.0.0.1:18101/health
node=$(wrk -t2 -c64 -d"$duration" -s bench/load/views.lua http://127.0.0.1:18101 | tee "$work/node.txt" | rps)
batch=$(wrk -t2 -c64 -d"$duration" -s bench/load/batch.lua http://127.0.0.1:18101 | tee "$work/batch.txt" | rps)
count=$(curl -fs http://127.0.0.1:18101/videos/dQw4w9WgXcQ)
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true

redis-server --port 18102 --bind 127.0.0.1 --save '' --appendonly yes --appendfsync always --dir "$work" --daemonize no >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 1 50); do redis-cli -p 18102 ping >/dev/null 2>&1 && break; sleep 0.1; done
redis=$(redis-benchmark -p 18102 -c 50 -n 400000 -t incr -q | tr '\r' '\n' | awk '/INCR/ {print $2}' | tail -1)
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true

cat "$work/node.txt"
echo "node state after the single-view run: $count"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
printf '\n%-44s %12s %8s\n' "case" "req/s" "ratio"
printf '%-44s %12.0f %8s\n' "bare ASP.NET endpoint (baseline)" "$bare" "1.00"
printf '%-44s %12.0f %8s\n' "redis INCR, appendfsync always" "$redis" "$(ratio "$redis" "$bare")"
printf '%-44s %12.0f %8s  (%.2f x redis)\n' "tally node, single view, fsync" "$node" "$(ratio "$node" "$bare")" "$(ratio "$node" "$redis")"
printf '%-44s %12.0f %8s  (%s views/s)\n' "tally node, batch of 1,000 views, fsync" "$batch" "" "$(awk -v b="$batch" 'BEGIN { printf "%.0f", b * 1000 }')"
