"""The bridge between the Python explorers and their live versions on the published page.

Every chapter's explorer, as the published page runs it (chapters 1–12).

Every explorer of the book exists twice: as an ipywidgets widget in the notebook (for readers with a
kernel) and as a script in the static HTML (``book/_static/explorers/NAME.js``, for everyone else). The
Python compute function stays the single source of truth; the page's ``compute(params)`` must return
the same numbers, and ``tests/test_explorers.py`` checks that it does, in Chromium, on random settings.

Each widget module declares its explorers in a module-level ``EXPLORERS`` dict of :class:`Explorer`
records; :data:`MODULES` lists the modules, and :func:`explorers` collects them. Nothing here imports
matplotlib or ipywidgets.
"""

from __future__ import annotations

import inspect
import importlib
import math
import numbers as _numbers
from dataclasses import dataclass, field
from collections.abc import Callable
from typing import Any

import numpy as np

#: The widget modules that declare explorers, in chapter order.
MODULES = (
    "momentum_lab.widgets.gradient_descent",  # chapter 1: gradient-descent
    "momentum_lab.widgets.momentum",  # chapters 2 and 3: momentum, rate-map
    "momentum_lab.widgets.graph",  # chapter 4: the computational graph
    "momentum_lab.widgets.hessian",  # chapter 5: hessian
    "momentum_lab.widgets.losses",  # chapters 6, 7, 8: losses, segmentation
    "momentum_lab.widgets.temperature",  # chapter 9: the temperature of a custom loss
    "momentum_lab.widgets.capstone",  # chapter 10: capstone
    "momentum_lab.widgets.noise",  # chapter 11: momentum with noisy gradients
    "momentum_lab.widgets.adaptive",  # chapter 12: adaptive methods
)


@dataclass(frozen=True)
class Explorer:
    """One explorer: how the page's version is checked against the library and fed its data.

    Attributes:
        name: the key of ``window.momentumLab.explorers`` and of the script ``NAME.js``.
        compute: ``compute(**params) -> dict`` of plain JSON values (see :func:`to_json`), with the same
            keys the page's ``compute(params)`` returns. Usually a thin wrapper of the chapter's compute
            function (``explore_momentum`` ...) that names the landscape instead of returning the object.
        sample: ``sample(rng) -> params``, a random valid setting of the controls (``rng`` is a NumPy
            ``Generator``), for the agreement test.
        widget: the name of the widget builder whose notebook cell the page replaces (``"gd_widget"``).
        page_params: ``page_params(args, kwargs) -> params``, the explorer's starting parameters given
            the literal arguments of the widget call in the cell (``loss_widget("regression")``).
        data: ``data() -> dict`` of numbers the page needs and cannot compute itself (a data set drawn
            with NumPy's generator, say), written at build time to ``data/NAME.js``; or None.
        rtol: the agreement the test demands, relative to the largest magnitude of each compared array.
        loose: ``{"key.path": tolerance}`` for the few values that two correct float64 computations only
            know less precisely (a ratio of two tiny distances, say), each with the reason in a comment;
            the path names a key of the result (dots for nested keys) and covers everything below it.
        nudges: ``nudges(params) -> [params, ...]``: the same setting with an input moved by one unit in
            the last place (the start point of a run, say), or None. A diverging run on a landscape with
            a sine in it is chaotic: a different last bit of ``sin`` (the browser's and the C library's
            differ there) grows to 1e-7 within a few steps. The library's own result moves as much under
            such a nudge, so for these settings the test demands agreement within ten times the largest
            change a nudge makes (and reports how many settings needed it) instead of ``rtol``.
    """

    name: str
    compute: Callable[..., dict]
    sample: Callable[[np.random.Generator], dict]
    widget: str
    page_params: Callable[[tuple, dict], dict] = field(default=lambda args, kwargs: {})
    data: Callable[[], dict] | None = None
    rtol: float = 1e-12
    nudges: Callable[[dict], list] | None = None
    loose: dict = field(default_factory=dict)


