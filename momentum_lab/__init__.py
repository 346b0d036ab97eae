"""Momentum Lab: the companion library of the course.

Everything here is written from scratch in NumPy. TensorFlow, PyTorch, matplotlib and ipywidgets are
imported only inside the modules that need them (``momentum_lab.tf``, ``momentum_lab.torch``,
``momentum_lab.widgets``, ``momentum_lab.plotting``), so ``import momentum_lab`` stays light.

Submodules are loaded on first attribute access, so ``momentum_lab.landscapes`` works after a bare
``import momentum_lab``.
"""

from importlib import metadata as _metadata

from momentum_lab._lazy import lazy_submodules

#: The name to install the library by (``pip install momentum-lab-course``); it imports as ``momentum_lab``.
DISTRIBUTION = "momentum-lab-course"

# The version of the installed distribution (pyproject.toml is its one source); a source tree imported
# without installing it has no metadata to read.
try:
    __version__ = _metadata.version(DISTRIBUTION)
except _metadata.PackageNotFoundError:
    __version__ = "0+unknown"

# Submodules reachable as attributes. The NumPy-only ones come first; the last four import heavy
# libraries when (and only when) they are touched.
_SUBMODULES = (
    "landscapes",
    "optim",
    "theory",
    "autodiff",
    "losses",
    "curvature",
    "models",
    "check",
    "frameworks",
    "plotting",
    "widgets",
    "tf",
    "torch",
)

__all__ = ["DISTRIBUTION", "__version__", *_SUBMODULES]


__getattr__, __dir__ = lazy_submodules(__name__, _SUBMODULES)
