"""Function transformations on top of ``GradientTape``: ``grad``, ``value_and_grad``, ``jacobian``,
``hessian``, ``hvp``.

Chapter 4 (grad, value_and_grad, jacobian) and chapter 5 ("Hessians": hessian, hvp).

``grad`` and ``value_and_grad`` take a function and return a function (JAX style); ``jacobian``,
``hessian`` and ``hvp``, which produce arrays, take the function AND the point: ``hessian(f, x)``.

Return types mirror the input: called on array-likes they return NumPy arrays; called on a
:class:`~momentum_lab.autodiff.Tensor` they return Tensors, recorded by any tape that is recording, so they nest:
``grad(grad(f))(x)`` is the second derivative of a scalar function.

``f`` is called once per evaluation with Tensors; it must use ``momentum_lab.autodiff`` operations
(``ad.exp``, ``x @ w``, ...), not NumPy functions, on them (``np.exp(x)`` raises a TypeError that names
``autodiff.exp``).

Points and dtypes. The point ``x`` (and ``v``) must hold real numbers: booleans, complex numbers,
strings and objects raise TypeError naming the argument. A point with a NaN or an infinite entry raises
ValueError naming it: a derivative *at* NaN means nothing, and returning NaN silently would hide the
mistake that produced the point. Inside ``f``, a NaN or ±∞ that the mathematics produces (``log(0)``,
``√x``'s slope at 0) is the answer and is returned as such. Results have the point's dtype: a float32
point gives float32 values, gradients, Jacobians, Hessians and HVPs even where ``f`` uses float64
constants. An empty point (size 0) gives empty results of the documented shapes.
"""

from __future__ import annotations

import functools
import numbers
from collections.abc import Callable
from typing import Any

import numpy as np

from momentum_lab._validate import check_callable
from momentum_lab.autodiff.tape import GradientTape
from momentum_lab.autodiff.tensor import Tensor, TensorLike, _to_array, as_tensor

#: What the transformations return: NumPy arrays for array-like points, Tensors for Tensor points.
Result = Any


def _check_argnums(argnums: int | tuple[int, ...] | list[int]) -> tuple[tuple[int, ...], bool]:
    """``(tuple of argnums, whether a single int was given)``."""
    if isinstance(argnums, numbers.Integral) and not isinstance(argnums, bool):
        nums, single = (int(argnums),), True
    elif (
        isinstance(argnums, (tuple, list))
        and argnums
        and all(isinstance(a, numbers.Integral) and not isinstance(a, bool) for a in argnums)
    ):
        nums, single = tuple(int(a) for a in argnums), False
    else:
        raise TypeError(f"argnums must be an int or a non-empty tuple of ints; got argnums={argnums!r}")
    if any(a < 0 for a in nums) or len(set(nums)) != len(nums):
        raise ValueError(f"argnums must be distinct non-negative ints; got argnums={argnums!r}")
    return nums, single


def _point(x: TensorLike, name: str, op: str) -> tuple[Tensor, bool]:
    """``(x as a Tensor, whether x was already a Tensor)``; TypeError/ValueError naming ``op`` and ``name``."""
    if isinstance(x, Tensor):
        point, was_tensor = x, True
    else:
        try:
            point, was_tensor = Tensor._wrap(_to_array(x, name, None)), False
        except TypeError as exc:
            raise TypeError(f"{op}: {exc}") from None
    if not np.isfinite(point.data).all():
        raise ValueError(
            f"{op}: {name} must contain only finite numbers (a derivative at NaN or ±inf is "
            f"undefined); got {name}={_show(point.data)}"
        )
    return point, was_tensor


def _show(array: np.ndarray) -> str:
    text = np.array2string(array, threshold=8, edgeitems=2, separator=", ")
    return text if len(text) <= 80 else text[:77] + "..."


def _scalar(value: Any) -> Tensor:
    value = as_tensor(value, "the value returned by f")
    if value.shape != ():
        raise ValueError(
            f"f must return a scalar (shape ()); got shape {value.shape}. Reduce it "
            f"(sum, mean) first, or use jacobian for a vector-valued f"
        )
    return value


def _out(t: Tensor, keep_tensor: bool) -> Result:
    """The result as given to the caller: a Tensor if the input was one, else a NumPy array."""
    return t if keep_tensor else t.numpy()


def value_and_grad(f: Callable[..., Any], argnums: int | tuple[int, ...] = 0) -> Callable[..., tuple[Result, Result]]:
    """``f`` → a function returning ``(f(*args), ∇f)``, the gradient w.r.t. ``args[argnums]``.

    ``f`` must return a scalar (ValueError otherwise, naming its shape). With an int ``argnums`` the
    gradient has the shape (and dtype) of that argument; with a tuple it is a tuple of gradients. An
    argument ``f`` does not depend on gets zeros. A differentiated argument with a NaN or infinite entry
    raises ValueError naming it (``argument 0``); arguments that are not differentiated are passed as
    they are. A value or gradient that is ±∞ or NaN because of the mathematics of ``f`` is returned.
    """
    return _value_and_grad(f, argnums, "value_and_grad")


