/* The network map's interaction: move people with the arrow keys or by dragging (D3), saved at once
   through htmx (the server answers with out-of-band swaps and a message for the live region); the
   relation field's suggestion of side and sector; and a word in the live region when the server refuses
   a request before reading it. The page works without this file: the table and forms post and redirect. */
(function () {
  "use strict";

  var SECTORS = ["family", "friends", "school", "services"];

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function say(text) {
    var region = document.getElementById("network-status");
    if (region) {
      region.textContent = text;
    }
  }

  function mapOf(node) {
    return node.ownerSVGElement || node.closest("svg");
  }

  function save(node, ring, sector, offset) {
    var svg = mapOf(node);
    if (document.querySelector(".member-edit-row")) {
      say(svg.dataset.msgFinishEdit);
      return;
    }
    if (!window.htmx || node.classList.contains("node--saving")) {
      return;
    }
    var values = { ring: String(ring), sector: sector };
    if (svg.closest(".network-page--map")) {
      values.view = "map"; // the map page has no table to update
    }
    if (offset !== null && offset !== undefined) {
      values.map_offset = offset.toFixed(3);
    }
    node.classList.add("node--saving");
    say(svg.dataset.msgSaving);
    window.htmx
      .ajax("POST", node.dataset.moveUrl, {
        source: node,
        target: "#network-map-panel",
        swap: "none",
        values: values,
        headers: { "X-CSRFToken": csrfToken() },
      })
      .then(function () {
        // The answer replaced the map: the moved person has autofocus there. If the swap did not
        // happen (an error), put the node back and say so.
        if (document.body.contains(node)) {
          node.classList.remove("node--saving");
          say(svg.dataset.msgFailed);
          resetPosition(node);
        }
      });
  }

  function onKeydown(event) {
    var node = event.target.closest && event.target.closest(".node[data-move-url]");
    if (!node || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    var svg = mapOf(node);
    var ring = Number(node.dataset.ring);
    var sector = node.dataset.sector;
    var i = SECTORS.indexOf(sector);
    switch (event.key) {
      case "ArrowUp":
        if (ring <= 1) {
          say(svg.dataset.msgClosest);
        } else {
          save(node, ring - 1, sector, null);
        }
        break;
      case "ArrowDown":
        if (ring >= 3) {
          say(svg.dataset.msgFurthest);
        } else {
          save(node, ring + 1, sector, null);
        }
        break;
      case "ArrowLeft":
        save(node, ring, SECTORS[(i + SECTORS.length - 1) % SECTORS.length], null);
        break;
      case "ArrowRight":
        save(node, ring, SECTORS[(i + 1) % SECTORS.length], null);
        break;
      case "Enter":
      case " ": {
        var edit = document.getElementById("edit-" + node.dataset.memberId);
        if (edit) {
          edit.click();
        }
        break;
      }
      default:
        return;
    }
    event.preventDefault();
  }

  // --- Dragging --------------------------------------------------------------------------------

  // Each button sits in a wrapper that carries its position, its letters and its name.
  function translateOf(node) {
    var m = /translate\(([-\d.]+),\s*([-\d.]+)\)/.exec(node.parentNode.getAttribute("transform") || "");
    return m ? [Number(m[1]), Number(m[2])] : [0, 0];
  }

  // The distance from the origin to a quadratic curve a–(p)–b, checked at a few dozen points.
  function curveDistance(ax, ay, px, py, bx, by) {
    var least = Infinity;
    for (var i = 0; i <= 48; i += 1) {
      var t = i / 48;
      var u = 1 - t;
      var x = u * u * ax + 2 * u * t * px + t * t * bx;
      var y = u * u * ay + 2 * u * t * py + t * t * by;
      least = Math.min(least, Math.sqrt(x * x + y * y));
    }
    return least;
  }

  /* A tie's path, as routing.tie_path draws it: straight, or bent away from the child's circle when a
     straight line would pass closer to the centre than the clearance. */
  function tiePath(x1, y1, x2, y2, centre, clearance) {
    var ax = x1 - centre, ay = y1 - centre, bx = x2 - centre, by = y2 - centre;
    var dx = bx - ax, dy = by - ay;
    var length2 = dx * dx + dy * dy;
    var t = length2 === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / length2));
    var fx = ax + t * dx, fy = ay + t * dy;
    var distance = Math.sqrt(fx * fx + fy * fy);
    var straight = "M" + x1.toFixed(1) + "," + y1.toFixed(1) + " L" + x2.toFixed(1) + "," + y2.toFixed(1);
    if (!clearance || distance >= clearance) {
      return straight;
    }
    var nx, ny;
    if (distance > 1e-6) {
      nx = fx / distance;
      ny = fy / distance;
    } else {
      var length = Math.sqrt(length2) || 1;
      nx = dy / length;
      ny = -dx / length;
    }
    var mx = (ax + bx) / 2, my = (ay + by) / 2;
    var apex = clearance + 6, px, py;
    for (;;) {
      px = 2 * apex * nx - mx;
      py = 2 * apex * ny - my;
      if (curveDistance(ax, ay, px, py, bx, by) >= clearance || apex > 20 * clearance) {
        break;
      }
      apex += 6;
    }
    return "M" + x1.toFixed(1) + "," + y1.toFixed(1) + " Q" + (px + centre).toFixed(1) + "," +
      (py + centre).toFixed(1) + " " + x2.toFixed(1) + "," + y2.toFixed(1);
  }

  function moveTies(svg, id, x, y) {
    var centre = Number(svg.dataset.centre);
    var clearance = Number(svg.dataset.tieClearance);
    svg.querySelectorAll('.tie[data-a="' + id + '"], .tie[data-b="' + id + '"]').forEach(function (tie) {
      var end = tie.dataset.a === String(id) ? "1" : "2";
      tie.dataset["x" + end] = x;
      tie.dataset["y" + end] = y;
      var d = tie.dataset;
      tie.setAttribute("d", tiePath(Number(d.x1), Number(d.y1), Number(d.x2), Number(d.y2), centre, clearance));
    });
  }

  function resetPosition(node) {
    var start = node.__start;
    if (start) {
      node.parentNode.setAttribute("transform", "translate(" + start[0] + "," + start[1] + ")");
      moveTies(mapOf(node), node.dataset.memberId, start[0], start[1]);
    }
  }

  /* Where a point on the map is: ring (1–3), sector and the offset (0..1) across the sector. */
  function placeOf(svg, x, y) {
    var centre = Number(svg.dataset.centre);
    var outers = (svg.dataset.rings || "").split(" ").map(Number);
    var dx = x - centre;
    var dy = y - centre;
    var radius = Math.sqrt(dx * dx + dy * dy);
    var angle = Math.atan2(dx, -dy); // clockwise from 12 o'clock, -pi..pi
    var turned = (angle + Math.PI / 2 + 2 * Math.PI) % (2 * Math.PI); // 0 at 9 o'clock
    var index = Math.min(3, Math.floor(turned / (Math.PI / 2)));
    var offset = (turned - index * (Math.PI / 2)) / (Math.PI / 2);
    var ring = 3;
    for (var k = 0; k < outers.length; k += 1) {
      if (radius <= outers[k]) {
        ring = k + 1;
        break;
      }
    }
    return { ring: ring, sector: SECTORS[index], offset: Math.min(1, Math.max(0, offset)) };
  }

  function enableDrag(svg) {
    if (!window.d3 || !svg || svg.dataset.dragReady || svg.dataset.editable !== "true") {
      return;
    }
    svg.dataset.dragReady = "true";
    var drag = window.d3
      .drag()
      .clickDistance(4)
      .on("start", function () {
        this.__start = translateOf(this);
        this.__moved = false;
        this.classList.add("node--dragging");
      })
      .on("drag", function (event) {
        var p = window.d3.pointer(event, svg);
        this.__moved = true;
        this.parentNode.setAttribute("transform", "translate(" + p[0].toFixed(1) + "," + p[1].toFixed(1) + ")");
        moveTies(svg, this.dataset.memberId, p[0].toFixed(1), p[1].toFixed(1));
      })
      .on("end", function (event) {
        this.classList.remove("node--dragging");
        if (!this.__moved) {
          return;
        }
        var p = window.d3.pointer(event, svg);
        var place = placeOf(svg, p[0], p[1]);
        save(this, place.ring, place.sector, place.offset);
      });
    window.d3.select(svg).selectAll(".node[data-move-url]").call(drag);
  }

  // --- The relation field suggests side and sector ----------------------------------------------

  function onRelationInput(event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[list='relation-suggestions']")) {
      return;
    }
    var form = input.form;
    var list = document.getElementById("relation-suggestions");
    if (!form || !list) {
      return;
    }
    // As the server compares (relations.relation_key): spaces collapsed, case ignored; an option
    // matches its whole label or any of its parts, in either language (data-keys).
    var typed = input.value.trim().split(/\s+/).join(" ").toLowerCase();
    var match = null;
    list.querySelectorAll("option").forEach(function (option) {
      var keys = (option.dataset.keys || option.value.toLowerCase()).split("|");
      if (!match && typed && keys.indexOf(typed) !== -1) {
        match = option;
      }
    });
    if (!match) {
      return;
    }
    var side = form.querySelector("input[type=radio][name$='side'][value='" + match.dataset.side + "']");
    var sector = form.querySelector("select[name$='sector']");
    if (side) {
      side.checked = true;
    }
    if (sector) {
      if (match.dataset.sector) {
        sector.value = match.dataset.sector;
        form.dataset.suggestedSector = match.dataset.sector;
      } else if (form.dataset.suggestedSector && sector.value === form.dataset.suggestedSector) {
        // Back from a public service to a private relation: undo our own suggestion only.
        sector.value = "family";
        delete form.dataset.suggestedSector;
      }
    }
    var hint = form.querySelector(".suggestion");
    if (hint && side && sector) {
      var sideLabel = side.closest("label") ? side.closest("label").textContent.trim() : "";
      var sectorLabel = sector.options[sector.selectedIndex] ? sector.options[sector.selectedIndex].text : "";
      hint.textContent = (hint.dataset.template || "%s, %s").replace("%s", sideLabel).replace("%s", sectorLabel);
    }
  }

  function setUp(root) {
    (root || document).querySelectorAll("svg.netmap").forEach(enableDrag);
    if (root && root.matches && root.matches("svg.netmap")) {
      enableDrag(root);
    }
  }

  document.addEventListener("keydown", onKeydown);
  document.addEventListener("input", onRelationInput);
  document.addEventListener("change", onRelationInput);
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) {
      window.print();
    }
  });
  // A request the server refused before any view ran (too large: 413, or unreadable: 400) has
  // changed nothing and htmx swaps nothing: say why in the live region; the form keeps what was typed.
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail && event.detail.xhr;
    if (!xhr || (xhr.status !== 413 && xhr.status !== 400)) {
      return;
    }
    var page = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
    var message = page.querySelector("[data-error-message]");
    if (message) {
      say(message.textContent.trim());
    }
  });
  document.addEventListener("htmx:load", function (event) {
    setUp(event.target);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      setUp(document);
    });
  } else {
    setUp(document);
  }
})();
