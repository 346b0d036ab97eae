"""Type aliases of the library's public signatures (NumPy's own typing; nothing heavy is imported).

Part of no chapter.
"""

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["Array", "ArrayLike", "GradFn"]

#: A float64 NumPy array: what the library's functions return.
Array = NDArray[np.float64]

#: A gradient function ``x -> ∇f(x)``, as ``trajectory`` and ``gradient_descent`` take it.
GradFn = Callable[[Array], ArrayLike]
