"""The engine under every optimizer: arguments, per-parameter state, and fast application of an update rule.

A learner reading an optimizer (:mod:`.gradient_descent`, :mod:`.momentum`) sees only its update rule, a
method ``rule(theta, g, *buffers, first)`` written in plain NumPy that updates ``theta`` and its buffers in
place (``v *= β; v += η * g; θ -= v``). This module applies such a rule fast, without changing a single
bit of what it computes (the rule is elementwise, so cutting the arrays into pieces cannot change any
element's arithmetic):

* **chunks**: a big contiguous parameter is processed in pieces of :data:`CHUNK_BYTES`, so that the
  handful of NumPy operations of one rule find their piece in the CPU cache instead of streaming whole
  arrays from memory each time, and the temporaries a rule makes (``η * g``) are piece-sized;
* **threads**: parameters with at least :data:`PARALLEL_MIN_SIZE` elements are split over
  :func:`get_num_threads` threads (NumPy operations release the GIL);
* **state**: ``opt.state[w]`` holds the buffers of parameter ``w``, looked up by the array itself (as in
  torch) and created by the first step that updates it.

Chapter 2 ("Momentum: the heavy ball") and the performance appendix use it through the optimizers.
"""

from __future__ import annotations

import numbers
import os
import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import numpy.typing as npt

from momentum_lab._validate import check_real_dtype, non_negative, positive_int

#: A rule ``rule(theta, g, *buffers, first=...)`` that updates ``theta`` and its buffers in place.
Rule = Callable[..., None]

#: Bytes of one array per chunk. θ, g, the buffers and a rule's temporaries for one chunk stay in the
#: last-level cache between NumPy calls; measured best between 1 and 2 MiB on a 32 MiB-L3 EPYC, where
#: smaller chunks lose to the Python overhead per call and bigger ones to cache misses.
CHUNK_BYTES = 1 << 20

#: Parameters with at least this many elements are split over several threads.
PARALLEL_MIN_SIZE = 1 << 19


class ParamState:
    """Per-parameter state of an optimizer, looked up by the parameter array itself.

    ``opt.state[w]`` is the dict of arrays kept for parameter ``w`` (e.g. ``{"momentum_buffer": b}``),
    the same vocabulary as ``torch.optim.Optimizer.state``. Entries are created by the first step that
    updates ``w`` and are dropped when ``w`` is garbage-collected (the state holds a weak reference).
    Iterating yields the parameters that have state.
    """

    def __init__(self) -> None:
        # id(param) -> (weakref to param, state dict)
        self._entries: dict[int, tuple[weakref.ref[np.ndarray], dict[str, Any]]] = {}

    def _lookup(self, param: np.ndarray) -> dict[str, Any] | None:
        entry = self._entries.get(id(param))
        if entry is not None and entry[0]() is param:
            return entry[1]
        return None

    def _setdefault(self, param: np.ndarray) -> dict[str, Any]:
        state = self._lookup(param)
        if state is None:
            entries, key = self._entries, id(param)

            def forget(ref: weakref.ref[np.ndarray]) -> None:
                if entries.get(key, (None,))[0] is ref:
                    del entries[key]

            state = {}
            entries[key] = (weakref.ref(param, forget), state)
        return state

    def _discard(self, param: np.ndarray) -> None:
        if self._lookup(param) is not None:
            del self._entries[id(param)]

    def __getitem__(self, param: np.ndarray) -> dict[str, Any]:
        state = self._lookup(param)
        if state is None:
            raise KeyError("this array has no optimizer state yet: it is created by the first step that updates it")
        return state

    def __contains__(self, param: object) -> bool:
        return isinstance(param, np.ndarray) and self._lookup(param) is not None

    def __iter__(self) -> Iterator[np.ndarray]:
        for ref, _ in list(self._entries.values()):
            param = ref()
            if param is not None:
                yield param

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        """Forget the state of every parameter."""
        self._entries.clear()

    def __repr__(self) -> str:
        return f"<ParamState for {len(self)} parameter(s)>"


