"""Primitives: a NumPy forward function and its vector-Jacobian products (VJPs), side by side.

Chapter 4 ("Automatic differentiation from scratch"): how an operation and its rule are declared.

Every differentiable operation is a :class:`Primitive`. Calling one

1. runs the forward function on the raw arrays and wraps the result in a :class:`~momentum_lab.autodiff.Tensor`;
2. asks each recording tape whether it watches one of the inputs; if so, that tape writes down
   ``(primitive, output, inputs, params)`` and from then on watches the output too.

The backward rules ("VJPs", one per input) receive the output's cotangent ``g``, the output ``ans`` and
the inputs, all as Tensors, and return the input's cotangent. They are written with the library's own
operations, never with raw NumPy on ``.data``: when an outer tape is recording while an inner tape runs
its backward pass, the outer tape records those operations too, and differentiating them gives second
derivatives (and third, ...).

Batched cotangents. A rule must accept a cotangent with extra *leading* axes: ``g.shape ==
batch + ans.shape``, and return ``batch + x.shape``. Jacobians and Hessians push all basis vectors
through ONE backward pass this way (``g.ndim - ans.ndim`` is the number of batch axes). Elementwise rules
get this for free from broadcasting; the others use it explicitly.

NB: this is the ``defvjp`` of HIPS/autograd and the ``vjp_rules`` table of JAX's autodidax; TensorFlow
calls the rules "gradient functions" (``@tf.RegisterGradient``), PyTorch ``derivatives.yaml``.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

from momentum_lab.autodiff.tape import active_tapes
from momentum_lab.autodiff.tensor import Tensor, as_tensor

#: A VJP rule: ``rule(g, ans, *inputs, **params) -> cotangent of one input`` (None: no gradient).
VJPRule = Callable[..., "Tensor | None"]
#: An error explainer: ``explain(exc, *arrays, **params) -> the exception to raise instead of exc``.
Explainer = Callable[..., Exception]


class Primitive:
    """A differentiable operation: ``impl(*arrays, **params) -> array`` plus one VJP per input.

    Positional arguments are the differentiable inputs (array-likes are converted to Tensors); keyword
    arguments are static parameters (an axis, a shape, an index), passed unchanged to ``impl`` and to
    the rules. Build one with the :func:`primitive` decorator, then attach its rules with
    :meth:`defvjp` (fixed arity) or :meth:`defvjp_argnum` (any number of inputs).

    Errors: an input that is not array-like (a string, None, complex numbers) raises TypeError naming the
    operation and the argument (``"multiply: b must be array-like of numbers; got b='abc'"``). When NumPy
    itself refuses the inputs (shapes that do not broadcast, an index out of range), its error is replaced
    by one naming the operation, the arguments and their shapes (``"add: a.shape=(3,) and b.shape=(2,)
    cannot be broadcast together"``): the default explanation, or the primitive's own (:meth:`deferror`).
    The check costs nothing until NumPy raises.
    """

    def __init__(self, impl: Callable[..., Any], name: str | None = None) -> None:
        functools.update_wrapper(self, impl)  # name, docstring; inspect.getsource shows ``impl``
        self.impl = impl
        self.name: str = name or impl.__name__
        self.label: str = self.name.lstrip("_")  # the public operation's name, for error messages
        self.vjps: tuple[VJPRule | None, ...] = ()
        self.vjp_argnum: Callable[..., Tensor | None] | None = None
        self.explain: Explainer | None = None

    def defvjp(self, *rules: VJPRule | None) -> Primitive:
        """Set ``rules[i](g, ans, *inputs, **params)`` -> cotangent of input ``i`` (None: no gradient)."""
        self.vjps = rules
        return self

    def defvjp_argnum(self, rule: Callable[..., Tensor | None]) -> Primitive:
        """Set one ``rule(i, g, ans, *inputs, **params)`` for every input ``i`` (variadic primitives)."""
        self.vjp_argnum = rule
        return self

    def deferror(self, explain: Explainer) -> Primitive:
        """Set ``explain(exc, *arrays, **params)``: the exception raised instead of NumPy's ``exc``."""
        self.explain = explain
        return self

    def vjp(self, argnum: int) -> VJPRule | None:
        """The rule giving input ``argnum``'s cotangent, or None if that input has no gradient."""
        if self.vjp_argnum is not None:
            return functools.partial(self.vjp_argnum, argnum)
        return self.vjps[argnum] if argnum < len(self.vjps) else None

    def __call__(self, *args: object, **params: Any) -> Tensor:
        """Run the operation on ``args`` (Tensors or array-likes; TypeError naming the argument otherwise)."""
        inputs: tuple[Tensor, ...] = args  # type: ignore[assignment]  # the usual case: all Tensors already
        for a in args:
            if not isinstance(a, Tensor):
                inputs = self._convert(args)
                break
        arrays = [a.data for a in inputs]
        try:
            out = self.impl(*arrays, **params)
        except (ValueError, IndexError) as exc:  # NumPy refused the inputs: say which and why
            raise self._explain(exc, arrays, params) from None
        if out.__class__ is not np.ndarray:
            out = np.asarray(out)  # NumPy returns scalars for 0-d results
        result = _new_tensor(Tensor)
        result.data = out
        if active_tapes:  # outside any tape this costs one truth test
            for tape in active_tapes:
                tape._record(self, result, inputs, params)
        return result

    def _convert(self, args: tuple[object, ...]) -> tuple[Tensor, ...]:
        """Array-likes to Tensors; a Python number takes the dtype of a Tensor beside it."""
        like = None
        for a in args:
            if isinstance(a, Tensor):
                like = a
                break
        converted = []
        for i, a in enumerate(args):
            if isinstance(a, Tensor):
                converted.append(a)
            elif like is not None and a.__class__ in (float, int):
                converted.append(Tensor._wrap(np.asarray(a, like.data.dtype)))
            else:
                try:
                    converted.append(as_tensor(a, "value", like))
                except TypeError:  # build the argument's name only when something is wrong
                    try:
                        as_tensor(a, self._argname(i), like)
                    except TypeError as exc:
                        raise TypeError(f"{self.label}: {exc}") from None
        return tuple(converted)

    def _argname(self, i: int) -> str:
        """The name of input ``i`` in the forward function (``b`` of multiply, ``xs[2]`` of _concatenate)."""
        params = list(inspect.signature(self.impl).parameters.values())
        positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        if i < len(positional):
            return positional[i].name
        varargs = [p.name for p in params if p.kind is p.VAR_POSITIONAL]
        return f"{varargs[0]}[{i}]" if varargs else f"argument {i}"

    def _explain(self, exc: Exception, arrays: list[np.ndarray], params: dict[str, Any]) -> Exception:
        """The error naming this operation and its inputs, raised instead of NumPy's ``exc``."""
        if self.explain is not None:
            return self.explain(exc, *arrays, **params)
        shapes = [f"{self._argname(i)}.shape={a.shape}" for i, a in enumerate(arrays)]
        if len(arrays) > 1:
            try:
                np.broadcast_shapes(*[a.shape for a in arrays])
            except ValueError:
                return ValueError(f"{self.label}: {' and '.join(shapes)} cannot be broadcast together")
        error = ValueError if isinstance(exc, ValueError) else IndexOutOfRange
        return error(f"{self.label}: {exc} (got {', '.join(shapes)})")

    def __repr__(self) -> str:
        return f"<primitive {self.name}>"


class IndexOutOfRange(IndexError, ValueError):
    """An index that does not fit the indexed tensor: an IndexError (as in NumPy and Python) and also a
    ValueError (the library's error for a bad argument value)."""


_new_tensor = object.__new__


def primitive(impl: Callable[..., Any]) -> Primitive:
    """Decorator turning ``impl`` (a function on NumPy arrays) into a :class:`Primitive`.

    A non-callable ``impl`` raises TypeError naming it.
    """
    if not callable(impl):
        raise TypeError(f"impl must be a function; got impl={impl!r} ({type(impl).__name__})")
    return Primitive(impl)


# ---- casting: the one primitive the backward pass itself calls ------------------------------------------
@primitive
def cast(x: np.ndarray, *, dtype: np.dtype) -> np.ndarray:
    """``x`` as ``dtype`` (a floating dtype). VJP: the cotangent cast back to x's dtype.

    The backward pass casts every cotangent to the dtype of the tensor it belongs to (as PyTorch's
    engine does), so a float32 source gets a float32 gradient even where a float64 constant entered.
    """
    return x.astype(dtype)


cast.defvjp(lambda g, ans, x, *, dtype: cast(g, dtype=x.dtype))
