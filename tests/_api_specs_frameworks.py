"""Specs of the Keras and torch forms (``momentum_lab.tf``, ``momentum_lab.torch``) for the property test.

The loss classes reuse the NumPy losses' specs (``_api_specs_numpy``): the same valid inputs, given in
each framework's argument convention (torch: ``forward(input, target)``, predictions first, tensors
only; Keras: ``loss(y_true, y_pred)``, the metric losses' embeddings stacked on axis 1), and the same
invalid mutations under the names each framework's messages use (torch names ``input`` and ``target``).
Keras classes run inside traced graphs and check only dtypes, shapes and arguments (their documented
behaviour: "values are not checked in a traced graph"), so the value checks (NaN, labels, probabilities)
are not asked of them. TensorFlow and PyTorch are imported only when a test runs.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st

import _api_specs_numpy as numpy_specs
from _api_cases import Bad, Kwargs, Registry, Spec, arr, const, expect_shape, flag, func, integer, num, value_of

REGISTRY = Registry()
add = REGISTRY.add

#: NumPy loss function -> class name, in the order of ``CLASS_NAMES`` and ``METRIC_FOCAL_CLASS_NAMES``.
LOSS_CLASSES = {
    "mean_squared_error": "MeanSquaredError",
    "mean_absolute_error": "MeanAbsoluteError",
    "huber": "Huber",
    "log_cosh": "LogCosh",
    "binary_crossentropy": "BinaryCrossentropy",
    "categorical_crossentropy": "CategoricalCrossentropy",
    "sparse_categorical_crossentropy": "SparseCategoricalCrossentropy",
    "kl_divergence": "KLDivergence",
    "hinge": "Hinge",
    "squared_hinge": "SquaredHinge",
    "categorical_hinge": "CategoricalHinge",
    "weston_watkins_hinge": "WestonWatkinsHinge",
    "zero_one_loss": "ZeroOneLoss",
    "exponential_loss": "ExponentialLoss",
    "log_loss": "LogLoss",
    "gan_discriminator_loss": "GANDiscriminatorLoss",
    "gan_generator_minimax_loss": "GANGeneratorMinimaxLoss",
    "gan_generator_nonsaturating_loss": "GANGeneratorNonsaturatingLoss",
    "dice": "Dice",
    "jaccard": "Jaccard",
    "tversky": "Tversky",
    "focal_tversky": "FocalTversky",
    "contrastive": "Contrastive",
    "triplet_margin": "TripletMargin",
    "cosine_embedding": "CosineEmbedding",
    "info_nce": "InfoNCE",
    "nt_xent": "NTXent",
    "binary_focal_crossentropy": "BinaryFocalCrossentropy",
    "categorical_focal_crossentropy": "CategoricalFocalCrossentropy",
}

#: The data arguments of each NumPy loss -> (torch forward argument, Keras argument) they become.
DATA_ARGS: dict[str, dict[str, tuple[str, str]]] = {
    "default": {"y_true": ("target", "y_true"), "y_pred": ("input", "y_pred")},
    "gan_discriminator_loss": {"d_real": ("d_real", "d_real"), "d_fake": ("d_fake", "d_fake")},
    "gan_generator_minimax_loss": {"d_fake": ("d_fake", "y_pred|d_fake")},
    "gan_generator_nonsaturating_loss": {"d_fake": ("d_fake", "y_pred|d_fake")},
    "contrastive": {"y_true": ("target", "y_true"), "distance": ("-", "y_pred")},
    "triplet_margin": {k: (k, "y_pred") for k in ("anchor", "positive", "negative")},
    "cosine_embedding": {"y_true": ("target", "y_true"), "x1": ("input1", "y_pred"), "x2": ("input2", "y_pred")},
    "info_nce": {"z1": ("z1", "y_pred"), "z2": ("z2", "y_pred")},
    "nt_xent": {"z1": ("z1", "y_pred"), "z2": ("z2", "y_pred")},
}
_STACKED = {
    "triplet_margin": ("anchor", "positive", "negative"),
    "cosine_embedding": ("x1", "x2"),
    "info_nce": ("z1", "z2"),
    "nt_xent": ("z1", "z2"),
}
_KERAS_REDUCTION = {"mean": "sum_over_batch_size", "sum": "sum", "none": "none"}
#: Mutations that need the values of the inputs (Keras checks dtypes and shapes only, inside its graphs).
_VALUE_KINDS = (
    "NaN entry",
    "label 0.5",
    "not one-hot (two ones)",
    "rows not summing to 1",
    "class index out of range",
    "fractional index",
    "negative distance",
    "degenerate: probability above 1",
)


def _numpy_spec(name: str) -> Spec:
    target = f"momentum_lab.losses.{name}"
    return next(s for s in numpy_specs.REGISTRY.specs if s.target == target)


def _data_args(name: str) -> dict[str, tuple[str, str]]:
    return DATA_ARGS.get(name, DATA_ARGS["default"])


def _torch_value(value: Any) -> Any:
    import torch

    if isinstance(value, np.ndarray) and value.dtype.kind in "iufcb":
        return torch.from_numpy(np.ascontiguousarray(value))
    return value


def _torch_run(name: str, cls_name: str) -> Any:
    def run(kw: Kwargs) -> Any:
        import momentum_lab.torch.losses as tl

        kw = dict(kw)
        data = {torch_name: _torch_value(kw.pop(arg)) for arg, (torch_name, _) in _data_args(name).items() if arg in kw}
        return getattr(tl, cls_name)(**kw)(**data)

    return run


def _keras_run(name: str, cls_name: str) -> Any:
    def run(kw: Kwargs) -> Any:
        import momentum_lab.tf.losses as kl

        kw = dict(kw)
        if "reduction" in kw:
            kw["reduction"] = _KERAS_REDUCTION.get(kw["reduction"], kw["reduction"])
        if name in _STACKED:
            members = [kw.pop(m) for m in _STACKED[name]]
            y_true = kw.pop("y_true") if "y_true" in kw else np.zeros(len(next(m for m in members if m is not None)))
            odd = [m for m in members if not isinstance(m, np.ndarray) or m.dtype.kind != "f"]
            try:
                y_pred = np.stack([np.asarray(m) for m in members], axis=1)
                if odd and isinstance(odd[0], np.ndarray):  # keep the mutated member's dtype (bool, str, object)
                    y_pred = y_pred.astype(odd[0].dtype)
            except (TypeError, ValueError):  # a mutated member (None, another shape): pass it as it is
                y_pred = next(
                    (m for m in members if not isinstance(m, np.ndarray) or m.shape != members[0].shape), members[0]
                )
        elif name == "contrastive":
            y_true, y_pred = kw.pop("y_true"), kw.pop("distance")
        elif name == "gan_discriminator_loss":
            y_true, y_pred = kw.pop("d_real"), kw.pop("d_fake")
        elif name.startswith("gan_generator"):
            y_pred = kw.pop("d_fake")
            y_true = np.zeros(np.shape(y_pred) if isinstance(y_pred, np.ndarray) else (1,))
        else:
            y_true, y_pred = kw.pop("y_true"), kw.pop("y_pred")
        return getattr(kl, cls_name)(**kw)(y_true, y_pred)

    return run


def _rename(bads: tuple[Bad, ...], mapping: dict[str, str]) -> tuple[Bad, ...]:
    """The same mutations, with the message required to name the framework's argument names."""
    out = []
    for b in bads:
        names = tuple("|".join(mapping.get(alt, alt) for alt in n.split("|")) for n in b.expected_names)
        out.append(Bad(b.arg, b.kind, b.make, names))
    return tuple(out)


