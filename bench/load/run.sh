#!/usr/bin/env bash
# HTTP load benchmark (docs/benchmarks.md, "Node under load"). Measures, in one run on this machine, ROUNDS times:
#   1. a bare ASP.NET Core minimal endpoint doing an in-memory increment (bench/Tally.Benchmarks.BareEndpoint, the baseline),
#   2. one `tally node --durability fsync` acknowledging single views (wrk -t2 -c64, POST /videos/{id}/views),
#   3. the same node's batch endpoint (POST /views, 1,000 views per request: bench/load/batch.lua), fsync,
#   4. redis-server INCR with appendfsync always (redis-benchmark -c 50), the second baseline,
#   and, unless DIAGNOSE=0, 2 and 3 again with --durability none (separates the fsync cost from the HTTP cost), and 2
#   with one own-view commit in flight (TALLY_Node__CommitsInFlightMax=1; the default is 2).
# For each case it also prints the CPU time per request of the server (user, system) and of the client, and how busy
# the machine's cores were (other engineers' work included); for the node, its fsyncs and group commits.
# After each node case the node's count is checked against what wrk saw acknowledged: every acknowledged view is
# counted (nothing lost) and at most the requests still in flight when wrk stopped (<= connections) are counted on
# top (nothing invented). Redis is checked the same way (redis-benchmark sends a fixed number of INCRs).
# Everything binds to 127.0.0.1 on free ports; every process started here is stopped here, by its process id.
# wrk and the server under test share this machine's cores.
#
# Environment: DURATION (10s), WARMUP (3s, same route, other videos), ROUNDS (3), REDIS_REQUESTS (300000),
# DIAGNOSE (1), NO_BUILD (0), OUT (a file to keep the rows in), COMPARE_DLL (another build's tally.dll, e.g. of the
# commit before a change: its node runs the single-view case too, in every round, as "tally node (COMPARE_LABEL)"),
# COMPARE_ENV (VAR=value words for that compared node, e.g. DOTNET_GCConserveMemory=0; with or without COMPARE_DLL).
set -euo pipefail
cd "$(dirname "$0")/../.."
duration="${DURATION:-10s}"
warmup="${WARMUP:-3s}"
rounds="${ROUNDS:-3}"
redis_requests="${REDIS_REQUESTS:-300000}"
diagnose="${DIAGNOSE:-1}"
connections=64
config=Release

need() { command -v "$1" >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null; }; }
need wrk wrk
need redis-server redis-server
need redis-benchmark redis-tools
need jq jq
need python3 python3

if [[ "${NO_BUILD:-0}" != 1 ]]; then
  dotnet build bench/Tally.Benchmarks.BareEndpoint -c "$config" -nologo -v quiet >/dev/null
  dotnet build src/Tally.Cli -c "$config" -nologo -v quiet >/dev/null
fi
bare_dll=bench/Tally.Benchmarks.BareEndpoint/bin/$config/net10.0/Tally.Benchmarks.BareEndpoint.dll
tally_dll=src/Tally.Cli/bin/$config/net10.0/tally.dll

