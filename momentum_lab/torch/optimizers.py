"""PyTorch version of ``momentum_lab.optim``: heavy-ball momentum written from scratch as a torch optimizer.

Chapter 2 ("Momentum: the heavy ball"): heavy ball written as a torch optimizer.

:class:`HeavyBall` is a ``torch.optim.Optimizer`` subclass that takes ``torch.optim.SGD``'s arguments, with
its defaults, and computes exactly what ``torch.optim.SGD`` computes, in a dozen readable lines: per-parameter
state created on first use, ``param_groups`` holding the hyperparameters (so schedulers and
``add_param_group`` work), a step under ``torch.no_grad()`` and the optional closure that re-evaluates the
loss.

Non-finite gradients: like ``torch.optim.SGD``, :class:`HeavyBall` does not check them; a NaN or an
infinity in ``p.grad`` goes into the buffer and the parameter (a check would force a device
synchronisation at every step). The NumPy optimizers of :mod:`momentum_lab.optim` refuse such a gradient
instead; in torch, check the loss (``torch.isfinite(loss)``) or use ``torch.autograd.detect_anomaly``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from momentum_lab._validate import flag, in_unit_interval, non_negative

__all__ = ["HeavyBall"]


def _rate(value: object, name: str) -> float | torch.Tensor:
    """A float ≥ 0, or (as torch allows for ``lr`` and ``weight_decay``) a one-element tensor ≥ 0, kept as is."""
    if isinstance(value, torch.Tensor):
        if value.is_complex() or value.dtype == torch.bool:
            raise TypeError(f"{name} must be a real number or a real 1-element tensor; got dtype {value.dtype}")
        if value.numel() != 1:
            raise ValueError(
                f"{name} must be a float or a 1-element tensor; got a tensor of shape {tuple(value.shape)}"
            )
        if not value.item() >= 0:
            raise ValueError(f"{name} must be >= 0; got {name}={value.item()!r}")
        return value
    return non_negative(value, name)


def _scalar(value: float | torch.Tensor) -> float:
    """The Python number a hyperparameter stands for (a tensor ``lr`` enters the step as its value)."""
    return float(value.item()) if isinstance(value, torch.Tensor) else value


class HeavyBall(torch.optim.Optimizer):
    """Heavy-ball momentum in torch's convention, a from-scratch ``torch.optim.SGD``.

    Update of each parameter θ with gradient g, at steps k = 1, 2, …::

        g ← −g                                        # maximize=True: ascend instead
        g ← g + weight_decay · θ                      # coupled weight decay (when weight_decay ≠ 0)
        b ← g                                         # k = 1: the buffer starts at the first gradient
        b ← momentum · b + (1 − dampening) · g        # k > 1 (when momentum ≠ 0)
        g ← g + momentum · b   if nesterov else  b
        θ ← θ − lr · g

    The buffer holds unscaled gradients and ``lr`` multiplies all of it at every step: with a constant
    ``lr`` this is the classical heavy ball with ``v = lr · b``; under a schedule it is not.
    ``p.grad`` is never modified. State: ``state[p]["momentum_buffer"]`` (when momentum ≠ 0).

    The arguments, their order and their defaults are ``torch.optim.SGD``'s (torch 2.13), so the class is a
    drop-in replacement: ``HeavyBall(model.parameters(), lr=0.1, momentum=0.9)``. Two differences, both
    about what is *rejected*: ``dampening`` must lie in [0, 1] (torch accepts any number), and the two
    kernels this readable loop does not have, ``differentiable=True`` and ``fused=True``, raise
    ``ValueError`` (use ``torch.optim.SGD`` for them).

    Args:
        params: an iterable of tensors or of parameter-group dicts.
        lr: learning rate ≥ 0, a float or a 1-element tensor (default 1e-3, as in ``torch.optim.SGD``).
        momentum: ≥ 0 (default 0: plain gradient descent).
        dampening: in [0, 1] (default 0).
        weight_decay: ≥ 0, a float or a 1-element tensor (coupled, as in ``torch.optim.SGD``; default 0).
        nesterov: Nesterov momentum; needs momentum > 0 and dampening = 0.
        maximize: ascend the objective instead of descending it.
        foreach: accepted for compatibility; torch's multi-tensor kernel computes the same numbers as the
            per-tensor loop, which is what this class always runs.
        differentiable: must be False.
        fused: must be None or False.
    """

    def __init__(
        self,
        params: Any,
        lr: float | torch.Tensor = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float | torch.Tensor = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        lr = _rate(lr, "lr")
        momentum = non_negative(momentum, "momentum")
        dampening = in_unit_interval(dampening, "dampening", closed_right=True)
        weight_decay = _rate(weight_decay, "weight_decay")
        nesterov = flag(nesterov, "nesterov")
        maximize = flag(maximize, "maximize")
        if foreach is not None:
            foreach = flag(foreach, "foreach")
        if flag(differentiable, "differentiable"):
            raise ValueError(
                "differentiable=True is not supported by HeavyBall (use torch.optim.SGD); got differentiable=True"
            )
        if fused is not None and flag(fused, "fused"):
            raise ValueError("fused=True is not supported by HeavyBall (use torch.optim.SGD); got fused=True")
        if nesterov and momentum <= 0:
            raise ValueError(f"nesterov=True requires momentum > 0; got momentum={momentum!r}")
        if nesterov and dampening != 0:
            raise ValueError(f"nesterov=True requires dampening=0; got dampening={dampening!r}")
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
            "foreach": foreach,
            "differentiable": False,
            "fused": fused,
        }
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One update of every parameter that has a gradient. Returns ``closure()``'s loss, if given."""
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr, weight_decay = _scalar(group["lr"]), _scalar(group["weight_decay"])
            momentum, dampening, nesterov = group["momentum"], group["dampening"], group["nesterov"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = -p.grad if group["maximize"] else p.grad
                if weight_decay != 0:
                    g = g.add(p, alpha=weight_decay)  # a new tensor: p.grad is left alone
                if momentum != 0:
                    state = self.state[p]
                    if "momentum_buffer" not in state:
                        buf = state["momentum_buffer"] = g.detach().clone()
                    else:
                        buf = state["momentum_buffer"]
                        buf.mul_(momentum).add_(g, alpha=1 - dampening)
                    g = g.add(buf, alpha=momentum) if nesterov else buf
                p.add_(g, alpha=-lr)
        return loss
