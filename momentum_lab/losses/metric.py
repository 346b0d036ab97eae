"""Metric and contrastive losses: contrastive, triplet margin, cosine embedding, InfoNCE and NT-Xent.

Chapter 13. These losses score embeddings, not predictions of a label: they pull the vectors of a matching
pair together and push the others apart. Conventions shared by the functions here:

* Embeddings are arrays of shape ``(N, D)``: N samples, the feature axis last.
* Distances are torch's ``pairwise_distance``: ``d(a, b) = ‖a − b + eps‖_p`` (eps = 1e-6 added to every
  difference, so two equal vectors are at distance ``eps·D^{1/p}``, not 0), with a zero gradient where the
  norm is exactly 0 (eps = 0 and equal vectors).
* Cosine similarities are torch's ``cosine_embedding_loss`` form, ``a·b / √((‖a‖² + 1e-12)(‖b‖² + 1e-12))``
  for pairs, and for the matrices of InfoNCE and NT-Xent the rows are normalized as
  ``torch.nn.functional.normalize`` does: ``u / max(‖u‖, 1e-12)``. A zero vector has similarity 0 with
  everything, not NaN.
* ``reduction="none"`` returns one loss per sample (per pair or per triplet), shape ``(N,)``; NT-Xent
  returns one per positive pair, the mean of its two directions.
* The squared norms are formed directly, so embeddings with entries beyond about 1e150 overflow (a
  similarity then becomes 0); below that, scaling the embeddings leaves the cosine losses unchanged.
* Arrays give NumPy results; tensors of ``momentum_lab.autodiff`` give tensors on the tape.
"""

from __future__ import annotations

import numpy as np

from momentum_lab._validate import flag, non_negative, real_number
from momentum_lab._validate import positive as positive_number
from momentum_lab.losses import _ops as ops
from momentum_lab.losses._ops import LossInput, LossValue
from momentum_lab.losses._validate import (
    check_cosine_margin,
    check_reduction,
    check_same_shape,
    first_bad,
    values_of,
)
from momentum_lab.losses.probabilistic import cross_entropy_values

__all__ = ["pairwise_distance", "contrastive", "triplet_margin", "cosine_embedding", "info_nce", "nt_xent"]

#: torch's ``cosine_embedding_loss`` adds this to each squared norm.
COSINE_EPSILON = 1e-12
#: ``torch.nn.functional.normalize`` divides by ``max(‖u‖, NORMALIZE_EPSILON)``.
NORMALIZE_EPSILON = 1e-12


# --- formulas ---------------------------------------------------------------------------------------


def pairwise_distance_values(xp, x1, x2, p=2.0, eps=1e-6):
    """Per row ``‖x1 − x2 + eps‖_p`` along the last axis; gradient 0 where the norm is exactly 0."""
    diff = x1 - x2 + eps
    if p == 1.0:
        return xp.sum(xp.abs(diff), axis=-1)
    powered = xp.sum(xp.square(diff) if p == 2.0 else xp.abs(diff) ** p, axis=-1)
    nonzero = powered > 0
    return xp.where(nonzero, xp.where(nonzero, powered, 1.0) ** (1.0 / p), 0.0)


def contrastive_values(xp, y, distance, margin=1.0):
    """Per pair ``½ [y d² + (1 − y) max(0, margin − d)²]``: ``y = 1`` similar, ``y = 0`` dissimilar."""
    return 0.5 * (y * xp.square(distance) + (1.0 - y) * xp.square(xp.relu(margin - distance)))


def triplet_margin_values(xp, anchor, positive, negative, margin=1.0, p=2.0, eps=1e-6, swap=False):
    """Per triplet ``max(0, d(a, p) − d(a, n) + margin)``; with ``swap``, ``d(a, n)`` becomes
    ``min(d(a, n), d(p, n))`` (Balntas et al. 2016)."""
    d_pos = pairwise_distance_values(xp, anchor, positive, p, eps)
    d_neg = pairwise_distance_values(xp, anchor, negative, p, eps)
    if swap:
        d_neg = -xp.maximum(-d_neg, -pairwise_distance_values(xp, positive, negative, p, eps))
    return xp.relu(d_pos - d_neg + margin)


def cosine_values(xp, x1, x2):
    """Per row ``x1·x2 / √((‖x1‖² + 1e-12)(‖x2‖² + 1e-12))`` (torch's form; 0 for a zero vector), the root
    taken of each factor so that the product of two squared norms near 1e300 does not overflow."""
    dot = xp.sum(x1 * x2, axis=-1)
    sq1 = xp.sum(xp.square(x1), axis=-1) + COSINE_EPSILON
    sq2 = xp.sum(xp.square(x2), axis=-1) + COSINE_EPSILON
    return dot / (sq1**0.5 * sq2**0.5)


