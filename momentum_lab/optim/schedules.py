"""Chapter 11 ("Momentum with noisy gradients"): learning-rate schedules, each a small class ``k ↦ η_k``.

A schedule is called with the step number ``k = 0, 1, 2, …`` (the number of updates made so far) and
returns the learning rate of step ``k``; the training loops set ``optimizer.lr = schedule(k)`` before the
step (``momentum_lab.training.fit(..., lr_schedule=schedule)``, or ``trajectory(..., lr_schedule=...)``).
Each class and the framework equivalent that gives the same numbers:

* ``StepDecay``: ``η · γ^⌊k/s⌋``; torch ``StepLR(step_size=s, gamma=γ)``, Keras
  ``ExponentialDecay(η, s, γ, staircase=True)``;
* ``CosineDecay``: ``η_min + ½(η − η_min)(1 + cos(π·min(k, T)/T))``; torch
  ``CosineAnnealingLR(T_max=T, eta_min=η_min)`` for k ≤ T, Keras ``CosineDecay(η, T, alpha=η_min/η)``;
* ``LinearWarmup``: ``η₀ + (after(0) − η₀)·k/W`` for k < W, then ``after(k − W)``; torch ``LinearLR`` (before
  a constant) or ``SequentialLR``, Keras ``CosineDecay`` with ``warmup_target`` and ``warmup_steps``;
* ``OneCycle``: a cosine up from η_max/d to η_max, then down to η_max/(d·f); torch ``OneCycleLR`` (its
  rates; it also cycles the momentum unless told not to).

Where the frameworks count differently it is said in the class: torch's cosine rises again after ``T_max``
(it is periodic), this one and Keras's stay at ``η_min``.

Edges: ``k`` must be an integer ≥ 0 (NumPy integers count; ``1.0``, ``True`` and negatives are refused,
naming ``k``); every rate is a finite float ≥ 0, also for huge ``k`` (a step decay underflows to 0.0).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from momentum_lab._validate import non_negative, one_of, positive, positive_int, real_number

__all__ = ["Constant", "CosineDecay", "LinearWarmup", "OneCycle", "Schedule", "StepDecay"]


def _step(k: object) -> int:
    """The step number: an integer ≥ 0 (NumPy integers count)."""
    return positive_int(k, "k", minimum=0)


class Schedule:
    """What every schedule shares: ``schedule(k)`` for one step, ``schedule.rates(n)`` for the first n."""

    def __call__(self, k: int) -> float:  # pragma: no cover - each schedule writes its own
        raise NotImplementedError

    def rates(self, steps: int) -> list[float]:
        """``[η_0, …, η_{steps−1}]`` as a list of floats."""
        return [self(k) for k in range(positive_int(steps, "steps", minimum=0))]

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({args})"


class Constant(Schedule):
    """``η_k = lr`` for every k."""

    def __init__(self, lr: float) -> None:
        self.lr = non_negative(lr, "lr")

    def __call__(self, k: int) -> float:
        _step(k)
        return self.lr


class StepDecay(Schedule):
    """Step decay: multiply the rate by ``gamma`` every ``step_size`` steps::

        η_k = lr · gamma ** (k // step_size)

    Args:
        lr: the initial rate η ≥ 0.
        step_size: steps between two decays (≥ 1).
        gamma: the factor γ > 0 of each decay (default 0.1).
    """

    def __init__(self, lr: float, step_size: int, gamma: float = 0.1) -> None:
        self.lr = non_negative(lr, "lr")
        self.step_size = positive_int(step_size, "step_size")
        self.gamma = positive(gamma, "gamma")

    def __call__(self, k: int) -> float:
        exponent = _step(k) // self.step_size
        try:
            return self.lr * self.gamma**exponent
        except OverflowError:  # gamma > 1 raised to a huge power: the rate would be infinite
            raise ValueError(
                f"the rate overflows at k={k}: lr · gamma ** (k // step_size) is beyond float range "
                f"(lr={self.lr!r}, gamma={self.gamma!r}, step_size={self.step_size})"
            ) from None


class CosineDecay(Schedule):
    """Cosine decay from ``lr`` to ``min_lr`` over ``decay_steps`` steps, then constant (Loshchilov &
    Hutter's SGDR without restarts)::

        t   = min(k, decay_steps) / decay_steps
        η_k = min_lr + ½ (lr − min_lr) (1 + cos(π t))

    torch's ``CosineAnnealingLR`` gives the same rates for k ≤ ``decay_steps`` (it computes them by a
    recursion, so they agree to rounding) and then rises again; Keras's ``CosineDecay`` writes
    ``lr · ((1 − α) · ½(1 + cos πt) + α)`` with ``α = min_lr/lr``.

    Args:
        lr: the initial rate η ≥ 0.
        decay_steps: the length T ≥ 1 of the decay.
        min_lr: the final rate, 0 ≤ min_lr ≤ lr (default 0).
    """

    def __init__(self, lr: float, decay_steps: int, min_lr: float = 0.0) -> None:
        self.lr = non_negative(lr, "lr")
        self.decay_steps = positive_int(decay_steps, "decay_steps")
        self.min_lr = non_negative(min_lr, "min_lr")
        if self.min_lr > self.lr:
            raise ValueError(f"min_lr must be at most lr={self.lr!r}; got min_lr={self.min_lr!r}")

    def __call__(self, k: int) -> float:
        t = min(_step(k), self.decay_steps) / self.decay_steps
        return self.min_lr + 0.5 * (self.lr - self.min_lr) * (1.0 + math.cos(math.pi * t))


class LinearWarmup(Schedule):
    """A linear warm-up from ``start_lr`` to the first rate of ``after``, then ``after``, restarted::

        η_k = start_lr + (after(0) − start_lr) · k / warmup_steps      for k < warmup_steps
        η_k = after(k − warmup_steps)                                  for k ≥ warmup_steps

    ``after`` is a schedule or a number (a constant rate). ``LinearWarmup(lr, W, start_lr)`` is torch's
    ``LinearLR(start_factor=start_lr/lr, end_factor=1, total_iters=W)``; with a :class:`CosineDecay` after
    it, torch's ``SequentialLR`` of the two and Keras's ``CosineDecay(start_lr, T, warmup_target=lr,
    warmup_steps=W)``.

    Args:
        after: the schedule that takes over at step ``warmup_steps`` (or a rate ≥ 0).
        warmup_steps: the length W ≥ 1 of the warm-up.
        start_lr: the rate of step 0, ≥ 0 (default 0).
    """

    def __init__(self, after: Callable[[int], float] | float, warmup_steps: int, start_lr: float = 0.0) -> None:
        self.after: Callable[[int], float] = after if callable(after) else Constant(non_negative(after, "after"))
        self.warmup_steps = positive_int(warmup_steps, "warmup_steps")
        self.start_lr = non_negative(start_lr, "start_lr")

    def __call__(self, k: int) -> float:
        k = _step(k)
        if k < self.warmup_steps:
            target = non_negative(self.after(0), "after(0)")
            return self.start_lr + (target - self.start_lr) * k / self.warmup_steps
        return non_negative(self.after(k - self.warmup_steps), f"after({k - self.warmup_steps})")


class OneCycle(Schedule):
    """Smith's one-cycle policy, as ``torch.optim.lr_scheduler.OneCycleLR`` computes its rates::

        η_start = max_lr / div_factor,   η_end = η_start / final_div_factor
        p       = pct_start · total_steps − 1           (the step at the peak; a float)
        k ≤ p:  η_k = anneal(η_start, max_lr, k / p)
        k > p:  η_k = anneal(max_lr, η_end, (k − p) / (total_steps − 1 − p))
        anneal(a, b, t) = b + ½ (a − b)(1 + cos π t)     ("cos")   or   a + (b − a) t   ("linear")

    torch's ``OneCycleLR`` also moves the momentum the other way (from 0.95 down to 0.85 and back) unless
    it is given ``cycle_momentum=False``; :meth:`momentum` gives those values.

    Args:
        max_lr: the peak rate > 0.
        total_steps: the number of steps of the cycle (≥ 2); ``k`` must be below it.
        pct_start: the fraction of the cycle spent rising, in (0, 1) (default 0.3).
        div_factor: ``max_lr / η_start`` (default 25).
        final_div_factor: ``η_start / η_end`` (default 1e4).
        anneal: ``"cos"`` (default) or ``"linear"``.
        base_momentum, max_momentum: the momentum range of :meth:`momentum` (defaults 0.85, 0.95).
    """

    def __init__(
        self,
        max_lr: float,
        total_steps: int,
        pct_start: float = 0.3,
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        anneal: str = "cos",
        base_momentum: float = 0.85,
        max_momentum: float = 0.95,
    ) -> None:
        self.max_lr = positive(max_lr, "max_lr")
        self.total_steps = positive_int(total_steps, "total_steps", minimum=2)
        self.pct_start = real_number(pct_start, "pct_start")
        if not 0.0 < self.pct_start < 1.0:
            raise ValueError(f"pct_start must be in (0, 1); got pct_start={self.pct_start!r}")
        peak = self.pct_start * self.total_steps - 1
        if not 0.0 < peak < self.total_steps - 1:
            raise ValueError(
                f"pct_start · total_steps − 1 must lie strictly between 0 and total_steps − 1; got "
                f"{peak!r} for pct_start={self.pct_start!r}, total_steps={self.total_steps}"
            )
        self.div_factor = positive(div_factor, "div_factor")
        self.final_div_factor = positive(final_div_factor, "final_div_factor")
        self.anneal = one_of(anneal, "anneal", ("cos", "linear"))
        self.base_momentum = non_negative(base_momentum, "base_momentum")
        self.max_momentum = non_negative(max_momentum, "max_momentum")

    def _interpolate(self, k: int, up: tuple[float, float], down: tuple[float, float]) -> float:
        k = _step(k)
        if k >= self.total_steps:
            raise ValueError(f"k must be below total_steps={self.total_steps}; got k={k}")
        peak = self.pct_start * self.total_steps - 1
        if k <= peak:
            a, b, t = up[0], up[1], k / peak
        else:
            a, b, t = down[0], down[1], (k - peak) / (self.total_steps - 1 - peak)
        if self.anneal == "cos":
            return b + (a - b) / 2.0 * (math.cos(math.pi * t) + 1)
        return (b - a) * t + a

    def __call__(self, k: int) -> float:
        start = self.max_lr / self.div_factor
        end = start / self.final_div_factor
        return self._interpolate(k, (start, self.max_lr), (self.max_lr, end))

    def momentum(self, k: int) -> float:
        """The momentum torch's ``OneCycleLR`` sets at step k (``cycle_momentum=True``): high when the
        rate is low."""
        return self._interpolate(k, (self.max_momentum, self.base_momentum), (self.base_momentum, self.max_momentum))
