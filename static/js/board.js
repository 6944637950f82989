/* The schedule board: an open place's candidates load into the panel above the grid (htmx, from the
   link's hx-get); this moves focus to the panel's heading so a keyboard or screen-reader user lands on
   the list, and "Close" empties the panel and returns focus to the open place it came from. Without
   JavaScript the same link opens the candidates as a page of their own. */
(function () {
  "use strict";
  let opener = null;

  document.addEventListener("htmx:beforeRequest", (event) => {
    const source = event.detail && event.detail.elt;
    if (source && source.matches && source.matches(".bd-open")) opener = source;
  });

  document.addEventListener("htmx:afterSwap", (event) => {
    const panel = event.detail && event.detail.target;
    if (!panel || panel.id !== "board-panel") return;
    const heading = panel.querySelector("h2");
    if (heading) {
      heading.focus({preventScroll: true});
      panel.scrollIntoView({block: "start"});
    }
  });

  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest("[data-board-close]");
    if (!button) return;
    const panel = document.getElementById("board-panel");
    if (panel) panel.replaceChildren();
    if (opener && document.body.contains(opener)) opener.focus();
  });
})();
