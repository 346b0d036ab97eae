"""``GradientTape``: record operations, then run them backwards.

Chapter 4 (the tape) and chapter 5 (nested tapes for second derivatives).

A tape that is *recording* (inside its ``with`` block) sits on the stack ``active_tapes``. Every primitive
called while it is there asks it to ``_record`` the call; the tape writes the call down
only if it watches one of the inputs, and then watches the output as well. Calls are appended in the
order they run, so the list is already in topological order: the backward pass just walks it in reverse
(no graph search), accumulating each tensor's cotangent with ``+``.

Nesting works because backward rules are themselves made of primitives: if ``tape.gradient`` runs while
an outer tape is recording, the outer tape records the backward pass, and its own ``gradient`` or
``jacobian`` differentiates it again. The semantics follow ``tf.GradientTape`` (see the method
docstrings for each rule borrowed from TensorFlow).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from momentum_lab.autodiff.tensor import Tensor, as_tensor

if TYPE_CHECKING:
    from momentum_lab.autodiff.primitive import Primitive

#: One record of a tape: ``(primitive, output, inputs, params)``.
Record = tuple["Primitive", Tensor, tuple[Tensor, ...], dict[str, Any]]
#: What ``gradient`` and ``watch`` accept: a Tensor, or a nested list/tuple/dict of Tensors.
Structure = Any

#: The tapes currently recording, innermost last. Pushed and popped only in __enter__/__exit__
#: (try/finally semantics: __exit__ runs even when the body raises).
active_tapes: list[GradientTape] = []

_UNCONNECTED = ("none", "zero")


class NotATensorError(TypeError, ValueError):
    """Raised by :meth:`~momentum_lab.autodiff.GradientTape.watch` for a non-tensor: a TypeError, and also the
    ValueError that ``tf.GradientTape.watch`` raises in the same situation."""


class GradientTape:
    """Record operations on watched tensors to differentiate them later (``tf.GradientTape``).

    Args:
        persistent: if False (the default) the tape can compute ONE set of gradients (one call to
            :meth:`gradient` or :meth:`jacobian`), after which it frees its records; a second call
            raises RuntimeError. A persistent tape can be queried any number of times.
        watch_accessed_variables: if True, every trainable :class:`Variable` used by an operation while
            the tape records is watched automatically; plain tensors always need :meth:`watch`.

    Example::

        x = constant(3.0)
        with GradientTape() as outer:
            outer.watch(x)
            with GradientTape() as inner:
                inner.watch(x)
                y = x ** 3
            dy = inner.gradient(y, x)     # 3x² = 27, recorded by the outer tape
        d2y = outer.gradient(dy, x)       # 6x = 18
    """

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True) -> None:
        for name, value in (("persistent", persistent), ("watch_accessed_variables", watch_accessed_variables)):
            if not isinstance(value, bool):
                raise TypeError(f"{name} must be a bool; got {name}={value!r}")
        self._persistent = persistent
        self._watch_accessed = watch_accessed_variables
        self._recording = False
        self._consumed = False
        self._tracked: dict[int, Tensor] = {}  # id -> tensor: watched sources and every output recorded from them
        self._watched: dict[int, Tensor] = {}  # id -> tensor: what was watched explicitly or as an accessed variable
        self._ops: list[Record] = []  # (primitive, output, inputs, params), in execution order

    # ---- context manager ------------------------------------------------------------------------
    def __enter__(self) -> GradientTape:
        if self._recording:
            raise ValueError("Tape is still recording, This can happen if you try to re-enter an already-active tape.")
        if self._consumed:  # like TF: a used non-persistent tape starts over when re-entered
            self._clear()
        self._push()
        return self

    def __exit__(self, exc_type: Any, exc_value: Any, traceback: Any) -> None:
        if self._recording:
            self._pop()

    def _push(self) -> None:
        active_tapes.append(self)
        self._recording = True

    def _pop(self) -> None:
        # Remove this tape wherever it is: exiting out of order must not pop someone else's tape.
        for i in range(len(active_tapes) - 1, -1, -1):
            if active_tapes[i] is self:
                del active_tapes[i]
                break
        self._recording = False

    @contextlib.contextmanager
    def stop_recording(self) -> Iterator[None]:
        """Temporarily stop recording on this tape (``with tape.stop_recording(): ...``)."""
        if not self._recording:
            raise ValueError("Tape must be recording.")
        self._pop()
        try:
            yield
        finally:
            self._push()

    def reset(self) -> None:
        """Forget everything recorded and watched, as if the tape had just been entered anew."""
        self._clear()

    def _clear(self) -> None:
        self._tracked, self._watched, self._ops = {}, {}, []
        self._consumed = False

    # ---- watching and recording ------------------------------------------------------------------
    def watch(self, tensor: Structure) -> None:
        """Watch ``tensor`` (a Tensor/Variable, or a nested list/tuple/dict of them).

        Anything else raises :class:`~momentum_lab.autodiff.tape.NotATensorError` (a TypeError and a
        ValueError): wrap arrays with ``constant`` first. Watching the same tensor twice is harmless.
        """
        try:
            leaves = [tensor] if isinstance(tensor, Tensor) else list(_leaves(tensor, "tensor"))
        except TypeError as exc:
            raise NotATensorError(str(exc)) from None
        for t in leaves:
            self._tracked[id(t)] = t
            self._watched[id(t)] = t

    def watched_variables(self) -> tuple[Tensor, ...]:
        """The Variables this tape watches (explicitly or because they were accessed), in order."""
        return tuple(t for t in self._watched.values() if t._is_variable)

    def _record(self, prim: Primitive, out: Tensor, inputs: tuple[Tensor, ...], params: dict[str, Any]) -> None:
        """Called by every primitive while this tape records: keep the call if it touches a watched tensor."""
        tracked = self._tracked
        hit = False
        for x in inputs:
            if id(x) in tracked:
                hit = True
            elif x._is_variable and self._watch_accessed and x.trainable:  # type: ignore[attr-defined]
                tracked[id(x)] = self._watched[id(x)] = x
                hit = True
        if hit:
            tracked[id(out)] = out
            self._ops.append((prim, out, inputs, params))

    # ---- differentiation ----------------------------------------------------------------------------
    def gradient(
        self,
        target: Structure,
        sources: Structure,
        output_gradients: Structure = None,
        unconnected_gradients: str = "none",
    ) -> Any:
        """The gradient of ``target`` with respect to each of ``sources``.

        Args:
            target: a Tensor, or a nested list/tuple of Tensors. A non-scalar target (or a list) is
                summed first, as in TensorFlow: the result is ∂(Σ target)/∂source.
            sources: a Tensor/Variable or a nested list/tuple/dict of them; the result has the same
                structure, each gradient the shape of its source.
            output_gradients: optional cotangents, one per target (same structure and shapes); the
                result is then ∂(Σ output_gradients · target)/∂source (a vector-Jacobian product).
            unconnected_gradients: ``"none"`` (default) gives None for a source the target does not
                depend on (or that was not watched); ``"zero"`` gives zeros instead.

        A non-persistent tape can be used once. Called inside the tape's own ``with`` block, a
        non-persistent tape stops recording first; a persistent one records the backward pass too
        (useful only for higher derivatives), both as in TensorFlow.

        Edge cases: each gradient has its source's dtype (a float32 source gets float32 even where
        float64 constants entered). NaN or ±∞ values in the recorded computation are not checked: they
        give what the rules give (a NaN input gives NaN in its gradient), except that a zero cotangent
        times an infinite slope counts as 0. An empty source gets an empty gradient. A target or
        source that is not a Tensor raises TypeError naming it (``sources[1]``); output gradients of the
        wrong shape raise ValueError.
        """
        self._check_usable()
        mode = _check_unconnected(unconnected_gradients)
        targets = [target] if isinstance(target, Tensor) else list(_leaves(target, "target"))
        flat_sources = [sources] if isinstance(sources, Tensor) else list(_leaves(sources, "sources"))
        if output_gradients is None:
            cotangents = [Tensor._wrap(np.ones(t.shape, t.dtype)) for t in targets]
        else:
            cotangents = _match_output_gradients(output_gradients, target)
        seeds: dict[int, Tensor] = {}
        for t, g in zip(targets, cotangents):
            seeds[id(t)] = g if id(t) not in seeds else seeds[id(t)] + g
        grads = self._run_backward(seeds, flat_sources)
        result = [_fill(g, s, (), mode) for g, s in zip(grads, flat_sources)]
        return _rebuild(sources, iter(result))

    def jacobian(self, target: Tensor, sources: Structure, unconnected_gradients: str = "none") -> Any:
        """The full Jacobian of ``target`` with respect to each of ``sources``: shape target.shape + source.shape.

        All ``target.size`` basis cotangents go through ONE backward pass, stacked on a leading batch
        axis (the vectorized Jacobian of ``tf.GradientTape.jacobian``/``torch.func.jacrev``), so the
        cost is a few large array operations rather than a Python loop over rows. The price is memory:
        each intermediate cotangent is ``target.size`` times the size of its tensor.

        An empty target gives a Jacobian with a zero-length leading part; the dtype is the target's
        (the sources' dtype when the two differ, as for :meth:`gradient`); a non-Tensor target raises
        TypeError.
        """
        self._check_usable()
        mode = _check_unconnected(unconnected_gradients)
        if not isinstance(target, Tensor):
            raise TypeError(f"target must be a Tensor; got {_describe(target)}")
        flat_sources = list(_leaves(sources, "sources"))
        n = target.size
        basis = np.eye(n, dtype=target.dtype).reshape((n,) + target.shape)
        grads = self._run_backward({id(target): Tensor._wrap(basis)}, flat_sources)
        result = [_fill(g, s, target.shape, mode) for g, s in zip(grads, flat_sources)]
        result = [None if j is None else j.reshape(target.shape + s.shape) for j, s in zip(result, flat_sources)]
        return _rebuild(sources, iter(result))

    def _check_usable(self) -> None:
        if self._consumed:
            raise RuntimeError(
                "A non-persistent GradientTape can only be used to compute one set of gradients (or jacobians)"
            )

    def _run_backward(self, seeds: dict[int, Tensor], sources: list[Tensor]) -> list[Tensor | None]:
        if self._recording and not self._persistent:
            self._pop()  # TF: a non-persistent tape stops recording when it is used
        records = self._ops[:]  # a persistent tape inside its context appends while we walk
        grads = backward(records, seeds, [id(s) for s in sources], self._tracked)
        if not self._persistent:  # free the records; watched_variables() still answers, as in TF
            self._tracked, self._ops = {}, []
            self._consumed = True
        return grads


def backward(
    records: list[Record], seeds: dict[int, Tensor], source_ids: list[int], tracked: dict[int, Tensor]
) -> list[Tensor | None]:
    """Reverse-mode sweep over ``records``; returns the cotangent of each source id (None if unreached).

    ``seeds`` maps id(tensor) -> its cotangent; ``tracked`` holds the ids the tape watches (a source it
    does not watch is unconnected, as in TensorFlow).

    1. A forward sweep marks the tensors that depend on a watched source, so rules run only for inputs
       that lead to a source (no wasted ``∂/∂X`` for a constant data matrix X).
    2. Each record, last to first: take the output's cotangent ``g`` and add each needed input's VJP to
       that input's cotangent. The rules are made of primitives, so a recording outer tape captures
       this whole sweep.

    A cotangent may carry leading batch axes (``jacobian`` seeds one basis vector per row); every
    rule must return ``batch + input.shape``, which is checked here.
    """
    needed = {k for k in source_ids if k in tracked}
    for prim, out, inputs, params in records:
        for x in inputs:
            if id(x) in needed:
                needed.add(id(out))
                break
    keep = set(source_ids)
    cotangents = {k: g for k, g in seeds.items() if k in needed}
    for prim, out, inputs, params in reversed(records):
        if not cotangents:
            break
        key = id(out)
        g = cotangents.get(key) if key in keep else cotangents.pop(key, None)
        if g is None:
            continue
        batch = g.data.shape[: g.data.ndim - out.data.ndim]
        for i, x in enumerate(inputs):
            k = id(x)
            if k not in needed:
                continue
            rule = prim.vjp(i)
            if rule is None:
                continue
            c = rule(g, out, *inputs, **params)
            if c is None:
                continue
            if c.data.shape != batch + x.data.shape:
                raise RuntimeError(
                    f"the VJP of {prim.name} for input {i} returned shape {c.shape}; "
                    f"expected {batch + x.shape} (a bug in that rule)"
                )
            if c.data.dtype is not x.data.dtype and c.data.dtype != x.data.dtype:  # float64 met float32
                from momentum_lab.autodiff.primitive import cast

                c = cast(c, dtype=x.data.dtype)
            prev = cotangents.get(k)
            cotangents[k] = c if prev is None else prev + c
    return [cotangents.get(k) for k in source_ids]


# ---- argument handling --------------------------------------------------------------------------------
def _describe(value: Any) -> str:
    text = repr(value)
    text = text if len(text) <= 40 else text[:37] + "..."
    return f"{type(value).__name__} ({text})"


def _leaves(structure: Structure, name: str, path: str = "") -> Iterator[Tensor]:
    """The Tensors of a nested list/tuple/dict, depth first; TypeError naming the offending entry."""
    if isinstance(structure, Tensor):
        yield structure
    elif isinstance(structure, (list, tuple)):
        for i, item in enumerate(structure):
            yield from _leaves(item, name, f"{path}[{i}]")
    elif isinstance(structure, dict):
        for key, item in structure.items():
            yield from _leaves(item, name, f"{path}[{key!r}]")
    else:
        hint = ""
        if isinstance(structure, (np.ndarray, np.generic, int, float)):
            hint = (
                " (operations on NumPy arrays or Python numbers are not recorded: build it with "
                "momentum_lab.autodiff operations on watched Tensors)"
            )
        raise TypeError(
            f"{name} must be a Tensor or Variable, or a nested list/tuple/dict of them; "
            f"got {name}{path} = {_describe(structure)}{hint}"
        )


def _rebuild(structure: Structure, items: Iterator[Any]) -> Any:
    """``structure`` with its Tensors replaced, in order, by the values from the iterator ``items``."""
    if isinstance(structure, Tensor):
        return next(items)
    if isinstance(structure, dict):
        return {key: _rebuild(item, items) for key, item in structure.items()}
    values = [_rebuild(item, items) for item in structure]
    if isinstance(structure, tuple) and hasattr(structure, "_fields"):  # namedtuple
        return type(structure)(*values)
    return type(structure)(values)


def _check_unconnected(value: Any) -> str:
    mode = getattr(value, "value", value)  # accept an enum whose .value is "none"/"zero"
    if mode not in _UNCONNECTED:
        raise ValueError(f"unconnected_gradients must be 'none' or 'zero'; got unconnected_gradients={value!r}")
    return mode


def _match_output_gradients(
    output_gradients: Structure, target: Structure, path: str = "output_gradients"
) -> list[Tensor]:
    """One cotangent Tensor per target leaf, walking ``output_gradients`` in step with ``target``."""
    if isinstance(target, Tensor):
        g = as_tensor(output_gradients, path, target)
        if g.shape != target.shape:
            raise ValueError(f"{path} must have the target's shape {target.shape}; got shape {g.shape}")
        if g.dtype != target.dtype:  # the cotangent of a tensor has its dtype (recorded: v may be watched)
            from momentum_lab.autodiff.primitive import cast

            g = cast(g, dtype=target.dtype)
        return [g]
    if isinstance(target, dict):
        if not isinstance(output_gradients, dict) or output_gradients.keys() != target.keys():
            raise ValueError(
                f"{path} must be a dict with the target's keys {list(target)}; got {_describe(output_gradients)}"
            )
        items = [(target[k], output_gradients[k], f"{path}[{k!r}]") for k in target]
    else:
        if not isinstance(output_gradients, (list, tuple)) or len(output_gradients) != len(target):
            raise ValueError(
                f"{path} must be a list/tuple with one entry per target ({len(target)}); "
                f"got {_describe(output_gradients)}"
            )
        items = [(t, g, f"{path}[{i}]") for i, (t, g) in enumerate(zip(target, output_gradients))]
    return [seed for t, g, p in items for seed in _match_output_gradients(g, t, p)]


def _fill(g: Tensor | None, source: Tensor, batch_shape: tuple[int, ...], mode: str) -> Tensor | None:
    if g is None and mode == "zero":
        return Tensor._wrap(np.zeros(batch_shape + source.shape, source.dtype))
    return g
