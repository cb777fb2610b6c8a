-- wrk script: one view of one video per request (the single-video hot path).
wrk.method = "POST"
wrk.path = "/videos/dQw4w9WgXcQ/views"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"amount":1}'
