"""The loss chapters' explorers: their compute functions, checked against closed forms."""

import numpy as np
import pytest

from momentum_lab.widgets.losses import (
    FAMILIES,
    SEGMENTATION_LOSSES,
    disc_probabilities,
    explore_losses,
    explore_segmentation,
)

# ------------------------------------------------------------------------------- loss explorer

# (name, value, slope, curvature) as closed forms in the residual e (Huber with δ = 1.2).
DELTA = 1.2
REGRESSION_FORMS = [
    ("squared", lambda e: e**2, lambda e: 2 * e, lambda e: 2 + 0 * e),
    ("absolute", np.abs, np.sign, lambda e: 0 * e),
    (
        "huber",
        lambda e: np.where(np.abs(e) <= DELTA, 0.5 * e**2, DELTA * np.abs(e) - 0.5 * DELTA**2),
        lambda e: np.clip(e, -DELTA, DELTA),
        lambda e: (np.abs(e) <= DELTA).astype(float),
    ),
    ("log-cosh", lambda e: np.log(np.cosh(e)), np.tanh, lambda e: 1 / np.cosh(e) ** 2),
]

# ... and in the margin m (label +1, so the margin is the score).
MARGIN_FORMS = [
    ("0-1", lambda m: (m <= 0).astype(float), lambda m: 0 * m, lambda m: 0 * m),
    ("hinge", lambda m: np.maximum(0, 1 - m), lambda m: -(m < 1).astype(float), lambda m: 0 * m),
    (
        "squared hinge",
        lambda m: np.maximum(0, 1 - m) ** 2,
        lambda m: -2 * np.maximum(0, 1 - m),
        lambda m: 2 * (m < 1).astype(float),
    ),
    (
        "logistic",
        lambda m: np.log1p(np.exp(-m)),
        lambda m: -1 / (1 + np.exp(m)),
        lambda m: np.exp(m) / (1 + np.exp(m)) ** 2,
    ),
    ("exponential", lambda m: np.exp(-m), lambda m: -np.exp(-m), lambda m: np.exp(-m)),
]


def _away_from_kinks(x, kinks):
    return np.all(np.abs(x[:, None] - np.asarray(kinks)[None, :]) > 1e-6, axis=1)


@pytest.mark.parametrize(
    "family, forms, kinks",
    [
        ("regression", REGRESSION_FORMS, [0.0, DELTA, -DELTA]),
        ("classification", MARGIN_FORMS, [0.0, 1.0]),
    ],
    ids=["regression", "classification"],
)
def test_curves_match_closed_forms_away_from_kinks(family, forms, kinks):
    run = explore_losses(family, point=0.3, delta=DELTA, n=161)
    x = run["x"]
    keep = _away_from_kinks(x, kinks)
    assert set(run["curves"]) == set(FAMILIES[family])
    for name, value, slope, curvature in forms:
        curve = run["curves"][name]
        np.testing.assert_allclose(curve["value"][keep], value(x[keep]), atol=1e-12, err_msg=name)
        np.testing.assert_allclose(curve["slope"][keep], slope(x[keep]), atol=1e-12, err_msg=name)
        np.testing.assert_allclose(curve["curvature"][keep], curvature(x[keep]), atol=1e-12, err_msg=name)


@pytest.mark.parametrize("family, name", [(f, n) for f, names in FAMILIES.items() for n in names])
def test_point_values_agree_with_the_grid_and_with_finite_differences(family, name):
    point, h = 0.37, 1e-5
    run = explore_losses(family, [name], point=point, delta=0.8)
    at = run["at"][name]
    nearby = explore_losses(family, [name], point=point + h, delta=0.8)["at"][name]
    before = explore_losses(family, [name], point=point - h, delta=0.8)["at"][name]
    assert at["slope"] == pytest.approx((nearby["value"] - before["value"]) / (2 * h), abs=1e-6)
    assert at["curvature"] == pytest.approx((nearby["slope"] - before["slope"]) / (2 * h), abs=1e-4)
    on_grid = explore_losses(family, [name], point=1.0, delta=0.8, lim=4.0, n=9)  # grid has x = 1.0
    assert on_grid["at"][name]["value"] == pytest.approx(on_grid["curves"][name]["value"][5])


