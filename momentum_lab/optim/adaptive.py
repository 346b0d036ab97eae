"""Chapter 12 ("Adaptive methods as relatives of momentum"): AdaGrad, RMSProp, Adam, AdamW and NAdam.

Each method divides the step of every coordinate by a running size of that coordinate's gradients.
With g the gradient, t the step count (1 at the first step), η the learning rate and ε a small constant:

===========  ==========================================================================================
Adagrad      s ← s + g²;                     θ ← θ − η_t g / (√s + ε),   η_t = η / (1 + (t − 1)·lr_decay)
RMSprop      v ← αv + (1 − α)g²;             θ ← θ − η g / (√v + ε)
Adam         m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;
             θ ← θ − (η / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
AdamW        Adam, and first θ ← θ(1 − η·weight_decay)   (decay *decoupled* from the gradient)
NAdam        Adam whose step mixes today's gradient and tomorrow's momentum (Dozat 2016)
===========  ==========================================================================================

The classes named like a ``torch.optim`` class (:class:`Adagrad`, :class:`RMSprop`, :class:`Adam`,
:class:`AdamW`, :class:`NAdam`) compute exactly as that class does, with its argument names and defaults.
Keras computes some of them differently, and those forms carry Keras' name and arguments
(:class:`KerasAdagrad`, :class:`KerasRMSprop`, :class:`KerasAdam`, :class:`KerasAdamW`, :class:`KerasNadam`):

* Adam, AdamW: Keras adds ε to √v *before* the bias correction of the step (ε_Keras = ε_torch·√(1 − β₂ᵗ));
* RMSprop and Adagrad: Keras puts ε *inside* the square root, √(v + ε);
* RMSprop with momentum: Keras' buffer holds η-scaled increments, torch's holds unscaled ones (chapter 2);
* NAdam: Keras' momentum schedule is β₁(1 − ½·0.96ᵗ), torch's β₁(1 − ½·0.96^{0.004 t});
* weight decay: torch's ``weight_decay`` is added to the gradient (L2) except in AdamW (and with
  ``decoupled_weight_decay=True``); Keras' is always decoupled, θ ← θ − θ·weight_decay·η, before the step;
* defaults: Keras ε = 1e-7 (torch 1e-8, Adagrad 1e-10), RMSprop ρ = 0.9 (torch α = 0.99), learning rate
  0.001 everywhere (torch: 0.01 for RMSprop and Adagrad, 0.002 for NAdam), Adagrad's accumulator starts
  at 0.1 (torch 0).

Edges: with ``eps = 0`` (useful to see the bare formulas) a coordinate whose gradients have all been 0
has the step 0/0; it does not move here (the limit ε → 0⁺), where torch and Keras write NaN. Centered
RMSprop clamps ``v − ḡ²`` at 0 before the root (rounding can make it slightly negative; torch gives NaN).
A non-finite gradient is refused by ``step`` before anything changes (see ``Optimizer.step``).

Each class is its update rule, ``rule(theta, g, *buffers, first, t)`` in plain NumPy; the engine
(:mod:`momentum_lab.optim._engine`) applies it to big arrays in cache-sized chunks on several threads.
The step count ``t`` lives in the parameter's state (``opt.state[w]["step"]``), as in torch.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from momentum_lab._validate import flag, in_unit_interval, non_negative
from momentum_lab.optim._engine import Optimizer, apply_rule, as_pairs


def _over(numerator: np.ndarray, denominator: np.ndarray, eps: float) -> np.ndarray:
    """``numerator / denominator``; with ``eps = 0`` a zero denominator gives 0 instead of 0/0 = NaN.

    The denominator (a root of the running mean of g², plus ε) is 0 only where every gradient so far was
    0, and then so is the numerator: that coordinate does not move, which is the limit ε → 0⁺ of the
    step. torch and Keras write NaN there.
    """
    if eps:
        return numerator / denominator
    return np.divide(numerator, denominator, out=np.zeros_like(numerator), where=denominator != 0)


class StepCounting(Optimizer):
    """An optimizer whose rule needs the step count ``t``: kept per parameter in ``state[w]["step"]``.

    ``step`` advances the count once per parameter and step, asks :meth:`per_step` for the scalars the
    rule needs (by default ``t``), and calls ``rule(theta, g, **buffers, first=..., **scalars)`` through
    the engine. Buffers are passed by name, so a rule can leave out the ones its settings do not use.
    """

    def per_step(self, state: dict[str, Any]) -> dict[str, Any]:
        """The scalars of this step, computed once per parameter (not per chunk)."""
        return {"t": state["step"]}

    def step(
        self, params: np.ndarray | Sequence[np.ndarray], grads: npt.ArrayLike | Sequence[npt.ArrayLike | None]
    ) -> None:
        """Update ``params`` in place from ``grads``, as every optimizer's ``step`` does."""
        for param, grad in as_pairs(params, grads):
            buffers, first = self._buffers_for(param)
            state = self.state[param]
            state["step"] = state.get("step", 0) + 1
            scalars = self.per_step(state)
            names = self.buffer_names

            def rule(
                theta: np.ndarray,
                g: np.ndarray,
                *chunks: np.ndarray,
                first: bool,
                names: tuple[str, ...] = names,
                scalars: dict[str, Any] = scalars,
            ) -> None:  # this step's names and scalars bound now, not looked up when called
                self.rule(theta, g, **dict(zip(names, chunks)), first=first, **scalars)

            try:
                apply_rule(rule, param, grad, buffers, first)
            except BaseException:
                if first:  # a half-initialised state must not look like a real one next time
                    self.state._discard(param)
                raise


