"""Function transformations on top of ``GradientTape``: ``grad``, ``value_and_grad``, ``jacobian``,

Chapter 4 (grad, value_and_grad, jacobian) and chapter 5 ("Hessians": hessian, hvp).
``hessian``, ``hvp``.

``grad`` and ``value_and_grad`` take a function and return a function (JAX style); ``jacobian``,
``hessian`` and ``hvp``, which produce arrays, take the function AND the point: ``hessian(f, x)``.

Return types mirror the input: called on array-likes they return NumPy arrays; called on a
:class:`~momentum_lab.autodiff.Tensor` they return Tensors, recorded by any tape that is recording, so they nest:
``grad(grad(f))(x)`` is the second derivative of a scalar function.

``f`` is called once per evaluation with Tensors; it must use ``momentum_lab.autodiff`` operations
(``ad.exp``, ``x @ w``, ...), not NumPy functions, on them.
"""

import functools
import numbers

from momentum_lab.autodiff.tape import GradientTape
from momentum_lab.autodiff.tensor import Tensor, as_tensor


def _check_callable(f):
    if not callable(f):
        raise TypeError(f"f must be callable; got f={f!r} ({type(f).__name__})")


def _check_argnums(argnums):
    """``(tuple of argnums, whether a single int was given)``."""
    if isinstance(argnums, numbers.Integral) and not isinstance(argnums, bool):
        nums, single = (int(argnums),), True
    elif isinstance(argnums, (tuple, list)) and argnums and all(
            isinstance(a, numbers.Integral) and not isinstance(a, bool) for a in argnums):
        nums, single = tuple(int(a) for a in argnums), False
    else:
        raise TypeError(f"argnums must be an int or a non-empty tuple of ints; got argnums={argnums!r}")
    if any(a < 0 for a in nums) or len(set(nums)) != len(nums):
        raise ValueError(f"argnums must be distinct non-negative ints; got argnums={argnums!r}")
    return nums, single


def _point(x, name="x"):
    """``(x as a Tensor, whether x was already a Tensor)``."""
    return (x, True) if isinstance(x, Tensor) else (as_tensor(x, name), False)


def _scalar(value):
    value = as_tensor(value, "the value returned by f")
    if value.shape != ():
        raise ValueError(f"f must return a scalar (shape ()); got shape {value.shape}. Reduce it "
                         f"(sum, mean) first, or use jacobian for a vector-valued f")
    return value


def _out(t, keep_tensor):
    """The result as given to the caller: a Tensor if the input was one, else a NumPy array."""
    return t if keep_tensor else t.numpy()


def value_and_grad(f, argnums=0):
    """``f`` → a function returning ``(f(*args), ∇f)``, the gradient w.r.t. ``args[argnums]``.

    ``f`` must return a scalar. With an int ``argnums`` the gradient has the shape of that argument;
    with a tuple it is a tuple of gradients. An argument ``f`` does not depend on gets zeros.
    """
    _check_callable(f)
    nums, single = _check_argnums(argnums)

    @functools.wraps(f)
    def value_and_grad_f(*args, **kwargs):
        if max(nums) >= len(args):
            raise TypeError(f"argnums={argnums!r} but f was called with {len(args)} positional argument(s)")
        args = list(args)
        tensor_in = False
        for i in nums:
            args[i], was_tensor = _point(args[i], f"argument {i}")
            tensor_in |= was_tensor
        sources = [args[i] for i in nums]
        with GradientTape(watch_accessed_variables=False) as tape:
            tape.watch(sources)
            value = _scalar(f(*args, **kwargs))
        grads = tape.gradient(value, sources, unconnected_gradients="zero")
        grads = [_out(g, tensor_in) for g in grads]
        return _out(value, tensor_in), (grads[0] if single else tuple(grads))

    return value_and_grad_f


def grad(f, argnums=0):
    """``f`` → ``∇f``: a function returning the gradient of the scalar ``f`` w.r.t. ``args[argnums]``.

    Example: ``grad(lambda x: ad.sum(x ** 2))(np.array([1.0, 2.0]))`` is ``array([2., 4.])``.
    """
    value_and_grad_f = value_and_grad(f, argnums)

    @functools.wraps(f)
    def grad_f(*args, **kwargs):
        return value_and_grad_f(*args, **kwargs)[1]

    return grad_f


def jacobian(f, x):
    """The Jacobian of ``f`` at ``x``: shape ``f(x).shape + x.shape``, entry ``[i..., j...] = ∂f_i/∂x_j``.

    Computed in one batched backward pass (see :meth:`GradientTape.jacobian`), not row by row.
    """
    _check_callable(f)
    x, tensor_in = _point(x)
    with GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(x)
        y = as_tensor(f(x), "the value returned by f")
    return _out(tape.jacobian(y, x, unconnected_gradients="zero"), tensor_in)


def _gradient_recorded(f, x, outer):
    """∇f(x), computed while ``outer`` records (so ``outer`` can differentiate it again)."""
    outer.watch(x)
    with GradientTape(watch_accessed_variables=False) as inner:
        inner.watch(x)
        y = _scalar(f(x))
    return inner.gradient(y, x, unconnected_gradients="zero")


def hessian(f, x):
    """The Hessian of the scalar ``f`` at ``x``: shape ``x.shape + x.shape`` ((d, d) for x of shape (d,)).

    Reverse over reverse: an outer tape records the inner tape's gradient computation, then its
    ``jacobian`` pushes all d basis vectors through that recorded gradient in ONE batched backward pass.
    """
    _check_callable(f)
    x, tensor_in = _point(x)
    with GradientTape(watch_accessed_variables=False) as outer:
        g = _gradient_recorded(f, x, outer)
    return _out(outer.jacobian(g, x, unconnected_gradients="zero"), tensor_in)


def hvp(f, x, v):
    """The Hessian-vector product ``H(x) v = ∇ₓ(∇f(x) · v)`` without forming H (Pearlmutter 1994).

    Costs about two gradients: the backward pass of the recorded gradient, seeded with ``v``.
    ``v`` must have x's shape; the result has it too.
    """
    _check_callable(f)
    x, tensor_in = _point(x)
    v = as_tensor(v, "v", x)
    if v.shape != x.shape:
        raise ValueError(f"v must have x's shape {x.shape}; got shape {v.shape}")
    with GradientTape(watch_accessed_variables=False) as outer:
        g = _gradient_recorded(f, x, outer)
    Hv = outer.gradient(g, x, output_gradients=v, unconnected_gradients="zero")
    return _out(Hv, tensor_in)
