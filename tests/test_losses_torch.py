"""momentum_lab.torch.losses against the torch built-ins: argument order, every reduction, weights,
ignored targets, log targets, the −100 log floor, and ``torch.compile`` without graph breaks.

Everything runs in float64; the modules and the built-ins agree to rounding (≤ 1e-13 relative).
"""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional

import momentum_lab.torch.losses as TL  # noqa: E402

pytestmark = pytest.mark.frameworks

REDUCTIONS = ("mean", "sum", "none")

rng = np.random.default_rng(47)
N, C = 6, 4


def t64(array):
    return torch.tensor(np.array(array, dtype=np.float64))


TARGETS = t64(rng.normal(size=(N, C)))
SCORES = t64(rng.normal(scale=2.0, size=(N, C)))
BINARY = t64(rng.integers(0, 2, size=(N, C)))
PROBS = t64(rng.uniform(0.02, 0.98, size=(N, C)))
SATURATED = t64([[0.0, 1.0, 1e-30, 1.0 - 1e-16], [1.0, 0.0, 0.5, 1e-12]])
SATURATED_LABELS = t64([[1.0, 0.0, 1.0, 0.0], [1.0, 1.0, 0.0, 1.0]])
LABELS = torch.tensor(rng.integers(0, C, size=N))
DIRICHLET = t64(rng.dirichlet(np.ones(C), size=N))
SOFTMAX = torch.softmax(SCORES, dim=-1)
CLASS_WEIGHT = t64(rng.uniform(0.2, 2.0, size=C))
ELEMENT_WEIGHT = t64(rng.uniform(0.2, 2.0, size=C))  # broadcast over the rows, as torch allows
IGNORED = LABELS.clone()
IGNORED[[1, 4]] = -100

# (id, our module, torch module, input, target): both called as module(input, target)
BUILTINS = [
    ("mse", lambda r: TL.MeanSquaredError(reduction=r), lambda r: torch.nn.MSELoss(reduction=r), SCORES, TARGETS),
    ("l1", lambda r: TL.MeanAbsoluteError(reduction=r), lambda r: torch.nn.L1Loss(reduction=r), SCORES, TARGETS),
    (
        "huber",
        lambda r: TL.Huber(0.7, reduction=r),
        lambda r: torch.nn.HuberLoss(reduction=r, delta=0.7),
        SCORES,
        TARGETS,
    ),
    ("bce", lambda r: TL.BinaryCrossentropy(reduction=r), lambda r: torch.nn.BCELoss(reduction=r), PROBS, BINARY),
    (
        "bce saturated: log floored at −100",
        lambda r: TL.BinaryCrossentropy(reduction=r),
        lambda r: torch.nn.BCELoss(reduction=r),
        SATURATED,
        SATURATED_LABELS,
    ),
    (
        "bce weight",
        lambda r: TL.BinaryCrossentropy(reduction=r, weight=ELEMENT_WEIGHT),
        lambda r: torch.nn.BCELoss(weight=ELEMENT_WEIGHT, reduction=r),
        PROBS,
        PROBS.flip(0),
    ),
    (
        "bce logits weight pos_weight",
        lambda r: TL.BinaryCrossentropy(from_logits=True, reduction=r, weight=ELEMENT_WEIGHT, pos_weight=CLASS_WEIGHT),
        lambda r: torch.nn.BCEWithLogitsLoss(weight=ELEMENT_WEIGHT, reduction=r, pos_weight=CLASS_WEIGHT),
        SCORES,
        BINARY,
    ),
    (
        "bce logits ±1e4",
        lambda r: TL.BinaryCrossentropy(from_logits=True, reduction=r),
        lambda r: torch.nn.BCEWithLogitsLoss(reduction=r),
        t64([[1e4, -1e4, 0.0, 30.0]]),
        t64([[0.0, 1.0, 1.0, 0.0]]),
    ),
    (
        "cross_entropy probability targets, weight, smoothing",
        lambda r: TL.CategoricalCrossentropy(from_logits=True, label_smoothing=0.2, reduction=r, weight=CLASS_WEIGHT),
        lambda r: torch.nn.CrossEntropyLoss(weight=CLASS_WEIGHT, reduction=r, label_smoothing=0.2),
        SCORES,
        DIRICHLET,
    ),
    (
        "cross_entropy indices",
        lambda r: TL.SparseCategoricalCrossentropy(from_logits=True, reduction=r),
        lambda r: torch.nn.CrossEntropyLoss(reduction=r),
        SCORES,
        LABELS,
    ),
    (
        "cross_entropy indices, weight, ignore_index, smoothing",
        lambda r: TL.SparseCategoricalCrossentropy(
            from_logits=True, label_smoothing=0.1, reduction=r, weight=CLASS_WEIGHT
        ),
        lambda r: torch.nn.CrossEntropyLoss(weight=CLASS_WEIGHT, reduction=r, label_smoothing=0.1),
        SCORES,
        IGNORED,
    ),
    (
        "cross_entropy indices, ignore_index=2",
        lambda r: TL.SparseCategoricalCrossentropy(from_logits=True, reduction=r, ignore_index=2),
        lambda r: torch.nn.CrossEntropyLoss(reduction=r, ignore_index=2),
        SCORES,
        LABELS,
    ),
]


