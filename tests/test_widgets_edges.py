"""The explorers' compute functions, figures, panels and plotting helpers refuse bad input by name.

Contract: a bad argument raises ValueError/TypeError whose message names the argument (never an
AttributeError, IndexError or a NumPy message from deep inside); edge values that are valid give the
documented, finite result. Every public function and method of these modules carries type hints.
"""

import importlib
import inspect

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from momentum_lab import models, panels, plotting  # noqa: E402
from momentum_lab.widgets import _base, adaptive, capstone, graph, hessian, losses, momentum, temperature, web  # noqa: E402
from momentum_lab.widgets import gradient_descent as gd  # noqa: E402


@pytest.fixture(scope="module")
def problem():
    return capstone.logistic_problem(n=40)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _axes():
    return plt.figure().add_subplot()


BAD = [
    # (id, function, kwargs, error, phrase naming the argument)
    ("start str", gd.explore_gd, {"start": "abc"}, TypeError, "start must be array-like"),
    ("start scalar", gd.explore_gd, {"start": 0.5}, ValueError, "start must have 1 dimension"),
    ("start 3-d", gd.explore_gd, {"start": (1.0, 2.0, 3.0)}, ValueError, "start must have the landscape's shape (2,)"),
    ("start nan", gd.explore_gd, {"start": (np.nan, 1.0)}, ValueError, "start must contain only finite"),
    ("start complex", momentum.explore_momentum, {"start": (1j, 1.0)}, TypeError, "start must hold real numbers"),
    ("adam start bool", adaptive.explore_adam, {"start": (True, False)}, TypeError, "start must hold real numbers"),
    ("lrs empty", gd.gd_figure, {"lrs": ()}, ValueError, "lrs must not be empty"),
    ("lrs scalar", gd.gd_figure, {"lrs": 0.5}, ValueError, "lrs must have 1 dimension"),
    ("fig", gd.gd_figure, {"fig": "figure"}, TypeError, "fig must be a matplotlib Figure"),
    ("widget steps", gd.gd_widget, {"steps": 2.5}, TypeError, "steps must be an integer"),
    ("describe run", adaptive.describe, {"run": None, "steps": 5}, TypeError, "run must be the dict that explore_adam"),
    ("describe keys", adaptive.describe, {"run": {"adam": 1}, "steps": 5}, ValueError, "it has no landscape"),
    (
        "effective path",
        adaptive.effective_steps,
        {"surface": None, "path": np.ones(3), "lr": 0.1, "beta1": 0.9, "beta2": 0.9, "eps": 1e-8},
        ValueError,
        "path must have 2 dimension",
    ),
    (
        "effective surface",
        adaptive.effective_steps,
        {"surface": None, "path": np.ones((3, 2)), "lr": 0.1, "beta1": 0.9, "beta2": 0.9, "eps": 1e-8},
        TypeError,
        "surface must be a Landscape",
    ),
    ("graph show array", graph.graph_figure, {"show": np.array(["both", "x"])}, ValueError, "show must be one of"),
    ("graph widget show", graph.graph_widget, {"show": "sideways"}, ValueError, "show must be one of"),
    ("graph x1", graph.explore_graph, {"x1": 0.0}, ValueError, "x1 must be > 0"),
    ("curvature str", hessian.curvature_kind, {"eigenvalues": "abc"}, TypeError, "eigenvalues must be array-like"),
    ("curvature nan", hessian.curvature_kind, {"eigenvalues": [1.0, np.nan]}, ValueError, "eigenvalues must contain"),
    ("curvature 2-d", hessian.curvature_kind, {"eigenvalues": np.eye(2)}, ValueError, "eigenvalues must have 1"),
    ("curvature tol", hessian.curvature_kind, {"eigenvalues": [1.0], "tol": None}, TypeError, "tol must be a real"),
    ("frame", hessian.describe, {"frame": np.ones((2, 2))}, TypeError, "frame must be the dict that local_quadratic"),
    ("slices n", hessian.slices, {"frame": hessian.local_quadratic(n=3), "n": True}, TypeError, "n must be an integer"),
    ("hessian widget", hessian.hessian_widget, {"landscape": "moon"}, ValueError, "landscape must be one of"),
    ("family array", losses.explore_losses, {"family": np.ones(2)}, ValueError, "family must be one of"),
    ("names number", losses.explore_losses, {"names": 3}, TypeError, "names must be None, a loss name"),
    ("names empty", losses.explore_losses, {"names": []}, ValueError, "names must name at least one loss"),
    ("point far", losses.explore_losses, {"point": -1000.0}, ValueError, "point must be in [-100, 100]"),
    ("lim far", losses.explore_losses, {"lim": 1000.0}, ValueError, "lim must be <= 100"),
    (
        "disc size",
        losses.disc_probabilities,
        {"size": None, "centre": (4, 4), "radius": 2},
        TypeError,
        "size must be an integer",
    ),
    (
        "disc centre",
        losses.disc_probabilities,
        {"size": 8, "centre": 4.0, "radius": 2},
        TypeError,
        "centre must be a pair",
    ),
    (
        "disc radius",
        losses.disc_probabilities,
        {"size": 8, "centre": (4, 4), "radius": "big"},
        TypeError,
        "radius must be array-like",
    ),
    (
        "disc softness",
        losses.disc_probabilities,
        {"size": 8, "centre": (4, 4), "radius": 2, "softness": -1.0},
        ValueError,
        "softness must be >= 0",
    ),
    ("sweep flag", losses.explore_segmentation, {"sweep": "yes"}, TypeError, "sweep must be True or False"),
    (
        "radii ignored still checked",
        losses.explore_segmentation,
        {"sweep": False, "radii": "abc"},
        TypeError,
        "radii must be array-like",
    ),
    ("radii negative", losses.explore_segmentation, {"radii": [-1.0, 2.0]}, ValueError, "radii must be >= 0"),
    ("overlap g", losses.overlap_image, {"g": None, "p": np.zeros((2, 2))}, TypeError, "g must be array-like"),
    (
        "overlap shapes",
        losses.overlap_image,
        {"g": np.zeros((2, 2)), "p": np.zeros((3, 3))},
        ValueError,
        "p must have the shape of g",
    ),
    (
        "overlap range",
        losses.overlap_image,
        {"g": np.zeros((2, 2)), "p": np.full((2, 2), 2.0)},
        ValueError,
        "p must hold values in [0, 1]",
    ),
    ("method array", momentum.rate_map_data, {"method": np.ones(2), "n": 11}, ValueError, "method must be"),
    (
        "eigenvalues str",
        momentum.rate_map_data,
        {"eigenvalues": "abc", "n": 11},
        TypeError,
        "eigenvalues must be array-like",
    ),
    ("rate map point", momentum.rate_map_figure, {"point": (1.0, 1.5), "n": 11}, ValueError, "point must be (α, β)"),
    ("rate map widget n", momentum.rate_map_widget, {"n": 1000}, ValueError, "n must be <= 401"),
    ("momentum widget", momentum.momentum_widget, {"steps": 0}, ValueError, "steps must be >= 1"),
    ("temperature at", temperature.at, {"run": 3}, TypeError, "run must be the dict that explore_temperature"),
    ("temperature fig", temperature.temperature_figure, {"fig": 1}, TypeError, "fig must be a matplotlib Figure"),
    ("l2 zero", capstone.logistic_problem, {"l2": 0.0}, ValueError, "l2 must be > 0"),
    ("init seed", capstone.logistic_problem, {"init_seed": -1}, ValueError, "init_seed must be >= 0"),
    ("n small", capstone.logistic_problem, {"n": 2}, ValueError, "n must be >= 4"),
    (
        "theta0",
        capstone.heavy_ball_iterates,
        {"grad": lambda t: t, "theta0": "abc", "lr": 0.1, "momentum": 0.5, "steps": 3},
        TypeError,
        "theta0 must be array-like",
    ),
    (
        "grad",
        capstone.heavy_ball_iterates,
        {"grad": 3, "theta0": [1.0], "lr": 0.1, "momentum": 0.5, "steps": 3},
        TypeError,
        "grad must be callable",
    ),
    (
        "problem",
        capstone.momentum_run,
        {"problem": None, "lr": 0.1, "momentum": 0.5},
        TypeError,
        "problem must be a Problem",
    ),
    ("panels problem", panels.capstone_panels, {"problem": "moons"}, TypeError, "problem must be a Problem"),
    ("web name", web.compute, {"name": "nope", "params": {}}, ValueError, "name must be one of the explorers"),
    ("web params", web.compute, {"name": "gradient-descent", "params": [1]}, TypeError, "params must be a dict"),
    ("web page data", web.page_data, {"name": 3}, ValueError, "name must be one of the explorers"),
    ("web rtol", web.compare, {"expected": 1.0, "actual": 1.0, "rtol": -1.0}, ValueError, "rtol must be"),
    ("nudge params", web.nudge_start, {"params": None}, TypeError, "params must be a dict"),
    ("titled box", _base.titled_box, {"children": [], "title": 3}, TypeError, "title must be a str"),
    ("png fig", _base.figure_png, {"fig": None}, TypeError, "fig must be a matplotlib Figure"),
    ("png dpi", _base.figure_png, {"fig": plt.figure(), "dpi": 0}, ValueError, "dpi must be > 0"),
    (
        "blit fmt",
        _base.BlitFigure,
        {"fig": plt.figure(), "artists": [], "fmt": "gif"},
        ValueError,
        "fmt must be 'png' or 'jpeg'",
    ),
    ("panel steps", _base.PathPanel, {"steps": 0, "series": []}, ValueError, "steps must be >= 1"),
    ("panel series", _base.PathPanel, {"steps": 5, "series": ["gd"]}, TypeError, "series must hold"),
    ("panel figsize", _base.PathPanel, {"steps": 5, "series": [], "figsize": (10, -1)}, ValueError, "figsize must"),
    ("start point", _base.start_point, {"surface": None, "start": [[1.0]]}, ValueError, "start must have 1"),
    ("contour ax", plotting.contour, {"ax": None, "landscape": None}, TypeError, "ax must be a matplotlib Axes"),
    (
        "contour levels",
        plotting.contour,
        {"ax": _axes(), "landscape": hessian.local_quadratic()["landscape"], "levels": 1},
        ValueError,
        "levels must be >= 2",
    ),
    (
        "contour log",
        plotting.contour,
        {"ax": _axes(), "landscape": hessian.local_quadratic()["landscape"], "log": "yes"},
        TypeError,
        "log must be True or False",
    ),
    (
        "contour landscape",
        plotting.contour,
        {"ax": _axes(), "landscape": "bowl"},
        TypeError,
        "landscape must be a Landscape",
    ),
    (
        "path shape",
        plotting.path,
        {"ax": _axes(), "iterates": np.ones(4)},
        ValueError,
        "iterates must have shape (k, 2)",
    ),
    ("path strings", plotting.path, {"ax": _axes(), "iterates": [["a", "b"]]}, TypeError, "iterates must hold real"),
    ("loss 2-d", plotting.loss_curve, {"ax": _axes(), "losses": np.ones((2, 2))}, ValueError, "losses must have 1"),
    (
        "loss minimum",
        plotting.loss_curve,
        {"ax": _axes(), "losses": [1.0], "minimum": np.nan},
        ValueError,
        "minimum must be finite",
    ),
    (
        "overlap panels titles",
        panels.overlap_panels,
        {"g": np.zeros((2, 2)), "predictions": {1: np.zeros((2, 2))}},
        TypeError,
        "titles must be str",
    ),
    (
        "overlap panels shapes",
        panels.overlap_panels,
        {"g": np.zeros((2, 2)), "predictions": {"a": np.zeros(3)}},
        ValueError,
        "predictions['a'] must have 2 dimension",
    ),
    ("loss panels", panels.loss_panels, {"family": "ranking"}, ValueError, "family must be one of"),
    ("segmentation panels", panels.segmentation_panels, {"size": 2}, ValueError, "size must be >= 4"),
]


