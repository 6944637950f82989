/* The encounter form on a weak connection. The form's values are kept in sessionStorage while typing, so a
   reload or a lost page brings them back (with the same idempotency key); a submit is sent with fetch, and
   when the network fails the page says "Not sent — retrying" and sends it again, with the same key, until it
   goes through: the server answers a repeated key with the encounter the first attempt wrote, never a second
   row. Without JavaScript the form posts normally and a refused submit comes back with its values. */
(function () {
  "use strict";
  const form = document.querySelector("form[data-encounter-form]");
  if (!form || !window.fetch || !window.sessionStorage) return;
  const STORE = "crisisprog.encounter-draft";
  const banner = document.getElementById("enc-retry");
  const text = banner ? banner.querySelector("[data-retrying]") : null;
  let sending = false;

  function save() {
    const values = {};
    new FormData(form).forEach((value, name) => {
      if (name !== "csrfmiddlewaretoken") values[name] = String(value);
    });
    try { sessionStorage.setItem(STORE, JSON.stringify(values)); } catch (e) { /* storage full or off */ }
  }

  function restore() {
    // Only when the page is a fresh form: a re-rendered (refused) form already carries what was sent.
    if (form.querySelector(".usa-form-group--error")) { save(); return; }
    let values;
    try { values = JSON.parse(sessionStorage.getItem(STORE) || "null"); } catch (e) { values = null; }
    if (!values) return;
    Object.keys(values).forEach((name) => {
      form.querySelectorAll(`[name="${CSS.escape(name)}"]`).forEach((field) => {
        if (field.type === "radio" || field.type === "checkbox") field.checked = field.value === values[name];
        else field.value = values[name];
      });
    });
    form.querySelectorAll('input[type="checkbox"]').forEach((box) => {
      if (!(box.name in values)) box.checked = false;
    });
  }

  function show(message) {
    if (!banner) return;
    if (text && message) text.textContent = message;
    banner.hidden = false;
  }

  function attempt(delay) {
    fetch(form.action || window.location.href, {
      method: "POST", body: new FormData(form), credentials: "same-origin", redirect: "follow",
    }).then((response) => {
      if (response.redirected && response.ok) {
        sessionStorage.removeItem(STORE);
        window.location.assign(response.url);
        return;
      }
      // Refused (a field to correct) or a server error: post the form the ordinary way, so the page shows the
      // answer with its errors. Nothing was written, so posting again is harmless.
      sending = false;
      HTMLFormElement.prototype.submit.call(form);
    }).catch(() => {
      show(text ? text.dataset.retrying : "");
      const next = Math.min(delay * 2, 30000);
      window.setTimeout(() => attempt(next), delay);
    });
  }

  restore();
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (sending) return;
    sending = true;
    save();
    attempt(2000);
  });
})();
