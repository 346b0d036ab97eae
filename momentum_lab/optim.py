"""Optimizers from scratch in NumPy.

Chapter 1 introduces plain gradient descent, ``θ ← θ − η ∇f(θ)``, and a loop that records the whole
trajectory so that it can be drawn on a contour plot. Chapter 2 adds momentum, in the three
conventions that textbooks and frameworks use (η = learning rate, β = momentum, g = gradient):

===================  =====================================  ====================  ============================
class                velocity                               parameter             who writes it this way
===================  =====================================  ====================  ============================
ClassicalMomentum    v ← βv + ηg          (v₀ = 0)          θ ← θ − v             lecture notes, Polyak (1964)
KerasMomentum        v ← βv − ηg          (v₀ = 0)          θ ← θ + v             ``keras.optimizers.SGD``
SGD                  b ← βb + (1−τ)g      (b₁ = g)          θ ← θ − ηb            ``torch.optim.SGD``
===================  =====================================  ====================  ============================

The classical and the Keras forms are the same algorithm for *any* learning-rate schedule
(``v_Keras = −v_classical``, and because negating a float is exact they even agree bit for bit). The
torch form keeps the gradients *unscaled* in its buffer and multiplies the whole buffer by today's η, so
it equals the other two only while η is constant (then ``v = η b``) and the dampening τ is 0.

Every optimizer here updates NumPy arrays **in place**::

    opt = SGD(lr=0.1, momentum=0.9)
    for _ in range(100):
        opt.step([w, b], [grad_w, grad_b])      # w and b change; grads are left untouched

Per-parameter state (the momentum buffer) is created on the first step that updates a parameter and is
looked up by the parameter array itself, as in torch (``opt.state[w]["momentum_buffer"]``). Pass the
same array objects at every step: a fresh view such as ``x[:2]`` would start a fresh buffer each time.

Speed: a step reads θ, g and the buffer from memory once and writes θ and the buffer once. Big
contiguous arrays are processed in chunks of :data:`CHUNK_BYTES`, so that the four to eight ufunc calls
of one update find the chunk in the CPU's cache instead of streaming whole arrays from memory each time
(no full-size temporaries either: intermediate results go to small per-thread scratch arrays), and
arrays with at least :data:`PARALLEL_MIN_SIZE` elements are split over :func:`get_num_threads` threads
(NumPy ufuncs release the GIL). The arithmetic itself is in each class's ``_update`` method and reads
like the docstring.
"""

import functools
import numbers
import os
import threading
import warnings
import weakref
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from momentum_lab._validate import (
    as_float_array,
    in_unit_interval,
    non_negative,
    positive,
    positive_int,
)

__all__ = [
    "DIVERGENCE_NORM",
    "DivergenceWarning",
    "ClassicalMomentum",
    "GradientDescent",
    "KerasMomentum",
    "ParamState",
    "SGD",
    "get_num_threads",
    "gradient_descent",
    "gradient_descent_step",
    "set_num_threads",
    "trajectory",
]


class DivergenceWarning(RuntimeWarning):
    """An optimizer's iterates left every sensible bound and the run was stopped early."""


#: Iterates whose norm exceeds this are treated as diverged (long before float64 overflows).
DIVERGENCE_NORM = 1e100

#: Bytes of one array per chunk. θ, g, the buffer and the scratch of a chunk (4 MiB per thread) stay in
#: the last-level cache between ufunc calls; measured best between 1 and 2 MiB on a 32 MiB-L3 EPYC, where
#: smaller chunks lose to the Python overhead per call and bigger ones to cache misses.
CHUNK_BYTES = 1 << 20

#: Parameters with at least this many elements are split over several threads.
PARALLEL_MIN_SIZE = 1 << 19


# ----------------------------------------------------------------------------------------------------
# Chapter 1: plain gradient descent


def gradient_descent_step(x, grad, lr):
    """One gradient-descent step: ``x − lr · grad`` (a new array; ``x`` is not modified)."""
    return x - lr * grad