def _torch_check(numpy_check: Any) -> Any:
    def check(kw: Kwargs, r: Any) -> None:
        import torch

        assert isinstance(r, torch.Tensor), f"result is a {type(r).__name__}, not a torch.Tensor"
        numpy_check(kw, value_of(r))

    return check


def _keras_check(kw: Kwargs, r: Any) -> None:
    if kw.get("reduction", "mean") != "none":
        expect_shape(r, ())


for _fn, _cls in LOSS_CLASSES.items():
    _spec = _numpy_spec(_fn)
    _args = _data_args(_fn)
    if _fn != "contrastive":  # torch's Contrastive takes the two embeddings, not their distance (below)
        _torch_names = {arg: torch_name for arg, (torch_name, _) in _args.items()}
        # torch's "none" keeps KLDivergence's elementwise terms, as KLDivLoss does (module docstring)
        _check = numpy_specs._loss_check(numpy_specs._elementwise) if _fn == "kl_divergence" else _spec.check
        add(
            Spec(
                f"momentum_lab.torch.losses.{_cls}",
                _spec.valid,
                _torch_check(_check),
                _rename(_spec.bad, _torch_names),
                run=_torch_run(_fn, _cls),
                examples=4,
                invalid_examples=1,
                frameworks="torch",
            )
        )
    _keras_names = {arg: keras_name for arg, (_, keras_name) in _args.items()}
    # reduction=None is Keras' "none"; smooth=None is Keras' own smoothing (1e-7 in the denominator only).
    _keras_bad = tuple(
        b
        for b in _spec.bad
        if b.kind not in _VALUE_KINDS and not (b.arg in ("reduction", "smooth") and b.kind == "None")
    )
    add(
        Spec(
            f"momentum_lab.tf.losses.{_cls}",
            _spec.valid,
            _keras_check,
            _rename(_keras_bad, _keras_names),
            run=_keras_run(_fn, _cls),
            examples=3,
            invalid_examples=1,
            frameworks="tensorflow",
        )
    )


