// The carry-forward plan's print button; without script the browser's own print works the same.
(function () {
  'use strict';
  document.querySelectorAll('[data-print]').forEach(function (b) {
    b.addEventListener('click', function () { window.print(); });
  });
})();