@pytest.mark.parametrize("case", BAD, ids=[c[0] for c in BAD])
def test_bad_argument_raises_naming_it(case):
    _, function, kwargs, error, phrase = case
    with pytest.raises(error) as info:
        function(**kwargs)
    assert phrase in str(info.value), str(info.value)


def test_capstone_figures_name_their_arguments(problem):
    too_much = 1.01 / problem.momentum_star
    with pytest.raises(ValueError, match="momentum_scales must keep the momentum"):
        capstone.rate_scan(problem, problem.lr_star, [0.5, too_much], steps=5)
    with pytest.raises(ValueError, match="momentum_scales must not be empty"):
        capstone.rate_scan(problem, problem.lr_star, [], steps=5)
    with pytest.raises(ValueError, match="lr_scales must all be > 0"):
        capstone.capstone_figure(problem, lr_scales=(1.0, 0.0), steps=5, scan_points=2)
    with pytest.raises(TypeError, match="problem must be a Problem"):
        capstone.capstone_widget(problem="moons")


def test_mlp_and_decision_arguments_are_named():
    rate = models.Rate(rate=0.9, start=2, stop=20)
    spectrum = ([0, 5], [0.1, 0.2], [0.5, 0.6])
    ok = {"run": (0.9 ** np.arange(30.0), rate, {"predicted": 0.9})}
    cases = [
        (
            {"runs": {"run": (np.full(30, np.nan), rate, {})}},
            ValueError,
            "runs['run'] distances must contain only finite",
        ),
        ({"runs": {"run": (np.ones(30), "fast", {})}}, TypeError, "runs['run'] measured must be a Rate"),
        ({"runs": {"run": (np.ones(30), rate, {"a": "x"})}}, TypeError, "runs['run'] predictions"),
        ({"runs": ok, "spectrum": ([0, 5], [0.1], [0.5, 0.6])}, ValueError, "spectrum's three arrays"),
        ({"runs": ok, "stability_limit": 0.0}, ValueError, "stability_limit must be > 0"),
        ({"runs": ok, "mu_star": "small"}, TypeError, "mu_star must be a real number"),
    ]
    for changes, error, phrase in cases:
        kwargs = {"runs": ok, "spectrum": spectrum, "stability_limit": 1.0, "mu_star": 0.1, "L_star": 1.0, **changes}
        for function in (panels.mlp_panels, capstone.mlp_figure):
            with pytest.raises(error) as info:
                function(
                    kwargs["runs"],
                    kwargs["spectrum"],
                    stability_limit=kwargs["stability_limit"],
                    mu_star=kwargs["mu_star"],
                    L_star=kwargs["L_star"],
                )
            assert phrase in str(info.value), str(info.value)
    X, y = models.make_moons(n=20, noise=0.1, seed=0)
    for function in (panels.decision_panels, capstone.decision_figure):
        with pytest.raises(ValueError, match=r"X must have shape \(m, 2\)"):
            function(np.ones((20, 3)), y, [("a", lambda P: np.zeros(len(P)))], n=5)
        with pytest.raises(ValueError, match="y must hold 0/1 labels"):
            function(X, y + 2, [("a", lambda P: np.zeros(len(P)))], n=5)
        with pytest.raises(TypeError, match=r"panels\[0\] must be \(title, probability function\)"):
            function(X, y, [("a", 0.5)], n=5)
        with pytest.raises(ValueError, match=r"panels\[0\] probability\(points\) must return one value per point"):
            function(X, y, [("a", lambda P: np.zeros(3))], n=5)
        with pytest.raises(ValueError, match=r"panels\[0\] probability\(points\) must contain only finite"):
            function(X, y, [("a", lambda P: np.full(len(P), np.nan))], n=5)


