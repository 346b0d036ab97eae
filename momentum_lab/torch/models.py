"""PyTorch versions of ``momentum_lab.models``: the same classifiers, trained with ``torch.optim.SGD``.

:func:`build` turns a from-scratch model (:class:`~momentum_lab.models.LogisticRegression` or
:class:`~momentum_lab.models.TanhMLP`) and a flat parameter vector ``θ`` into a float64
``torch.nn.Sequential`` of ``Linear`` layers holding exactly those numbers; :func:`loss` computes
``mean BCE from logits + (λ/2)‖θ‖²`` with ``binary_cross_entropy_with_logits``; :func:`train` runs the
usual loop (``zero_grad``, ``backward``, ``step``).

``torch.nn.Linear`` stores its weight as ``(outputs, inputs)``, the transpose of Keras' kernel and of the
layout of ``θ``: :func:`build` and :func:`flat_parameters` transpose.
"""

import numpy as np
import torch

from momentum_lab.models import LogisticRegression, TanhMLP
from momentum_lab.training import TrainingRun

__all__ = ["build", "flat_parameters", "loss", "train"]


def build(model, theta):
    """A float64 ``torch.nn.Sequential`` computing ``model``'s logits (shape ``(n, 1)``) with weights ``θ``."""
    if isinstance(model, LogisticRegression):
        net = torch.nn.Sequential(torch.nn.Linear(model.X.shape[1], 1))
    elif isinstance(model, TanhMLP):
        d = model.X.shape[1]
        net = torch.nn.Sequential(torch.nn.Linear(d, model.hidden), torch.nn.Tanh(),
                                  torch.nn.Linear(model.hidden, 1))
    else:
        raise TypeError(f"model must be a LogisticRegression or a TanhMLP; got {type(model).__name__}")
    net = net.double()
    arrays = list(model.unflatten(theta).values())  # kernel, bias, kernel, bias (Keras layout)
    with torch.no_grad():
        for p, a in zip(net.parameters(), arrays):
            p.copy_(torch.from_numpy(a.T.copy() if a.ndim == 2 else a))
    return net


def flat_parameters(net):
    """The network's weights as one float64 vector, in ``momentum_lab.models``' order."""
    return np.concatenate([(p.detach().numpy().T if p.ndim == 2 else p.detach().numpy()).ravel()
                           for p in net.parameters()])


def loss(net, X, y, l2):
    """``binary_cross_entropy_with_logits(net(X), y) + (l2/2) Σ ‖w‖²`` (mean reduction) as a scalar."""
    data = torch.nn.functional.binary_cross_entropy_with_logits(net(X), y)
    penalty = sum((p * p).sum() for p in net.parameters())
    return data + 0.5 * l2 * penalty


def train(model, theta0, lr, momentum, steps, *, nesterov=False, log_every=0):
    """``steps`` full-batch steps of ``torch.optim.SGD(lr, momentum)`` from ``θ₀``.

    Records ``θ_k`` and ``f(θ_k)`` for k = 0, …, steps (the loss at step k is the one computed before
    that step's update), like :func:`momentum_lab.training.train`. Returns a
    :class:`~momentum_lab.training.TrainingRun`.
    """
    net = build(model, theta0)
    optimizer = torch.optim.SGD(net.parameters(), lr=lr, momentum=momentum, nesterov=nesterov)
    X = torch.from_numpy(model.X)
    y = torch.from_numpy(model.y[:, None].copy())
    thetas, losses = [], []
    for k in range(steps):
        thetas.append(flat_parameters(net))
        optimizer.zero_grad()
        value = loss(net, X, y, model.l2)
        value.backward()
        optimizer.step()
        losses.append(value.item())
        if log_every and k % log_every == 0:
            print(f"step {k:5d}: loss {losses[-1]:.8f}")
    thetas.append(flat_parameters(net))
    with torch.no_grad():
        losses.append(loss(net, X, y, model.l2).item())
    if log_every:
        print(f"step {steps:5d}: loss {losses[-1]:.8f}")
    return TrainingRun(np.array(thetas), np.array(losses))