@pytest.mark.parametrize("ours, theirs, input, target", [row[1:] for row in BUILTINS], ids=[row[0] for row in BUILTINS])
def test_every_reduction_gives_what_the_builtin_gives(ours, theirs, input, target):
    for reduction in REDUCTIONS:
        mine, builtin = ours(reduction)(input, target), theirs(reduction)(input, target)
        assert mine.shape == builtin.shape, reduction
        np.testing.assert_allclose(mine.numpy(), builtin.numpy(), rtol=1e-13, atol=1e-15, err_msg=reduction)


def test_nll_loss_of_log_probabilities_is_the_sparse_cross_entropy_of_probabilities():
    for reduction in REDUCTIONS:
        ours = TL.SparseCategoricalCrossentropy(reduction=reduction, weight=CLASS_WEIGHT)(SOFTMAX, IGNORED)
        theirs = F.nll_loss(torch.log(SOFTMAX), IGNORED, weight=CLASS_WEIGHT, reduction=reduction)
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("log_target", [False, True])
def test_kl_divergence_follows_kl_div_with_batchmean_and_log_target(log_target):
    target = torch.log(DIRICHLET) if log_target else DIRICHLET
    for reduction in (*REDUCTIONS, "batchmean"):
        ours = TL.KLDivergence(reduction=reduction, log_target=log_target)(SOFTMAX, target)
        theirs = F.kl_div(torch.log(SOFTMAX), target, reduction=reduction, log_target=log_target)
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-13, atol=1e-15)
    from_logits = TL.KLDivergence(from_logits=True, reduction="batchmean", log_target=log_target)(SCORES, target)
    theirs = F.kl_div(F.log_softmax(SCORES, dim=-1), target, reduction="batchmean", log_target=log_target)
    assert from_logits.item() == pytest.approx(theirs.item(), rel=1e-13)


def test_input_comes_first_as_in_torch():
    p, y = t64([0.9, 0.2, 0.6]), t64([1.0, 0.0, 1.0])
    ours = TL.BinaryCrossentropy()(p, y).item()
    assert ours == pytest.approx(F.binary_cross_entropy(p, y).item(), rel=1e-15)
    assert ours == pytest.approx(-(np.log(0.9) + np.log(0.8) + np.log(0.6)) / 3, rel=1e-15)
    with pytest.raises(ValueError, match=r"target must hold targets in \[0, 1\]"):
        TL.BinaryCrossentropy()(p, 2 * y)


