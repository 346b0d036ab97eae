"""Chapter 4's explorer: the computational graph of f(x₁, x₂) = ln x₁ + x₁x₂ − √x₂, forward and backward.

The chapter's running example is evaluated one primitive at a time by :mod:`momentum_lab.autodiff`
(the trace ``v₁ … v₇`` of the chapter's table), recorded on a ``GradientTape``, and the tape's
backward sweep gives the adjoint ``v̄ᵢ = ∂f/∂vᵢ`` of every node. Along each edge ``vᵢ → vⱼ`` the
explorer also shows the local partial derivative ``∂vⱼ/∂vᵢ`` and the share ``v̄ⱼ · ∂vⱼ/∂vᵢ`` that the
backward sweep adds to ``v̄ᵢ``: a node with two outgoing edges (v₁ and v₂) sums two shares.

``explore_graph`` computes everything a frame shows; ``graph_figure`` draws it; ``graph_widget`` wires
sliders for x₁ and x₂ and a choice of pass to both. Only the last two import matplotlib and ipywidgets.

Bad arguments raise ValueError/TypeError naming them: inputs that are not finite numbers > 0, a ``show``
that is not one of ``SHOWS``, a ``fig`` that is not a matplotlib Figure.
"""

from __future__ import annotations

from typing import Any

from momentum_lab import autodiff as ad
from momentum_lab._validate import positive
from momentum_lab.widgets import web
from momentum_lab.widgets._base import check_figure

#: The chapter's trace of f(x₁, x₂) = ln x₁ + x₁x₂ − √x₂: (node, primitive of momentum_lab.autodiff,
#: input nodes), in the order Python evaluates the expression. v₁ and v₂ are the inputs x₁ and x₂.
TRACE = (
    ("v3", "log", ("v1",)),
    ("v4", "multiply", ("v1", "v2")),
    ("v5", "add", ("v3", "v4")),
    ("v6", "sqrt", ("v2",)),
    ("v7", "subtract", ("v5", "v6")),
)

#: Every node, inputs first: (name, operation, inputs). The output is the last node, v₇ = f.
NODES = (("v1", "input", ()), ("v2", "input", ())) + TRACE

#: Every edge (input node, node), in the order of :data:`NODES` and then of each node's inputs.
EDGES = tuple((source, name) for name, _, inputs in NODES for source in inputs)

#: How the figure names each node (the chapter's notation).
LABELS = {
    "v1": "v₁ = x₁",
    "v2": "v₂ = x₂",
    "v3": "v₃ = ln v₁",
    "v4": "v₄ = v₁·v₂",
    "v5": "v₅ = v₃ + v₄",
    "v6": "v₆ = √v₂",
    "v7": "v₇ = v₅ − v₆ = f",
}

#: Where the figure puts each node (the chapter's drawing of the graph).
POSITIONS = {
    "v1": (0.0, 1.6),
    "v2": (0.0, 0.0),
    "v3": (1.9, 2.2),
    "v4": (1.9, 0.8),
    "v6": (1.9, -0.6),
    "v5": (3.7, 1.5),
    "v7": (5.4, 0.5),
}

#: What the explorer can show: the forward pass (values, and local derivatives on the edges), the
#: backward pass (adjoints, and each edge's share of its input's adjoint), or both.
SHOWS = ("forward", "backward", "both")

#: The slider range of both inputs (ln x₁ and √x₂ need x₁ > 0 and x₂ > 0).
INPUT_RANGE = (0.05, 6.0)
INPUT_STEP = 0.05