def gradient_descent(grad_fn, x0, lr, steps):
    """Run ``steps`` steps of gradient descent from ``x0`` and return every iterate.

    Args:
        grad_fn: callable mapping a point of shape ``(d,)`` to its gradient, shape ``(d,)``.
        x0: start point, shape ``(d,)``.
        lr: step size η > 0.
        steps: number of steps (an integer ≥ 0).

    Returns:
        An array of shape ``(steps + 1, d)`` whose row ``k`` is θ_k (row 0 is ``x0``).
        If the iterates diverge (their norm passes ``DIVERGENCE_NORM`` or stops being finite) the run
        stops there with a :class:`DivergenceWarning`, and the array holds only the iterates computed
        up to that point, so a diverging run never returns NaN.

    This is ``trajectory(grad_fn, x0, GradientDescent(lr), steps)``; each step computes exactly
    ``gradient_descent_step(x, grad_fn(x), lr)``.
    """
    _check_grad_fn(grad_fn)
    x = as_float_array(x0, "x0", ndim=1)
    lr = positive(lr, "lr")
    steps = positive_int(steps, "steps", minimum=0)
    return _run(grad_fn, x, GradientDescent(lr), steps, None, stacklevel=3)


# ----------------------------------------------------------------------------------------------------
# Per-parameter state


class ParamState:
    """Per-parameter state of an optimizer, looked up by the parameter array itself.

    ``opt.state[w]`` is the dict of arrays kept for parameter ``w`` (e.g. ``{"momentum_buffer": b}``),
    the same vocabulary as ``torch.optim.Optimizer.state``. Entries are created by the first step that
    updates ``w`` and are dropped when ``w`` is garbage-collected (the state holds a weak reference).
    Iterating yields the parameters that have state.
    """

    def __init__(self):
        self._entries = {}  # id(param) -> (weakref to param, state dict)

    def _lookup(self, param):
        entry = self._entries.get(id(param))
        if entry is not None and entry[0]() is param:
            return entry[1]
        return None

    def _setdefault(self, param):
        state = self._lookup(param)
        if state is None:
            entries, key = self._entries, id(param)

            def forget(ref):
                if entries.get(key, (None,))[0] is ref:
                    del entries[key]

            state = {}
            entries[key] = (weakref.ref(param, forget), state)
        return state

    def _discard(self, param):
        if self._lookup(param) is not None:
            del self._entries[id(param)]

    def __getitem__(self, param):
        state = self._lookup(param)
        if state is None:
            raise KeyError("this array has no optimizer state yet: it is created by the first step that updates it")
        return state

    def __contains__(self, param):
        return self._lookup(param) is not None

    def __iter__(self):
        for ref, _ in list(self._entries.values()):
            param = ref()
            if param is not None:
                yield param

    def __len__(self):
        return len(self._entries)

    def clear(self):
        self._entries.clear()

    def __repr__(self):
        return f"<ParamState for {len(self)} parameter(s)>"


# ----------------------------------------------------------------------------------------------------
# Chunked, multi-threaded application of an elementwise update


_num_threads = None  # None: every CPU this process may use
_pool = None
_pool_size = 0
_pool_lock = threading.Lock()
_local = threading.local()


def get_num_threads():
    """How many threads a step on a big array (≥ ``PARALLEL_MIN_SIZE`` elements) uses."""
    if _num_threads is not None:
        return _num_threads
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def set_num_threads(n):
    """Use ``n`` threads for steps on big arrays (``None``: every CPU available, the default).

    The results do not depend on ``n``: every element is updated by the same arithmetic.
    """
    global _num_threads
    _num_threads = None if n is None else positive_int(n, "n")


def _executor(workers):
    global _pool, _pool_size
    with _pool_lock:
        if _pool is None or _pool_size < workers:
            if _pool is not None:
                _pool.shutdown(wait=False)
            _pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="momentum_lab")
            _pool_size = workers
        return _pool


