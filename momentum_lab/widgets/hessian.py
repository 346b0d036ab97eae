"""Chapter 5's explorer: the local quadratic model of a landscape at a point the learner moves.

At a point p a smooth f is, to second order,

    m(p + d) = f(p) + ∇f(p)·d + ½ dᵀ H d,        H = ∇²f(p).

The eigenvectors of the symmetric H are the principal directions of curvature and its eigenvalues the
curvatures along them: both positive is a bowl, both negative a dome, mixed signs a saddle.

``local_quadratic`` computes everything a frame shows (NumPy only); ``hessian_figure`` draws it;
``hessian_widget`` wires a landscape menu and two sliders to both. Only the last two import matplotlib
and ipywidgets.
"""

import numpy as np

from momentum_lab import landscapes
from momentum_lab._validate import as_float_array, positive, positive_int

#: Eigenvalues smaller than this fraction of the largest |eigenvalue| (or of 1, if that is larger)
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


def curvature_kind(eigenvalues, *, tol=FLAT_TOLERANCE):
    """Name the shape of the quadratic ½ dᵀHd from the eigenvalues of H.

    Returns ``"positive definite"`` (a bowl), ``"negative definite"`` (a dome), ``"indefinite"`` (a
    saddle) or ``"singular"`` (some eigenvalue is zero within ``tol · max(1, max|λ|)``, so the second
    derivative says nothing along that direction).
    """
    lam = np.asarray(eigenvalues, dtype=float)
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


def local_quadratic(landscape="saddle", point=None, *, radius=None, n=41):
    """Everything the Hessian explorer shows at ``point`` of a 2-d ``landscape``.

    Args:
        landscape: a name in :data:`momentum_lab.landscapes.CATALOGUE` or a 2-d landscape object with
            ``value``, ``grad`` and ``hessian``.
        point: ``(x, y)``; default :data:`DEFAULT_POINT` for catalogue names, else the landscape's
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
    """
    surface = landscapes.get(landscape) if isinstance(landscape, str) else landscape
    if getattr(surface, "dim", None) != 2:
        raise ValueError(f"landscape must be two-dimensional; got {surface!r}")
    if point is None:
        point = DEFAULT_POINT.get(landscape, surface.default_start) if isinstance(landscape, str) \
            else surface.default_start
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


def describe(frame):
    """One line of text about a :func:`local_quadratic` frame (what the widget prints)."""
    lam = frame["eigenvalues"]
    gnorm = float(np.linalg.norm(frame["grad"]))
    cond = "∞" if not np.isfinite(frame["condition"]) else f"{frame['condition']:.3g}"
    return (f"at ({frame['point'][0]:.2f}, {frame['point'][1]:.2f}): λ₁ = {lam[0]:.3g}, "
            f"λ₂ = {lam[1]:.3g}, |λ|max/|λ|min = {cond}, ‖∇f‖ = {gnorm:.3g}; "
            f"H is {frame['kind']}, {_SHAPE[frame['kind']]}")


def _slice(frame, direction, n=121):
    """f and m along the line p + t·direction, |t| ≤ radius (for the right-hand panel)."""
    t = np.linspace(-frame["radius"], frame["radius"], n)
    pts = frame["point"] + t[:, None] * direction
    true = frame["landscape"].value(pts)
    lam = float(direction @ frame["hessian"] @ direction)
    model = frame["value"] + t * float(frame["grad"] @ direction) + 0.5 * lam * t**2
    return t, true, model