# ----------------------------------------------------------------------------------------------------
# Argument checks shared by the classes below


def _betas(value: object, name: str = "betas") -> tuple[float, float]:
    """A pair (β₁, β₂), each in [0, 1)."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(f"{name} must be a pair (beta1, beta2); got {name}={value!r}")
    return (in_unit_interval(value[0], f"{name}[0]"), in_unit_interval(value[1], f"{name}[1]"))


def _keras_weight_decay(value: object) -> float | None:
    """Keras' ``weight_decay``: None (off) or a number ≥ 0."""
    return None if value is None else non_negative(value, "weight_decay")


def _keras_momentum(value: object) -> float:
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = float(value)
    return in_unit_interval(value, "momentum", closed_right=True)


# ----------------------------------------------------------------------------------------------------
# torch.optim's forms


class Adagrad(StepCounting):
    """AdaGrad (Duchi, Hazan & Singer 2011), computed exactly as ``torch.optim.Adagrad``::

        g ← −g if maximize;   g ← g + weight_decay · θ
        s ← s + g²                                   # s starts at initial_accumulator_value
        θ ← θ − η_t · g / (√s + eps),    η_t = lr / (1 + (t − 1) · lr_decay)

    State: ``state[θ]["sum"]`` and ``state[θ]["step"]``.

    Args:
        lr: η ≥ 0 (default 0.01). lr_decay: ≥ 0. weight_decay: ≥ 0 (added to the gradient).
        initial_accumulator_value: ≥ 0. eps: ≥ 0 (default 1e-10). maximize: ascend instead.
    """

    def __init__(
        self,
        lr: float = 0.01,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(lr)
        self.lr_decay = non_negative(lr_decay, "lr_decay")
        self.weight_decay = non_negative(weight_decay, "weight_decay")
        self.initial_accumulator_value = non_negative(initial_accumulator_value, "initial_accumulator_value")
        self.eps = non_negative(eps, "eps")
        self.maximize = flag(maximize, "maximize")

    buffer_names = ("sum",)

    def init_buffer(self, name: str, param: np.ndarray) -> np.ndarray:
        return np.full_like(param, self.initial_accumulator_value)

    def rule(self, theta: np.ndarray, g: np.ndarray, sum: np.ndarray, *, first: bool, t: int) -> None:
        if self.maximize:
            g = -g
        if self.weight_decay:
            g = g + theta * self.weight_decay
        lr_t = self.lr / (1 + (t - 1) * self.lr_decay)
        sum += g * g  # s = s + g²
        theta -= _over(g, np.sqrt(sum) + self.eps, self.eps) * lr_t  # θ = θ − η_t g / (√s + ε)

    def hyperparameters(self) -> dict[str, object]:
        return {
            "lr": self.lr,
            "lr_decay": self.lr_decay,
            "weight_decay": self.weight_decay,
            "initial_accumulator_value": self.initial_accumulator_value,
            "eps": self.eps,
            "maximize": self.maximize,
        }


class RMSprop(StepCounting):
    """RMSProp (Tieleman & Hinton 2012), computed exactly as ``torch.optim.RMSprop``::

        g ← −g if maximize;   g ← g + weight_decay · θ
        v ← α v + (1 − α) g²
        d ← √v + eps                         # centered: ḡ ← α ḡ + (1 − α) g;  d ← √(v − ḡ²) + eps
        θ ← θ − lr · g / d                   # momentum μ > 0: b ← μ b + g / d;  θ ← θ − lr · b

    As in ``torch.optim.SGD``, the momentum buffer holds unscaled steps and ``lr`` multiplies it whole.

    State: ``square_avg``, ``momentum_buffer`` (when momentum > 0), ``grad_avg`` (centered), ``step``.

    Args:
        lr: η ≥ 0 (default 0.01).
        alpha: α in [0, 1] (default 0.99; torch accepts α > 1, which makes v negative and the step NaN).
        eps: ≥ 0 (default 1e-8).
        weight_decay: ≥ 0 (added to the gradient).
        momentum: μ ≥ 0.
        centered: subtract the mean's square.
        maximize: ascend instead.
    """

    def __init__(
        self,
        lr: float = 0.01,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
        maximize: bool = False,
    ) -> None:
        super().__init__(lr)
        self.alpha = in_unit_interval(alpha, "alpha", closed_right=True)
        self.eps = non_negative(eps, "eps")
        self.weight_decay = non_negative(weight_decay, "weight_decay")
        self.momentum = non_negative(momentum, "momentum")
        self.centered = flag(centered, "centered")
        self.maximize = flag(maximize, "maximize")

    @property
    def buffer_names(self) -> tuple[str, ...]:  # type: ignore[override]
        return ("square_avg",) + ("momentum_buffer",) * (self.momentum > 0) + ("grad_avg",) * self.centered

    def rule(
        self,
        theta: np.ndarray,
        g: np.ndarray,
        square_avg: np.ndarray,
        momentum_buffer: Any = None,
        grad_avg: Any = None,
        *,
        first: bool,
        t: int,
    ) -> None:
        if self.maximize:
            g = -g
        if self.weight_decay:
            g = g + theta * self.weight_decay
        square_avg *= self.alpha
        square_avg += g * g * (1 - self.alpha)  # v = α v + (1 − α) g²
        if self.centered:
            grad_avg *= self.alpha
            grad_avg += g * (1 - self.alpha)  # ḡ = α ḡ + (1 − α) g
            # v − ḡ² ≥ 0 in exact arithmetic; rounding can make it −1e-20, whose root torch gives as NaN
            d = np.sqrt(np.maximum(square_avg - grad_avg * grad_avg, 0.0)) + self.eps
        else:
            d = np.sqrt(square_avg) + self.eps
        if self.momentum > 0:
            momentum_buffer *= self.momentum
            momentum_buffer += _over(g, d, self.eps)  # b = μ b + g / d
            theta -= momentum_buffer * self.lr
        else:
            theta -= _over(g, d, self.eps) * self.lr

    def hyperparameters(self) -> dict[str, object]:
        return {
            "lr": self.lr,
            "alpha": self.alpha,
            "eps": self.eps,
            "weight_decay": self.weight_decay,
            "momentum": self.momentum,
            "centered": self.centered,
            "maximize": self.maximize,
        }


class Adam(StepCounting):
    """Adam (Kingma & Ba 2015), computed exactly as ``torch.optim.Adam``::

        g ← −g if maximize
        θ ← θ (1 − lr · weight_decay)  if decoupled_weight_decay  else  g ← g + weight_decay · θ
        m ← β₁ m + (1 − β₁) g                        # momentum with dampening β₁ (chapter 2)
        v ← β₂ v + (1 − β₂) g²                       # amsgrad: v̂ ← max(v̂, v), used in place of v
        θ ← θ − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + eps)

    ε is added to the *bias-corrected* root √(v / (1 − β₂ᵗ)); Keras adds it before the correction
    (:class:`KerasAdam`).

    State: ``exp_avg`` (m), ``exp_avg_sq`` (v), ``max_exp_avg_sq`` (amsgrad), ``step`` (t).

    Args:
        lr: η ≥ 0 (default 0.001). betas: (β₁, β₂), each in [0, 1) (default (0.9, 0.999)).
        eps: ≥ 0 (default 1e-8). weight_decay: ≥ 0. amsgrad: use the running maximum of v.
        maximize: ascend instead. decoupled_weight_decay: decay θ directly, as AdamW.
    """

    def __init__(
        self,
        lr: float = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        decoupled_weight_decay: bool = False,
    ) -> None:
        super().__init__(lr)
        self.betas = _betas(betas)
        self.eps = non_negative(eps, "eps")
        self.weight_decay = non_negative(weight_decay, "weight_decay")
        self.amsgrad = flag(amsgrad, "amsgrad")
        self.maximize = flag(maximize, "maximize")
        self.decoupled_weight_decay = flag(decoupled_weight_decay, "decoupled_weight_decay")

    @property
    def buffer_names(self) -> tuple[str, ...]:  # type: ignore[override]
        return ("exp_avg", "exp_avg_sq") + ("max_exp_avg_sq",) * self.amsgrad

    def rule(
        self,
        theta: np.ndarray,
        g: np.ndarray,
        exp_avg: np.ndarray,
        exp_avg_sq: np.ndarray,
        max_exp_avg_sq: Any = None,
        *,
        first: bool,
        t: int,
    ) -> None:
        beta1, beta2 = self.betas
        if self.maximize:
            g = -g
        if self.weight_decay and self.decoupled_weight_decay:
            theta *= 1 - self.lr * self.weight_decay  # decoupled: θ = θ(1 − η λ)
        elif self.weight_decay:
            g = g + theta * self.weight_decay  # L2: the decay enters m and v
        exp_avg *= beta1
        exp_avg += g * (1 - beta1)  # m = β₁ m + (1 − β₁) g
        exp_avg_sq *= beta2
        exp_avg_sq += g * g * (1 - beta2)  # v = β₂ v + (1 − β₂) g²
        if self.amsgrad:
            np.maximum(max_exp_avg_sq, exp_avg_sq, out=max_exp_avg_sq)  # v̂ = max(v̂, v)
            exp_avg_sq = max_exp_avg_sq
        step_size = self.lr / (1 - beta1**t)
        denom = np.sqrt(exp_avg_sq) / (1 - beta2**t) ** 0.5 + self.eps  # √v / √(1 − β₂ᵗ) + ε
        theta -= _over(exp_avg, denom, self.eps) * step_size  # θ = θ − η m̂ / (√v̂ + ε)

    def hyperparameters(self) -> dict[str, object]:
        return {
            "lr": self.lr,
            "betas": self.betas,
            "eps": self.eps,
            "weight_decay": self.weight_decay,
            "amsgrad": self.amsgrad,
            "maximize": self.maximize,
            "decoupled_weight_decay": self.decoupled_weight_decay,
        }


class AdamW(Adam):
    """AdamW (Loshchilov & Hutter 2019), computed exactly as ``torch.optim.AdamW``: :class:`Adam` with
    the weight decay decoupled from the gradient, and on by default::

        θ ← θ (1 − lr · weight_decay)                 # before the Adam step; never enters m or v
        (then Adam's step, as in :class:`Adam`)

    Args: as :class:`Adam`, with weight_decay ≥ 0 defaulting to 0.01.
    """

    def __init__(
        self,
        lr: float = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(lr, betas, eps, weight_decay, amsgrad, maximize=maximize, decoupled_weight_decay=True)

    def hyperparameters(self) -> dict[str, object]:
        h = super().hyperparameters()
        del h["decoupled_weight_decay"]
        return h


class NAdam(StepCounting):
    """NAdam (Dozat 2016), computed exactly as ``torch.optim.NAdam``::

        g ← −g if maximize
        θ ← θ (1 − lr · weight_decay)  if decoupled_weight_decay  else  g ← g + weight_decay · θ
        μ_t = β₁ (1 − ½ · 0.96^(t · momentum_decay));    Π_t = μ₁ μ₂ ⋯ μ_t   (the momentum schedule)
        m ← β₁ m + (1 − β₁) g;    v ← β₂ v + (1 − β₂) g²;    d = √(v / (1 − β₂ᵗ)) + eps
        θ ← θ − lr (1 − μ_t) / (1 − Π_t) · g / d − lr μ_{t+1} / (1 − Π_t μ_{t+1}) · m / d

    The last line is Adam's step with Nesterov's look-ahead: today's gradient enters at its own weight,
    and the momentum at tomorrow's.

    State: ``exp_avg``, ``exp_avg_sq``, ``step`` and ``mu_product`` (Π_t, a Python float; torch keeps it
    in its default dtype, float32 unless ``torch.set_default_dtype(torch.float64)``).

    Args:
        lr: η ≥ 0 (default 0.002). betas: (β₁, β₂) in [0, 1). eps: ≥ 0 (default 1e-8).
        weight_decay: ≥ 0. momentum_decay: ≥ 0 (default 0.004). decoupled_weight_decay: as AdamW.
        maximize: ascend instead.
    """

    def __init__(
        self,
        lr: float = 0.002,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum_decay: float = 0.004,
        decoupled_weight_decay: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(lr)
        self.betas = _betas(betas)
        self.eps = non_negative(eps, "eps")
        self.weight_decay = non_negative(weight_decay, "weight_decay")
        self.momentum_decay = non_negative(momentum_decay, "momentum_decay")
        self.decoupled_weight_decay = flag(decoupled_weight_decay, "decoupled_weight_decay")
        self.maximize = flag(maximize, "maximize")

    buffer_names = ("exp_avg", "exp_avg_sq")

    def per_step(self, state: dict[str, Any]) -> dict[str, Any]:
        """The momentum schedule μ_t, μ_{t+1} and the running product Π_t, once per step."""
        t, beta1 = state["step"], self.betas[0]
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (t * self.momentum_decay))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * self.momentum_decay))
        state["mu_product"] = state.get("mu_product", 1.0) * mu
        return {"t": t, "mu": mu, "mu_next": mu_next, "mu_product": state["mu_product"]}

    def rule(
        self,
        theta: np.ndarray,
        g: np.ndarray,
        exp_avg: np.ndarray,
        exp_avg_sq: np.ndarray,
        *,
        first: bool,
        t: int,
        mu: float,
        mu_next: float,
        mu_product: float,
    ) -> None:
        beta1, beta2 = self.betas
        if self.maximize:
            g = -g
        if self.weight_decay and self.decoupled_weight_decay:
            theta *= 1 - self.lr * self.weight_decay
        elif self.weight_decay:
            g = g + theta * self.weight_decay
        exp_avg *= beta1
        exp_avg += g * (1 - beta1)  # m = β₁ m + (1 − β₁) g
        exp_avg_sq *= beta2
        exp_avg_sq += g * g * (1 - beta2)  # v = β₂ v + (1 − β₂) g²
        denom = np.sqrt(exp_avg_sq / (1 - beta2**t)) + self.eps
        theta -= _over(g, denom, self.eps) * (self.lr * (1.0 - mu) / (1.0 - mu_product))  # today's gradient
        theta -= _over(exp_avg, denom, self.eps) * (
            self.lr * mu_next / (1.0 - mu_product * mu_next)
        )  # tomorrow's momentum

    def hyperparameters(self) -> dict[str, object]:
        return {
            "lr": self.lr,
            "betas": self.betas,
            "eps": self.eps,
            "weight_decay": self.weight_decay,
            "momentum_decay": self.momentum_decay,
            "decoupled_weight_decay": self.decoupled_weight_decay,
            "maximize": self.maximize,
        }


