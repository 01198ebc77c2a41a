// Submits the sign-in form of a session-transfer page as soon as it loads.
// Without scripts the page shows the same form with its button.
(function () {
  "use strict";
  var form = document.querySelector("form[data-auto-submit]");
  if (!form || form.dataset.submitted) return;
  form.dataset.submitted = "true";
  if (form.requestSubmit) form.requestSubmit();
  else form.submit();
})();
