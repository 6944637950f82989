-- Shared by the load scripts (wrk runs them with bench/load.py's working directory, the project root).
--
-- Every request comes from a different resident: a distinct X-Forwarded-For address, as the one
-- trusted proxy in front of production would append it, so the per-client rate limits stay on
-- and are never tripped by the benchmark itself. The run's random seed keeps two runs within the
-- rate window from reusing each other's addresses.
--
-- Each thread counts its responses by outcome; done() sums the threads and prints one JSON line
-- ("WRK_RESULT {...}") that bench/load.py reads.

local threads = {}
local next_id = 0

function setup(thread)
   thread:set("thread_id", next_id)
   next_id = next_id + 1
   table.insert(threads, thread)
end

-- Set by each script's init(args): args[1] is the run seed, the rest are the script's own.
seed = 0
counter = 0  -- requests this thread has sent (one request() call each)
accepted = 0
rejected = 0
statuses = {}

function common_init(args)
   seed = tonumber(args[1])
   accepted, rejected, counter = 0, 0, 0
   statuses = {}
end

function next_address()
   counter = counter + 1
   -- 2^20 addresses per thread inside 10.0.0.0/8, from a random start for this run.
   local n = (seed + thread_id * 1048576 + counter) % 16777216
   return string.format("10.%d.%d.%d", math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
end

function urlencode(s)
   return (string.gsub(s, "[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function form_body(fields)
   local parts = {}
   for _, pair in ipairs(fields) do
      table.insert(parts, urlencode(pair[1]) .. "=" .. urlencode(pair[2]))
   end
   return table.concat(parts, "&")
end

-- A resident's form POST as the trusted proxy presents it: the CSRF cookie, same-origin Referer and
-- Origin, the resident's own address and the HTTPS the proxy terminated. `cookie` and `origin` are
-- the globals each script's init() sets.
function form_post(path, address, body)
   return wrk.format("POST", path, {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Cookie"] = "csrftoken=" .. cookie,
      ["Referer"] = origin .. path,
      ["Origin"] = origin,
      ["X-Forwarded-For"] = address,
      ["X-Forwarded-Proto"] = "https",
   }, body)
end

function count_status(status)
   local key = tostring(status)
   statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests)
   local total_accepted, total_rejected, total_sent, by_status = 0, 0, 0, {}
   for _, thread in ipairs(threads) do
      total_sent = total_sent + thread:get("counter")
      total_accepted = total_accepted + thread:get("accepted")
      total_rejected = total_rejected + thread:get("rejected")
      for code, count in pairs(thread:get("statuses")) do
         by_status[code] = (by_status[code] or 0) + count
      end
   end
   -- Requests still in flight when wrk stops are never answered here (wrk closes their
   -- connections); the server still completes them: bench/load.py counts them in its access log.
   local codes, answered = {}, 0
   for code, count in pairs(by_status) do
      table.insert(codes, string.format('"%s": %d', code, count))
      answered = answered + count
   end
   local e = summary.errors
   io.write(string.format(
      'WRK_RESULT {"requests": %d, "sent": %d, "answered": %d, "duration_us": %d, "accepted": %d, "rejected": %d, "statuses": {%s}, ' ..
      '"socket_errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}, "status_errors": %d, ' ..
      '"latency_us": {"p50": %d, "p90": %d, "p99": %d, "max": %d, "mean": %.1f}}\n',
      summary.requests, total_sent, answered, summary.duration, total_accepted, total_rejected, table.concat(codes, ", "),
      e.connect, e.read, e.write, e.timeout, e.status,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
