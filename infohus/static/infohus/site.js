// Starts the design system's components and moves focus to an error summary so that
// screen-reader users hear what to correct.
document.addEventListener("DOMContentLoaded", () => {
  if (window.DKFDS && typeof window.DKFDS.init === "function") {
    window.DKFDS.init();
  }
  const summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
});
