"""Data sets made in code, and their features (chapters 3 and 10).

* :func:`make_moons`: two interleaved half circles with noise, standardised (a classic non-linear
  two-class problem);
* :func:`polynomial_features`: every monomial of the inputs up to a degree, each column standardised,
  which makes logistic regression on the moons a convex problem with curved decision boundaries;
* :func:`standardise`: columns to mean 0 and standard deviation 1.
"""

import math

import numpy as np

from momentum_lab._validate import as_float_array, non_negative, positive_int

__all__ = ["make_moons", "polynomial_features", "standardise"]


def standardise(X):
    """Each column shifted to mean 0 and scaled to standard deviation 1 (population std, ``ddof=0``)."""
    X = as_float_array(X, "X", ndim=2)
    std = X.std(axis=0)
    if np.any(std == 0):
        raise ValueError(f"X must not have a constant column; got column std {std}")
    return (X - X.mean(axis=0)) / std


def make_moons(n=200, noise=0.15, seed=0):
    """Two interleaving half circles in the plane, with Gaussian noise, standardised.

    Class 0: ``(cos t, sin t)``; class 1: ``(1 − cos t, ½ − sin t)``, ``t`` uniform in [0, π] (the shapes
    of scikit-learn's ``make_moons``); then ``noise`` times standard normal noise is added to every
    coordinate and each coordinate is standardised (:func:`standardise`).

    Returns ``(X, y)``: ``X`` of shape ``(n, 2)``, ``y`` of shape ``(n,)`` with ``n // 2`` zeros
    followed by ``n − n // 2`` ones (float64). The same ``seed`` gives the same numbers everywhere.
    """
    n = positive_int(n, "n", minimum=4)
    noise = non_negative(noise, "noise")
    rng = np.random.default_rng(seed)
    n0, n1 = n // 2, n - n // 2
    t0 = math.pi * rng.uniform(size=n0)
    t1 = math.pi * rng.uniform(size=n1)
    X = np.concatenate([
        np.stack([np.cos(t0), np.sin(t0)], axis=1),
        np.stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)], axis=1),
    ])
    X = X + noise * rng.standard_normal(X.shape)
    y = np.concatenate([np.zeros(n0), np.ones(n1)])
    return standardise(X), y


def polynomial_features(X, degree=3, reference=None):
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
    raw, raw_ref = _monomials(X, degree), _monomials(ref, degree)
    std = raw_ref.std(axis=0)
    if np.any(std == 0):
        raise ValueError(f"reference must not give a constant monomial; got column std {std}")
    return (raw - raw_ref.mean(axis=0)) / std


def _monomials(X, degree):
    columns = []
    for total in range(1, degree + 1):
        for powers in _exponents(X.shape[1], total):
            columns.append(np.prod(X ** np.array(powers, dtype=float), axis=1))
    return np.stack(columns, axis=1)


def _exponents(d, total):
    """All ``d``-tuples of non-negative ints summing to ``total``, first entry falling."""
    if d == 1:
        return [(total,)]
    return [(first, *rest) for first in range(total, -1, -1) for rest in _exponents(d - 1, total - first)]