def _scratch(n, dtype, count):
    """``count`` scratch arrays of length ``n``, reused by the calling thread from step to step."""
    cache = _local.__dict__.setdefault("scratch", {})
    key = np.dtype(dtype).str
    block = cache.get(key)
    if block is None or block.shape[0] < count or block.shape[1] < n:
        rows = max(count, 0 if block is None else block.shape[0])
        cols = max(n, 0 if block is None else block.shape[1])
        block = cache[key] = np.empty((rows, cols), dtype=dtype)
    return [block[i, :n] for i in range(count)]


def _apply(update, param, grad, buffers, n_scratch):
    """Call ``update(theta, grad, buffers, scratch)`` on cache-sized chunks of the flat arrays."""
    if not (param.flags.c_contiguous and all(b.flags.c_contiguous for b in buffers)):
        # Unusual layouts (a column of a matrix, a transposed array): one call on the whole arrays.
        update(param, grad, buffers, [np.empty_like(param) for _ in range(n_scratch)])
        return
    theta = param.reshape(-1)
    g = np.ascontiguousarray(grad).reshape(-1)
    bufs = [b.reshape(-1) for b in buffers]
    n = theta.size
    chunk = max(1, CHUNK_BYTES // param.itemsize)

    def work(lo, hi):
        scratch = _scratch(min(chunk, hi - lo), param.dtype, n_scratch)
        for start in range(lo, hi, chunk):
            stop = min(start + chunk, hi)
            m = stop - start
            update(theta[start:stop], g[start:stop], [b[start:stop] for b in bufs], [s[:m] for s in scratch])

    threads = get_num_threads()
    if threads == 1 or n < PARALLEL_MIN_SIZE:
        work(0, n)
        return
    # Split [0, n) into `threads` parts whose boundaries are multiples of the chunk length.
    bounds = [min(n, round(n * k / threads / chunk) * chunk) for k in range(threads)] + [n]
    pool = _executor(threads - 1)
    futures = [pool.submit(work, bounds[k], bounds[k + 1]) for k in range(1, threads)]
    work(bounds[0], bounds[1])
    for future in futures:
        future.result()


# ----------------------------------------------------------------------------------------------------
# Optimizers


def _as_pairs(params, grads):
    """Normalise ``step``'s arguments to a list of (name, param, grad) with matching shapes."""
    if isinstance(params, np.ndarray):
        named = [("params", params, grads)]
        grad_names = ["grads"]
    elif isinstance(params, (list, tuple)):
        if params and all(isinstance(p, numbers.Real) for p in params):
            raise TypeError("params must be a NumPy array or a list of NumPy arrays (updated in place); "
                            "got a list of numbers")
        if not isinstance(grads, (list, tuple)):
            raise TypeError(
                f"grads must be a list with one gradient per parameter, like params; got {type(grads).__name__}"
            )
        if len(grads) != len(params):
            raise ValueError(f"grads must have one entry per parameter ({len(params)}); got {len(grads)}")
        named = [(f"params[{i}]", p, g) for i, (p, g) in enumerate(zip(params, grads))]
        grad_names = [f"grads[{i}]" for i in range(len(params))]
    else:
        raise TypeError(
            f"params must be a NumPy array or a list of NumPy arrays (updated in place); "
            f"got {type(params).__name__}"
        )
    pairs = []
    for (name, p, g), gname in zip(named, grad_names):
        if not isinstance(p, np.ndarray) or not np.issubdtype(p.dtype, np.floating):
            got = f"array of dtype {p.dtype}" if isinstance(p, np.ndarray) else type(p).__name__
            raise TypeError(f"{name} must be a NumPy array of floats (it is updated in place); got {got}")
        if not p.flags.writeable:
            raise ValueError(f"{name} must be writable (it is updated in place); got a read-only array")
        if g is None:  # as in torch: a parameter without a gradient is skipped
            continue
        if isinstance(g, (str, bytes)):
            raise TypeError(f"{gname} must be array-like of numbers; got {type(g).__name__}")
        try:
            g = np.asarray(g)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{gname} must be array-like of numbers; got {type(g).__name__}") from exc
        if g.shape != p.shape:
            raise ValueError(f"{gname} must have the shape of {name}, {p.shape}; got shape {g.shape}")
        if not (np.issubdtype(g.dtype, np.floating) or np.issubdtype(g.dtype, np.integer)):
            raise TypeError(f"{gname} must hold real numbers; got dtype {g.dtype}")
        if g.dtype != p.dtype:
            g = g.astype(p.dtype)
        pairs.append((p, g))
    return pairs


class _Optimizer:
    """Shared machinery: argument handling, per-parameter state and chunked application.

    A subclass sets ``_buffer_names`` (its per-parameter arrays), ``_n_scratch`` and writes
    ``_update(theta, grad, buffers, scratch, first)``, which updates ``theta`` and the buffers in place
    using ufuncs with ``out=`` only. ``theta``, ``grad``, the buffers and the scratch arrays have one
    shape (a chunk of the parameter); ``first`` says whether this is the parameter's first step.
    """

    _buffer_names = ()
    _n_scratch = 1
    label = "optimizer"

    def __init__(self, lr):
        self.lr = lr
        self.state = ParamState()

    @property
    def lr(self):
        """The learning rate η ≥ 0; may be changed between steps (that is how schedules work)."""
        return self._lr

    @lr.setter
    def lr(self, value):
        self._lr = non_negative(value, "lr")

    def zero_state(self):
        """Forget every parameter's state: the next step on any parameter is a first step."""
        self.state.clear()

    def step(self, params, grads):
        """Update ``params`` in place from ``grads``.

        Args:
            params: a NumPy float array or a list of them. Updated in place.
            grads: the gradient(s), same structure and shapes; an entry ``None`` skips its parameter.
                Cast to the parameter's dtype when it differs; never modified.
        """
        for param, grad in _as_pairs(params, grads):
            buffers, first = self._buffers_for(param)
            update = functools.partial(self._update, first=first)
            try:
                _apply(update, param, grad, buffers, self._n_scratch)
            except BaseException:
                if first:  # a half-initialised buffer must not look like a real one next time
                    self.state._discard(param)
                raise

    def _buffers_for(self, param):
        """The parameter's state arrays (created on first use) and whether they are new."""
        if not self._buffer_names:
            return [], False
        state = self.state._setdefault(param)
        first = not state
        if first:
            self._init_state(param, state)
        return [state[name] for name in self._buffer_names], first

    def _init_state(self, param, state):
        for name in self._buffer_names:
            state[name] = np.zeros_like(param)

    def _update(self, theta, grad, buffers, scratch, first):  # pragma: no cover - abstract
        raise NotImplementedError

    def _hyperparameters(self):
        return {"lr": self.lr}

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self._hyperparameters().items())
        return f"{type(self).__name__}({args})"


