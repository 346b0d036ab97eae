"""Keras 3 version of ``momentum_lab.optim``: heavy-ball momentum written from scratch as a Keras optimizer.

Chapter 2 ("Momentum: the heavy ball"): heavy ball written as a Keras optimizer.

:class:`HeavyBall` is a ``keras.optimizers.Optimizer`` subclass in Keras' own form of momentum (the form
of ``momentum_lab.optim.KerasMomentum``), so it reproduces ``keras.optimizers.SGD(momentum=…)`` step for
step. It shows the three things a Keras optimizer writes:

* ``build(variables)``: one momentum slot per trained variable, made by ``add_variable_from_reference``
  (same shape and dtype, starts at zero);
* ``update_step(gradient, variable, learning_rate)``: the update, with ``keras.ops`` and ``self.assign*``,
  called by ``apply_gradients`` (from ``model.fit`` or a ``GradientTape`` loop);
* ``get_config()``: the constructor arguments, so a compiled model saves to ``.keras`` and loads back
  (the class is registered as ``"momentum_lab>HeavyBall"``) and ``HeavyBall.from_config(config)`` rebuilds it.

Its arguments are checked as :class:`momentum_lab.optim.KerasMomentum` checks them (a negative
``learning_rate``, which Keras' ``SGD`` accepts and then climbs, raises ``ValueError``), and its ``repr``
shows them: ``HeavyBall(learning_rate=0.01, momentum=0.9, nesterov=False)``.

Keras conventions kept: ``learning_rate`` is a float32 variable (or a schedule), and ``momentum`` is
cast to the variable's dtype from a Python float, which goes through float32 too. So even for float64
variables the update uses ``float32(η)`` and ``float32(β)``: a float64 NumPy run with the raw values
differs by ~1e-6, one with ``np.float32(η)``, ``np.float32(β)`` agrees to ~1e-15.

Non-finite gradients: like every Keras optimizer, :class:`HeavyBall` does not check them; a NaN or an
infinity in a gradient is written into the momentum slot and the variable (checking would add a
reduction to every step of a compiled graph). The NumPy optimizers of :mod:`momentum_lab.optim` refuse
such a gradient instead; in Keras, stop on a non-finite loss (``keras.callbacks.TerminateOnNaN``).
"""

from __future__ import annotations

import inspect
import numbers
from typing import Any

import keras
import numpy as np
from keras import ops

from momentum_lab._validate import flag, in_unit_interval, non_negative

__all__ = ["HeavyBall"]


@keras.saving.register_keras_serializable(package="momentum_lab")
class HeavyBall(keras.optimizers.Optimizer):
    """Heavy-ball momentum (Polyak 1964) in Keras' convention.

    Update of each variable θ with gradient g (``m`` starts at 0)::

        m ← momentum · m − learning_rate · g
        θ ← θ + m                                   # nesterov=False
        θ ← θ + momentum · m − learning_rate · g    # nesterov=True (with the updated m)

    ``m`` is minus the classical velocity (``v ← βv + ηg; θ ← θ − v``). Every gradient keeps the
    learning rate it was taken with, so under a schedule this differs from ``torch.optim.SGD``, which
    multiplies its whole buffer by today's rate.

    Args:
        learning_rate: a float ≥ 0, a ``keras.optimizers.schedules.LearningRateSchedule`` or a callable.
        momentum: β in [0, 1] (an int is accepted and converted, unlike ``keras.optimizers.SGD``).
        nesterov: use Nesterov momentum (Sutskever et al. 2013, look-ahead variable).
        name: the optimizer's name.
        **kwargs: Keras' common optimizer arguments (``weight_decay``, ``clipnorm``, ``use_ema``, …).

    Example::

        model.compile(optimizer=HeavyBall(0.01, momentum=0.9), loss="mse")
    """

    def __init__(
        self,
        learning_rate: Any = 0.01,
        momentum: float = 0.9,
        nesterov: bool = False,
        name: str = "heavy_ball",
        **kwargs: Any,
    ) -> None:
        if isinstance(learning_rate, numbers.Real) or not (
            callable(learning_rate) or isinstance(learning_rate, keras.optimizers.schedules.LearningRateSchedule)
        ):  # a schedule or a callable is Keras' to check; anything else must be a number
            learning_rate = non_negative(learning_rate, "learning_rate")
        if not isinstance(name, str):
            raise TypeError(f"name must be a string; got name={name!r} ({type(name).__name__})")
        momentum = in_unit_interval(momentum, "momentum", closed_right=True)
        nesterov = flag(nesterov, "nesterov")
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.momentum = momentum
        self.nesterov = nesterov

    def build(self, variables: list[Any]) -> None:
        """Create one momentum slot per variable (zeros, same shape and dtype)."""
        if self.built:
            return
        super().build(variables)
        self.momentums = [
            self.add_variable_from_reference(reference_variable=variable, name="momentum") for variable in variables
        ]

    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        """One step for one variable (see the class docstring)."""
        learning_rate = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        momentum = ops.cast(self.momentum, variable.dtype)
        m = self.momentums[self._get_variable_index(variable)]
        step = ops.multiply(gradient, learning_rate)  # η g
        self.assign(m, ops.subtract(ops.multiply(m, momentum), step))  # m = β m − η g
        if self.nesterov:
            self.assign_add(variable, ops.subtract(ops.multiply(m, momentum), step))  # θ += β m − η g
        else:
            self.assign_add(variable, m)  # θ += m

    def get_config(self) -> dict[str, Any]:
        """The constructor's arguments (Keras' common ones included); ``HeavyBall.from_config`` inverts it."""
        config = super().get_config()
        config.update({"momentum": self.momentum, "nesterov": self.nesterov})
        return config

    def __repr__(self) -> str:
        """``HeavyBall(learning_rate=…, momentum=…, nesterov=…)``, then Keras' arguments not at their defaults."""
        config = self.get_config()
        rate = self._learning_rate
        if isinstance(rate, keras.optimizers.schedules.LearningRateSchedule):
            learning_rate = f"{type(rate).__name__}({', '.join(f'{k}={v!r}' for k, v in rate.get_config().items())})"
        elif callable(rate) and not isinstance(rate, keras.Variable):
            learning_rate = getattr(rate, "__name__", repr(rate))
        else:  # a float32 variable: show the float32 value as written (0.01, not 0.009999999776482582)
            learning_rate = str(np.float32(config["learning_rate"]))
        parts = [f"learning_rate={learning_rate}", f"momentum={self.momentum!r}", f"nesterov={self.nesterov!r}"]
        if config["name"] != "heavy_ball":
            parts.append(f"name={config['name']!r}")
        parts += [
            f"{key}={config[key]!r}"
            for key, default in _COMMON_DEFAULTS.items()
            if key in config and config[key] != default
        ]
        return f"HeavyBall({', '.join(parts)})"


# Keras' common optimizer arguments and their defaults, shown by repr only when they differ.
_COMMON_DEFAULTS = {
    name: parameter.default
    for name, parameter in inspect.signature(keras.optimizers.SGD).parameters.items()
    if parameter.default is not inspect.Parameter.empty
    and name not in {"learning_rate", "momentum", "nesterov", "name"}
}
