"""Keras 3 / TensorFlow equivalents of the from-scratch pieces.

Every chapter's TensorFlow comparison: chapter 2 (optimizers), 6–9 (losses), 10 (models).

Importing ``momentum_lab.tf`` does not import TensorFlow; its submodules do (``momentum_lab.tf.optimizers``,
``momentum_lab.tf.losses``, ``momentum_lab.tf.models``), and they are loaded on first attribute access.
"""

from momentum_lab._lazy import lazy_submodules

_SUBMODULES = ("optimizers", "losses", "models")

__getattr__, __dir__ = lazy_submodules(__name__, _SUBMODULES)
