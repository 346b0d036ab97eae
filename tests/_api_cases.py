"""The registry of the property-based test over the public API (``tests/test_public_api_properties.py``).

Each public function and class of ``momentum_lab`` gets a :class:`Spec`: a hypothesis strategy for valid
keyword arguments (shapes and ranges from the docstrings), a check of the result (finite, documented shape
and dtype) and the invalid mutations that apply to its arguments (:class:`Bad`: the argument, the kind of
bad value and how to make it from a valid one). A name that needs no spec of its own is listed in
``EXCLUDED`` with the reason. Targets are dotted names resolved when a test runs, so importing this module
imports neither TensorFlow nor PyTorch.

The specs live in ``_api_specs_numpy`` (the NumPy library) and ``_api_specs_frameworks`` (the Keras and
torch forms); this module holds the machinery they share.
"""

from __future__ import annotations

import importlib
import inspect
import math
import numbers
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, is_dataclass, fields
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

Kwargs = dict[str, Any]

#: The public modules whose names the coverage test enumerates (the report groups cases by these).
NUMPY_MODULES = (
    "autodiff",
    "losses",
    "optim",
    "theory",
    "landscapes",
    "curvature",
    "data",
    "models",
    "networks",
    "noise",
    "training",
    "gan",
    "check",
    "plotting",
    "panels",
    "frameworks",
)
#: Subpackages whose public modules are enumerated one by one (``check.momentum``, ``widgets.hessian``, ...).
SUBPACKAGES = ("check", "widgets")
FRAMEWORK_MODULES = (
    "tf.losses",
    "tf.models",
    "tf.optimizers",
    "torch.losses",
    "torch.models",
    "torch.optimizers",
)


# --------------------------------------------------------------------------------------------------
# Specs and mutations
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bad:
    """One invalid mutation: replace argument ``arg`` by ``make(valid value, all kwargs)``.

    ``kind`` says what the bad value is ("complex array", "flag as string", "out of range -1.0", ...).
    The call must raise ValueError or TypeError whose message names every entry of ``names`` (by default
    the argument itself).
    """

    arg: str
    kind: str
    make: Callable[[Any, Kwargs], Any]
    names: tuple[str, ...] = ()
    #: Other arguments to set first, for a mutation that needs a partner (two shapes that cannot broadcast).
    others: Callable[[Kwargs], Kwargs] | None = None

    @property
    def expected_names(self) -> tuple[str, ...]:
        return self.names or (self.arg,)

    def apply(self, kwargs: Kwargs) -> Kwargs:
        out = dict(kwargs)
        if self.others is not None:
            out.update(self.others(kwargs))
        out[self.arg] = self.make(out.get(self.arg), out)
        return out


@dataclass
class Spec:
    """How to call one public callable with valid arguments, what the result must be, and how to break it.

    ``target``: the public dotted name (``"momentum_lab.losses.huber"``). ``valid``: a strategy of keyword
    arguments. ``run``: how to call it (default ``target(**kwargs)``; classes are exercised through their
    methods here). ``check(kwargs, result)`` asserts the documented shape/dtype (finiteness is always
    checked). ``bad``: the invalid mutations. ``examples``: hypothesis examples per test.
    """

    target: str
    valid: st.SearchStrategy[Kwargs]
    check: Callable[[Kwargs, Any], None] | None = None
    bad: tuple[Bad, ...] = ()
    run: Callable[[Kwargs], Any] | None = None
    examples: int = 12
    invalid_examples: int = 3
    allow_nonfinite: bool = False
    frameworks: str | None = None  # "tensorflow" or "torch": marked and skipped without it
    also: tuple[str, ...] = ()  # other public names this spec covers (e.g. a class exercised through it)

    @property
    def module(self) -> str:
        """The public module the spec is reported under: ``losses``, ``check.momentum``, ``torch.losses``."""
        parts = self.target.split(".")[1:-1]
        if parts[0] in SUBPACKAGES and len(parts) > 1:
            return ".".join(parts[:2])
        if parts[0] in ("tf", "torch"):
            return ".".join(parts[:2])
        return parts[0]

    def call(self, kwargs: Kwargs) -> Any:
        if self.run is not None:
            return self.run(kwargs)
        return call_as_documented(resolve(self.target), kwargs)


