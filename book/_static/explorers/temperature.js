// Chapter 9's explorer on the page: the temperature of the custom loss ℓ = −Σ y log softmax(z / T).
//
// compute() is momentum_lab.widgets.temperature.explore_temperature in the browser (same keys, same
// numbers: tests/test_explorers.py compares them), computed as the library computes it: the log-sum-exp
// form of categorical_crossentropy on z / T, and the tape's backward sweep through it, rule by rule.
// The figure shows, against T on a log scale, the softened probabilities, the loss and its gradient
// with respect to the logits, with the chosen T marked.
(function () {
  "use strict";
  var ml = window.momentumLab;
  var fmt = ml.util.fmt, el = ml.util.el, svgEl = ml.util.svgEl;

  // momentum_lab.widgets.temperature: T_RANGE, the grid's size, and LOSS_LIMITS.
  var T_MIN = 0.05, T_MAX = 20.0, N = 121;
  var LOSS_LIMITS = [1e-4, 1e3];
  var DASHES = ["none", "7 4", "9 3 2 3", "2 3"];

  // np.geomspace(t_min, t_max, n): 10 ** linspace(log10 t_min, log10 t_max, n), its ends set exactly.
  function geomspace(lo, hi, n) {
    var a = Math.log10(lo), b = Math.log10(hi), step = (b - a) / (n - 1), out = [];
    for (var i = 0; i < n; i++) out.push(Math.pow(10, i * step + a));
    out[0] = lo;
    out[n - 1] = hi;
    return out;
  }

  // One temperature: the forward pass of categorical_crossentropy(one_hot(label), z / T, from_logits=True)
  // (x = z / T; lse = log Σ exp(x − max x) + max x; loss = −Σ y (x − lse)), then the tape's backward
  // sweep: the cotangent of x is −y from the subtraction plus exp(x − lse) from log-sum-exp, and the
  // division by T sends it back to z divided by T. softmax(z / T) is exp(x − lse), as ad.softmax has it.
  function atTemperature(z, T, label) {
    var C = z.length, x = [], m = -Infinity, c;
    for (c = 0; c < C; c++) {
      x.push(z[c] / T);
      if (x[c] > m) m = x[c];
    }
    var s = 0;
    for (c = 0; c < C; c++) s += Math.exp(x[c] - m);
    var lse = Math.log(s) + m;
    var total = 0, p = [], g = [];
    for (c = 0; c < C; c++) {
      var y = c === label ? 1.0 : 0.0;
      total += y * (x[c] - lse);
      p.push(Math.exp(x[c] - lse));
      g.push((-y + p[c]) / T);
    }
    return { loss: -total, gradient: g, probabilities: p };
  }

  function checkParams(params) {
    var T = params.temperature, z = params.logits, label = params.label;
    if (typeof T !== "number" || !(T > 0) || !isFinite(T)) throw new Error("temperature must be > 0; got temperature=" + T);
    if (!Array.isArray(z) || z.length < 2 || !z.every(function (v) { return typeof v === "number" && isFinite(v); })) {
      throw new Error("logits must hold at least two finite numbers; got logits=" + JSON.stringify(z));
    }
    if (label !== Math.floor(label) || label < 0 || label >= z.length) {
      throw new Error("label must be in [0, " + (z.length - 1) + "]; got label=" + label);
    }
  }

  // The grid with the chosen temperature inserted where np.searchsorted puts it (before equal values),
  // and every quantity at each of its temperatures; row `index` is the chosen one.
  function compute(params) {
    checkParams(params);
    var z = params.logits.slice(), label = params.label, T = params.temperature;
    var temperatures = geomspace(T_MIN, T_MAX, N), index = 0;
    while (index < temperatures.length && temperatures[index] < T) index++;
    temperatures.splice(index, 0, T);
    var curves = { loss: [], gradient: [], probabilities: [] };
    temperatures.forEach(function (t) {
      var r = atTemperature(z, t, label);
      curves.loss.push(r.loss);
      curves.gradient.push(r.gradient);
      curves.probabilities.push(r.probabilities);
    });
    return { temperature: T, label: label, logits: z, temperatures: temperatures, index: index, curves: curves };
  }

  function at(result) {
    var k = result.index;
    return { loss: result.curves.loss[k], gradient: result.curves.gradient[k],
             probabilities: result.curves.probabilities[k] };
  }

  // ---------------------------------------------------------------------------------------- figure
  function gradientLimit(result) {
    var top = 1e-3;
    result.curves.gradient.forEach(function (row) {
      row.forEach(function (v) { top = Math.max(top, Math.abs(v)); });
    });
    return 1.08 * top;
  }

  function className(c) { return "class " + (c + 1); }

  function build(ctx) {
    var params = ctx.params(), C = params.logits.length;
    var key = el("div", { class: "ml-help", style: "display:flex;flex-wrap:wrap;gap:0.3rem 1rem;width:100%;margin:0",
                          "aria-hidden": "true" }, ctx.figure);
    var keyLabels = [];
    for (var c = 0; c < C; c++) {
      var item = el("span", { style: "display:inline-flex;align-items:center;gap:0.35rem" }, key);
      var swatch = svgEl("svg", { width: 26, height: 10 }, item);
      svgEl("line", { x1: 1, x2: 25, y1: 5, y2: 5, stroke: ml.colors[c], "stroke-width": 2.5,
                      "stroke-dasharray": DASHES[c % DASHES.length] }, swatch);
      keyLabels.push(el("span", { text: className(c) }, item));
    }
    var panels = [0, 1, 2].map(function () { return el("div", { class: "ml-panel" }, ctx.figure); });
    var x = { domain: [T_MIN, T_MAX], scale: "log", label: "temperature T" };
    var height = 230;
    var prob = ml.plot(panels[0], { title: "softmax(z / T)", height: height, x: x, y: { domain: [-0.03, 1.03] },
                                    label: "Softened probabilities of each class against the temperature" });
    var loss = ml.plot(panels[1], { title: "loss ℓ", height: height, x: x, y: { domain: LOSS_LIMITS, scale: "log" },
                                    label: "The loss against the temperature, on log scales" });
    var grad = ml.plot(panels[2], { title: "gradient ∂ℓ/∂z", height: height, x: x, y: { domain: [-1, 1] },
                                    label: "The gradient of the loss with respect to each logit against the temperature" });
    ctx.state = { prob: prob, loss: loss, grad: grad, limit: null, keyLabels: keyLabels };
  }

  function column(rows, c) {
    return rows.map(function (row) { return row[c]; });
  }

  function draw(ctx, result, params) {
    var s = ctx.state, T = result.temperature, Ts = result.temperatures, C = result.logits.length, now = at(result);
    var limit = gradientLimit(result);
    if (limit !== s.limit) {
      s.grad.setDomain("y", [-limit, limit]);
      s.limit = limit;
    }
    s.grad.path("zero", [[T_MIN, 0], [T_MAX, 0]], { color: "var(--ml-frame)", width: 1, layer: s.grad.back });
    [s.prob, s.loss, s.grad].forEach(function (p) {
      var d = p.y.domain;
      p.path("now", [[T, d[0]], [T, d[1]]], { color: "var(--ml-muted)", width: 1, dash: "2 3", layer: p.back });
    });
    for (var c = 0; c < C; c++) {
      var style = { color: ml.colors[c], width: c === result.label ? 3 : 1.7, dash: DASHES[c % DASHES.length] };
      var p = column(result.curves.probabilities, c), g = column(result.curves.gradient, c);
      s.prob.path("p" + c, Ts.map(function (t, k) { return [t, p[k]]; }), style);
      s.grad.path("g" + c, Ts.map(function (t, k) { return [t, g[k]]; }), style);
      s.prob.points("pt" + c, [[T, now.probabilities[c]]], { r: 4.5, color: ml.colors[c], stroke: "var(--ml-bg)" });
      s.grad.points("gt" + c, [[T, now.gradient[c]]], { r: 4.5, color: ml.colors[c], stroke: "var(--ml-bg)" });
      s.keyLabels[c].textContent = className(c) + (c === result.label ? " (true)" : "");
    }
    s.loss.path("loss", Ts.map(function (t, k) { return [t, result.curves.loss[k]]; }), { color: "var(--ml-fg)", width: 2 });
    s.loss.points("lt", [[T, now.loss]], { r: 4.5, color: "var(--ml-fg)", stroke: "var(--ml-bg)" });
    s.loss.text("value", s.loss.inner.left + s.loss.inner.width - 6, s.loss.inner.top + 16,
                "T = " + fmt(T, 3) + ": ℓ = " + fmt(now.loss, 3), { px: true, anchor: "end", cls: "ml-halo" });
  }

  function vector(values) {
    return "(" + values.map(function (v) { return fmt(v, 3); }).join(", ") + ")";
  }

  function describe(result) {
    var now = at(result);
    return "Temperature T = " + fmt(result.temperature, 3) + ", logits z = " + vector(result.logits) + ", true " +
      className(result.label) + ": softened probabilities softmax(z / T) = " + vector(now.probabilities) +
      ", loss ℓ = " + fmt(now.loss, 3) + ", gradient ∂ℓ/∂z = " + vector(now.gradient) + ".";
  }

  function logitControl(c) {
    return { param: "logits", index: c, label: "logit z" + "₁₂₃"[c], type: "range", min: -5, max: 5, step: 0.1,
             format: function (v) { return v.toFixed(1).replace("-", "−"); } };
  }

  ml.define("temperature", {
    title: "Temperature explorer",
    defaults: { temperature: 0.6, label: 0, logits: [2.0, 0.5, -1.0] },
    controls: [
      { param: "temperature", label: "temperature T", type: "range", scale: "log", min: T_MIN, max: T_MAX, step: 0.005,
        format: function (v) { return fmt(v, 3); } },
      { param: "label", label: "true class", type: "select", options: [[0, "class 1"], [1, "class 2"], [2, "class 3"]] },
      logitControl(0), logitControl(1), logitControl(2),
    ],
    compute: compute,
    build: build,
    draw: draw,
    describe: describe,
  });
})();
