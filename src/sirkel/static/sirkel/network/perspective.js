// The child's own map: a person's dot can also be dragged (finger, pen or mouse: pointer events) into
// another ring; letting go saves the new ring through the person's own form. Without this script the
// buttons "Closer" and "Further away" do the same, and they are what the keyboard uses.
(function () {
  "use strict";
  const RINGS = [70, 130, 190]; // the outer edge of rings 1, 2 and 3, in the map's own units

  function pointIn(svg, event) {
    const p = svg.createSVGPoint();
    p.x = event.clientX;
    p.y = event.clientY;
    return p.matrixTransform(svg.getScreenCTM().inverse());
  }

  function ringAt(point) {
    const d = Math.hypot(point.x - 200, point.y - 200);
    for (let i = 0; i < RINGS.length; i += 1) {
      if (d <= RINGS[i]) return i + 1;
    }
    return RINGS.length;
  }

  function save(entryId, ring) {
    const form = document.querySelector(`form[data-entry-form="${entryId}"]`);
    if (!form) return;
    const field = document.createElement("input");
    field.type = "hidden";
    field.name = "do";
    field.value = `ring:${ring}`;
    form.appendChild(field);
    form.submit();
  }

  function enable(svg) {
    svg.querySelectorAll(".pmap__person[data-entry]").forEach((person) => {
      let start = null;
      person.addEventListener("pointerdown", (event) => {
        start = pointIn(svg, event);
        try {
          person.setPointerCapture(event.pointerId);
        } catch (error) {
          // a pointer the browser does not track (a synthetic event): moves still reach the person
        }
        person.classList.add("pmap__person--dragging");
        event.preventDefault();
      });
      person.addEventListener("pointermove", (event) => {
        if (!start) return;
        const now = pointIn(svg, event);
        person.setAttribute("transform", `translate(${now.x - start.x} ${now.y - start.y})`);
      });
      const finish = (event, keep) => {
        if (!start) return;
        const end = pointIn(svg, event);
        const moved = Math.hypot(end.x - start.x, end.y - start.y) > 8;
        start = null;
        person.classList.remove("pmap__person--dragging");
        if (keep && moved) {
          save(person.dataset.entry, ringAt(end));
        } else {
          person.removeAttribute("transform");
        }
      };
      person.addEventListener("pointerup", (event) => finish(event, true));
      person.addEventListener("pointercancel", (event) => finish(event, false));
    });
  }

  document.querySelectorAll("svg.pmap--draggable").forEach(enable);
})();
