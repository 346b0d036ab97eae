"""The NumPy half of the loss backend: the operations the losses use, under NumPy's names.

``momentum_lab.autodiff`` exposes functions with the same names and signatures, so a loss written as
``xp.softplus(x) - x * y`` runs on plain arrays (``xp`` is this module) and on tape-recorded tensors
(``xp`` is ``momentum_lab.autodiff``) alike. Only what NumPy lacks or spells differently is defined
here; the stable forms are the ones the loss docstrings quote.
"""

import numpy as np

exp = np.exp
log = np.log
log1p = np.log1p
sqrt = np.sqrt
abs = np.abs  # noqa: A001 - the backend mirrors NumPy's names
tanh = np.tanh
maximum = np.maximum
minimum = np.minimum
where = np.where
clip = np.clip
square = np.square
sign = np.sign
reshape = np.reshape
transpose = np.transpose
concatenate = np.concatenate
stack = np.stack
matmul = np.matmul
take_along_axis = np.take_along_axis


def constant(value):
    """A constant operand (labels, masks): a float64 array."""
    return np.asarray(value, dtype=np.float64)


def sum(x, axis=None, keepdims=False):  # noqa: A001
    return np.sum(x, axis=axis, keepdims=keepdims)


def mean(x, axis=None, keepdims=False):
    return np.mean(x, axis=axis, keepdims=keepdims)


def max(x, axis=None, keepdims=False):  # noqa: A001
    return np.max(x, axis=axis, keepdims=keepdims)


def relu(x):
    """max(x, 0)."""
    return np.maximum(x, 0.0)


def softplus(x):
    """log(1 + e^x), computed as max(x, 0) + log1p(e^{−|x|}) so it never overflows."""
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def sigmoid(x):
    """1 / (1 + e^{−x}), computed from e^{−|x|} so it never overflows."""
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))


def logsumexp(x, axis=None, keepdims=False):
    """log Σ e^{x}, computed as m + log Σ e^{x − m} with m the maximum along ``axis``."""
    m = np.max(x, axis=axis, keepdims=True)
    out = m + np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))
    return out if keepdims else np.squeeze(out, axis=axis)
