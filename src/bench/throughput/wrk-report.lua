-- What both wrk scripts of src/bench/throughput.sh share: thread numbering, counting statuses, and the
-- "bench KEY VALUE" lines done() prints for the script to read. Counting statuses in response() costs wrk some
-- speed; the service, not wrk, is the bottleneck here. A script loads it with dofile (see cisive-events.lua).

local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
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
