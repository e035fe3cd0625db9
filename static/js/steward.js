// Small behaviours shared by every page; page-specific scripts live with their templates.
document.addEventListener("htmx:responseError", (event) => {
  const xhr = event.detail.xhr;
  let text = `Request failed (${xhr.status}).`;
  try {
    const body = JSON.parse(xhr.responseText);
    if (body.detail) text = body.detail;
  } catch (_) { /* not JSON: keep the status line */ }
  let box = document.getElementById("htmx-error");
  if (!box) {
    box = document.createElement("p");
    box.id = "htmx-error";
    box.className = "message error";
    box.setAttribute("role", "alert");
    document.querySelector("main").prepend(box);
  }
  box.textContent = text;
});
