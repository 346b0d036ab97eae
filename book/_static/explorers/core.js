// Momentum Lab: what every live explorer of the book shares.
//
// An explorer is defined once with momentumLab.define(name, spec) (see gradient-descent.js, the worked
// example) and mounted on every <div class="ml-explorer" data-explorer="name"> of the page, which
// book/_ext/momentum_explorers.py puts where the notebook shows its ipywidgets version. A spec has:
//
//   title                      heading of the explorer
//   defaults                   starting parameters (the element's data-params override them)
//   controls                   [{param, label, type: "range" | "select" | "checkbox", min, max, step,
//                                scale: "linear" | "log", options: [[value, label], ...], format}]
//   normalize(next, prev)      optional: adjust parameters after a change (a new landscape resets presets)
//   compute(params)            pure: the numbers drawn, as plain JSON, equal to the library's
//   build(ctx)                 make the figure inside ctx.figure (called again when the width changes)
//   draw(ctx, result, params)  update the figure for a new result
//   describe(result, params)   the text alternative: the current values in words (read by screen readers)
//
// For tests, each mounted explorer is window.momentumLab.explorers[name] = {compute, set, get, latencies,
// element}: compute is the spec's, set(params) moves the controls and redraws, latencies holds the
// milliseconds of each update (compute + draw). Nothing here loads anything from the network.
(function () {
  "use strict";
  var ml = (window.momentumLab = window.momentumLab || {});
  ml.explorers = ml.explorers || {};
  ml.specs = ml.specs || {};
  var SVG = "http://www.w3.org/2000/svg";

  // ------------------------------------------------------------------------------------------ helpers
  function el(tag, attrs, parent) {
    var node = document.createElement(tag);
    setAttrs(node, attrs);
    if (parent) parent.appendChild(node);
    return node;
  }

  function svgEl(tag, attrs, parent) {
    var node = document.createElementNS(SVG, tag);
    setAttrs(node, attrs);
    if (parent) parent.appendChild(node);
    return node;
  }

  function setAttrs(node, attrs) {
    if (!attrs) return node;
    Object.keys(attrs).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined) return;
      if (key === "text") node.textContent = value;
      else if (key === "class") node.setAttribute("class", value);
      else node.setAttribute(key, value);
    });
    return node;
  }

  function clone(value) {
    return JSON.parse(JSON.stringify(value));
  }

  // Numbers as the explorers print them: 4 significant digits, exponents for the very small or large.
  function fmt(x, digits) {
    digits = digits || 4;
    if (typeof x === "string") return x;
    if (!isFinite(x)) return isNaN(x) ? "NaN" : x > 0 ? "∞" : "−∞";
    if (x === 0) return "0";
    var a = Math.abs(x);
    var s = a >= 1e-3 && a < 1e5 ? String(Number(x.toPrecision(digits))) : x.toExponential(digits - 2);
    return s.replace(/-/g, "−");
  }

  ml.util = { el: el, svgEl: svgEl, clone: clone, fmt: fmt };

  // ---------------------------------------------------------------------------------------- the plot
  function niceStep(span, count) {
    var raw = span / Math.max(count, 1);
    var power = Math.pow(10, Math.floor(Math.log10(raw)));
    var f = raw / power;
    return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * power;
  }

  function linearTicks(lo, hi, count) {
    var step = niceStep(hi - lo, count), ticks = [];
    for (var t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) {
      ticks.push(Math.abs(t) < step * 1e-9 ? 0 : Number(t.toPrecision(12)));
    }
    return ticks;
  }

  function logTicks(lo, hi, count) {
    var a = Math.ceil(Math.log10(lo) - 1e-9), b = Math.floor(Math.log10(hi) + 1e-9);
    var every = Math.max(1, Math.ceil((b - a + 1) / Math.max(count, 1)));
    var ticks = [];
    for (var e = a; e <= b; e += every) ticks.push(Math.pow(10, e));
    return ticks;
  }

  function tickLabel(v, log) {
    if (log) {
      var e = Math.round(Math.log10(v));
      if (e >= -2 && e <= 3) return String(Number(v.toPrecision(3)));
      return "1e" + String(e).replace("-", "−");
    }
    return String(Number(v.toPrecision(6))).replace("-", "−");
  }

  function makeScale(spec, lo, hi) {
    var log = spec.scale === "log";
    var d0 = spec.domain[0], d1 = spec.domain[1];
    var f = log ? Math.log10 : function (v) { return v; };
    var a = f(d0), b = f(d1);
    var scale = function (v) {
      return lo + ((f(v) - a) / (b - a)) * (hi - lo);
    };
    scale.invert = function (px) {
      var t = a + ((px - lo) / (hi - lo)) * (b - a);
      return log ? Math.pow(10, t) : t;
    };
    scale.log = log;
    scale.domain = [d0, d1];
    return scale;
  }

  // A plot in SVG at the container's real width: axes, paths, points, text, contours, raster images.
  // options: {height, aspect (height/width of the plot area, e.g. to keep a landscape's shape), margin,
  //           x: {domain, scale, label}, y: {domain, scale, label}, title, grid (default true)}
  function plot(container, options) {
    var width = Math.max(220, Math.floor(container.clientWidth || 320));
    var margin = Object.assign({ top: options.title ? 26 : 10, right: 12, bottom: 44, left: 58 }, options.margin || {});
    var innerW = width - margin.left - margin.right;
    var height = options.height || Math.round(margin.top + margin.bottom + innerW * (options.aspect || 0.75));
    var innerH = height - margin.top - margin.bottom;
    var svg = svgEl("svg", {
      class: "ml-plot", width: width, height: height, viewBox: "0 0 " + width + " " + height,
      role: "img", "aria-label": options.label || options.title || "plot",
    }, container);
    var p = {
      svg: svg, width: width, height: height, margin: margin,
      inner: { left: margin.left, top: margin.top, width: innerW, height: innerH },
      items: {}, options: options,
    };
    var clipId = "ml-clip-" + Math.random().toString(36).slice(2);
    var defs = svgEl("defs", null, svg);
    var clip = svgEl("clipPath", { id: clipId }, defs);
    svgEl("rect", { x: margin.left, y: margin.top, width: innerW, height: innerH }, clip);
    p.axes = svgEl("g", { class: "ml-axes" }, svg);
    p.back = svgEl("g", { class: "ml-back", "clip-path": "url(#" + clipId + ")" }, svg);
    p.front = svgEl("g", { class: "ml-front", "clip-path": "url(#" + clipId + ")" }, svg);
    p.over = svgEl("g", { class: "ml-over" }, svg);
    if (options.title) {
      svgEl("text", { class: "ml-title", x: margin.left + innerW / 2, y: 16, "text-anchor": "middle", text: options.title }, svg);
    }
    p.setDomain = function (axis, domain) {
      options[axis] = Object.assign({}, options[axis], { domain: domain });
      drawAxes();
    };
    function drawAxes() {
      p.x = makeScale(options.x, margin.left, margin.left + innerW);
      p.y = makeScale(options.y, margin.top + innerH, margin.top);
      while (p.axes.firstChild) p.axes.removeChild(p.axes.firstChild);
      var grid = options.grid !== false;
      var xt = p.x.log ? logTicks(options.x.domain[0], options.x.domain[1], innerW / 70)
                       : linearTicks(options.x.domain[0], options.x.domain[1], innerW / 70);
      var yt = p.y.log ? logTicks(options.y.domain[0], options.y.domain[1], innerH / 34)
                       : linearTicks(options.y.domain[0], options.y.domain[1], innerH / 40);
      svgEl("rect", { class: "ml-frame", x: margin.left, y: margin.top, width: innerW, height: innerH }, p.axes);
      xt.forEach(function (t) {
        var x = p.x(t);
        if (grid) svgEl("line", { class: "ml-grid", x1: x, x2: x, y1: margin.top, y2: margin.top + innerH }, p.axes);
        svgEl("text", { class: "ml-tick", x: x, y: margin.top + innerH + 16, "text-anchor": "middle", text: tickLabel(t, p.x.log) }, p.axes);
      });
      yt.forEach(function (t) {
        var y = p.y(t);
        if (grid) svgEl("line", { class: "ml-grid", x1: margin.left, x2: margin.left + innerW, y1: y, y2: y }, p.axes);
        svgEl("text", { class: "ml-tick", x: margin.left - 6, y: y + 4, "text-anchor": "end", text: tickLabel(t, p.y.log) }, p.axes);
      });
      if (options.x.label) {
        svgEl("text", { class: "ml-label", x: margin.left + innerW / 2, y: height - 8, "text-anchor": "middle", text: options.x.label }, p.axes);
      }
      if (options.y.label) {
        var cy = margin.top + innerH / 2;
        svgEl("text", { class: "ml-label", x: 14, y: cy, "text-anchor": "middle", transform: "rotate(-90 14 " + cy + ")", text: options.y.label }, p.axes);
      }
    }
    drawAxes();

    function item(key, tag, layer) {
      var node = p.items[key];
      if (!node) {
        node = p.items[key] = svgEl(tag, { "data-key": key }, layer || p.front);
      }
      return node;
    }
    function pathData(points) {
      var d = "", pen = false;
      for (var i = 0; i < points.length; i++) {
        var a = points[i];
        if (a === null || !isFinite(a[0]) || !isFinite(a[1])) { pen = false; continue; }
        var x = p.x(a[0]), y = p.y(a[1]);
        if (!isFinite(x) || !isFinite(y)) { pen = false; continue; }
        d += (pen ? "L" : "M") + x.toFixed(2) + "," + y.toFixed(2);
        pen = true;
      }
      return d;
    }
    // A polyline through points [[x, y], ...]; style: {color (CSS colour or var), width, dash, layer, cls}.
    p.path = function (key, points, style) {
      style = style || {};
      var node = item(key, "path", style.layer);
      setAttrs(node, {
        d: pathData(points), fill: "none", class: "ml-line " + (style.cls || ""),
        stroke: style.color || "currentColor", "stroke-width": style.width || 2,
        "stroke-dasharray": style.dash || "none", "stroke-linejoin": "round",
      });
      return node;
    };
    // Points as small circles (or squares with style.square).
    p.points = function (key, points, style) {
      style = style || {};
      var group = item(key, "g", style.layer);
      while (group.firstChild) group.removeChild(group.firstChild);
      var r = style.r || 3;
      points.forEach(function (a) {
        if (!a || !isFinite(a[0]) || !isFinite(a[1])) return;
        var x = p.x(a[0]), y = p.y(a[1]);
        if (style.square) {
          svgEl("rect", { x: x - r, y: y - r, width: 2 * r, height: 2 * r, fill: style.color, stroke: style.stroke || "none", "stroke-width": 1.5 }, group);
        } else if (style.star) {
          svgEl("path", { d: starPath(x, y, r), fill: style.color, stroke: style.stroke || "none" }, group);
        } else {
          svgEl("circle", { cx: x, cy: y, r: r, fill: style.color, stroke: style.stroke || "none", "stroke-width": 1.5 }, group);
        }
      });
      return group;
    };
    p.text = function (key, x, y, text, style) {
      style = style || {};
      var node = item(key, "text", style.layer || p.over);
      setAttrs(node, { x: style.px ? x : p.x(x), y: style.px ? y : p.y(y), class: "ml-annot " + (style.cls || ""),
                       "text-anchor": style.anchor || "start", fill: style.color || null, text: text });
      return node;
    };
    // Legend at the top right of the plot area: items [{label, color, dash}].
    p.legend = function (items) {
      var node = item("__legend", "g", p.over);
      while (node.firstChild) node.removeChild(node.firstChild);
      var x = margin.left + 8, y = margin.top + 6;
      var box = svgEl("rect", { class: "ml-legend-box", x: x - 4, y: y - 2, rx: 3 }, node);
      var widest = 0;
      items.forEach(function (entry, i) {
        var yy = y + 9 + i * 17;
        svgEl("line", { x1: x, x2: x + 22, y1: yy, y2: yy, stroke: entry.color, "stroke-width": 2.5, "stroke-dasharray": entry.dash || "none" }, node);
        var t = svgEl("text", { class: "ml-legend", x: x + 28, y: yy + 4, text: entry.label }, node);
        widest = Math.max(widest, (t.getComputedTextLength ? t.getComputedTextLength() : entry.label.length * 7));
      });
      setAttrs(box, { width: widest + 40, height: items.length * 17 + 6 });
      return node;
    };
    // Line contours of values on a regular grid: values[j * nx + i] at (xs[i], ys[j]).
    p.contours = function (key, values, xs, ys, thresholds, style) {
      style = style || {};
      var nx = xs.length, ny = ys.length;
      var group = item(key, "g", style.layer || p.back);
      while (group.firstChild) group.removeChild(group.firstChild);
      var gen = window.d3.contours().size([nx, ny]).thresholds(thresholds).smooth(true);
      var sx = function (gx) { return p.x(xs[0] + (gx - 0.5) * (xs[nx - 1] - xs[0]) / (nx - 1)); };
      var sy = function (gy) { return p.y(ys[0] + (gy - 0.5) * (ys[ny - 1] - ys[0]) / (ny - 1)); };
      gen(values).forEach(function (shape, level) {
        var d = "";
        shape.coordinates.forEach(function (polygon) {
          polygon.forEach(function (ring) {
            ring.forEach(function (pt, i) {
              d += (i ? "L" : "M") + sx(pt[0]).toFixed(1) + "," + sy(pt[1]).toFixed(1);
            });
            d += "Z";
          });
        });
        svgEl("path", { d: d, class: "ml-contour", fill: style.fill ? style.fill(level, shape.value) : "none" }, group);
      });
      return group;
    };
    // A raster image: rgba(i, j) -> [r, g, b, a] for column i of nx and row j of ny (row 0 at the top),
    // stretched over the data rectangle extent = [[x0, x1], [y0, y1]].
    p.image = function (key, nx, ny, rgba, extent, style) {
      style = style || {};
      var canvas = document.createElement("canvas");
      canvas.width = nx;
      canvas.height = ny;
      var ctx = canvas.getContext("2d"), img = ctx.createImageData(nx, ny);
      for (var j = 0; j < ny; j++) {
        for (var i = 0; i < nx; i++) {
          var c = rgba(i, j), o = 4 * (j * nx + i);
          img.data[o] = c[0]; img.data[o + 1] = c[1]; img.data[o + 2] = c[2]; img.data[o + 3] = c[3] === undefined ? 255 : c[3];
        }
      }
      ctx.putImageData(img, 0, 0);
      var node = item(key, "image", style.layer || p.back);
      var x0 = p.x(extent[0][0]), x1 = p.x(extent[0][1]), y0 = p.y(extent[1][1]), y1 = p.y(extent[1][0]);
      setAttrs(node, { href: canvas.toDataURL(), x: Math.min(x0, x1), y: Math.min(y0, y1), width: Math.abs(x1 - x0),
                       height: Math.abs(y1 - y0), preserveAspectRatio: "none", style: style.pixelated === false ? null : "image-rendering: pixelated" });
      return node;
    };
    return p;
  }

  function starPath(x, y, r) {
    var d = "";
    for (var i = 0; i < 10; i++) {
      var rr = i % 2 ? r * 0.45 : r, a = -Math.PI / 2 + (i * Math.PI) / 5;
      d += (i ? "L" : "M") + (x + rr * Math.cos(a)).toFixed(2) + "," + (y + rr * Math.sin(a)).toFixed(2);
    }
    return d + "Z";
  }

  // Drag (mouse, touch, pen) or click inside a plot's area: callback(x, y) in data coordinates.
  function draggable(p, callback) {
    var area = svgEl("rect", { class: "ml-drag-area", x: p.inner.left, y: p.inner.top, width: p.inner.width, height: p.inner.height, fill: "transparent" }, p.svg);
    p.svg.insertBefore(area, p.over);
    var active = false;
    function at(event) {
      var box = p.svg.getBoundingClientRect();
      var px = Math.min(Math.max(event.clientX - box.left, p.inner.left), p.inner.left + p.inner.width);
      var py = Math.min(Math.max(event.clientY - box.top, p.inner.top), p.inner.top + p.inner.height);
      callback(p.x.invert(px), p.y.invert(py));
    }
    area.addEventListener("pointerdown", function (event) {
      active = true;
      if (area.setPointerCapture) area.setPointerCapture(event.pointerId);
      at(event);
      event.preventDefault();
    });
    area.addEventListener("pointermove", function (event) { if (active) at(event); });
    ["pointerup", "pointercancel", "lostpointercapture"].forEach(function (name) {
      area.addEventListener(name, function () { active = false; });
    });
    area.style.cursor = "crosshair";
    area.style.touchAction = "none";
    return area;
  }

  ml.plot = plot;
  ml.draggable = draggable;
  // Okabe–Ito colours, from the stylesheet (light and dark themes).
  ml.colors = ["var(--ml-c0)", "var(--ml-c1)", "var(--ml-c2)", "var(--ml-c3)", "var(--ml-c4)", "var(--ml-c5)", "var(--ml-c6)", "var(--ml-c7)"];

  // ------------------------------------------------------------------------------------- the controls
  var uid = 0;

  function sliderPosition(control, value) {
    if (control.scale === "log") return Math.log10(value);
    return value;
  }
  function sliderValue(control, position) {
    var v = control.scale === "log" ? Math.pow(10, position) : position;
    return Number(v.toPrecision(12));
  }

  // The parameter change a control makes: {param: value}, or for a control of one entry of an array
  // parameter ({param: "start", index: 0}) the array with that entry replaced.
  function patchFor(ctx, control, value) {
    var patch = {};
    if (control.index === undefined) {
      patch[control.param] = value;
    } else {
      var array = ctx.params()[control.param].slice();
      array[control.index] = value;
      patch[control.param] = array;
    }
    return patch;
  }

  function controlValue(params, control) {
    var value = params[control.param];
    return control.index === undefined ? value : value[control.index];
  }

  function makeControl(ctx, control) {
    var id = "ml-" + ctx.name + "-" + control.param + (control.index === undefined ? "" : "-" + control.index) + "-" + ++uid;
    var wrap = el("div", { class: "ml-control ml-control-" + control.type }, ctx.controlsEl);
    var label = el("label", { for: id, text: control.label }, wrap);
    var input, readout;
    if (control.type === "select") {
      input = el("select", { id: id }, wrap);
      control.options.forEach(function (option) {
        el("option", { value: JSON.stringify(option[0]), text: option[1] }, input);
      });
      input.addEventListener("change", function () {
        ctx.set(patchFor(ctx, control, JSON.parse(input.value)), "control");
      });
    } else if (control.type === "checkbox") {
      wrap.removeChild(label);
      input = el("input", { id: id, type: "checkbox" }, wrap);
      wrap.appendChild(label);
      input.addEventListener("change", function () {
        ctx.set(patchFor(ctx, control, input.checked), "control");
      });
    } else {
      var lo = control.scale === "log" ? Math.log10(control.min) : control.min;
      var hi = control.scale === "log" ? Math.log10(control.max) : control.max;
      input = el("input", { id: id, type: "range", min: lo, max: hi, step: control.step || (hi - lo) / 200 }, wrap);
      readout = el("output", { for: id, class: "ml-readout" }, wrap);
      input.addEventListener("input", function () {
        ctx.set(patchFor(ctx, control, sliderValue(control, Number(input.value))), "control");
      });
    }
    input.setAttribute("data-param", control.param + (control.index === undefined ? "" : "." + control.index));
    return {
      control: control, input: input,
      show: function (value) {
        if (control.type === "select") {
          input.value = JSON.stringify(value);
        } else if (control.type === "checkbox") {
          input.checked = !!value;
        } else {
          input.value = sliderPosition(control, value);
          var text = control.format ? control.format(value) : fmt(value);
          readout.textContent = text;
          input.setAttribute("aria-valuetext", control.label + " " + text);
        }
      },
    };
  }

  // ----------------------------------------------------------------------------------------- mounting
  function mount(root) {
    var name = root.getAttribute("data-explorer");
    var spec = ml.specs[name];
    if (!spec || root.getAttribute("data-mounted")) return;
    root.setAttribute("data-mounted", "true");
    var initial = {};
    try {
      initial = JSON.parse(root.getAttribute("data-params") || "{}");
    } catch (err) {
      initial = {};
    }
    var params = Object.assign(clone(spec.defaults), initial);
    if (spec.normalize) params = spec.normalize(params, null);
    root.innerHTML = "";
    root.setAttribute("role", "group");
    var heading = el("p", { class: "ml-explorer-title", id: "ml-title-" + name + "-" + ++uid, text: spec.title }, root);
    root.setAttribute("aria-labelledby", heading.id);
    var ctx = {
      name: name, root: root, spec: spec, state: {},
      controlsEl: el("div", { class: "ml-controls" }, root),
      figure: el("div", { class: "ml-figure" }, root),
      statusEl: el("p", { class: "ml-status", "aria-live": "polite" }, root),
      latencies: [], result: null, width: 0,
    };
    var widgets = (spec.controls || []).map(function (control) { return makeControl(ctx, control); });
    if (spec.help) el("p", { class: "ml-help", text: spec.help }, root);

    function showControls() {
      widgets.forEach(function (w) { w.show(controlValue(params, w.control)); });
    }
    function build() {
      while (ctx.figure.firstChild) ctx.figure.removeChild(ctx.figure.firstChild);
      ctx.width = ctx.figure.clientWidth;
      ctx.state = {};
      spec.build(ctx);
    }
    function update() {
      var t0 = performance.now();
      var result = spec.compute(clone(params));
      spec.draw(ctx, result, params);
      var text = spec.describe(result, params);
      ctx.statusEl.textContent = text;
      ctx.figure.setAttribute("aria-description", text);
      var dt = performance.now() - t0;
      ctx.latencies.push(dt);
      if (ctx.latencies.length > 2000) ctx.latencies.shift();
      ctx.result = result;
      return result;
    }
    ctx.params = function () { return clone(params); };
    ctx.set = function (patch, origin) {
      var prev = params;
      var next = Object.assign(clone(params), patch);
      params = spec.normalize ? spec.normalize(next, prev) : next;
      showControls();
      if (spec.needsBuild && spec.needsBuild(params, prev)) build();
      return update();
    };
    ctx.rebuild = function () { build(); return update(); };

    showControls();
    build();
    update();
    if (window.ResizeObserver) {
      var pending = null;
      new ResizeObserver(function () {
        if (Math.abs(ctx.figure.clientWidth - ctx.width) < 2) return;
        if (pending) cancelAnimationFrame(pending);
        pending = requestAnimationFrame(function () { pending = null; build(); update(); });
      }).observe(ctx.figure);
    }
    ml.explorers[name] = {
      element: root,
      compute: function (p) { return spec.compute(Object.assign(clone(spec.defaults), clone(p))); },
      set: function (p) { return clone(ctx.set(p, "api")); },
      get: function () { return clone(params); },
      latencies: ctx.latencies,
    };
  }

  ml.define = function (name, spec) {
    ml.specs[name] = spec;
    // The compute function is usable before (and without) any page element, e.g. by tests.
    ml.explorers[name] = ml.explorers[name] || {
      compute: function (p) { return spec.compute(Object.assign(clone(spec.defaults), clone(p))); },
    };
    if (typeof document !== "undefined" && document.readyState !== "loading") mountAll();
  };

  function mountAll() {
    document.querySelectorAll(".ml-explorer[data-explorer]").forEach(mount);
  }

  if (typeof document === "undefined") {
    return; // loaded outside a page (a test harness): compute functions only
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mountAll);
  } else {
    mountAll();
  }
})();
