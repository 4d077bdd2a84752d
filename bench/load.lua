-- wrk script for the contract's endpoints; run with one thread (`wrk -t1`).
--   BENCH_MODE=create   POST /api/v1/payments, a new Idempotency-Key per request; with BENCH_IDS
--                       set, appends each created payment's "id secret" to that file (the
--                       proceed pool)
--   BENCH_MODE=proceed  POST /api/v1/payments/{id}/submit once per line of BENCH_IDS, with its
--                       Client-Secret; stops early when they run out (the rate is then over the
--                       time actually run)
--   BENCH_MODE=status   GET /api/v1/payments/{BENCH_ID} with Client-Secret BENCH_SECRET
-- done() prints: RESULT requests=… seconds=… errors=… rps=… p50_ms=… p99_ms=… max_ms=… user_ms=…
-- (user_ms: the user-mode CPU time of wrk itself)
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock, bench_timespec *ts);
  typedef struct { long tv_sec; long tv_usec; } bench_timeval;
  typedef struct { bench_timeval ru_utime; bench_timeval ru_stime; long ru_rest[14]; } bench_rusage;
  int getrusage(int who, bench_rusage *usage);
]]
local ts = ffi.new("bench_timespec")
local function now() -- CLOCK_MONOTONIC, seconds
  ffi.C.clock_gettime(1, ts)
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) / 1e9
end

local mode = os.getenv("BENCH_MODE")
local ids_path = os.getenv("BENCH_IDS")
local prefix = os.getenv("BENCH_KEY_PREFIX") or "bench"
local create_body = '{"order":"demo-dz","method":"yassir_cash","phone":"+213555000002"}'
local headers = { ["Content-Type"] = "application/json" }
local sent, ids, secrets, out = 0, {}, {}, nil
local verified = false

-- Read back by done() through thread:get (globals of the thread's state).
started_at, stopped_at = nil, nil

function init(args)
  if mode == "proceed" then
    for line in io.lines(ids_path) do
      local id, secret = line:match("^(%S+) (%S+)$")
      ids[#ids + 1], secrets[#secrets + 1] = id, secret
    end
  elseif mode == "create" and ids_path then
    out = io.open(ids_path, "a")
    out:setvbuf("full")
  end
end

function request()
  -- wrk calls request() once before the run to check what it returns (script_verify_request);
  -- that one is never sent, so it must not use up a payment or a key.
  if not verified then
    verified = true
    return wrk.format("GET", "/api/v1/checkout?order=demo-dz")
  end
  sent = sent + 1
  started_at = started_at or now()
  if mode == "create" then
    headers["Idempotency-Key"] = prefix .. "-" .. sent
    return wrk.format("POST", "/api/v1/payments", headers, create_body)
  elseif mode == "proceed" then
    if sent > #ids then
      -- Out of payments: stop here; the answers still in flight are not counted.
      stopped_at = stopped_at or now()
      wrk.thread:stop()
      return wrk.format("GET", "/api/v1/checkout?order=demo-dz")
    end
    headers["Client-Secret"] = secrets[sent]
    return wrk.format("POST", "/api/v1/payments/" .. ids[sent] .. "/submit", headers, '{"type":"yassir_cash"}')
  else
    headers["Client-Secret"] = os.getenv("BENCH_SECRET")
    return wrk.format("GET", "/api/v1/payments/" .. os.getenv("BENCH_ID"), headers)
  end
end

if mode == "create" and ids_path then
  function response(status, _, body)
    if status == 201 then
      out:write(body:match('"id":"([^"]+)"'), " ", body:match('"client_secret":"([^"]+)"'), "\n")
      if sent % 256 == 0 then out:flush() end
    end
  end
end

local threads = {}
function setup(thread) threads[#threads + 1] = thread end

function done(summary, latency, _)
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.status + e.timeout
  local seconds = summary.duration / 1e6
  local t = threads[1]
  if t and t:get("stopped_at") then seconds = t:get("stopped_at") - t:get("started_at") end
  local usage = ffi.new("bench_rusage")
  ffi.C.getrusage(0, usage) -- RUSAGE_SELF: every thread of wrk
  local user_ms = tonumber(usage.ru_utime.tv_sec) * 1000 + tonumber(usage.ru_utime.tv_usec) / 1000
  io.write(string.format("RESULT requests=%d seconds=%.2f errors=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f user_ms=%.0f\n",
    summary.requests, seconds, errors, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000, user_ms))
end