def explore_graph(x1: float = 2.0, x2: float = 4.0) -> dict[str, Any]:
    """Evaluate the chapter's graph at (x₁, x₂) on a tape and run its backward sweep.

    Args:
        x1: the first input, > 0 (it goes through ln).
        x2: the second input, > 0 (it goes through √, whose derivative is infinite at 0).

    Returns:
        A dict with ``x1``, ``x2``, ``nodes`` (one dict per node of ``NODES``: ``name``, ``op``, the
        primitive's name or ``"input"``, and ``inputs``, the names of its input nodes), ``values`` (the
        forward value of each node), ``adjoints`` (∂f/∂node, from one backward sweep of the tape seeded
        with v̄₇ = 1), ``edges`` (one dict per edge of ``EDGES``: ``source``, ``target``, ``local``
        = ∂target/∂source, the backward rule of the target's primitive applied to a cotangent of 1, and
        ``share`` = that rule applied to the target's adjoint, what the sweep adds to the source's
        adjoint), ``f`` (the value of v₇) and ``gradient`` = (∂f/∂x₁, ∂f/∂x₂) = (v̄₁, v̄₂).

    Example (the chapter's numbers): at (2, 4), f = 6.6931 and the gradient is (4.5, 1.75).

    Raises:
        ValueError, TypeError: unless ``x1`` and ``x2`` are finite real numbers > 0 (at 0, ln x₁ is −∞
            and the derivative of √x₂ infinite), naming the argument.
    """
    x1 = positive(x1, "x1")
    x2 = positive(x2, "x2")
    tensors = {"v1": ad.Variable(x1, name="x1"), "v2": ad.Variable(x2, name="x2")}
    with ad.GradientTape(persistent=True) as tape:
        for name, op, inputs in TRACE:
            tensors[name] = getattr(ad, op)(*(tensors[i] for i in inputs))
    names = [name for name, _, _ in NODES]
    output = tensors[names[-1]]
    adjoints = tape.gradient(output, [tensors[n] for n in names])
    adjoint = dict(zip(names, (float(a.numpy()) for a in adjoints)))
    edges = []
    for name, op, inputs in TRACE:
        primitive = getattr(ad, op)
        args = [tensors[i] for i in inputs]
        for k, source in enumerate(inputs):
            rule = primitive.vjp(k)
            local = rule(ad.constant(1.0), tensors[name], *args)
            share = rule(ad.constant(adjoint[name]), tensors[name], *args)
            edges.append(
                {"source": source, "target": name, "local": float(local.numpy()), "share": float(share.numpy())}
            )
    return {
        "x1": x1,
        "x2": x2,
        "nodes": [{"name": name, "op": op, "inputs": list(inputs)} for name, op, inputs in NODES],
        "values": [float(tensors[n].numpy()) for n in names],
        "adjoints": [adjoint[n] for n in names],
        "edges": edges,
        "f": float(output.numpy()),
        "gradient": [adjoint["v1"], adjoint["v2"]],
    }


def _show(show: Any) -> str:
    if not isinstance(show, str) or show not in SHOWS:
        raise ValueError(f"show must be one of {SHOWS}; got show={show!r}")
    return show


def _number(value):
    return f"{value:.4g}".replace("-", "−")


def _box_text(name, run, show):
    """The numbers in a node's box, under its label: its value and/or its adjoint."""
    i = [n["name"] for n in run["nodes"]].index(name)
    lines = []
    if show in ("forward", "both"):
        lines.append(f"value {_number(run['values'][i])}")
    if show in ("backward", "both"):
        lines.append(f"adjoint {_number(run['adjoints'][i])}")
    return "\n".join(lines)


def _edge_text(edge, show):
    return _number(edge["local"] if show == "forward" else edge["share"])


def _title(show):
    return {
        "forward": "forward pass: values; on the edges, local derivatives ∂vⱼ/∂vᵢ",
        "backward": "backward pass: adjoints ∂f/∂vᵢ; on the edges, the shares v̄ⱼ·∂vⱼ/∂vᵢ",
        "both": "values and adjoints; on the edges, the shares v̄ⱼ·∂vⱼ/∂vᵢ",
    }[show]


#: Half the width of a node's box and the height of a line of its text, in data units of the axes.
BOX = (0.66, 0.235)


