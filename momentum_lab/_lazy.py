"""Packages whose submodules load on first attribute access (PEP 562).

Used by every chapter's imports; part of no chapter itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from importlib import import_module
from types import ModuleType


def lazy_submodules(package: str, names: Iterable[str]) -> tuple[Callable[[str], ModuleType], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``: ``package.name`` imports ``package.name`` when first used.

    Importing a submodule binds it on its parent package, so ``__getattr__`` runs once per name.
    """
    names = tuple(names)

    def __getattr__(name: str) -> ModuleType:
        if name in names:
            return import_module(f"{package}.{name}")
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted(set(names) | set(vars(import_module(package))))

    return __getattr__, __dir__
