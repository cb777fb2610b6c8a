#!/usr/bin/env bash
# Write levels under load (docs/benchmarks.md, "Write levels"): one 3-node `tally node --durability fsync` cluster on
# this machine, single views (POST /videos/{id}/views?w=LEVEL, wrk -t2 -c64) to n1 at w=1, w=2 and w=majority, each
# level in turn, ROUNDS times, in the same run, so every level is measured next to the others (w=1 is the baseline).
# Each case uses its own video; afterwards every node's count of it is checked against what wrk saw acknowledged
# (acked <= count <= acked + requests in flight at the stop, once gossip has spread it).
# Everything binds to 127.0.0.1 on free ports; every process started here is stopped here, by its process id.
#
# Environment: DURATION (10s), WARMUP (3s), ROUNDS (3), LEVELS ("1 2 majority"), NO_BUILD (0).
set -euo pipefail
cd "$(dirname "$0")/../.."
duration="${DURATION:-10s}"
warmup="${WARMUP:-3s}"
rounds="${ROUNDS:-3}"
levels="${LEVELS:-1 2 majority}"
connections=64

for tool in wrk jq python3 curl; do command -v "$tool" >/dev/null || { echo "levels.sh needs $tool" >&2; exit 2; }; done
if [[ "${NO_BUILD:-0}" != 1 ]]; then
  dotnet build src/Tally.Cli -c Release -nologo -v quiet >/dev/null
fi
tally_dll=src/Tally.Cli/bin/Release/net10.0/tally.dll

work=$(mktemp -d /tmp/tally-levels.XXXXXX)
pids=()
stop() {
  local pid=$1
  if kill -TERM "$pid" 2>/dev/null; then
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  for p in "${pids[@]}"; do stop "$p"; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

urls=()
for i in 1 2 3; do urls+=("http://127.0.0.1:$(free_port)"); done
for i in 0 1 2; do
  peers=$(printf '%s\n' "${urls[@]}" | grep -v "^${urls[$i]}$" | paste -sd,)
  dotnet "$tally_dll" node --id "n$((i + 1))" --listen "${urls[$i]}" --peers "$peers" --cluster-id bench-levels \
    --data "$work/data-n$((i + 1))" --cluster-key bench-cluster-key --admin-token bench-admin-token \
    --durability fsync >"$work/n$((i + 1)).log" 2>&1 &
  pids+=("$!")
done
# Every node ready and knowing both others as alive (bounded: 60 s).
for _ in $(seq 1 300); do
  met=0
  for url in "${urls[@]}"; do
    alive=$(curl -fs --max-time 1 "$url/cluster" | jq '[.members[] | select(.status == "alive")] | length' 2>/dev/null || echo 0)
    (( alive == 3 )) && met=$((met + 1))
  done
  (( met == 3 )) && break
  sleep 0.2
done
(( met == 3 )) || { echo "the cluster did not form within 60 s" >&2; cat "$work"/n*.log >&2; exit 1; }

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)
echo "machine: $(nproc) cores, $cpu; .NET $(dotnet --list-runtimes | awk '/Microsoft.AspNetCore.App/ {print $2}' | tail -1)"
echo "run: $(date -u '+%F %T') UTC, 3 nodes (fsync, gossip every 1 s), $rounds rounds, wrk -t2 -c$connections to n1, $duration per case after a $warmup warm-up"
printf '%-6s %-10s %10s %9s %9s %8s  %s\n' round level "req/s" "p50 ms" "p99 ms" errors "check (count on n1, n2, n3 vs acknowledged)"
failed=0
for round in $(seq 1 "$rounds"); do
  for w in $levels; do
    video="levels-$round-$w"
    BENCH_VIDEO="warm-$round-$w" BENCH_W="$w" wrk -t2 -c"$connections" -d"$warmup" --timeout 20s -s bench/load/level.lua "${urls[0]}" >/dev/null
    out=$(BENCH_VIDEO="$video" BENCH_W="$w" wrk -t2 -c"$connections" -d"$duration" --timeout 20s -s bench/load/level.lua "${urls[0]}")
    rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
    result=$(grep '^RESULT' <<<"$out")
    field() { sed -E "s/.* $1=([0-9]+).*/\1/" <<<"$result"; }
    responses=$(field responses); errors=$(field status_errors); acked=$((responses - errors))
    p50=$(awk -v u="$(field p50_us)" 'BEGIN { printf "%.1f", u / 1000 }')
    p99=$(awk -v u="$(field p99_us)" 'BEGIN { printf "%.1f", u / 1000 }')
    # Counts once gossip has spread the video (bounded: 30 s); a 504'd view is counted too (it is on n1's disk).
    verdict=FAILED
    for _ in $(seq 1 150); do
      counts=$(for url in "${urls[@]}"; do curl -fs "$url/videos/$video" | jq .count; done | xargs)
      read -r c1 c2 c3 <<<"$counts"
      if (( c1 == c2 && c2 == c3 && c1 >= acked && c1 <= responses + connections )); then verdict=ok; break; fi
      sleep 0.2
    done
    [[ "$verdict" == ok ]] || failed=1
    printf '%-6s %-10s %10s %9s %9s %8s  %s %s: %s\n' "$round" "w=$w" "$rps" "$p50" "$p99" "$errors" "$counts" "vs $acked" "$verdict"
  done
  echo "  load average after round $round: $(cut -d' ' -f1-3 /proc/loadavg)"
done
exit "$failed"