@st.composite
def _torch_contrastive(draw: Any) -> Kwargs:
    n, d = draw(st.integers(1, 5)), draw(st.integers(1, 4))
    rng = np.random.default_rng(draw(numpy_specs.seeds()))
    return {
        "input1": rng.normal(size=(n, d)),
        "input2": rng.normal(size=(n, d)),
        "target": (rng.uniform(size=n) < 0.5).astype(np.float64),
        "margin": draw(numpy_specs.floats(0.1, 2)),
        "reduction": draw(numpy_specs.REDUCTION),
    }


def _torch_contrastive_run(kw: Kwargs) -> Any:
    import momentum_lab.torch.losses as tl

    kw = dict(kw)
    data = {k: _torch_value(kw.pop(k)) for k in ("input1", "input2", "target")}
    return tl.Contrastive(**kw)(**data)


add(
    Spec(
        "momentum_lab.torch.losses.Contrastive",
        _torch_contrastive(),
        _torch_check(numpy_specs._loss_check(lambda kw: (np.shape(kw["input1"])[0],))),
        arr("input1")
        + arr("input2", shape=numpy_specs._extra_row, shape_names=("input1|input2",))
        + arr("target")
        + num("margin", 0.0, -1.0)
        + numpy_specs.choice("reduction"),
        run=_torch_contrastive_run,
        examples=4,
        invalid_examples=1,
        frameworks="torch",
    )
)


# --------------------------------------------------------------------------------------------------
# models: build / flat_parameters / loss / classifier_loss / train / fit, and the HeavyBall optimizers
# --------------------------------------------------------------------------------------------------


@st.composite
def _logistic_problem(draw: Any) -> Kwargs:
    kw = draw(numpy_specs._xy())
    model = numpy_specs._logistic(kw)
    rng = np.random.default_rng(draw(numpy_specs.seeds()))
    return {"model": model, "theta": rng.normal(size=model.dim), "X": kw["X"], "y": kw["y"]}


def _models(framework: str) -> Any:
    import importlib

    return importlib.import_module(f"momentum_lab.{framework}.models")


def _build_run(framework: str) -> Any:
    def run(kw: Kwargs) -> Any:
        models = _models(framework)
        net = models.build(kw["model"], kw["theta"])
        return models.flat_parameters(net)

    return run


def _loss_run(framework: str, which: str) -> Any:
    def run(kw: Kwargs) -> Any:
        models = _models(framework)
        net = models.build(kw["model"], kw["theta"])
        X, y = kw["X"], kw["y"]
        if which == "loss" and isinstance(y, np.ndarray) and y.ndim == 1:
            y = y.reshape(-1, 1)  # the logits have shape (n, 1)
        if framework == "torch":
            X, y = _torch_value(X), _torch_value(y)
        return getattr(models, which)(net, X, y, kw.get("l2", 0.01))

    return run


def _scalar(kw: Kwargs, r: Any) -> None:
    expect_shape(r, ())


for _fw, _mark in (("torch", "torch"), ("tf", "tensorflow")):
    add(
        Spec(
            f"momentum_lab.{_fw}.models.build",
            _logistic_problem(),
            lambda kw, r: np.testing.assert_allclose(r, kw["theta"], rtol=1e-6),
            (Bad("model", "None", const(None)), Bad("model", "a string", const("logistic")))
            + arr("theta", shape=lambda v, kw: np.ones(len(v) + 1)),
            run=_build_run(_fw),
            examples=3,
            invalid_examples=1,
            frameworks=_mark,
            also=(f"momentum_lab.{_fw}.models.flat_parameters",),
        )
    )
    add(
        Spec(
            f"momentum_lab.{_fw}.models.loss",
            _logistic_problem().map(lambda kw: {**kw, "l2": 0.01}),
            _scalar,
            num("l2", -0.1) + arr("X", nan=False, shape=lambda v, kw: v[:-1], shape_names=("X|y",)),
            run=_loss_run(_fw, "loss"),
            examples=3,
            invalid_examples=1,
            frameworks=_mark,
        )
    )

    @st.composite
    def _train(draw: Any) -> Kwargs:
        kw = draw(numpy_specs._train_valid())
        kw["steps"] = min(kw["steps"], 5)
        return kw

    add(
        Spec(
            f"momentum_lab.{_fw}.models.train",
            _train(),
            lambda kw, r: expect_shape(r.thetas, (kw["steps"] + 1, kw["model"].dim)),
            num("lr", 0.0, -0.1)
            + num("momentum", -0.1)
            + integer("steps", -1, none=False)
            + flag("nesterov")
            + arr("theta0", shape=lambda v, kw: np.ones(len(v) + 1))
            + (Bad("model", "None", const(None)),),
            examples=2,
            invalid_examples=1,
            frameworks=_mark,
        )
    )


