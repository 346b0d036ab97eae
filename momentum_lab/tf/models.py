"""Keras 3 versions of ``momentum_lab.models``: the same classifiers, trained with ``keras.optimizers.SGD``.

Chapter 10 ("Putting it together"): the capstone's models trained in Keras.

:func:`build` turns a from-scratch model (:class:`~momentum_lab.models.LogisticRegression` or
:class:`~momentum_lab.models.TanhMLP`) and a flat parameter vector ``θ`` into a float64
``keras.Sequential`` of ``Dense`` layers holding exactly those numbers; :func:`loss` computes the same
loss, ``mean BCE from logits + (λ/2)‖θ‖²``, with Keras' own ``binary_crossentropy``; :func:`train` runs
the usual custom loop (a ``tf.GradientTape`` per step, ``optimizer.apply_gradients``).

Keras keeps ``learning_rate`` and ``momentum`` in float32 even for float64 weights. Round them with
``momentum_lab.models.as_float32`` before giving them to every implementation, and the runs agree to
rounding error.

Arguments are checked as :func:`momentum_lab.training.train` and :func:`~momentum_lab.training.fit` check
them (a model of the right kind, ``theta0`` of shape ``(dim,)``, ``lr > 0``, integer indices inside the
data), with a TypeError or ValueError naming the argument.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from momentum_lab._validate import as_float_array, as_real_array, in_unit_interval, non_negative

from momentum_lab.models import LogisticRegression, TanhMLP
from momentum_lab.networks import SoftmaxMLP
from momentum_lab.training import FitRecord, TrainingRun, _framework_fit_arguments, _framework_train_arguments

__all__ = ["build", "classifier_loss", "fit", "flat_parameters", "loss", "train"]


def build(model: Any, theta: Any) -> Any:
    """A float64 ``keras.Sequential`` computing ``model``'s logits (shape ``(n, 1)``) with weights ``θ``.

    Logistic regression: ``Dense(1)``. Tanh MLP: ``Dense(hidden, activation="tanh")``, ``Dense(1)``.
    Kernels have Keras' layout ``(inputs, outputs)``, which is the layout of ``θ``.
    :class:`~momentum_lab.networks.SoftmaxMLP`: ``Dense(h, activation="tanh")`` (or ``"relu"``) per hidden
    layer and a linear ``Dense(C)``, logits of shape ``(n, C)``.
    """
    if isinstance(model, SoftmaxMLP):
        widths = model.sizes[1:]
        layers = [
            keras.layers.Dense(w, activation=model.activation, dtype="float64", name=f"hidden{i + 1}")
            for i, w in enumerate(widths[:-1])
        ]
        layers.append(keras.layers.Dense(widths[-1], dtype="float64", name="logits"))
        net = keras.Sequential([keras.Input((model.sizes[0],), dtype="float64"), *layers])
        net.set_weights([np.array(a) for pair in model.unflatten(theta) for a in pair])
        return net
    if isinstance(model, LogisticRegression):
        layers = [keras.layers.Dense(1, dtype="float64", name="linear")]
    elif isinstance(model, TanhMLP):
        layers = [
            keras.layers.Dense(model.hidden, activation="tanh", dtype="float64", name="hidden"),
            keras.layers.Dense(1, dtype="float64", name="output"),
        ]
    else:
        raise TypeError(f"model must be a LogisticRegression, a TanhMLP or a SoftmaxMLP; got {type(model).__name__}")
    net = keras.Sequential([keras.Input((model.X.shape[1],), dtype="float64"), *layers])
    net.set_weights(list(model.unflatten(theta).values()))
    return net


def flat_parameters(net: Any) -> np.ndarray:
    """The network's weights as one float64 vector, in ``momentum_lab.models``' order."""
    return np.concatenate([np.asarray(w, dtype=np.float64).ravel() for w in net.get_weights()])


def _tensor(value: Any, name: str, *, labels: bool = False) -> Any:
    """``value`` as a real tensor (a NumPy array or a list becomes float64, or int64 for labels), or a
    TypeError naming ``name`` for complex, boolean, object or string data."""
    if isinstance(value, (tf.Tensor, tf.Variable)):
        if value.dtype.is_complex or value.dtype in (tf.bool, tf.string):
            raise TypeError(f"{name} must hold real numbers; got a tensor of dtype {value.dtype.name}")
        return value
    if labels:
        array = as_real_array(value, name)
        return tf.constant(array, dtype=tf.int64 if array.dtype.kind in "iu" else tf.float64)
    return tf.constant(as_float_array(value, name), dtype=tf.float64)


def _pair(X: Any, y: Any, labels: bool) -> tuple[Any, Any]:
    X_t, y_t = _tensor(X, "X"), _tensor(y, "y", labels=labels)
    if len(X_t.shape) == 0 or len(y_t.shape) == 0 or X_t.shape[0] != y_t.shape[0]:
        raise ValueError(
            f"X and y must have one row per example; got X.shape={tuple(X_t.shape)}, y.shape={tuple(y_t.shape)}"
        )
    return X_t, y_t


def loss(net: Any, X: Any, y: Any, l2: float) -> Any:
    """``mean(binary_crossentropy(y, net(X), from_logits=True)) + (l2/2) Σ ‖w‖²`` as a scalar tensor.

    ``X`` and ``y`` are tensors or arrays of real numbers with one row per example (``y`` of the logits'
    shape ``(n, 1)``); ``l2 ≥ 0``."""
    l2 = non_negative(l2, "l2")
    X, y = _pair(X, y, labels=False)
    data = keras.ops.mean(keras.losses.binary_crossentropy(y, net(X), from_logits=True))
    penalty = keras.ops.sum([keras.ops.sum(keras.ops.square(w)) for w in net.trainable_variables])
    return data + 0.5 * l2 * penalty


def train(
    model: Any, theta0: Any, lr: float, momentum: float, steps: int, *, nesterov: bool = False, log_every: int = 0
) -> TrainingRun:
    """``steps`` full-batch steps of ``keras.optimizers.SGD(lr, momentum)`` from ``θ₀``.

    Records ``θ_k`` and ``f(θ_k)`` for k = 0, …, steps (the loss at step k is the one computed in that
    step's tape, before the update), like :func:`momentum_lab.training.train`. Returns a
    :class:`~momentum_lab.training.TrainingRun`.
    """
    theta0, lr, steps, nesterov, log_every = _framework_train_arguments(model, theta0, lr, steps, nesterov, log_every)
    momentum = in_unit_interval(momentum, "momentum", closed_right=True)  # keras.optimizers.SGD's range
    net = build(model, theta0)
    optimizer = keras.optimizers.SGD(learning_rate=lr, momentum=momentum, nesterov=nesterov)
    X = tf.constant(model.X, dtype=tf.float64)
    y = tf.constant(model.y[:, None], dtype=tf.float64)
    thetas, losses = [], []
    for k in range(steps):
        thetas.append(flat_parameters(net))
        with tf.GradientTape() as tape:
            value = loss(net, X, y, model.l2)
        grads = tape.gradient(value, net.trainable_variables)
        optimizer.apply_gradients(zip(grads, net.trainable_variables))
        losses.append(float(value))
        if log_every and k % log_every == 0:
            print(f"step {k:5d}: loss {losses[-1]:.8f}")
    thetas.append(flat_parameters(net))
    losses.append(float(loss(net, X, y, model.l2)))
    if log_every:
        print(f"step {steps:5d}: loss {losses[-1]:.8f}")
    return TrainingRun(np.array(thetas), np.array(losses))


def classifier_loss(net: Any, X: Any, y: Any, l2: float) -> Any:
    """``mean(sparse_categorical_crossentropy(y, net(X), from_logits=True)) + (l2/2) Σ ‖w‖²``."""
    l2 = non_negative(l2, "l2")
    X, y = _pair(X, y, labels=True)
    data = keras.ops.mean(keras.losses.sparse_categorical_crossentropy(y, net(X), from_logits=True))
    if not l2:
        return data
    penalty = keras.ops.sum([keras.ops.sum(keras.ops.square(w)) for w in net.trainable_variables])
    return data + 0.5 * l2 * penalty


def fit(
    model: Any,
    theta0: Any,
    optimizer: Any,
    batches: Sequence[Any],
    X: Any,
    y: Any,
    *,
    lr_schedule: Callable[[int], float] | None = None,
    log_every: int = 0,
) -> FitRecord:
    """:func:`momentum_lab.training.fit` in Keras: one ``apply_gradients`` per entry of ``batches``.

    Step k: ``optimizer.learning_rate = lr_schedule(k)`` (when given), the minibatch loss
    ``classifier_loss(net, X[rows], y[rows], model.l2)`` in a ``tf.GradientTape``, then
    ``optimizer.apply_gradients``. A ``keras.optimizers.schedules.LearningRateSchedule`` given to the
    optimizer itself works too (Keras evaluates it at ``optimizer.iterations`` = k).

    Args:
        model: a :class:`~momentum_lab.networks.SoftmaxMLP`; the network is ``build(model, theta0)``.
        optimizer: a fresh ``keras.optimizers.Optimizer`` (it builds its state on the first step).
        batches, X, y: as for :func:`momentum_lab.training.fit` (NumPy arrays).
        lr_schedule: ``k ↦ η_k``, or None. Keras stores the rate in float32.
        log_every: print the mean minibatch loss every ``log_every`` steps.

    Returns a :class:`~momentum_lab.training.FitRecord` (``evals`` empty).
    """
    theta0, batches, X, y, log_every = _framework_fit_arguments(model, theta0, batches, X, y, lr_schedule, log_every)
    if not isinstance(optimizer, keras.optimizers.Optimizer):
        raise TypeError(f"optimizer must be a keras.optimizers.Optimizer; got {type(optimizer).__name__}")
    net = build(model, theta0)
    X = tf.constant(X, dtype=tf.float64)
    y = tf.constant(y, dtype=tf.int64)
    losses, lrs = np.empty(len(batches)), np.empty(len(batches))
    for k, rows in enumerate(batches):
        if lr_schedule is not None:
            optimizer.learning_rate = non_negative(lr_schedule(k), f"lr_schedule({k})")
        lrs[k] = float(optimizer.learning_rate)
        rows = tf.constant(rows, dtype=tf.int64)
        with tf.GradientTape() as tape:
            value = classifier_loss(net, tf.gather(X, rows), tf.gather(y, rows), model.l2)
        grads = tape.gradient(value, net.trainable_variables)
        optimizer.apply_gradients(zip(grads, net.trainable_variables))
        losses[k] = float(value)
        if log_every and (k + 1) % log_every == 0:
            print(f"step {k + 1:5d}: loss {losses[k + 1 - log_every : k + 1].mean():.4f}")
    return FitRecord(losses, lrs, flat_parameters(net))
