-- wrk script: one view per request at a write level (bench/load/levels.sh). BENCH_W is the level (1, 2, majority,
-- all), BENCH_VIDEO the video. done() prints the line levels.sh parses: responses, HTTP errors (a 504 is one: the
-- level was not met in time), p50 and p99 latency.
local video = os.getenv("BENCH_VIDEO") or "levels"
local w = os.getenv("BENCH_W") or "1"
wrk.method = "POST"
wrk.path = "/videos/" .. video .. "/views?w=" .. w
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"amount":1}'

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT responses=%d status_errors=%d connect=%d read=%d write=%d timeout=%d p50_us=%d p99_us=%d\n",
    summary.requests, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
