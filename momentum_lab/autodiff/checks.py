"""Checking derivatives against central finite differences (first, second, ... order).

Chapters 4 and 5: the finite-difference checks every rule is tested with.

``check_grads(f, x, y, order=2)`` compares, for every argument,

* order 1: the full Jacobian from ``GradientTape.jacobian`` (one batched backward pass) and a
  vector-Jacobian product from ``GradientTape.gradient(..., output_gradients=u)`` with the central
  differences ``(f(x + εeⱼ) − f(x − εeⱼ)) / 2ε``;
* order k > 1: the same checks, order k − 1, applied to the function ``x ↦ VJP of f at x with u``.
  Differentiating that function means differentiating a backward pass recorded by an outer tape, so
  order 2 tests every VJP rule's own VJP, with batched cotangents, against differences of gradients.

NB: this is HIPS/autograd's ``check_grads(f, modes=["rev"], order=2)``; ``torch.autograd.gradcheck`` and
``gradgradcheck`` do the same for PyTorch, and ``tf.test.compute_gradient`` for TensorFlow.

Edge cases: the point must be finite (ValueError naming ``args[i]`` otherwise: NaN on both sides would
compare equal and pass); kinks and ties (relu at 0, max at a tie) straddle two branches and fail the
check; functions that overflow near the point (``exp`` of large numbers) give infinite differences. The
differences are always taken in float64, whatever the dtype of the arguments.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from momentum_lab._validate import check_callable, non_negative, positive, positive_int
from momentum_lab.autodiff.broadcasting import reshape
from momentum_lab.autodiff.shapes import concatenate
from momentum_lab.autodiff.tape import GradientTape
from momentum_lab.autodiff.tensor import Tensor, as_tensor


def _value(f: Callable[..., Any], arrays: Sequence[np.ndarray]) -> np.ndarray:
    return np.asarray(as_tensor(f(*[Tensor(a) for a in arrays]), "the value returned by f").data, dtype=float)


def numerical_jacobian(
    f: Callable[..., Any], args: Sequence[npt.ArrayLike], argnum: int, eps: float = 1e-6
) -> np.ndarray:
    """Central differences of ``f(*args)`` w.r.t. ``args[argnum]``: shape ``f.shape + x.shape``.

    ``args`` are arrays (taken in float64); ``f`` is called with Tensors and must return one Tensor. An
    empty argument gives an empty Jacobian; a NaN in ``f``'s values gives NaN entries (no check).
    A non-callable ``f``, an ``argnum`` that is not an index of ``args`` or an ``eps`` that is not a
    positive finite number raise TypeError/ValueError naming the argument.
    """
    check_callable(f, "f", "a function of the inputs")
    if isinstance(args, (str, bytes)) or not isinstance(args, Sequence):
        raise TypeError(f"numerical_jacobian: args must be a list or tuple of arrays; got {type(args).__name__}")
    argnum = positive_int(argnum, "argnum", minimum=0)
    if argnum >= len(args):
        raise ValueError(f"argnum must be < len(args) = {len(args)}; got argnum={argnum}")
    eps = positive(eps, "eps")
    arrays = [np.array(as_tensor(a, f"args[{i}]").data, dtype=float) for i, a in enumerate(args)]
    x = arrays[argnum]
    jac = np.empty(_value(f, arrays).shape + (x.size,))
    for j in range(x.size):
        plus, minus = list(arrays), list(arrays)
        plus[argnum], minus[argnum] = x.copy(), x.copy()
        plus[argnum].flat[j] += eps
        minus[argnum].flat[j] -= eps
        jac[..., j] = (_value(f, plus) - _value(f, minus)) / (2 * eps)
    return jac.reshape(jac.shape[:-1] + x.shape)


def _derivatives(
    f: Callable[..., Any], args: Sequence[np.ndarray], argnum: int, cotangent: np.ndarray
) -> list[np.ndarray]:
    """(Jacobian from tape.jacobian, VJP from tape.gradient with output_gradients) w.r.t. args[argnum]."""
    results = []
    for method in ("jacobian", "gradient"):
        tensors = [Tensor(a) for a in args]
        with GradientTape() as tape:
            tape.watch(tensors[argnum])
            y = as_tensor(f(*tensors), "the value returned by f")
        if method == "jacobian":
            results.append(tape.jacobian(y, tensors[argnum], unconnected_gradients="zero").numpy())
        else:
            results.append(
                tape.gradient(y, tensors[argnum], output_gradients=cotangent, unconnected_gradients="zero").numpy()
            )
    return results


def _vjp_function(f: Callable[..., Any], cotangent: np.ndarray) -> Callable[..., Tensor]:
    """``args ↦`` the gradients of ``Σ cotangent · f(args)`` w.r.t. every argument, flattened and joined."""

    def vjp(*tensors: Tensor) -> Tensor:
        with GradientTape() as tape:
            tape.watch(list(tensors))
            y = as_tensor(f(*tensors), "the value returned by f")
        grads = tape.gradient(y, list(tensors), output_gradients=cotangent, unconnected_gradients="zero")
        return concatenate([reshape(g, (-1,)) for g in grads])

    return vjp


def check_grads(
    f: Callable[..., Any],
    *args: npt.ArrayLike,
    order: int = 2,
    eps: float = 1e-6,
    rtol: float = 1e-5,
    atol: float = 1e-6,
    seed: int = 0,
) -> None:
    """Raise AssertionError (showing analytic vs numeric) unless f's derivatives up to ``order`` match
    central finite differences at ``args``; returns None when they do.

    ``f`` takes Tensors (one per argument) and returns a Tensor of any shape. Keep the point away from
    kinks (relu at 0, ties of max) where finite differences straddle two branches.

    ``order`` must be an int >= 1, ``eps`` a positive finite number, ``rtol``/``atol`` non-negative finite
    numbers and ``seed`` an int >= 0 (TypeError/ValueError naming the argument); a NaN or infinite
    argument raises ValueError naming ``args[i]``.
    """
    check_callable(f, "f", "a function of the inputs")
    order = positive_int(order, "order")
    eps, rtol, atol = positive(eps, "eps"), non_negative(rtol, "rtol"), non_negative(atol, "atol")
    seed = positive_int(seed, "seed", minimum=0)
    arrays = [np.array(as_tensor(a, f"args[{i}]").data, dtype=float) for i, a in enumerate(args)]
    for i, array in enumerate(arrays):
        if not np.isfinite(array).all():  # assert_allclose counts NaN == NaN: the check would pass silently
            raise ValueError(f"check_grads: args[{i}] must contain only finite numbers; got {array!r}")
    for level in range(1, order + 1):
        # level k checks the first derivatives of the (k−1)-times nested VJP: derivatives of order k
        cotangent = np.random.default_rng(seed + level).standard_normal(_value(f, arrays).shape)
        for i in range(len(arrays)):
            numeric = numerical_jacobian(f, arrays, i, eps)
            jacobian, vjp = _derivatives(f, arrays, i, cotangent)
            where = f"derivatives of order {level} w.r.t. argument {i}"
            np.testing.assert_allclose(
                jacobian, numeric, rtol=rtol, atol=atol, err_msg=f"{where}: Jacobian (analytic vs numeric)"
            )
            np.testing.assert_allclose(
                vjp,
                np.tensordot(cotangent, numeric, axes=cotangent.ndim),
                rtol=rtol,
                atol=atol,
                err_msg=f"{where}: VJP (analytic vs numeric)",
            )
        f = _vjp_function(f, cotangent)