def cosine_embedding_values(xp, y, x1, x2, margin=0.0):
    """Per pair ``1 − cos(x1, x2)`` where ``y = 1``, ``max(0, cos(x1, x2) − margin)`` where ``y = −1``."""
    cos = cosine_values(xp, x1, x2)
    return xp.where(y == 1, 1.0 - cos, xp.relu(cos - margin))


def normalized_rows(xp, u):
    """``u / max(‖u‖, 1e-12)`` row by row, written as ``u / √max(‖u‖², 1e-24)`` so the gradient is finite."""
    return u / xp.maximum(xp.sum(xp.square(u), axis=-1, keepdims=True), NORMALIZE_EPSILON**2) ** 0.5


def similarity_matrix_values(xp, u, v, cosine=True):
    """``S_ij = u_i·v_j`` (rows normalized first when ``cosine``), by broadcasting over an (N, M, D) product."""
    if cosine:
        u, v = normalized_rows(xp, u), normalized_rows(xp, v)
    return xp.sum(u[:, None, :] * v[None, :, :], axis=-1)


def info_nce_values(xp, queries, keys, targets, temperature=0.1, cosine=True):
    """Per query ``−Σ_j T_ij log softmax_j(S_ij / τ)``: the cross-entropy of the similarity matrix with the
    target matrix ``T`` (the identity: key i is query i's positive, the other keys its negatives)."""
    logits = similarity_matrix_values(xp, queries, keys, cosine) / temperature
    return cross_entropy_values(xp, targets, logits, from_logits=True)


def _log_add_exp(xp, a, b):
    """``log(e^a + e^b)`` without overflow."""
    top = xp.maximum(a, b)
    return top + xp.log(xp.exp(a - top) + xp.exp(b - top))


def _nt_xent_direction(xp, z, other, eye, temperature):
    """``ℓ_i = −log [e^{s(z_i, o_i)/τ} / (Σ_j e^{s(z_i, o_j)/τ} + Σ_{j≠i} e^{s(z_i, z_j)/τ})]``."""
    across = similarity_matrix_values(xp, z, other) / temperature
    within = xp.where(eye > 0, -np.inf, similarity_matrix_values(xp, z, z) / temperature)
    normalizer = _log_add_exp(xp, xp.logsumexp(across, axis=-1), xp.logsumexp(within, axis=-1))
    return normalizer - xp.sum(eye * across, axis=-1)


def nt_xent_values(xp, z1, z2, eye, temperature=0.5):
    """Per positive pair ``½(ℓ_i + ℓ'_i)``: NT-Xent of both views, each against the 2N − 2 other vectors."""
    return 0.5 * (_nt_xent_direction(xp, z1, z2, eye, temperature) + _nt_xent_direction(xp, z2, z1, eye, temperature))


# --- checks -----------------------------------------------------------------------------------------


def check_norm_order(p):
    """``p`` of a p-norm: a real number >= 1 (below 1 it is no norm)."""
    value = real_number(p, "p")
    if value < 1:
        raise ValueError(f"p must be >= 1 (the order of a norm); got p={value!r}")
    return value


def _embeddings(value, name, *, minimum_rows=1):
    """``(operand, values)`` for an ``(N, D)`` embedding array or tensor."""
    values = values_of(value, name)
    if values.ndim != 2:
        raise ValueError(f"{name} must have shape (N, D) (one embedding per row); got {name}.shape={values.shape}")
    if values.shape[0] < minimum_rows:
        raise ValueError(f"{name} must hold at least {minimum_rows} rows; got {name}.shape={values.shape}")
    return (value if ops.is_tensor(value) else values), values


def _same_shapes(named):
    (first_name, first), *rest = named
    for name, values in rest:
        check_same_shape(first.shape, values.shape, first_name, name)


def _pair_labels(y_true, other, other_shape, allowed, what):
    """Labels of pairs, one per row of ``other`` (its name and shape go in the message)."""
    labels = values_of(y_true, "y_true")
    rows = other_shape[0]
    if labels.shape != (rows,):
        raise ValueError(
            f"y_true must have shape ({rows},), one label per pair of {other} "
            f"({other}.shape={other_shape}); got y_true.shape={labels.shape}"
        )
    bad = ~np.isin(labels, allowed)
    if np.any(bad):
        raise ValueError(f"y_true must hold labels in {what}; got y_true{first_bad(labels, bad)}")
    return labels


def _any_tensor(*values):
    return any(ops.is_tensor(v) for v in values)


