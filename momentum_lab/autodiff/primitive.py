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

import functools
import inspect

import numpy as np

from momentum_lab.autodiff.tape import active_tapes
from momentum_lab.autodiff.tensor import Tensor, as_tensor


class Primitive:
    """A differentiable operation: ``impl(*arrays, **params) -> array`` plus one VJP per input.

    Positional arguments are the differentiable inputs (array-likes are converted to Tensors); keyword
    arguments are static parameters (an axis, a shape, an index), passed unchanged to ``impl`` and to
    the rules. Build one with the :func:`primitive` decorator, then attach its rules with
    :meth:`defvjp` (fixed arity) or :meth:`defvjp_argnum` (any number of inputs).
    """

    def __init__(self, impl, name=None):
        functools.update_wrapper(self, impl)  # name, docstring; inspect.getsource shows ``impl``
        self.impl = impl
        self.name = name or impl.__name__
        self.vjps = ()
        self.vjp_argnum = None

    def defvjp(self, *rules):
        """Set ``rules[i](g, ans, *inputs, **params)`` -> cotangent of input ``i`` (None: no gradient)."""
        self.vjps = rules
        return self

    def defvjp_argnum(self, rule):
        """Set one ``rule(i, g, ans, *inputs, **params)`` for every input ``i`` (variadic primitives)."""
        self.vjp_argnum = rule
        return self

    def vjp(self, argnum):
        """The rule giving input ``argnum``'s cotangent, or None if that input has no gradient."""
        if self.vjp_argnum is not None:
            return functools.partial(self.vjp_argnum, argnum)
        return self.vjps[argnum] if argnum < len(self.vjps) else None

    def __call__(self, *args, **params):
        for a in args:  # the usual case: every input is already a Tensor
            if not isinstance(a, Tensor):
                args = self._convert(args)
                break
        out = self.impl(*[a.data for a in args], **params)
        if out.__class__ is not np.ndarray:
            out = np.asarray(out)  # NumPy returns scalars for 0-d results
        result = _new_tensor(Tensor)
        result.data = out
        if active_tapes:  # outside any tape this costs one truth test
            for tape in active_tapes:
                tape._record(self, result, args, params)
        return result

    def _convert(self, args):
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
                        as_tensor(a, self._argname(i))
                    except TypeError as exc:
                        raise TypeError(f"{self.name}: {exc}") from None
        return tuple(converted)

    def _argname(self, i):
        """The name of input ``i`` in the forward function (``b`` of multiply, ``xs[2]`` of _concatenate)."""
        params = list(inspect.signature(self.impl).parameters.values())
        positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        if i < len(positional):
            return positional[i].name
        varargs = [p.name for p in params if p.kind is p.VAR_POSITIONAL]
        return f"{varargs[0]}[{i}]" if varargs else f"argument {i}"

    def __repr__(self):
        return f"<primitive {self.name}>"


_new_tensor = object.__new__


def primitive(impl):
    """Decorator turning ``impl`` (a function on NumPy arrays) into a :class:`Primitive`."""
    return Primitive(impl)