def call_as_documented(fn: Callable[..., Any], kwargs: Kwargs) -> Any:
    """Call ``fn`` the way its signature reads: parameters before the ``*`` positionally, in order (as a
    reader writes ``exp(x)``, ``huber(y_true, y_pred, 0.5)``), keyword-only ones by keyword."""
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return fn(**kwargs)
    args: list[Any] = []
    rest = dict(kwargs)
    for p in params:
        if p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            break
        if p.name in rest:
            args.append(rest.pop(p.name))
        elif p.default is not p.empty:
            if any(
                q.name in rest
                for q in params[params.index(p) + 1 :]
                if q.kind in (q.POSITIONAL_ONLY, q.POSITIONAL_OR_KEYWORD)
            ):
                args.append(p.default)
            else:
                break
        else:
            break
    return fn(*args, **rest)


def resolve(dotted: str) -> Any:
    """The object a public dotted name refers to (``momentum_lab.losses.huber``)."""
    module_name, _, attr = dotted.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError:
        owner = resolve(module_name)
        return getattr(owner, attr)
    return getattr(module, attr)


# Bad-value makers -------------------------------------------------------------------------------------


def _as_array(value: Any) -> np.ndarray:
    if hasattr(value, "numpy") and not isinstance(value, np.ndarray):
        value = value.numpy()
    return np.asarray(value)


def _complex(value: Any, _kw: Kwargs) -> np.ndarray:
    return _as_array(value).astype(np.float64) + 0.5j


def _bool(value: Any, _kw: Kwargs) -> np.ndarray:
    a = _as_array(value).astype(np.float64)
    return a > np.median(a) if a.size else a.astype(bool)


def _object(value: Any, _kw: Kwargs) -> np.ndarray:
    return _as_array(value).astype(object)


def _string(value: Any, _kw: Kwargs) -> np.ndarray:
    return _as_array(value).astype(str)


def _none(_value: Any, _kw: Kwargs) -> None:
    return None