def _draw_graph(ax, run, show):
    """Draw the graph of ``run`` on ``ax``; return the text artists that change with the numbers.

    The boxes, labels, arrows and title are fixed; only the numbers (in the boxes and on the edges)
    change when the inputs move, so a redraw costs a few short texts.
    """
    from matplotlib.patches import FancyBboxPatch

    from momentum_lab import plotting

    backward = show == "backward"
    edge_color = plotting.PALETTE[1] if show != "forward" else "0.45"
    lines = 2 if show == "both" else 1
    half_h = (BOX[1] * (lines + 1) + 0.16) / 2
    texts, boxes = {}, {}
    for node in run["nodes"]:
        name = node["name"]
        x, y = POSITIONS[name]
        colour = plotting.PALETTE[0] if node["op"] == "input" else plotting.PALETTE[2]
        boxes[name] = ax.add_patch(
            FancyBboxPatch(
                (x - BOX[0], y - half_h),
                2 * BOX[0],
                2 * half_h,
                boxstyle="round,pad=0,rounding_size=0.08",
                linewidth=1.4,
                facecolor="white",
                edgecolor=colour,
                zorder=3,
            )
        )
        top = y + half_h - 0.08 - BOX[1] / 2
        ax.text(x, top, LABELS[name], ha="center", va="center", fontsize=11, zorder=4)
        texts["node", name] = ax.text(
            x, top - 0.12, _box_text(name, run, show), ha="center", va="top", fontsize=11, linespacing=1.25, zorder=4
        )
    for edge in run["edges"]:
        source, target = edge["source"], edge["target"]
        start, end = POSITIONS[source], POSITIONS[target]
        ends = boxes[source], boxes[target]
        if backward:  # the backward pass runs against the edges
            start, end, ends = end, start, ends[::-1]
        ax.annotate(
            "",
            xy=end,
            xytext=start,
            zorder=2,
            arrowprops={
                "arrowstyle": "-|>",
                "color": edge_color,
                "linewidth": 1.2,
                "patchA": ends[0],
                "patchB": ends[1],
                "shrinkA": 2,
                "shrinkB": 2,
            },
        )
        (xa, ya), (xb, yb) = POSITIONS[source], POSITIONS[target]
        texts["edge", source, target] = ax.text(
            0.5 * (xa + xb),
            0.5 * (ya + yb) + 0.13,
            _edge_text(edge, show),
            ha="center",
            va="bottom",
            fontsize=11,
            color="0.15",
            zorder=4,
        )
    ax.set_xlim(-0.8, 6.25)
    ax.set_ylim(-1.25, 2.85)
    ax.axis("off")
    ax.set_title(_title(show), fontsize=11)
    return texts


def _update_graph(texts, run, show):
    for edge in run["edges"]:
        texts["edge", edge["source"], edge["target"]].set_text(_edge_text(edge, show))
    for node in run["nodes"]:
        texts["node", node["name"]].set_text(_box_text(node["name"], run, show))


def graph_figure(x1: float = 2.0, x2: float = 4.0, show: str = "both", *, fig: Any = None) -> Any:
    """The chapter's graph with every node's value and adjoint at (x₁, x₂) (see ``SHOWS``).

    ``x1``, ``x2`` as in :func:`explore_graph`; ``show`` one of ``SHOWS``; ``fig`` None or a matplotlib
    Figure (ValueError/TypeError naming the argument otherwise).
    """
    import matplotlib.pyplot as plt

    show = _show(show)
    run = explore_graph(x1, x2)
    if check_figure(fig) is None:
        fig = plt.figure(figsize=(7.5, 4.2))
    ax = fig.add_subplot()
    _draw_graph(ax, run, show)
    ax.set_title(f"x₁ = {run['x1']:.4g}, x₂ = {run['x2']:.4g}: {_title(show)}", fontsize=11)
    fig.tight_layout()
    return fig


def _status(run):
    g1, g2 = run["gradient"]
    return (
        f"f({run['x1']:.2f}, {run['x2']:.2f}) = {_number(run['f'])}; the backward sweep gives "
        f"∇f = (∂f/∂x₁, ∂f/∂x₂) = ({_number(g1)}, {_number(g2)}) in one pass"
    )


