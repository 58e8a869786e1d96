// "Copy link" buttons beside the links a clinician hands to a client; without script the link can still be selected.
// Each button is rendered hidden and shown here, once it does something when clicked.
(function () {
  'use strict';
  document.querySelectorAll('[data-copy]').forEach(function (button) {
    if (button.dataset.copyBound) return;
    button.dataset.copyBound = 'true';
    button.hidden = false;
    button.addEventListener('click', function () {
      var input = document.getElementById(button.dataset.copy);
      var status = document.querySelector('[data-copied-for="' + button.dataset.copy + '"]');
      if (!input) return;
      function done(ok) { if (status) status.textContent = ok ? 'Link copied.' : 'Select the link and copy it.'; }
      input.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(function () { done(true); }, function () { done(document.execCommand('copy')); });
      } else {
        done(document.execCommand('copy'));
      }
    });
  });
})();
