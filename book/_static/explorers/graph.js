// Chapter 4's explorer on the page: the computational graph of f(x₁, x₂) = ln x₁ + x₁x₂ − √x₂.
//
// compute() is momentum_lab.widgets.graph.explore_graph in the browser (same keys, same numbers, in the
// tape's order of operations: tests/test_explorers.py compares them). The figure draws the graph with
// each node's value (forward pass) and adjoint ∂f/∂v (backward pass); on each edge, the local
// derivative ∂vⱼ/∂vᵢ (forward) or the share v̄ⱼ·∂vⱼ/∂vᵢ that the backward sweep adds to v̄ᵢ.
(function () {
  "use strict";
  var ml = window.momentumLab;
  var fmt = ml.util.fmt, svgEl = ml.util.svgEl;

  // momentum_lab.widgets.graph.NODES: (name, operation, inputs), inputs first, output last.
  var NODES = [
    ["v1", "input", []], ["v2", "input", []], ["v3", "log", ["v1"]], ["v4", "multiply", ["v1", "v2"]],
    ["v5", "add", ["v3", "v4"]], ["v6", "sqrt", ["v2"]], ["v7", "subtract", ["v5", "v6"]],
  ];
  var LABELS = { v1: "v₁ = x₁", v2: "v₂ = x₂", v3: "v₃ = ln v₁", v4: "v₄ = v₁·v₂", v5: "v₅ = v₃ + v₄",
                 v6: "v₆ = √v₂", v7: "v₇ = v₅ − v₆ = f" };
  var SUB = { v1: "₁", v2: "₂", v3: "₃", v4: "₄", v5: "₅", v6: "₆", v7: "₇" };
  // momentum_lab.widgets.graph.POSITIONS (the chapter's drawing), and the window around them.
  var POSITIONS = { v1: [0.0, 1.6], v2: [0.0, 0.0], v3: [1.9, 2.2], v4: [1.9, 0.8], v6: [1.9, -0.6],
                    v5: [3.7, 1.5], v7: [5.4, 0.5] };
  var XLIM = [-0.8, 6.25], YLIM = [-1.25, 2.85];
  var SHOWS = ["forward", "backward", "both"];

  // The tape's forward sweep, then its backward sweep seeded with v̄₇ = 1, rule by rule as
  // momentum_lab.autodiff writes them: subtract (g, −g), sqrt (g / (2·ans)), add (g, g),
  // multiply (g·b, g·a), log (g / x); a cotangent reached twice is the sum of the two.
  function compute(params) {
    var x1 = params.x1, x2 = params.x2;
    if (typeof x1 !== "number" || !(x1 > 0) || !isFinite(x1)) throw new Error("x1 must be > 0; got x1=" + x1);
    if (typeof x2 !== "number" || !(x2 > 0) || !isFinite(x2)) throw new Error("x2 must be > 0; got x2=" + x2);
    if (SHOWS.indexOf(params.show) < 0) throw new Error("show must be one of " + SHOWS.join(", ") + "; got " + params.show);
    var v1 = x1, v2 = x2;
    var v3 = Math.log(v1);
    var v4 = v1 * v2;
    var v5 = v3 + v4;
    var v6 = Math.sqrt(v2);
    var v7 = v5 - v6;
    var a7 = 1.0;
    var a5 = a7, a6 = -a7;              // v7 = subtract(v5, v6)
    var s26 = a6 / (2.0 * v6);          // v6 = sqrt(v2)
    var a3 = a5, a4 = a5;               // v5 = add(v3, v4)
    var s14 = a4 * v2, s24 = a4 * v1;   // v4 = multiply(v1, v2)
    var s13 = a3 / v1;                  // v3 = log(v1)
    var a2 = s26 + s24, a1 = s14 + s13;
    var edges = [
      { source: "v1", target: "v3", local: 1.0 / v1, share: s13 },
      { source: "v1", target: "v4", local: 1.0 * v2, share: s14 },
      { source: "v2", target: "v4", local: 1.0 * v1, share: s24 },
      { source: "v3", target: "v5", local: 1.0, share: a5 },
      { source: "v4", target: "v5", local: 1.0, share: a5 },
      { source: "v2", target: "v6", local: 1.0 / (2.0 * v6), share: s26 },
      { source: "v5", target: "v7", local: 1.0, share: a7 },
      { source: "v6", target: "v7", local: -1.0, share: -a7 },
    ];
    return {
      x1: x1, x2: x2,
      nodes: NODES.map(function (n) { return { name: n[0], op: n[1], inputs: n[2].slice() }; }),
      values: [v1, v2, v3, v4, v5, v6, v7],
      adjoints: [a1, a2, a3, a4, a5, a6, a7],
      edges: edges,
      f: v7,
      gradient: [a1, a2],
      show: params.show,
    };
  }

  // ---------------------------------------------------------------------------------------- figure
  // Wide figures draw the chapter's left-to-right graph; below 560 px it runs top to bottom, so that
  // three boxes side by side still fit on a phone.
  function layout(width, show) {
    var lines = show === "both" ? 3 : 2;
    var box = { w: 108, h: 14 + 17 * lines };
    var pos = {}, height;
    if (width >= 560) {
      height = 330;
      Object.keys(POSITIONS).forEach(function (k) {
        var p = POSITIONS[k];
        pos[k] = [((p[0] - XLIM[0]) / (XLIM[1] - XLIM[0])) * width,
                  30 + ((YLIM[1] - p[1]) / (YLIM[1] - YLIM[0])) * (height - 40)];
      });
    } else {
      // Four rows: the inputs, then v₃ v₄ v₆ side by side, then v₅, then f; each node between its inputs.
      box.w = Math.min(108, Math.floor((width - 16) / 3));
      var rowGap = 46 + box.h;
      height = 36 + 3 * rowGap + box.h + 10;
      var c0 = box.w / 2 + 4, c2 = width - box.w / 2 - 4, c1 = (c0 + c2) / 2;
      var columns = { v1: (c0 + c1) / 2, v2: (c1 + c2) / 2, v3: c0, v4: c1, v6: c2, v5: (c0 + c1) / 2, v7: (c1 + c2) / 2 };
      var rows = { v1: 0, v2: 0, v3: 1, v4: 1, v6: 1, v5: 2, v7: 3 };
      Object.keys(columns).forEach(function (k) {
        pos[k] = [columns[k], 30 + box.h / 2 + rows[k] * rowGap];
      });
    }
    return { pos: pos, box: box, height: height };
  }

  // Where the segment from box a to box b leaves a (the box's border, plus a small gap).
  function border(from, to, box, gap) {
    var dx = to[0] - from[0], dy = to[1] - from[1];
    var t = Math.min(dx ? (box.w / 2 + gap) / Math.abs(dx) : Infinity, dy ? (box.h / 2 + gap) / Math.abs(dy) : Infinity);
    return [from[0] + t * dx, from[1] + t * dy];
  }

  function build(ctx) {
    var params = ctx.params(), show = params.show;
    var width = Math.max(300, Math.floor(ctx.figure.clientWidth || 320));
    var L = layout(width, show);
    var svg = svgEl("svg", { class: "ml-plot ml-graph", width: width, height: L.height,
                             viewBox: "0 0 " + width + " " + L.height, role: "img",
                             "aria-label": "The computational graph of f(x₁, x₂) = ln x₁ + x₁x₂ − √x₂" }, ctx.figure);
    var markerId = "ml-graph-arrow-" + Math.random().toString(36).slice(2);
    var color = show === "forward" ? "var(--ml-muted)" : "var(--ml-c1)";
    var marker = svgEl("marker", { id: markerId, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7,
                                   orient: "auto-start-reverse" }, svgEl("defs", null, svg));
    svgEl("path", { d: "M0,0 L10,5 L0,10 z", fill: color }, marker);
    var title = svgEl("text", { class: "ml-title", x: width / 2, y: 16, "text-anchor": "middle" }, svg);
    var edges = {}, nodes = {};
    var edgeLayer = svgEl("g", null, svg), nodeLayer = svgEl("g", null, svg), labelLayer = svgEl("g", null, svg);
    NODES.forEach(function (n) {
      n[2].forEach(function (source) {
        var a = L.pos[source], b = L.pos[n[0]];
        var start = border(a, b, L.box, 2), end = border(b, a, L.box, 2);
        if (show === "backward") { var swap = start; start = end; end = swap; }
        svgEl("line", { x1: start[0], y1: start[1], x2: end[0], y2: end[1], stroke: color, "stroke-width": 1.6,
                        "marker-end": "url(#" + markerId + ")" }, edgeLayer);
        var mid = [(start[0] + end[0]) / 2, (start[1] + end[1]) / 2];
        edges[source + ">" + n[0]] = svgEl("text", { class: "ml-annot ml-halo", x: mid[0], y: mid[1] + 4,
                                                     "text-anchor": "middle" }, labelLayer);
      });
    });
    NODES.forEach(function (n) {
      var c = L.pos[n[0]], box = L.box;
      var g = svgEl("g", { class: "ml-graph-node" }, nodeLayer);
      svgEl("rect", { x: c[0] - box.w / 2, y: c[1] - box.h / 2, width: box.w, height: box.h, rx: 6,
                      fill: "var(--ml-bg)", stroke: n[1] === "input" ? "var(--ml-c0)" : "var(--ml-c2)",
                      "stroke-width": 1.6 }, g);
      var top = c[1] - box.h / 2 + 18, lines = [];
      var count = show === "both" ? 3 : 2;
      for (var i = 0; i < count; i++) {
        lines.push(svgEl("text", { class: "ml-annot", x: c[0], y: top + 17 * i, "text-anchor": "middle",
                                   text: i === 0 ? LABELS[n[0]] : "" }, g));
      }
      nodes[n[0]] = lines;
    });
    ctx.state = { title: title, edges: edges, nodes: nodes, show: show, width: width };
  }

  function draw(ctx, result, params) {
    var s = ctx.state, show = params.show;
    result.nodes.forEach(function (n, i) {
      var lines = s.nodes[n.name], k = 1;
      if (show !== "backward") lines[k++].textContent = "value " + fmt(result.values[i]);
      if (show !== "forward") lines[k++].textContent = "adjoint " + fmt(result.adjoints[i]);
    });
    result.edges.forEach(function (e) {
      s.edges[e.source + ">" + e.target].textContent = fmt(show === "forward" ? e.local : e.share);
    });
    var what = { forward: "forward pass: values; edges ∂vⱼ/∂vᵢ",
                 backward: "backward pass: adjoints ∂f/∂v; edges v̄ⱼ·∂vⱼ/∂vᵢ",
                 both: "values and adjoints; edges v̄ⱼ·∂vⱼ/∂vᵢ" }[show];
    s.title.textContent = (s.width < 560 ? "" : "x₁ = " + fmt(result.x1) + ", x₂ = " + fmt(result.x2) + ": ") + what;
  }

  function describe(result, params) {
    var show = params.show, parts = [];
    var text = "At x₁ = " + fmt(result.x1) + ", x₂ = " + fmt(result.x2) + ": f = " + fmt(result.f) + ". ";
    if (show !== "backward") {
      parts.push("Forward pass: " + result.nodes.slice(2, 6).map(function (n, i) {
        return LABELS[n.name] + " = " + fmt(result.values[i + 2]);
      }).join(", ") + ".");
    }
    if (show !== "forward") {
      var shares = function (name) {
        return result.edges.filter(function (e) { return e.source === name; })
          .map(function (e) { return fmt(e.share) + " from v" + SUB[e.target]; }).join(" + ");
      };
      parts.push("Backward pass: adjoints v̄₇ = 1, v̄₅ = " + fmt(result.adjoints[4]) + ", v̄₆ = " +
        fmt(result.adjoints[5]) + ", v̄₃ = " + fmt(result.adjoints[2]) + ", v̄₄ = " + fmt(result.adjoints[3]) +
        ", v̄₂ = " + fmt(result.adjoints[1]) + " (" + shares("v2") + "), v̄₁ = " + fmt(result.adjoints[0]) +
        " (" + shares("v1") + ").");
    }
    if (show !== "forward") {
      parts.push("Gradient ∇f = (" + fmt(result.gradient[0]) + ", " + fmt(result.gradient[1]) + ").");
    }
    return text + parts.join(" ");
  }

  ml.define("graph", {
    title: "Computational-graph explorer",
    defaults: { x1: 2.0, x2: 4.0, show: "both" },
    controls: [
      { param: "x1", label: "x₁", type: "range", min: 0.05, max: 6, step: 0.05, format: function (v) { return v.toFixed(2); } },
      { param: "x2", label: "x₂", type: "range", min: 0.05, max: 6, step: 0.05, format: function (v) { return v.toFixed(2); } },
      { param: "show", label: "show", type: "select",
        options: [["forward", "forward pass"], ["backward", "backward pass"], ["both", "both"]] },
    ],
    needsBuild: function (next, prev) { return next.show !== prev.show; },
    compute: compute,
    build: build,
    draw: draw,
    describe: describe,
  });
})();
