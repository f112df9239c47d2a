-- wrk script: every request is a distinct conversation callback, sent as OpenIM sends it (headers, trailing newline).
-- Args: [delay_ms] — with a delay per request, C connections pace themselves to about C * 1000 / delay_ms req/s.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function init(args)
  counter = 0
  pause = tonumber(args[1] or "0")
end

function delay()
  return pause
end

function request()
  counter = counter + 1
  local owner = "u" .. tid .. "_" .. counter
  local body = '{"callbackCommand":"callbackAfterCreateSingleChatConversationsCommand","ownerUserId":"' .. owner ..
    '","conversationId":"si_peer_' .. owner .. '","conversationType":1,"userId":"peer","recvMsgOpt":0,' ..
    '"isPinned":false,"isPrivateChat":false,"burnDuration":0,"groupAtType":0,"attachedInfo":"","ex":""}\n'
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
