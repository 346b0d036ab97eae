"""A small reverse-mode automatic differentiation over NumPy, with a nestable ``GradientTape``.

Chapters 4 ("Automatic differentiation from scratch") and 5 ("Hessians").

::

    import numpy as np
    from momentum_lab import autodiff as ad

    x = ad.constant([1.0, 2.0])
    with ad.GradientTape() as tape:
        tape.watch(x)
        y = ad.sum(x[0] ** 2 * x[1] + x[1] ** 3)        # f = x²y + y³
    tape.gradient(y, x)                                  # Tensor([ 4., 13.])
    ad.hessian(lambda v: v[0] ** 2 * v[1] + v[1] ** 3, np.array([1.0, 2.0]))
    # array([[ 4.,  2.], [ 2., 12.]])

Pieces, each in its own module:

- ``tensor``: :class:`Tensor` (a NumPy array in a one-slot wrapper), :class:`Variable`, ``constant``,
  ``convert_to_tensor``;
- ``tape``: :class:`GradientTape` (TensorFlow's semantics) and the backward pass;
- ``primitive``: forward function + VJP rules, and how a call is recorded;
- ``broadcasting``, ``elementwise``, ``reductions``, ``shapes``, ``linalg``: the operations, with NumPy
  names, gathered in ``ops``;
- ``functional``: ``grad``, ``value_and_grad``, ``jacobian(f, x)``, ``hessian(f, x)``, ``hvp(f, x, v)``;
- ``checks``: ``check_grads`` (central finite differences, any order) and ``numerical_jacobian``.

NB: the same program in TensorFlow uses ``tf.GradientTape`` and ``tf.math`` functions; in PyTorch,
``torch.autograd.grad`` / ``torch.func``.
"""

from momentum_lab.autodiff.tensor import Tensor, Variable, constant, convert_to_tensor  # isort: skip (first)
from momentum_lab.autodiff.checks import check_grads, numerical_jacobian
from momentum_lab.autodiff.functional import grad, hessian, hvp, jacobian, value_and_grad
from momentum_lab.autodiff.ops import (
    abs,
    add,
    broadcast_to,
    clip,
    concatenate,
    divide,
    exp,
    getitem,
    log,
    log1p,
    log_softmax,
    logsumexp,
    matmul,
    max,
    maximum,
    mean,
    minimum,
    multiply,
    negative,
    power,
    relu,
    reshape,
    sigmoid,
    sign,
    softmax,
    softplus,
    sqrt,
    square,
    stack,
    subtract,
    sum,
    take_along_axis,
    tanh,
    transpose,
    unbroadcast,
    where,
)
from momentum_lab.autodiff.primitive import Primitive, primitive
from momentum_lab.autodiff.tape import GradientTape

__all__ = [
    # tensors and the tape
    "Tensor",
    "Variable",
    "constant",
    "convert_to_tensor",
    "GradientTape",
    # function transformations
    "grad",
    "value_and_grad",
    "jacobian",
    "hessian",
    "hvp",
    # checking derivatives against finite differences
    "check_grads",
    "numerical_jacobian",
    # operations (NumPy names)
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
    "where",
    # building new primitives
    "Primitive",
    "primitive",
    "unbroadcast",
]
