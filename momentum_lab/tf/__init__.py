"""Keras 3 / TensorFlow equivalents of the from-scratch pieces.

Every chapter's TensorFlow comparison: chapter 2 (optimizers), 6–9 (losses), 10 (models).

Importing ``momentum_lab.tf`` does not import TensorFlow; its submodules do (``momentum_lab.tf.optimizers``,
``momentum_lab.tf.losses``, ``momentum_lab.tf.models``), and they are loaded on first attribute access.
Without TensorFlow or Keras installed, importing it raises ``ModuleNotFoundError`` naming what is missing and the
``[tf]`` extra that installs it.
"""

from momentum_lab._extras import require
from momentum_lab._lazy import lazy_submodules

require(__name__, {"tensorflow": "TensorFlow", "keras": "Keras 3"}, extra="tf")

_SUBMODULES = ("optimizers", "losses", "models")

__getattr__, __dir__ = lazy_submodules(__name__, _SUBMODULES)
