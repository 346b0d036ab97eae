"""Every differentiable operation, by its NumPy name (the catalogue the ``Tensor`` operators call).

Chapter 4: the operations a differentiated function may call, in one namespace.

The definitions, each with its VJP beside it, live in ``broadcasting.py`` (reshape, broadcast_to, sum,
unbroadcast), ``elementwise.py``, ``reductions.py``, ``shapes.py`` and ``linalg.py``.
"""

from momentum_lab.autodiff.broadcasting import broadcast_to, reshape, sum, unbroadcast
from momentum_lab.autodiff.elementwise import (
    abs,
    add,
    clip,
    divide,
    exp,
    log,
    log1p,
    maximum,
    minimum,
    multiply,
    negative,
    power,
    relu,
    sigmoid,
    sign,
    softplus,
    sqrt,
    square,
    subtract,
    tanh,
    where,
)
from momentum_lab.autodiff.linalg import matmul
from momentum_lab.autodiff.reductions import log_softmax, logsumexp, max, mean, softmax
from momentum_lab.autodiff.shapes import concatenate, getitem, stack, take_along_axis, transpose

__all__ = [
    "abs",
    "add",
    "broadcast_to",
    "clip",
    "concatenate",
    "divide",
    "exp",
    "getitem",
    "log",
    "log1p",
    "log_softmax",
    "logsumexp",
    "matmul",
    "max",
    "maximum",
    "mean",
    "minimum",
    "multiply",
    "negative",
    "power",
    "relu",
    "reshape",
    "sigmoid",
    "sign",
    "softmax",
    "softplus",
    "sqrt",
    "square",
    "stack",
    "subtract",
    "sum",
    "take_along_axis",
    "tanh",
    "transpose",
    "unbroadcast",
    "where",
]