work=$(mktemp -d /tmp/tally-load.XXXXXX)
pids=()
# Stops one process started here: SIGTERM, then SIGKILL if it is still there after 10 s; then forgets its pid (once
# reaped, the number may belong to someone else's process).
stop() {
  local pid=$1 kept=() p
  if kill -TERM "$pid" 2>/dev/null; then
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
  for p in "${pids[@]}"; do [[ "$p" == "$pid" ]] || kept+=("$p"); done
  pids=("${kept[@]}")
}
cleanup() {
  for p in "${pids[@]}"; do stop "$p"; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# start LOG CMD...: runs CMD in the background; its pid is in $started.
start() {
  local log=$1; shift
  "$@" >"$log" 2>&1 &
  started=$!
  pids+=("$started")
}

# wait_http PID LOG METHOD URL: until URL answers 2xx (bounded: 30 s), or fail if the process has exited.
wait_http() {
  for _ in $(seq 1 150); do
    curl -fs -o /dev/null --max-time 1 -X "$3" "$4" && return 0
    kill -0 "$1" 2>/dev/null || { echo "process $1 exited; its log:" >&2; cat "$2" >&2; return 1; }
    sleep 0.2
  done
  echo "not ready after 30 s: $4" >&2; cat "$2" >&2; return 1
}

# CPU time of a process (user and system clock ticks), of this shell's finished children (wrk, redis-benchmark: the
# `times` builtin, run in this shell and not in a subshell, which would have no children), and of the machine's cores
# (busy, all ticks).
hz=$(getconf CLK_TCK)
ticks() { awk '{print $14, $15}' "/proc/$1/stat"; }
children_ms() { awk 'NR == 2 { s = 0; for (i = 1; i <= 2; i++) { split($i, p, /[ms]/); s += p[1] * 60 + p[2] } printf "%.0f", s * 1000 }' "$1"; }
machine() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8 }' /proc/stat; }
# Per request: server_user, server_sys, client (us), busy (% of all cores) between measure_start and measure_end.
measure_start() {
  read -r user0 sys0 < <(ticks "$1"); times >"$work/times0"; read -r busy0 all0 < <(machine)
}
measure_end() {
  local pid=$1 n=$2 user1 sys1 busy1 all1
  read -r user1 sys1 < <(ticks "$pid"); times >"$work/times1"; read -r busy1 all1 < <(machine)
  server_user=$(awk -v t=$((user1 - user0)) -v hz="$hz" -v n="$n" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }')
  server_sys=$(awk -v t=$((sys1 - sys0)) -v hz="$hz" -v n="$n" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }')
  client_us=$(awk -v ms=$(( $(children_ms "$work/times1") - $(children_ms "$work/times0") )) -v n="$n" 'BEGIN { printf "%.1f", ms * 1000 / n }')
  busy=$(awk -v b=$((busy1 - busy0)) -v a=$((all1 - all0)) 'BEGIN { printf "%.0f", 100 * b / a }')
}
# The node's storage counters: fsyncs and group commits of own views (count, summed requests and seconds).
storage() {
  curl -fs "$1/metrics" | awk '
    /^tally_storage_flushes_total/ { f += $NF } /^tally_storage_commit_requests_count/ { c += $NF }
    /^tally_storage_commit_requests_sum/ { r += $NF } /^tally_storage_commit_duration_seconds_sum/ { s += $NF }
    END { print f + 0, c + 0, r + 0, s + 0 }'
}

# load NAME SCRIPT URL SERVER_PID: a warm-up on other videos, then the measured wrk run. Sets rps, responses, acked
# (responses with status < 400), p50/p99 latency (ms) and the CPU figures of measure_end.
load() {
  local name=$1 script=$2 url=$3 server=$4
  local bound=$(( ${duration%s} + ${warmup%s} + 60 ))
  timeout "$bound" env BENCH_VIDEO=warmup BENCH_PREFIX=warm wrk -t2 -c"$connections" -d"$warmup" --timeout 10s -s "$script" "$url" >"$work/$name.warmup.txt"
  measure_start "$server"
  timeout "$bound" wrk -t2 -c"$connections" -d"$duration" --timeout 10s -s "$script" "$url" >"$work/$name.txt"
  rps=$(awk '/^Requests\/sec/ {print $2}' "$work/$name.txt")
  local result; result=$(grep '^RESULT' "$work/$name.txt")
  field() { sed -E "s/.* $1=([0-9]+).*/\1/" <<<"$result"; }
  responses=$(field responses)
  acked=$(( responses - $(field status_errors) ))
  p50=$(awk -v u="$(field p50_us)" 'BEGIN { printf "%.1f", u / 1000 }')
  p99=$(awk -v u="$(field p99_us)" 'BEGIN { printf "%.1f", u / 1000 }')
  measure_end "$server" "$responses"
  if (( acked != responses )); then echo "  $name: $((responses - acked)) responses with status >= 400" >&2; fi
  if grep -q 'Socket errors' "$work/$name.txt"; then echo "  $name: $(grep 'Socket errors' "$work/$name.txt")" >&2; fi
}

# check NAME COUNT ACKED UNIT: acked <= count <= acked + connections (requests in flight when wrk stopped).
checks_failed=0
check() {
  local name=$1 count=$2 ack=$3 unit=$4
  local verdict="ok"
  if (( count < ack || count > ack + connections * unit )); then verdict="FAILED"; checks_failed=1; fi
  printf '  check %-28s count %d, acknowledged %d, in flight at stop %d: %s\n' "$name" "$count" "$ack" "$((count - ack))" "$verdict"
}

# round, case, req/s, views/s, p50 ms, p99 ms, then per request: server user, server system, client CPU us; busy %
results="$work/results.tsv"
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" "$server_user" "$server_sys" "$client_us" "$busy" >>"$results"; }

