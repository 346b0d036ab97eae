"""Metric and contrastive losses (momentum_lab.losses.metric) in their three forms, against the built-ins.

* hand-worked values (working in the comments);
* agreement in float64, every reduction: the NumPy functions, ``momentum_lab.tf.losses`` and
  ``momentum_lab.torch.losses`` with each other and with ``torch.nn.TripletMarginLoss``,
  ``torch.nn.CosineEmbeddingLoss``, and cross-entropy of the similarity matrix (``F.cross_entropy`` and
  Keras' ``SparseCategoricalCrossentropy(from_logits=True)``) for InfoNCE and NT-Xent; Keras'
  ``CosineSimilarity`` is pinned on the similar pairs (its epsilon differs);
* gradients and Hessians of the tape against finite differences (``check_grads``, order 2), and torch's
  autograd through the modules against autograd through the built-ins;
* hard inputs (zero vectors, equal vectors, huge embeddings, tiny temperatures) and bad inputs.

The largest absolute and relative differences against each built-in are printed at the end (``-s``).
"""

import json
from collections import defaultdict

import numpy as np
import pytest

import momentum_lab.losses as L
from momentum_lab import autodiff as ad

rng = np.random.default_rng(1306)
N, D = 5, 3
A, P, NEG = (rng.normal(size=(N, D)) for _ in range(3))
PAIR_LABELS = np.array([1, 0, 1, 0, 0])
SIGNED_LABELS = 2 * PAIR_LABELS - 1
DIST = rng.uniform(0.1, 2.0, size=N)
REDUCTIONS = ("mean", "sum", "none")

GAPS = defaultdict(lambda: {"comparisons": 0, "max_abs": 0.0, "max_rel": 0.0})


def agree(builtin, ours, theirs, rtol=1e-12, atol=1e-13):
    """Assert ``ours`` ≈ ``theirs`` and record the largest absolute and relative gap under ``builtin``."""
    ours, theirs = np.asarray(ours, dtype=np.float64), np.asarray(theirs, dtype=np.float64)
    assert ours.shape == theirs.shape, (builtin, ours.shape, theirs.shape)
    gap = np.abs(ours - theirs)
    entry = GAPS[builtin]
    entry["comparisons"] += 1
    entry["max_abs"] = max(entry["max_abs"], float(gap.max(initial=0.0)))
    rel = np.where(gap > 0, gap / np.maximum(np.abs(theirs), 1e-300), 0.0)
    entry["max_rel"] = max(entry["max_rel"], float(rel.max(initial=0.0)))
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol, err_msg=builtin)


@pytest.fixture(scope="module", autouse=True)
def report():
    yield
    print("\nmetric losses, largest differences:\n" + json.dumps(dict(GAPS), indent=1))


# ---------------------------------------------------------------------------------------------------
# Hand-worked values.
# ---------------------------------------------------------------------------------------------------


def test_contrastive_by_hand():
    # similar pair at d = 0.5: ½·0.25 = 0.125; dissimilar at 0.25 with margin 1: ½·0.75² = 0.28125;
    # dissimilar at 2 (beyond the margin): 0.
    values = L.contrastive([1, 0, 0], [0.5, 0.25, 2.0], reduction="none")
    np.testing.assert_allclose(values, [0.125, 0.28125, 0.0], rtol=1e-15)


def test_pairwise_distance_adds_eps_to_each_difference():
    # ‖(1, 1) − (0, 0) + 0.5‖₁ = 3, ‖·‖₂ = √(1.5² + 1.5²), equal vectors at eps·√D
    x1, x2 = np.array([[1.0, 1.0]]), np.zeros((1, 2))
    assert L.pairwise_distance(x1, x2, p=1, eps=0.5)[0] == pytest.approx(3.0, rel=1e-15)
    assert L.pairwise_distance(x1, x2, eps=0.5)[0] == pytest.approx(1.5 * np.sqrt(2), rel=1e-15)
    assert L.pairwise_distance(x1, x1)[0] == pytest.approx(1e-6 * np.sqrt(2), rel=1e-12)


