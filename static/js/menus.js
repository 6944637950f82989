/* The header's menus are <details> elements and work without this file. With it: opening one menu closes
   the others at its level, Escape closes the innermost open menu and returns focus to its button, and a
   click or focus outside the header's menus closes them. */
(function () {
  "use strict";
  const menus = () => Array.from(document.querySelectorAll("details[data-menu]"));

  function closeAll(except) {
    for (const menu of menus()) {
      if (menu.open && !menu.contains(except)) menu.open = false;
    }
  }

  document.addEventListener("toggle", (event) => {
    const opened = event.target;
    if (!(opened instanceof HTMLDetailsElement) || !opened.matches("[data-menu]") || !opened.open) return;
    // Siblings only: opening a group inside the phone's "Menu" leaves the Menu itself open, and the
    // Menu's own toggle event (dispatched after the click, possibly after a group inside it was opened
    // too) leaves the groups inside it open.
    for (const menu of menus()) {
      if (menu !== opened && menu.open && !menu.contains(opened) && !opened.contains(menu)) menu.open = false;
    }
  }, true);

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const open = menus().filter((menu) => menu.open && menu.contains(document.activeElement));
    const innermost = open[open.length - 1] || menus().filter((menu) => menu.open).pop();
    if (!innermost) return;
    innermost.open = false;
    innermost.querySelector(":scope > summary").focus();
  });

  document.addEventListener("click", (event) => closeAll(event.target));
  document.addEventListener("focusin", (event) => closeAll(event.target));
})();
