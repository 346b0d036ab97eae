"""Chapter 12's explorer: Adam beside the heavy ball (momentum_lab.widgets.adaptive) and its page form."""

import json

import numpy as np
import pytest

from momentum_lab import landscapes
from momentum_lab.optim import Adam, ClassicalMomentum, trajectory
from momentum_lab.widgets.adaptive import DEFAULTS, EXPLORERS, effective_steps, explore_adam


@pytest.mark.parametrize("name", list(landscapes.CATALOGUE))
def test_presets_make_progress_with_both_methods(name):
    run = explore_adam(name)
    surface = run["landscape"]
    for key in ("adam", "momentum"):
        gaps = run[key]["losses"] - surface.minimum
        assert not run[key]["diverged"] and gaps[-1] < 0.5 * gaps[0], (name, key)
    assert (run["lr"], run["hb_lr"]) == DEFAULTS[name]


def test_runs_are_the_library_optimizers_from_the_same_start():
    run = explore_adam("valley", lr=0.2, beta1=0.8, beta2=0.99, eps=1e-6, hb_lr=0.02, start=(-1.5, 1.0), steps=80)
    surface = run["landscape"]
    adam = trajectory(surface.grad, [-1.5, 1.0], Adam(0.2, (0.8, 0.99), 1e-6), 80)
    hb = trajectory(surface.grad, [-1.5, 1.0], ClassicalMomentum(0.02, 0.8), 80)
    np.testing.assert_array_equal(run["adam"]["path"], adam)
    np.testing.assert_array_equal(run["momentum"]["path"], hb)
    L = np.linalg.eigvalsh(surface.hessian(surface.minimizers[0]))[-1]
    assert run["lr_limit"] == pytest.approx(2 * 1.8 / L, rel=1e-15)


def test_effective_steps_are_what_multiplies_m_in_adams_last_step():
    surface = landscapes.get("narrow bowl")
    x = np.array(surface.default_start, dtype=float)
    opt = Adam(0.05, (0.9, 0.99), 1e-3)
    path = [x.copy()]
    for _ in range(25):
        opt.step(x, surface.grad(x))
        path.append(x.copy())
    v = opt.state[x]["exp_avg_sq"]
    t = opt.state[x]["step"]
    expected = 0.05 / (1 - 0.9**t) / (np.sqrt(v) / np.sqrt(1 - 0.99**t) + 1e-3)
    np.testing.assert_allclose(effective_steps(surface, np.array(path), 0.05, 0.9, 0.99, 1e-3), expected, rtol=1e-14)
    np.testing.assert_array_equal(effective_steps(surface, np.array(path[:1]), 0.05, 0.9, 0.99, 1e-3), [0.0, 0.0])


def test_adam_equalises_the_axes_of_the_narrow_bowl_early_on():
    # Adam's first step has length η along every axis whatever the curvature: the effective steps of the
    # two coordinates are in the inverse ratio of their gradients.
    run = explore_adam("narrow bowl", lr=0.1, eps=1e-12, steps=1)
    step = run["adam"]["path"][1] - run["adam"]["path"][0]
    np.testing.assert_allclose(np.abs(step), [0.1, 0.1], rtol=1e-9)


@pytest.mark.parametrize(
    "kwargs, error, phrase",
    [
        ({"lr": 0.0}, ValueError, "lr must be > 0"),
        ({"hb_lr": -1.0}, ValueError, "hb_lr must be > 0"),
        ({"beta1": 1.0}, ValueError, "beta1 must be in [0, 1)"),
        ({"beta2": -0.1}, ValueError, "beta2 must be in [0, 1)"),
        ({"eps": 0.0}, ValueError, "eps must be > 0"),
        ({"steps": 0}, ValueError, "steps must be >= 1"),
        ({"steps": 1001}, ValueError, "steps must be <= 1000"),
        ({"beta1": "0.9"}, TypeError, "beta1 must be a real number"),
    ],
)
def test_bad_arguments_are_named(kwargs, error, phrase):
    with pytest.raises(error) as info:
        explore_adam("bowl", **kwargs)
    assert phrase in str(info.value)


@pytest.fixture
def agg():
    pytest.importorskip("matplotlib")
    pytest.importorskip("ipywidgets")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    yield plt
    plt.close("all")


