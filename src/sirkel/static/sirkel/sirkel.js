// Sirkel's own small behaviours, in a file of their own: the Content-Security-Policy allows no inline
// script or event handler attributes. Each is optional: the pages work without JavaScript.
(function () {
  "use strict";

  // A button marked data-print prints the page (a letter, a document).
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });

  // The meeting guide: the phase in the address is marked as the current one for screen readers too.
  function markGuideStep() {
    var here = window.location.hash;
    document.querySelectorAll(".guide-jump [data-step-link]").forEach(function (link) {
      if (here && link.getAttribute("href") === here) {
        link.setAttribute("aria-current", "step");
      } else {
        link.removeAttribute("aria-current");
      }
    });
  }
  window.addEventListener("hashchange", markGuideStep);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", markGuideStep);
  } else {
    markGuideStep();
  }
})();