# --- valid edges give the documented, finite result -----------------------------------------------------


def test_a_zero_step_size_or_zero_steps_stays_at_the_start():
    run = gd.explore_gd("bowl", lr=0.0, start=(1.0, -1.0), steps=5)
    assert np.array_equal(run["path"], np.tile([1.0, -1.0], (6, 1)))
    assert gd.explore_gd("bowl", steps=0)["path"].shape == (1, 2)


def test_losses_are_finite_at_the_edge_of_the_allowed_range():
    run = losses.explore_losses("classification", point=-100.0, lim=100.0, n=11)
    for name, curve in run["curves"].items():
        for kind, values in curve.items():
            assert np.all(np.isfinite(values)), (name, kind)
    # the exponential loss e^{-m} at m = -100 is e^100, and so are its slope (negated) and curvature
    assert run["at"]["exponential"]["value"] == pytest.approx(np.exp(100.0), rel=1e-12)


def test_empty_prediction_on_empty_mask_without_smoothing_scores_zero():
    run = losses.explore_segmentation(radius=0.0, true_radius=0.0, smooth=0.0, size=8)
    assert run["losses"] == {"dice": 0.0, "jaccard": 0.0, "tversky": 0.0, "focal tversky": 0.0}


def test_curvature_kind_at_zero_tolerance_counts_only_exact_zeros():
    assert hessian.curvature_kind([1e-300, 1.0], tol=0.0) == "positive definite"
    assert hessian.curvature_kind([0.0, 1.0], tol=0.0) == "singular"