# --- NumPy functions --------------------------------------------------------------------------------


def pairwise_distance(x1: LossInput, x2: LossInput, *, p: float = 2.0, eps: float = 1e-6) -> LossValue:
    """Distances ``‖x1_i − x2_i + eps‖_p`` between the rows of two ``(N, D)`` arrays (torch's
    ``pairwise_distance``).

    Args:
        x1, x2: embeddings, shape ``(N, D)`` each.
        p: order of the norm, >= 1 (default 2).
        eps: >= 0, added to each difference (default 1e-6).

    Edge cases:
        NaN or infinite entries and empty inputs raise ValueError. Two equal rows are at distance
        ``eps·D^{1/p}``; with ``eps=0`` at distance 0, with gradient 0 there (not NaN).

    Returns:
        The N distances, shape ``(N,)`` (a tensor when an input is one).

    Example:
        >>> float(pairwise_distance([[0.0, 0.0]], [[3.0, 4.0]], eps=0.0)[0])  # √(3² + 4²)
        5.0
    """
    p, eps = check_norm_order(p), non_negative(eps, "eps")
    a, a_values = _embeddings(x1, "x1")
    b, b_values = _embeddings(x2, "x2")
    _same_shapes([("x1", a_values), ("x2", b_values)])
    return ops.reduce(pairwise_distance_values(ops, a, b, p, eps), "none", _any_tensor(x1, x2))


def contrastive(y_true: LossInput, distance: LossInput, *, margin: float = 1.0, reduction: str = "mean") -> LossValue:
    """Contrastive loss of Hadsell, Chopra and LeCun (2006) on the distances between the two members of pairs.

    Formula:
        ``loss_i = ½ [y_i d_i² + (1 − y_i) max(0, margin − d_i)²]``, then ``reduction`` over the pairs.
        ``y = 1`` marks a similar pair, pulled together (cost ½d²); ``y = 0`` a dissimilar one, pushed out
        to at least ``margin`` (no cost beyond it). The paper writes the labels the other way round
        (``Y = 0`` for similar pairs); the formula is the same.

    Args:
        y_true: labels, shape ``(N,)``, each 0 or 1.
        distance: distances ``d_i >= 0`` between the embeddings of each pair, shape ``(N,)`` (for example
            ``pairwise_distance(f(x1), f(x2))``).
        margin: > 0 (default 1.0).
        reduction: ``"mean"`` (default), ``"sum"``, or ``"none"`` for the per-pair losses.

    Edge cases:
        NaN or infinite entries and empty inputs raise ValueError; a distance of 0 in a similar pair costs
        0, one at or beyond ``margin`` in a dissimilar pair costs 0.

    Returns:
        A scalar, or an array of shape ``(N,)`` for ``reduction="none"``.

    Example:
        >>> float(contrastive([1, 0], [0.5, 0.25], margin=1.0))  # (½·0.5² + ½·0.75²) / 2 = (0.125 + 0.28125)/2
        0.203125

    Reference:
        Hadsell, Chopra and LeCun, "Dimensionality reduction by learning an invariant mapping", CVPR 2006.
        Neither Keras nor PyTorch has a built-in.
    """
    margin = positive_number(margin, "margin")
    check_reduction(reduction)
    d_values = values_of(distance, "distance")
    if d_values.ndim != 1:
        raise ValueError(f"distance must have shape (N,) (one distance per pair); got distance.shape={d_values.shape}")
    bad = d_values < 0
    if np.any(bad):
        raise ValueError(f"distance must hold distances >= 0; got distance{first_bad(d_values, bad)}")
    labels = _pair_labels(y_true, "distance", d_values.shape, (0, 1), "{0, 1} (1 = similar pair)")
    d = distance if ops.is_tensor(distance) else d_values
    return ops.reduce(contrastive_values(ops, labels, d, margin), reduction, ops.is_tensor(distance))