@st.composite
def _mlp_fit(draw: Any, framework: str) -> Kwargs:
    import momentum_lab.data as data
    import momentum_lab.networks as networks

    kw = draw(numpy_specs._mlp())
    net = networks.SoftmaxMLP(kw["sizes"])
    out = {
        "model": net,
        "theta0": net.init(0),
        "batches": data.minibatch_indices(len(kw["y"]), 2, 1, seed=0),
        "X": kw["X"],
        "y": kw["y"],
    }
    if framework == "torch":
        out["make_optimizer"] = _torch_sgd
    else:
        out["optimizer"] = "keras-sgd"
    return out


def _torch_sgd(params: Any) -> Any:
    import torch

    return torch.optim.SGD(params, lr=0.1, momentum=0.5)


def _fit_run(framework: str) -> Any:
    def run(kw: Kwargs) -> Any:
        kw = dict(kw)
        if kw.get("optimizer") == "keras-sgd":
            import keras

            kw["optimizer"] = keras.optimizers.SGD(learning_rate=0.1, momentum=0.5)
        return _models(framework).fit(**kw)

    return run


def _fit_check(kw: Kwargs, r: Any) -> None:
    expect_shape(r.losses, (len(kw["batches"]),))
    expect_shape(r.theta, kw["theta0"].shape)


_fit_bad = (
    arr("theta0", shape=lambda v, kw: np.ones(len(v) + 1))
    + (
        Bad("batches", "None", const(None)),
        Bad("batches", "index out of range", const([np.array([10**6])])),
        Bad("model", "None", const(None)),
        Bad("lr_schedule", "not callable", const(0.1)),
    )
    + integer("log_every", -1, none=False)
)
add(
    Spec(
        "momentum_lab.torch.models.fit",
        _mlp_fit("torch"),
        _fit_check,
        _fit_bad + func("make_optimizer"),
        run=_fit_run("torch"),
        examples=2,
        invalid_examples=1,
        frameworks="torch",
        also=("momentum_lab.torch.models.classifier_loss",),
    )
)
add(
    Spec(
        "momentum_lab.tf.models.fit",
        _mlp_fit("tf"),
        _fit_check,
        _fit_bad + (Bad("optimizer", "None", const(None)), Bad("optimizer", "a string", const("sgd"))),
        run=_fit_run("tf"),
        examples=2,
        invalid_examples=1,
        frameworks="tensorflow",
        also=("momentum_lab.tf.models.classifier_loss",),
    )
)


def _heavy_ball_torch(kw: Kwargs) -> Any:
    import torch

    from momentum_lab.torch.optimizers import HeavyBall

    kw = dict(kw)
    theta = torch.tensor(kw.pop("theta"), requires_grad=True)
    grads = kw.pop("grads")
    opt = HeavyBall([theta], **kw)
    for g in grads:
        theta.grad = torch.from_numpy(g)
        opt.step()
    return theta.detach()


def _heavy_ball_keras(kw: Kwargs) -> Any:
    import keras

    from momentum_lab.tf.optimizers import HeavyBall

    kw = dict(kw)
    theta = keras.Variable(kw.pop("theta"), dtype="float64")
    grads = kw.pop("grads")
    opt = HeavyBall(**kw)
    for g in grads:
        opt.apply_gradients([(keras.ops.convert_to_tensor(g, dtype="float64"), theta)])
    return np.asarray(theta.numpy())


add(
    Spec(
        "momentum_lab.torch.optimizers.HeavyBall",
        numpy_specs._opt_valid(
            {
                "lr": numpy_specs.LR,
                "momentum": numpy_specs.BETA,
                "dampening": numpy_specs.floats(0, 1),
                "weight_decay": numpy_specs.floats(0, 0.1),
                "nesterov": st.just(False),
                "maximize": st.booleans(),
            }
        ),
        lambda kw, r: expect_shape(r, kw["theta"].shape),
        num("lr", -0.1)
        + num("momentum", -0.1)
        + num("dampening", -0.1, 1.5)
        + num("weight_decay", -0.1)
        + flag("nesterov")
        + flag("maximize"),
        run=_heavy_ball_torch,
        examples=3,
        invalid_examples=1,
        frameworks="torch",
    )
)
add(
    Spec(
        "momentum_lab.tf.optimizers.HeavyBall",
        numpy_specs._opt_valid(
            {"learning_rate": numpy_specs.LR, "momentum": numpy_specs.BETA, "nesterov": st.booleans()}
        ),
        lambda kw, r: expect_shape(r, kw["theta"].shape),
        num("learning_rate", -0.1) + num("momentum", -0.1, 1.5) + flag("nesterov"),
        run=_heavy_ball_keras,
        examples=2,
        invalid_examples=1,
        frameworks="tensorflow",
    )
)
