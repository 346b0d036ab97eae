"""Data sets: made in code (chapters 3 and 10) and one real one read from an installed package (chapter 11).

* :func:`load_digits`: scikit-learn's 1,797 handwritten digits (8×8 images), split into a training and a
  test set; :func:`minibatch_indices`: the order in which minibatches visit the training set;
* :func:`make_moons`: two interleaved half circles with noise, standardised (a classic non-linear
  two-class problem);
* :func:`polynomial_features`: every monomial of the inputs up to a degree, each column standardised,
  which makes logistic regression on the moons a convex problem with curved decision boundaries;
* :func:`standardise`: columns to mean 0 and standard deviation 1.

Edges: inputs must be finite real numbers (NaN, infinities, booleans and complex numbers are refused,
naming the argument); seeds are integers ≥ 0; a constant column cannot be standardised (ValueError);
columns near the float limit (1e308) are scaled first so that their mean and standard deviation do not
overflow; monomials that overflow are a ValueError naming ``X`` and ``degree``, never NaN.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from momentum_lab._validate import as_float_array, flag, non_negative, positive_int, real_number

Array = npt.NDArray[np.float64]

__all__ = ["load_digits", "make_moons", "minibatch_indices", "polynomial_features", "standardise"]


def _seed(seed: object) -> int:
    return positive_int(seed, "seed", minimum=0)


def standardise(X: npt.ArrayLike) -> Array:
    """Each column shifted to mean 0 and scaled to standard deviation 1 (population std, ``ddof=0``).

    ``X`` is a finite 2-d array with at least one row; a constant column is a ValueError. Columns so large
    that their mean or spread would overflow are divided by their largest magnitude first (the result is
    the same in exact arithmetic).
    """
    X = as_float_array(X, "X", ndim=2)
    with np.errstate(over="ignore", invalid="ignore"):
        std = X.std(axis=0)
        result = (X - X.mean(axis=0)) / std
    if np.any(std == 0):
        raise ValueError(f"X must not have a constant column; got column std {std}")
    if not np.all(np.isfinite(result)):  # overflow in the mean or the spread: rescale, then standardise
        scaled = X / np.max(np.abs(X), axis=0)
        result = (scaled - scaled.mean(axis=0)) / scaled.std(axis=0)
    return result


def make_moons(n: int = 200, noise: float = 0.15, seed: int = 0) -> tuple[Array, Array]:
    """Two interleaving half circles in the plane, with Gaussian noise, standardised.

    Class 0: ``(cos t, sin t)``; class 1: ``(1 − cos t, ½ − sin t)``, ``t`` uniform in [0, π] (the shapes
    of scikit-learn's ``make_moons``); then ``noise`` times standard normal noise is added to every
    coordinate and each coordinate is standardised (:func:`standardise`).

    Returns ``(X, y)``: ``X`` of shape ``(n, 2)``, ``y`` of shape ``(n,)`` with ``n // 2`` zeros
    followed by ``n − n // 2`` ones (float64). The same ``seed`` gives the same numbers everywhere.
    """
    n = positive_int(n, "n", minimum=4)
    noise = non_negative(noise, "noise")
    rng = np.random.default_rng(_seed(seed))
    n0, n1 = n // 2, n - n // 2
    t0 = math.pi * rng.uniform(size=n0)
    t1 = math.pi * rng.uniform(size=n1)
    X = np.concatenate(
        [
            np.stack([np.cos(t0), np.sin(t0)], axis=1),
            np.stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)], axis=1),
        ]
    )
    X = X + noise * rng.standard_normal(X.shape)
    y = np.concatenate([np.zeros(n0), np.ones(n1)])
    return standardise(X), y


def polynomial_features(X: npt.ArrayLike, degree: int = 3, reference: npt.ArrayLike | None = None) -> Array:
    """Every monomial of the columns of ``X`` of total degree 1 to ``degree``, each column standardised.

    For two inputs ``(a, b)`` and degree 3 the columns are, in this order,
    ``a, b, a², ab, b², a³, a²b, ab², b³`` (degree by degree, the power of ``a`` falling).
    The constant monomial is left out: the models have a separate bias.

    Columns are standardised with the mean and standard deviation of the same monomials of
    ``reference`` (default: ``X`` itself); pass the training inputs as ``reference`` to transform new
    points (a grid for a decision boundary) exactly as the training data were.
    """
    X = as_float_array(X, "X", ndim=2)
    degree = positive_int(degree, "degree")
    ref = X if reference is None else as_float_array(reference, "reference", ndim=2)
    if ref.shape[1] != X.shape[1]:
        raise ValueError(f"reference must have X's {X.shape[1]} columns; got {ref.shape[1]}")
    with np.errstate(over="ignore", invalid="ignore"):
        raw, raw_ref = _monomials(X, degree), _monomials(ref, degree)
        std = raw_ref.std(axis=0)
    for name, values in (("X", raw), ("reference", raw_ref)):
        if not np.all(np.isfinite(values)):
            raise ValueError(
                f"the monomials of {name} up to degree={degree} overflow float64; got max |{name}| = "
                f"{np.max(np.abs(X if name == 'X' else ref)):.3g} (standardise {name} first)"
            )
    if not np.all(np.isfinite(std)):
        raise ValueError(
            f"the monomials of reference up to degree={degree} are too large to standardise; "
            f"got max |reference| = {np.max(np.abs(ref)):.3g} (standardise it first)"
        )
    if np.any(std == 0):
        raise ValueError(f"reference must not give a constant monomial; got column std {std}")
    return (raw - raw_ref.mean(axis=0)) / std


def _monomials(X: Array, degree: int) -> Array:
    columns = []
    for total in range(1, degree + 1):
        for powers in _exponents(X.shape[1], total):
            columns.append(np.prod(X ** np.array(powers, dtype=float), axis=1))
    return np.stack(columns, axis=1)


def _exponents(d: int, total: int) -> list[tuple[int, ...]]:
    """All ``d``-tuples of non-negative ints summing to ``total``, first entry falling."""
    if d == 1:
        return [(total,)]
    return [(first, *rest) for first in range(total, -1, -1) for rest in _exponents(d - 1, total - first)]


# ----------------------------------------------------------------------------------------------------
# A real data set (chapters 11 and 12)


def load_digits(test_fraction: float = 0.25, seed: int = 0) -> tuple[Array, np.ndarray, Array, np.ndarray]:
    """scikit-learn's handwritten digits, scaled to [0, 1] and split class by class into train and test.

    The data are the 1,797 8×8 grey-level images of the digits 0–9 (about 180 of each) that ship inside
    scikit-learn (``sklearn.datasets.load_digits`` reads them from the installed package; nothing is
    downloaded). Each image is a row of 64 pixels with integer values 0–16; dividing by 16 puts every
    feature in [0, 1].

    The split is *stratified*: for each class ``c = 0, 1, …, 9`` in turn, the indices of its images are
    permuted by one ``np.random.default_rng(seed)`` and the first ``round(test_fraction · n_c)`` go to the
    test set, so both sets hold the ten classes in the proportions of the whole. Each set is then in the
    original order of the data (sorted indices): the order of training is the job of
    :func:`minibatch_indices`.

    Args:
        test_fraction: the fraction of each class held out, in (0, 1) (default 0.25: 1,347 training and
            450 test images).
        seed: seed of the split.

    Returns:
        ``(X_train, y_train, X_test, y_test)``: float64 arrays of shape ``(n, 64)`` with values in [0, 1]
        and int64 labels of shape ``(n,)``.

    Needs scikit-learn (in ``requirements.txt``; ``pip install scikit-learn``).
    """
    test_fraction = real_number(test_fraction, "test_fraction")
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must be in (0, 1); got test_fraction={test_fraction!r}")
    seed = _seed(seed)
    X, y = _digits()
    rng = np.random.default_rng(seed)
    train_parts, test_parts = [], []
    for c in range(10):
        members = rng.permutation(np.flatnonzero(y == c))
        n_test = round(test_fraction * len(members))
        test_parts.append(members[:n_test])
        train_parts.append(members[n_test:])
    train, test = np.sort(np.concatenate(train_parts)), np.sort(np.concatenate(test_parts))
    if len(train) == 0 or len(test) == 0:
        raise ValueError(f"test_fraction={test_fraction!r} leaves an empty training or test set")
    return X[train], y[train], X[test], y[test]


def _digits() -> tuple[Array, np.ndarray]:
    """All 1,797 digits as ``(X in [0, 1], float64, (1797, 64); y, int64)``, read once and cached."""
    global _DIGITS
    if _DIGITS is None:
        try:
            from sklearn.datasets import load_digits as sklearn_digits
        except ImportError as exc:  # pragma: no cover - depends on the installation
            raise ImportError("load_digits needs scikit-learn: pip install scikit-learn") from exc
        bunch = sklearn_digits()
        X = np.asarray(bunch.data, dtype=np.float64) / 16.0
        y = np.asarray(bunch.target, dtype=np.int64)
        X.setflags(write=False)
        y.setflags(write=False)
        _DIGITS = (X, y)
    X, y = _DIGITS
    return X.copy(), y.copy()


_DIGITS: tuple[Array, np.ndarray] | None = None


def minibatch_indices(
    n: int, batch_size: int, epochs: int, seed: int = 0, *, drop_last: bool = False
) -> list[np.ndarray]:
    """The rows each minibatch step uses: a fresh seeded permutation of ``range(n)`` per epoch, cut in order.

    ``rng = np.random.default_rng(seed)``; for each epoch, ``perm = rng.permutation(n)`` and the steps of
    that epoch take ``perm[0:B], perm[B:2B], …`` (B = ``batch_size``). The last batch of an epoch is
    shorter when B does not divide n, unless ``drop_last`` leaves it out (then every batch has B rows).
    The from-scratch loop, Keras and PyTorch are all given these same index arrays, so they see the same
    samples in the same order.

    Args:
        n: the number of training rows (≥ 1).
        batch_size: rows per batch, 1 ≤ B ≤ n.
        epochs: passes over the data (≥ 1).
        seed: seed of the permutations.
        drop_last: leave out each epoch's shorter last batch.

    Returns:
        A list of int64 index arrays, one per step (``epochs · ceil(n/B)`` of them, or ``epochs · (n // B)``
        with ``drop_last``).
    """
    n = positive_int(n, "n")
    batch_size = positive_int(batch_size, "batch_size")
    if batch_size > n:
        raise ValueError(f"batch_size must be at most n={n}; got batch_size={batch_size}")
    epochs = positive_int(epochs, "epochs")
    drop_last = flag(drop_last, "drop_last")
    rng = np.random.default_rng(_seed(seed))
    stop = n - n % batch_size if drop_last else n
    batches: list[np.ndarray] = []
    for _ in range(epochs):
        perm = rng.permutation(n)
        batches.extend(perm[start : start + batch_size] for start in range(0, stop, batch_size))
    return batches