def _momentum(value, *, torch_style):
    """torch accepts any momentum ≥ 0; Keras wants 0 ≤ momentum ≤ 1."""
    if torch_style:
        return non_negative(value, "momentum")
    return in_unit_interval(value, "momentum", closed_right=True)


def _nesterov(value):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"nesterov must be True or False; got nesterov={value!r} ({type(value).__name__})")
    return bool(value)


class GradientDescent(_Optimizer):
    """Plain gradient descent::

        θ ← θ − lr · g

    Args:
        lr: learning rate η ≥ 0.
    """

    label = "gradient descent"

    def __init__(self, lr):
        super().__init__(lr)

    def _update(self, theta, grad, buffers, scratch, first):
        (step,) = scratch
        np.multiply(grad, self.lr, out=step)  # η g
        np.subtract(theta, step, out=theta)  # θ − η g


class SGD(_Optimizer):
    """Stochastic gradient descent with momentum, computed exactly as ``torch.optim.SGD`` does.

    Update of each parameter θ with gradient g, at steps k = 1, 2, …::

        g ← g + weight_decay · θ                      # coupled weight decay (when weight_decay ≠ 0)
        if momentum ≠ 0:
            b ← g                                     # k = 1: the buffer starts at the first gradient
            b ← momentum · b + (1 − dampening) · g    # k > 1
            g ← g + momentum · b   if nesterov else  b
        θ ← θ − lr · g

    Conventions (see the module docstring for the other two forms):

    * the buffer ``b`` holds *gradients*, and ``lr`` multiplies the whole buffer at every step. With a
      constant ``lr`` and no dampening this is the classical heavy ball with ``v = lr · b``; under a
      learning-rate schedule it is not (old gradients are rescaled by today's rate).
    * Nesterov is Sutskever et al.'s look-ahead method written in the shifted variable
      (the iterate is the point where the gradient is evaluated), as in torch and Keras.
    * Weight decay is *coupled*: it is added to the gradient and enters the buffer (L2 regularisation),
      unlike Keras' decoupled ``weight_decay``.
    * The caller's gradients are never modified (the sum ``g + weight_decay · θ`` goes to scratch).

    State: ``state[θ]["momentum_buffer"]`` (only when momentum ≠ 0).

    Args:
        lr: learning rate η ≥ 0 (attribute ``lr``; may be changed between steps).
        momentum: μ ≥ 0 (torch allows μ ≥ 1, which diverges on a quadratic).
        nesterov: use Nesterov momentum; needs momentum > 0 and dampening = 0 (as in torch).
        dampening: τ in [0, 1]; the new gradient enters the buffer with weight (1 − τ).
        weight_decay: ≥ 0.
    """

    _n_scratch = 2

    def __init__(self, lr, momentum=0.0, nesterov=False, dampening=0.0, weight_decay=0.0):
        super().__init__(lr)
        self.momentum = _momentum(momentum, torch_style=True)
        self.nesterov = _nesterov(nesterov)
        self.dampening = in_unit_interval(dampening, "dampening", closed_right=True)
        self.weight_decay = non_negative(weight_decay, "weight_decay")
        if self.nesterov and self.momentum <= 0:
            raise ValueError(f"nesterov=True requires momentum > 0; got momentum={self.momentum!r}")
        if self.nesterov and self.dampening != 0:
            raise ValueError(f"nesterov=True requires dampening=0; got dampening={self.dampening!r}")

    @property
    def _buffer_names(self):
        return ("momentum_buffer",) if self.momentum != 0 else ()

    def _init_state(self, param, state):
        state["momentum_buffer"] = np.empty_like(param)  # filled with the first gradient by _update

    def _update(self, theta, grad, buffers, scratch, first):
        s0, s1 = scratch
        d = grad
        if self.weight_decay:
            np.multiply(theta, self.weight_decay, out=s0)
            np.add(grad, s0, out=s0)  # d = g + wd θ
            d = s0
        if self.momentum:
            (b,) = buffers
            if first:
                np.copyto(b, d)  # b = d
            else:
                np.multiply(b, self.momentum, out=b)
                if self.dampening:
                    np.multiply(d, 1.0 - self.dampening, out=s1)
                    np.add(b, s1, out=b)  # b = μ b + (1 − τ) d
                else:
                    np.add(b, d, out=b)  # b = μ b + d
            if self.nesterov:
                np.multiply(b, self.momentum, out=s1)
                np.add(d, s1, out=s1)  # d = d + μ b
                d = s1
            else:
                d = b
        out = d if (d is s0 or d is s1) else s0
        np.multiply(d, self.lr, out=out)
        np.subtract(theta, out, out=theta)  # θ = θ − η d

    @property
    def label(self):
        if not self.momentum:
            return "SGD"
        return f"SGD (momentum={self.momentum:g}{', nesterov' if self.nesterov else ''})"

    def _hyperparameters(self):
        return {"lr": self.lr, "momentum": self.momentum, "nesterov": self.nesterov,
                "dampening": self.dampening, "weight_decay": self.weight_decay}


