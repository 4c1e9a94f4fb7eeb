// Progressive enhancement only: every screen works without it.
// The procedure search box narrows the procedure list as the official types (name or code);
// Enter in the box picks the first match.
document.addEventListener("DOMContentLoaded", () => {
  for (const box of document.querySelectorAll("input[data-filter]")) {
    const list = document.querySelector(box.dataset.filter);
    if (!list) continue;
    const norm = (s) => s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").toLowerCase();
    box.addEventListener("input", () => {
      const needle = norm(box.value.trim());
      let first = null;
      for (const option of list.options) {
        const hit = !needle || norm(option.dataset.search || option.text).includes(needle);
        option.hidden = !hit;
        if (hit && !first) first = option;
      }
      if (first) first.selected = false;
    });
    box.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      const first = [...list.options].find((o) => !o.hidden);
      if (first) {
        list.value = first.value;
        list.dispatchEvent(new Event("change", { bubbles: true }));
        list.focus();
      }
    });
  }
});
