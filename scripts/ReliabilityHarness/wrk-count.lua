-- Counts what wrk sent and what came back, so that END entries can be compared with requests exactly:
-- requests still in flight when wrk stops were sent (and logged by the server) but never counted as responses.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  sent = 0
  received = 0
  path = args[1] or "/"
end

function request()
  sent = sent + 1
  return wrk.format("GET", path)
end

function response(status, headers, body)
  received = received + 1
end

function done(summary, latency, requests)
  local s, r = 0, 0
  for _, t in ipairs(threads) do
    s = s + t:get("sent")
    r = r + t:get("received")
  end
  io.write(string.format("BOARD-WRK sent=%d received=%d socket_errors=%d p50_us=%d p99_us=%d max_us=%d\n",
    s, r, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
