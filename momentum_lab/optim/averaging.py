"""Chapter 11 ("Momentum with noisy gradients"): averages of the iterates, the other way to shrink the noise ball.

With a constant step size, noisy gradients leave the iterates ``θ_k`` jittering around the minimum
instead of converging. Their average jitters much less:

* :class:`PolyakAverage` (Polyak & Juditsky 1992; Ruppert 1988): the running mean of the iterates since a
  starting step, ``θ̄_n = θ̄_{n−1} + (θ_n − θ̄_{n−1}) / n``, what ``torch.optim.swa_utils.AveragedModel``
  computes by default;
* :class:`EMA`: an exponential moving average of the weights, ``θ̄ ← d·θ̄ + (1 − d)·θ``, starting at the
  first iterate it sees, what ``AveragedModel`` computes with ``get_ema_multi_avg_fn(d)`` and Keras
  optimizers with ``use_ema=True, ema_momentum=d``.

Both leave the training itself alone: the optimizer steps ``θ`` as before, and the average is read at
the end (or whenever the model is evaluated). Call ``update(θ)`` after each optimizer step.

Edges: ``θ`` must be a finite real array (NaN and infinities are refused, naming ``theta``, so one
diverged iterate cannot poison the average) of the same shape at every update; a float32 first
iterate gives a float32 average, anything else float64; an empty array is allowed (its average is empty).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from momentum_lab._validate import as_float_array, in_unit_interval, positive_int

__all__ = ["EMA", "PolyakAverage"]


class PolyakAverage:
    """The running mean of the iterates given to :meth:`update`, from the ``start``-th one on::

        n ← n + 1
        θ̄ ← θ̄ + (θ − θ̄) / n          (θ̄ = θ when n = 1)

    Args:
        start: the number of calls to :meth:`update` to skip before averaging begins (default 0:
            average everything). Skipping the first iterates ("tail averaging") keeps the start,
            far from the minimum, out of the mean.

    Attributes:
        average: the current mean (None until the first averaged iterate), a new array.
        count: the number of iterates averaged.
    """

    def __init__(self, start: int = 0) -> None:
        self.start = positive_int(start, "start", minimum=0)
        self.seen = 0
        self.count = 0
        self.average: np.ndarray | None = None

    def update(self, theta: npt.ArrayLike) -> np.ndarray | None:
        """Include ``theta`` (copied) in the mean, unless fewer than ``start`` iterates were skipped yet.

        Returns the current average (None while iterates are still being skipped).
        """
        theta = as_float_array(theta, "theta", allow_empty=True, keep_float32=True)
        self.seen += 1
        if self.seen <= self.start:
            return self.average
        self.count += 1
        if self.average is None:
            self.average = theta.copy()
        else:
            if theta.shape != self.average.shape:
                raise ValueError(f"theta must have the shape of the average, {self.average.shape}; got {theta.shape}")
            self.average += (theta - self.average) / self.count
        return self.average

    def __repr__(self) -> str:
        return f"PolyakAverage(start={self.start}, count={self.count})"


class EMA:
    """An exponential moving average of the iterates given to :meth:`update`::

        θ̄ ← θ                          at the first update
        θ̄ ← decay · θ̄ + (1 − decay) · θ   after

    The weight of the iterate from j updates ago is ``(1 − decay) · decay^j``: the average covers about
    the last ``1/(1 − decay)`` iterates.

    Args:
        decay: d in [0, 1) (default 0.99; Keras's ``ema_momentum`` and torch's ``decay`` are the same d).

    Attributes:
        average: the current average (None before the first update).
        count: the number of updates.
    """

    def __init__(self, decay: float = 0.99) -> None:
        self.decay = in_unit_interval(decay, "decay")
        self.count = 0
        self.average: np.ndarray | None = None

    def update(self, theta: npt.ArrayLike) -> np.ndarray:
        """Move the average toward ``theta`` and return it."""
        theta = as_float_array(theta, "theta", allow_empty=True, keep_float32=True)
        self.count += 1
        if self.average is None:
            self.average = theta.copy()
        else:
            if theta.shape != self.average.shape:
                raise ValueError(f"theta must have the shape of the average, {self.average.shape}; got {theta.shape}")
            self.average *= self.decay
            self.average += (1.0 - self.decay) * theta
        return self.average

    def __repr__(self) -> str:
        return f"EMA(decay={self.decay!r}, count={self.count})"