def _nan(value: Any, _kw: Kwargs) -> np.ndarray:
    a = np.array(_as_array(value), dtype=np.float64)
    a.flat[a.size // 2] = np.nan
    return a


def _inf(value: Any, _kw: Kwargs) -> np.ndarray:
    a = np.array(_as_array(value), dtype=np.float64)
    a.flat[0] = np.inf
    return a


ARRAY_KINDS: dict[str, Callable[[Any, Kwargs], Any]] = {
    "complex array": _complex,
    "bool array": _bool,
    "object array": _object,
    "string array": _string,
    "None": _none,
    "NaN entry": _nan,
}


def const(value: Any) -> Callable[[Any, Kwargs], Any]:
    return lambda _v, _kw: value


def arr(
    name: str,
    *,
    nan: bool = True,
    skip: Iterable[str] = (),
    shape: Callable[[Any, Kwargs], Any] | None = None,
    shape_names: tuple[str, ...] = (),
    extra: Mapping[str, Callable[[Any, Kwargs], Any]] | None = None,
) -> tuple[Bad, ...]:
    """The mutations of an array argument: complex, bool, object and string arrays, None, NaN (unless
    ``nan=False``: NaN is then a documented value), a wrong shape, and ``extra`` kinds."""
    out = [
        Bad(name, kind, make) for kind, make in ARRAY_KINDS.items() if kind not in skip and (nan or kind != "NaN entry")
    ]
    if shape is not None:
        out.append(Bad(name, "wrong shape", shape, shape_names))
    for kind, make in (extra or {}).items():
        out.append(Bad(name, kind, make))
    return tuple(out)


def num(
    name: str, *out_of_range: Any, finite: bool = True, none: bool = True, names: tuple[str, ...] = ()
) -> tuple[Bad, ...]:
    """The mutations of a number: a string, a boolean, a complex number, None (unless ``none=False``:
    None is documented), NaN and infinity (unless ``finite=False``), and each out-of-range value."""
    out = [
        Bad(name, "string", const("0.5"), names),
        Bad(name, "bool", const(True), names),
        Bad(name, "complex number", const(1 + 1j), names),
    ]
    if none:
        out.append(Bad(name, "None", _none, names))
    if finite:
        out += [Bad(name, "NaN", const(math.nan), names), Bad(name, "inf", const(math.inf), names)]
    out += [Bad(name, f"out of range {v!r}", const(v), names) for v in out_of_range]
    return tuple(out)


def integer(name: str, *out_of_range: Any, none: bool = True) -> tuple[Bad, ...]:
    """The mutations of an integer: a float, a string, a boolean, None (unless documented), out of range."""
    out = [Bad(name, "float", const(2.5)), Bad(name, "string", const("3")), Bad(name, "bool", const(True))]
    if none:
        out.append(Bad(name, "None", _none))
    out += [Bad(name, f"out of range {v!r}", const(v)) for v in out_of_range]
    return tuple(out)


def flag(name: str) -> tuple[Bad, ...]:
    """A flag given as a string or as an integer."""
    return (
        Bad(name, "flag as string", const("yes")),
        Bad(name, "flag as int", const(1)),
        Bad(name, "flag as None", _none),
    )


def choice(name: str, *, none: bool = True) -> tuple[Bad, ...]:
    """An option string given an unknown value or a non-string."""
    out = [Bad(name, "unknown option", const("no-such-option")), Bad(name, "int option", const(3))]
    if none:
        out.append(Bad(name, "None", _none))
    return tuple(out)


def func(name: str) -> tuple[Bad, ...]:
    """A callable argument given a non-callable."""
    return (Bad(name, "not callable (number)", const(3.0)), Bad(name, "not callable (None)", _none))


def degenerate(name: str, kind: str, value: Any, *names: str) -> Bad:
    """A documented-invalid setting (``lo > hi``, a zero margin, ...): the message must name ``names``."""
    make = value if callable(value) else const(value)
    return Bad(name, f"degenerate: {kind}", make, names or (name,))


# Message check ------------------------------------------------------------------------------------------


def names_argument(message: str, name: str) -> bool:
    """Whether ``message`` names ``name``: as a word, and for names of one or two characters (``a``, ``x``,
    ``p``) in an argument position (``a=``, ``a.shape``, ``a must``, quoted), not as an English word."""
    escaped = re.escape(name)
    if len(name) > 2:
        return re.search(rf"(?<![A-Za-z0-9_]){escaped}(?![A-Za-z0-9_])", message) is not None
    pattern = (
        rf"(?<![A-Za-z0-9_.]){escaped}(?=\s*(=|\.shape|\.dtype|:|\)|,|\bmust\b|\bhas\b|\bis\b|\bshould\b"
        rf"|\band\b|\bof shape\b|\bwith\b|\bnot\b|\bgot\b))|['\"`]{escaped}['\"`]|\({escaped}\)"
    )
    return re.search(pattern, message) is not None


# Result checks ------------------------------------------------------------------------------------------


def all_finite(value: Any, path: str = "result") -> list[str]:
    """Where ``value`` (arrays, numbers, tensors, tuples, dicts, dataclasses) holds NaN or infinity."""
    bad: list[str] = []
    if value is None or isinstance(value, (str, bytes, bool, np.bool_)):
        return bad
    if isinstance(value, numbers.Number):
        if isinstance(value, numbers.Real) and not math.isfinite(float(value)):
            bad.append(f"{path}={value!r}")
        return bad
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "fc" and not np.all(np.isfinite(value)):
            bad.append(f"{path} has {int(np.sum(~np.isfinite(value)))} non-finite entries")
        return bad
    if type(value).__name__ in ("Tensor", "Variable") and hasattr(value, "data"):
        return all_finite(np.asarray(value.data), path)
    if hasattr(value, "numpy") and hasattr(value, "shape") and not isinstance(value, type):
        try:
            return all_finite(np.asarray(value.numpy()), path)
        except Exception:  # a framework object that is not a tensor
            return bad
    if isinstance(value, Mapping):
        for k, v in value.items():
            bad += all_finite(v, f"{path}[{k!r}]")
        return bad
    if isinstance(value, (tuple, list)):
        for i, v in enumerate(value):
            bad += all_finite(v, f"{path}[{i}]")
        return bad
    if is_dataclass(value) and not isinstance(value, type):
        for f in fields(value):
            bad += all_finite(getattr(value, f.name), f"{path}.{f.name}")
    return bad


def value_of(result: Any) -> np.ndarray:
    """``result`` as a NumPy array (Tensors and framework tensors included)."""
    if type(result).__name__ in ("Tensor", "Variable") and hasattr(result, "data"):
        return np.asarray(result.data)
    if hasattr(result, "detach"):
        return result.detach().cpu().numpy()
    if hasattr(result, "numpy") and not isinstance(result, np.ndarray):
        return np.asarray(result.numpy())
    return np.asarray(result)


def expect_shape(result: Any, shape: tuple[int, ...], what: str = "result") -> None:
    got = np.shape(value_of(result))
    assert got == tuple(shape), f"{what} has shape {got}; documented {tuple(shape)}"


def expect_dtype(result: Any, dtype: Any, what: str = "result") -> None:
    got = value_of(result).dtype
    assert got == np.dtype(dtype), f"{what} has dtype {got}; documented {np.dtype(dtype)}"


def float_array(shape: tuple[int, ...] | None = None, dtype: Any = np.float64) -> Callable[[Kwargs, Any], None]:
    """Check: a NumPy float array of ``dtype`` (and of ``shape`` when given)."""

    def check(_kw: Kwargs, result: Any) -> None:
        assert isinstance(result, (np.ndarray, np.floating, float)), f"result is a {type(result).__name__}"
        expect_dtype(result, dtype)
        if shape is not None:
            expect_shape(result, shape)

    return check


def scalar_float(_kw: Kwargs, result: Any) -> None:
    """Check: one real number (a Python float or a 0-d float array)."""
    assert isinstance(result, (float, np.floating, np.ndarray)), f"result is a {type(result).__name__}"
    assert np.ndim(result) == 0, f"result has shape {np.shape(result)}; documented a scalar"
    assert np.asarray(result).dtype.kind == "f", f"result has dtype {np.asarray(result).dtype}"


def instance_of(cls_name: str) -> Callable[[Kwargs, Any], None]:
    def check(_kw: Kwargs, result: Any) -> None:
        assert type(result).__name__ == cls_name or any(c.__name__ == cls_name for c in type(result).__mro__), (
            f"result is a {type(result).__name__}; documented {cls_name}"
        )

    return check


# Strategies ---------------------------------------------------------------------------------------------


def floats(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def arrays(shape: Any, lo: float = -3.0, hi: float = 3.0, dtype: Any = np.float64) -> st.SearchStrategy[np.ndarray]:
    """Finite float arrays of ``shape`` (a tuple or a strategy of tuples) with entries in [lo, hi]."""
    width = 32 if np.dtype(dtype) == np.float32 else 64
    if width == 32:  # bounds a float32 can hold, inside [lo, hi]
        lo32, hi32 = np.float32(lo), np.float32(hi)
        lo = float(lo32 if lo32 >= lo else np.nextafter(lo32, np.float32(np.inf)))
        hi = float(hi32 if hi32 <= hi else np.nextafter(hi32, np.float32(-np.inf)))
    elements = st.floats(lo, hi, allow_nan=False, allow_infinity=False, width=width)
    return hnp.arrays(np.dtype(dtype), shape, elements=elements)


def shapes(min_dims: int = 1, max_dims: int = 2, min_side: int = 2, max_side: int = 4) -> st.SearchStrategy[tuple]:
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side)


def seeds() -> st.SearchStrategy[int]:
    return st.integers(0, 2**31 - 1)


def rng_arrays(make: Callable[[np.random.Generator], Kwargs]) -> st.SearchStrategy[Kwargs]:
    """Keyword arguments built by ``make(rng)`` from a drawn seed (for inputs with structure: one-hot
    labels, probability rows, images)."""
    return seeds().map(lambda s: make(np.random.default_rng(s)))


def fixed(**kwargs: Any) -> st.SearchStrategy[Kwargs]:
    return st.just(kwargs)


@dataclass
class Registry:
    """The specs and the exclusions, filled by the spec modules."""

    specs: list[Spec] = field(default_factory=list)
    excluded: dict[str, str] = field(default_factory=dict)

    def add(self, spec: Spec) -> Spec:
        self.specs.append(spec)
        return spec

    def exclude(self, reason: str, *targets: str) -> None:
        for target in targets:
            self.excluded[target] = reason


def public_names(module_name: str) -> list[str]:
    """The public callables of ``momentum_lab.<module_name>``: its ``__all__``, else the functions and
    classes defined in it whose names do not start with an underscore."""
    module = importlib.import_module(f"momentum_lab.{module_name}")
    names = getattr(module, "__all__", None)
    if names is None:
        names = [
            n
            for n, obj in vars(module).items()
            if not n.startswith("_")
            and (inspect.isfunction(obj) or inspect.isclass(obj))
            and getattr(obj, "__module__", None) == module.__name__
        ]
    out = []
    for n in names:
        obj = getattr(module, n)
        if (inspect.isfunction(obj) or inspect.isclass(obj) or callable(obj)) and not inspect.ismodule(obj):
            out.append(f"momentum_lab.{module_name}.{n}")
    return out


def submodules(package: str) -> list[str]:
    """The public modules of ``momentum_lab.<package>`` (``check.momentum``, ``widgets.hessian``, ...)."""
    import pkgutil

    pkg = importlib.import_module(f"momentum_lab.{package}")
    return [f"{package}.{info.name}" for info in pkgutil.iter_modules(pkg.__path__) if not info.name.startswith("_")]


def canonical(obj: Any) -> str:
    return f"{getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', repr(obj))}"
