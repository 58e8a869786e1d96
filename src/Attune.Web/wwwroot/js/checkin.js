// Check-in form, progressive enhancement. Without script every 0–10 question is a row of buttons and works as is.
// With script it becomes a native slider (arrow keys, Home/End, Page Up/Down; read out by screen readers with its
// value and anchors). A slider starts unanswered and is only sent once the client has moved or tapped it, so a
// question left alone is never read as the middle value.
(function () {
  'use strict';
  var items = document.querySelectorAll('[data-slider]');
  items.forEach(function (item) {
    var buttons = item.querySelector('fieldset.scale');
    var wrap = item.querySelector('.slider-field');
    var slider = wrap.querySelector('input[type=range]');
    var output = wrap.querySelector('output');
    buttons.hidden = true;
    buttons.querySelectorAll('input').forEach(function (r) { r.disabled = true; });
    wrap.hidden = false;

    function answer() {
      slider.name = slider.dataset.name;
      slider.dataset.set = 'true';
      output.textContent = slider.value;
      var words = slider.value === slider.min ? ', ' + slider.dataset.minLabel : slider.value === slider.max ? ', ' + slider.dataset.maxLabel : '';
      slider.setAttribute('aria-valuetext', slider.value + ' out of ' + slider.max + words);
      item.classList.remove('unanswered');
    }
    if (slider.dataset.set === 'true') answer();
    slider.addEventListener('input', answer);
    slider.addEventListener('change', answer);
    slider.addEventListener('pointerup', answer);
  });

  // Say which slider is still unanswered before the page is sent, and take the client to it.
  var form = document.querySelector('form.checkin');
  if (!form) return;
  form.addEventListener('submit', function (e) {
    var first = null;
    items.forEach(function (item) {
      var slider = item.querySelector('input[type=range]');
      if (slider.dataset.set !== 'true') {
        item.classList.add('unanswered');
        var hint = item.querySelector('.slider-hint');
        if (!hint) {
          hint = document.createElement('p');
          hint.className = 'item-error slider-hint';
          hint.id = slider.id + '-hint';
          hint.textContent = 'Please move the slider to your answer (or tap it where it is).';
          item.appendChild(hint);
          slider.setAttribute('aria-describedby', (slider.getAttribute('aria-describedby') || '') + ' ' + hint.id);
        }
        first = first || slider;
      }
    });
    if (first) {
      e.preventDefault();
      first.focus();
    }
  });
})();
