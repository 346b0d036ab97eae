// Chapter 10's explorer on the page: heavy-ball momentum on the chapter's logistic regression, with the
// step and the momentum as fractions of Polyak's optimal pair (α*, β*) from the Hessian at θ*.
//
// compute() is what momentum_lab.widgets.capstone.capstone_widget draws (its page form _web_capstone):
// momentum_run, i.e. torch's SGD with momentum (b = g on the first step, then b = βb + g; θ = θ − αb) on
// the gradient X̃ᵀ(σ(X̃θ) − y)/n + λθ of LogisticRegression.grad_by_hand, then ‖θ_k − θ*‖ with NumPy's
// pairwise sum, models.measured_rate and theory.heavy_ball_rate. The data (cubic features of the moons,
// labels, θ₀, θ*, μ, L, α*, β*) come from NumPy's generator and Newton's method: the book's build writes
// them to data/capstone.js. NumPy computes the two matrix-vector products with BLAS, which adds in its own
// order, so the distances agree to the last bits only while the run is stable; where the heavy ball is
// unstable along its path the run is chaotic and no two float64 implementations agree for long (see
// _web_capstone_nudges in capstone.py, and the browser test's tolerance for such settings).
(function () {
  "use strict";
  var ml = window.momentumLab;
  var fmt = ml.util.fmt;
  var D = ml.data.capstone;
  var DIVERGENCE_NORM = 1e100; // momentum_lab.optim.DIVERGENCE_NORM
  var MAX_SCALE = 1.6, CURVE_POINTS = 161; // PAGE_MAX_SCALE, PAGE_CURVE_POINTS

  var n = D.y.length, dim = D.theta0.length;
  // X̃ = [X, 1], row-major.
  var X1 = new Float64Array(n * dim);
  for (var i = 0; i < n; i++) {
    for (var j = 0; j < dim - 1; j++) X1[i * dim + j] = D.X[i][j];
    X1[i * dim + dim - 1] = 1.0;
  }
  var Y = Float64Array.from(D.y), THETA_STAR = Float64Array.from(D.theta_star);

  // np.logaddexp(0, v) as NumPy computes it (npy_logaddexp).
  function logaddexp0(v) {
    if (v === 0) return Math.LN2;
    var tmp = 0 - v;
    if (tmp > 0) return 0 + Math.log1p(Math.exp(-tmp));
    if (tmp <= 0) return v + Math.log1p(Math.exp(tmp));
    return tmp;
  }

  // LogisticRegression.grad_by_hand: X̃ᵀ(σ(X̃θ) − y)/n + λθ, σ(z) = exp(−logaddexp(0, −z)).
  var Z = new Float64Array(n);
  function gradient(theta, out) {
    for (var i = 0; i < n; i++) {
      var z = 0.0, row = i * dim;
      for (var j = 0; j < dim; j++) z += X1[row + j] * theta[j];
      Z[i] = Math.exp(-logaddexp0(-z)) - Y[i];
    }
    for (var j2 = 0; j2 < dim; j2++) {
      var s = 0.0;
      for (var i2 = 0; i2 < n; i2++) s += X1[i2 * dim + j2] * Z[i2];
      out[j2] = s / n + D.l2 * theta[j2];
    }
    return out;
  }

  // NumPy's pairwise sum (numpy/_core/src/umath/loops_utils.h) of the squares of a length-dim vector.
  function pairwiseSquares(v) {
    var k, res;
    if (v.length < 8) {
      res = 0.0;
      for (k = 0; k < v.length; k++) res += v[k] * v[k];
      return res;
    }
    var r = [];
    for (k = 0; k < 8; k++) r.push(v[k] * v[k]);
    var m = v.length - (v.length % 8);
    for (k = 8; k < m; k += 8) for (var q = 0; q < 8; q++) r[q] += v[k + q] * v[k + q];
    res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; k < v.length; k++) res += v[k] * v[k];
    return res;
  }

  // heavy_ball_iterates + momentum_run's distances: θ_k − θ* for every kept iterate, and whether the run
  // went the full number of steps (it stops at a non-finite iterate or one of norm above 1e100).
  function heavyBallDistances(lr, momentum, steps) {
    var theta = Float64Array.from(D.theta0), b = new Float64Array(dim), g = new Float64Array(dim);
    var diff = new Float64Array(dim), distances = [], k, j;
    function distance() {
      for (j = 0; j < dim; j++) diff[j] = theta[j] - THETA_STAR[j];
      return Math.sqrt(pairwiseSquares(diff));
    }
    distances.push(distance());
    for (k = 0; k < steps; k++) {
      gradient(theta, g);
      for (j = 0; j < dim; j++) {
        var d = g[j];
        if (momentum) {
          b[j] = k === 0 ? d : b[j] * momentum + d;
          d = b[j];
        }
        theta[j] = theta[j] - d * lr;
      }
      var finite = true, sq = 0.0;
      for (j = 0; j < dim; j++) {
        if (!isFinite(theta[j])) finite = false;
        sq += theta[j] * theta[j];
      }
      if (!finite || Math.sqrt(sq) > DIVERGENCE_NORM) return { distances: distances, full: false };
      distances.push(distance());
    }
    return { distances: distances, full: true };
  }

  // models.measured_rate with its default window (upper 1e-3, lower 1e-10).
  function measuredRate(d) {
    var first = function (limit) {
      for (var k = 0; k < d.length; k++) if (d[k] <= limit) return k;
      return -1;
    };
    var up = first(1e-3 * d[0]), low = first(1e-10 * d[0]);
    var half = Math.floor((d.length - 1) / 2);
    var start = up >= 0 ? up : half, stop = low >= 0 ? low : d.length - 1;
    if (stop - start < 2) { start = half; stop = d.length - 1; }
    return { rate: Math.pow(d[stop] / d[start], 1.0 / (stop - start)), start: start, stop: stop };
  }

  // theory.heavy_ball_rate(lr, momentum, [μ, L]): the largest root modulus of z² − (1 + β − αλ)z + β.
  function radius(trace, det) {
    var disc = trace * trace - 4.0 * det;
    return disc >= 0 ? 0.5 * (Math.abs(trace) + Math.sqrt(disc)) : Math.sqrt(det);
  }
  function heavyBallRate(lr, momentum) {
    var lams = D.mu === D.L ? [D.mu] : [Math.min(D.mu, D.L), Math.max(D.mu, D.L)], rate = null;
    lams.forEach(function (lam) {
      var r = radius(1.0 + momentum - lr * lam, momentum);
      rate = rate === null ? r : Math.max(rate, r);
    });
    return rate;
  }

  function momentumRun(lr, momentum, steps) {
    var run = heavyBallDistances(lr, momentum, steps), d = run.distances, kept = d.length;
    while (d.length < 3) d.push(d[d.length - 1]); // blew up at once: nothing to measure
    return {
      distances: d, measured: measuredRate(d), predicted: heavyBallRate(lr, momentum),
      converged: kept === steps + 1 && d[d.length - 1] <= 1e-2 * d[0],
    };
  }

  // The widget's two fixed runs, computed once: what it draws of them (distances, predicted rate).
  var fixed = {};
  function fixedRun(key, lr, momentum, steps) {
    var k = key + ":" + steps;
    if (!fixed[k]) {
      var run = momentumRun(lr, momentum, steps);
      fixed[k] = { distances: run.distances, predicted: run.predicted };
    }
    return { distances: fixed[k].distances.slice(), predicted: fixed[k].predicted };
  }

  function compute(params) {
    var steps = params.steps, lr = D.lr_star * params.lr_scale;
    var momentum = Math.min(D.momentum_star * params.momentum_scale, 0.999);
    var scales = new Array(CURVE_POINTS), curve = new Array(CURVE_POINTS), step = MAX_SCALE / (CURVE_POINTS - 1);
    for (var i = 0; i < CURVE_POINTS; i++) {
      scales[i] = i === CURVE_POINTS - 1 ? MAX_SCALE : i * step + 0.0;
      curve[i] = Math.min(heavyBallRate(lr, D.momentum_star * scales[i]), D.rate_range[1]);
    }
    return {
      lr: lr, momentum: momentum, run: momentumRun(lr, momentum, steps), scales: scales, curve: curve,
      reference: fixedRun("reference", D.lr_star, D.momentum_star, steps),
      gd: fixedRun("gd", D.gd_lr, 0.0, steps),
    };
  }

  // ------------------------------------------------------------------------------------- the figure
  function clip(v) {
    return Math.min(Math.max(v, D.distance_range[0]), D.distance_range[1]);
  }
  function curveOf(distances) {
    return distances.map(function (v, k) { return [k, clip(v)]; });
  }

  // Move a legend (drawn at the top left) to the plot's bottom left, or bottom right.
  function corner(plot, legend, right) {
    var box = legend.getBBox ? legend.getBBox() : null;
    if (!box) return;
    var dx = right ? plot.inner.left + plot.inner.width - 6 - (box.x + box.width) : 0;
    var dy = plot.inner.top + plot.inner.height - 6 - (box.y + box.height);
    legend.setAttribute("transform", "translate(" + dx.toFixed(1) + "," + dy.toFixed(1) + ")");
  }

  function build(ctx) {
    var params = ctx.params(), steps = params.steps;
    var left = ml.util.el("div", { class: "ml-panel" }, ctx.figure);
    var right = ml.util.el("div", { class: "ml-panel" }, ctx.figure);
    var dist = ml.plot(left, {
      title: "distance to the minimiser", aspect: 0.75,
      x: { domain: [0, steps], label: "step k" },
      y: { domain: D.distance_range, scale: "log", label: "‖θₖ − θ*‖" },
      label: "Distance to the minimiser against the step, on a log scale",
    });
    var rate = ml.plot(right, {
      title: "rate per step", height: dist.height,
      x: { domain: [0, MAX_SCALE], label: "momentum β / β*" }, y: { domain: D.rate_range, label: "rate per step" },
      label: "Predicted and measured rate per step against β / β*",
    });
    // The legends go where the curves are not: the distances' bottom left, the rates' bottom right.
    corner(dist, dist.legend([
      { label: "(α*, β*)", color: "var(--ml-muted)" },
      { label: "gradient descent, best step", color: "var(--ml-fg)", dash: "6 4" },
      { label: "your (α, β)", color: ml.colors[0] },
      { label: "predicted rate", color: ml.colors[3], dash: "2 3" },
    ]), false);
    corner(rate, rate.legend([
      { label: "predicted at your α", color: ml.colors[0] },
      { label: "measured", color: ml.colors[3] },
      { label: "gradient descent, best step", color: "var(--ml-muted)", dash: "2 3" },
    ]), true);
    rate.path("gd-rate", [[0, D.gd_rate], [MAX_SCALE, D.gd_rate]], { color: "var(--ml-muted)", width: 1, dash: "2 3", layer: rate.back });
    rate.path("one", [[1, D.rate_range[0]], [1, D.rate_range[1]]], { color: "var(--ml-grid)", width: 1.5, layer: rate.back });
    ctx.state = { dist: dist, rate: rate, fixedDrawn: false };
  }

  function draw(ctx, result, params) {
    var s = ctx.state, run = result.run, steps = params.steps;
    if (!s.fixedDrawn) {
      s.dist.path("reference", curveOf(result.reference.distances), { color: "var(--ml-muted)", width: 3.5, layer: s.dist.back });
      s.dist.path("gd", curveOf(result.gd.distances), { color: "var(--ml-fg)", width: 1.3, dash: "6 4", layer: s.dist.back });
      s.rate.points("star", [[1, result.reference.predicted]], { r: 8, star: true, color: "var(--ml-muted)", layer: s.rate.back });
      s.fixedDrawn = true;
    }
    s.dist.path("run", curveOf(run.distances), { color: ml.colors[0], width: 2 });
    var slope = [];
    if (run.converged) { // the predicted geometric decay through the distance at the window's start
      var start = run.measured.start, d0 = run.distances[start];
      for (var k = start; k <= steps; k++) slope.push([k, clip(d0 * Math.pow(run.predicted, k - start))]);
    }
    s.dist.path("slope", slope, { color: ml.colors[3], width: 1.8, dash: "2 3" });
    s.rate.path("curve", result.scales.map(function (b, i) { return [b, result.curve[i]]; }), { color: ml.colors[0], width: 2 });
    var top = D.rate_range[1], x = params.momentum_scale;
    s.rate.points("predicted", [[x, Math.min(run.predicted, top)]], { r: 5.5, color: ml.colors[0], stroke: "var(--ml-bg)" });
    s.rate.points("measured", [[x, Math.min(run.measured.rate, top)]], { r: 4.5, color: ml.colors[3], stroke: "var(--ml-bg)" });
    s.dist.text("verdict", s.dist.inner.left + s.dist.inner.width - 6, s.dist.inner.top + 16,
                run.converged ? "measured rate " + run.measured.rate.toFixed(4) : "does not converge",
                { px: true, anchor: "end", cls: "ml-halo" });
  }

  function describe(result, params) {
    var run = result.run, m = run.measured;
    var outcome = run.converged ? "measured " + m.rate.toFixed(4) + " (steps " + m.start + "–" + m.stop + ")"
      : "the run does not converge in " + params.steps + " steps";
    return "α = " + fmt(result.lr) + " (" + params.lr_scale.toFixed(3) + " α*), β = " + result.momentum.toFixed(4) +
      " (" + params.momentum_scale.toFixed(2) + " β*): predicted rate " + run.predicted.toFixed(4) + ", " + outcome +
      ". Optimum: α* = " + fmt(D.lr_star) + ", β* = " + D.momentum_star.toFixed(4) + ", rate " + D.rate_star.toFixed(4) + ".";
  }

  ml.define("capstone", {
    title: "Momentum tuned by curvature, on logistic regression",
    defaults: { lr_scale: 1.0, momentum_scale: 1.0, steps: 200 },
    controls: [
      { param: "lr_scale", label: "α / α*", type: "range", min: 0.1, max: 2.0, step: 0.005,
        format: function (v) { return v.toFixed(3); } },
      { param: "momentum_scale", label: "β / β*", type: "range", min: 0, max: MAX_SCALE, step: 0.02,
        format: function (v) { return v.toFixed(2); } },
    ],
    needsBuild: function (next, prev) { return next.steps !== prev.steps; },
    compute: compute,
    build: build,
    draw: draw,
    describe: describe,
  });
})();
