"""Chapter 2 ("Momentum: the heavy ball"): momentum in the three conventions textbooks and frameworks use.

With η the learning rate, β the momentum and g the gradient:

===================  =====================================  ====================  ============================
class                velocity                               parameter             who writes it this way
===================  =====================================  ====================  ============================
ClassicalMomentum    v ← βv + ηg          (v₀ = 0)          θ ← θ − v             lecture notes, Polyak (1964)
KerasMomentum        v ← βv − ηg          (v₀ = 0)          θ ← θ + v             ``keras.optimizers.SGD``
SGD                  b ← βb + (1−τ)g      (b₁ = g)          θ ← θ − ηb            ``torch.optim.SGD``
===================  =====================================  ====================  ============================

The classical and the Keras forms are the same algorithm for *any* learning-rate schedule
(``v_Keras = −v_classical``, and because negating a float is exact they even agree bit for bit). The
torch form keeps the gradients *unscaled* in its buffer and multiplies the whole buffer by today's η, so
it equals the other two only while η is constant (then ``v = η b``) and the dampening τ is 0.

Each class is its update rule, ``rule(theta, g, *buffers, first)``, in plain NumPy; the engine in
:mod:`momentum_lab.optim._engine` applies it to big arrays fast (in cache-sized chunks, on several
threads) without changing what it computes.
"""

from __future__ import annotations

import numpy as np

from momentum_lab._validate import flag, in_unit_interval, non_negative
from momentum_lab.optim._engine import Optimizer


def _momentum(value: object, *, torch_style: bool) -> float:
    """torch accepts any momentum ≥ 0; Keras wants 0 ≤ momentum ≤ 1."""
    if torch_style:
        return non_negative(value, "momentum")
    return in_unit_interval(value, "momentum", closed_right=True)


class ClassicalMomentum(Optimizer):
    """Heavy-ball momentum in the form of most lecture notes (Polyak 1964)::

        v ← momentum · v + lr · g          # v starts at 0
        θ ← θ − v

    With ``nesterov=True`` (Nesterov's accelerated gradient as written by Sutskever et al. 2013,
    ``v ← βv + η∇f(θ − βv); θ ← θ − v``), in the look-ahead variable ``φ = θ − βv`` so that the
    gradient is taken at the stored iterate itself::

        v ← momentum · v + lr · g
        θ ← θ − (momentum · v + lr · g)    # with the updated v

    Every gradient keeps the ``lr`` it was taken with, so this is the same trajectory as
    :class:`KerasMomentum` under any learning-rate schedule (``v_Keras = −v``).

    State: ``state[θ]["velocity"]``.

    Args:
        lr: learning rate η ≥ 0 (attribute ``lr``; may be changed between steps).
        momentum: β in [0, 1].
        nesterov: use the Nesterov form.
    """

    buffer_names = ("velocity",)

    def __init__(self, lr: float, momentum: float, nesterov: bool = False) -> None:
        super().__init__(lr)
        self.momentum = _momentum(momentum, torch_style=False)
        self.nesterov = flag(nesterov, "nesterov")

    def rule(self, theta: np.ndarray, g: np.ndarray, v: np.ndarray, *, first: bool) -> None:
        """The update of one parameter (in place), as in the class docstring."""
        step = g * self.lr  # η g
        v *= self.momentum
        v += step  # v = β v + η g
        if self.nesterov:
            theta -= v * self.momentum + step  # θ = θ − (β v + η g)
        else:
            theta -= v  # θ = θ − v

    @property
    def label(self) -> str:  # type: ignore[override]
        """A short description for legends and messages."""
        return f"{self.form} momentum (momentum={self.momentum:g}{', nesterov' if self.nesterov else ''})"

    form = "classical"

    def hyperparameters(self) -> dict[str, object]:
        return {"lr": self.lr, "momentum": self.momentum, "nesterov": self.nesterov}


class KerasMomentum(ClassicalMomentum):
    """Heavy-ball momentum as ``keras.optimizers.SGD`` writes it: :class:`ClassicalMomentum` with the
    velocity's sign flipped::

        v ← momentum · v − lr · g          # v starts at 0
        θ ← θ + v

    With ``nesterov=True``::

        v ← momentum · v − lr · g
        θ ← θ + momentum · v − lr · g      # with the updated v

    ``v`` is the negative of :class:`ClassicalMomentum`'s velocity, so the two give identical iterates
    for any learning-rate schedule. Keras itself stores ``lr`` and ``momentum`` as float32 even for
    float64 parameters; this class uses the values it is given (round them with ``np.float32`` first
    to reproduce Keras to ~1e-15).

    State: ``state[θ]["velocity"]``.

    Args:
        lr: learning rate η ≥ 0 (attribute ``lr``; may be changed between steps).
        momentum: β in [0, 1].
        nesterov: use the Nesterov form.
    """

    form = "Keras-form"

    def rule(self, theta: np.ndarray, g: np.ndarray, v: np.ndarray, *, first: bool) -> None:
        """The update of one parameter (in place), as in the class docstring."""
        step = g * self.lr  # η g
        v *= self.momentum
        v -= step  # v = β v − η g
        if self.nesterov:
            theta += v * self.momentum - step  # θ = θ + β v − η g
        else:
            theta += v  # θ = θ + v


