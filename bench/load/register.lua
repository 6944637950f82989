-- POST /sessions/<pk>/register/: the residents' HTML registration form (no account, no JavaScript),
-- each request a different resident with a different email, consenting to confirmation messages.
-- args: seed, CSRF cookie, form token, language pk, session pk, email domain (bench/load.py
-- deletes the registrations afterwards), origin (https://host).
dofile("bench/load/common.lua")

function init(args)
   common_init(args)
   cookie, token, language, session, domain, origin = args[2], args[3], args[4], args[5], args[6], args[7]
   path = "/sessions/" .. session .. "/register/"
end

function request()
   local address = next_address()
   local resident = string.format("r%d-%d-%d", seed, thread_id, counter)
   local body = form_body({
      {"csrfmiddlewaretoken", token},
      {"name", "Resident " .. resident}, {"language", language},
      {"email", resident .. "@" .. domain}, {"phone", ""}, {"contact_consent", "on"},
      {"interpretation_language", ""}, {"access_needs", ""},
   })
   return form_post(path, address, body)
end

function response(status, headers, body)
   count_status(status)
   -- Success is the redirect to the resident's registration page; 200 is the form with errors.
   local location = headers["Location"] or headers["location"] or ""
   if status == 302 and string.find(location, "/sessions/registration/", 1, true) then
      accepted = accepted + 1
   elseif status == 200 then
      rejected = rejected + 1
   end
end
