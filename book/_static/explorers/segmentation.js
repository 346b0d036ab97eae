// Chapter 8's explorer on the page: a predicted disc against a true disc, and four overlap losses.
//
// compute() is momentum_lab.widgets.losses.explore_segmentation in the browser: the same keys and the
// same numbers (tests/test_explorers.py compares them). The sums are NumPy's: np.sum adds float64 arrays
// pairwise (blocks of 8 partial sums, halves above 128 elements), and momentum_lab.losses sums one axis at
// a time, the last axis first, so TP = Σ p·g of the counts (one pairwise sum over the image) and the TP
// inside each loss (row sums, then their sum) are added in different orders, as in the library.
(function () {
  "use strict";
  var ml = window.momentumLab;
  var fmt = ml.util.fmt;
  var LOSSES = ["dice", "jaccard", "tversky", "focal tversky"]; // SEGMENTATION_LOSSES
  var RADII = 65; // explore_segmentation's default sweep: np.linspace(0, size / 2, 65)

  // NumPy's pairwise summation of a[off], a[off + 1], ..., a[off + n − 1] (numpy/_core/src/umath/loops_utils.h).
  function pairwise(a, off, n) {
    var i, res;
    if (n < 8) {
      res = 0.0;
      for (i = 0; i < n; i++) res += a[off + i];
      return res;
    }
    if (n <= 128) {
      var r0 = a[off], r1 = a[off + 1], r2 = a[off + 2], r3 = a[off + 3];
      var r4 = a[off + 4], r5 = a[off + 5], r6 = a[off + 6], r7 = a[off + 7];
      var m = n - (n % 8);
      for (i = 8; i < m; i += 8) {
        r0 += a[off + i]; r1 += a[off + i + 1]; r2 += a[off + i + 2]; r3 += a[off + i + 3];
        r4 += a[off + i + 4]; r5 += a[off + i + 5]; r6 += a[off + i + 6]; r7 += a[off + i + 7];
      }
      res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
      for (; i < n; i++) res += a[off + i];
      return res;
    }
    var n2 = Math.floor(n / 2);
    n2 -= n2 % 8;
    return pairwise(a, off, n2) + pairwise(a, off + n2, n - n2);
  }

  // momentum_lab.losses.segmentation._sum_over with axis=None on a size × size image: each row, then the rows.
  function sumRowsThenColumn(a, size, rows) {
    for (var r = 0; r < size; r++) rows[r] = pairwise(a, r * size, size);
    return pairwise(rows, 0, size);
  }

  // momentum_lab.widgets.losses.disc_probabilities for one disc, into out (row-major).
  function disc(out, size, cy, cx, radius, softness) {
    for (var i = 0; i < size; i++) {
      var dy = i - cy, dy2 = dy * dy;
      for (var j = 0; j < size; j++) {
        var dx = j - cx, d = Math.sqrt(dy2 + dx * dx);
        if (softness > 0) {
          out[i * size + j] = 1.0 / (1.0 + Math.exp(-(radius - d) / softness));
        } else {
          out[i * size + j] = (d <= radius ? 1.0 : 0.0) * (radius > 0 ? 1 : 0);
        }
      }
    }
    return out;
  }

  // momentum_lab.losses.segmentation._score: numerator / denominator, and 1 where the denominator is 0.
  function score(numerator, denominator) {
    return denominator > 0 ? numerator / denominator : 1.0;
  }

  // The four losses of one prediction p against the mask g, as momentum_lab.losses computes them.
  function overlapLosses(g, p, size, alpha, beta, gamma, s, scratch) {
    var n = size * size, pg = scratch.pg, pq = scratch.pq, qg = scratch.qg, rows = scratch.rows;
    for (var k = 0; k < n; k++) {
      pg[k] = p[k] * g[k];
      pq[k] = p[k] * (1.0 - g[k]);
      qg[k] = (1.0 - p[k]) * g[k];
    }
    var inter = sumRowsThenColumn(pg, size, rows);
    var sumP = sumRowsThenColumn(p, size, rows), sumG = sumRowsThenColumn(g, size, rows);
    var fp = sumRowsThenColumn(pq, size, rows), fn = sumRowsThenColumn(qg, size, rows);
    var dice = 1.0 - score(2.0 * inter + s, sumP + sumG + s);
    var jaccard = 1.0 - score(inter + s, sumP + sumG - inter + s);
    var ti = score(inter + s, inter + alpha * fp + beta * fn + s);
    var base = 1.0 - ti;
    var focal = base > 0 ? Math.exp(Math.log(base) / gamma) : 0.0;
    return { dice: dice, jaccard: jaccard, tversky: 1.0 - ti, "focal tversky": focal };
  }

  function toRows(a, size) {
    var out = new Array(size);
    for (var i = 0; i < size; i++) out[i] = Array.prototype.slice.call(a, i * size, (i + 1) * size);
    return out;
  }

  var memo = { key: null, value: null };

  function compute(params) {
    var size = params.size, s = params.smooth, shift = params.shift, radius = params.radius;
    var softness = params.softness, alpha = params.alpha, beta = params.beta, gamma = params.gamma;
    var c = (size - 1) / 2, n = size * size;
    var scratch = { pg: new Float64Array(n), pq: new Float64Array(n), qg: new Float64Array(n), rows: new Float64Array(size) };
    var g = disc(new Float64Array(n), size, c, c, params.true_radius, 0.0);
    var p = disc(new Float64Array(n), size, c, c + shift, radius, softness);
    for (var k = 0; k < n; k++) {
      scratch.pg[k] = p[k] * g[k];
      scratch.pq[k] = p[k] * (1 - g[k]);
      scratch.qg[k] = (1 - p[k]) * g[k];
    }
    var tp = pairwise(scratch.pg, 0, n), fp = pairwise(scratch.pq, 0, n), fn = pairwise(scratch.qg, 0, n);
    var losses = overlapLosses(g, p, size, alpha, beta, gamma, s, scratch);
    // The sweep over radii does not depend on the predicted radius: keep the last one.
    var key = [size, s, shift, softness, alpha, beta, gamma, params.true_radius].join(",");
    if (memo.key !== key) {
      var radii = new Array(RADII), sweep = {}, q = new Float64Array(n), step = (size / 2 - 0.0) / (RADII - 1);
      LOSSES.forEach(function (name) { sweep[name] = new Array(RADII); });
      for (var i = 0; i < RADII; i++) {
        radii[i] = i * step + 0.0;
        if (i === RADII - 1) radii[i] = size / 2;
        var l = overlapLosses(g, disc(q, size, c, c + shift, radii[i], softness), size, alpha, beta, gamma, s, scratch);
        LOSSES.forEach(function (name) { sweep[name][i] = l[name]; });
      }
      memo = { key: key, value: { radii: radii, sweep: sweep } };
    }
    return {
      g: toRows(g, size), p: toRows(p, size), tp: tp, fp: fp, fn: fn, losses: losses,
      radii: memo.value.radii.slice(), sweep: ml.util.clone(memo.value.sweep),
      radius: radius, true_radius: params.true_radius,
      params: { alpha: alpha, beta: beta, gamma: gamma, smooth: s },
    };
  }

  // ------------------------------------------------------------------------------------- the figure
  function rgbOf(root, variable) {
    var probe = ml.util.el("span", null, root);
    probe.style.color = "var(" + variable + ")";
    var m = getComputedStyle(probe).color.match(/\d+(\.\d+)?/g) || [0, 0, 0];
    root.removeChild(probe);
    return [Number(m[0]), Number(m[1]), Number(m[2])];
  }

  function hideAxisNumbers(plot) {
    Array.prototype.slice.call(plot.axes.querySelectorAll(".ml-tick, .ml-grid")).forEach(function (node) {
      node.parentNode.removeChild(node);
    });
  }

  function build(ctx) {
    var params = ctx.params(), size = params.size;
    var left = ml.util.el("div", { class: "ml-panel" }, ctx.figure);
    var middle = ml.util.el("div", { class: "ml-panel" }, ctx.figure);
    var right = ml.util.el("div", { class: "ml-panel" }, ctx.figure);
    // The overlap and the sweep side by side (stacked on a phone), the bars across the width under them.
    left.style.flex = "1 1 200px";
    middle.style.flex = "2 1 300px";
    right.style.flex = "1 1 100%";
    var image = ml.plot(left, {
      title: "prediction vs true disc", aspect: 1, grid: false,
      margin: { left: 14, right: 14, bottom: 30 },
      x: { domain: [-0.5, size - 0.5], label: "TP green · FP orange · FN blue" }, y: { domain: [-0.5, size - 0.5] },
      label: "The predicted mask against the true mask: true positives, false positives and false negatives",
    });
    hideAxisNumbers(image);
    var sweep = ml.plot(middle, {
      title: "loss vs predicted radius", height: image.height,
      x: { domain: [0, size / 2], label: "predicted radius (dotted: true radius)" }, y: { domain: [-0.03, 1.03], label: "loss" },
      label: "Each loss against the predicted radius, with the current radius marked",
    });
    sweep.legend(LOSSES.map(function (name, i) { return { label: name, color: ml.colors[i], dash: DASHES[i] }; }));
    var bars = ml.plot(right, {
      title: "losses now", height: 190, grid: true, margin: { bottom: 30 },
      x: { domain: [0, LOSSES.length] }, y: { domain: [0, 1.05], label: "loss" },
      label: "The four losses of the current prediction, as bars",
    });
    Array.prototype.slice.call(bars.axes.querySelectorAll(".ml-tick")).forEach(function (node) {
      if (Number(node.getAttribute("y")) > bars.inner.top + bars.inner.height) node.parentNode.removeChild(node);
    });
    LOSSES.forEach(function (name, i) {
      ml.util.svgEl("text", { class: "ml-tick", x: bars.x(i + 0.5), y: bars.inner.top + bars.inner.height + 16,
                              "text-anchor": "middle", text: name.replace("focal tversky", "focal T.") }, bars.axes);
    });
    var colours = { tp: rgbOf(ctx.root, "--ml-c2"), fp: rgbOf(ctx.root, "--ml-c1"), fn: rgbOf(ctx.root, "--ml-c0"),
                    tn: rgbOf(ctx.root, "--ml-bg") };
    ctx.state = { image: image, sweep: sweep, bars: bars, colours: colours, sweepKey: null, size: size };
    watchTheme(ctx);
  }

  // Rebuild when the page switches between the light and dark themes (the image's colours are baked in).
  function watchTheme(ctx) {
    if (ctx.themeWatched || !window.MutationObserver) return;
    ctx.themeWatched = true;
    new MutationObserver(function () { ctx.rebuild(); })
      .observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
  }

  var DASHES = ["none", "7 4", "2 3", "8 3 2 3"]; // momentum_lab.plotting.LINESTYLES

  function draw(ctx, result, params) {
    var s = ctx.state, size = result.g.length, col = s.colours;
    s.image.image("overlap", size, size, function (i, j) {
      var g = result.g[j][i], p = result.p[j][i], out = [0, 0, 0];
      for (var k = 0; k < 3; k++) {
        out[k] = Math.round(g * p * col.tp[k] + (1 - g) * p * col.fp[k] + g * (1 - p) * col.fn[k] + (1 - g) * (1 - p) * col.tn[k]);
      }
      return out;
    }, [[-0.5, size - 0.5], [-0.5, size - 0.5]]);
    var key = JSON.stringify(result.sweep);
    if (s.sweepKey !== key) {
      LOSSES.forEach(function (name, i) {
        s.sweep.path("curve:" + name, result.radii.map(function (r, k) { return [r, result.sweep[name][k]]; }),
                     { color: ml.colors[i], width: 2, dash: DASHES[i], layer: s.sweep.back });
      });
      s.sweepKey = key;
    }
    s.sweep.path("truth", [[result.true_radius, -0.03], [result.true_radius, 1.03]], { color: "var(--ml-muted)", width: 1, dash: "2 3" });
    LOSSES.forEach(function (name, i) {
      s.sweep.points("dot:" + name, [[result.radius, result.losses[name]]], { r: 4.5, color: ml.colors[i], stroke: "var(--ml-bg)" });
      var v = result.losses[name];
      s.bars.path("bar:" + name, [[i + 0.5, 0], [i + 0.5, v]], { color: ml.colors[i], width: Math.max(8, 0.55 * s.bars.inner.width / LOSSES.length) });
      s.bars.text("value:" + name, i + 0.5, Math.min(v, 0.97) + 0.03, v.toFixed(3), { anchor: "middle" });
    });
  }

  function describe(result) {
    var p = result.params;
    return "TP = " + fmt(result.tp, 4) + ", FP = " + fmt(result.fp, 4) + ", FN = " + fmt(result.fn, 4) +
      " (predicted radius " + fmt(result.radius, 3) + ", true radius " + fmt(result.true_radius, 3) +
      "); losses: " + LOSSES.map(function (name) { return name + " " + result.losses[name].toFixed(3); }).join(", ") +
      "; α = " + fmt(p.alpha, 3) + ", β = " + fmt(p.beta, 3) + ", γ = " + fmt(p.gamma, 3) + ".";
  }

  function slider(param, label, min, max, step) {
    return { param: param, label: label, type: "range", min: min, max: max, step: step,
             format: function (v) { return v.toFixed(2); } };
  }

  ml.define("segmentation", {
    title: "Segmentation-loss explorer",
    defaults: { shift: 0.0, radius: 8.0, softness: 0.0, alpha: 0.3, beta: 0.7, gamma: 4 / 3, true_radius: 8.0,
                size: 32, smooth: 1.0 },
    // The notebook widget's sliders, for its 32 × 32 image.
    controls: [
      slider("radius", "predicted radius", 0, 16, 0.25),
      slider("shift", "shift", -12, 12, 0.5),
      slider("softness", "edge softness", 0, 4, 0.1),
      slider("true_radius", "true radius", 0, 14, 0.5),
      slider("alpha", "α (FP)", 0, 1, 0.05),
      slider("beta", "β (FN)", 0.05, 1, 0.05),  // α = β = 0 would score every prediction 1
      slider("gamma", "γ (focal)", 0.5, 3, 0.05),
    ],
    needsBuild: function (next, prev) { return next.size !== prev.size; },
    compute: compute,
    build: build,
    draw: draw,
    describe: describe,
  });
})();
