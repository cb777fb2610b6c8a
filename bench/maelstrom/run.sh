#!/usr/bin/env bash
# Message volume of `tally maelstrom` against a naive full-state-broadcast node, both under the Maelstrom stand-in
# with the same seeds and settings (5 nodes, rate 100, 20 s, partitions every ~2 s, 10 ms exponential latency), at the
# same tick interval. Prints one markdown row per run and the medians. Usage: bench/maelstrom/run.sh [seeds] [intervals-ms]
set -euo pipefail
cd "$(dirname "$0")/../.."
seeds=${1:-"1 2 3"}
intervals=${2:-"100 1000"}

dotnet build src/Tally.Cli -c Release -nologo -v quiet
dotnet build tests/Tally.Maelstrom.StandIn -c Release -nologo -v quiet
dotnet build tests/Tally.Maelstrom.Naive -c Release -nologo -v quiet
standin=tests/Tally.Maelstrom.StandIn/bin/Release/net10.0/Tally.Maelstrom.StandIn.dll
tally=$PWD/src/Tally.Cli/bin/Release/net10.0/tally.dll
naive=$PWD/tests/Tally.Maelstrom.Naive/bin/Release/net10.0/Tally.Maelstrom.Naive.dll
out=$(mktemp -d)

run() { # name interval seed args...
  local name=$1 interval=$2 seed=$3
  shift 3
  dotnet "$standin" test -w g-counter --bin dotnet --node-count 5 --rate 100 --time-limit 20 --nemesis partition \
    --nemesis-interval 2 --latency 10 --latency-dist exponential --seed "$seed" --json -- "$@" > "$out/run.txt" || true
  local json
  json=$(tail -n 1 "$out/run.txt")
  echo "$name $interval $seed $json" >> "$out/results.txt"
}

for interval in $intervals; do
  for seed in $seeds; do
    run tally "$interval" "$seed" "$tally" maelstrom --gossip-interval "${interval}ms"
    run naive "$interval" "$seed" "$naive" --interval-ms "$interval"
  done
done

python3 - "$out/results.txt" <<'PY'
import json, statistics, sys
rows = []
for line in open(sys.argv[1]):
    name, interval, seed, data = line.split(" ", 3)
    rows.append((name, int(interval), int(seed), json.loads(data)))
print("| node | tick | seed | valid | acked adds | msgs | bytes | msgs/add | bytes/add | msgs/add to heal | bytes/add to heal | Maelstrom msgs-per-op |")
print("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for name, interval, seed, d in rows:
    a = d["addsOk"] or 1
    print(f"| {name} | {interval} ms | {seed} | {d['valid']} | {d['addsOk']} | {d['messages']} | {d['bytes']} | "
          f"{d['messagesPerAdd']:.2f} | {d['bytesPerAdd']:.0f} | {d['mainMessages']/a:.2f} | {d['mainBytes']/a:.0f} | {d['serverMessagesPerOp']:.2f} |")
print()
print("| node | tick | median msgs/add | median bytes/add | median bytes/msg |")
print("|---|---:|---:|---:|---:|")
for key in sorted({(r[0], r[1]) for r in rows}, key=lambda k: (k[1], k[0])):
    ds = [r[3] for r in rows if (r[0], r[1]) == key]
    print(f"| {key[0]} | {key[1]} ms | {statistics.median(d['messagesPerAdd'] for d in ds):.2f} | "
          f"{statistics.median(d['bytesPerAdd'] for d in ds):.0f} | {statistics.median(d['bytes']/d['messages'] for d in ds):.0f} |")
PY
rm -rf "$out"