def _params(params: Any, name: str = "params") -> dict[str, Any]:
    if not isinstance(params, dict):
        raise TypeError(f"{name} must be a dict of the explorer's parameters; got {type(params).__name__}")
    return params


def _explorer(name: Any) -> Explorer:
    found = explorers()
    if not isinstance(name, str) or name not in found:
        raise ValueError(f"name must be one of the explorers {list(found)}; got name={name!r}")
    return found[name]


def nudge_start(params: dict[str, Any], key: str = "start") -> list[dict[str, Any]]:
    """``params`` with each coordinate of ``params[key]`` moved one unit in the last place, both ways.

    Returns ``[]`` when ``params`` has no ``key`` or it is None; ``params`` must be a dict.
    """
    start = _params(params).get(key)
    if start is None:
        return []
    out = []
    for i in range(len(start)):
        for direction in (-np.inf, np.inf):
            moved = list(start)
            moved[i] = float(np.nextafter(float(start[i]), direction))
            out.append({**params, key: moved})
    return out


def sensitivity(name: str, params: dict[str, Any], expected: Any = None) -> float:
    """The largest relative change a one-ulp nudge of an input makes to explorer ``name``'s result.

    ``name`` must be a declared explorer (ValueError otherwise) and ``params`` a dict (TypeError).
    """
    explorer = _explorer(name)
    _params(params)
    if explorer.nudges is None:
        return 0.0
    expected = compute(name, params) if expected is None else expected
    worst = 0.0
    for moved in explorer.nudges(params):
        difference, _ = compare(expected, compute(name, moved), float("inf"))  # every key counts here
        worst = max(worst, difference)
    return worst


def explorers() -> dict[str, Explorer]:
    """Every declared explorer, by name, in chapter order (modules not written yet are skipped)."""
    found: dict[str, Explorer] = {}
    for module_name in MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        for name, explorer in getattr(module, "EXPLORERS", {}).items():
            if name in found:
                raise ValueError(f"explorer {name!r} is declared twice ({module_name})")
            found[name] = explorer
    return found


def by_widget() -> dict[str, Explorer]:
    """The explorers keyed by the name of their widget builder."""
    return {explorer.widget: explorer for explorer in explorers().values()}


def to_json(value: Any) -> Any:
    """``value`` as plain JSON data: arrays and tuples become lists, NumPy scalars Python numbers.

    Non-finite floats have no JSON form; they become the strings ``"nan"``, ``"inf"`` and ``"-inf"``
    (the page's compute functions return the same strings, so the comparison sees them).
    """
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, np.ndarray):
        return to_json(value.tolist())
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return value
    if value is None or isinstance(value, str):
        return value
    raise TypeError(f"value must be JSON data, arrays or NumPy scalars; got {type(value).__name__}")


def compute(name: str, params: dict[str, Any]) -> Any:
    """What explorer ``name`` draws for ``params``, as plain JSON data (the reference for the page).

    ``name`` must be a declared explorer (ValueError otherwise) and ``params`` a dict (TypeError); the
    compute function checks the parameters themselves.
    """
    explorer = _explorer(name)
    params = _params(params)
    accepted = inspect.signature(explorer.compute).parameters
    if not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in accepted.values()):
        unknown = sorted(set(params) - set(accepted))
        if unknown:
            raise TypeError(f"params has keys the {name} explorer does not take: {unknown}; it takes {list(accepted)}")
    return to_json(explorer.compute(**params))


def page_data(name: str) -> Any:
    """The precomputed data explorer ``name`` needs on the page, as JSON data, or None.

    ``name`` must be a declared explorer (ValueError otherwise).
    """
    explorer = _explorer(name)
    return None if explorer.data is None else to_json(explorer.data())


