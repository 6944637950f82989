// Lets a phone install crisisprog on its home screen and open an offline page without a connection
// (templates/core/sw.js). Registered from the root so it covers the whole site.
if ("serviceWorker" in navigator) {
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js").catch(() => {});
  });
}
