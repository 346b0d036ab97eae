// Momentum Lab: the landscapes, the optimizers and the run of the landscape explorers, in the browser.
//
// A port of momentum_lab/landscapes.py, of GradientDescent and ClassicalMomentum in
// momentum_lab/optim.py (trajectory's divergence cut included) and of landscape_run in
// momentum_lab/widgets/_base.py. Every formula keeps NumPy's order of operations, so a run here equals
// the library's run to the last bit or two (tests/test_explorers.py compares them). The landscapes'
// parameters (the bowls' matrices, the minimum values) come from the library itself, written into
// data/landscapes.js at build time.
(function () {
  "use strict";
  var ml = (window.momentumLab = window.momentumLab || {});

  // ------------------------------------------------------------------------------ 2 × 2 linear algebra
  // Eigenvalues of a symmetric [[a, b], [b, c]], ascending. The larger-magnitude root comes from the
  // quadratic formula and the other from det / root, so neither loses digits to cancellation.
  function eigvalsh2(H) {
    var a = H[0][0], b = H[0][1], c = H[1][1];
    var mean = 0.5 * (a + c), half = 0.5 * (a - c);
    var d = Math.sqrt(half * half + b * b);
    var big = mean >= 0 ? mean + d : mean - d;
    var det = a * c - b * b;
    var small = big === 0 ? 0 : det / big;
    return big >= small ? [small, big] : [big, small];
  }

  // Eigen-decomposition of a symmetric 2 × 2: values ascending, vectors[i] the unit vector of values[i].
  function eigh2(H) {
    var values = eigvalsh2(H), a = H[0][0], b = H[0][1], c = H[1][1];
    var vectors = values.map(function (lam) {
      // (A − λI) v = 0: take the better-conditioned row.
      var v = Math.abs(a - lam) >= Math.abs(c - lam) ? [-b, a - lam] : [c - lam, -b];
      var n = Math.hypot(v[0], v[1]);
      if (n === 0) {
        return lam === values[0] ? [1, 0] : [0, 1];
      }
      return [v[0] / n, v[1] / n];
    });
    return { values: values, vectors: vectors };
  }

  ml.linalg = { eigvalsh2: eigvalsh2, eigh2: eigh2 };

  // ---------------------------------------------------------------------------------------- landscapes
  function quadratic(d) {
    var A = d.A, b = d.b;
    return {
      value: function (p) {
        var x = p[0], y = p[1];
        var quad = x * (A[0][0] * x + A[0][1] * y) + y * (A[1][0] * x + A[1][1] * y);
        return 0.5 * quad - (x * b[0] + y * b[1]);
      },
      grad: function (p) {
        var x = p[0], y = p[1];
        return [x * A[0][0] + y * A[1][0] - b[0], x * A[0][1] + y * A[1][1] - b[1]];
      },
      hessian: function () {
        return [[A[0][0], A[0][1]], [A[1][0], A[1][1]]];
      },
    };
  }

  function valley(d) {
    var a = d.a, c = d.c, s = d.s;
    return {
      value: function (p) {
        var x = p[0], r = p[1] - s * Math.sin(p[0]);
        return 0.5 * (a * (x * x) + c * (r * r));
      },
      grad: function (p) {
        var x = p[0], r = p[1] - s * Math.sin(p[0]);
        return [a * x - c * r * s * Math.cos(x), c * r];
      },
      hessian: function (p) {
        var x = p[0], r = p[1] - s * Math.sin(p[0]);
        var cx = Math.cos(x), sx = Math.sin(x);
        var hxx = a + c * ((s * s) * (cx * cx) + r * s * sx);
        var hxy = -c * s * cx;
        return [[hxx, hxy], [hxy, c]];
      },
    };
  }

  function rosenbrock(d) {
    var a = d.a, b = d.b;
    return {
      value: function (p) {
        var x = p[0], y = p[1], u = a - x, w = y - x * x;
        return u * u + b * (w * w);
      },
      grad: function (p) {
        var x = p[0], y = p[1], w = y - x * x;
        return [-2 * (a - x) - 4 * b * x * w, 2 * b * w];
      },
      hessian: function (p) {
        var x = p[0], y = p[1];
        var hxx = 2 - 4 * b * (y - x * x) + 8 * b * (x * x);
        var hxy = -4 * b * x;
        return [[hxx, hxy], [hxy, 2 * b]];
      },
    };
  }

  function saddle(d) {
    var c = d.c;
    return {
      value: function (p) {
        var x = p[0], y = p[1];
        return 0.25 * Math.pow(x, 4) - 0.5 * (x * x) + 0.5 * c * (y * y);
      },
      grad: function (p) {
        var x = p[0];
        return [Math.pow(x, 3) - x, c * p[1]];
      },
      hessian: function (p) {
        var x = p[0];
        return [[3 * (x * x) - 1, 0], [0, c]];
      },
    };
  }

  var KINDS = { quadratic: quadratic, valley: valley, rosenbrock: rosenbrock, saddle: saddle };
  var cache = {};

  function get(key) {
    if (cache[key]) {
      return cache[key];
    }
    var all = (ml.data && ml.data.landscapes) || {};
    var d = all[key];
    if (!d) {
      throw new Error("landscape must be one of " + Object.keys(all).join(", ") + "; got " + JSON.stringify(key));
    }
    var f = KINDS[d.kind](d);
    var surface = {
      key: key, name: d.name, kind: d.kind, bounds: d.bounds, default_start: d.default_start,
      minimizers: d.minimizers, minimum: d.minimum, saddle: d.saddle || null,
      value: f.value, grad: f.grad, hessian: f.hessian,
    };
    cache[key] = surface;
    return surface;
  }

  // The contour background of a landscape explorer: log-spaced levels of f − min f + 1e-3 over the
  // plot window on an n × n grid, as momentum_lab.plotting.contour draws them; `top` is the largest gap
  // f − f* in the window (the loss plots' upper limit).
  function contourGrid(surface, n) {
    var b = surface.bounds, xs = [], ys = [], values = new Float64Array(n * n), lo = Infinity, hi = -Infinity;
    for (var i = 0; i < n; i++) {
      xs.push(b[0][0] + (i * (b[0][1] - b[0][0])) / (n - 1));
      ys.push(b[1][0] + (i * (b[1][1] - b[1][0])) / (n - 1));
    }
    for (var j = 0; j < n; j++) {
      for (i = 0; i < n; i++) {
        var v = surface.value([xs[i], ys[j]]);
        values[j * n + i] = v;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    for (var k = 0; k < values.length; k++) values[k] = Math.log10(values[k] - lo + 1e-3);
    var a = Math.log10(1e-3), c = Math.log10(hi - lo + 1e-3), levels = [];
    for (k = 0; k < 30; k++) levels.push(a + ((k + 0.5) * (c - a)) / 30);
    return { xs: xs, ys: ys, values: values, levels: levels, top: hi - surface.minimum };
  }

  ml.landscapes = {
    get: get,
    contourGrid: contourGrid,
    keys: function () {
      return Object.keys((ml.data && ml.data.landscapes) || {});
    },
  };

  // ---------------------------------------------------------------------------------------- optimizers
  // Each optimizer updates x in place from its gradient g, in the order of the library's _update.
  function gradientDescent(lr) {
    return {
      lr: lr,
      label: "gradient descent",
      step: function (x, g) {
        for (var i = 0; i < x.length; i++) {
          x[i] = x[i] - g[i] * lr;
        }
      },
    };
  }

  function classicalMomentum(lr, beta, nesterov) {
    var v = null;
    return {
      lr: lr,
      label: nesterov ? "Nesterov" : "heavy ball",
      step: function (x, g) {
        if (v === null) {
          v = x.map(function () { return 0; });
        }
        for (var i = 0; i < x.length; i++) {
          var s0 = g[i] * lr;
          v[i] = v[i] * beta + s0;
          x[i] = nesterov ? x[i] - (v[i] * beta + s0) : x[i] - v[i];
        }
      },
    };
  }

  var DIVERGENCE_NORM = 1e100; // momentum_lab.optim.DIVERGENCE_NORM
  var RUNAWAY = 1e9; // momentum_lab.widgets._base.RUNAWAY
  var CONVERGED = 1e-12; // momentum_lab.widgets._base.CONVERGED

  // trajectory(): iterates until the norm passes DIVERGENCE_NORM or stops being finite.
  function trajectory(grad, x0, optimizer, steps) {
    var x = x0.slice(), path = [x0.slice()], blewUp = false;
    for (var k = 0; k < steps; k++) {
      optimizer.step(x, grad(x));
      var norm = 0, finite = true;
      for (var i = 0; i < x.length; i++) {
        finite = finite && isFinite(x[i]);
        norm += x[i] * x[i];
      }
      if (!finite || Math.sqrt(norm) > DIVERGENCE_NORM) {
        blewUp = true;
        break;
      }
      path.push(x.slice());
    }
    return { path: path, blewUp: blewUp };
  }

  // landscape_run(): the run, cut where it runs away, and its verdict.
  function landscapeRun(surface, optimizer, x0, steps, lrLimit) {
    var run = trajectory(surface.grad, x0, optimizer, steps);
    var path = run.path, diverged = run.blewUp;
    var losses = path.map(surface.value);
    var fmin = surface.minimum, gap0 = losses[0] - fmin;
    var bound = RUNAWAY * Math.max(gap0, 1.0);
    for (var k = 0; k < losses.length; k++) {
      if (!isFinite(losses[k]) || losses[k] - fmin > bound) {
        var cut = Math.max(k, 1);
        path = path.slice(0, cut);
        losses = losses.slice(0, cut);
        diverged = true;
        break;
      }
    }
    var last = losses[losses.length - 1] - fmin;
    diverged = diverged || last > gap0;
    var status;
    if (diverged) {
      status = "diverges";
    } else if (lrLimit !== undefined && lrLimit !== null && optimizer.lr >= lrLimit) {
      status = "oscillates";
    } else if (last <= CONVERGED * Math.max(gap0, 1.0)) {
      status = "converged";
    } else {
      status = "converging";
    }
    return { path: path, losses: losses, diverged: diverged, status: status };
  }

  // The largest stable step size 2 / L at the (first) minimum, L its largest Hessian eigenvalue.
  function curvatureAtMinimum(surface) {
    return eigvalsh2(surface.hessian(surface.minimizers[0]))[1];
  }

  ml.optim = {
    gradientDescent: gradientDescent,
    classicalMomentum: classicalMomentum,
    trajectory: trajectory,
    landscapeRun: landscapeRun,
    curvatureAtMinimum: curvatureAtMinimum,
    STATUS_WORDS: {
      converged: "converged",
      converging: "still converging",
      oscillates: "oscillates, does not converge",
      diverges: "diverges",
    },
  };
})();
