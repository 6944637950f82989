/* The decision form's feedback picker, enhanced: matches are listed as one types (the page's own
   "Search" button does the same without JavaScript, by posting the form back), and an item ticked
   among the matches moves to the linked list, so the next search does not lose it. No inline
   script: loaded from the page's <head> with defer (strict CSP). */
(function () {
  "use strict";

  function setUp(picker) {
    var search = picker.querySelector("[data-picker-search]");
    var button = picker.querySelector("[data-picker-button]");
    var results = picker.querySelector("#picker-results");
    var linked = picker.querySelector("#picker-linked");
    var empty = picker.querySelector("#picker-linked-empty");
    var url = picker.getAttribute("data-results-url");
    if (!search || !results || !linked || !url) return;
    var timer = null;
    var latest = 0;

    function run() {
      var ask = ++latest;
      var params = new URLSearchParams();
      params.set("q", search.value);
      linked.querySelectorAll("input[name=feedback_items]").forEach(function (box) {
        params.append("feedback_items", box.value);
      });
      fetch(url + "&" + params.toString(), {credentials: "same-origin", headers: {"X-Requested-With": "fetch"}})
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (html !== null && ask === latest) results.innerHTML = html;
        })
        .catch(function () { /* the Search button still works */ });
    }

    search.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(run, 250);
    });
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {  // search, never submit the decision
        event.preventDefault();
        window.clearTimeout(timer);
        run();
      }
    });
    if (button) {
      button.addEventListener("click", function (event) {
        event.preventDefault();
        window.clearTimeout(timer);
        run();
      });
    }
    results.addEventListener("change", function (event) {
      var box = event.target;
      if (box.name !== "feedback_items" || !box.checked) return;
      var item = box.closest("li");
      if (!item) return;
      linked.appendChild(item);
      if (empty) empty.hidden = true;
      box.focus();
      run();  // a search still on its way would list the item again: ask anew, without it
    });
  }

  function start() {
    document.querySelectorAll("[data-picker]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
