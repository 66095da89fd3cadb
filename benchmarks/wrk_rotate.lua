-- wrk script for stancewire's HTTP benchmark (benchmarks/load.py runs it).
-- wrk ... -s wrk_rotate.lua URL -- BODIES OFFSET LIMIT THREADS CHECK
--   BODIES   file with one JSON request body per line (one article each)
--   OFFSET   first body to send (0-based); thread i sends OFFSET+i, OFFSET+i+THREADS, ...
--   LIMIT    responses to wait for in all (each thread stops after its share)
--   THREADS  the -t value (each thread runs its own Lua state and cannot count them)
--   CHECK    1: count 200 answers whose meta.attempts > 1 (stancewire's repair loop)
-- done() prints one line "WRK_JSON {...}" with counts and latency percentiles in µs.

local ffi = require("ffi")
ffi.cdef("int kill(int pid, int sig); int getpid(void);")
local SIGINT = 2

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  local path, offset, limit, nthreads = args[1], tonumber(args[2]), tonumber(args[3]), tonumber(args[4])
  check = args[5] == "1"
  local all = {}
  for line in io.lines(path) do
    if #line > 0 then table.insert(all, line) end
  end
  bodies = {}
  local share = math.floor(limit / nthreads) + ((id < limit % nthreads) and 1 or 0)
  -- This thread's stripe: enough distinct bodies for its share plus what is in flight.
  local k = offset + id
  while #bodies < math.min(#all, share + 64) do
    table.insert(bodies, all[(k % #all) + 1])
    k = k + nthreads
  end
  stop_at = share
  sent, received, non200, repaired = 0, 0, 0, 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  sent = sent + 1
  return wrk.format(nil, nil, nil, bodies[((sent - 1) % #bodies) + 1])
end

function response(status, headers, body)
  received = received + 1
  if status ~= 200 then
    non200 = non200 + 1
  elseif check then
    local attempts = tonumber(string.match(body, '"attempts":%s*(%d+)'))
    if attempts == nil or attempts > 1 then repaired = repaired + 1 end
  end
  if received >= stop_at then
    -- wrk's main thread sleeps for the whole -d otherwise; SIGINT (wrk's own way to end a
    -- run early) wakes it, so the run ends now and its duration is the real one. The other
    -- threads notice within wrk's 100 ms tick: a few answers past the limit, all counted.
    wrk.thread:stop()
    ffi.C.kill(ffi.C.getpid(), SIGINT)
  end
end

function done(summary, latency, requests)
  local counts = {received = 0, non200 = 0, repaired = 0}
  for _, thread in ipairs(threads) do
    for key, _ in pairs(counts) do counts[key] = counts[key] + (thread:get(key) or 0) end
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "received": %d, "non200": %d, '
    .. '"repaired": %d, "errors": {"connect": %d, "read": %d, "write": %d, "status": %d, '
    .. '"timeout": %d}, "latency_us": {"p50": %d, "p90": %d, "p99": %d, "mean": %.1f, '
    .. '"max": %d}}\n',
    summary.requests, summary.duration, summary.bytes, counts.received, counts.non200,
    counts.repaired, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean,
    latency.max))
end
