"""PyTorch equivalents of the from-scratch pieces.

Importing ``momentum_lab.torch`` does not import PyTorch; its submodules do (``momentum_lab.torch.optimizers``,
``momentum_lab.torch.losses``, ``momentum_lab.torch.models``), and they are loaded on first attribute access.
"""

from importlib import import_module

_SUBMODULES = ("optimizers", "losses", "models")


def __getattr__(name):
    if name in _SUBMODULES:
        module = import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
