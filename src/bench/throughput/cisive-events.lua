-- wrk script for src/bench/throughput.sh: closed-loop POSTs of unique Cisive events, each with its own event id
-- ("<run>-<thread>-<n>"), the body CisiveEvents builds in the tests. UPDATES percent of them are OrderUpdated events
-- of one of the 100,000 existing orders (ORD-EXISTING-0..99999, occurred now, so they apply), the rest
-- OrderCreated events of a new order each.
-- Usage: wrk -t T -c C -d Ds -s cisive-events.lua http://127.0.0.1:PORT -- RUN_ID JWT UPDATES
-- done() prints "bench KEY VALUE" lines for the script to read. Counting statuses in response() costs wrk some
-- speed; the service, not wrk, is the bottleneck here.

local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

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

function response(status, headers, body)
  if status >= 200 and status < 300 then
    ok = ok + 1
  else
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local ok_total, other_total, others = 0, 0, {}
  for _, thread in ipairs(threads) do
    ok_total = ok_total + thread:get("ok")
    for status, count in pairs(thread:get("statuses")) do
      others[status] = (others[status] or 0) + count
      other_total = other_total + count
    end
  end
  local listed = {}
  for status, count in pairs(others) do
    table.insert(listed, string.format("%d=%d", status, count))
  end
  local e = summary.errors
  io.write(string.format("bench responses %d\n", summary.requests))
  io.write(string.format("bench ok %d\n", ok_total))
  io.write(string.format("bench other %d\n", other_total))
  io.write(string.format("bench other_statuses %s\n", #listed > 0 and table.concat(listed, ",") or "none"))
  io.write(string.format("bench socket_errors %d\n", e.connect + e.read + e.write + e.timeout))
  io.write(string.format("bench timeouts %d\n", e.timeout))
  io.write(string.format("bench seconds %.3f\n", summary.duration / 1e6))
  io.write(string.format("bench p50_ms %.2f\n", latency:percentile(50) / 1000))
  io.write(string.format("bench p99_ms %.2f\n", latency:percentile(99) / 1000))
end
