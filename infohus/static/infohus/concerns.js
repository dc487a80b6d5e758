// Concern forms: when "immediate danger" is ticked, the emergency guidance (always on the page,
// so that it is there without JavaScript) turns red and is announced to screen readers.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector("[data-concern-danger]");
  const guidance = document.querySelector("[data-concern-emergency]");
  if (!box || !guidance) return;
  const show = () => {
    guidance.classList.toggle("alert-error", box.checked);
    guidance.classList.toggle("alert-warning", !box.checked);
    guidance.classList.toggle("concern-emergency-active", box.checked);
    guidance.setAttribute("role", box.checked ? "alert" : "note");
  };
  box.setAttribute("aria-describedby", `${box.getAttribute("aria-describedby") || ""} emergency-guidance`.trim());
  box.addEventListener("change", show);
  show();
});
