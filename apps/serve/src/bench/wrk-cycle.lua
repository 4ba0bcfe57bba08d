-- wrk script of `pnpm bench:serve-rewards`: POSTs the bodies of a file (one JSON body a line) to
-- /get_reward in turn, each thread from its own offset, and prints the run's counts and latency
-- percentiles as one JSON line when done.
-- Usage: wrk -s wrk-cycle.lua URL -- BODIES_FILE

local requests = {}
local count = 0
local next_index = 0

function init(args)
  local file = assert(io.open(args[1], "r"), "cannot open the bodies file " .. tostring(args[1]))
  for line in file:lines() do
    if #line > 0 then
      count = count + 1
      requests[count] = wrk.format("POST", "/get_reward", { ["Content-Type"] = "application/json" }, line)
    end
  end
  file:close()
  assert(count > 0, "the bodies file holds no bodies")
end

function request()
  next_index = next_index % count + 1
  return requests[next_index]
end

function done(summary, latency, _)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,"non2xx":%d,"timeouts":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