def test_mse_is_twice_the_quadratic_part_of_huber():
    # The library's MSE is e² (Keras and PyTorch), Huber's quadratic piece ½e²: curvatures 2 and 1.
    run = explore_losses("regression", ["squared", "huber"], point=0.1, delta=1.0)
    assert run["at"]["squared"]["curvature"] == pytest.approx(2.0)
    assert run["at"]["huber"]["curvature"] == pytest.approx(1.0)


def test_huge_margins_stay_finite_where_the_formula_allows():
    run = explore_losses("classification", ["logistic", "hinge"], point=-50.0, lim=60.0, n=7)
    for name in ("logistic", "hinge"):
        assert np.all(np.isfinite(run["curves"][name]["value"]))
    assert run["at"]["logistic"]["value"] == pytest.approx(50.0)
    assert run["at"]["logistic"]["slope"] == pytest.approx(-1.0)


@pytest.mark.parametrize(
    "kwargs, error, text",
    [
        ({"family": "ranking"}, ValueError, "family must be one of"),
        ({"family": "regression", "names": ["hinge"]}, ValueError, "names must be among"),
        ({"delta": 0.0}, ValueError, "delta must be > 0"),
        ({"point": "1"}, TypeError, "point must be a real number"),
        ({"n": 2}, ValueError, "n must be >= 3"),
    ],
)
def test_explore_losses_rejects_bad_arguments(kwargs, error, text):
    with pytest.raises(error, match=text):
        explore_losses(**kwargs)


# ----------------------------------------------------------------------- segmentation explorer


def test_disc_masks():
    hard = disc_probabilities(9, (4, 4), 2.0)
    assert hard.sum() == 13  # pixel centres within distance 2 of the centre: 1 + 4 + 4 + 4
    assert disc_probabilities(9, (4, 4), 0.0).sum() == 0
    soft = disc_probabilities(9, (4, 4), 2.0, softness=0.5)
    assert soft[4, 4] == pytest.approx(1 / (1 + np.exp(-4.0)))
    assert np.all((soft > 0) & (soft < 1))
    stack = disc_probabilities(9, (4, 4), np.array([0.0, 1.0, 2.0]))
    assert stack.shape == (3, 9, 9) and list(stack.sum(axis=(1, 2))) == [0, 5, 13]


def test_counts_add_up_and_a_perfect_prediction_costs_nothing():
    run = explore_segmentation(shift=3, radius=6, softness=0.7)
    assert run["tp"] + run["fn"] == pytest.approx(run["g"].sum())
    assert run["tp"] + run["fp"] == pytest.approx(run["p"].sum())
    perfect = explore_segmentation()
    assert perfect["fp"] == perfect["fn"] == 0
    assert all(value == 0 for value in perfect["losses"].values())


def test_empty_mask_and_empty_prediction_cost_nothing_and_stay_finite():
    for smooth in (1.0, 0.0):
        run = explore_segmentation(radius=0, true_radius=0, smooth=smooth)
        assert run["tp"] == run["fp"] == run["fn"] == 0
        assert all(value == 0 for value in run["losses"].values())
        assert all(np.all(np.isfinite(curve)) for curve in run["sweep"].values())


@pytest.mark.parametrize("alpha, beta, same_as", [(0.5, 0.5, "dice"), (1.0, 1.0, "jaccard")])
def test_tversky_special_cases(alpha, beta, same_as):
    # Exact without smoothing only: with s, Tversky(½, ½) = (TP + s)/(TP + ½FP + ½FN + s) is Dice with 2s.
    run = explore_segmentation(shift=2.5, radius=7, softness=0.5, alpha=alpha, beta=beta, gamma=1.0, smooth=0.0)
    assert run["losses"]["tversky"] == pytest.approx(run["losses"][same_as])
    assert run["losses"]["focal tversky"] == pytest.approx(run["losses"]["tversky"])  # γ = 1
    np.testing.assert_allclose(run["sweep"]["tversky"], run["sweep"][same_as])


