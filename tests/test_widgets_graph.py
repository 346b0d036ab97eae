"""Chapter 4's explorer: the computational graph of f(x₁, x₂) = ln x₁ + x₁x₂ − √x₂ on the tape."""

import json
import math

import numpy as np
import pytest

from momentum_lab.widgets import web
from momentum_lab.widgets.graph import (
    EDGES,
    INPUT_RANGE,
    NODES,
    SHOWS,
    TRACE,
    _page_compute,
    _page_params,
    _sample,
    explore_graph,
)

NAMES = [name for name, _, _ in NODES]


def test_the_chapters_hand_worked_example_at_2_4():
    # The chapter's tables at (x₁, x₂) = (2, 4):
    #   values:   v₁ = 2, v₂ = 4, v₃ = ln 2, v₄ = 2·4 = 8, v₅ = ln 2 + 8, v₆ = √4 = 2, v₇ = v₅ − v₆ = 6 + ln 2
    #   adjoints: v̄₇ = 1; v̄₅ = 1, v̄₆ = −1; v̄₃ = v̄₄ = 1; v̄₂ = −1/(2·2) + 1·v₁ = −0.25 + 2 = 1.75;
    #             v̄₁ = 1·v₂ + 1/v₁ = 4 + 0.5 = 4.5
    run = explore_graph(2.0, 4.0)
    assert [n["name"] for n in run["nodes"]] == ["v1", "v2", "v3", "v4", "v5", "v6", "v7"]
    assert [n["op"] for n in run["nodes"]] == ["input", "input", "log", "multiply", "add", "sqrt", "subtract"]
    assert run["nodes"][3]["inputs"] == ["v1", "v2"]
    ln2 = math.log(2.0)
    np.testing.assert_allclose(run["values"], [2, 4, ln2, 8, 8 + ln2, 2, 6 + ln2], rtol=1e-15)
    np.testing.assert_allclose(run["adjoints"], [4.5, 1.75, 1, 1, 1, -1, 1], rtol=1e-15)
    assert run["gradient"] == [4.5, 1.75]
    assert run["f"] == pytest.approx(6.6931, abs=5e-5)
    # Edge by edge: ∂target/∂source, and the share v̄_target · ∂target/∂source the sweep sends back.
    edges = {(e["source"], e["target"]): (e["local"], e["share"]) for e in run["edges"]}
    assert edges == {
        ("v1", "v3"): (0.5, 0.5),
        ("v1", "v4"): (4.0, 4.0),
        ("v2", "v4"): (2.0, 2.0),
        ("v3", "v5"): (1.0, 1.0),
        ("v4", "v5"): (1.0, 1.0),
        ("v2", "v6"): (0.25, -0.25),
        ("v5", "v7"): (1.0, 1.0),
        ("v6", "v7"): (-1.0, -1.0),
    }


NUMPY_OPS = {"log": np.log, "multiply": np.multiply, "add": np.add, "sqrt": np.sqrt, "subtract": np.subtract}


def _f_with_node_moved(x1, x2, node, h):
    """f from a plain NumPy run of the trace, with ``node``'s value shifted by ``h`` (later nodes follow)."""
    values = {"v1": x1, "v2": x2}
    if node in values:
        values[node] += h
    for name, op, inputs in TRACE:
        values[name] = NUMPY_OPS[op](*(values[i] for i in inputs)) + (h if name == node else 0.0)
    return values["v7"]


@pytest.mark.parametrize("x1, x2", [(2.0, 4.0), (0.05, 6.0), (5.95, 0.05), (0.7, 1.3), (3.25, 2.5)])
def test_every_adjoint_matches_finite_differences_and_the_closed_form_gradient(x1, x2):
    run = explore_graph(x1, x2)
    for i, name in enumerate(NAMES):
        h = 1e-6 * max(1.0, abs(run["values"][i]))
        numeric = (_f_with_node_moved(x1, x2, name, h) - _f_with_node_moved(x1, x2, name, -h)) / (2 * h)
        assert run["adjoints"][i] == pytest.approx(numeric, rel=1e-6, abs=1e-6), name
    assert run["gradient"] == pytest.approx([1 / x1 + x2, x1 - 1 / (2 * math.sqrt(x2))], rel=1e-14)
    assert run["f"] == pytest.approx(math.log(x1) + x1 * x2 - math.sqrt(x2), rel=1e-14)


