// Keyboard-first labelling: 1/2 verdict, digits for categories after "unsafe", Enter submits,
// s skips, ? toggles help. Bound once on document because htmx swaps the item in place.
(function () {
  "use strict";
  let categoryMode = false;

  function form() { return document.getElementById("review-form"); }
  function categories() { return document.querySelector("#review-item .categories"); }
  function setCategoryMode(on) {
    categoryMode = on && !!categories();
    const box = categories();
    if (box) box.dataset.active = categoryMode ? "true" : "false";
  }

  document.addEventListener("htmx:afterSwap", function () { setCategoryMode(false); });

  document.addEventListener("keydown", function (event) {
    const help = document.getElementById("review-help");
    const target = event.target;
    const typing = target && (target.tagName === "TEXTAREA" || target.tagName === "INPUT" && target.type === "text" || target.tagName === "SELECT");
    const f = form();
    if (typing) {
      if (event.key === "Escape") target.blur();
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && f) { event.preventDefault(); f.requestSubmit(); }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "?") {
      event.preventDefault();
      if (help.open) help.close(); else help.showModal();
      return;
    }
    if (help && help.open) return;
    if (!f) return;
    if (event.key === "Escape") { setCategoryMode(false); return; }
    if (/^[0-9]$/.test(event.key)) {
      event.preventDefault();
      if (categoryMode) {
        const box = f.querySelector('input[name="categories"][data-index="' + event.key + '"]');
        if (box) box.checked = !box.checked;
        return;
      }
      const radio = f.querySelector('input[name="verdict"][data-key="' + event.key + '"]');
      if (radio) {
        radio.checked = true;
        setCategoryMode(radio.value === "unsafe");
        if (radio.value === "safe") f.querySelectorAll('input[name="categories"]').forEach(function (b) { b.checked = false; });
      }
      return;
    }
    if (event.key === "Enter") {
      if (target && target.tagName === "BUTTON") return;  // the button submits by itself
      event.preventDefault();
      f.requestSubmit();
      return;
    }
    if (event.key === "s") {
      event.preventDefault();
      const skip = f.querySelector('[data-testid="skip"]');
      if (skip) skip.click();
    }
  });
})();