class ClassicalMomentum(_Optimizer):
    """Heavy-ball momentum in the form of most lecture notes (Polyak 1964)::

        v ← momentum · v + lr · g          # v starts at 0
        θ ← θ − v

    With ``nesterov=True`` (Nesterov's accelerated gradient as written by Sutskever et al. 2013,
    ``v ← βv + η∇f(θ − βv); θ ← θ − v``), in the look-ahead variable ``φ = θ − βv`` so that the
    gradient is taken at the stored iterate itself::

        v ← momentum · v + lr · g
        θ ← θ − (momentum · v + lr · g)    # with the updated v

    Every gradient keeps the ``lr`` it was taken with, so this is the same trajectory as
    :class:`KerasMomentum` under any learning-rate schedule (``v_Keras = −v``).

    State: ``state[θ]["velocity"]``.

    Args:
        lr: learning rate η ≥ 0 (attribute ``lr``; may be changed between steps).
        momentum: β in [0, 1].
        nesterov: use the Nesterov form.
    """

    _buffer_names = ("velocity",)
    _n_scratch = 2

    def __init__(self, lr, momentum, nesterov=False):
        super().__init__(lr)
        self.momentum = _momentum(momentum, torch_style=False)
        self.nesterov = _nesterov(nesterov)

    def _update(self, theta, grad, buffers, scratch, first):
        (v,) = buffers
        s0, s1 = scratch
        np.multiply(grad, self.lr, out=s0)  # η g
        np.multiply(v, self.momentum, out=v)
        np.add(v, s0, out=v)  # v = β v + η g
        if self.nesterov:
            np.multiply(v, self.momentum, out=s1)
            np.add(s1, s0, out=s1)  # β v + η g
            np.subtract(theta, s1, out=theta)
        else:
            np.subtract(theta, v, out=theta)  # θ = θ − v

    @property
    def label(self):
        return f"classical momentum (momentum={self.momentum:g}{', nesterov' if self.nesterov else ''})"

    def _hyperparameters(self):
        return {"lr": self.lr, "momentum": self.momentum, "nesterov": self.nesterov}


