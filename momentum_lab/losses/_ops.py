"""The operations every loss formula is written in, and how a NumPy loss turns a formula into its result.

Chapters 6–9. Each loss is one backend-neutral formula ``f(xp, y_true, y_pred, ...)`` that returns the
unreduced losses, written against a namespace ``xp`` of NumPy-named operations:

* the NumPy functions of :mod:`momentum_lab.losses` pass this module, whose operations are those of
  :mod:`momentum_lab.autodiff`. They take plain arrays as well as tensors, so one call gives numbers for
  arrays and a tape-recorded tensor for tensors (gradients, and Hessians by nesting tapes);
* the Keras classes (:mod:`momentum_lab.tf.losses`) pass ``keras.ops``;
* the torch modules (:mod:`momentum_lab.torch.losses`) pass a small shim with these names over torch.

A formula may use arithmetic, comparisons and: ``abs``, ``all``, ``clip``, ``exp``, ``log``, ``log1p``,
``logsumexp``, ``max``, ``maximum``, ``mean``, ``relu``, ``softplus``, ``square``, ``sum``, ``where``. The
autodiff lacks only ``all`` (comparisons of tensors are plain boolean arrays), defined here. Data-dependent
branches are ``where``; stable forms are ``softplus`` and ``logsumexp``, never written out.
"""

import numpy as np
import numpy.typing as npt

from momentum_lab.autodiff import (  # noqa: A004 - the namespace mirrors NumPy's names
    Tensor,
    abs,
    clip,
    constant,
    exp,
    log,
    log1p,
    logsumexp,
    max,
    maximum,
    mean,
    relu,
    softplus,
    square,
    sum,
    where,
)

__all__ = [
    "EPSILON",
    "REDUCTIONS",
    "abs",
    "all",
    "clip",
    "exp",
    "log",
    "log1p",
    "logsumexp",
    "max",
    "maximum",
    "mean",
    "relu",
    "softplus",
    "square",
    "sum",
    "where",
    "is_tensor",
    "reduce",
]

#: What the NumPy losses take: anything NumPy reads as real numbers, or a tensor of the tape.
LossInput = npt.ArrayLike | Tensor
#: What they return: a NumPy scalar (``"mean"``, ``"sum"``), an array (``"none"``), or a tensor of the tape
#: when an input was one.
LossValue = np.float64 | npt.NDArray[np.float64] | Tensor

#: Probabilities are clipped to [EPSILON, 1 − EPSILON] before a logarithm (Keras' ``backend.epsilon()``).
EPSILON = 1e-7

#: The ``reduction`` values every NumPy loss accepts.
REDUCTIONS = ("mean", "sum", "none")


def all(x, axis=None):  # noqa: A001 - the namespace mirrors NumPy's names
    """``np.all``: comparisons of tensors already give plain boolean arrays, which are never differentiated."""
    return np.all(x, axis=axis)


def is_tensor(value):
    """True for a tensor of :mod:`momentum_lab.autodiff`."""
    return isinstance(value, Tensor)


def reduce(values, reduction, keep_tensor):
    """Apply ``reduction`` to the unreduced ``values`` ("none" keeps them).

    The result stays a tensor when an input was one (``keep_tensor``), so the tape sees the loss; otherwise
    it is NumPy: a ``np.float64`` for a scalar, an array for ``"none"``.
    """
    if keep_tensor:
        values = values if is_tensor(values) else constant(values)
        return mean(values) if reduction == "mean" else sum(values) if reduction == "sum" else values
    values = np.asarray(values.numpy() if is_tensor(values) else values)
    return np.mean(values) if reduction == "mean" else np.sum(values) if reduction == "sum" else values
