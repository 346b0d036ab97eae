// Chapter 5's explorer on the page: the local quadratic model of a landscape at a point the reader drags.
//
// compute() is momentum_lab.widgets.hessian.local_quadratic in the browser, with the widget's describe()
// line, the model's contour levels and slices() along the eigenvectors: the same keys and numbers
// (tests/test_explorers.py compares them). NumPy's linear algebra is reproduced operation for operation:
// np.linalg.eigh as LAPACK's dsyevd computes a 2 × 2, np.linalg.solve as OpenBLAS's LU does (with its
// fused multiply-adds), so the eigenvectors and the Newton step agree to the last bit.
(function () {
  "use strict";
  var ml = window.momentumLab;

  // momentum_lab.widgets.hessian.DEFAULT_POINT: a telling point of each landscape.
  var DEFAULT_POINT = {
    bowl: [0.8, -0.6],
    "narrow bowl": [0.8, -0.6],
    valley: [-1.5, 0.2],
    rosenbrock: [-0.5, 1.0],
    saddle: [0.3, 0.6],
  };
  var LANDSCAPE_NAMES = { bowl: "bowl (κ = 10)", "narrow bowl": "narrow bowl (κ = 50)", valley: "curved valley",
                          rosenbrock: "Rosenbrock", saddle: "saddle" };
  var FLAT_TOLERANCE = 1e-9; // hessian.FLAT_TOLERANCE
  var N = 41; // local_quadratic's default grid
  var SLICE_N = 121; // slices' default
  var SHAPE = { // hessian._SHAPE
    "positive definite": "the model is a bowl, curving up in every direction",
    "negative definite": "the model is a dome, curving down in every direction",
    "indefinite": "the model is a saddle, curving up along one eigenvector and down along the other",
    "singular": "the model is flat along an eigenvector, where second derivatives cannot decide",
  };

  // ----------------------------------------------------------------------------- exact float helpers
  // fma(a, b, c) = a·b + c rounded once, as the BLAS kernels NumPy calls compute their dot products on
  // x86-64: the exact product (Veltkamp–Dekker), an exact sum, and the rounding to odd of Boldo and
  // Melquiond (2008), which makes the final rounding the correct one.
  var SPLIT = 134217729; // 2^27 + 1
  var f64 = new Float64Array(1), u32 = new Uint32Array(f64.buffer); // little-endian: u32[0] is the low word

  function twoSum(a, b) {
    var s = a + b, bb = s - a;
    return [s, (a - (s - bb)) + (b - bb)];
  }

  function twoProduct(a, b) {
    var p = a * b, t = SPLIT * a, ah = t - (t - a), al = a - ah;
    t = SPLIT * b;
    var bh = t - (t - b), bl = b - bh;
    return [p, ((ah * bh - p) + ah * bl + al * bh) + al * bl];
  }

  function roundToOdd(a, b) { // a + b rounded to the float with an odd last bit, unless exact
    var s = twoSum(a, b), v = s[0];
    if (s[1] === 0 || !isFinite(v)) return v;
    f64[0] = v;
    if (u32[0] & 1) return v;
    // step one unit in the last place towards the exact sum (away from zero when the error has v's sign)
    var away = (s[1] > 0) === (v > 0);
    var lo = u32[0], hi = u32[1];
    if (away) {
      lo = (lo + 1) >>> 0;
      if (lo === 0) hi = (hi + 1) >>> 0;
    } else {
      if (lo === 0) hi = (hi - 1) >>> 0;
      lo = (lo - 1) >>> 0;
    }
    u32[0] = lo;
    u32[1] = hi;
    return f64[0];
  }

  function fma(a, b, c) {
    var p = twoProduct(a, b);
    if (!isFinite(p[0]) || p[0] === 0 || c === 0 && p[1] === 0) return p[0] + c;
    var t = twoSum(c, p[0]);
    return t[0] + roundToOdd(t[1], p[1]);
  }

  // np.linspace(a, b, n): i · step + a, the last point exactly b.
  function linspace(a, b, n) {
    var delta = b - a, div = n - 1, step = delta / div, y = new Array(n);
    for (var i = 0; i < n; i++) y[i] = step === 0 ? (i / div) * delta + a : i * step + a;
    if (n > 1) y[n - 1] = b;
    return y;
  }

  // np.percentile(values, q) with the default linear method, for q in percent.
  function percentile(sorted, q) {
    var n = sorted.length, v = (n - 1) * (q / 100), prev = Math.floor(v);
    if (v >= n - 1) return sorted[n - 1];
    if (v < 0) return sorted[0];
    var a = sorted[prev], b = sorted[prev + 1], gamma = v - prev, diff = b - a;
    return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
  }

  // ------------------------------------------------------------------- NumPy's 2 × 2 linear algebra
  var EPS = Math.pow(2, -53), EPS2 = EPS * EPS, SAFMIN = Math.pow(2, -1022);

  // LAPACK's dlaev2: eigenvalues rt1 (larger in magnitude), rt2 and the unit eigenvector (cs, sn) of rt1.
  function dlaev2(a, b, c) {
    var sm = a + c, df = a - c, adf = Math.abs(df), tb = b + b, ab = Math.abs(tb), rt, rt1, rt2, sgn1, sgn2;
    var acmx = Math.abs(a) > Math.abs(c) ? a : c, acmn = Math.abs(a) > Math.abs(c) ? c : a;
    if (adf > ab) rt = adf * Math.sqrt(1 + (ab / adf) * (ab / adf));
    else if (adf < ab) rt = ab * Math.sqrt(1 + (adf / ab) * (adf / ab));
    else rt = ab * Math.sqrt(2);
    if (sm < 0) {
      rt1 = 0.5 * (sm - rt);
      sgn1 = -1;
      rt2 = (acmx / rt1) * acmn - (b / rt1) * b;
    } else if (sm > 0) {
      rt1 = 0.5 * (sm + rt);
      sgn1 = 1;
      rt2 = (acmx / rt1) * acmn - (b / rt1) * b;
    } else {
      rt1 = 0.5 * rt;
      rt2 = -0.5 * rt;
      sgn1 = 1;
    }
    var cs = df >= 0 ? df + rt : df - rt, cs1, sn1, tn;
    sgn2 = df >= 0 ? 1 : -1;
    if (Math.abs(cs) > ab) {
      var ct = -tb / cs;
      sn1 = 1 / Math.sqrt(1 + ct * ct);
      cs1 = ct * sn1;
    } else if (ab === 0) {
      cs1 = 1;
      sn1 = 0;
    } else {
      tn = -cs / tb;
      cs1 = 1 / Math.sqrt(1 + tn * tn);
      sn1 = tn * cs1;
    }
    if (sgn1 === sgn2) {
      tn = cs1;
      cs1 = -sn1;
      sn1 = tn;
    }
    return [rt1, rt2, cs1, sn1];
  }

  // np.linalg.eigh of a symmetric [[a, b], [b, c]]: dsyevd → dsteqr with its split tests, dlaev2, the
  // rotation applied to the identity, and the selection sort into ascending order. Returns
  // {values: [λ₁, λ₂], vectors: [[v₁₁, v₁₂], [v₂₁, v₂₂]]} with the eigenvectors as columns, as NumPy.
  function eigh(H) {
    var d1 = H[0][0], e = H[1][0], d2 = H[1][1], Z = [[1, 0], [0, 1]];
    var tst = Math.abs(e);
    var split = tst === 0 || tst <= Math.sqrt(Math.abs(d1)) * Math.sqrt(Math.abs(d2)) * EPS;
    if (!split && Math.max(Math.abs(d1), Math.abs(d2), tst) !== 0) {
      var small = Math.abs(d2) < Math.abs(d1) ? Math.abs(d2) : Math.abs(d1);
      var large = Math.abs(d2) < Math.abs(d1) ? Math.abs(d1) : Math.abs(d2);
      if (!(tst * tst <= EPS2 * small * large + SAFMIN)) {
        var r = dlaev2(d1, e, d2), c = r[2], s = r[3];
        d1 = r[0];
        d2 = r[1];
        Z = [[s * 0 + c * 1, c * 0 - s * 1], [s * 1 + c * 0, c * 1 - s * 0]];
      }
    }
    if (d2 < d1) return { values: [d2, d1], vectors: [[Z[0][1], Z[0][0]], [Z[1][1], Z[1][0]]] };
    return { values: [d1, d2], vectors: Z };
  }

  // np.linalg.solve(A, b) for a 2 × 2: OpenBLAS's dgetf2 (row pivoting, the pivot's reciprocal) and
  // its triangular solves, with the fused multiply-adds of its kernels.
  function solve(A, b) {
    var a00 = A[0][0], a01 = A[0][1], a10 = A[1][0], a11 = A[1][1], b0 = b[0], b1 = b[1], t;
    if (Math.abs(a10) > Math.abs(a00)) {
      t = a00; a00 = a10; a10 = t;
      t = a01; a01 = a11; a11 = t;
      t = b0; b0 = b1; b1 = t;
    }
    var l = a10 * (1 / a00), u11 = a11 - l * a01;
    var x1 = fma(-l, b0, b1) / u11;
    return [fma(-a01, x1, b0) / a00, x1];
  }

  function curvatureKind(lam) {
    var scale = FLAT_TOLERANCE * Math.max(1.0, Math.max(Math.abs(lam[0]), Math.abs(lam[1])));
    if (Math.abs(lam[0]) <= scale || Math.abs(lam[1]) <= scale) return "singular";
    if (lam[0] > 0 && lam[1] > 0) return "positive definite";
    if (lam[0] < 0 && lam[1] < 0) return "negative definite";
    return "indefinite";
  }

  // ------------------------------------------------------------------ Python's number formatting
  // format(x, ".Nf") and format(x, ".Ng") exactly: JavaScript rounds a tie away from zero, Python to
  // even, so a value exactly halfway is detected from its full decimal expansion and rounded to even.
  function tieDown(exact, cut) { // exact digits; true if the digits after cut are 5 then zeros
    var rest = exact.slice(cut);
    return /^50*$/.test(rest);
  }

  function pyFixed(x, digits) {
    if (!isFinite(x)) return isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
    var neg = x < 0 || Object.is(x, -0), a = Math.abs(x), s = a.toFixed(digits);
    var exact = a.toFixed(100), point = exact.indexOf(".");
    if (tieDown(exact.replace(".", ""), point + digits)) {
      var kept = exact.slice(0, point + (digits ? digits + 1 : 0));
      if (Number(kept.slice(-1)) % 2 === 0) s = kept; // the truncated value is the even one
    }
    return (neg ? "-" : "") + s;
  }

  function pyG(x, precision) {
    if (!isFinite(x)) return isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
    var neg = x < 0 || Object.is(x, -0), a = Math.abs(x), p = precision || 1;
    if (a === 0) return (neg ? "-" : "") + "0";
    var m = a.toExponential(p - 1).split("e"), digits = m[0].replace(".", ""), exp = Number(m[1]);
    var full = a.toExponential(100).split("e"), exact = full[0].replace(".", "");
    if (tieDown(exact, p) && Number(exact[p - 1]) % 2 === 0) { // keep the truncated, even digits
      digits = exact.slice(0, p);
      exp = Number(full[1]);
    }
    var body;
    if (exp >= -4 && exp < p) {
      if (exp >= 0) {
        body = digits.slice(0, exp + 1) + (digits.length > exp + 1 ? "." + digits.slice(exp + 1) : "");
      } else {
        body = "0." + "0".repeat(-exp - 1) + digits;
      }
      if (body.indexOf(".") >= 0) body = body.replace(/0+$/, "").replace(/\.$/, "");
    } else {
      var mant = digits[0] + (digits.length > 1 ? "." + digits.slice(1) : "");
      if (mant.indexOf(".") >= 0) mant = mant.replace(/0+$/, "").replace(/\.$/, "");
      body = mant + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
    }
    return (neg ? "-" : "") + body;
  }

  // ------------------------------------------------------------------------------------- the numbers
  function json(x) {
    if (isFinite(x)) return x;
    return isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
  }

  // hessian.describe(frame): the widget's status line.
  function describeFrame(f) {
    var lam = f.eigenvalues, g = f.grad;
    var gnorm = Math.sqrt(fma(g[1], g[1], g[0] * g[0])); // np.linalg.norm: sqrt of OpenBLAS's ddot
    var cond = typeof f.condition === "number" ? pyG(f.condition, 3) : "∞";
    return "at (" + pyFixed(f.point[0], 2) + ", " + pyFixed(f.point[1], 2) + "): λ₁ = " + pyG(lam[0], 3) +
      ", λ₂ = " + pyG(lam[1], 3) + ", |λ|max/|λ|min = " + cond + ", ‖∇f‖ = " + pyG(gnorm, 3) + "; H is " +
      f.kind + ", " + SHAPE[f.kind];
  }

  function compute(params) {
    var key = params.landscape, surface = ml.landscapes.get(key);
    var point = params.point === null || params.point === undefined ? (DEFAULT_POINT[key] || surface.default_start) : params.point;
    if (!point || point.length !== 2 || !isFinite(point[0]) || !isFinite(point[1])) {
      throw new Error("point must be two finite numbers; got point=" + JSON.stringify(point));
    }
    var p = [Number(point[0]), Number(point[1])], b = surface.bounds;
    var r = 0.2 * Math.min(b[0][1] - b[0][0], b[1][1] - b[1][0]);
    var value = surface.value(p), g = surface.grad(p), H0 = surface.hessian(p);
    var H = [[0.5 * (H0[0][0] + H0[0][0]), 0.5 * (H0[0][1] + H0[1][0])],
             [0.5 * (H0[1][0] + H0[0][1]), 0.5 * (H0[1][1] + H0[1][1])]];
    var eig = eigh(H), lam = eig.values, V = eig.vectors;
    for (var i = 0; i < 2; i++) { // a deterministic orientation: the first clearly nonzero entry positive
      var j = Math.abs(V[0][i]) > 1e-12 ? 0 : Math.abs(V[1][i]) > 1e-12 ? 1 : 0;
      if (V[j][i] < 0) {
        V[0][i] = -V[0][i];
        V[1][i] = -V[1][i];
      }
    }
    var kind = curvatureKind(lam), a0 = Math.abs(lam[0]), a1 = Math.abs(lam[1]);
    var condition = kind === "singular" ? Infinity : Math.max(a0, a1) / Math.min(a0, a1);
    var newton = null;
    if (kind !== "singular") {
      var x = solve(H, g);
      newton = [-x[0], -x[1]];
    }

    // The model m(p + d) = f(p) + d·∇f + ½ dᵀHd and f itself on the (N, N) window around p.
    var t = linspace(-r, r, N), win = [], model = [], truth = [], flat = new Float64Array(N * N);
    for (i = 0; i < N; i++) {
      var wrow = [], mrow = [], trow = [], dy = t[i];
      for (j = 0; j < N; j++) {
        var dx = t[j];
        var q = (((dx * H[0][0]) * dx + (dx * H[0][1]) * dy) + (dy * H[1][0]) * dx) + (dy * H[1][1]) * dy;
        var m = (value + fma(dx, g[0], dy * g[1])) + 0.5 * q;
        var w = [p[0] + dx, p[1] + dy];
        wrow.push(w);
        mrow.push(m);
        trow.push(surface.value(w));
        flat[i * N + j] = m;
      }
      win.push(wrow);
      model.push(mrow);
      truth.push(trow);
    }
    var sorted = flat.slice().sort(); // a Float64Array sorts by value
    var lo = percentile(sorted, 2), hi = percentile(sorted, 98);
    var levels = hi > lo ? linspace(lo, hi, 9) : [];

    // slices(frame): f and the model along each eigenvector, and their common scale S.
    var ts = linspace(-r, r, SLICE_N), sTrue = [[], []], sModel = [[], []], scale = 1e-300;
    for (i = 0; i < 2; i++) {
      var v0 = V[0][i], v1 = V[1][i], gv = fma(g[1], v1, g[0] * v0), half = 0.5 * lam[i];
      for (var k = 0; k < SLICE_N; k++) {
        var tk = ts[k];
        var ft = surface.value([p[0] + tk * v0, p[1] + tk * v1]) - value, mt = tk * gv + half * (tk * tk);
        sTrue[i].push(ft);
        sModel[i].push(mt);
      }
    }
    var maxTrue = 0, maxModel = 0;
    for (i = 0; i < 2; i++) {
      for (k = 0; k < SLICE_N; k++) {
        maxTrue = Math.max(maxTrue, Math.abs(sTrue[i][k]));
        maxModel = Math.max(maxModel, Math.abs(sModel[i][k]));
      }
    }
    scale = Math.max(maxTrue, maxModel, scale);

    var frame = {
      landscape: key, point: p, value: value, grad: g, hessian: H, eigenvalues: lam, eigenvectors: V,
      kind: kind, condition: json(condition), radius: r, window: win, model: model, true: truth,
      newton_step: newton,
    };
    frame.describe = describeFrame(frame);
    frame.levels = levels;
    frame.slices = { t: ts, true: sTrue, model: sModel, scale: scale };
    return frame;
  }

  // -------------------------------------------------------------------------------------- the figure

  // The model's dashed isolines on its window: d3-contour's rings without the stretches along the window's
  // edge (the rings close around the grid there), each end held inside the window.
  function isolines(group, values, n, xs, ys, levels, plot) {
    while (group.firstChild) group.removeChild(group.firstChild);
    if (!levels.length) return;
    var dx = (xs[n - 1] - xs[0]) / (n - 1), dy = (ys[n - 1] - ys[0]) / (n - 1), tiny = 1e-9;
    window.d3.contours().size([n, n]).thresholds(levels).smooth(true)(values).forEach(function (shape) {
      var d = "";
      shape.coordinates.forEach(function (polygon) {
        polygon.forEach(function (ring) {
          var pen = false, lastOnEdge = false;
          ring.forEach(function (pt) {
            var onEdge = pt[0] <= tiny || pt[0] >= n - tiny || pt[1] <= tiny || pt[1] >= n - tiny;
            var gx = Math.min(Math.max(pt[0], 0.5), n - 0.5), gy = Math.min(Math.max(pt[1], 0.5), n - 0.5);
            if (onEdge && lastOnEdge) pen = false;
            d += (pen ? "L" : "M") + plot.x(xs[0] + (gx - 0.5) * dx).toFixed(1) + "," + plot.y(ys[0] + (gy - 0.5) * dy).toFixed(1);
            pen = true;
            lastOnEdge = onEdge;
          });
        });
      });
      ml.util.svgEl("path", { d: d, fill: "none", stroke: ml.colors[1], "stroke-width": 1.4, "stroke-dasharray": "5 3" }, group);
    });
  }

  var VECTOR_COLORS = [ml.colors[3], ml.colors[0]]; // q₁ (the smaller λ) vermilion, q₂ blue, as the widget
  var SUB = ["₁", "₂"];

  function build(ctx) {
    var params = ctx.params(), surface = ml.landscapes.get(params.landscape), b = surface.bounds;
    // The point's sliders span this landscape's window, as the widget's do.
    ["point.0", "point.1"].forEach(function (name, axis) {
      var input = ctx.controlsEl.querySelector('input[data-param="' + name + '"]');
      if (input) {
        input.min = b[axis][0];
        input.max = b[axis][1];
        input.value = params.point[axis];
      }
    });
    var left = ml.util.el("div", { class: "ml-panel" }, ctx.figure);
    var right = ml.util.el("div", { class: "ml-panel" }, ctx.figure);
    var grid = ml.landscapes.contourGrid(surface, 96);
    var map = ml.plot(left, {
      title: surface.name, aspect: (b[1][1] - b[1][0]) / (b[0][1] - b[0][0]),
      x: { domain: b[0], label: "x" }, y: { domain: b[1], label: "y" }, grid: false,
      label: "Contour plot of the landscape with the point, the eigenvectors of its Hessian and the contours of the quadratic model",
    });
    map.contours("levels", grid.values, grid.xs, grid.ys, grid.levels);
    var r = 0.2 * Math.min(b[0][1] - b[0][0], b[1][1] - b[1][0]);
    var cut = ml.plot(right, {
      title: "f and its model along the eigenvectors", height: map.height,
      x: { domain: [-r, r], label: "distance t along the eigenvector" },
      y: { domain: [-1.1, 1.6], label: "change of value ÷ S" },
      label: "The change of f and of the model along each eigenvector, divided by a common scale S",
    });
    cut.path("zero", [[-r, 0], [r, 0]], { color: "var(--ml-muted)", width: 0.8, layer: cut.back });
    cut.legend([
      { label: "f along q₁", color: VECTOR_COLORS[0] }, { label: "model along q₁", color: VECTOR_COLORS[0], dash: "2 3" },
      { label: "f along q₂", color: VECTOR_COLORS[1] }, { label: "model along q₂", color: VECTOR_COLORS[1], dash: "2 3" },
    ]);
    ml.draggable(map, function (x, y) {
      ctx.set({ point: [Number(x.toFixed(3)), Number(y.toFixed(3))] });
    });
    ctx.state = { map: map, cut: cut, radius: r, model: null };
  }

  function draw(ctx, result) {
    var s = ctx.state, map = s.map, cut = s.cut, p = result.point, r = result.radius;
    map.path("window", [[p[0] - r, p[1] - r], [p[0] + r, p[1] - r], [p[0] + r, p[1] + r], [p[0] - r, p[1] + r], [p[0] - r, p[1] - r]],
             { color: "var(--ml-muted)", width: 0.8 });
    var xs = result.window[0].map(function (w) { return w[0]; });
    var ys = result.window.map(function (row) { return row[0][1]; });
    var values = [];
    result.model.forEach(function (row) { row.forEach(function (v) { values.push(v); }); });
    if (!s.model) s.model = ml.util.svgEl("g", { class: "ml-model" }, map.front);
    isolines(s.model, values, xs.length, xs, ys, result.levels, map);
    for (var i = 0; i < 2; i++) {
      var v = [result.eigenvectors[0][i], result.eigenvectors[1][i]], tip = [p[0] + 0.75 * r * v[0], p[1] + 0.75 * r * v[1]];
      map.path("q" + i, [[p[0] - 0.75 * r * v[0], p[1] - 0.75 * r * v[1]], tip], { color: VECTOR_COLORS[i], width: 3 });
      map.text("label" + i, tip[0], tip[1], " λ" + SUB[i] + " = " + ml.util.fmt(result.eigenvalues[i]),
               { color: VECTOR_COLORS[i], cls: "ml-halo" });
    }
    map.points("point", [p], { r: 4.5, color: "var(--ml-fg)", stroke: "var(--ml-bg)", layer: map.over });
    var sl = result.slices, S = sl.scale;
    for (i = 0; i < 2; i++) {
      cut.path("true" + i, sl.t.map(function (t, k) { return [t, sl.true[i][k] / S]; }), { color: VECTOR_COLORS[i], width: 2 });
      cut.path("model" + i, sl.t.map(function (t, k) { return [t, sl.model[i][k] / S]; }), { color: VECTOR_COLORS[i], width: 1.6, dash: "2 3" });
    }
    cut.text("scale", cut.inner.left + 6, cut.inner.top + cut.inner.height - 8, "S = " + ml.util.fmt(S, 3), { px: true, cls: "ml-halo" });
  }

  function describe(result, params) {
    var surface = ml.landscapes.get(params.landscape);
    var text = "On the " + surface.name + ", " + result.describe + ".";
    if (result.newton_step) {
      text += " The Newton step −H⁻¹∇f = (" + ml.util.fmt(result.newton_step[0], 3) + ", " + ml.util.fmt(result.newton_step[1], 3) + ").";
    }
    return text;
  }

  ml.define("hessian", {
    title: "Hessian explorer",
    defaults: { landscape: "saddle", point: null },
    controls: [
      { param: "landscape", label: "landscape", type: "select",
        options: Object.keys(DEFAULT_POINT).map(function (k) { return [k, LANDSCAPE_NAMES[k]]; }) },
      // the ranges cover every landscape's window; build() narrows them to the current one
      { param: "point", index: 0, label: "x", type: "range", min: -3.5, max: 3.5, step: 0.01,
        format: function (v) { return v.toFixed(2); } },
      { param: "point", index: 1, label: "y", type: "range", min: -2, max: 3, step: 0.01,
        format: function (v) { return v.toFixed(2); } },
    ],
    help: "Drag on the contour plot to move the point.",
    normalize: function (next, prev) {
      var surface = ml.landscapes.get(next.landscape);
      if ((prev && prev.landscape !== next.landscape) || !next.point) {
        next.point = (DEFAULT_POINT[next.landscape] || surface.default_start).slice();
      }
      return next;
    },
    needsBuild: function (next, prev) { return next.landscape !== prev.landscape; },
    compute: compute,
    build: build,
    draw: draw,
    describe: describe,
  });

  ml.hessianMath = { fma: fma, eigh: eigh, solve: solve, pyG: pyG, pyFixed: pyFixed }; // for tests
})();