def test_beta_above_alpha_punishes_missed_pixels_more_than_extra_pixels():
    # Shrinking the disc (true radius 8) gives only false negatives, growing it only false positives.
    # With β > α, 96 missed pixels cost more than 108 extra ones; with α > β it is the other way round.
    shrunk = explore_segmentation(radius=6.0, alpha=0.3, beta=0.7)
    grown = explore_segmentation(radius=10.0, alpha=0.3, beta=0.7)
    assert (shrunk["fp"], shrunk["fn"], grown["fp"], grown["fn"]) == (0, 96, 108, 0)
    assert shrunk["losses"]["tversky"] > grown["losses"]["tversky"]
    assert shrunk["losses"]["dice"] > grown["losses"]["dice"]  # Dice too: TP is larger when grown
    shrunk_fp_heavy = explore_segmentation(radius=6.0, alpha=0.7, beta=0.3)
    grown_fp_heavy = explore_segmentation(radius=10.0, alpha=0.7, beta=0.3)
    assert shrunk_fp_heavy["losses"]["tversky"] < grown_fp_heavy["losses"]["tversky"]


def test_sweep_matches_single_predictions_and_can_be_skipped():
    radii = np.array([3.0, 8.0, 11.5])
    run = explore_segmentation(shift=-1.5, softness=0.4, alpha=0.2, beta=0.8, gamma=2.0, radii=radii)
    for i, r in enumerate(radii):
        single = explore_segmentation(shift=-1.5, radius=r, softness=0.4, alpha=0.2, beta=0.8, gamma=2.0, sweep=False)
        assert single["sweep"] is None
        for name in SEGMENTATION_LOSSES:
            assert run["sweep"][name][i] == pytest.approx(single["losses"][name])


@pytest.mark.parametrize(
    "kwargs, text",
    [
        ({"radius": -1.0}, "radius must be >= 0"),
        ({"alpha": -0.1}, "alpha must be >= 0"),
        ({"gamma": 0.0}, "gamma must be > 0"),
        ({"size": 2}, "size must be >= 4"),
    ],
)
def test_explore_segmentation_rejects_bad_arguments(kwargs, text):
    with pytest.raises(ValueError, match=text):
        explore_segmentation(**kwargs)


# ------------------------------------------------------------------------------ figures, widgets


def _sliders(widget):
    import ipywidgets as w

    found, stack = [], [widget]
    while stack:
        node = stack.pop(0)
        if isinstance(node, w.FloatSlider):
            found.append(node)
        stack.extend(getattr(node, "children", ()))
    return found


def test_figures_and_widgets_build_and_respond():
    pytest.importorskip("matplotlib")
    pytest.importorskip("ipywidgets")
    import ipywidgets as w
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from momentum_lab.widgets.losses import loss_figure, loss_widget, segmentation_figure, segmentation_widget

    for family in FAMILIES:
        fig = loss_figure(family, point=0.5)
        assert len(fig.axes) == 3
        plt.close(fig)
    fig = segmentation_figure(shift=2, radius=6, softness=1.0)
    assert len(fig.axes) == 3
    plt.close(fig)

    explorer = loss_widget()
    assert repr(explorer) == "Loss explorer (interactive: move the sliders in a running notebook)"
    image = [c for c in explorer.children[1].children if isinstance(c, w.Image)][0]
    before = image.value
    point = [s for s in _sliders(explorer) if s.description == "point"][0]
    point.value = -2.0
    assert image.value != before
    menu = [c for c in explorer.children[0].children[0].children if isinstance(c, w.Dropdown)][0]
    menu.value = "classification"
    point.value = 0.5
    assert "0.50" in explorer.children[1].children[1].value  # the table names the point

    seg = segmentation_widget()
    assert repr(seg) == "Segmentation-loss explorer (interactive: move the sliders in a running notebook)"
    sliders = {s.description: s for s in _sliders(seg)}
    status = seg.children[1]
    sliders["predicted radius"].value = 5.0
    assert "<b>FP</b> 0.00" in status.value
    sliders["true radius"].value = 0.0
    assert "<b>TP</b> 0.00" in status.value
    for name in ("shift", "edge softness", "α (FP)", "β (FN)", "γ (focal)"):
        sliders[name].value = sliders[name].max
    plt.close("all")


