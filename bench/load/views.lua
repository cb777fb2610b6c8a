-- wrk script: one view of one video per request (the single-video hot path).
-- BENCH_VIDEO picks the video (default dQw4w9WgXcQ), so a warm-up can use another one. done() prints a line that
-- run.sh parses: responses completed and how many of them failed with an HTTP status >= 400 (wrk's "status" errors).
local video = os.getenv("BENCH_VIDEO") or "dQw4w9WgXcQ"
wrk.method = "POST"
wrk.path = "/videos/" .. video .. "/views"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"amount":1}'

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT responses=%d status_errors=%d connect=%d read=%d write=%d timeout=%d p50_us=%d p99_us=%d\n",
    summary.requests, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
