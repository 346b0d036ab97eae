// Chapter 3's explorer on the page: the convergence rate of the heavy ball (or Nesterov) over the (αL, β)
// plane of a quadratic with condition number κ, and the rate at a point the reader picks.
//
// compute() is momentum_lab.widgets.momentum.rate_map_data (with momentum_lab.theory's rate_map,
// optimal_momentum, nesterov_parameters, optimal_gd and iterations_to) in the browser, plus the widget's
// status line: the same keys and numbers (tests/test_explorers.py compares them). Click or drag on the
// map to choose the point.
(function () {
  "use strict";
  var ml = window.momentumLab;
  var fmt = ml.util.fmt;
  var METHODS = { heavy_ball: "heavy ball", nesterov: "Nesterov" };
  var TOL = 1e-6; // the map's colour: steps to shrink the error a million-fold

  // ------------------------------------------------------------------------------------- the numbers
  function check(ok, message) {
    if (!ok) throw new Error(message);
  }

  // np.linspace(a, b, n): i · step + a, the last point exactly b.
  function linspace(a, b, n) {
    var delta = b - a, div = n - 1, step = delta / div, y = new Array(n);
    for (var i = 0; i < n; i++) y[i] = step === 0 ? (i / div) * delta + a : i * step + a;
    if (n > 1) y[n - 1] = b;
    return y;
  }

  // theory._radius: the largest root modulus of z² − trace·z + det.
  function radius(trace, det) {
    var disc = trace * trace - 4.0 * det;
    return disc >= 0 ? 0.5 * (Math.abs(trace) + Math.sqrt(disc)) : Math.sqrt(det);
  }

  function heavyBallRadius(lr, beta, lam) {
    return radius(1.0 + beta - lr * lam, beta);
  }

  function nesterovRadius(lr, beta, lam) {
    var contraction = 1.0 - lr * lam;
    return radius((1.0 + beta) * contraction, beta * contraction);
  }

  // np.unique of the eigenvalues: sorted, without repeats.
  function unique(values) {
    return values.slice().sort(function (a, b) { return a - b; })
      .filter(function (v, i, all) { return i === 0 || v !== all[i - 1]; });
  }

  // theory.heavy_ball_rate / nesterov_rate: the largest radius over the eigenvalues (the extreme two for
  // the heavy ball, every one for Nesterov).
  function rateEigenvalues(method, eigenvalues) {
    return method === "nesterov" ? unique(eigenvalues)
      : unique([Math.min.apply(null, eigenvalues), Math.max.apply(null, eigenvalues)]);
  }

  function rateOver(fn, lr, beta, lams) {
    var rate = fn(lr, beta, lams[0]);
    for (var k = 1; k < lams.length; k++) rate = Math.max(rate, fn(lr, beta, lams[k]));
    return rate;
  }

  function rateAt(method, lr, beta, eigenvalues) {
    return rateOver(method === "nesterov" ? nesterovRadius : heavyBallRadius, lr, beta,
                    rateEigenvalues(method, eigenvalues));
  }

  // theory.iterations_to: the smallest k ≥ 0 with rateᵏ ≤ tol (with its round-off guard); ∞ for rate ≥ 1.
  function iterationsTo(rate, tol) {
    var converges = rate < 1;
    var safe = converges && rate > 0 ? rate : 0.5;
    var k = Math.ceil(Math.log(tol) / Math.log(safe));
    if (Math.pow(safe, k - 1) <= tol) k = k - 1;
    if (rate === 0) k = 1;
    return converges ? k : Infinity;
  }

  // A non-finite number as to_json writes it.
  function json(x) {
    if (isFinite(x)) return x;
    return isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
  }

  // rate_map_data(kappa, method, n) with the map's colour (the widget's log_steps). The map depends on κ,
  // the method and n only, so the last one is kept: moving the point does not recompute it.
  var last = { key: null, value: null };

  function rateMapData(kappa, method, n) {
    var key = kappa + "|" + method + "|" + n;
    if (last.key === key) return last.value;
    var mu = 1.0 / kappa, L = 1.0, eigenvalues = [mu, L];
    var lrs = linspace(4.0 / L / n, 4.0 / L, n), momenta = linspace(0.0, 0.995, n);
    var rates = [], logSteps = [], bi = 0, bj = 0, best = Infinity;
    var fn = method === "nesterov" ? nesterovRadius : heavyBallRadius, lams = rateEigenvalues(method, eigenvalues);
    for (var i = 0; i < n; i++) {
      var row = new Array(n), colour = new Array(n), beta = momenta[i];
      for (var j = 0; j < n; j++) {
        var r = rateOver(fn, lrs[j], beta, lams);
        row[j] = r;
        if (r < best) {
          best = r;
          bi = i;
          bj = j;
        }
        var steps = iterationsTo(r, TOL);
        colour[j] = isFinite(steps) ? Math.log10(Math.min(Math.max(steps, 1), 1e4)) : "nan";
      }
      rates.push(row);
      logSteps.push(colour);
    }
    var optimum, boundary;
    if (method === "heavy_ball") {
      var sl = Math.sqrt(L), sm = Math.sqrt(mu), rate = (sl - sm) / (sl + sm);
      optimum = [4.0 / ((sl + sm) * (sl + sm)), rate * rate, rate];
      boundary = momenta.map(function (m) { return (2 * (1 + m)) / L; });
    } else {
      var rootKappa = Math.sqrt(L / mu);
      optimum = [1.0 / L, (rootKappa - 1.0) / (rootKappa + 1.0), 1.0 - 1.0 / rootKappa];
      boundary = momenta.map(function (m) { return (2 * (1 + m)) / ((1 + 2 * m) * L); });
    }
    var value = {
      lrs: lrs, momenta: momenta, rates: rates, mu: mu, L: L, kappa: L / mu, method: method,
      best: [lrs[bj], momenta[bi], rates[bi][bj]],
      optimum: optimum,
      gd_optimum: [2.0 / (mu + L), (L - mu) / (L + mu)],
      boundary: boundary,
      log_steps: logSteps,
    };
    last = { key: key, value: value };
    return value;
  }

  function compute(params) {
    var kappa = params.kappa, method = params.method, n = params.n, point = params.point;
    check(method === "heavy_ball" || method === "nesterov", "method must be 'heavy_ball' or 'nesterov'; got method=" + method);
    check(Number.isInteger(n) && n >= 11 && n <= 401, "n must be an integer in [11, 401]; got n=" + n);
    check(typeof kappa === "number" && isFinite(kappa) && kappa >= 1, "kappa must be >= 1; got kappa=" + kappa);
    check(point && point.length === 2 && isFinite(point[0]) && isFinite(point[1]),
          "point must be two finite numbers (αL, β); got point=" + JSON.stringify(point));
    check(point[0] >= 0 && point[1] >= 0, "point must have αL >= 0 and β >= 0; got point=" + JSON.stringify(point));
    var data = rateMapData(kappa, method, n);
    var rate = rateAt(method, point[0] / data.L, point[1], [data.mu, data.L]);
    var out = {};
    Object.keys(data).forEach(function (k) { out[k] = data[k]; });
    out.point = [point[0], point[1]];
    out.rate = rate;
    out.steps = json(iterationsTo(rate, TOL));
    out.gd_steps = json(iterationsTo(data.gd_optimum[1], TOL));
    return out;
  }

  // -------------------------------------------------------------------------------------- the figure
  // Viridis (matplotlib's default map, which the widget uses), sampled at nine points.
  var VIRIDIS = [[68, 1, 84], [71, 45, 123], [59, 82, 139], [44, 114, 142], [33, 145, 140], [40, 174, 128],
                 [94, 201, 98], [173, 220, 48], [253, 231, 37]];

  function viridis(t) {
    t = Math.min(Math.max(t, 0), 1) * (VIRIDIS.length - 1);
    var i = Math.min(Math.floor(t), VIRIDIS.length - 2), f = t - i, a = VIRIDIS[i], b = VIRIDIS[i + 1];
    return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2]), 255];
  }

  var BLANK = [0, 0, 0, 0];

  function build(ctx) {
    var panel = ml.util.el("div", { class: "ml-panel ml-panel-wide" }, ctx.figure);
    var narrow = (ctx.figure.clientWidth || 600) < 520;
    var map = ml.plot(panel, {
      aspect: narrow ? 0.85 : 0.62, margin: { top: 24, right: 64 },
      x: { domain: [0, 4], label: "step size × largest curvature, αL" },
      y: { domain: [0, 1], label: "momentum β" }, grid: false,
      label: "Map of the convergence rate over step size and momentum, with the stability boundary, " +
        "the optimum and the chosen point",
    });
    // The colour bar, right of the map: log₁₀ of the steps from 0 (1 step) to 4 (10⁴ steps or more).
    var inner = map.inner, barX = inner.left + inner.width + 14, svgEl = ml.util.svgEl;
    var bar = svgEl("g", { class: "ml-colorbar" }, map.svg);
    var defs = svgEl("defs", null, bar), gradId = "ml-viridis-" + Math.random().toString(36).slice(2);
    var grad = svgEl("linearGradient", { id: gradId, x1: 0, x2: 0, y1: 1, y2: 0 }, defs);
    VIRIDIS.forEach(function (c, i) {
      svgEl("stop", { offset: i / (VIRIDIS.length - 1), "stop-color": "rgb(" + c.join(",") + ")" }, grad);
    });
    svgEl("rect", { x: barX, y: inner.top, width: 12, height: inner.height, fill: "url(#" + gradId + ")" }, bar);
    ["1", "10", "100", "1000", "≥10⁴"].forEach(function (label, e) {
      var y = inner.top + inner.height * (1 - e / 4);
      svgEl("line", { class: "ml-frame", x1: barX + 12, x2: barX + 16, y1: y, y2: y }, bar);
      svgEl("text", { class: "ml-tick", x: barX + 18, y: y + 4, text: label }, bar);
    });
    svgEl("text", { class: "ml-tick", x: barX - 4, y: inner.top - 8, text: "steps" }, bar);
    // The key, below the map so that it hides none of it on a phone.
    var key = ml.util.el("p", { class: "ml-help" }, panel);
    key.style.margin = "0.2rem 0 0";
    [["―", "var(--ml-fg)", "stability boundary"], ["★", ml.colors[1], ""], ["●", ml.colors[5], "best gradient descent"],
     ["✕", ml.colors[3], "your choice"]].forEach(function (entry, i) {
      var item = ml.util.el("span", null, key);
      item.style.marginRight = "1rem";
      item.style.whiteSpace = "nowrap";
      var mark = ml.util.el("span", { text: entry[0] + " ", "aria-hidden": "true" }, item);
      mark.style.color = entry[1];
      mark.style.fontWeight = "700";
      var words = ml.util.el("span", { text: entry[2] }, item);
      if (i === 1) words.setAttribute("data-role", "optimum");
    });
    ml.draggable(map, function (x, y) {
      ctx.set({ point: [Math.min(Math.max(Number(x.toFixed(3)), 0.02), 4), Math.min(Math.max(Number(y.toFixed(3)), 0), 0.99)] });
    });
    ctx.state = { map: map, mapKey: null };
  }

  function draw(ctx, result, params) {
    var s = ctx.state, map = s.map, L = result.L, n = result.lrs.length;
    var key = result.kappa + "|" + result.method + "|" + n;
    if (s.mapKey !== key) { // the map, boundary and landmarks change with κ and the method only
      var colours = result.log_steps, dx = (result.lrs[n - 1] - result.lrs[0]) / (n - 1);
      var dy = (result.momenta[n - 1] - result.momenta[0]) / (n - 1);
      map.image("map", n, n, function (i, j) {
        var v = colours[n - 1 - j][i];
        return typeof v === "number" ? viridis(v / 4) : BLANK;
      }, [[(result.lrs[0] - dx / 2) * L, (result.lrs[n - 1] + dx / 2) * L],
          [result.momenta[0] - dy / 2, result.momenta[n - 1] + dy / 2]]);
      map.path("boundary", result.boundary.map(function (a, i) { return [a * L, result.momenta[i]]; }),
               { color: "var(--ml-fg)", width: 1.6 });
      map.points("optimum", [[result.optimum[0] * L, result.optimum[1]]],
                 { r: 9, star: true, color: ml.colors[1], stroke: "#000", layer: map.over });
      map.points("gd", [[result.gd_optimum[0] * L, 0]], { r: 5, color: ml.colors[5], stroke: "#000", layer: map.over });
      var optimum = ctx.figure.querySelector('[data-role="optimum"]');
      if (optimum) optimum.textContent = result.method === "heavy_ball" ? "optimal heavy ball" : "Nesterov's choice α = 1/L";
      s.mapKey = key;
    }
    var x = map.x(result.point[0]), y = map.y(result.point[1]), r = 6;
    map.path("mark", [], {});
    var mark = map.items.mark;
    mark.setAttribute("d", "M" + (x - r) + "," + (y - r) + "L" + (x + r) + "," + (y + r) + "M" + (x - r) + "," + (y + r) + "L" + (x + r) + "," + (y - r));
    mark.setAttribute("stroke", ml.colors[3]);
    mark.setAttribute("stroke-width", 3.5);
    mark.setAttribute("stroke-linecap", "round");
    if (mark.parentNode !== map.over) map.over.appendChild(mark);
  }

  function reach(steps) {
    return steps === "inf" ? "the error never shrinks a million-fold (it diverges or stalls)"
      : "the error shrinks a million-fold in " + steps + " steps";
  }

  // The widget's status line.
  function describe(result, params) {
    return METHODS[result.method] + ", κ = " + fmt(result.kappa) + ". ✕ at αL = " + result.point[0].toFixed(2) +
      ", β = " + result.point[1].toFixed(2) + ": rate " + result.rate.toFixed(4) + "; " + reach(result.steps) +
      ". Optimum ★ at αL = " + (result.optimum[0] * result.L).toFixed(3) + ", β = " + result.optimum[1].toFixed(3) +
      ": rate " + result.optimum[2].toFixed(4) + "; best gradient descent: rate " + result.gd_optimum[1].toFixed(4) +
      ", " + result.gd_steps + " steps.";
  }

  ml.define("rate-map", {
    title: "Rate-map explorer",
    defaults: { kappa: 100.0, method: "heavy_ball", point: [1.0, 0.5], n: 121 },
    controls: [
      { param: "kappa", label: "κ = L/μ", type: "range", scale: "log", min: 1, max: 1000, step: 0.01 },
      { param: "method", label: "method", type: "select", options: [["heavy_ball", "heavy ball"], ["nesterov", "Nesterov"]] },
      { param: "point", index: 0, label: "αL", type: "range", min: 0.02, max: 4, step: 0.01,
        format: function (v) { return v.toFixed(2); } },
      { param: "point", index: 1, label: "β", type: "range", min: 0, max: 0.99, step: 0.01,
        format: function (v) { return v.toFixed(2); } },
    ],
    help: "Click or drag on the map to choose the point (αL, β). Blank: the method diverges there.",
    compute: compute,
    build: build,
    draw: draw,
    describe: describe,
  });
})();