# ----------------------------------------------------------------------------------------------------
# Keras' forms: Keras' argument names and defaults. Keras itself stores learning_rate as float32 even for
# float64 variables; these classes use the value they are given (round it with np.float32 to match).


class KerasWeightDecay(StepCounting):
    """What every Keras form shares: ``learning_rate`` (the ``lr`` attribute) and Keras' decoupled
    ``weight_decay``, applied before the step: ``θ ← θ − θ · weight_decay · learning_rate``."""

    def __init__(self, learning_rate: float, weight_decay: float | None) -> None:
        super().__init__(non_negative(learning_rate, "learning_rate"))
        self.weight_decay = _keras_weight_decay(weight_decay)

    @property
    def learning_rate(self) -> float:
        return self.lr

    @learning_rate.setter
    def learning_rate(self, value: float) -> None:
        self.lr = non_negative(value, "learning_rate")

    def decay(self, theta: np.ndarray) -> None:
        if self.weight_decay:
            theta -= theta * self.weight_decay * self.lr  # θ = θ − θ λ η


class KerasAdagrad(KerasWeightDecay):
    """AdaGrad as ``keras.optimizers.Adagrad`` computes it: ε inside the root, accumulator from 0.1::

        θ ← θ − θ · weight_decay · η                  # when weight_decay is set
        s ← s + g²                                    # s starts at initial_accumulator_value
        θ ← θ − η g / √(s + ε)

    State: ``accumulator``, ``step``.
    """

    def __init__(
        self,
        learning_rate: float = 0.001,
        initial_accumulator_value: float = 0.1,
        epsilon: float = 1e-7,
        weight_decay: float | None = None,
    ) -> None:
        super().__init__(learning_rate, weight_decay)
        self.initial_accumulator_value = non_negative(initial_accumulator_value, "initial_accumulator_value")
        self.epsilon = non_negative(epsilon, "epsilon")

    buffer_names = ("accumulator",)

    def init_buffer(self, name: str, param: np.ndarray) -> np.ndarray:
        return np.full_like(param, self.initial_accumulator_value)

    def rule(self, theta: np.ndarray, g: np.ndarray, accumulator: np.ndarray, *, first: bool, t: int) -> None:
        self.decay(theta)
        accumulator += g * g  # s = s + g²
        theta -= _over(self.lr * g, np.sqrt(accumulator + self.epsilon), self.epsilon)  # θ = θ − η g / √(s + ε)

    def hyperparameters(self) -> dict[str, object]:
        return {
            "learning_rate": self.lr,
            "initial_accumulator_value": self.initial_accumulator_value,
            "epsilon": self.epsilon,
            "weight_decay": self.weight_decay,
        }


