-- wrk script for src/bench/throughput.sh with SOURCE=stripe: closed-loop POSTs of signed Stripe deliveries, read
-- from the files StripeEvents.java made for this loop (one per wrk thread: "signature<TAB>body" lines), since
-- wrk's Lua cannot compute an HMAC. A thread that runs out of lines sends to a path that answers 404, so a short
-- file shows as non-2xx rather than as re-sent duplicates.
-- Usage: wrk -t T -c C -d Ds -s stripe-events.lua http://127.0.0.1:PORT -- FILE

-- done() and the status counts: wrk-report.lua, beside this file.
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "wrk-report.lua")

function init(args)
  lines = io.open(args[1] .. "." .. tid, "r")
  ok = 0
  statuses = {}
end

function request()
  local line = lines:read("*l")
  if line == nil then
    return wrk.format("POST", "/api/webhooks/out-of-prepared-deliveries", {}, "")
  end
  local tab = line:find("\t", 1, true)
  return wrk.format("POST", "/api/webhooks/events",
    { ["Content-Type"] = "application/json", ["Stripe-Signature"] = line:sub(1, tab - 1) }, line:sub(tab + 1))
end