def test_bce_at_saturated_probabilities_costs_100_per_element_as_in_torch():
    values = TL.BinaryCrossentropy(reduction="none")(t64([0.0, 1.0]), t64([1.0, 0.0]))
    np.testing.assert_array_equal(values.numpy(), [100.0, 100.0])


def test_weights_and_reductions_are_checked():
    with pytest.raises(
        ValueError,
        match=r"pos_weight weighs logits \(BCEWithLogitsLoss\); got pos_weight with "
        r"from_logits=False",
    ):
        TL.BinaryCrossentropy(pos_weight=CLASS_WEIGHT)
    with pytest.raises(
        ValueError,
        match=r"reduction must be one of \('mean', 'sum', 'none'\); "
        r"got reduction='batchmean'",
    ):
        TL.BinaryCrossentropy(reduction="batchmean")
    with pytest.raises(ValueError, match=r"target must have shape input.shape\[:-1\]"):
        TL.SparseCategoricalCrossentropy()(SOFTMAX, LABELS[:, None])
    with pytest.raises(TypeError, match=r"log_target must be True or False; got log_target=1"):
        TL.KLDivergence(log_target=1)


# (class name, constructor kwargs, inputs): one call per module under torch.compile
COMPILED = [
    ("MeanSquaredError", {}, (SCORES, TARGETS)),
    ("MeanAbsoluteError", {}, (SCORES, TARGETS)),
    ("Huber", {}, (SCORES, TARGETS)),
    ("LogCosh", {}, (SCORES, TARGETS)),
    ("BinaryCrossentropy", {}, (PROBS, BINARY)),
    ("BinaryCrossentropy", {"from_logits": True, "pos_weight": CLASS_WEIGHT}, (SCORES, BINARY)),
    ("CategoricalCrossentropy", {"from_logits": True}, (SCORES, DIRICHLET)),
    ("SparseCategoricalCrossentropy", {"from_logits": True, "weight": CLASS_WEIGHT}, (SCORES, IGNORED)),
    ("KLDivergence", {"reduction": "batchmean"}, (SOFTMAX, DIRICHLET)),
    ("Hinge", {}, (SCORES, BINARY)),
    ("SquaredHinge", {}, (SCORES, 2 * BINARY - 1)),
    ("CategoricalHinge", {}, (SCORES, F.one_hot(LABELS, C).double())),
    ("WestonWatkinsHinge", {}, (SCORES, F.one_hot(LABELS, C).double())),
    ("ZeroOneLoss", {}, (SCORES, BINARY)),
    ("ExponentialLoss", {}, (SCORES, BINARY)),
    ("LogLoss", {}, (SCORES, BINARY)),
    ("GANDiscriminatorLoss", {}, (SCORES, TARGETS)),
    ("GANGeneratorMinimaxLoss", {}, (SCORES,)),
    ("GANGeneratorNonsaturatingLoss", {}, (SCORES,)),
    ("Dice", {"axis": 1}, (PROBS, BINARY)),
    ("Jaccard", {}, (PROBS, BINARY)),
    ("Tversky", {"axis": (1,)}, (PROBS, BINARY)),
    ("FocalTversky", {}, (PROBS, BINARY)),
]


def test_every_module_compiles_without_graph_breaks():
    import torch._dynamo

    assert {row[0] for row in COMPILED} <= set(TL.__all__)  # the later chapters test their own modules
    breaks = {}
    for name, kwargs, inputs in COMPILED:
        module = getattr(TL, name)(**kwargs)
        torch._dynamo.reset()
        explanation = torch._dynamo.explain(module)(*inputs)
        breaks[name] = explanation.graph_break_count
        assert explanation.graph_count == 1, (name, explanation.break_reasons)
        compiled = torch.compile(module, backend="eager", fullgraph=True)
        np.testing.assert_allclose(compiled(*inputs).numpy(), module(*inputs).numpy(), rtol=1e-15)
    print("\ngraph breaks per module under torch.compile:", breaks)
    assert sum(breaks.values()) == 0, breaks
