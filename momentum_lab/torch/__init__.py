"""PyTorch equivalents of the from-scratch pieces.

Every chapter's PyTorch comparison: chapter 2 (optimizers), 6–9 (losses), 10 (models).

Importing ``momentum_lab.torch`` does not import PyTorch; its submodules do (``momentum_lab.torch.optimizers``,
``momentum_lab.torch.losses``, ``momentum_lab.torch.models``), and they are loaded on first attribute access.
Without PyTorch installed, importing it raises ``ModuleNotFoundError`` naming what is missing and the
``[torch]`` extra that installs it.
"""

from momentum_lab._extras import require
from momentum_lab._lazy import lazy_submodules

require(__name__, {"torch": "PyTorch"}, extra="torch")

_SUBMODULES = ("optimizers", "losses", "models")

__getattr__, __dir__ = lazy_submodules(__name__, _SUBMODULES)
