-- wrk script: the batch endpoint, 100 videos x 10 views = 1,000 views per request.
local views = {}
for i = 1, 100 do
  views[#views + 1] = string.format('{"videoId":"video%03d","amount":10}', i)
end
wrk.method = "POST"
wrk.path = "/views"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"views":[' .. table.concat(views, ",") .. ']}'