def hessian_figure(landscape="saddle", point=None, *, radius=None, fig=None):
    """Left: the landscape's contours, the point, its Hessian eigenvectors labelled with their
    eigenvalues (blue where the curvature is positive, vermilion where negative) and the quadratic
    model's contours (dashed orange) in the square window. Right: f and the model along each
    eigenvector."""
    import matplotlib.pyplot as plt

    from momentum_lab import plotting

    frame = local_quadratic(landscape, point, radius=radius)
    surface, p, r = frame["landscape"], frame["point"], frame["radius"]
    if fig is None:
        fig = plt.figure(figsize=(10, 4.2))
    ax_map, ax_cut = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.1, 1]})
    plotting.contour(ax_map, surface)

    win, model = frame["window"], frame["model"]
    lo, hi = np.percentile(model, [2, 98])
    if hi > lo:
        levels = np.linspace(lo, hi, 9)
        ax_map.contour(win[..., 0], win[..., 1], model, levels=levels, colors=plotting.PALETTE[1],
                       linestyles="--", linewidths=1.0)
    ax_map.plot([p[0] - r, p[0] + r, p[0] + r, p[0] - r, p[0] - r],
                [p[1] - r, p[1] - r, p[1] + r, p[1] + r, p[1] - r], color="0.4", linewidth=0.6)
    lam, V = frame["eigenvalues"], frame["eigenvectors"]
    for i in range(2):
        color = plotting.PALETTE[0] if lam[i] > 0 else plotting.PALETTE[3]
        arrow = 0.75 * r * V[:, i]
        ax_map.annotate("", xy=p + arrow, xytext=p - arrow,
                        arrowprops={"arrowstyle": "<->", "color": color, "linewidth": 2})
        ax_map.annotate(f"λ{'₁₂'[i]} = {lam[i]:.4g}", xy=p + arrow, xytext=(4, 4),
                        textcoords="offset points", color=color, fontsize=9,
                        bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "alpha": 0.8,
                              "linewidth": 0})
    ax_map.plot(*p, marker="o", color="black", markersize=5, linestyle="none")
    ax_map.set_title(f"{surface.name}: H is {frame['kind']}")

    for i in range(2):
        t, true, mod = _slice(frame, V[:, i])
        color = plotting.PALETTE[0] if lam[i] > 0 else plotting.PALETTE[3]
        style = plotting.LINESTYLES[i]
        ax_cut.plot(t, true, color=color, linestyle=style, linewidth=1.8,
                    label=f"f along v{'₁₂'[i]} (λ{'₁₂'[i]} = {lam[i]:.4g})")
        ax_cut.plot(t, mod, color=color, linestyle=style, linewidth=1.0, alpha=0.6, marker=".",
                    markevery=10, label=f"model along v{'₁₂'[i]}")
    ax_cut.set_xlabel("distance t from the point along the eigenvector")
    ax_cut.set_ylabel("value")
    ax_cut.set_title("f (thick) and its quadratic model (dotted)")
    ax_cut.legend(loc="best", fontsize=8)
    fig.tight_layout()
    return fig


def hessian_widget(landscape="saddle", point=None):
    """A landscape menu and sliders for the point, redrawing :func:`hessian_figure`."""
    import ipywidgets as w
    import matplotlib.pyplot as plt

    from momentum_lab.widgets._base import figure_image, figure_png, titled_box

    names = list(landscapes.CATALOGUE)
    if landscape not in names:
        raise ValueError(f"landscape must be one of {names}; got landscape={landscape!r}")
    menu = w.Dropdown(options=names, value=landscape, description="landscape")
    xs = w.FloatSlider(description="x", step=0.01, continuous_update=False, readout_format=".2f")
    ys = w.FloatSlider(description="y", step=0.01, continuous_update=False, readout_format=".2f")
    status = w.HTML()
    image = figure_image()
    resetting = [False]

    def set_ranges(name, where):
        surface = landscapes.get(name)
        (a, b), (c, d) = surface.bounds
        resetting[0] = True
        # widen before narrowing so that the slider never clamps the value we are about to set
        xs.min, xs.max = min(xs.min, a), max(xs.max, b)
        ys.min, ys.max = min(ys.min, c), max(ys.max, d)
        xs.value, ys.value = where
        xs.min, xs.max, ys.min, ys.max = a, b, c, d
        resetting[0] = False

    def on_menu(change):
        name = change["new"]
        set_ranges(name, DEFAULT_POINT.get(name, landscapes.get(name).default_start))

    def redraw(_=None):
        if resetting[0]:
            return
        frame = local_quadratic(menu.value, (xs.value, ys.value))
        status.value = describe(frame)
        fig = hessian_figure(menu.value, (xs.value, ys.value), fig=plt.figure(figsize=(10, 4.2)))
        image.value = figure_png(fig)

    start = DEFAULT_POINT.get(landscape, landscapes.get(landscape).default_start) if point is None \
        else tuple(point)
    xs.min, xs.max, ys.min, ys.max = -100.0, 100.0, -100.0, 100.0
    set_ranges(landscape, start)
    menu.observe(on_menu, names="value")  # registered first, so it runs before redraw
    for control in (menu, xs, ys):
        control.observe(redraw, names="value")
    redraw()
    controls = w.HBox([menu, w.VBox([xs, ys])])
    return titled_box([controls, status, image], "Hessian explorer")
