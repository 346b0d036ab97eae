"""Chapter 5's explorer: the local quadratic model of a landscape at a point the learner moves.

At a point p a smooth f is, to second order,

    m(p + d) = f(p) + ∇f(p)·d + ½ dᵀ H d,        H = ∇²f(p).

The eigenvectors of the symmetric H are the principal directions of curvature and its eigenvalues the
curvatures along them: both positive is a bowl, both negative a dome, mixed signs a saddle.

``local_quadratic`` computes everything a frame shows (NumPy only); ``hessian_figure`` draws it;
``hessian_widget`` wires a landscape menu and two sliders to both. Only the last two import matplotlib
and ipywidgets.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from momentum_lab import landscapes
from momentum_lab._validate import as_float_array, non_negative, positive, positive_int
from momentum_lab.widgets._base import check_figure, check_run

#: Eigenvalues smaller than this fraction of the largest ``|eigenvalue|`` (or of 1, if that is larger)
#: count as zero when the explorer names the curvature.
FLAT_TOLERANCE = 1e-9

#: Where the explorer starts on each landscape of the catalogue: a point whose curvature is telling.
DEFAULT_POINT = {
    "bowl": (0.8, -0.6),
    "narrow bowl": (0.8, -0.6),
    "valley": (-1.5, 0.2),
    "rosenbrock": (-0.5, 1.0),
    "saddle": (0.3, 0.6),
}


def curvature_kind(eigenvalues: npt.ArrayLike, *, tol: float = FLAT_TOLERANCE) -> str:
    """Name the shape of the quadratic ½ dᵀHd from the eigenvalues of H.

    Returns ``"positive definite"`` (a bowl), ``"negative definite"`` (a dome), ``"indefinite"`` (a
    saddle) or ``"singular"`` (some eigenvalue is zero within ``tol · max(1, max|λ|)``, so the second
    derivative says nothing along that direction). ``eigenvalues`` must be a non-empty 1-d array of
    finite numbers and ``tol`` ≥ 0 (ValueError/TypeError naming them otherwise); with ``tol = 0`` only
    an exact zero counts as flat.
    """
    lam = as_float_array(eigenvalues, "eigenvalues", ndim=1)
    tol = non_negative(tol, "tol")
    scale = tol * max(1.0, float(np.max(np.abs(lam))))
    if np.any(np.abs(lam) <= scale):
        return "singular"
    if np.all(lam > 0):
        return "positive definite"
    if np.all(lam < 0):
        return "negative definite"
    return "indefinite"


_SHAPE = {
    "positive definite": "the model is a bowl, curving up in every direction",
    "negative definite": "the model is a dome, curving down in every direction",
    "indefinite": "the model is a saddle, curving up along one eigenvector and down along the other",
    "singular": "the model is flat along an eigenvector, where second derivatives cannot decide",
}


def local_quadratic(
    landscape: str | landscapes.Landscape = "saddle",
    point: npt.ArrayLike | None = None,
    *,
    radius: float | None = None,
    n: int = 41,
) -> dict[str, Any]:
    """Everything the Hessian explorer shows at ``point`` of a 2-d ``landscape``.

    Args:
        landscape: a name in ``momentum_lab.landscapes.CATALOGUE`` or a 2-d landscape object with
            ``value``, ``grad`` and ``hessian``.
        point: ``(x, y)``; default ``DEFAULT_POINT`` for catalogue names, else the landscape's
            ``default_start``.
        radius: half-width of the square window around ``point`` on which the model is evaluated;
            default a fifth of the smaller side of the landscape's plot window.
        n: grid points per side of that window (≥ 3).

    Returns:
        A dict with ``landscape``, ``point`` (2,), ``value`` f(p), ``grad`` (2,), ``hessian`` (2, 2),
        ``eigenvalues`` (ascending) and ``eigenvectors`` (orthonormal columns, ``H v_i = λ_i v_i``,
        each with a non-negative first nonzero entry so the arrows do not flip between frames),
        ``kind`` (see :func:`curvature_kind`), ``condition`` = max|λ| / min|λ| (``inf`` when
        singular), ``window`` (n, n, 2) grid of points, ``model`` and ``true`` (n, n) values of the
        quadratic model m and of f on it, and ``newton_step`` −H⁻¹∇f (``None`` when H is singular).

    Raises:
        ValueError, TypeError: naming the argument: a landscape that is not in the catalogue or not
            two-dimensional, a point that is not two finite numbers, a radius that is not > 0, an ``n``
            that is not an integer ≥ 3.
    """
    surface = landscapes.resolve(landscape)
    if getattr(surface, "dim", None) != 2:
        raise ValueError(f"landscape must be two-dimensional; got {surface!r}")
    if point is None:
        point = (
            DEFAULT_POINT.get(landscape, surface.default_start) if isinstance(landscape, str) else surface.default_start
        )
    p = as_float_array(point, "point", ndim=1)
    if p.shape != (2,):
        raise ValueError(f"point must have shape (2,); got shape {p.shape}")
    (x0, x1), (y0, y1) = surface.bounds
    r = 0.2 * min(x1 - x0, y1 - y0) if radius is None else positive(radius, "radius")
    n = positive_int(n, "n", minimum=3)

    value = float(surface.value(p))
    g = surface.grad(p)
    H = surface.hessian(p)
    H = 0.5 * (H + H.T)  # symmetric by construction; guard against rounding before eigh
    lam, V = np.linalg.eigh(H)
    for i in range(2):  # a deterministic orientation for each eigenvector
        j = int(np.argmax(np.abs(V[:, i]) > 1e-12))
        if V[j, i] < 0:
            V[:, i] = -V[:, i]
    kind = curvature_kind(lam)
    abs_lam = np.abs(lam)
    condition = float("inf") if kind == "singular" else float(abs_lam.max() / abs_lam.min())
    newton = None if kind == "singular" else -np.linalg.solve(H, g)

    t = np.linspace(-r, r, n)
    dx, dy = np.meshgrid(t, t)
    d = np.stack([dx, dy], axis=-1)
    window = p + d
    model = value + d @ g + 0.5 * np.einsum("...i,ij,...j->...", d, H, d)
    true = surface.value(window)
    return {
        "landscape": surface,
        "point": p,
        "value": value,
        "grad": g,
        "hessian": H,
        "eigenvalues": lam,
        "eigenvectors": V,
        "kind": kind,
        "condition": condition,
        "radius": r,
        "window": window,
        "model": model,
        "true": true,
        "newton_step": newton,
    }


_FRAME_KEYS = ("landscape", "point", "value", "grad", "eigenvalues", "eigenvectors", "kind", "condition", "radius")


def describe(frame: dict[str, Any]) -> str:
    """One line of text about a :func:`local_quadratic` frame (what the widget prints).

    ``frame`` must be what :func:`local_quadratic` returns (TypeError/ValueError naming it otherwise).
    """
    frame = dict(check_run(frame, _FRAME_KEYS, "local_quadratic", name="frame"))
    lam = frame["eigenvalues"]
    gnorm = float(np.linalg.norm(frame["grad"]))
    cond = "∞" if not np.isfinite(frame["condition"]) else f"{frame['condition']:.3g}"
    return (
        f"at ({frame['point'][0]:.2f}, {frame['point'][1]:.2f}): λ₁ = {lam[0]:.3g}, "
        f"λ₂ = {lam[1]:.3g}, |λ|max/|λ|min = {cond}, ‖∇f‖ = {gnorm:.3g}; "
        f"H is {frame['kind']}, {_SHAPE[frame['kind']]}"
    )


def slices(
    frame: dict[str, Any], n: int = 121
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """The changes of f and of the model along each eigenvector, for the right-hand panel.

    Returns ``t`` (n,) from −radius to radius and two (2, n) arrays: ``f(p + t qᵢ) − f(p)`` and
    ``m(p + t qᵢ) − f(p) = t ∇f·qᵢ + ½ λᵢ t²``, row i for eigenvector qᵢ. ``frame`` must be what
    :func:`local_quadratic` returns and ``n`` an integer ≥ 2 (ValueError/TypeError naming them).
    """
    frame = dict(check_run(frame, _FRAME_KEYS, "local_quadratic", name="frame"))
    n = positive_int(n, "n", minimum=2)
    t = np.linspace(-frame["radius"], frame["radius"], n)
    V, lam = frame["eigenvectors"], frame["eigenvalues"]
    pts = frame["point"] + t[None, :, None] * V.T[:, None, :]
    true = frame["landscape"].value(pts) - frame["value"]
    model = t[None, :] * (frame["grad"] @ V)[:, None] + 0.5 * lam[:, None] * t[None, :] ** 2
    return t, true, model


_SUB = "₁₂"


class _Drawing:
    """The two panels of the explorer for one landscape. The landscape's contours and both panels'
    axes are static; :meth:`update` moves everything that depends on the point.

    The right-hand panel shows the changes along the eigenvectors divided by one common scale S (the
    largest of them), so its axis never rescales and the two directions stay comparable. The widget
    hands :attr:`artists` to :class:`~momentum_lab.widgets._base.BlitFigure`, which redraws only them.
    """

    def __init__(self, fig, surface, radius):
        from matplotlib.collections import LineCollection

        from momentum_lab import plotting

        self.surface, self.radius = surface, radius
        self.colors = (plotting.PALETTE[3], plotting.PALETTE[0])  # q₁ (smaller λ) vermilion, q₂ blue
        self.ax_map, self.ax_cut = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.1, 1]})
        plotting.contour(self.ax_map, surface)
        self.ax_map.set_title(f"{surface.name}: eigenvectors of H, model contours (dashed)")
        self.model = LineCollection([], colors=plotting.PALETTE[1], linestyles="--", linewidths=1.0)
        self.ax_map.add_collection(self.model)
        (self.window,) = self.ax_map.plot([], [], color="0.4", linewidth=0.6)
        (self.point,) = self.ax_map.plot([], [], marker="o", color="black", markersize=5, linestyle="none")
        self.axes_lines, self.labels, self.lines = [], [], []
        for i, color in enumerate(self.colors):
            self.axes_lines.append(self.ax_map.plot([], [], color=color, linewidth=2.2, solid_capstyle="round")[0])
            self.labels.append(
                self.ax_map.text(
                    0,
                    0,
                    "",
                    color=color,
                    fontsize=9,
                    fontweight="bold",
                    bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "alpha": 0.75, "linewidth": 0},
                )
            )
            (true,) = self.ax_cut.plot([], [], color=color, linewidth=1.8, label=f"f along q{_SUB[i]}")
            (model,) = self.ax_cut.plot(
                [],
                [],
                color=color,
                linewidth=1.0,
                linestyle=":",
                marker=".",
                markevery=10,
                label=f"model along q{_SUB[i]}",
            )
            self.lines.append((true, model))
        self.scale = self.ax_cut.text(0.02, 0.03, "", transform=self.ax_cut.transAxes, fontsize=9)
        self.ax_cut.set_xlim(-radius, radius)
        self.ax_cut.set_ylim(-1.1, 1.6)  # room above the curves for the legend
        self.ax_cut.set_yticks([-1, -0.5, 0, 0.5, 1])
        self.ax_cut.axhline(0, color="0.6", linewidth=0.6)
        self.ax_cut.set_xlabel("distance t from the point along the eigenvector")
        self.ax_cut.set_ylabel("change of value ÷ S")
        self.ax_cut.set_title("f (solid) and its quadratic model (dotted)")
        self.ax_cut.legend(loc="upper center", fontsize=8, ncol=2)
        fig.tight_layout()

    @property
    def artists(self):
        """What moves: drawn by the widget on top of the static background at every update."""
        return [
            self.model,
            self.window,
            *self.axes_lines,
            self.point,
            *self.labels,
            *[line for pair in self.lines for line in pair],
            self.scale,
        ]

    def update(self, frame):
        """Move everything to ``frame``."""
        import contourpy

        p, r = frame["point"], self.radius
        self.window.set_data(
            [p[0] - r, p[0] + r, p[0] + r, p[0] - r, p[0] - r], [p[1] - r, p[1] - r, p[1] + r, p[1] + r, p[1] - r]
        )
        self.point.set_data([p[0]], [p[1]])
        lam, V = frame["eigenvalues"], frame["eigenvectors"]
        for i in range(2):
            tip, tail = p + 0.75 * r * V[:, i], p - 0.75 * r * V[:, i]
            self.axes_lines[i].set_data([tail[0], tip[0]], [tail[1], tip[1]])
            self.labels[i].set_position(tip)
            self.labels[i].set_text(f" λ{_SUB[i]} = {lam[i]:.4g}")

        win, model = frame["window"], frame["model"]
        lo, hi = np.percentile(model, [2, 98])
        segments = []
        if hi > lo:
            generator = contourpy.contour_generator(win[..., 0], win[..., 1], model)
            for level in np.linspace(lo, hi, 9):
                segments += [seg for seg in generator.lines(level) if len(seg) > 1]
        self.model.set_segments(segments)

        t, true, mod = slices(frame)
        scale = max(float(np.abs(true).max()), float(np.abs(mod).max()), 1e-300)
        for i in range(2):
            self.lines[i][0].set_data(t, true[i] / scale)
            self.lines[i][1].set_data(t, mod[i] / scale)
        self.scale.set_text(f"S = {scale:.3g}")


def hessian_figure(
    landscape: str | landscapes.Landscape = "saddle",
    point: npt.ArrayLike | None = None,
    *,
    radius: float | None = None,
    fig: Any = None,
) -> Any:
    """Left: the landscape's contours, the point, its Hessian eigenvectors labelled with their
    eigenvalues (vermilion for q₁, the smaller eigenvalue, blue for q₂) and the quadratic model's
    contours (dashed orange) in the square window. Right: f and the model along each eigenvector.

    Arguments as in :func:`local_quadratic`; ``fig`` None or a matplotlib Figure."""
    import matplotlib.pyplot as plt

    frame = local_quadratic(landscape, point, radius=radius)
    if check_figure(fig) is None:
        fig = plt.figure(figsize=(10, 4.2))
    drawing = _Drawing(fig, frame["landscape"], frame["radius"])
    drawing.update(frame)
    return fig


def hessian_widget(landscape: str = "saddle", point: npt.ArrayLike | None = None) -> Any:
    """A landscape menu and sliders for the point, redrawing the panels of :func:`hessian_figure`.

    The landscape's contours are drawn once per landscape; a slider move recomputes the frame and
    redraws only what depends on the point (see :class:`~momentum_lab.widgets._base.BlitFigure`).
    ``landscape`` must be a catalogue name (the menu shows it) and ``point`` as in
    :func:`local_quadratic`.
    """
    if not isinstance(landscape, str) or landscape not in landscapes.CATALOGUE:
        raise ValueError(f"landscape must be one of {sorted(landscapes.CATALOGUE)}; got landscape={landscape!r}")
    local_quadratic(landscape, point, n=3)  # checks point
    import ipywidgets as w
    from matplotlib.figure import Figure  # not pyplot: a pyplot figure would also show below the widget

    from momentum_lab.widgets._base import BlitFigure, figure_image, titled_box

    names = list(landscapes.CATALOGUE)
    if landscape not in names:
        raise ValueError(f"landscape must be one of {names}; got landscape={landscape!r}")
    menu = w.Dropdown(options=names, value=landscape, description="landscape")
    xs = w.FloatSlider(description="x", step=0.01, continuous_update=False, readout_format=".2f")
    ys = w.FloatSlider(description="y", step=0.01, continuous_update=False, readout_format=".2f")
    status = w.HTML()
    image = figure_image()
    state: dict[str, Any] = {"resetting": False}

    def build_background(name):
        """The static part for one landscape: contours, axes, legend. Slow; runs on menu changes."""
        surface = landscapes.get(name)
        fig = Figure(figsize=(10, 4.2), dpi=80)
        drawing = _Drawing(fig, surface, local_quadratic(surface, surface.default_start)["radius"])
        state.update(surface=surface, fig=fig, drawing=drawing, blit=BlitFigure(fig, drawing.artists))

    def set_point(where):
        surface = state["surface"]
        (a, b), (c, d) = surface.bounds
        state["resetting"] = True
        # widen before narrowing, so that the sliders never clamp the value being set
        xs.min, xs.max = min(xs.min, a), max(xs.max, b)
        ys.min, ys.max = min(ys.min, c), max(ys.max, d)
        xs.value, ys.value = where
        xs.min, xs.max, ys.min, ys.max = a, b, c, d
        state["resetting"] = False

    def redraw(_=None):
        if state["resetting"]:
            return
        frame = local_quadratic(state["surface"], (xs.value, ys.value))
        drawing, blit = state["drawing"], state["blit"]
        drawing.update(frame)
        image.value = blit.image_bytes()
        status.value = describe(frame)

    def change_landscape(change):
        name = change["new"]
        build_background(name)
        set_point(DEFAULT_POINT.get(name, state["surface"].default_start))
        redraw()

    xs.min, xs.max, ys.min, ys.max = -100.0, 100.0, -100.0, 100.0
    build_background(landscape)
    set_point(
        DEFAULT_POINT.get(landscape, state["surface"].default_start)
        if point is None
        else tuple(as_float_array(point, "point", ndim=1))
    )
    menu.observe(change_landscape, names="value")
    for control in (xs, ys):
        control.observe(redraw, names="value")
    redraw()
    controls = w.HBox([menu, w.VBox([xs, ys])])
    return titled_box([controls, status, image], "Hessian explorer")


# ---------------------------------------------------------------------------------- the page's explorer
#
# The published page runs the explorer in the reader's browser (book/_static/explorers/hessian.js);
# tests/test_explorers.py checks that it computes what this function computes.


def _model_levels(frame, count=9):
    """The levels of the model's dashed contours: ``count`` values from the 2nd to the 98th percentile of
    the model over the window (none when the model is flat there), as :class:`_Drawing` draws them."""
    lo, hi = np.percentile(frame["model"], [2, 98])
    return np.linspace(lo, hi, count) if hi > lo else np.zeros(0)


def _web_hessian(landscape="saddle", point=None):
    """What the page's explorer shows at ``point``: :func:`local_quadratic` with the landscape by its key,
    the widget's ``describe`` line, the model's contour ``levels`` and the right panel's ``slices``
    (``t``, ``true`` and ``model`` of :func:`slices`, and the common ``scale`` S they are divided by)."""
    if not isinstance(landscape, str):
        raise TypeError(f"landscape must be a catalogue key on the page; got {type(landscape).__name__}")
    frame = local_quadratic(landscape, point)
    t, true, model = slices(frame)
    scale = max(float(np.abs(true).max()), float(np.abs(model).max()), 1e-300)
    return {
        **frame,
        "landscape": landscape,
        "describe": describe(frame),
        "levels": _model_levels(frame),
        "slices": {"t": t, "true": true, "model": model, "scale": scale},
    }


def _web_hessian_sample(rng):
    """A point anywhere in a landscape's window (the sliders' ranges), now and then a telling one instead:
    a minimizer, the saddle, a point where the Hessian is singular, or the landscape's default point."""
    name = str(rng.choice(list(landscapes.CATALOGUE)))
    surface = landscapes.get(name)
    (x0, x1), (y0, y1) = surface.bounds
    special = [None, *surface.minimizers.tolist()]
    if name == "saddle":
        special += [[0.0, 0.0], [1 / np.sqrt(3.0), float(rng.uniform(y0, y1))]]
    if rng.random() < 0.2:
        point = special[int(rng.integers(len(special)))]
    else:
        point = [float(rng.uniform(x0, x1)), float(rng.uniform(y0, y1))]
    if point is not None:  # + 0.0: the bowls' minimizer is (-0.0, 0.0), whose sign the page's JSON copy drops
        point = [float(v) + 0.0 for v in point]
    return {"landscape": name, "point": point}


def _web_hessian_params(args, kwargs):
    """``hessian_widget(landscape, point)``: the page starts on the same landscape and point."""
    params = {}
    landscape = kwargs.get("landscape", args[0] if args else None)
    point = kwargs.get("point", args[1] if len(args) > 1 else None)
    if landscape is not None:
        params["landscape"] = landscape
    if point is not None:
        params["point"] = [float(v) for v in point]
    return params


def _web_explorers():
    from momentum_lab.widgets.web import Explorer

    return {
        "hessian": Explorer(
            name="hessian",
            compute=_web_hessian,
            sample=_web_hessian_sample,
            widget="hessian_widget",
            page_params=_web_hessian_params,
        )
    }


#: The page's live version of :func:`hessian_widget` (``book/_static/explorers/hessian.js``).
EXPLORERS = _web_explorers()