def test_triplet_swap_by_hand():
    # a = 0, p = (1, 0), n = (1.5, 0): d(a,p) = 1, d(a,n) = 1.5, d(p,n) = 0.5; margin 1:
    # no swap: 1 − 1.5 + 1 = 0.5; swap: 1 − min(1.5, 0.5) + 1 = 1.5
    a, p, n = np.zeros((1, 2)), np.array([[1.0, 0.0]]), np.array([[1.5, 0.0]])
    assert float(L.triplet_margin(a, p, n, eps=0.0)) == pytest.approx(0.5, rel=1e-15)
    assert float(L.triplet_margin(a, p, n, eps=0.0, swap=True)) == pytest.approx(1.5, rel=1e-15)


def test_info_nce_is_cross_entropy_of_the_similarity_matrix_by_hand():
    # orthonormal keys, τ = 0.5: row i has logit 2 at j = i and 0 elsewhere (N = 3):
    # loss = log(e² + 2) − 2 for every query
    z = np.eye(3)
    expected = np.log(np.exp(2.0) + 2.0) - 2.0
    np.testing.assert_allclose(L.info_nce(z, z, temperature=0.5, reduction="none"), [expected] * 3, rtol=1e-15)


def test_nt_xent_by_hand():
    # z1 = z2 = I₂, τ = 1: row 1 of view 1 sees its positive (s = 1), the other key (0) and the other
    # vector of its own view (0), itself excluded: −log(e / (e + 1 + 1)).
    z = np.eye(2)
    assert float(L.nt_xent(z, z, temperature=1.0)) == pytest.approx(-np.log(np.e / (np.e + 2)), rel=1e-15)


def test_temperature_scales_the_gradient_by_its_inverse():
    # ∂loss/∂S_ij = (softmax_j(S_i/τ) − δ_ij)/(N τ); at S = 0 (orthogonal raw vectors, dot products):
    # (1/N − δ_ij)/(N τ): halving τ doubles the gradient.
    grads = {}
    for tau in (0.5, 0.25):

        def loss(s, tau=tau):
            return L.categorical_crossentropy(np.eye(4), s / tau, from_logits=True)

        grads[tau] = ad.grad(loss)(np.zeros((4, 4)))
        np.testing.assert_allclose(grads[tau], (0.25 - np.eye(4)) / (4 * tau), rtol=1e-14)
    np.testing.assert_allclose(grads[0.25], 2 * grads[0.5], rtol=1e-14)


# ---------------------------------------------------------------------------------------------------
# Gradients against finite differences, first and second order.
# ---------------------------------------------------------------------------------------------------

GRADIENT_CASES = [
    ("contrastive", lambda d: L.contrastive(PAIR_LABELS, d, margin=1.5), (DIST,)),
    (
        "contrastive on distances",
        lambda a, b: L.contrastive(PAIR_LABELS, L.pairwise_distance(a, b), margin=4.0),
        (A, P),
    ),
    ("triplet p=2", lambda a, p, n: L.triplet_margin(a, p, n, margin=5.0), (A, P, NEG)),
    (
        "triplet p=3 swap sum",
        lambda a, p, n: L.triplet_margin(a, p, n, margin=5.0, p=3, swap=True, reduction="sum"),
        (A, P, NEG),
    ),
    ("cosine embedding", lambda a, b: L.cosine_embedding(SIGNED_LABELS, a, b, margin=-0.99), (A, P)),
    ("info_nce cosine", lambda a, b: L.info_nce(a, b, temperature=0.3), (A, P)),
    ("info_nce dot", lambda a, b: L.info_nce(a, b, temperature=2.0, cosine=False, reduction="sum"), (A, P)),
    ("nt_xent", lambda a, b: L.nt_xent(a, b, temperature=0.5), (A, P)),
]


