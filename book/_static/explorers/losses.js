// Chapters 6 and 7's explorer on the page: a family of losses with their slope and curvature.
//
// compute() is momentum_lab.widgets.losses.explore_losses in the browser: the same keys and the same
// numbers (tests/test_explorers.py compares them). In the library the derivatives come from the tape of
// momentum_lab.autodiff; here they are written out in closed form, each in the order of operations the
// tape's backward pass performs (the vector-Jacobian products of momentum_lab/autodiff/elementwise.py), so
// that they agree to the last bits: for instance the slope of log-cosh is 1 + σ(−2e)·(−2), as the tape
// adds the two paths through e, and not the mathematically equal tanh(e). The values use the NumPy forms
// of momentum_lab.losses (softplus(x) = max(x, 0) + log1p(e^−|x|)), the derivatives the tape's primitives
// (softplus' = σ computed from e^−|x|). At a kink the tape takes one side: abs'(0) = 0, relu'(0) = 0,
// Huber's quadratic branch for |e| ≤ δ, and the 0-1 loss has slope 0 everywhere.
(function () {
  "use strict";
  var ml = window.momentumLab;
  var fmt = ml.util.fmt;
  var LOG2 = Math.log(2.0); // math.log(2.0), momentum_lab.losses.regression._LOG2

  // momentum_lab.widgets.losses.FAMILIES, in the explorer's order.
  var FAMILIES = {
    regression: ["squared", "absolute", "huber", "log-cosh"],
    classification: ["0-1", "hinge", "squared hinge", "logistic", "exponential"],
  };
  var AXIS = { regression: "residual e = ŷ − y", classification: "margin m = y·f" };
  var SYMBOL = { regression: "e", classification: "m" };
  var KINDS = ["value", "slope", "curvature"];
  var TITLES = { value: "loss", slope: "slope (first derivative)", curvature: "curvature (second derivative)" };
  // momentum_lab.widgets.losses._loss_ylim: fixed ranges, so that the axes do not jump.
  var YLIM = {
    regression: { value: [-0.2, 4.2], slope: [-4.2, 4.2], curvature: [-0.2, 2.4] },
    classification: { value: [-0.2, 4.2], slope: [-4.2, 0.5], curvature: [-0.2, 2.4] },
  };

  function sign(x) {
    return x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : NaN; // np.sign (0 at 0)
  }
  // momentum_lab.losses._numpy_ops.softplus: max(x, 0) + log1p(e^−|x|).
  function softplusNumpy(x) {
    return Math.max(x, 0.0) + Math.log1p(Math.exp(-Math.abs(x)));
  }
  // momentum_lab.autodiff.sigmoid: 1/(1 + e^−|x|), or e^−|x|/(1 + e^−|x|) for x < 0.
  function sigmoidTape(x) {
    var e = Math.exp(-Math.abs(x));
    var r = 1.0 / (1.0 + e);
    return x >= 0 ? r : e * r;
  }

  // One loss at one point x: [value, slope, curvature], each as the library computes it.
  var LOSSES = {
    squared: function (e) {
      return [e * e, 2.0 * e, 2.0];
    },
    absolute: function (e) {
      return [Math.abs(e), sign(e), 0.0];
    },
    huber: function (e, delta) {
      if (Math.abs(e) <= delta) return [0.5 * (e * e), 0.5 * (2.0 * e), 1.0];
      return [delta * Math.abs(e) - 0.5 * (delta * delta), delta * sign(e), 0.0];
    },
    "log-cosh": function (e) {
      var x = -2.0 * e, s = sigmoidTape(x);
      return [e + softplusNumpy(x) - LOG2, 1.0 + s * -2.0, 4.0 * (s * (1.0 - s))];
    },
    "0-1": function (m) {
      return [(m <= 0 ? 1.0 : 0.0) + 0.0 * m, 0.0, 0.0];
    },
    hinge: function (m) {
      var u = 1.0 - m;
      return [Math.max(u, 0.0), u > 0 ? -1.0 : 0.0, 0.0];
    },
    "squared hinge": function (m) {
      var u = 1.0 - m, r = Math.max(u, 0.0);
      return [r * r, u > 0 ? -(2.0 * r) : 0.0, u > 0 ? 2.0 : 0.0];
    },
    logistic: function (m) {
      var s = sigmoidTape(-m);
      return [softplusNumpy(-m), -s, s * (1.0 - s)];
    },
    exponential: function (m) {
      var v = Math.exp(-m);
      return [v, -v, v];
    },
  };

  // np.linspace(−lim, lim, n): i·step + start, the last point set to stop.
  function linspace(start, stop, n) {
    var step = (stop - start) / (n - 1), out = new Array(n);
    for (var i = 0; i < n; i++) out[i] = i * step + start;
    out[n - 1] = stop;
    return out;
  }

  // explore_losses' names: every loss of the family by default, else the given ones in the given order.
  function chosenNames(family, names) {
    if (names === null || names === undefined) return FAMILIES[family].slice();
    return names.filter(function (name) { return FAMILIES[family].indexOf(name) >= 0; });
  }

  function compute(params) {
    var family = params.family, names = chosenNames(family, params.names);
    var lim = params.lim, n = params.n, delta = params.delta, point = params.point;
    var x = linspace(-lim, lim, n);
    var curves = {}, at = {};
    names.forEach(function (name) {
      var loss = LOSSES[name], value = new Array(n), slope = new Array(n), curvature = new Array(n);
      for (var i = 0; i < n; i++) {
        var v = loss(x[i], delta);
        value[i] = v[0]; slope[i] = v[1]; curvature[i] = v[2];
      }
      curves[name] = { value: value, slope: slope, curvature: curvature };
      var p = loss(point, delta);
      at[name] = { value: p[0], slope: p[1], curvature: p[2] };
    });
    return { family: family, x: x, point: point, delta: delta, curves: curves, at: at };
  }

  // ------------------------------------------------------------------------------------- the figure
  function colorOf(family, name) {
    return ml.colors[FAMILIES[family].indexOf(name) % ml.colors.length];
  }
  var DASHES = ["none", "7 4", "2 3", "8 3 2 3", "none"]; // momentum_lab.plotting.LINESTYLES

  function build(ctx) {
    var params = ctx.params(), family = params.family;
    var boxes = ml.util.el("div", { class: "ml-controls ml-loss-choice", role: "group", "aria-label": "losses shown" }, ctx.figure);
    boxes.style.flexBasis = "100%";
    var chosen = chosenNames(family, params.names);
    FAMILIES[family].forEach(function (name, i) {
      var wrap = ml.util.el("div", { class: "ml-control ml-control-checkbox" }, boxes);
      wrap.style.flex = "0 0 auto";
      wrap.style.minWidth = "0";
      var id = "ml-losses-" + Math.random().toString(36).slice(2);
      var input = ml.util.el("input", { id: id, type: "checkbox", "data-param": "names." + name }, wrap);
      input.checked = chosen.indexOf(name) >= 0;
      var label = ml.util.el("label", { for: id, text: name }, wrap);
      label.style.color = colorOf(family, name);
      input.addEventListener("change", function () {
        var now = chosenNames(family, ctx.params().names);
        var next = FAMILIES[family].filter(function (n) {
          return n === name ? input.checked : now.indexOf(n) >= 0;
        });
        if (!next.length) { input.checked = true; return; } // at least one loss, as the widget keeps one
        ctx.set({ names: next.length === FAMILIES[family].length ? null : next });
      });
    });
    // Huber's δ means nothing to the margin losses: the slider goes away with them, as in the widget.
    var deltaInput = ctx.controlsEl.querySelector('[data-param="delta"]');
    if (deltaInput) deltaInput.parentNode.style.display = family === "regression" ? "" : "none";
    var panels = {}, plots = {};
    // The loss across the whole width, its two derivatives side by side under it (stacked on a phone);
    // every panel first, so that each plot is built at its final width.
    KINDS.forEach(function (kind) {
      panels[kind] = ml.util.el("div", { class: "ml-panel" }, ctx.figure);
      panels[kind].style.flex = kind === "value" ? "1 1 100%" : "1 1 260px";
    });
    KINDS.forEach(function (kind) {
      plots[kind] = ml.plot(panels[kind], {
        title: TITLES[kind], aspect: kind === "value" ? 0.42 : 0.75,
        x: { domain: [-params.lim, params.lim], label: AXIS[family] },
        y: { domain: YLIM[family][kind] },
        label: TITLES[kind] + " of each loss against the " + AXIS[family].split(" ")[0],
      });
    });
    var table = ml.util.el("table", { class: "ml-table" }, ctx.figure);
    table.style.flexBasis = "100%";
    ctx.state = { plots: plots, table: table, family: family, curvesKey: null, huberKey: null };
  }

  function curvePoints(x, y, name, kind) {
    var points = new Array(x.length);
    for (var i = 0; i < x.length; i++) {
      // The 0-1 loss is a step: no vertical segment at the jump (as the notebook's figure).
      points[i] = name === "0-1" && kind === "value" && i > 0 && y[i] !== y[i - 1] ? null : [x[i], y[i]];
    }
    return points;
  }

  function draw(ctx, result, params) {
    var s = ctx.state, family = result.family, names = Object.keys(result.curves);
    // The curves are redrawn only when the losses shown change, and Huber's also when δ moves.
    var key = family + "|" + names.join(",") + "|" + result.x.length, huberKey = key + "|" + result.delta;
    var redraw = s.curvesKey !== key, redrawHuber = redraw || s.huberKey !== huberKey;
    KINDS.forEach(function (kind) {
      var plot = s.plots[kind];
      if (redraw || redrawHuber) {
        names.forEach(function (name) {
          if (!redraw && name !== "huber") return;
          var i = FAMILIES[family].indexOf(name);
          plot.path("curve:" + name, curvePoints(result.x, result.curves[name][kind], name, kind),
                    { color: colorOf(family, name), width: 2, dash: DASHES[i], layer: plot.back });
        });
        if (kind === "value") {
          plot.legend(names.map(function (name) {
            return { label: name === "huber" ? "huber (δ = " + fmt(result.delta, 3) + ")" : name,
                     color: colorOf(family, name), dash: DASHES[FAMILIES[family].indexOf(name)] };
          }));
        }
      }
      var y = YLIM[family][kind];
      plot.path("vline", [[result.point, y[0]], [result.point, y[1]]], { color: "var(--ml-muted)", width: 1, dash: "2 3" });
      FAMILIES[family].forEach(function (name) {
        var v = result.at[name];
        plot.points("dot:" + name, v ? [[result.point, v[kind]]] : [], { r: 4.5, color: colorOf(family, name), stroke: "var(--ml-bg)" });
      });
    });
    s.curvesKey = key;
    s.huberKey = huberKey;
    var rows = "<caption>at " + SYMBOL[family] + " = " + fmt(result.point, 3) + "</caption>" +
      "<tr><th>loss</th><th>value</th><th>slope</th><th>curvature</th></tr>";
    names.forEach(function (name) {
      var v = result.at[name];
      rows += "<tr><td>" + name + "</td><td>" + v.value.toFixed(4) + "</td><td>" +
        (v.slope >= 0 ? "+" : "−") + Math.abs(v.slope).toFixed(4) + "</td><td>" + v.curvature.toFixed(4) + "</td></tr>";
    });
    s.table.innerHTML = rows;
  }

  function describe(result, params) {
    var what = result.family === "regression" ? "residual e" : "margin m";
    var parts = Object.keys(result.at).map(function (name) {
      var v = result.at[name];
      return name + " " + fmt(v.value, 4) + " (slope " + fmt(v.slope, 4) + ", curvature " + fmt(v.curvature, 4) + ")";
    });
    var huber = result.curves.huber ? " Huber δ = " + fmt(result.delta, 3) + "." : "";
    return "Losses of the " + result.family + " family at the " + what + " = " + fmt(result.point, 3) + ": " +
      parts.join("; ") + "." + huber;
  }

  ml.define("losses", {
    title: "Loss explorer",
    defaults: { family: "regression", names: null, point: 1.5, delta: 1.0, lim: 4.0, n: 401 },
    // The family menu comes last: the loss check boxes under it and the δ slider depend on it.
    controls: [
      { param: "point", label: "point (e or m)", type: "range", min: -4, max: 4, step: 0.05,
        format: function (v) { return v.toFixed(2); } },
      { param: "delta", label: "Huber δ", type: "range", min: 0.1, max: 3, step: 0.05,
        format: function (v) { return v.toFixed(2); } },
      { param: "family", label: "family", type: "select",
        options: [["regression", "regression (residual e)"], ["classification", "classification (margin m)"]] },
    ],
    help: "Tick the losses to compare; δ is Huber's switch from quadratic to linear (regression only).",
    normalize: function (next, prev) {
      if (prev && prev.family !== next.family) next.names = null;
      if (next.names) {
        var known = next.names.filter(function (n) { return FAMILIES[next.family].indexOf(n) >= 0; });
        next.names = known.length ? known : null;
      }
      return next;
    },
    needsBuild: function (next, prev) {
      return next.family !== prev.family || JSON.stringify(next.names) !== JSON.stringify(prev.names) ||
        next.lim !== prev.lim;
    },
    compute: compute,
    build: build,
    draw: draw,
    describe: describe,
  });
})();
