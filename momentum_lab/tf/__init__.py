"""Keras 3 / TensorFlow equivalents of the from-scratch pieces.

Importing ``momentum_lab.tf`` does not import TensorFlow; its submodules do (``momentum_lab.tf.optimizers``,
``momentum_lab.tf.losses``, ``momentum_lab.tf.models``), and they are loaded on first attribute access.
"""

from importlib import import_module

_SUBMODULES = ("optimizers", "losses", "models")


def __getattr__(name):
    if name in _SUBMODULES:
        module = import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