class KerasRMSprop(KerasWeightDecay):
    """RMSProp as ``keras.optimizers.RMSprop`` computes it: ε inside the root, η inside the buffer::

        θ ← θ − θ · weight_decay · η                  # when weight_decay is set
        v ← ρ v + (1 − ρ) g²
        Δ = η g / √(v + ε)                            # centered: ḡ ← ρ ḡ + (1 − ρ) g;  Δ = η g / √(v − ḡ² + ε)
        θ ← θ − Δ                                     # momentum μ > 0: b ← μ b + Δ;  θ ← θ − b

    State: ``velocity``, ``momentum`` (momentum > 0), ``average_gradient`` (centered), ``step``.
    """

    def __init__(
        self,
        learning_rate: float = 0.001,
        rho: float = 0.9,
        momentum: float = 0.0,
        epsilon: float = 1e-7,
        centered: bool = False,
        weight_decay: float | None = None,
    ) -> None:
        super().__init__(learning_rate, weight_decay)
        self.rho = in_unit_interval(rho, "rho", closed_right=True)
        self.momentum = _keras_momentum(momentum)
        self.epsilon = non_negative(epsilon, "epsilon")
        self.centered = flag(centered, "centered")

    @property
    def buffer_names(self) -> tuple[str, ...]:  # type: ignore[override]
        return ("velocity",) + ("momentum",) * (self.momentum > 0) + ("average_gradient",) * self.centered

    def rule(
        self,
        theta: np.ndarray,
        g: np.ndarray,
        velocity: np.ndarray,
        momentum: Any = None,
        average_gradient: Any = None,
        *,
        first: bool,
        t: int,
    ) -> None:
        self.decay(theta)
        rho = self.rho
        velocity[...] = rho * velocity + (1 - rho) * (g * g)  # v = ρ v + (1 − ρ) g²
        if self.centered:
            average_gradient[...] = rho * average_gradient + (1 - rho) * g  # ḡ = ρ ḡ + (1 − ρ) g
            denominator = np.maximum(velocity - average_gradient * average_gradient, 0.0) + self.epsilon
        else:
            denominator = velocity + self.epsilon
        increment = _over(self.lr * g, np.sqrt(denominator), self.epsilon)  # Δ = η g / √(v + ε)
        if self.momentum > 0:
            momentum[...] = self.momentum * momentum + increment  # b = μ b + Δ
            theta -= momentum
        else:
            theta -= increment

    def hyperparameters(self) -> dict[str, object]:
        return {
            "learning_rate": self.lr,
            "rho": self.rho,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "centered": self.centered,
            "weight_decay": self.weight_decay,
        }


