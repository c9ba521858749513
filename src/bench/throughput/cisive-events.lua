-- wrk script for src/bench/throughput.sh: closed-loop POSTs of unique Cisive events, each with its own event id
-- ("<run>-<thread>-<n>"), the body CisiveEvents builds in the tests. UPDATES percent of them are OrderUpdated events
-- of one of the 100,000 existing orders (ORD-EXISTING-0..99999, occurred now, so they apply), the rest
-- OrderCreated events of a new order each.
-- Usage: wrk -t T -c C -d Ds -s cisive-events.lua http://127.0.0.1:PORT -- RUN_ID JWT UPDATES

-- done() and the status counts: wrk-report.lua, beside this file.
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "wrk-report.lua")

local body_format = '{"eventId":"evt-%s","eventType":"%s","occurredAt":"%s",'
  .. '"schemaVersion":"1.0","order":{"externalOrderId":"%s","status":"%s","packageCode":"PKG-STANDARD",'
  .. '"clientReference":"CLIENT-REF-7","orderedAt":"2026-11-01T09:00:00Z","candidate":{"firstName":"Evangelina",'
  .. '"lastName":"Quarterfield","email":"evangelina.quarterfield@example.org","dateOfBirth":"1987-04-23",'
  .. '"phone":"+44 20 7946 0958"},"services":[{"code":"CRIM","status":"Pending"},'
  .. '{"code":"EDU","status":"Complete","completedAt":"2026-11-02T12:00:00+01:00"}]}}'

function init(args)
  run_id = args[1]
  headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. args[2] }
  updates = tonumber(args[3] or "0")
  math.randomseed(os.time() + tid)
  sent = 0
  ok = 0
  statuses = {}
end

function request()
  sent = sent + 1
  local id = string.format("%s-%d-%d", run_id, tid, sent)
  local body
  if math.random(1, 100) <= updates then
    body = string.format(body_format, id, "OrderUpdated", os.date("!%Y-%m-%dT%H:%M:%SZ"),
      "ORD-EXISTING-" .. math.random(0, 99999), "InProgress")
  else
    body = string.format(body_format, id, "OrderCreated", "2026-11-20T10:00:00Z", "ORD-" .. id, "Created")
  end
  return wrk.format("POST", "/api/webhooks/cisive/orders", headers, body)
end
