"""Which comparison frameworks are installed, and the chapters' framework cells.

Used by every chapter's imports cell; part of no chapter's content.

The course runs on NumPy alone; TensorFlow (Keras 3) and PyTorch only check its numbers. A chapter's
imports cell calls :func:`enable_framework_cells`; from then on a code cell whose first line is a marker

    # needs: tensorflow, torch

(any of ``tensorflow``, ``keras``, ``torch``, comma-separated) runs unchanged when every framework it
names imports, and otherwise runs ``print(<one line>)`` instead, for example

    PyTorch is not installed: this cell compares with PyTorch; install momentum-lab-course[torch] to run it

so that a reader without the frameworks sees what the cell was for rather than a traceback.

This module imports nothing heavy: a framework is imported the first time :func:`available` asks about
it (which a marked cell would do anyway), and IPython only inside :func:`enable_framework_cells`.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Sequence
from typing import Any

__all__ = [
    "available",
    "missing",
    "message",
    "marked_frameworks",
    "framework_cell_transformer",
    "enable_framework_cells",
]

# name in a marker -> (module to import, family). Keras 3 is run on its TensorFlow backend here.
FRAMEWORKS = {"tensorflow": ("tensorflow", "tf"), "keras": ("keras", "tf"), "torch": ("torch", "torch")}
# family -> (what is missing, what the cell compares with, the extra that installs it)
_FAMILIES = {"tf": ("TensorFlow", "Keras", "tf"), "torch": ("PyTorch", "PyTorch", "torch")}

MARKER = re.compile(r"^[ \t]*#[ \t]*needs[ \t]*:(?P<names>.*)$")

_available: dict[str, bool] = {}  # module name -> bool, filled by available()


def _check_names(names: Sequence[object], argument: str = "names") -> Sequence[str]:
    if not names:
        raise ValueError(f"{argument} must name at least one of {sorted(FRAMEWORKS)}; got none")
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"{argument} must be strings; got {name!r} of type {type(name).__name__}")
        if name not in FRAMEWORKS:
            raise ValueError(f"{argument} must be among {sorted(FRAMEWORKS)}; got {name!r}")
    return names  # type: ignore[return-value]  # every entry was checked to be a str


def available(name: str) -> bool:
    """Whether framework ``name`` (``"tensorflow"``, ``"keras"`` or ``"torch"``) imports.

    The import is tried once and the answer kept; an ``ImportError`` of any kind (including
    ``ModuleNotFoundError``) means the framework is missing. Any other error from the import propagates:
    a broken installation is reported, not hidden.
    """
    _check_names((name,), "name")
    module = FRAMEWORKS[name][0]
    if module not in _available:
        try:
            importlib.import_module(module)
        except ImportError:
            _available[module] = False
        else:
            _available[module] = True
    return _available[module]


def missing(*names: str) -> tuple[str, ...]:
    """The frameworks among ``names`` that do not import, in the order given (a tuple, empty if none)."""
    _check_names(names)
    return tuple(name for name in names if not available(name))


def message(*names: str) -> str:
    """The one line a marked cell prints when the frameworks ``names`` are missing.

    ``tensorflow`` and ``keras`` share a line (Keras runs on TensorFlow here); with both families
    missing the line names both.
    """
    _check_names(names)
    families = [family for family in _FAMILIES if any(FRAMEWORKS[name][1] == family for name in names)]
    what = [_FAMILIES[family] for family in families]
    if len(what) == 1:
        ((framework, compares, extra),) = what
        return (
            f"{framework} is not installed: this cell compares with {compares}; "
            f"install momentum-lab-course[{extra}] to run it"
        )
    extras = ",".join(w[2] for w in what)
    return (
        f"{' and '.join(w[0] for w in what)} are not installed: this cell compares with "
        f"{' and '.join(w[1] for w in what)}; install momentum-lab-course[{extras}] to run it"
    )


def marked_frameworks(source: str | Sequence[str]) -> tuple[str, ...] | None:
    """The frameworks a cell's marker names, as a tuple, or ``None`` if its first line is no marker.

    ``source`` is the cell's text or its list of lines. Leading blank lines are skipped (IPython drops
    them before running a cell). A marker naming no framework or an unknown one raises ``ValueError``;
    a ``source`` that is neither a string nor a list of strings raises ``TypeError``.
    """
    if isinstance(source, str):
        lines = source.splitlines()
    elif isinstance(source, (list, tuple)) and all(isinstance(line, str) for line in source):
        lines = list(source)
    else:
        raise TypeError(f"source must be a cell's text or its list of lines (strings); got {type(source).__name__}")
    first = next((line for line in lines if line.strip()), "")
    match = MARKER.match(first.rstrip("\r\n"))
    if match is None:
        return None
    names = tuple(part.strip() for part in match["names"].split(",") if part.strip())
    if not names:
        raise ValueError(f"a '# needs:' marker must name at least one of {sorted(FRAMEWORKS)}; got {first.strip()!r}")
    unknown = [name for name in names if name not in FRAMEWORKS]
    if unknown:
        raise ValueError(
            f"a '# needs:' marker names frameworks among {sorted(FRAMEWORKS)}; got "
            f"{', '.join(map(repr, unknown))} in {first.strip()!r}"
        )
    return names


def framework_cell_transformer(lines: list[str]) -> list[str]:
    """IPython input transformer (list of lines -> list of lines) for marked framework cells.

    An unmarked cell, or a marked one whose frameworks all import, comes back unchanged; a marked cell
    with a framework missing becomes one ``print`` of :func:`message` for the missing frameworks.
    """
    names = marked_frameworks(lines)
    if names is None:
        return lines
    gone = missing(*names)
    if not gone:
        return lines
    return [f"print({message(*gone)!r})\n"]


def enable_framework_cells(shell: Any = None) -> None:
    """Register :func:`framework_cell_transformer` with the running IPython (or with ``shell``).

    Calling it again (re-running a chapter's imports cell) does not register it twice. Outside IPython
    it does nothing. Returns ``None``, so that a cell ending with the call shows no output.
    """
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return None
        shell = get_ipython()
        if shell is None:
            return None
    transformers = getattr(shell, "input_transformers_post", None)
    if not isinstance(transformers, list):
        raise TypeError(f"shell must be an IPython shell (with input_transformers_post); got {type(shell).__name__}")
    ours = (__name__, framework_cell_transformer.__name__)  # also after a reload of this module
    transformers[:] = [
        t for t in transformers if (getattr(t, "__module__", None), getattr(t, "__name__", None)) != ours
    ]
    transformers.append(framework_cell_transformer)
    return None
