#!/usr/bin/env bash
# Profile of one node under the single-view load of run.sh (wrk -t2 -c64, fsync): dotnet-trace's sampled thread time
# (every managed thread's stack about 100 times a second; waits are told apart by profile.py) for TRACE seconds in the middle of a wrk run, written as a nettrace and a speedscope file to OUT (a
# directory, default /tmp/tally-profile), then summarized by bench/load/profile.py (self and inclusive time per
# method, and per part of the request path). dotnet-trace is a pinned local tool (.config/dotnet-tools.json).
# BARE=1 profiles the bare endpoint (bench/Tally.Benchmarks.BareEndpoint) instead of a node.
# PERF=1 samples on-CPU time with Linux perf instead (kernel included), summarized by perf report.
# Environment: TRACE (10), DURABILITY (fsync), OUT, NO_BUILD (0), PERF (0); node settings as TALLY_* variables.
set -euo pipefail
cd "$(dirname "$0")/../.."
trace="${TRACE:-10}"
durability="${DURABILITY:-fsync}"
out="${OUT:-/tmp/tally-profile}"
mkdir -p "$out"
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
dotnet tool restore >/dev/null
if [[ "${NO_BUILD:-0}" != 1 ]]; then dotnet build src/Tally.Cli -c Release -nologo -v quiet >/dev/null; fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port
data=$(mktemp -d /tmp/tally-profile-data.XXXXXX)
# W^X off: with it, JIT code lives in an anonymous double mapping that perf cannot match with the perf map.
if [[ "${BARE:-0}" == 1 ]]; then
  dotnet build bench/Tally.Benchmarks.BareEndpoint -c Release -nologo -v quiet >/dev/null
  DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 dotnet bench/Tally.Benchmarks.BareEndpoint/bin/Release/net10.0/Tally.Benchmarks.BareEndpoint.dll \
    --urls "$url" >"$out/node.log" 2>&1 &
else
  DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 dotnet src/Tally.Cli/bin/Release/net10.0/tally.dll node --id prof1 --listen "$url" --data "$data" \
    --cluster-key bench-cluster-key --admin-token bench-admin-token --durability "$durability" >"$out/node.log" 2>&1 &
fi
node=$!
trap 'kill -TERM $node 2>/dev/null; wait $node 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 150); do curl -fs -o /dev/null --max-time 1 -X POST "$url/videos/ready/views" && break; sleep 0.2; done
BENCH_VIDEO=warmup wrk -t2 -c64 -d5s -s bench/load/views.lua "$url" >/dev/null
wrk -t2 -c64 -d$((trace + 6))s -s bench/load/views.lua "$url" >"$out/wrk.txt" &
wrk_pid=$!
sleep 3
if [[ "${PERF:-0}" == 1 ]]; then
  # On-CPU samples of every thread, kernel included (fsync, sends), with the JIT's symbols (DOTNET_PerfMapEnabled).
  perf record -F 1999 -g -p "$node" -o "$out/perf.data" -- sleep "$trace" >"$out/perf.log" 2>&1
  wait $wrk_pid
  grep -E 'Requests/sec|Latency' "$out/wrk.txt"
  echo "on-CPU samples by library, then by function (self):"
  perf report -i "$out/perf.data" --no-children --sort dso -g none --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -8
  perf report -i "$out/perf.data" --no-children --sort sym -g none --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -"${TOP:-60}"
  echo "samples: $(perf report -i "$out/perf.data" --stdio 2>/dev/null | grep -m1 -oE 'of event .cpu-clock.*|Samples: [0-9.]+[KM]? ')"
else
  dotnet dotnet-trace collect -p "$node" --profile dotnet-sampled-thread-time --duration "00:00:00:$(printf %02d "$trace")" \
    --format Speedscope -o "$out/node.nettrace" >"$out/trace.log" 2>&1
  wait $wrk_pid
  grep -E 'Requests/sec|Latency' "$out/wrk.txt"
  python3 bench/load/profile.py "$out/node.speedscope.json"
fi