# ----------------------------------------------------------------------------------------------------
# Threads

_num_threads: int | None = None  # None: every CPU this process may use
_pool: ThreadPoolExecutor | None = None
_pool_size = 0
_pool_lock = threading.Lock()


def get_num_threads() -> int:
    """How many threads a step on a big array (≥ ``PARALLEL_MIN_SIZE`` elements) uses."""
    if _num_threads is not None:
        return _num_threads
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def set_num_threads(n: int | None) -> None:
    """Use ``n`` threads for steps on big arrays (``None``: every CPU available, the default).

    The results do not depend on ``n``: every element is updated by the same arithmetic.
    """
    global _num_threads
    _num_threads = None if n is None else positive_int(n, "n")


def _executor(workers: int) -> ThreadPoolExecutor:
    global _pool, _pool_size
    with _pool_lock:
        if _pool is None or _pool_size < workers:
            if _pool is not None:
                _pool.shutdown(wait=False)
            _pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="momentum_lab")
            _pool_size = workers
        return _pool


# ----------------------------------------------------------------------------------------------------
# Applying a rule


def apply_rule(rule: Rule, param: np.ndarray, grad: np.ndarray, buffers: Sequence[np.ndarray], first: bool) -> None:
    """Call ``rule(theta, g, *buffers, first=first)`` on cache-sized chunks of the flat arrays.

    Equivalent to one call on the whole arrays, element for element and bit for bit.
    """
    if not (param.flags.c_contiguous and all(b.flags.c_contiguous for b in buffers)):
        # Unusual layouts (a column of a matrix, a transposed array): one call on the whole arrays.
        rule(param, grad, *buffers, first=first)
        return
    theta = param.reshape(-1)
    g = np.ascontiguousarray(grad).reshape(-1)
    flat = [b.reshape(-1) for b in buffers]
    n = theta.size
    chunk = max(1, CHUNK_BYTES // param.itemsize)

    def work(lo: int, hi: int) -> None:
        for start in range(lo, hi, chunk):
            stop = min(start + chunk, hi)
            rule(theta[start:stop], g[start:stop], *[b[start:stop] for b in flat], first=first)

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


def _all_finite(array: np.ndarray) -> bool:
    """Whether every element of a float array is finite, in one pass and without a temporary array.

    A sum of finite numbers is finite unless it overflows, and a NaN or an infinity makes it non-finite,
    so a finite sum settles it; only a non-finite sum needs the elementwise test. Small arrays take the
    elementwise test directly (its temporary is small, and it skips the cost of ``np.errstate``).
    """
    if array.size < _SUM_CHECK_MIN_SIZE:
        return bool(np.isfinite(array).all())
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(np.sum(array)):
            return True
    return bool(np.isfinite(array).all())


#: From this many elements on, finiteness is checked through a sum (no temporary array).
_SUM_CHECK_MIN_SIZE = 1 << 16


def as_pairs(params: object, grads: object) -> list[tuple[np.ndarray, np.ndarray]]:
    """Normalise ``step``'s arguments to a list of (param, grad) with matching shapes and dtypes.

    Every pair is checked before any parameter is touched, so a bad entry anywhere leaves all of them as
    they were: shapes, dtypes (real numbers only) and finiteness of each gradient in its parameter's
    dtype (a float64 gradient of 1e300 for a float32 parameter is an infinity there).
    """
    named: list[tuple[str, object, object]]
    if isinstance(params, np.ndarray):
        named = [("params", params, grads)]
        grad_names = ["grads"]
    elif isinstance(params, (list, tuple)):
        if params and all(isinstance(p, numbers.Real) for p in params):
            raise TypeError(
                "params must be a NumPy array or a list of NumPy arrays (updated in place); got a list of numbers"
            )
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
            f"params must be a NumPy array or a list of NumPy arrays (updated in place); got {type(params).__name__}"
        )
    pairs: list[tuple[np.ndarray, np.ndarray]] = []
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
        check_real_dtype(g.dtype, gname)
        if g.dtype != p.dtype:
            with np.errstate(over="ignore"):
                g = g.astype(p.dtype)
        if g.dtype.kind == "f" and not _all_finite(g):
            bad = np.flatnonzero(~np.isfinite(g))
            raise ValueError(
                f"{gname} must contain only finite numbers (the gradient of {name}, which is left unchanged); "
                f"got {bad.size} non-finite value(s) in {p.dtype}, the first {float(g.flat[bad[0]])!r} at flat index "
                f"{int(bad[0])}"
            )
        pairs.append((p, g))
    return pairs