def compare(
    expected: Any, actual: Any, rtol: float, path: str = "result", loose: dict[str, float] | None = None
) -> tuple[float, list[str]]:
    """The largest relative difference between two JSON results, and the first structural mismatch.

    Arrays (lists of numbers, nested) are compared relative to their largest magnitude, numbers relative
    to their own magnitude; strings, booleans and None must be equal, dicts must have the same keys and
    lists the same lengths. ``loose`` gives some keys their own tolerance (see :class:`Explorer`); the
    largest difference reported is over the other values. Returns ``(largest relative difference, list of
    problems)``. ``rtol`` must be a number ≥ 0 (``inf`` accepts everything and just measures).
    """
    if isinstance(rtol, bool) or not isinstance(rtol, _numbers.Real) or math.isnan(rtol) or rtol < 0:
        raise ValueError(f"rtol must be a number >= 0; got rtol={rtol!r}")
    loose = loose or {}
    problems: list[str] = []
    worst = 0.0

    def numbers(value: Any) -> Any:
        if isinstance(value, list):
            for item in value:
                yield from numbers(item)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            yield float(value)

    def walk(e: Any, a: Any, where: str, scale: float | None, tol: float = rtol, keys: str = "") -> None:
        nonlocal worst
        if isinstance(e, dict):
            if not isinstance(a, dict) or set(e) != set(a):
                got = sorted(a) if isinstance(a, dict) else type(a).__name__
                problems.append(f"{where}: keys {sorted(e)} expected, got {got}")
                return
            for key in e:
                inner = f"{keys}.{key}" if keys else str(key)
                walk(e[key], a[key], f"{where}.{key}", None, loose.get(inner, tol), inner)
        elif isinstance(e, list):
            if not isinstance(a, list) or len(e) != len(a):
                got_len: int | str = len(a) if isinstance(a, list) else type(a).__name__
                problems.append(f"{where}: a list of {len(e)} expected, got {got_len}")
                return
            if scale is None:
                magnitudes = [abs(v) for v in numbers(e)]
                scale = max(magnitudes) if magnitudes else 0.0
            for i, (ei, ai) in enumerate(zip(e, a)):
                walk(ei, ai, f"{where}[{i}]", scale, tol, keys)
        elif isinstance(e, (int, float)) and not isinstance(e, bool):
            if isinstance(a, bool) or not isinstance(a, (int, float)):
                problems.append(f"{where}: {e!r} expected, got {a!r}")
                return
            reference = max(abs(e), scale or 0.0)
            diff = abs(e - a)
            relative = diff / reference if reference > 0 else diff
            if tol == rtol:
                worst = max(worst, relative)
            if relative > tol:
                problems.append(f"{where}: {e!r} expected, got {a!r} (relative difference {relative:.3g})")
        elif e != a:
            problems.append(f"{where}: {e!r} expected, got {a!r}")

    walk(expected, actual, path, None)
    return worst, problems


def explorer_names() -> list[str]:
    """The names of every declared explorer, in chapter order."""
    return list(explorers())


__all__ = [
    "Explorer",
    "MODULES",
    "by_widget",
    "compare",
    "compute",
    "explorer_names",
    "explorers",
    "landscape_data",
    "nudge_start",
    "page_data",
    "sensitivity",
    "to_json",
]


def landscape_data() -> dict[str, Any]:
    """The landscapes of ``landscapes.CATALOGUE`` as numbers the page's ``landscapes.js`` evaluates."""
    from momentum_lab import landscapes

    out = {}
    for key in landscapes.CATALOGUE:
        surface = landscapes.get(key)
        entry = {
            "key": key,
            "name": surface.name,
            "bounds": surface.bounds,
            "default_start": surface.default_start,
            "minimizers": surface.minimizers,
            "minimum": surface.minimum,
        }
        if isinstance(surface, landscapes.Quadratic):
            entry.update(kind="quadratic", A=surface.A, b=surface.b)
        elif isinstance(surface, landscapes.ElongatedValley):
            entry.update(kind="valley", a=surface.a, c=surface.c, s=surface.s)
        elif isinstance(surface, landscapes.Rosenbrock):
            entry.update(kind="rosenbrock", a=surface.a, b=surface.b)
        elif isinstance(surface, landscapes.SaddleWell):
            entry.update(kind="saddle", c=surface.c, saddle=surface.saddle)
        else:
            raise TypeError(f"no page form for the landscape {key!r} ({type(surface).__name__})")
        out[key] = to_json(entry)
    return out