class KerasMomentum(_Optimizer):
    """Heavy-ball momentum as ``keras.optimizers.SGD`` writes it::

        v ← momentum · v − lr · g          # v starts at 0
        θ ← θ + v

    With ``nesterov=True``::

        v ← momentum · v − lr · g
        θ ← θ + momentum · v − lr · g      # with the updated v

    ``v`` is the negative of :class:`ClassicalMomentum`'s velocity, so the two give identical iterates
    for any learning-rate schedule. Keras itself stores ``lr`` and ``momentum`` as float32 even for
    float64 parameters; this class uses the values it is given (round them with ``np.float32`` first
    to reproduce Keras to ~1e-15).

    State: ``state[θ]["velocity"]``.

    Args:
        lr: learning rate η ≥ 0 (attribute ``lr``; may be changed between steps).
        momentum: β in [0, 1].
        nesterov: use the Nesterov form.
    """

    _buffer_names = ("velocity",)
    _n_scratch = 2

    def __init__(self, lr, momentum, nesterov=False):
        super().__init__(lr)
        self.momentum = _momentum(momentum, torch_style=False)
        self.nesterov = _nesterov(nesterov)

    def _update(self, theta, grad, buffers, scratch, first):
        (v,) = buffers
        s0, s1 = scratch
        np.multiply(grad, self.lr, out=s0)  # η g
        np.multiply(v, self.momentum, out=v)
        np.subtract(v, s0, out=v)  # v = β v − η g
        if self.nesterov:
            np.multiply(v, self.momentum, out=s1)
            np.subtract(s1, s0, out=s1)  # β v − η g
            np.add(theta, s1, out=theta)
        else:
            np.add(theta, v, out=theta)  # θ = θ + v

    @property
    def label(self):
        return f"Keras-form momentum (momentum={self.momentum:g}{', nesterov' if self.nesterov else ''})"

    def _hyperparameters(self):
        return {"lr": self.lr, "momentum": self.momentum, "nesterov": self.nesterov}


