// Live character counters for text areas with data-counter and maxlength.
(function () {
  "use strict";
  document.querySelectorAll("textarea[data-counter][maxlength]").forEach(function (area) {
    var max = parseInt(area.getAttribute("maxlength"), 10);
    var counter = document.createElement("div");
    counter.className = "form-text text-end";
    counter.setAttribute("aria-live", "off");
    area.insertAdjacentElement("afterend", counter);
    function update() {
      counter.textContent = area.value.length + " / " + max;
      counter.classList.toggle("text-danger", area.value.length >= max);
    }
    area.addEventListener("input", update);
    update();
  });
})();
