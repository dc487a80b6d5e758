// Upload progress for forms marked data-upload-progress. Without JavaScript the form posts
// as usual; with it, the file goes up through XMLHttpRequest so that a <progress> element can
// show how much has been sent, and the answer replaces the page's main content.
(function () {
  "use strict";

  function show(form, percent, text) {
    var area = form.querySelector("[data-upload-progress-area]");
    var bar = form.querySelector("[data-upload-progress-bar]");
    var label = form.querySelector("[data-upload-progress-text]");
    if (area) { area.hidden = false; }
    if (bar) {
      if (percent === null) { bar.removeAttribute("value"); } else { bar.value = percent; }
    }
    if (label) { label.textContent = text; }
  }

  function replaceMain(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.getElementById("main-content");
    var main = document.getElementById("main-content");
    if (!fresh || !main) { return false; }
    main.innerHTML = fresh.innerHTML;
    var target = main.querySelector("[data-error-summary], [data-testid='import-summary']") || main;
    if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
    target.focus();
    return true;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-upload-progress")) { return; }
    if (!window.FormData || !window.XMLHttpRequest || !window.DOMParser) { return; }
    var input = form.querySelector("input[type=file]");
    var limit = parseInt(form.getAttribute("data-max-bytes"), 10);
    if (input && input.files.length && limit && input.files[0].size > limit) {
      event.preventDefault();
      show(form, 0, form.getAttribute("data-too-large"));
      return;
    }
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; }
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.upload.addEventListener("progress", function (progress) {
      if (progress.lengthComputable) {
        var percent = Math.round(100 * progress.loaded / progress.total);
        show(form, percent, percent + " %");
      } else {
        show(form, null, "");
      }
    });
    xhr.upload.addEventListener("load", function () { show(form, null, "…"); });
    xhr.addEventListener("load", function () {
      var redirected = xhr.responseURL && xhr.responseURL.split("#")[0] !== form.action.split("#")[0];
      if (redirected || !replaceMain(xhr.responseText)) {
        window.location.assign(xhr.responseURL || form.action);
      }
    });
    xhr.addEventListener("error", function () {
      if (button) { button.disabled = false; }
      show(form, 0, form.getAttribute("data-failed"));
    });
    xhr.send(new FormData(form));
  });
}());
