/* A live word count under every textarea with a word limit: "123 of 500 words". The page renders the
   count as it was when loaded, and the server enforces the limit with a field error, so this only keeps
   the number current while typing. Words are counted as the server counts them: runs of non-space. */
(function () {
  "use strict";
  const count = (text) => (text.trim() ? text.trim().split(/\s+/).length : 0);

  function update(field) {
    const output = document.getElementById(field.dataset.wordCount);
    if (!output) return;
    const limit = Number(field.dataset.wordLimit);
    const words = count(field.value);
    const over = words - limit;
    const template = over > 0 ? output.dataset.overTemplate : output.dataset.template;
    output.textContent = (template || "{n} of {limit} words")
      .replace("{n}", String(words)).replace("{limit}", String(limit)).replace("{over}", String(over));
    output.classList.toggle("proc-wordcount-over", over > 0);
  }

  document.addEventListener("input", (event) => {
    const field = event.target;
    if (field instanceof HTMLTextAreaElement && field.dataset.wordLimit) update(field);
  });
  document.querySelectorAll("textarea[data-word-limit]").forEach(update);
})();