# node_cases ROUND DURABILITY LABEL BATCH [VAR=value...]: one fresh node (empty data directory, VARs in its
# environment), single views and, if BATCH is 1, batches; each checked; with its storage counters.
node_cases() {
  local round=$1 durability=$2 label=$3 batch=$4; shift 4
  local port; port=$(free_port)
  local url=http://127.0.0.1:$port tag="$durability-$round-${label// /_}"
  start "$work/node-$tag.log" env "$@" dotnet "${NODE_DLL:-$tally_dll}" node --id bench1 --listen "$url" \
    --data "$work/data-$tag" --cluster-key bench-cluster-key --admin-token bench-admin-token --durability "$durability"
  local pid=$started
  wait_http "$pid" "$work/node-$tag.log" GET "$url/health"

  local f0 c0 r0 s0 f1 c1 r1 s1
  read -r f0 c0 r0 s0 < <(storage "$url")
  load "node-single-$tag" bench/load/views.lua "$url" "$pid"
  read -r f1 c1 r1 s1 < <(storage "$url")
  local count; count=$(curl -fs "$url/videos/dQw4w9WgXcQ" | jq .count)
  check "single view, $label" "$count" "$acked" 1
  record "$round" "tally node, single view, $label" "$rps" "$rps" "$p50" "$p99"
  awk -v f=$((f1 - f0)) -v c=$((c1 - c0)) -v r="$r1" -v r0="$r0" -v s="$s1" -v s0="$s0" -v d="${duration%s}" -v n="$responses" 'BEGIN {
    printf "  storage, single view, %s: %d fsyncs (%.0f/s), %d group commits of %.1f requests on average, %.2f ms per commit\n",
      "'"$label"'", f, f / d, c, (c > 0 ? (r - r0) / c : 0), (c > 0 ? (s - s0) * 1000 / c : 0) }'

  if [[ "$batch" == 1 ]]; then
    load "node-batch-$tag" bench/load/batch.lua "$url" "$pid"
    # 10 views of each of video001..video100 per request: every video must hold 10 x the batches applied.
    local counts min max n
    counts=$(curl -fs "$url/videos?limit=1000" | jq '[.videos[] | select(.videoId | startswith("video")) | .count] | (min, max, length)' | xargs)
    read -r min max n <<<"$counts"
    if (( n != 100 || min != max )); then echo "  batch: videos differ: min $min max $max of $n" >&2; checks_failed=1; fi
    check "batch, $label (views)" "$(( min * 100 ))" "$(( acked * 1000 ))" 1000
    record "$round" "tally node, batch of 1,000 views, $label" "$rps" "$(awk -v r="$rps" 'BEGIN { printf "%.0f", r * 1000 }')" "$p50" "$p99"
  fi
  stop "$pid"
}

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)
echo "machine: $(nproc) cores, $cpu, $(free -g | awk '/^Mem/ {print $2}') GiB; $(. /etc/os-release && echo "$PRETTY_NAME"); .NET $(dotnet --list-runtimes | awk '/Microsoft.AspNetCore.App/ {print $2}' | tail -1); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "run: $(date -u '+%F %T') UTC, $rounds rounds, wrk -t2 -c$connections, $duration per case after a $warmup warm-up"

