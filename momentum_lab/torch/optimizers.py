"""PyTorch version of ``momentum_lab.optim``: heavy-ball momentum written from scratch as a torch optimizer.

Chapter 2 ("Momentum: the heavy ball"): heavy ball written as a torch optimizer.

:class:`HeavyBall` is a ``torch.optim.Optimizer`` subclass computing exactly what ``torch.optim.SGD``
computes (its single-tensor path), in a dozen readable lines: per-parameter state created on first use,
``param_groups`` holding the hyperparameters (so schedulers and ``add_param_group`` work), a step under
``torch.no_grad()`` and the optional closure that re-evaluates the loss.
"""

import torch

from momentum_lab._validate import in_unit_interval, non_negative

__all__ = ["HeavyBall"]


class HeavyBall(torch.optim.Optimizer):
    """Heavy-ball momentum in torch's convention (``torch.optim.SGD`` without its extras).

    Update of each parameter θ with gradient g, at steps k = 1, 2, …::

        g ← g + weight_decay · θ                      # coupled weight decay (when weight_decay ≠ 0)
        b ← g                                         # k = 1: the buffer starts at the first gradient
        b ← momentum · b + (1 − dampening) · g        # k > 1
        g ← g + momentum · b   if nesterov else  b
        θ ← θ − lr · g

    The buffer holds unscaled gradients and ``lr`` multiplies all of it at every step: with a constant
    ``lr`` this is the classical heavy ball with ``v = lr · b``; under a schedule it is not.
    ``p.grad`` is never modified. State: ``state[p]["momentum_buffer"]`` (when momentum ≠ 0).

    Args:
        params: an iterable of tensors or of parameter-group dicts.
        lr: learning rate ≥ 0.
        momentum: ≥ 0 (0 is plain gradient descent).
        nesterov: Nesterov momentum; needs momentum > 0 and dampening = 0.
        dampening: in [0, 1].
        weight_decay: ≥ 0 (coupled, as in torch.optim.SGD).
    """

    def __init__(self, params, lr, momentum=0.9, nesterov=False, dampening=0.0, weight_decay=0.0):
        lr = non_negative(lr, "lr")
        momentum = non_negative(momentum, "momentum")
        dampening = in_unit_interval(dampening, "dampening", closed_right=True)
        weight_decay = non_negative(weight_decay, "weight_decay")
        if not isinstance(nesterov, bool):
            raise TypeError(f"nesterov must be True or False; got nesterov={nesterov!r} ({type(nesterov).__name__})")
        if nesterov and momentum <= 0:
            raise ValueError(f"nesterov=True requires momentum > 0; got momentum={momentum!r}")
        if nesterov and dampening != 0:
            raise ValueError(f"nesterov=True requires dampening=0; got dampening={dampening!r}")
        defaults = {"lr": lr, "momentum": momentum, "nesterov": nesterov, "dampening": dampening,
                    "weight_decay": weight_decay}
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure=None):
        """One update of every parameter that has a gradient. Returns ``closure()``'s loss, if given."""
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr, momentum, dampening = group["lr"], group["momentum"], group["dampening"]
            weight_decay, nesterov = group["weight_decay"], group["nesterov"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad
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
