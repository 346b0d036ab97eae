"""Chapter 9's explorer: the temperature-scaled cross-entropy, its gradient and the softened probabilities."""

import json
import math

import numpy as np
import pytest

from momentum_lab.widgets import web
from momentum_lab.widgets.temperature import (
    DEFAULT_LOGITS,
    LOGIT_RANGE,
    T_RANGE,
    _page_params,
    _sample,
    at,
    explore_temperature,
)


def test_a_hand_worked_example():
    # z = (ln 2, 0), true class 0.
    #   T = 1:   softmax = (2, 1)/3; loss = −log(2/3) = log 1.5; ∂ℓ/∂z = (2/3 − 1, 1/3) = (−1/3, 1/3).
    #   T = 1/2: z/T = (2 ln 2, 0), softmax = (4, 1)/5; loss = log 1.25; ∂ℓ/∂z = (−1/5, 1/5)/(1/2) = (−0.4, 0.4).
    z = (math.log(2.0), 0.0)
    point = at(explore_temperature(1.0, 0, z))
    assert point["loss"] == pytest.approx(math.log(1.5), rel=1e-15)
    np.testing.assert_allclose(point["probabilities"], [2 / 3, 1 / 3], rtol=1e-15)
    np.testing.assert_allclose(point["gradient"], [-1 / 3, 1 / 3], rtol=1e-14)
    point = at(explore_temperature(0.5, 0, z))
    assert point["loss"] == pytest.approx(math.log(1.25), rel=1e-14)
    np.testing.assert_allclose(point["probabilities"], [0.8, 0.2], rtol=1e-14)
    np.testing.assert_allclose(point["gradient"], [-0.4, 0.4], rtol=1e-13)


def _closed_form(z, T, label):
    scaled = np.asarray(z, dtype=float) / T
    shifted = scaled - scaled.max()
    p = np.exp(shifted) / np.exp(shifted).sum()
    y = np.eye(len(z))[label]
    return np.log(np.exp(shifted).sum()) - shifted[label], (p - y) / T, p


@pytest.mark.parametrize(
    "T, label, z",
    [
        (0.6, 0, DEFAULT_LOGITS),
        (0.05, 2, (4.9, -5.0, 0.3)),
        (20.0, 1, (1.0, 1.0, -2.0)),
        (2.7, 1, (0.0, 3.3, 3.3, -1.0)),
    ],
)
def test_grid_and_point_match_the_closed_forms_and_finite_differences(T, label, z):
    run = explore_temperature(T, label, z, n=41)
    grid = np.geomspace(*T_RANGE, 41)
    k = run["index"]
    assert run["temperatures"][k] == T and (k == 0 or grid[k - 1] < T) and (k == 41 or grid[k] >= T)
    np.testing.assert_array_equal(np.delete(run["temperatures"], k), grid)
    for k, t in enumerate(run["temperatures"]):
        loss, gradient, p = _closed_form(z, t, label)
        assert run["curves"]["loss"][k] == pytest.approx(loss, rel=1e-12, abs=1e-14)
        # p − y cancels where p ≈ 1: allow a few rounding errors of 1, divided by T
        np.testing.assert_allclose(run["curves"]["gradient"][k], gradient, rtol=1e-12, atol=1e-14 / t)
        np.testing.assert_allclose(run["curves"]["probabilities"][k], p, rtol=1e-12, atol=1e-300)
    h = 1e-6
    for c in range(len(z)):
        plus, minus = list(z), list(z)
        plus[c] += h
        minus[c] -= h
        numeric = (
            at(explore_temperature(T, label, plus, n=2))["loss"] - at(explore_temperature(T, label, minus, n=2))["loss"]
        ) / (2 * h)
        assert at(run)["gradient"][c] == pytest.approx(numeric, rel=1e-6, abs=1e-7)
    assert sum(at(run)["gradient"]) == pytest.approx(0.0, abs=1e-12)  # softmax − one-hot sums to 0


def test_low_temperature_sharpens_and_high_temperature_flattens():
    right = at(explore_temperature(0.05, 0, DEFAULT_LOGITS))  # the true class has the largest logit
    assert right["loss"] < 1e-12 and right["probabilities"][0] == pytest.approx(1.0)
    wrong = at(explore_temperature(0.05, 2, DEFAULT_LOGITS))  # the smallest: loss ≈ (z₁ − z₃)/T = 60
    assert wrong["loss"] == pytest.approx(3.0 / 0.05, rel=1e-12)
    np.testing.assert_allclose(wrong["gradient"], [20.0, 0.0, -20.0], atol=1e-11)
    flat = at(explore_temperature(1e4, 0, DEFAULT_LOGITS, t_max=2e4))
    np.testing.assert_allclose(flat["probabilities"], [1 / 3] * 3, rtol=1e-3)
    np.testing.assert_allclose(flat["gradient"], np.array([-2 / 3, 1 / 3, 1 / 3]) / 1e4, rtol=1e-3)