class KerasAdam(KerasWeightDecay):
    """Adam as ``keras.optimizers.Adam`` computes it: ε added to √v, *outside* the bias correction::

        θ ← θ − θ · weight_decay · η                  # when weight_decay is set (decoupled)
        α_t = η √(1 − β₂ᵗ) / (1 − β₁ᵗ)
        m ← m + (g − m)(1 − β₁);    v ← v + (g² − v)(1 − β₂)      # amsgrad: v̂ ← max(v̂, v) in place of v
        θ ← θ − α_t m / (√v + ε)

    This is torch's Adam with ``eps_torch = ε / √(1 − β₂ᵗ)``: the two differ while ε is not negligible
    next to √v, mostly in the first steps (where √(1 − β₂ᵗ) ≈ √(t(1 − β₂)) is small).

    State: ``momentum`` (m), ``velocity`` (v), ``velocity_hat`` (amsgrad), ``step``.
    """

    def __init__(
        self,
        learning_rate: float = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        amsgrad: bool = False,
        weight_decay: float | None = None,
    ) -> None:
        super().__init__(learning_rate, weight_decay)
        self.beta_1 = in_unit_interval(beta_1, "beta_1")
        self.beta_2 = in_unit_interval(beta_2, "beta_2")
        self.epsilon = non_negative(epsilon, "epsilon")
        self.amsgrad = flag(amsgrad, "amsgrad")

    @property
    def buffer_names(self) -> tuple[str, ...]:  # type: ignore[override]
        return ("momentum", "velocity") + ("velocity_hat",) * self.amsgrad

    def rule(
        self,
        theta: np.ndarray,
        g: np.ndarray,
        momentum: np.ndarray,
        velocity: np.ndarray,
        velocity_hat: Any = None,
        *,
        first: bool,
        t: int,
    ) -> None:
        self.decay(theta)
        alpha = self.lr * np.sqrt(1 - self.beta_2**t) / (1 - self.beta_1**t)  # α_t
        momentum += (g - momentum) * (1 - self.beta_1)  # m = m + (g − m)(1 − β₁)
        velocity += (g * g - velocity) * (1 - self.beta_2)  # v = v + (g² − v)(1 − β₂)
        if self.amsgrad:
            np.maximum(velocity_hat, velocity, out=velocity_hat)
            velocity = velocity_hat
        theta -= _over(momentum * alpha, np.sqrt(velocity) + self.epsilon, self.epsilon)  # θ = θ − α_t m / (√v + ε)

    def hyperparameters(self) -> dict[str, object]:
        return {
            "learning_rate": self.lr,
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
            "amsgrad": self.amsgrad,
            "weight_decay": self.weight_decay,
        }