for round in $(seq 1 "$rounds"); do
  echo "round $round (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  port=$(free_port)
  start "$work/bare-$round.log" dotnet "$bare_dll" --urls "http://127.0.0.1:$port"
  bare_pid=$started
  wait_http "$bare_pid" "$work/bare-$round.log" POST "http://127.0.0.1:$port/videos/ready/views"
  load "bare-$round" bench/load/views.lua "http://127.0.0.1:$port" "$bare_pid"
  record "$round" "bare ASP.NET endpoint (baseline)" "$rps" "$rps" "$p50" "$p99"
  stop "$bare_pid"

  node_cases "$round" fsync fsync 1
  if [[ -n "${COMPARE_DLL:-}${COMPARE_ENV:-}" ]]; then
    # shellcheck disable=SC2086 # COMPARE_ENV is a list of VAR=value words
    NODE_DLL="${COMPARE_DLL:-$tally_dll}" node_cases "$round" fsync "fsync, ${COMPARE_LABEL:-other build}" 0 ${COMPARE_ENV:-}
  fi
  if [[ "$diagnose" == 1 ]]; then
    node_cases "$round" none none 1
    # One own-view commit at a time (default 2): bigger groups, fewer fsyncs.
    node_cases "$round" fsync "fsync, 1 commit in flight" 0 TALLY_Node__CommitsInFlightMax=1
  fi

  port=$(free_port)
  mkdir -p "$work/redis-$round"
  start "$work/redis-$round.log" redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly yes \
    --appendfsync always --dir "$work/redis-$round" --daemonize no
  redis_pid=$started
  for _ in $(seq 1 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  timeout 300 redis-benchmark -h 127.0.0.1 -p "$port" -c 50 -n 20000 -t incr -q >/dev/null # warm-up
  redis-cli -p "$port" del 'counter:__rand_int__' >/dev/null
  measure_start "$redis_pid"
  timeout 300 redis-benchmark -h 127.0.0.1 -p "$port" -c 50 -n "$redis_requests" -t incr --csv >"$work/redis-$round.txt"
  measure_end "$redis_pid" "$redis_requests"
  redis_rps=$(awk -F'"' '$2 == "INCR" {print $4}' "$work/redis-$round.txt")
  redis_p50=$(awk -F'"' '$2 == "INCR" {print $10}' "$work/redis-$round.txt")
  redis_p99=$(awk -F'"' '$2 == "INCR" {print $14}' "$work/redis-$round.txt")
  check "redis INCR" "$(redis-cli -p "$port" get 'counter:__rand_int__')" "$redis_requests" 0
  record "$round" "redis INCR, appendfsync always" "$redis_rps" "$redis_rps" "$redis_p50" "$redis_p99"
  stop "$redis_pid"
done

# Per case: every round's req/s and views/s, and the ratios against the baselines of the same round.
echo
echo "raw req/s per round; views/s; ratios per round (node / bare endpoint, node / redis), median [min-max]"
awk -F'\t' -v rounds="$rounds" '
  function median(a, n,   i, j, t) {
    for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  function spread(a, n,   lo, hi, i) {
    lo = a[1]; hi = a[1]
    for (i = 2; i <= n; i++) { if (a[i] < lo) lo = a[i]; if (a[i] > hi) hi = a[i] }
    return sprintf("%s [%s-%s]", fmt(median(a, n)), fmt(lo), fmt(hi))
  }
  function fmt(x) { return x >= 100 ? sprintf("%.0f", x) : sprintf("%.2f", x) }
  { rps[$2, $1] = $3; views[$2, $1] = $4; lat[$2, $1] = $5 "/" $6; cpu[$2, $1] = $7 "+" $8 "/" $9 "/" $10
    if (!($2 in seen)) { seen[$2] = 1; order[++cases] = $2 } }
  END {
    printf "%-52s %-22s %-30s %-16s %-16s %-22s %s\n", "case", "req/s", "views/s", "x bare", "x redis", "p50/p99 ms", "CPU us/req server user+sys/client, busy %"
    for (c = 1; c <= cases; c++) {
      name = order[c]; delete r; delete v; delete xb; delete xr; lats = ""; cpus = ""
      for (i = 1; i <= rounds; i++) {
        r[i] = rps[name, i]; v[i] = views[name, i]
        xb[i] = v[i] / rps["bare ASP.NET endpoint (baseline)", i]
        xr[i] = v[i] / rps["redis INCR, appendfsync always", i]
        lats = lats (i > 1 ? ", " : "") lat[name, i]
        cpus = cpus (i > 1 ? ", " : "") cpu[name, i]
      }
      printf "%-52s %-22s %-30s %-16s %-16s %-22s %s\n", name, spread(r, rounds), spread(v, rounds), spread(xb, rounds), spread(xr, rounds), lats, cpus
    }
  }' "$results"
# Targets (issue 3), on the medians over the rounds of the per-round ratios.
awk -F'\t' '
  function median(a, n,   i, j, t) {
    for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  { v[$2, $1] = $4; if ($1 > rounds) rounds = $1 }
  END {
    for (i = 1; i <= rounds; i++) {
      xb[i] = v["tally node, single view, fsync", i] / v["bare ASP.NET endpoint (baseline)", i]
      xr[i] = v["tally node, single view, fsync", i] / v["redis INCR, appendfsync always", i]
      b[i] = v["tally node, batch of 1,000 views, fsync", i]
    }
    mb = median(xb, rounds); mr = median(xr, rounds); m = median(b, rounds)
    printf "\ntargets: single view >= 0.8x the bare endpoint: %.2fx, %s; >= 1.0x redis: %.2fx, %s; batch >= 1,000,000 views/s: %.0f, %s\n",
      mb, (mb >= 0.8 ? "met" : "NOT met"), mr, (mr >= 1 ? "met" : "NOT met"), m, (m >= 1e6 ? "met" : "NOT met")
  }' "$results"
echo
echo "rows (round, case, req/s, views/s, p50 ms, p99 ms, server user and system CPU us/request, client CPU us/request, machine busy %):"
cat "$results"
if [[ -n "${OUT:-}" ]]; then cp "$results" "$OUT"; fi
if (( checks_failed )); then echo "a count check FAILED (see above)" >&2; exit 1; fi