@pytest.mark.parametrize("x1, x2", [(2.0, 4.0), (0.35, 5.1)])
def test_each_adjoint_is_the_sum_of_the_shares_its_outgoing_edges_send_back(x1, x2):
    run = explore_graph(x1, x2)
    adjoint = dict(zip(NAMES, run["adjoints"]))
    value = dict(zip(NAMES, run["values"]))
    for name in NAMES[:-1]:
        shares = [e["share"] for e in run["edges"] if e["source"] == name]
        assert sum(shares) == pytest.approx(adjoint[name], rel=1e-15), name
    for edge in run["edges"]:
        assert edge["share"] == pytest.approx(adjoint[edge["target"]] * edge["local"], rel=1e-15)
    # the local derivatives are the chapter's: 1/v₁, v₂, v₁, 1, 1, 1/(2√v₂), 1, −1
    local = {(e["source"], e["target"]): e["local"] for e in run["edges"]}
    assert local["v1", "v3"] == pytest.approx(1 / value["v1"])
    assert local["v1", "v4"] == value["v2"] and local["v2", "v4"] == value["v1"]
    assert local["v2", "v6"] == pytest.approx(1 / (2 * math.sqrt(value["v2"])))
    assert [e["source"] + e["target"] for e in run["edges"]] == [a + b for a, b in EDGES]


@pytest.mark.parametrize(
    "kwargs, error, text",
    [
        ({"x1": 0.0}, ValueError, "x1 must be > 0; got x1=0.0"),
        ({"x2": -1.0}, ValueError, "x2 must be > 0; got x2=-1.0"),
        ({"x1": "2"}, TypeError, "x1 must be a real number"),
        ({"x2": float("nan")}, ValueError, "x2 must be finite"),
    ],
)
def test_bad_inputs_are_rejected_with_the_argument_named(kwargs, error, text):
    with pytest.raises(error, match=text):
        explore_graph(**kwargs)


def test_the_page_compute_is_plain_json_and_rejects_an_unknown_pass():
    result = web.compute("graph", {"x1": 0.05, "x2": 6.0, "show": "backward"})
    json.dumps(result, allow_nan=False)
    assert result["show"] == "backward"
    assert {k: v for k, v in result.items() if k != "show"} == web.to_json(explore_graph(0.05, 6.0))
    with pytest.raises(ValueError, match="show must be one of"):
        _page_compute(2.0, 4.0, show="sideways")


def test_sample_covers_every_control_within_its_range():
    rng = np.random.default_rng(0)
    samples = [_sample(rng) for _ in range(400)]
    lo, hi = INPUT_RANGE
    for key in ("x1", "x2"):
        values = [s[key] for s in samples]
        assert min(values) == lo and max(values) == hi  # both ends of the slider are drawn
        assert all(abs(v / 0.05 - round(v / 0.05)) < 1e-9 for v in values)  # on the slider's steps
    assert {s["show"] for s in samples} == set(SHOWS)
    for s in samples[:20]:
        json.dumps(web.compute("graph", s), allow_nan=False)


def test_page_params_come_from_the_widget_call():
    assert _page_params((), {}) == {}
    assert _page_params((1.0, 3.0), {"show": "forward"}) == {"x1": 1.0, "x2": 3.0, "show": "forward"}
    assert web.by_widget()["graph_widget"].name == "graph"


def test_figure_and_widget_build_and_respond():
    pytest.importorskip("ipywidgets")
    import ipywidgets as w
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from momentum_lab.widgets.graph import graph_figure, graph_widget

    for show in SHOWS:
        fig = graph_figure(1.0, 2.0, show)
        texts = [t.get_text() for t in fig.axes[0].texts]
        assert any("adjoint" in t for t in texts) == (show != "forward")
        assert any("value" in t for t in texts) == (show != "backward")
        plt.close(fig)
    with pytest.raises(ValueError, match="show must be one of"):
        graph_figure(show="all")

    explorer = graph_widget()
    assert repr(explorer) == "Computational-graph explorer (interactive: move the sliders in a running notebook)"
    controls, status, image = explorer.children
    x1, x2, menu = controls.children
    assert isinstance(x1, w.FloatSlider) and isinstance(image, w.Image)
    assert "(4.5, 1.75)" in status.value
    before = image.value
    x1.value = 1.0  # ∇f(1, 4) = (1 + 4, 1 − 1/4)
    assert image.value != before
    assert "(5, 0.75)" in status.value
    menu.value = "backward"
    x2.value = 1.0  # ∇f(1, 1) = (2, 0.5)
    assert "(2, 0.5)" in status.value
    plt.close("all")
