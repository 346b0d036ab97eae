"""Momentum Lab: the companion library of the course.

Everything here is written from scratch in NumPy. TensorFlow, PyTorch, matplotlib and ipywidgets are
imported only inside the modules that need them (``momentum_lab.tf``, ``momentum_lab.torch``,
``momentum_lab.widgets``, ``momentum_lab.plotting``), so ``import momentum_lab`` stays light.

Submodules are loaded on first attribute access, so ``momentum_lab.landscapes`` works after a bare
``import momentum_lab``.
"""

from momentum_lab._lazy import lazy_submodules

__version__ = "0.1.0"

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
    "plotting",
    "widgets",
    "tf",
    "torch",
)

__all__ = ["__version__", *_SUBMODULES]


__getattr__, __dir__ = lazy_submodules(__name__, _SUBMODULES)