@pytest.mark.parametrize("loss, args", [c[1:] for c in GRADIENT_CASES], ids=[c[0] for c in GRADIENT_CASES])
def test_gradients_and_hessians_match_finite_differences(loss, args):
    # check_grads raises (showing analytic vs numeric) unless first and second derivatives match
    ad.check_grads(loss, *args, order=2, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("loss, args", [c[1:] for c in GRADIENT_CASES], ids=[c[0] for c in GRADIENT_CASES])
def test_tensor_value_equals_numpy_value(loss, args):
    value = loss(*[ad.constant(a) for a in args])
    assert isinstance(value, ad.Tensor)
    assert float(value.numpy()) == pytest.approx(float(loss(*args)), rel=1e-14, abs=1e-15)


# ---------------------------------------------------------------------------------------------------
# Hard inputs.
# ---------------------------------------------------------------------------------------------------


def test_zero_vectors_give_finite_losses_and_gradients():
    zeros = np.zeros((N, D))
    # cosine 0 with a zero vector: 1 per similar pair, 0 per dissimilar one
    np.testing.assert_allclose(
        L.cosine_embedding(SIGNED_LABELS, zeros, P, reduction="none"), (SIGNED_LABELS == 1).astype(float), atol=0
    )
    # all similarities 0: every query is a uniform guess among N keys, loss log N
    np.testing.assert_allclose(L.info_nce(zeros, zeros, reduction="none"), np.full(N, np.log(N)), rtol=1e-15)
    np.testing.assert_allclose(L.nt_xent(zeros, zeros, reduction="none"), np.full(N, np.log(2 * N - 1)), rtol=1e-15)
    for loss in (
        lambda z: L.info_nce(z, P),
        lambda z: L.nt_xent(z, P),
        lambda z: L.cosine_embedding(SIGNED_LABELS, z, P),
        lambda z: L.triplet_margin(z, z, P, eps=0.0),
    ):
        assert np.all(np.isfinite(ad.grad(loss)(zeros)))


def test_equal_vectors_without_eps_have_distance_zero_and_a_zero_gradient():
    grad = ad.grad(lambda a: L.contrastive([0] * N, L.pairwise_distance(a, A, eps=0.0)))(A.copy())
    assert np.all(grad == 0)  # the norm's gradient at 0 is taken as 0, not NaN


def test_huge_embeddings_and_tiny_temperatures_stay_finite():
    # the cosine losses do not see the scale, up to entries of about 1e150 (norms below 1e-6 meet the
    # epsilons: at 1e-3 the cosine moves by 3e-7, and a vector of norm 1e-100 counts as a zero vector)
    for scale in (1e3, 1e150):
        np.testing.assert_allclose(
            L.cosine_embedding(SIGNED_LABELS, scale * A, scale * P), L.cosine_embedding(SIGNED_LABELS, A, P), rtol=1e-12
        )
        np.testing.assert_allclose(L.info_nce(scale * A, scale * P), L.info_nce(A, P), rtol=1e-12)
    # τ = 1e-4 makes logits of size 1e4: logsumexp keeps the loss finite, and it equals the largest margin
    loss = L.info_nce(np.eye(3), np.eye(3)[[1, 0, 2]], temperature=1e-4, reduction="none")
    np.testing.assert_allclose(loss, [1e4, 1e4, 0.0], rtol=1e-12)
    assert np.all(np.isfinite(ad.grad(lambda z: L.nt_xent(z, P, temperature=1e-4))(A)))


# ---------------------------------------------------------------------------------------------------
# Bad inputs: errors name the argument.
# ---------------------------------------------------------------------------------------------------

ERRORS = [
    ("margin 0", lambda: L.contrastive(PAIR_LABELS, DIST, margin=0.0), ValueError, "margin must be > 0"),
    ("negative distance", lambda: L.contrastive([1], [-0.5]), ValueError, r"distance\[0\]=-0.5"),
    ("labels not 0/1", lambda: L.contrastive([1, -1], [0.5, 0.5]), ValueError, r"y_true\[1\]=-1"),
    ("label shape", lambda: L.contrastive([1, 0, 1], DIST), ValueError, "y_true must have shape"),
    ("1-d embeddings", lambda: L.triplet_margin(A[0], P[0], NEG[0]), ValueError, r"anchor must have shape \(N, D\)"),
    ("mismatched", lambda: L.triplet_margin(A, P[:2], NEG), ValueError, "anchor and positive must have the same"),
    ("triplet margin 0", lambda: L.triplet_margin(A, P, NEG, margin=0.0), ValueError, "margin must be > 0"),
    ("p below 1", lambda: L.triplet_margin(A, P, NEG, p=0.5), ValueError, "p must be >= 1"),
    ("swap not bool", lambda: L.triplet_margin(A, P, NEG, swap=1), TypeError, "swap"),
    ("cosine labels 0/1", lambda: L.cosine_embedding(PAIR_LABELS, A, P), ValueError, r"y_true\[1\]=0"),
    (
        "cosine margin",
        lambda: L.cosine_embedding(SIGNED_LABELS, A, P, margin=2.0),
        ValueError,
        r"margin must be in \[-1, 1\]",
    ),
    ("temperature 0", lambda: L.info_nce(A, P, temperature=0.0), ValueError, "temperature must be > 0"),
    ("nan embedding", lambda: L.info_nce(np.full((2, 2), np.nan), P[:2]), ValueError, "z1"),
    ("nt_xent one pair", lambda: L.nt_xent(A[:1], P[:1]), ValueError, "z1 must hold at least 2 rows"),
    ("reduction", lambda: L.nt_xent(A, P, reduction="avg"), ValueError, "reduction must be one of"),
]


@pytest.mark.parametrize("call, error, match", [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_bad_inputs_raise_naming_the_argument(call, error, match):
    with pytest.raises(error, match=match):
        call()


# ---------------------------------------------------------------------------------------------------
# The framework forms and the built-ins.
# ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def frameworks():
    torch = pytest.importorskip("torch")
    keras = pytest.importorskip("keras")
    import momentum_lab.tf.losses as KL
    import momentum_lab.torch.losses as TL

    return torch, keras, KL, TL


def t64(x):
    import torch

    return torch.tensor(np.asarray(x, dtype=np.float64))


KERAS_REDUCTION = {"mean": "sum_over_batch_size", "sum": "sum", "none": None}


def numpy_of(value):
    return value.detach().numpy() if hasattr(value, "detach") else np.asarray(value)


TRIPLET_SETTINGS = [
    dict(),
    dict(p=1.0),
    dict(p=3.0, margin=0.3),
    dict(swap=True),
    dict(eps=0.0, margin=2.0),
    dict(p=1.5, swap=True, eps=1e-3, margin=0.05),
]


@pytest.mark.frameworks
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("settings", TRIPLET_SETTINGS, ids=[str(s) for s in TRIPLET_SETTINGS])
def test_triplet_margin_agrees_with_torch_and_keras(frameworks, settings, reduction):
    torch, keras, KL, TL = frameworks
    ours = L.triplet_margin(A, P, NEG, reduction=reduction, **settings)
    builtin = torch.nn.TripletMarginLoss(reduction=reduction, **settings)(t64(A), t64(P), t64(NEG))
    agree("torch.nn.TripletMarginLoss", ours, numpy_of(builtin))
    agree(
        "momentum_lab.torch TripletMargin",
        numpy_of(TL.TripletMargin(reduction=reduction, **settings)(t64(A), t64(P), t64(NEG))),
        numpy_of(builtin),
    )
    keras_loss = KL.TripletMargin(reduction=KERAS_REDUCTION[reduction], dtype="float64", **settings)
    agree("momentum_lab.tf TripletMargin", np.asarray(keras_loss(np.zeros(N), np.stack([A, P, NEG], axis=1))), ours)


@pytest.mark.frameworks
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("margin", [0.0, 0.4, -0.5])
def test_cosine_embedding_agrees_with_torch_and_keras(frameworks, margin, reduction):
    torch, keras, KL, TL = frameworks
    x1 = np.vstack([A, np.zeros((1, D))])  # a zero vector too
    x2 = np.vstack([P, NEG[:1]])
    y = np.append(SIGNED_LABELS, 1)
    ours = L.cosine_embedding(y, x1, x2, margin=margin, reduction=reduction)
    builtin = torch.nn.CosineEmbeddingLoss(margin=margin, reduction=reduction)(t64(x1), t64(x2), t64(y))
    agree("torch.nn.CosineEmbeddingLoss", ours, numpy_of(builtin))
    agree(
        "momentum_lab.torch CosineEmbedding",
        numpy_of(TL.CosineEmbedding(margin, reduction)(t64(x1), t64(x2), t64(y))),
        numpy_of(builtin),
    )
    keras_loss = KL.CosineEmbedding(margin, reduction=KERAS_REDUCTION[reduction], dtype="float64")
    agree("momentum_lab.tf CosineEmbedding", np.asarray(keras_loss(y.astype(float), np.stack([x1, x2], 1))), ours)


@pytest.mark.frameworks
def test_keras_cosine_similarity_pinned_on_similar_pairs(frameworks):
    # On similar pairs 1 − cos = 1 + keras CosineSimilarity(...); Keras normalizes each vector by
    # √max(‖u‖², 1e-12) where torch adds 1e-12 to ‖u‖²: the gap is about 1e-12/‖u‖², under 1e-11 here.
    torch, keras, KL, TL = frameworks
    ours = L.cosine_embedding(np.ones(N), A, P, reduction="none")
    theirs = 1.0 + np.asarray(keras.losses.CosineSimilarity(reduction=None, dtype="float64")(P, A))
    agree("keras.losses.CosineSimilarity (1 + ·)", ours, theirs, rtol=1e-10, atol=1e-11)
    # and for a zero vector both give cosine 0
    zero = np.zeros((1, D))
    assert float(keras.losses.CosineSimilarity(dtype="float64")(P[:1], zero)) == 0.0
    assert float(L.cosine_embedding([1], zero, P[:1])) == 1.0


@pytest.mark.frameworks
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_contrastive_three_forms_agree(frameworks, reduction):
    torch, keras, KL, TL = frameworks
    distance = L.pairwise_distance(A, P, p=3.0, eps=1e-4)
    ours = L.contrastive(PAIR_LABELS, distance, margin=2.0, reduction=reduction)
    torch_value = TL.Contrastive(margin=2.0, p=3.0, eps=1e-4, reduction=reduction)(
        t64(A), t64(P), torch.tensor(PAIR_LABELS)
    )
    agree("momentum_lab.torch Contrastive", numpy_of(torch_value), ours)
    keras_value = KL.Contrastive(2.0, reduction=KERAS_REDUCTION[reduction], dtype="float64")(
        PAIR_LABELS.astype(float), distance
    )
    agree("momentum_lab.tf Contrastive", np.asarray(keras_value), ours)
    # the distance is torch's pairwise_distance
    agree(
        "torch.nn.functional.pairwise_distance",
        distance,
        numpy_of(torch.nn.functional.pairwise_distance(t64(A), t64(P), p=3.0, eps=1e-4)),
    )


INFO_SETTINGS = [dict(temperature=0.1), dict(temperature=1.0), dict(temperature=0.5, cosine=False)]


@pytest.mark.frameworks
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("settings", INFO_SETTINGS, ids=[str(s) for s in INFO_SETTINGS])
def test_info_nce_is_cross_entropy_on_the_similarity_matrix(frameworks, settings, reduction):
    torch, keras, KL, TL = frameworks
    F = torch.nn.functional
    tau, cosine = settings["temperature"], settings.get("cosine", True)
    ours = L.info_nce(A, P, reduction=reduction, **settings)
    u, v = (F.normalize(t64(A)), F.normalize(t64(P))) if cosine else (t64(A), t64(P))
    logits = u @ v.T / tau
    builtin = F.cross_entropy(logits, torch.arange(N), reduction=reduction)
    agree("torch F.cross_entropy(S/τ, arange(N))", ours, numpy_of(builtin))
    keras_builtin = keras.losses.SparseCategoricalCrossentropy(
        from_logits=True, reduction=KERAS_REDUCTION[reduction], dtype="float64"
    )(np.arange(N), logits.numpy())
    agree("keras SparseCategoricalCrossentropy(S/τ, arange(N))", ours, np.asarray(keras_builtin))
    agree("momentum_lab.torch InfoNCE", numpy_of(TL.InfoNCE(reduction=reduction, **settings)(t64(A), t64(P))), ours)
    keras_loss = KL.InfoNCE(reduction=KERAS_REDUCTION[reduction], dtype="float64", **settings)
    agree("momentum_lab.tf InfoNCE", np.asarray(keras_loss(np.zeros(N), np.stack([A, P], 1))), ours)


@pytest.mark.frameworks
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("tau", [0.07, 0.5, 2.0])
def test_nt_xent_is_cross_entropy_on_the_2n_similarity_matrix(frameworks, tau, reduction):
    torch, keras, KL, TL = frameworks
    F = torch.nn.functional
    z = F.normalize(torch.cat([t64(A), t64(P)]))
    logits = (z @ z.T / tau).masked_fill(torch.eye(2 * N, dtype=torch.bool), -torch.inf)
    labels = torch.cat([torch.arange(N, 2 * N), torch.arange(N)])
    per_vector = F.cross_entropy(logits, labels, reduction="none")
    per_pair = 0.5 * (per_vector[:N] + per_vector[N:])  # our "none": one value per positive pair
    expected = {"mean": per_vector.mean(), "sum": per_pair.sum(), "none": per_pair}[reduction]
    ours = L.nt_xent(A, P, temperature=tau, reduction=reduction)
    agree("torch F.cross_entropy(2N × 2N, diagonal −∞)", ours, numpy_of(expected))
    keras_rows = keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction=None, dtype="float64")(
        labels.numpy(), logits.numpy()
    )
    agree(
        "keras SparseCategoricalCrossentropy(2N × 2N)",
        L.nt_xent(A, P, temperature=tau, reduction="none"),
        0.5 * (np.asarray(keras_rows)[:N] + np.asarray(keras_rows)[N:]),
    )
    agree("momentum_lab.torch NTXent", numpy_of(TL.NTXent(tau, reduction)(t64(A), t64(P))), ours)
    keras_loss = KL.NTXent(tau, reduction=KERAS_REDUCTION[reduction], dtype="float64")
    agree("momentum_lab.tf NTXent", np.asarray(keras_loss(np.zeros(N), np.stack([A, P], 1))), ours)


@pytest.mark.frameworks
def test_torch_gradients_agree_with_the_builtins(frameworks):
    torch, keras, KL, TL = frameworks
    F = torch.nn.functional

    def grads(loss_fn):
        inputs = [t64(x).requires_grad_() for x in (A, P, NEG)]
        loss_fn(*inputs).backward()
        return [np.zeros(x.shape) if x.grad is None else x.grad.numpy() for x in inputs]

    for settings in TRIPLET_SETTINGS:
        for ours, theirs in zip(grads(TL.TripletMargin(**settings)), grads(torch.nn.TripletMarginLoss(**settings))):
            agree("torch.nn.TripletMarginLoss gradient", ours, theirs)
    y = torch.tensor(SIGNED_LABELS)
    for ours, theirs in zip(
        grads(lambda a, p, n: TL.CosineEmbedding(0.1)(a, p, y)),
        grads(lambda a, p, n: torch.nn.CosineEmbeddingLoss(0.1)(a, p, y)),
    ):
        agree("torch.nn.CosineEmbeddingLoss gradient", ours, theirs)
    for ours, theirs in zip(
        grads(lambda a, p, n: TL.InfoNCE(0.2)(a, p)),
        grads(lambda a, p, n: F.cross_entropy(F.normalize(a) @ F.normalize(p).T / 0.2, torch.arange(N))),
    ):
        agree("torch F.cross_entropy(S/τ) gradient", ours, theirs)


@pytest.mark.frameworks
def test_torch_modules_check_their_inputs(frameworks):
    torch, keras, KL, TL = frameworks
    with pytest.raises(ValueError, match=r"target\[1\]=0"):
        TL.CosineEmbedding()(t64(A), t64(P), torch.tensor(PAIR_LABELS))
    with pytest.raises(ValueError, match="anchor and negative must have the same shape"):
        TL.TripletMargin()(t64(A), t64(P), t64(NEG[:2]))
    with pytest.raises(TypeError, match="z2 must be a torch.Tensor"):
        TL.InfoNCE()(t64(A), P)
    with pytest.raises(ValueError, match=r"y_pred must have shape \(N, 3, D\)"):
        KL.TripletMargin(dtype="float64")(np.zeros(N), np.stack([A, P], 1))


@pytest.mark.frameworks
def test_keras_metric_losses_serialize(frameworks):
    torch, keras, KL, TL = frameworks
    for loss in (
        KL.Contrastive(0.5),
        KL.TripletMargin(0.2, p=1.0, swap=True),
        KL.CosineEmbedding(0.1),
        KL.InfoNCE(0.3, cosine=False),
        KL.NTXent(0.2),
    ):
        clone = keras.losses.deserialize(keras.losses.serialize(loss))
        assert type(clone) is type(loss) and clone.get_config() == loss.get_config()