class Optimizer:
    """What every optimizer shares: ``step``, ``lr``, ``state``, ``zero_state`` and the repr.

    A subclass names its per-parameter buffers in ``buffer_names`` (each starts as zeros, or as
    :meth:`init_buffer` makes it) and writes ``rule(theta, g, *buffers, first)``: the update of one
    parameter ``theta`` (a NumPy array, changed in place) from its gradient ``g`` (read only), in plain
    NumPy. ``first`` is True on the parameter's first step. ``apply_rule`` applies it fast.
    """

    buffer_names: tuple[str, ...] = ()
    label = "optimizer"

    def __init__(self, lr: float) -> None:
        self.lr = lr
        self.state = ParamState()

    @property
    def lr(self) -> float:
        """The learning rate η ≥ 0; may be changed between steps (that is how schedules work)."""
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._lr = non_negative(value, "lr")

    def zero_state(self) -> None:
        """Forget every parameter's state: the next step on any parameter is a first step."""
        self.state.clear()

    def step(
        self, params: np.ndarray | Sequence[np.ndarray], grads: npt.ArrayLike | Sequence[npt.ArrayLike | None]
    ) -> None:
        """Update ``params`` in place from ``grads``.

        Args:
            params: a NumPy float array or a list of them. Updated in place; their dtype (float32 or
                float64) is kept.
            grads: the gradient(s), same structure and shapes; an entry ``None`` skips its parameter.
                Cast to the parameter's dtype when it differs; never modified.

        Raises:
            TypeError: a parameter that is not a float array, a gradient of booleans, complex numbers,
                objects or strings.
            ValueError: a shape mismatch, a read-only parameter, or a gradient holding NaN or an
                infinity (after the cast). Nothing is updated then, not even the other parameters: a
                NaN would otherwise spread into the parameters and every buffer for good.
                ``torch.optim`` and Keras do not check, and write the NaN in; stop a run early with
                :func:`~momentum_lab.optim.trajectory` (which ends with a ``DivergenceWarning``) or check
                the loss, as ``momentum_lab.training.fit`` does.
        """
        for param, grad in as_pairs(params, grads):
            buffers, first = self._buffers_for(param)
            try:
                apply_rule(self.rule, param, grad, buffers, first)
            except BaseException:
                if first:  # a half-initialised buffer must not look like a real one next time
                    self.state._discard(param)
                raise

    def _buffers_for(self, param: np.ndarray) -> tuple[list[np.ndarray], bool]:
        """The parameter's buffers (created on its first step) and whether this is its first step."""
        names = self.buffer_names
        if not names:
            return [], False
        state = self.state._setdefault(param)
        first = not state
        if first:
            for name in names:
                state[name] = self.init_buffer(name, param)
        return [state[name] for name in names], first

    def init_buffer(self, name: str, param: np.ndarray) -> np.ndarray:
        """A new buffer ``name`` for ``param``: zeros, unless the optimizer says otherwise."""
        return np.zeros_like(param)

    #: The update of one parameter, ``rule(theta, g, *buffers, first)``, changing ``theta`` and the buffers
    #: in place. Each optimizer writes its own method, with its buffers as named parameters (and, for the
    #: step-counting ones, keyword scalars such as ``t``), so its signature is its own.
    rule: Callable[..., None]

    def hyperparameters(self) -> dict[str, object]:
        """The constructor's arguments and their current values (what the repr shows)."""
        return {"lr": self.lr}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters().items())
        return f"{type(self).__name__}({args})"