def _value_and_grad(
    f: Callable[..., Any], argnums: int | tuple[int, ...], op: str
) -> Callable[..., tuple[Result, Result]]:
    check_callable(f, "f", "a function of the inputs")
    nums, single = _check_argnums(argnums)

    @functools.wraps(f)
    def value_and_grad_f(*args: Any, **kwargs: Any) -> tuple[Result, Result]:
        if max(nums) >= len(args):
            raise TypeError(f"argnums={argnums!r} but f was called with {len(args)} positional argument(s)")
        args_list = list(args)
        tensor_in = False
        for i in nums:
            args_list[i], was_tensor = _point(args_list[i], f"argument {i}", op)
            tensor_in |= was_tensor
        args = tuple(args_list)
        sources = [args[i] for i in nums]
        with GradientTape(watch_accessed_variables=False) as tape:
            tape.watch(sources)
            value = _scalar(f(*args, **kwargs))
        grads = tape.gradient(value, sources, unconnected_gradients="zero")
        grads = [_out(g, tensor_in) for g in grads]
        return _out(value, tensor_in), (grads[0] if single else tuple(grads))

    return value_and_grad_f


def grad(f: Callable[..., Any], argnums: int | tuple[int, ...] = 0) -> Callable[..., Result]:
    """``f`` → ``∇f``: a function returning the gradient of the scalar ``f`` w.r.t. ``args[argnums]``.

    Example: ``grad(lambda x: ad.sum(x ** 2))(np.array([1.0, 2.0]))`` is ``array([2., 4.])``.
    Edge cases as :func:`value_and_grad` (a NaN or infinite point raises ValueError naming it).
    """
    value_and_grad_f = _value_and_grad(f, argnums, "grad")

    @functools.wraps(f)
    def grad_f(*args: Any, **kwargs: Any) -> Result:
        return value_and_grad_f(*args, **kwargs)[1]

    return grad_f


def jacobian(f: Callable[[Tensor], Any], x: TensorLike) -> Result:
    """The Jacobian of ``f`` at ``x``: shape ``f(x).shape + x.shape``, entry ``[i..., j...] = ∂f_i/∂x_j``.

    Computed in one batched backward pass (see :meth:`GradientTape.jacobian`), not row by row.
    A NaN or infinite ``x`` raises ValueError naming ``x``; an empty ``x`` or ``f(x)`` gives an empty
    Jacobian of that shape; the dtype is x's.
    """
    check_callable(f, "f", "a function of the inputs")
    x, tensor_in = _point(x, "x", "jacobian")
    with GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(x)
        y = as_tensor(f(x), "the value returned by f")
    return _out(tape.jacobian(y, x, unconnected_gradients="zero"), tensor_in)


def _gradient_recorded(f: Callable[[Tensor], Any], x: Tensor, outer: GradientTape) -> Tensor:
    """∇f(x), computed while ``outer`` records (so ``outer`` can differentiate it again)."""
    outer.watch(x)
    with GradientTape(watch_accessed_variables=False) as inner:
        inner.watch(x)
        y = _scalar(f(x))
    return inner.gradient(y, x, unconnected_gradients="zero")


def hessian(f: Callable[[Tensor], Any], x: TensorLike) -> Result:
    """The Hessian of the scalar ``f`` at ``x``: shape ``x.shape + x.shape`` ((d, d) for x of shape (d,)).

    Reverse over reverse: an outer tape records the inner tape's gradient computation, then its
    ``jacobian`` pushes all d basis vectors through that recorded gradient in ONE batched backward pass.

    Edge cases: a NaN or infinite ``x`` raises ValueError naming ``x``. Where a second derivative is
    infinite (``√x`` or ``x**1.5`` at 0) that entry is ±∞ and the other entries keep their values (a
    zero cotangent times an infinite slope counts as 0, so no NaN spreads along the row); the power rule
    is exact at a zero base (``x**2`` has Hessian 2 at 0, ``x**1.0`` has 0). The dtype is x's.
    """
    check_callable(f, "f", "a function of the inputs")
    x, tensor_in = _point(x, "x", "hessian")
    with GradientTape(watch_accessed_variables=False) as outer:
        g = _gradient_recorded(f, x, outer)
    return _out(outer.jacobian(g, x, unconnected_gradients="zero"), tensor_in)


def hvp(f: Callable[[Tensor], Any], x: TensorLike, v: TensorLike) -> Result:
    """The Hessian-vector product ``H(x) v = ∇ₓ(∇f(x) · v)`` without forming H (Pearlmutter 1994).

    Costs about two gradients: the backward pass of the recorded gradient, seeded with ``v``.
    ``v`` must have x's shape (ValueError naming both shapes otherwise); the result has it too, and x's
    dtype (``v`` is cast to it). A NaN or infinite ``x`` or ``v`` raises ValueError naming it.
    """
    check_callable(f, "f", "a function of the inputs")
    x, tensor_in = _point(x, "x", "hvp")
    v, _ = _point(v, "v", "hvp")
    if v.shape != x.shape:
        raise ValueError(f"hvp: v must have x's shape {x.shape}; got v.shape={v.shape}")
    with GradientTape(watch_accessed_variables=False) as outer:
        g = _gradient_recorded(f, x, outer)
    Hv = outer.gradient(g, x, output_gradients=v, unconnected_gradients="zero")
    return _out(Hv, tensor_in)