def triplet_margin(
    anchor: LossInput,
    positive: LossInput,
    negative: LossInput,
    *,
    margin: float = 1.0,
    p: float = 2.0,
    eps: float = 1e-6,
    swap: bool = False,
    reduction: str = "mean",
) -> LossValue:
    """Triplet margin loss: the anchor must be nearer its positive than its negative by ``margin``.

    Formula:
        ``loss_i = max(0, d(a_i, p_i) − d(a_i, n_i) + margin)`` with ``d(u, v) = ‖u − v + eps‖_p``; with
        ``swap=True`` the negative distance is ``min(d(a_i, n_i), d(p_i, n_i))`` (the "distance swap" of
        Balntas et al. 2016). Then ``reduction`` over the triplets.

    Args:
        anchor, positive, negative: embeddings, each of shape ``(N, D)``.
        margin: > 0 (default 1.0; torch refuses 0 too).
        p: order of the norm, >= 1 (default 2).
        eps: >= 0, added to each difference (default 1e-6).
        swap: use the distance swap (default False).
        reduction: ``"mean"`` (default), ``"sum"``, or ``"none"`` for the per-triplet losses.

    Edge cases:
        NaN or infinite entries and empty inputs raise ValueError; with ``eps=0`` an anchor equal to its
        positive has distance 0 and gradient 0 there (not NaN).

    Returns:
        A scalar, or an array of shape ``(N,)`` for ``reduction="none"``.

    Example:
        >>> float(triplet_margin([[0.0, 0.0]], [[3.0, 4.0]], [[6.0, 8.0]], margin=1.0, eps=0.0))  # 5 − 10 + 1 < 0
        0.0
        >>> float(triplet_margin([[0.0, 0.0]], [[6.0, 8.0]], [[3.0, 4.0]], margin=1.0, eps=0.0))  # 10 − 5 + 1
        6.0

    Reference:
        Schroff, Kalenichenko and Philbin, "FaceNet", CVPR 2015; PyTorch ``torch.nn.TripletMarginLoss``
        (same arguments and defaults). Keras has no built-in.
    """
    margin, p, eps = positive_number(margin, "margin"), check_norm_order(p), non_negative(eps, "eps")
    swap = flag(swap, "swap")
    check_reduction(reduction)
    a, a_values = _embeddings(anchor, "anchor")
    pos, pos_values = _embeddings(positive, "positive")
    neg, neg_values = _embeddings(negative, "negative")
    _same_shapes([("anchor", a_values), ("positive", pos_values), ("negative", neg_values)])
    losses = triplet_margin_values(ops, a, pos, neg, margin, p, eps, swap)
    return ops.reduce(losses, reduction, _any_tensor(anchor, positive, negative))


def cosine_embedding(
    y_true: LossInput, x1: LossInput, x2: LossInput, *, margin: float = 0.0, reduction: str = "mean"
) -> LossValue:
    """Cosine embedding loss: similar pairs pay ``1 − cos``, dissimilar ones the cosine above ``margin``.

    Formula:
        ``c_i = x1_i·x2_i / √((‖x1_i‖² + 1e-12)(‖x2_i‖² + 1e-12))``;
        ``loss_i = 1 − c_i`` if ``y_i = 1``, ``max(0, c_i − margin)`` if ``y_i = −1``; then ``reduction``.
        A zero vector has ``c = 0``: loss 1 in a similar pair, 0 in a dissimilar one (for margin >= 0).

    Args:
        y_true: labels, shape ``(N,)``, each 1 (similar) or −1 (dissimilar).
        x1, x2: embeddings, shape ``(N, D)`` each.
        margin: in [−1, 1] (default 0).
        reduction: ``"mean"`` (default), ``"sum"``, or ``"none"`` for the per-pair losses.

    Edge cases:
        NaN or infinite entries and empty inputs raise ValueError; a zero vector has cosine 0 (no 0/0).

    Returns:
        A scalar, or an array of shape ``(N,)`` for ``reduction="none"``.

    Example:
        >>> round(float(cosine_embedding([1, -1], [[1.0, 0.0], [1.0, 0.0]], [[1.0, 1.0], [1.0, 1.0]])), 6)
        0.5
        >>> # (1 − 1/√2) for the similar pair, max(0, 1/√2 − 0) for the dissimilar one: mean ½

    Reference:
        PyTorch ``torch.nn.CosineEmbeddingLoss`` (same formula and epsilon). Keras has no built-in; its
        ``CosineSimilarity`` loss is ``−cos`` with rows normalized by ``max(‖u‖², 1e-12)``.
    """
    margin = check_cosine_margin(margin)
    check_reduction(reduction)
    a, a_values = _embeddings(x1, "x1")
    b, b_values = _embeddings(x2, "x2")
    _same_shapes([("x1", a_values), ("x2", b_values)])
    labels = _pair_labels(y_true, "x1", a_values.shape, (-1, 1), "{-1, 1} (1 = similar pair)")
    return ops.reduce(cosine_embedding_values(ops, labels, a, b, margin), reduction, _any_tensor(x1, x2))


def _check_views(z1, z2, minimum_rows=1):
    a, a_values = _embeddings(z1, "z1", minimum_rows=minimum_rows)
    b, b_values = _embeddings(z2, "z2", minimum_rows=minimum_rows)
    _same_shapes([("z1", a_values), ("z2", b_values)])
    return a, b, np.eye(a_values.shape[0])