def graph_widget(x1: float = 2.0, x2: float = 4.0, show: str = "both") -> Any:
    """Sliders for x₁ and x₂ and a menu for the pass to show, on the chapter's graph.

    The boxes and arrows are drawn once per choice of pass; a slider move recomputes the graph on the
    tape and redraws only the numbers (see :class:`~momentum_lab.widgets._base.BlitFigure`). The
    arguments are the starting values, checked as in :func:`graph_figure`.
    """
    show = _show(show)
    explore_graph(x1, x2)  # checks x1 and x2
    import ipywidgets as w
    from matplotlib.figure import Figure

    from momentum_lab.widgets._base import BlitFigure, figure_image, titled_box

    show = _show(show)
    lo, hi = INPUT_RANGE
    sliders = [
        w.FloatSlider(
            value=positive(value, name),
            min=lo,
            max=hi,
            step=INPUT_STEP,
            description=label,
            continuous_update=True,
            readout_format=".2f",
        )
        for value, name, label in ((x1, "x1", "x₁"), (x2, "x2", "x₂"))
    ]
    menu = w.Dropdown(
        options=[("forward pass", "forward"), ("backward pass", "backward"), ("both", "both")],
        value=show,
        description="show",
    )
    status = w.HTML()
    image = figure_image()
    state: dict[str, Any] = {}

    def build(_=None):
        run = explore_graph(sliders[0].value, sliders[1].value)
        fig = Figure(figsize=(7.5, 4.2), dpi=72)  # not pyplot's: the notebook must not display it too
        texts = _draw_graph(fig.add_subplot(), run, menu.value)
        fig.tight_layout()
        # Numbers that do not depend on the inputs (the adjoints below an addition or a subtraction,
        # and the local derivatives ±1 of those) stay in the background: only the others are redrawn.
        elsewhere = explore_graph(1.37 * run["x1"] + 0.11, 0.71 * run["x2"] + 0.23)
        probe = {key: artist.get_text() for key, artist in texts.items()}
        _update_graph(texts, elsewhere, menu.value)
        moving = {key: artist for key, artist in texts.items() if artist.get_text() != probe[key]}
        _update_graph(texts, run, menu.value)
        state.update(texts=texts, blit=BlitFigure(fig, list(moving.values())))
        redraw()

    def redraw(_=None):
        run = explore_graph(sliders[0].value, sliders[1].value)
        _update_graph(state["texts"], run, menu.value)
        image.value = state["blit"].image_bytes()
        status.value = _status(run)

    menu.observe(build, names="value")
    for slider in sliders:
        slider.observe(redraw, names="value")
    build()
    controls = w.HBox([*sliders, menu])
    return titled_box([controls, status, image], "Computational-graph explorer")


# ------------------------------------------------------------------------------ the page's explorer


def _page_compute(x1=2.0, x2=4.0, show="both"):
    """What the page draws: :func:`explore_graph`'s result, and the pass it shows."""
    return {**explore_graph(x1, x2), "show": _show(show)}


def _sample(rng):
    """Random slider positions, one in five at an end of its range (where 1/x₁ or 1/√x₂ is largest)."""
    lo, hi = INPUT_RANGE
    steps = int(round((hi - lo) / INPUT_STEP))
    params = {}
    for name in ("x1", "x2"):
        k = int(rng.choice([0, steps])) if rng.random() < 0.2 else int(rng.integers(0, steps + 1))
        params[name] = round(lo + INPUT_STEP * k, 2)
    params["show"] = SHOWS[int(rng.integers(len(SHOWS)))]
    return params


def _page_params(args, kwargs):
    names = ("x1", "x2", "show")
    params = dict(zip(names, args))
    params.update({k: v for k, v in kwargs.items() if k in names})
    return params


EXPLORERS = {
    "graph": web.Explorer(
        name="graph", compute=_page_compute, sample=_sample, widget="graph_widget", page_params=_page_params
    ),
}