# ------------------------------------------------------------------------- the page's explorers


def _samples(name, count=300):
    from momentum_lab.widgets import losses

    rng = np.random.default_rng(7)
    return [losses.EXPLORERS[name].sample(rng) for _ in range(count)]


def test_loss_explorer_samples_cover_every_control_and_compute_plain_json():
    import json

    from momentum_lab.widgets import losses, web

    samples = _samples("losses")
    assert {s["family"] for s in samples} == set(FAMILIES)
    assert any(s["names"] is None for s in samples)
    shown = {name for s in samples if s["names"] for name in s["names"]}
    assert shown == {name for names in FAMILIES.values() for name in names}
    points = np.array([s["point"] for s in samples])
    assert points.min() == -4.0 and points.max() == 4.0 and np.any(points == 0.0) and np.any(points == 1.0)
    assert any(s["point"] == s["delta"] for s in samples)  # on Huber's kink
    deltas = np.array([s["delta"] for s in samples])
    assert deltas.min() == 0.1 and deltas.max() == 3.0
    for params in samples[:40]:
        result = web.compute("losses", params)
        json.dumps(result, allow_nan=False)
        direct = explore_losses(params["family"], params["names"], params["point"], params["delta"])
        assert set(result) == set(direct)
        assert list(result["curves"]) == list(direct["curves"])
        np.testing.assert_array_equal(result["x"], direct["x"])
        for name, curve in direct["curves"].items():
            for kind in ("value", "slope", "curvature"):
                np.testing.assert_array_equal(result["curves"][name][kind], curve[kind])
                assert result["at"][name][kind] == direct["at"][name][kind]
    assert losses.EXPLORERS["losses"].widget == "loss_widget"


def test_loss_explorer_starts_on_the_widgets_family():
    from momentum_lab.widgets import losses

    page_params = losses.EXPLORERS["losses"].page_params
    assert page_params(("classification",), {}) == {"family": "classification"}
    assert page_params((), {"family": "regression"}) == {"family": "regression"}
    assert page_params((), {}) == {"family": "regression"}
    with pytest.raises(ValueError, match="family must be one of"):
        page_params(("ranking",), {})


def test_segmentation_explorer_samples_cover_every_slider_and_compute_plain_json():
    import json

    from momentum_lab.widgets import losses, web

    samples = _samples("segmentation")
    ranges = {
        "shift": (-12.0, 12.0),
        "radius": (0.0, 16.0),
        "true_radius": (0.0, 14.0),
        "alpha": (0.0, 1.0),
        "beta": (0.05, 1.0),  # the β slider starts at 0.05: α = β = 0 is refused
        "gamma": (0.5, 3.0),
    }
    for key, (lo, hi) in ranges.items():
        values = np.array([s[key] for s in samples])
        assert values.min() == lo and values.max() == hi, key
    softness = np.array([s["softness"] for s in samples])
    assert np.any(softness == 0.0) and 3.5 < softness.max() <= 4.0
    assert any(s["true_radius"] == 0.0 and s["radius"] == 0.0 for s in samples) or any(
        s["true_radius"] == 0.0 for s in samples
    )
    for params in samples[:25]:
        result = web.compute("segmentation", params)
        json.dumps(result, allow_nan=False)
        direct = explore_segmentation(
            params["shift"],
            params["radius"],
            params["softness"],
            params["alpha"],
            params["beta"],
            params["gamma"],
            true_radius=params["true_radius"],
        )
        assert set(result) == set(direct)
        assert result["losses"] == direct["losses"]
        np.testing.assert_array_equal(result["sweep"]["dice"], direct["sweep"]["dice"])
    explorer = losses.EXPLORERS["segmentation"]
    assert explorer.widget == "segmentation_widget"
    assert explorer.page_params((), {}) == {"size": 32}
    assert explorer.page_params((24,), {}) == {"size": 24}
