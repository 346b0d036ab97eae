// Chapter 1's explorer on the page: gradient descent on a landscape, with a step size and a start point.
//
// compute() is momentum_lab.widgets.gradient_descent.explore_gd in the browser (same keys, same
// numbers: tests/test_explorers.py compares them); the figure is the notebook widget's: the path on the
// contours (drag the start point) and f(θ_k) − f* on a log scale.
(function () {
  "use strict";
  var ml = window.momentumLab;
  var fmt = ml.util.fmt;

  // momentum_lab.widgets.gradient_descent.DEFAULT_LR: a step size that works on each landscape.
  var DEFAULT_LR = { bowl: 0.5, "narrow bowl": 1.0, valley: 0.05, rosenbrock: 0.001, saddle: 0.3 };
  var LANDSCAPE_NAMES = { bowl: "bowl (κ = 10)", "narrow bowl": "narrow bowl (κ = 50)", valley: "curved valley",
                          rosenbrock: "Rosenbrock", saddle: "saddle" };

  function compute(params) {
    var surface = ml.landscapes.get(params.landscape);
    var x0 = (params.start || surface.default_start).slice();
    var lrLimit = 2.0 / ml.optim.curvatureAtMinimum(surface);
    var run = ml.optim.landscapeRun(surface, ml.optim.gradientDescent(params.lr), x0, params.steps, lrLimit);
    return { landscape: params.landscape, path: run.path, losses: run.losses, diverged: run.diverged,
             status: run.status, lr_limit: lrLimit };
  }


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
      label: "Contour plot of the landscape with the path of gradient descent",
    });
    contour.contours("levels", grid.values, grid.xs, grid.ys, grid.levels);
    contour.points("minima", surface.minimizers, { r: 8, star: true, color: "var(--ml-fg)", layer: contour.over });
    var loss = ml.plot(right, {
      title: "distance to the minimum value", height: contour.height,
      x: { domain: [0, params.steps], label: "step k" },
      y: { domain: [1e-14, 10 * grid.top], scale: "log", label: "f(θₖ) − f*" },
      label: "Loss gap against the step number, on a log scale",
    });
    ml.draggable(contour, function (x, y) {
      ctx.set({ start: [Number(x.toFixed(3)), Number(y.toFixed(3))] });
    });
    ctx.state = { contour: contour, loss: loss, surface: surface };
  }

  function draw(ctx, result, params) {
    var s = ctx.state, surface = s.surface, color = ml.colors[0];
    s.contour.path("path", result.path, { color: color, width: 1.8 });
    s.contour.points("dots", result.path.length > 160 ? [] : result.path, { r: 2.2, color: color });
    s.contour.points("start", [result.path[0]], { r: 5, square: true, color: color, stroke: "var(--ml-bg)", layer: s.contour.over });
    var gaps = result.losses.map(function (f, k) { return [k, Math.max(f - surface.minimum, 1e-16)]; });
    s.loss.path("gap", gaps, { color: color, width: 2 });
    s.loss.text("verdict", s.loss.inner.left + s.loss.inner.width - 6, s.loss.inner.top + 16, verdict(result),
                { px: true, anchor: "end", cls: "ml-halo" });
  }

  function verdict(result) {
    return ml.optim.STATUS_WORDS[result.status];
  }

  function describe(result, params) {
    var surface = ml.landscapes.get(params.landscape);
    var steps = result.path.length - 1;
    var gap = result.losses[result.losses.length - 1] - surface.minimum;
    var text = "Gradient descent on the " + surface.name + " with step size η = " + fmt(params.lr) +
      " (stability limit 2/L = " + fmt(result.lr_limit) + "), from (" + fmt(result.path[0][0], 3) + ", " +
      fmt(result.path[0][1], 3) + "): ";
    if (result.status === "diverges") {
      return text + "diverges; the run is cut after " + steps + " steps.";
    }
    return text + verdict(result) + "; after " + steps + " steps f − f* = " + fmt(Math.max(gap, 0), 3) + ".";
  }

  ml.define("gradient-descent", {
    title: "Gradient-descent explorer",
    defaults: { landscape: "bowl", lr: DEFAULT_LR.bowl, start: null, steps: 60 },
    controls: [
      { param: "landscape", label: "landscape", type: "select",
        options: Object.keys(DEFAULT_LR).map(function (k) { return [k, LANDSCAPE_NAMES[k]]; }) },
      { param: "lr", label: "step size η", type: "range", scale: "log", min: 1e-3, max: Math.pow(10, 0.5), step: 0.005 },
      { param: "start", index: 0, label: "start θ₁", type: "range", min: -3.5, max: 3.5, step: 0.01 },
      { param: "start", index: 1, label: "start θ₂", type: "range", min: -2, max: 3, step: 0.01 },
    ],
    help: "Drag on the contour plot to move the start point.",
    normalize: function (next, prev) {
      var surface = ml.landscapes.get(next.landscape);
      if (prev && prev.landscape !== next.landscape) {
        next.start = surface.default_start.slice();
        next.lr = DEFAULT_LR[next.landscape];
      }
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
