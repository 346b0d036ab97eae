"""Optimizers from scratch in NumPy, one module per family, each class its update rule.

* :mod:`~momentum_lab.optim.gradient_descent` (chapter 1): ``GradientDescent``, ``gradient_descent``,
  ``gradient_descent_step``;
* :mod:`~momentum_lab.optim.momentum` (chapter 2): ``ClassicalMomentum``, ``KerasMomentum`` and ``SGD``
  (torch's convention), with the table of the three conventions in its docstring;
* :mod:`~momentum_lab.optim.adaptive` (chapter 12): ``Adagrad``, ``RMSprop``, ``Adam``, ``AdamW``, ``NAdam``
  (torch's conventions) and ``KerasAdagrad``, ``KerasRMSprop``, ``KerasAdam``, ``KerasAdamW``, ``KerasNadam``;
* :mod:`~momentum_lab.optim.schedules` (chapter 11): learning-rate schedules ``k ↦ η_k`` (``StepDecay``,
  ``CosineDecay``, ``LinearWarmup``, ``OneCycle``), the rates of ``torch.optim.lr_scheduler`` and Keras;
* :mod:`~momentum_lab.optim.averaging` (chapter 11): ``PolyakAverage`` and ``EMA`` of the iterates;
* :mod:`~momentum_lab.optim.trajectory` (chapters 1–3): ``trajectory`` records a run's iterates and
  ``landscape_run`` gives the explorers a run with its verdict;
* :mod:`~momentum_lab.optim._engine` (private): the per-parameter state and the chunked, multi-threaded
  application that makes any rule fast without changing what it computes.

Every optimizer updates NumPy arrays **in place**::

    opt = SGD(lr=0.1, momentum=0.9)
    for _ in range(100):
        opt.step([w, b], [grad_w, grad_b])      # w and b change; grads are left untouched

Per-parameter state (the momentum buffer) is created on the first step that updates a parameter and is
looked up by the parameter array itself, as in torch (``opt.state[w]["momentum_buffer"]``). Pass the
same array objects at every step: a fresh view such as ``x[:2]`` would start a fresh buffer each time.
"""

from momentum_lab.optim._engine import (
    CHUNK_BYTES,
    PARALLEL_MIN_SIZE,
    Optimizer,
    ParamState,
    get_num_threads,
    set_num_threads,
)
from momentum_lab.optim.adaptive import (
    Adagrad,
    Adam,
    AdamW,
    KerasAdagrad,
    KerasAdam,
    KerasAdamW,
    KerasNadam,
    KerasRMSprop,
    NAdam,
    RMSprop,
)
from momentum_lab.optim.gradient_descent import GradientDescent, gradient_descent, gradient_descent_step
from momentum_lab.optim.momentum import SGD, ClassicalMomentum, KerasMomentum
from momentum_lab.optim.averaging import EMA, PolyakAverage
from momentum_lab.optim.schedules import Constant, CosineDecay, LinearWarmup, OneCycle, StepDecay
from momentum_lab.optim.trajectory import DIVERGENCE_NORM, DivergenceWarning, landscape_run, trajectory

__all__ = [
    "Adagrad",
    "Adam",
    "AdamW",
    "KerasAdagrad",
    "KerasAdam",
    "KerasAdamW",
    "KerasNadam",
    "KerasRMSprop",
    "NAdam",
    "RMSprop",
    "CHUNK_BYTES",
    "DIVERGENCE_NORM",
    "PARALLEL_MIN_SIZE",
    "ClassicalMomentum",
    "Constant",
    "CosineDecay",
    "DivergenceWarning",
    "EMA",
    "GradientDescent",
    "KerasMomentum",
    "LinearWarmup",
    "OneCycle",
    "Optimizer",
    "ParamState",
    "PolyakAverage",
    "SGD",
    "StepDecay",
    "get_num_threads",
    "gradient_descent",
    "gradient_descent_step",
    "landscape_run",
    "set_num_threads",
    "trajectory",
]