def test_plotting_leaves_a_gap_for_a_diverged_run():
    ax = _axes()
    line = plotting.loss_curve(ax, [1.0, np.inf, np.nan])
    assert np.isnan(line.get_ydata()[2]) and line.get_ydata()[0] == 1.0
    path = plotting.path(ax, [[0.0, 0.0], [np.nan, 1.0]])
    assert path.get_xdata()[0] == 0.0


# --- type hints ------------------------------------------------------------------------------------------

MODULES = (
    ["momentum_lab.plotting", "momentum_lab.panels"]
    + [
        f"momentum_lab.widgets.{m}"
        for m in (
            "_base",
            "adaptive",
            "capstone",
            "gradient_descent",
            "graph",
            "hessian",
            "losses",
            "momentum",
            "temperature",
            "web",
        )
    ]
    + [
        f"momentum_lab.check.{m}"
        for m in (
            "_core",
            "adaptive",
            "autodiff",
            "capstone",
            "gradient_descent",
            "losses",
            "metric",
            "momentum",
            "noise",
        )
    ]
)


def _public_callables(module):
    for name, obj in vars(module).items():
        if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
            continue
        if inspect.isfunction(obj):
            yield name, obj
        elif inspect.isclass(obj):
            fields = getattr(obj, "__dataclass_fields__", {})  # a field's default function is no method
            for attribute, member in vars(obj).items():
                if (
                    attribute not in fields
                    and inspect.isfunction(member)
                    and (not attribute.startswith("_") or attribute == "__init__")
                ):
                    yield f"{name}.{attribute}", member


@pytest.mark.parametrize("module_name", MODULES)
def test_public_functions_are_fully_annotated(module_name):
    module = importlib.import_module(module_name)
    missing = []
    for name, function in _public_callables(module):
        signature = inspect.signature(function)
        if signature.return_annotation is inspect.Signature.empty:
            missing.append(f"{name} -> ?")
        missing += [
            f"{name}({p})"
            for p, parameter in signature.parameters.items()
            if p not in ("self", "cls") and parameter.annotation is inspect.Parameter.empty
        ]
    assert not missing, f"{module_name}: unannotated {missing}"
