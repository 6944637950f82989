-- GET /bench/bare/: a view that returns "ok" without touching the database (crisisprog.bench_urls),
-- through the same gunicorn, middleware and proxy headers as the real endpoints. args: seed.
dofile("bench/load/common.lua")

function init(args)
   common_init(args)
end

function request()
   return wrk.format("GET", "/bench/bare/", {["X-Forwarded-For"] = next_address(), ["X-Forwarded-Proto"] = "https"})
end

function response(status, headers, body)
   count_status(status)
   if status == 200 and body == "ok" then
      accepted = accepted + 1
   end
end