class KerasAdamW(KerasAdam):
    """AdamW as ``keras.optimizers.AdamW``: :class:`KerasAdam` with ``weight_decay`` required, default 0.004."""

    def __init__(
        self,
        learning_rate: float = 0.001,
        weight_decay: float = 0.004,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        amsgrad: bool = False,
    ) -> None:
        if weight_decay is None:
            raise ValueError("weight_decay must be a number >= 0 for KerasAdamW; got weight_decay=None")
        super().__init__(learning_rate, beta_1, beta_2, epsilon, amsgrad, weight_decay)


class KerasNadam(KerasWeightDecay):
    """NAdam as ``keras.optimizers.Nadam`` computes it: the momentum schedule decays with 0.96ᵗ::

        θ ← θ − θ · weight_decay · η                  # when weight_decay is set
        u_t = β₁ (1 − ½ · 0.96ᵗ);    Π_t = u₁ u₂ ⋯ u_t
        m ← m + (g − m)(1 − β₁);    v ← v + (g² − v)(1 − β₂)
        m̂ = u_{t+1} m / (1 − Π_t u_{t+1}) + (1 − u_t) g / (1 − Π_t);    v̂ = v / (1 − β₂ᵗ)
        θ ← θ − η m̂ / (√v̂ + ε)

    torch's NAdam uses 0.96^{0.004 t} (its ``momentum_decay``), so its μ_t stays near β₁/2 for
    hundreds of steps where Keras' u_t is β₁ within a hundred.

    State: ``momentum``, ``velocity``, ``step`` and ``u_product`` (Π_t).
    """

    def __init__(
        self,
        learning_rate: float = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        weight_decay: float | None = None,
    ) -> None:
        super().__init__(learning_rate, weight_decay)
        self.beta_1 = in_unit_interval(beta_1, "beta_1")
        self.beta_2 = in_unit_interval(beta_2, "beta_2")
        self.epsilon = non_negative(epsilon, "epsilon")

    buffer_names = ("momentum", "velocity")

    def per_step(self, state: dict[str, Any]) -> dict[str, Any]:
        """The momentum schedule u_t, u_{t+1} and the running product Π_t, once per step."""
        t = state["step"]
        state["u_product"] = state.get("u_product", 1.0) * self.beta_1 * (1.0 - 0.5 * 0.96**t)
        return {"t": t, "u_product": state["u_product"]}

    def rule(
        self,
        theta: np.ndarray,
        g: np.ndarray,
        momentum: np.ndarray,
        velocity: np.ndarray,
        *,
        first: bool,
        t: int,
        u_product: float,
    ) -> None:
        self.decay(theta)
        b1, b2 = self.beta_1, self.beta_2
        u_t = b1 * (1.0 - 0.5 * 0.96**t)
        u_next = b1 * (1.0 - 0.5 * 0.96 ** (t + 1))
        momentum += (g - momentum) * (1 - b1)
        velocity += (g * g - velocity) * (1 - b2)
        m_hat = u_next * momentum / (1 - u_product * u_next) + (1 - u_t) * g / (1 - u_product)
        v_hat = velocity / (1 - b2**t)
        theta -= _over(m_hat * self.lr, np.sqrt(v_hat) + self.epsilon, self.epsilon)

    def hyperparameters(self) -> dict[str, object]:
        return {
            "learning_rate": self.lr,
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
            "weight_decay": self.weight_decay,
        }