def test_figure_and_widget_build(agg):
    from momentum_lab.widgets.adaptive import adam_figure, adam_widget

    fig = adam_figure("valley", steps=30)
    assert len(fig.axes) == 2
    fig = adam_figure("bowl", hb_lr=5.0, steps=30)  # a diverging heavy ball (2(1 + β)/L = 3.8) still draws
    assert "diverges" in " ".join(t.get_text() for t in fig.axes[1].get_legend().get_texts())
    widget = adam_widget(steps=20)
    assert "Adam explorer" in repr(widget)
    menu, lr, beta1, beta2 = widget.children[0].children[0].children
    eps, hb_lr, x0, y0 = widget.children[0].children[1].children
    menu.value = "rosenbrock"  # resets both step sizes and the start to the landscape's presets
    assert (lr.value, hb_lr.value) == pytest.approx(DEFAULTS["rosenbrock"])
    assert "effective step sizes" in widget.children[1].value
    beta2.value = 0.9
    assert "Adam f − f*" in widget.children[1].value


# ------------------------------------------------------------------------------ the page's explorer


def _json(result):
    from momentum_lab.widgets.web import to_json

    return json.loads(json.dumps(to_json(result), allow_nan=False))


def test_page_explorer_is_declared_for_the_widget():
    page = EXPLORERS["adaptive"]
    assert page.name == "adaptive" and page.widget == "adam_widget" and page.nudges is not None


def test_page_compute_is_explore_adam_with_the_landscape_key():
    params = {
        "landscape": "valley",
        "lr": 0.3,
        "beta1": 0.9,
        "beta2": 0.999,
        "eps": 1e-8,
        "hb_lr": 0.02,
        "start": [-1.5, 1.0],
        "steps": 100,
    }
    page = _json(EXPLORERS["adaptive"].compute(**params))
    direct = explore_adam(**params)
    assert page["landscape"] == "valley" and set(page) == set(direct)
    assert set(page["adam"]) == set(page["momentum"]) == {"path", "losses", "diverged", "status"}
    np.testing.assert_array_equal(page["adam"]["path"], direct["adam"]["path"])
    np.testing.assert_array_equal(page["effective"], direct["effective"])
    first = EXPLORERS["adaptive"].compute()
    assert first["landscape"] == "narrow bowl" and (first["lr"], first["hb_lr"]) == DEFAULTS["narrow bowl"]
    assert len(first["adam"]["path"]) == 151
    with pytest.raises(TypeError, match="landscape must be a catalogue key"):
        EXPLORERS["adaptive"].compute(landscape=landscapes.get("bowl"))


def test_page_sample_covers_every_control():
    rng = np.random.default_rng(0)
    samples = [EXPLORERS["adaptive"].sample(rng) for _ in range(400)]
    assert set(samples[0]) == {"landscape", "lr", "beta1", "beta2", "eps", "hb_lr", "start", "steps"}
    assert {s["landscape"] for s in samples} == set(landscapes.CATALOGUE)
    for key, low, high in [("lr", 1e-3, 1.0), ("hb_lr", 1e-4, 10**0.5)]:
        values = [s[key] for s in samples if s[key] is not None]
        assert min(values) < 1.5 * low and max(values) > high / 1.5 and any(s[key] is None for s in samples)
    b1, b2 = [s["beta1"] for s in samples], [s["beta2"] for s in samples]
    assert 0.0 in b1 and 0.99 in b1 and 0.5 in b2 and 0.9999 in b2
    eps = [s["eps"] for s in samples]
    assert min(eps) < 1e-7 and max(eps) > 0.1
    starts = np.array([s["start"] for s in samples if s["start"] is not None])
    assert starts[:, 0].min() < -3.0 and starts[:, 0].max() > 3.0
    statuses = set()
    for s in samples[:80]:
        result = _json(EXPLORERS["adaptive"].compute(**s))  # plain JSON: no NaN or inf anywhere
        statuses |= {result["adam"]["status"], result["momentum"]["status"]}
    assert "diverges" in statuses and ({"converged", "converging"} & statuses)


def test_page_params_follow_the_widget_call():
    params = EXPLORERS["adaptive"].page_params
    assert params((), {}) == {"steps": 150}
    assert params((), {"steps": 40}) == {"steps": 40}
    assert params((60,), {}) == {"steps": 60}
