-- wrk script: the batch endpoint, 100 videos x 10 views = 1,000 views per request.
-- BENCH_PREFIX names the videos (default "video": video001..video100), so a warm-up can use others. done() prints
-- the same RESULT line as views.lua.
local prefix = os.getenv("BENCH_PREFIX") or "video"
local views = {}
for i = 1, 100 do
  views[#views + 1] = string.format('{"videoId":"%s%03d","amount":10}', prefix, i)
end
wrk.method = "POST"
wrk.path = "/views"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"views":[' .. table.concat(views, ",") .. ']}'

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT responses=%d status_errors=%d connect=%d read=%d write=%d timeout=%d p50_us=%d p99_us=%d\n",
    summary.requests, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