class SGD(Optimizer):
    """Stochastic gradient descent with momentum, computed exactly as ``torch.optim.SGD`` does.

    Update of each parameter θ with gradient g, at steps k = 1, 2, …::

        g ← g + weight_decay · θ                      # coupled weight decay (when weight_decay ≠ 0)
        if momentum ≠ 0:
            b ← g                                     # k = 1: the buffer starts at the first gradient
            b ← momentum · b + (1 − dampening) · g    # k > 1
            g ← g + momentum · b   if nesterov else  b
        θ ← θ − lr · g

    Conventions (see the module docstring for the other two forms):

    * the buffer ``b`` holds *gradients*, and ``lr`` multiplies the whole buffer at every step. With a
      constant ``lr`` and no dampening this is the classical heavy ball with ``v = lr · b``; under a
      learning-rate schedule it is not (old gradients are rescaled by today's rate).
    * Nesterov is Sutskever et al.'s look-ahead method written in the shifted variable
      (the iterate is the point where the gradient is evaluated), as in torch and Keras.
    * Weight decay is *coupled*: it is added to the gradient and enters the buffer (L2 regularisation),
      unlike Keras' decoupled ``weight_decay``.
    * The caller's gradients are never modified.

    State: ``state[θ]["momentum_buffer"]`` (only when momentum ≠ 0).

    Args:
        lr: learning rate η ≥ 0 (attribute ``lr``; may be changed between steps).
        momentum: μ ≥ 0 (torch allows μ ≥ 1, which diverges on a quadratic).
        nesterov: use Nesterov momentum; needs momentum > 0 and dampening = 0 (as in torch).
        dampening: τ in [0, 1]; the new gradient enters the buffer with weight (1 − τ).
        weight_decay: ≥ 0.
    """

    def __init__(
        self,
        lr: float,
        momentum: float = 0.0,
        nesterov: bool = False,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(lr)
        self.momentum = _momentum(momentum, torch_style=True)
        self.nesterov = flag(nesterov, "nesterov")
        self.dampening = in_unit_interval(dampening, "dampening", closed_right=True)
        self.weight_decay = non_negative(weight_decay, "weight_decay")
        if self.nesterov and self.momentum <= 0:
            raise ValueError(f"nesterov=True requires momentum > 0; got momentum={self.momentum!r}")
        if self.nesterov and self.dampening != 0:
            raise ValueError(f"nesterov=True requires dampening=0; got dampening={self.dampening!r}")

    @property
    def buffer_names(self) -> tuple[str, ...]:  # type: ignore[override]
        """``("momentum_buffer",)`` when momentum ≠ 0, else no buffer."""
        return ("momentum_buffer",) if self.momentum != 0 else ()

    def rule(
        self,
        theta: np.ndarray,
        g: np.ndarray,
        b: np.ndarray | None = None,
        *,
        first: bool,
    ) -> None:
        """The update of one parameter (in place), as in the class docstring."""
        if self.weight_decay:
            g = g + theta * self.weight_decay  # coupled: the decay enters the buffer
        if self.momentum:
            assert b is not None  # the engine passes the buffer whenever momentum ≠ 0
            if first:
                b[...] = g  # the buffer starts at the first gradient
            else:
                b *= self.momentum
                b += g * (1.0 - self.dampening) if self.dampening else g  # b = μ b + (1 − τ) g
            g = g + b * self.momentum if self.nesterov else b
        theta -= g * self.lr  # θ = θ − η g

    @property
    def label(self) -> str:  # type: ignore[override]
        """A short description for legends and messages."""
        if not self.momentum:
            return "SGD"
        return f"SGD (momentum={self.momentum:g}{', nesterov' if self.nesterov else ''})"

    def hyperparameters(self) -> dict[str, object]:
        return {
            "lr": self.lr,
            "momentum": self.momentum,
            "nesterov": self.nesterov,
            "dampening": self.dampening,
            "weight_decay": self.weight_decay,
        }