def test_extreme_scaled_logits_stay_finite():
    run = explore_temperature(1e-3, 1, (5.0, -5.0), t_min=1e-3, t_max=1.0, n=5)
    for key in ("loss", "gradient", "probabilities"):
        assert np.all(np.isfinite(run["curves"][key]))
    assert at(run)["loss"] == pytest.approx(10.0 / 1e-3)  # z/T = ±5000: no overflow


@pytest.mark.parametrize(
    "kwargs, error, text",
    [
        ({"temperature": 0.0}, ValueError, "temperature must be > 0; got temperature=0.0"),
        ({"temperature": "hot"}, TypeError, "temperature must be a real number"),
        ({"label": 3}, ValueError, r"label must be in \[0, 2\] \(3 logits\); got label=3"),
        ({"label": 1.0}, TypeError, "label must be an integer class index"),
        ({"logits": [1.0]}, ValueError, "logits must hold at least two classes"),
        ({"logits": [[1.0, 2.0]]}, ValueError, "logits must have 1 dimension"),
        ({"logits": [1.0, float("inf")]}, ValueError, "logits must contain only finite numbers"),
        ({"t_min": 2.0, "t_max": 1.0}, ValueError, "t_min must be below t_max"),
        ({"n": 1}, ValueError, "n must be >= 2"),
    ],
)
def test_bad_inputs_are_rejected_with_the_argument_named(kwargs, error, text):
    with pytest.raises(error, match=text):
        explore_temperature(**kwargs)


def test_the_page_compute_is_plain_json():
    params = {"temperature": 0.05, "label": 2, "logits": [5.0, -5.0, 5.0]}
    result = web.compute("temperature", params)
    json.dumps(result, allow_nan=False)
    assert result == web.to_json(explore_temperature(**params))
    assert len(result["temperatures"]) == 122 and len(result["curves"]["gradient"][0]) == 3
    assert result["index"] == 0 and result["temperatures"][:2] == [0.05, 0.05]  # T = t_min goes first


def test_sample_covers_every_control_within_its_range():
    rng = np.random.default_rng(0)
    samples = [_sample(rng) for _ in range(300)]
    temperatures = [s["temperature"] for s in samples]
    assert min(temperatures) == T_RANGE[0] and max(temperatures) == T_RANGE[1]
    assert all(T_RANGE[0] <= t <= T_RANGE[1] for t in temperatures)
    assert {s["label"] for s in samples} == {0, 1, 2}
    logits = np.array([s["logits"] for s in samples])
    assert logits.min() == LOGIT_RANGE[0] and logits.max() == LOGIT_RANGE[1]
    assert any(s["logits"][0] == s["logits"][1] for s in samples)  # ties are drawn too
    for s in samples[:20]:
        json.dumps(web.compute("temperature", s), allow_nan=False)


def test_page_params_come_from_the_widget_call():
    assert _page_params((), {}) == {}
    assert _page_params((0.6,), {"logits": (1, 2, 3), "label": 1}) == {
        "temperature": 0.6,
        "label": 1,
        "logits": [1.0, 2.0, 3.0],
    }
    assert web.by_widget()["temperature_widget"].name == "temperature"


def test_figure_and_widget_build_and_respond():
    pytest.importorskip("ipywidgets")
    import ipywidgets as w
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from momentum_lab.widgets.temperature import temperature_figure, temperature_widget

    fig = temperature_figure(0.3, 1)
    assert len(fig.axes) == 3
    plt.close(fig)

    explorer = temperature_widget()
    assert repr(explorer) == "Temperature explorer (interactive: move the sliders in a running notebook)"
    controls, status, image = explorer.children
    (slider_t, menu), logits = controls.children[0].children, controls.children[1].children
    assert isinstance(slider_t, w.FloatLogSlider) and isinstance(image, w.Image)
    assert "T = 0.6" in status.value
    before = image.value
    slider_t.value = 2.0
    assert image.value != before and "T = 2" in status.value
    menu.value = 2
    loss, _, _ = _closed_form(DEFAULT_LOGITS, 2.0, 2)
    assert f"loss = {loss:.4g}" in status.value
    logits[2].value = 5.0  # class 3 becomes the most likely; the gradient's range grows
    loss, _, _ = _closed_form((2.0, 0.5, 5.0), 2.0, 2)
    assert f"loss = {loss:.4g}" in status.value
    plt.close("all")
