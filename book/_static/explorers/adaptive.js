// Chapter 12's explorer on the page: Adam beside the heavy ball, with β₁, β₂, ε and both step sizes.
//
// compute() is momentum_lab.widgets.adaptive.explore_adam in the browser (same parameter names, same
// keys, the same numbers: tests/test_explorers.py compares them). Adam is momentum_lab.optim.Adam (torch's
// convention) in its rule's order of operations; the heavy ball is chapter 2's, with momentum β₁. The
// figure is the notebook widget's: both paths on the contours (drag the start point) and both f(θ_k) − f*.
(function () {
  "use strict";
  var ml = window.momentumLab;
  var fmt = ml.util.fmt;

  // momentum_lab.widgets.adaptive.DEFAULTS: Adam's η and the heavy ball's η per landscape.
  var PRESETS = {
    bowl: [0.1, 0.1],
    "narrow bowl": [0.1, 0.2],
    valley: [0.3, 0.02],
    rosenbrock: [0.1, 0.001],
    saddle: [0.05, 0.05],
  };
  var FALLBACK = [0.05, 0.05];
  var LANDSCAPE_NAMES = { bowl: "bowl (κ = 10)", "narrow bowl": "narrow bowl (κ = 50)", valley: "curved valley",
                          rosenbrock: "Rosenbrock", saddle: "saddle" };

  function check(ok, message) {
    if (!ok) throw new Error(message);
  }

  // momentum_lab.optim.Adam.rule, one coordinate at a time, in the rule's order of operations:
  //   m *= β₁; m += g (1 − β₁);  v *= β₂; v += g g (1 − β₂)
  //   θ −= m / (√v / √(1 − β₂ᵗ) + ε) · (η / (1 − β₁ᵗ))
  function adam(lr, beta1, beta2, eps) {
    var m = null, v = null, t = 0;
    return {
      lr: lr,
      label: "Adam",
      step: function (x, g) {
        if (m === null) {
          m = x.map(function () { return 0; });
          v = x.map(function () { return 0; });
        }
        t += 1;
        var stepSize = lr / (1 - Math.pow(beta1, t));
        var root = Math.sqrt(1 - Math.pow(beta2, t)); // Python: (1 − β₂ᵗ) ** 0.5, correctly rounded
        for (var i = 0; i < x.length; i++) {
          m[i] = m[i] * beta1 + g[i] * (1 - beta1);
          v[i] = v[i] * beta2 + g[i] * g[i] * (1 - beta2);
          var denom = Math.sqrt(v[i]) / root + eps;
          x[i] = x[i] - (m[i] / denom) * stepSize;
        }
      },
    };
  }

  // effective_steps(): v replayed over the gradients where Adam took them, then η/(1 − β₁ᵗ)/(√v̂ + ε).
  function effectiveSteps(surface, path, lr, beta1, beta2, eps) {
    var d = path[0].length, v = [], t = path.length - 1, out = [], k, i;
    for (i = 0; i < d; i++) v.push(0);
    if (t === 0) return v;
    for (k = 0; k < t; k++) {
      var g = surface.grad(path[k]);
      for (i = 0; i < d; i++) v[i] = v[i] * beta2 + g[i] * g[i] * (1 - beta2);
    }
    var a = lr / (1 - Math.pow(beta1, t)), root = Math.sqrt(1 - Math.pow(beta2, t));
    for (i = 0; i < d; i++) out.push(a / (Math.sqrt(v[i]) / root + eps));
    return out;
  }

  // explore_adam(landscape, lr, beta1, beta2, eps, hb_lr, start, steps); null η or start take the preset.
  function compute(params) {
    var key = params.landscape, surface = ml.landscapes.get(key);
    var preset = PRESETS[key] || FALLBACK;
    var lr = params.lr === null || params.lr === undefined ? preset[0] : params.lr;
    var hbLr = params.hb_lr === null || params.hb_lr === undefined ? preset[1] : params.hb_lr;
    var beta1 = params.beta1, beta2 = params.beta2, eps = params.eps, steps = params.steps;
    check(typeof lr === "number" && isFinite(lr) && lr > 0, "lr must be > 0; got lr=" + lr);
    check(typeof hbLr === "number" && isFinite(hbLr) && hbLr > 0, "hb_lr must be > 0; got hb_lr=" + hbLr);
    check(typeof beta1 === "number" && beta1 >= 0 && beta1 < 1, "beta1 must be in [0, 1); got beta1=" + beta1);
    check(typeof beta2 === "number" && beta2 >= 0 && beta2 < 1, "beta2 must be in [0, 1); got beta2=" + beta2);
    check(typeof eps === "number" && isFinite(eps) && eps > 0, "eps must be > 0; got eps=" + eps);
    check(Number.isInteger(steps) && steps >= 1 && steps <= 1000, "steps must be an integer in [1, 1000]; got steps=" + steps);
    var x0 = (params.start || surface.default_start).slice();
    var L = ml.optim.curvatureAtMinimum(surface);
    var limit = (2 * (1 + beta1)) / L;
    var optim = ml.optim;
    var adamRun = optim.landscapeRun(surface, adam(lr, beta1, beta2, eps), x0, steps);
    return {
      landscape: key,
      lr: lr,
      beta1: beta1,
      beta2: beta2,
      eps: eps,
      hb_lr: hbLr,
      adam: adamRun,
      momentum: optim.landscapeRun(surface, optim.classicalMomentum(hbLr, beta1, false), x0, steps, limit),
      lr_limit: limit,
      effective: effectiveSteps(surface, adamRun.path, lr, beta1, beta2, eps),
    };
  }

  // -------------------------------------------------------------------------------------- the figure
  // The contour background: log-spaced levels of f − min f + 1e-3 over the plot window, as
  // momentum_lab.plotting.contour draws them (the same as the other landscape explorers').

  var COLORS = { adam: ml.colors[2], momentum: ml.colors[3] };
  var DASH = { adam: "none", momentum: "6 3" };

  function build(ctx) {
    var params = ctx.params();
    var surface = ml.landscapes.get(params.landscape);
    var left = ml.util.el("div", { class: "ml-panel" }, ctx.figure);
    var right = ml.util.el("div", { class: "ml-panel" }, ctx.figure);
    var b = surface.bounds;
    var grid = ml.landscapes.contourGrid(surface, 96);
    var contour = ml.plot(left, {
      title: surface.name, aspect: (b[1][1] - b[1][0]) / (b[0][1] - b[0][0]),
      x: { domain: b[0], label: "θ₁" }, y: { domain: b[1], label: "θ₂" }, grid: false,
      label: "Contour plot of the landscape with the paths of Adam and the heavy ball",
    });
    contour.contours("levels", grid.values, grid.xs, grid.ys, grid.levels);
    contour.points("minima", surface.minimizers, { r: 8, star: true, color: "var(--ml-fg)", layer: contour.over });
    var loss = ml.plot(right, {
      title: "distance to the minimum value", height: contour.height,
      x: { domain: [0, params.steps], label: "step k" },
      y: { domain: [1e-14, 10 * grid.top], scale: "log", label: "f(θₖ) − f*" },
      label: "Loss gaps of Adam and the heavy ball against the step number, on a log scale",
    });
    ml.draggable(contour, function (x, y) {
      ctx.set({ start: [Number(x.toFixed(3)), Number(y.toFixed(3))] });
    });
    ctx.state = { contour: contour, loss: loss, surface: surface, legend: null };
  }

  function label(key, result) {
    return key === "adam" ? "Adam, η = " + fmt(result.lr, 3) + ", ε = " + fmt(result.eps, 3)
      : "heavy ball, η = " + fmt(result.hb_lr, 3) + ", β = " + fmt(result.beta1, 3);
  }

  function draw(ctx, result) {
    var s = ctx.state, surface = s.surface, entries = [];
    ["adam", "momentum"].forEach(function (key) {
      var run = result[key], color = COLORS[key];
      s.contour.path(key, run.path, { color: color, width: 1.8, dash: DASH[key] });
      var gaps = run.losses.map(function (f, k) { return [k, Math.max(f - surface.minimum, 1e-16)]; });
      s.loss.path(key, gaps, { color: color, width: 2, dash: DASH[key] });
      entries.push({ label: label(key, result) + (run.diverged ? " (diverges)" : ""), color: color, dash: DASH[key] });
    });
    s.contour.points("start", [result.adam.path[0]], { r: 5, square: true, color: "var(--ml-fg)", stroke: "var(--ml-bg)", layer: s.contour.over });
    var legend = entries.map(function (e) { return e.label; }).join("|");
    if (legend !== s.legend) { // the legend's text changes less often than the paths: measure it only then
      s.loss.legend(entries);
      s.legend = legend;
    }
  }

  function verdict(run, surface) {
    if (run.diverged) return "diverges";
    return "f − f* = " + fmt(run.losses[run.losses.length - 1] - surface.minimum, 3);
  }

  // The widget's status line (momentum_lab.widgets.adaptive.describe), in words.
  function describe(result, params) {
    var surface = ml.landscapes.get(params.landscape);
    return "After " + params.steps + " steps from (" + fmt(result.adam.path[0][0], 3) + ", " +
      fmt(result.adam.path[0][1], 3) + ") on the " + surface.name + ": Adam (η = " + fmt(result.lr, 3) +
      ", β₁ = " + fmt(result.beta1, 3) + ", β₂ = " + fmt(result.beta2, 4) + ", ε = " + fmt(result.eps, 2) + ") " +
      verdict(result.adam, surface) + "; heavy ball (η = " + fmt(result.hb_lr, 3) + ", β = β₁) " +
      verdict(result.momentum, surface) + ". Adam's effective step sizes now: " + fmt(result.effective[0], 3) +
      " along θ₁, " + fmt(result.effective[1], 3) + " along θ₂.";
  }

  ml.define("adaptive", {
    title: "Adam explorer",
    // adam_widget's first state; null η, heavy-ball η and start mean the landscape's presets.
    defaults: { landscape: "narrow bowl", lr: null, beta1: 0.9, beta2: 0.999, eps: 1e-8, hb_lr: null, start: null, steps: 150 },
    controls: [
      { param: "landscape", label: "landscape", type: "select",
        options: Object.keys(PRESETS).map(function (k) { return [k, LANDSCAPE_NAMES[k]]; }) },
      { param: "lr", label: "Adam η", type: "range", scale: "log", min: 1e-3, max: 1, step: 0.005 },
      { param: "beta1", label: "β₁", type: "range", min: 0, max: 0.99, step: 0.01 },
      { param: "beta2", label: "β₂", type: "range", min: 0.5, max: 0.9999, step: 0.0001, format: function (v) { return v.toFixed(4); } },
      { param: "eps", label: "ε", type: "range", scale: "log", min: 1e-8, max: 1, step: 0.01,
        format: function (v) { return v.toExponential(1); } },
      { param: "hb_lr", label: "heavy-ball η", type: "range", scale: "log", min: 1e-4, max: Math.pow(10, 0.5), step: 0.005 },
      { param: "start", index: 0, label: "start θ₁", type: "range", min: -3.5, max: 3.5, step: 0.01 },
      { param: "start", index: 1, label: "start θ₂", type: "range", min: -2, max: 3, step: 0.01 },
    ],
    help: "The heavy ball uses β₁ as its momentum. Drag on the contour plot to move the start point.",
    normalize: function (next, prev) {
      var surface = ml.landscapes.get(next.landscape), preset = PRESETS[next.landscape] || FALLBACK;
      if (prev && prev.landscape !== next.landscape) { // a new landscape: its presets, as in the widget
        next.lr = preset[0];
        next.hb_lr = preset[1];
        next.start = surface.default_start.slice();
      }
      if (next.lr === null || next.lr === undefined) next.lr = preset[0];
      if (next.hb_lr === null || next.hb_lr === undefined) next.hb_lr = preset[1];
      if (!next.start) next.start = surface.default_start.slice();
      return next;
    },
    needsBuild: function (next, prev) { return next.landscape !== prev.landscape || next.steps !== prev.steps; },
    compute: compute,
    build: build,
    draw: draw,
    describe: describe,
  });
})();