# ----------------------------------------------------------------------------------------------------
# Trajectories


def _check_grad_fn(grad_fn):
    if not callable(grad_fn):
        raise TypeError(f"grad_fn must be callable; got {type(grad_fn).__name__}")


def trajectory(grad_fn, x0, optimizer, steps, lr_schedule=None):
    """Run ``optimizer`` for ``steps`` steps from ``x0`` and return every iterate.

    Args:
        grad_fn: callable mapping a point of shape ``(d,)`` to its gradient, shape ``(d,)``.
        x0: start point, shape ``(d,)`` (copied; never modified).
        optimizer: any object with ``step(params, grads)`` that updates a NumPy array in place
            (:class:`SGD`, :class:`ClassicalMomentum`, …). Its state for the working array starts empty,
            so one optimizer object can draw several trajectories.
        steps: number of steps (an integer ≥ 0).
        lr_schedule: optional callable ``k -> lr``; before step ``k`` (k = 0, 1, …) it sets
            ``optimizer.lr = lr_schedule(k)``. The optimizer's ``lr`` is restored afterwards.

    Returns:
        A float64 array of shape ``(steps + 1, d)`` whose row ``k`` is θ_k (row 0 is ``x0``).
        If the iterates diverge (their norm passes ``DIVERGENCE_NORM`` or stops being finite) the run
        stops there with a :class:`DivergenceWarning` and the array holds only the iterates computed up
        to that point, so a diverging run never returns NaN.
    """
    _check_grad_fn(grad_fn)
    x = as_float_array(x0, "x0", ndim=1)
    if not callable(getattr(optimizer, "step", None)):
        raise TypeError(f"optimizer must have a step(params, grads) method; got {type(optimizer).__name__}")
    steps = positive_int(steps, "steps", minimum=0)
    if lr_schedule is not None:
        if not callable(lr_schedule):
            raise TypeError(f"lr_schedule must be callable (k -> lr) or None; got {type(lr_schedule).__name__}")
        if not hasattr(optimizer, "lr"):
            raise TypeError(f"lr_schedule needs an optimizer with an lr attribute; got {type(optimizer).__name__}")
    return _run(grad_fn, x, optimizer, steps, lr_schedule, stacklevel=3)


def _run(grad_fn, x0, optimizer, steps, lr_schedule, *, stacklevel):
    x = x0.copy()  # the working array, updated in place by the optimizer
    iterates = np.empty((steps + 1, x.size))
    iterates[0] = x
    count = 1
    original_lr = getattr(optimizer, "lr", None)
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            for k in range(steps):
                if lr_schedule is not None:
                    optimizer.lr = non_negative(lr_schedule(k), f"lr_schedule({k})")
                g = np.asarray(grad_fn(x), dtype=float)
                if g.shape != x.shape:
                    raise ValueError(f"grad_fn must return shape {x.shape}; got shape {g.shape}")
                if np.may_share_memory(g, x):
                    g = g.copy()  # e.g. grad_fn = lambda x: x
                optimizer.step(x, g)
                if not np.all(np.isfinite(x)) or np.linalg.norm(x) > DIVERGENCE_NORM:
                    lr = getattr(optimizer, "lr", None)
                    at = f" (lr={lr:g})" if isinstance(lr, float) else ""
                    warnings.warn(
                        f"{getattr(optimizer, 'label', type(optimizer).__name__)} diverged at step {k + 1}{at}; "
                        f"returning the {count} iterates computed before it",
                        DivergenceWarning,
                        stacklevel=stacklevel,
                    )
                    break
                iterates[count] = x
                count += 1
    finally:
        if lr_schedule is not None:
            optimizer.lr = original_lr
    return iterates[:count].copy() if count < steps + 1 else iterates