def info_nce(
    z1: LossInput, z2: LossInput, *, temperature: float = 0.1, cosine: bool = True, reduction: str = "mean"
) -> LossValue:
    """InfoNCE: each row of ``z1`` must pick out its own row of ``z2`` among all the rows of ``z2``.

    Formula:
        ``S_ij = z1_i·z2_j`` (after normalizing the rows, ``u / max(‖u‖, 1e-12)``, when ``cosine``);
        ``loss_i = −log softmax_j(S_ij / τ)`` at ``j = i``, i.e. the cross-entropy of the logits ``S/τ``
        with the identity matrix as targets, computed with the stable log-softmax ``x − logsumexp(x)``.
        Then ``reduction`` over the N queries.

    Args:
        z1: queries (for example the first view of N images), shape ``(N, D)``.
        z2: keys, the same shape; row i is the positive of query i, the other rows its negatives.
        temperature: τ > 0 (default 0.1): it divides the similarities, so its inverse is the logits' scale.
        cosine: compare normalized rows (default True) or raw dot products.
        reduction: ``"mean"`` (default), ``"sum"``, or ``"none"`` for the per-query losses.

    Edge cases:
        NaN or infinite entries and empty inputs raise ValueError; a zero row has similarity 0 with every
        key, and a tiny ``temperature`` (logits of 1e4 and more) gives finite values through logsumexp.

    Returns:
        A scalar, or an array of shape ``(N,)`` for ``reduction="none"``.

    Example:
        >>> z = [[1.0, 0.0], [0.0, 1.0]]
        >>> round(float(info_nce(z, z, temperature=1.0)), 6)  # log(e¹ + e⁰) − 1 = log(1 + e^{−1})
        0.313262

    Reference:
        van den Oord, Li and Vinyals, "Representation learning with contrastive predictive coding", 2018.
        It is ``CrossEntropyLoss`` (torch) or ``SparseCategoricalCrossentropy(from_logits=True)`` (Keras)
        of ``S/τ`` with labels ``0, …, N − 1``; neither framework has it under its own name.
    """
    temperature, cosine = positive_number(temperature, "temperature"), flag(cosine, "cosine")
    check_reduction(reduction)
    a, b, eye = _check_views(z1, z2)
    return ops.reduce(info_nce_values(ops, a, b, eye, temperature, cosine), reduction, _any_tensor(z1, z2))


def nt_xent(z1: LossInput, z2: LossInput, *, temperature: float = 0.5, reduction: str = "mean") -> LossValue:
    """NT-Xent (SimCLR's loss): InfoNCE over both views, each vector against the 2N − 1 others.

    Formula:
        with cosine similarities ``s``, for each i the direction loss
        ``ℓ_i = −log [e^{s(z1_i, z2_i)/τ} / (Σ_j e^{s(z1_i, z2_j)/τ} + Σ_{j≠i} e^{s(z1_i, z1_j)/τ})]``, and
        ``ℓ'_i`` the same with the views exchanged; ``loss_i = ½(ℓ_i + ℓ'_i)``, so the mean over the N
        pairs is SimCLR's mean over the 2N vectors. The sums are formed as logsumexp's, each vector's
        similarity with itself excluded (set to −∞).

    Args:
        z1, z2: two views of N samples, shape ``(N, D)`` each, N >= 2.
        temperature: τ > 0 (default 0.5, SimCLR's CIFAR-10 setting).
        reduction: ``"mean"`` (default), ``"sum"``, or ``"none"`` for the per-pair losses.

    Edge cases:
        NaN or infinite entries and empty inputs raise ValueError; zero rows and tiny temperatures give
        finite values, as for :func:`info_nce`.

    Returns:
        A scalar, or an array of shape ``(N,)`` for ``reduction="none"``.

    Example:
        >>> z = [[1.0, 0.0], [0.0, 1.0]]
        >>> round(float(nt_xent(z, z, temperature=1.0)), 6)  # −log(e / (e + 1 + 1))
        0.551445

    Reference:
        Chen, Kornblith, Norouzi and Hinton, "A simple framework for contrastive learning of visual
        representations" (SimCLR), ICML 2020. It equals ``CrossEntropyLoss`` of the 2N × 2N similarity
        matrix over τ with its diagonal set to −∞, the label of row i being its other view.
    """
    temperature = positive_number(temperature, "temperature")
    check_reduction(reduction)
    a, b, eye = _check_views(z1, z2, minimum_rows=2)
    return ops.reduce(nt_xent_values(ops, a, b, eye, temperature), reduction, _any_tensor(z1, z2))
