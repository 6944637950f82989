-- POST /ops/encounters/new/: the encounter form a team sends from a phone after a call (ENCOUNTERS, issue 22),
-- signed in as the benchmark's coordinator (one session), each request a new encounter with its own
-- idempotency key. args: seed, CSRF cookie, form token, session cookie, zone pk, origin (https://host),
-- the local date and clock time of the calls (a few minutes ago, so never in the future).
dofile("bench/load/common.lua")

function init(args)
   common_init(args)
   cookie, token, session, zone, origin, day, clock = args[2], args[3], args[4], args[5], args[6], args[7], args[8]
   path = "/ops/encounters/new/"
end

function request()
   local address = next_address()
   -- A version-4-shaped UUID unique to this run, thread and request.
   local key = string.format("%08x-%04x-4000-8000-%012x", seed, thread_id, counter)
   local body = form_body({
      {"csrfmiddlewaretoken", token}, {"idempotency_key", key},
      {"day", day}, {"received_at", clock}, {"dispatched_at", clock}, {"arrived_at", clock}, {"cleared_at", clock},
      {"zone", zone}, {"source", "911"}, {"outcome", "resolved"}, {"referral_kind", ""}, {"unserved_reason", ""},
      {"note", "Calm after talking it through"},
   })
   return wrk.format("POST", path, {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Cookie"] = "csrftoken=" .. cookie .. "; sessionid=" .. session,
      ["Referer"] = origin .. path,
      ["Origin"] = origin,
      ["X-Forwarded-For"] = address,
      ["X-Forwarded-Proto"] = "https",
   }, body)
end

function response(status, headers, body)
   count_status(status)
   -- Success is the redirect to the encounter's page; 400 is the form with errors.
   local location = headers["Location"] or headers["location"] or ""
   if status == 302 and string.find(location, "/ops/encounters/", 1, true) then
      accepted = accepted + 1
   elseif status == 400 then
      rejected = rejected + 1
   end
end
