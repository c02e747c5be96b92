// The contract form: show the targets' weights adding up as they are typed, and refuse to submit unless they
// sum to 1 (the server checks the same rule; this only saves a round trip).
(function () {
  "use strict";
  var form = document.querySelector("[data-weights-form]");
  if (!form) { return; }
  var total = form.querySelector("[data-weight-total]");
  var weights = form.querySelectorAll("input[data-weight]");

  function sum() {
    var value = 0;
    var typed = 0;
    weights.forEach(function (input) {
      var number = parseFloat(input.value);
      if (!isNaN(number)) { value += number; typed += 1; }
    });
    return { value: Math.round(value * 1e9) / 1e9, typed: typed };
  }

  function show() {
    var now = sum();
    if (now.typed === 0) { total.textContent = ""; return now; }
    var ok = Math.abs(now.value - 1) < 1e-9;
    total.textContent = "Weights add up to " + now.value + (ok ? " ✓" : " — they must add up to 1.");
    total.classList.toggle("is-wrong", !ok);
    return now;
  }

  weights.forEach(function (input) { input.addEventListener("input", show); });
  form.addEventListener("submit", function (event) {
    var now = show();
    if (now.typed > 0 && Math.abs(now.value - 1) >= 1e-9) {
      event.preventDefault();
      total.textContent = "Weights add up to " + now.value + " — they must add up to 1. Nothing was sent.";
      total.classList.add("is-wrong");
      total.setAttribute("tabindex", "-1");
      total.focus();
    }
  });
  show();
}());
