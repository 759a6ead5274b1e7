// Submits a form marked data-autosubmit as soon as the page has loaded (the e-ID login's
// same-site hand-over). A file, not an inline script: the Content-Security-Policy allows
// scripts from Satsa's own origin only. The form's button does the same without scripts.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-autosubmit]");
  if (form) form.submit();
});
