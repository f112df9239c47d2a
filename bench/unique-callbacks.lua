-- wrk script: every request is a distinct conversation callback, sent as OpenIM sends it (headers, trailing newline).
-- As in OpenIM, each new single chat between users A and B gives two callbacks: owner A with peer B, then owner B with
-- peer A, both with the conversationId si_A_B; user ids are 10-digit numbers scattered like real ones, so the
-- store's indexes see the random order they see in production.
-- Args: [delay_ms] — with a delay per request, C connections pace themselves to about C * 1000 / delay_ms req/s.
-- BENCH_PORTS (environment, comma-separated): spread wrk's threads over several receivers on 127.0.0.1, one port
-- per thread in turn (run wrk with -t set to a multiple of the number of ports).
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
  local ports = os.getenv("BENCH_PORTS")
  if ports and ports ~= "" then
    local list = {}
    for port in string.gmatch(ports, "%d+") do table.insert(list, port) end
    local port = list[(#threads - 1) % #list + 1]
    thread.addr = wrk.lookup("127.0.0.1", port)[1]
  end
end

local a, b

function init(args)
  counter = 0
  math.randomseed(tid * 7919)
  pause = tonumber(args[1] or "0")
end

function delay()
  return pause
end

-- A random 10-digit user id (seeded per thread, so runs repeat); the operationID keeps each request unique.
local function user_id()
  return string.format("%d", math.random(1000000000, 9999999999))
end

function request()
  counter = counter + 1
  if counter % 2 == 1 then a, b = user_id(), user_id() end
  local owner, peer = a, b
  if counter % 2 == 0 then owner, peer = b, a end
  -- Go compares strings byte-wise; equal-length decimal strings compare the same in Lua.
  local low, high = a, b
  if b < a then low, high = b, a end
  local body = '{"callbackCommand":"callbackAfterCreateSingleChatConversationsCommand","ownerUserId":"' .. owner ..
    '","conversationId":"si_' .. low .. '_' .. high .. '","conversationType":1,"userId":"' .. peer ..
    '","recvMsgOpt":0,"isPinned":false,"isPrivateChat":false,"burnDuration":0,"groupAtType":0,"attachedInfo":"",' ..
    '"ex":""}\n'
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/json; charset=utf-8",
    ["operationID"] = "bench-" .. tid .. "-" .. counter,
  }, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests":%d,"durationUs":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latencyUs":{"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d}}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9), latency.max))
end
