-- POST /feedback/: the residents' HTML feedback form, as a browser sends it after one GET gave it
-- the CSRF cookie and token. args: seed, CSRF cookie, form token, language pk, marker (the text's
-- prefix that bench/load.py deletes afterwards), origin (https://host, as the proxy presents it).
dofile("bench/load/common.lua")

local TEXTS = {
   "I would call a crisis line more often if I knew a trained neighbor would come instead of a patrol car.",
   "Please make sure the responders speak Haitian Creole and Cape Verdean Creole; many elders here do not speak English.",
   "A better police response, not no police response: some calls still need an officer nearby.",
   "Night coverage matters most on our street; the worst calls I have seen were after midnight.",
   "Queremos que los equipos conozcan el barrio y que vengan sin sirenas cuando no hay peligro.",
}

function init(args)
   common_init(args)
   cookie, token, language, marker, origin = args[2], args[3], args[4], args[5], args[6]
end

function request()
   local address = next_address()
   local body = form_body({
      {"csrfmiddlewaretoken", token},
      -- Marked by run, seed, thread and count (never the address: the audit log keeps a text's start).
      {"text", string.format("%s %d-%d-%d] %s", marker, seed, thread_id, counter, TEXTS[counter % #TEXTS + 1])},
      {"language", language}, {"neighborhood", ""}, {"session", ""},
      {"contact_name", ""}, {"contact_email", ""}, {"contact_phone", ""}, {"website", ""},
   })
   return form_post("/feedback/", address, body)
end

function response(status, headers, body)
   count_status(status)
   -- 200 is also the status of the form shown again with errors; only the thank-you page has no
   -- text box.
   if status == 200 and not string.find(body, 'name="text"', 1, true) then
      accepted = accepted + 1
   elseif status == 200 then
      rejected = rejected + 1
   end
end
