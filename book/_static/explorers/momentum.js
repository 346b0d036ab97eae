// Chapter 2's explorer on the page: gradient descent and momentum side by side, with the same step size.
//
// compute() is momentum_lab.widgets.momentum.explore_momentum in the browser (same parameter names, same
// keys, the same numbers: tests/test_explorers.py compares them); the figure is the notebook widget's:
// both paths on the contours (drag the start point) and both f(θ_k) − f* curves on a log scale.
(function () {
  "use strict";
  var ml = window.momentumLab;
  var fmt = ml.util.fmt;

  // momentum_lab.widgets.momentum.DEFAULTS: (η, β) per landscape, where momentum visibly helps.
  var PRESETS = {
    bowl: [0.1, 0.8],
    "narrow bowl": [0.2, 0.9],
    valley: [0.02, 0.9],
    rosenbrock: [0.001, 0.9],
    saddle: [0.05, 0.7],
  };
  var FALLBACK = [0.1, 0.9]; // explore_momentum's preset for a landscape without one
  var LANDSCAPE_NAMES = { bowl: "bowl (κ = 10)", "narrow bowl": "narrow bowl (κ = 50)", valley: "curved valley",
                          rosenbrock: "Rosenbrock", saddle: "saddle" };

  // ------------------------------------------------------------------------------------- the numbers
  // The eigenvalues of a symmetric 2 × 2 matrix exactly as np.linalg.eigvalsh computes them: LAPACK's
  // dsyevd without vectors, i.e. dsterf on the (already tridiagonal) matrix, with its split tests and
  // dlae2 for the 2 × 2 block. Bit for bit equal to NumPy's (checked on 35,000 matrices).
  var EPS = Math.pow(2, -53), EPS2 = EPS * EPS;

  function dlae2(a, b, c) {
    var sm = a + c, df = a - c, adf = Math.abs(df), tb = b + b, ab = Math.abs(tb), rt, rt1, rt2;
    var acmx = Math.abs(a) > Math.abs(c) ? a : c, acmn = Math.abs(a) > Math.abs(c) ? c : a;
    if (adf > ab) rt = adf * Math.sqrt(1 + (ab / adf) * (ab / adf));
    else if (adf < ab) rt = ab * Math.sqrt(1 + (adf / ab) * (adf / ab));
    else rt = ab * Math.sqrt(2);
    if (sm < 0) {
      rt1 = 0.5 * (sm - rt);
      rt2 = (acmx / rt1) * acmn - (b / rt1) * b;
    } else if (sm > 0) {
      rt1 = 0.5 * (sm + rt);
      rt2 = (acmx / rt1) * acmn - (b / rt1) * b;
    } else {
      rt1 = 0.5 * rt;
      rt2 = -0.5 * rt;
    }
    return [rt1, rt2];
  }

  function eigvalsh(H) {
    var d1 = H[0][0], e = H[1][0], d2 = H[1][1], r;
    var split = Math.abs(e) <= Math.sqrt(Math.abs(d1)) * Math.sqrt(Math.abs(d2)) * EPS;
    if (!split && Math.max(Math.abs(d1), Math.abs(d2), Math.abs(e)) > 0) {
      var e2 = e * e;
      if (Math.abs(d2) < Math.abs(d1)) { // QR iteration: the block is passed bottom up
        if (!(Math.abs(e2) <= EPS2 * Math.abs(d2 * d1))) {
          r = dlae2(d2, Math.sqrt(e2), d1);
          d2 = r[0];
          d1 = r[1];
        }
      } else if (!(Math.abs(e2) <= EPS2 * Math.abs(d1 * d2))) {
        r = dlae2(d1, Math.sqrt(e2), d2);
        d1 = r[0];
        d2 = r[1];
      }
    }
    return d1 <= d2 ? [d1, d2] : [d2, d1];
  }

  function check(ok, message) {
    if (!ok) throw new Error(message);
  }

  // explore_momentum(landscape, lr, momentum, nesterov, start, steps); null η, β or start take the preset.
  function compute(params) {
    var key = params.landscape, surface = ml.landscapes.get(key);
    var preset = PRESETS[key] || FALLBACK;
    var lr = params.lr === null || params.lr === undefined ? preset[0] : params.lr;
    var beta = params.momentum === null || params.momentum === undefined ? preset[1] : params.momentum;
    var steps = params.steps, nesterov = params.nesterov;
    check(typeof lr === "number" && isFinite(lr) && lr > 0, "lr must be > 0; got lr=" + lr);
    check(typeof beta === "number" && beta >= 0 && beta < 1, "momentum must be in [0, 1); got momentum=" + beta);
    check(Number.isInteger(steps) && steps >= 1 && steps <= 1000, "steps must be an integer in [1, 1000]; got steps=" + steps);
    check(nesterov === true || nesterov === false, "nesterov must be true or false; got nesterov=" + nesterov);
    var x0 = (params.start || surface.default_start).slice();
    var L = eigvalsh(surface.hessian(surface.minimizers[0]))[1];
    var limit = nesterov ? (2 * (1 + beta)) / ((1 + 2 * beta) * L) : (2 * (1 + beta)) / L;
    var optim = ml.optim;
    return {
      landscape: key,
      lr: lr,
      beta: beta,
      nesterov: nesterov,
      gd: optim.landscapeRun(surface, optim.gradientDescent(lr), x0, steps, 2 / L),
      momentum: optim.landscapeRun(surface, optim.classicalMomentum(lr, beta, nesterov), x0, steps, limit),
      lr_limit_gd: 2 / L,
      lr_limit: limit,
    };
  }

  // -------------------------------------------------------------------------------------- the figure
  // The contour background: log-spaced levels of f − min f + 1e-3 over the plot window, as
  // momentum_lab.plotting.contour draws them (the same as the gradient-descent explorer's).

  var COLORS = { gd: ml.colors[0], momentum: ml.colors[3] };
  var DASH = { gd: "none", momentum: "6 3" };

  function methodLabel(result) {
    return (result.nesterov ? "Nesterov" : "heavy ball") + ", β = " + fmt(result.beta, 3);
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
      label: "Contour plot of the landscape with the paths of gradient descent and momentum",
    });
    contour.contours("levels", grid.values, grid.xs, grid.ys, grid.levels);
    contour.points("minima", surface.minimizers, { r: 8, star: true, color: "var(--ml-fg)", layer: contour.over });
    var loss = ml.plot(right, {
      title: "distance to the minimum value", height: contour.height,
      x: { domain: [0, params.steps], label: "step k" },
      y: { domain: [1e-14, 10 * grid.top], scale: "log", label: "f(θₖ) − f*" },
      label: "Loss gaps of both methods against the step number, on a log scale",
    });
    ml.draggable(contour, function (x, y) {
      ctx.set({ start: [Number(x.toFixed(3)), Number(y.toFixed(3))] });
    });
    ctx.state = { contour: contour, loss: loss, surface: surface, legend: null };
  }

  function draw(ctx, result, params) {
    var s = ctx.state, surface = s.surface, entries = [];
    ["gd", "momentum"].forEach(function (key) {
      var run = result[key], color = COLORS[key];
      s.contour.path(key, run.path, { color: color, width: 1.8, dash: DASH[key] });
      var gaps = run.losses.map(function (f, k) { return [k, Math.max(f - surface.minimum, 1e-16)]; });
      s.loss.path(key, gaps, { color: color, width: 2, dash: DASH[key] });
      var label = key === "gd" ? "gradient descent" : methodLabel(result);
      entries.push({ label: label + (run.diverged ? " (diverges)" : ""), color: color, dash: DASH[key] });
    });
    s.contour.points("start", [result.gd.path[0]], { r: 5, square: true, color: "var(--ml-fg)", stroke: "var(--ml-bg)", layer: s.contour.over });
    var legend = entries.map(function (e) { return e.label; }).join("|");
    if (legend !== s.legend) { // the legend's text changes rarely: measure it only then
      s.loss.legend(entries);
      s.legend = legend;
    }
  }

  function verdict(run, surface) {
    if (run.diverged) return "diverges";
    return "f − f* = " + fmt(run.losses[run.losses.length - 1] - surface.minimum, 3);
  }

  // The widget's status line, in words.
  function describe(result, params) {
    var surface = ml.landscapes.get(params.landscape);
    return "After " + params.steps + " steps with η = " + fmt(result.lr) + " from (" + fmt(result.gd.path[0][0], 3) +
      ", " + fmt(result.gd.path[0][1], 3) + ") on the " + surface.name + ": gradient descent " +
      verdict(result.gd, surface) + "; " + methodLabel(result) + " " + verdict(result.momentum, surface) +
      ". Near the minimum, η < " + fmt(result.lr_limit, 3) + " is stable (gradient descent: η < " +
      fmt(result.lr_limit_gd, 3) + ").";
  }

  ml.define("momentum", {
    title: "Momentum explorer",
    // momentum_widget's first state; null η, β and start mean the landscape's presets.
    defaults: { landscape: "narrow bowl", lr: null, momentum: null, nesterov: false, start: null, steps: 150 },
    controls: [
      { param: "landscape", label: "landscape", type: "select",
        options: Object.keys(PRESETS).map(function (k) { return [k, LANDSCAPE_NAMES[k]]; }) },
      { param: "lr", label: "step size η", type: "range", scale: "log", min: 1e-4, max: Math.pow(10, 0.5), step: 0.005 },
      { param: "momentum", label: "momentum β", type: "range", min: 0, max: 0.99, step: 0.01 },
      { param: "nesterov", label: "Nesterov", type: "checkbox" },
      { param: "start", index: 0, label: "start θ₁", type: "range", min: -3.5, max: 3.5, step: 0.01 },
      { param: "start", index: 1, label: "start θ₂", type: "range", min: -2, max: 3, step: 0.01 },
    ],
    help: "Drag on the contour plot to move the start point.",
    normalize: function (next, prev) {
      var surface = ml.landscapes.get(next.landscape), preset = PRESETS[next.landscape] || FALLBACK;
      if (prev && prev.landscape !== next.landscape) { // a new landscape: its presets, as in the widget
        next.lr = preset[0];
        next.momentum = preset[1];
        next.start = surface.default_start.slice();
      }
      if (next.lr === null || next.lr === undefined) next.lr = preset[0];
      if (next.momentum === null || next.momentum === undefined) next.momentum = preset[1];
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
