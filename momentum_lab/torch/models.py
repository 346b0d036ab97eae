"""PyTorch versions of ``momentum_lab.models``: the same classifiers, trained with ``torch.optim.SGD``.

:func:`build` turns a from-scratch model (:class:`~momentum_lab.models.LogisticRegression` or
:class:`~momentum_lab.models.TanhMLP`) and a flat parameter vector ``θ`` into a float64
``torch.nn.Sequential`` of ``Linear`` layers holding exactly those numbers; :func:`loss` computes
``mean BCE from logits + (λ/2)‖θ‖²`` with ``binary_cross_entropy_with_logits``; :func:`train` runs the
usual loop (``zero_grad``, ``backward``, ``step``).

``torch.nn.Linear`` stores its weight as ``(outputs, inputs)``, the transpose of Keras' kernel and of the
layout of ``θ``: :func:`build` and :func:`flat_parameters` transpose.

Chapters 11 and 12: :func:`build` also makes the digits classifier
(:class:`~momentum_lab.networks.SoftmaxMLP`), :func:`classifier_loss` is its loss with ``cross_entropy``,
and :func:`fit` is the minibatch loop of :func:`momentum_lab.training.fit` with a ``torch.optim``
optimizer, fed the same index arrays.

Arguments are checked as :func:`momentum_lab.training.train` and :func:`~momentum_lab.training.fit` check
them (a model of the right kind, ``theta0`` of shape ``(dim,)``, ``lr > 0``, integer indices inside the
data), with a TypeError or ValueError naming the argument.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch

from momentum_lab._validate import as_float_array, as_real_array, check_callable, non_negative

from momentum_lab.models import LogisticRegression, TanhMLP
from momentum_lab.networks import SoftmaxMLP
from momentum_lab.training import FitRecord, TrainingRun, _framework_fit_arguments, _framework_train_arguments

__all__ = ["build", "classifier_loss", "fit", "flat_parameters", "loss", "train"]


def build(model: Any, theta: Any) -> torch.nn.Sequential:
    """A float64 ``torch.nn.Sequential`` computing ``model``'s logits (shape ``(n, 1)``, or ``(n, C)`` for
    a :class:`~momentum_lab.networks.SoftmaxMLP`: ``Linear``, ``Tanh`` (or ``ReLU``), …, ``Linear``)
    with weights ``θ``."""
    if isinstance(model, SoftmaxMLP):
        layers = []
        for n_in, n_out in model.shapes:
            layers += [torch.nn.Linear(n_in, n_out), torch.nn.Tanh() if model.activation == "tanh" else torch.nn.ReLU()]
        net = torch.nn.Sequential(*layers[:-1]).double()
        arrays = [a for pair in model.unflatten(theta) for a in pair]
        with torch.no_grad():
            for p, a in zip(net.parameters(), arrays):
                p.copy_(torch.from_numpy(a.T.copy() if a.ndim == 2 else a.copy()))
        return net
    if isinstance(model, LogisticRegression):
        net = torch.nn.Sequential(torch.nn.Linear(model.X.shape[1], 1))
    elif isinstance(model, TanhMLP):
        d = model.X.shape[1]
        net = torch.nn.Sequential(torch.nn.Linear(d, model.hidden), torch.nn.Tanh(), torch.nn.Linear(model.hidden, 1))
    else:
        raise TypeError(f"model must be a LogisticRegression, a TanhMLP or a SoftmaxMLP; got {type(model).__name__}")
    net = net.double()
    arrays = list(model.unflatten(theta).values())  # kernel, bias, kernel, bias (Keras layout)
    with torch.no_grad():
        for p, a in zip(net.parameters(), arrays):
            p.copy_(torch.from_numpy(a.T.copy() if a.ndim == 2 else a))
    return net


def flat_parameters(net: torch.nn.Module) -> np.ndarray:
    """The network's weights as one float64 vector, in ``momentum_lab.models``' order."""
    return np.concatenate(
        [(p.detach().numpy().T if p.ndim == 2 else p.detach().numpy()).ravel() for p in net.parameters()]
    )


def _tensor(value: Any, name: str, *, labels: bool = False) -> torch.Tensor:
    """``value`` as a real tensor (a NumPy array or a list becomes float64, or int64 for labels), or a
    TypeError naming ``name`` for complex, boolean, object or string data."""
    if isinstance(value, torch.Tensor):
        if value.is_complex() or value.dtype == torch.bool:
            raise TypeError(f"{name} must hold real numbers; got a tensor of dtype {value.dtype}")
        return value
    if labels:
        array = as_real_array(value, name)
        return torch.from_numpy(np.ascontiguousarray(array, dtype=np.int64 if array.dtype.kind in "iu" else None))
    return torch.from_numpy(np.ascontiguousarray(as_float_array(value, name)))


def _pair(X: Any, y: Any, labels: bool) -> tuple[torch.Tensor, torch.Tensor]:
    X_t, y_t = _tensor(X, "X"), _tensor(y, "y", labels=labels)
    if X_t.ndim == 0 or y_t.ndim == 0 or X_t.shape[0] != y_t.shape[0]:
        raise ValueError(
            f"X and y must have one row per example; got X.shape={tuple(X_t.shape)}, y.shape={tuple(y_t.shape)}"
        )
    return X_t, y_t


def loss(net: torch.nn.Module, X: Any, y: Any, l2: float) -> torch.Tensor:
    """``binary_cross_entropy_with_logits(net(X), y) + (l2/2) Σ ‖w‖²`` (mean reduction) as a scalar.

    ``X`` and ``y`` are tensors or arrays of real numbers with one row per example (``y`` of the logits'
    shape ``(n, 1)``); ``l2 ≥ 0``."""
    l2 = non_negative(l2, "l2")
    X, y = _pair(X, y, labels=False)
    data = torch.nn.functional.binary_cross_entropy_with_logits(net(X), y)
    penalty = sum((p * p).sum() for p in net.parameters())
    return data + 0.5 * l2 * penalty


def train(
    model: Any, theta0: Any, lr: float, momentum: float, steps: int, *, nesterov: bool = False, log_every: int = 0
) -> TrainingRun:
    """``steps`` full-batch steps of ``torch.optim.SGD(lr, momentum)`` from ``θ₀``.

    Records ``θ_k`` and ``f(θ_k)`` for k = 0, …, steps (the loss at step k is the one computed before
    that step's update), like :func:`momentum_lab.training.train`. Returns a
    :class:`~momentum_lab.training.TrainingRun`.
    """
    theta0, lr, steps, nesterov, log_every = _framework_train_arguments(model, theta0, lr, steps, nesterov, log_every)
    momentum = non_negative(momentum, "momentum")  # torch.optim.SGD's range
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


def classifier_loss(net: torch.nn.Module, X: Any, y: Any, l2: float) -> torch.Tensor:
    """``cross_entropy(net(X), y) + (l2/2) Σ ‖w‖²`` (integer targets, mean reduction) as a scalar."""
    l2 = non_negative(l2, "l2")
    X, y = _pair(X, y, labels=True)
    data = torch.nn.functional.cross_entropy(net(X), y)
    if not l2:
        return data
    return data + 0.5 * l2 * sum((p * p).sum() for p in net.parameters())


def fit(
    model: Any,
    theta0: Any,
    make_optimizer: Callable[[Any], torch.optim.Optimizer],
    batches: Sequence[Any],
    X: Any,
    y: Any,
    *,
    lr_schedule: Callable[[int], float] | None = None,
    make_scheduler: Callable[[torch.optim.Optimizer], Any] | None = None,
    log_every: int = 0,
) -> FitRecord:
    """:func:`momentum_lab.training.fit` in PyTorch: one ``torch.optim`` step per entry of ``batches``.

    Step k: set every group's ``lr`` to ``lr_schedule(k)`` (when given), ``zero_grad``, the minibatch loss
    ``classifier_loss(net, X[rows], y[rows], model.l2)``, ``backward``, ``step``, then
    ``scheduler.step()`` (when given).

    Args:
        model: a :class:`~momentum_lab.networks.SoftmaxMLP`; the network is ``build(model, theta0)``.
        make_optimizer: ``parameters ↦ torch.optim.Optimizer``, e.g.
            ``lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9)``.
        batches, X, y: as for :func:`momentum_lab.training.fit` (NumPy arrays).
        lr_schedule: ``k ↦ η_k``, or None.
        make_scheduler: ``optimizer ↦ torch.optim.lr_scheduler.LRScheduler``, stepped after every
            optimizer step (so step k uses the scheduler's k-th rate), or None.
        log_every: print the mean minibatch loss every ``log_every`` steps.

    Returns a :class:`~momentum_lab.training.FitRecord` (``evals`` empty).
    """
    theta0, batches, X, y, log_every = _framework_fit_arguments(model, theta0, batches, X, y, lr_schedule, log_every)
    check_callable(make_optimizer, "make_optimizer", "parameters -> torch.optim.Optimizer")
    if make_scheduler is not None:
        check_callable(make_scheduler, "make_scheduler", "optimizer -> LRScheduler, or None")
    net = build(model, theta0)
    optimizer = make_optimizer(net.parameters())
    scheduler = make_scheduler(optimizer) if make_scheduler is not None else None
    X_t = torch.from_numpy(np.ascontiguousarray(X, dtype=np.float64))
    y_t = torch.from_numpy(np.asarray(y, dtype=np.int64))
    losses, lrs = np.empty(len(batches)), np.empty(len(batches))
    for k, rows in enumerate(batches):
        if lr_schedule is not None:
            for group in optimizer.param_groups:
                group["lr"] = non_negative(lr_schedule(k), f"lr_schedule({k})")
        lrs[k] = optimizer.param_groups[0]["lr"]
        index = torch.from_numpy(np.asarray(rows, dtype=np.int64))
        optimizer.zero_grad()
        value = classifier_loss(net, X_t[index], y_t[index], model.l2)
        value.backward()
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        losses[k] = value.item()
        if log_every and (k + 1) % log_every == 0:
            print(f"step {k + 1:5d}: loss {losses[k + 1 - log_every : k + 1].mean():.4f}")
    return FitRecord(losses, lrs, flat_parameters(net))
