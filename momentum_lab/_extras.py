"""The optional dependencies: a clear error when a framework module is imported without its framework.

Used by ``momentum_lab.tf`` and ``momentum_lab.torch``; part of no chapter.
"""

import importlib.util

__all__ = ["require"]


def _installed(module: str) -> bool:
    """Whether ``module`` can be imported, found without importing it (so TensorFlow stays unloaded)."""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a parent package that fails, or a module whose spec is unset
        return False


def require(package: str, frameworks: dict[str, str], extra: str) -> None:
    """Raise ``ModuleNotFoundError`` unless every module in ``frameworks`` can be imported.

    ``frameworks`` maps a module name to the name a reader knows it by (``{"torch": "PyTorch"}``); the
    message names the package that needs it, the missing framework and the extra that installs it::

        momentum_lab.torch needs PyTorch (module 'torch'), which is not installed. Install the library
        with its torch extra: pip install "momentum-lab-course[torch]"
    """
    from momentum_lab import DISTRIBUTION

    for module, framework in frameworks.items():
        if not _installed(module):
            raise ModuleNotFoundError(
                f"{package} needs {framework} (module {module!r}), which is not installed. Install the library "
                f'with its {extra} extra: pip install "{DISTRIBUTION}[{extra}]"',
                name=module,
            )
