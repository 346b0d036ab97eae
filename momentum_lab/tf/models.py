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
"""

import keras
import numpy as np
import tensorflow as tf

from momentum_lab.models import LogisticRegression, TanhMLP
from momentum_lab.networks import SoftmaxMLP
from momentum_lab.training import FitRecord, TrainingRun

__all__ = ["build", "classifier_loss", "fit", "flat_parameters", "loss", "train"]


def build(model, theta):
    """A float64 ``keras.Sequential`` computing ``model``'s logits (shape ``(n, 1)``) with weights ``θ``.

    Logistic regression: ``Dense(1)``. Tanh MLP: ``Dense(hidden, activation="tanh")``, ``Dense(1)``.
    Kernels have Keras' layout ``(inputs, outputs)``, which is the layout of ``θ``.
    :class:`~momentum_lab.networks.SoftmaxMLP`: ``Dense(h, activation="tanh")`` (or ``"relu"``) per hidden
    layer and a linear ``Dense(C)``, logits of shape ``(n, C)``.
    """
    if isinstance(model, SoftmaxMLP):
        widths = model.sizes[1:]
        layers = [keras.layers.Dense(w, activation=model.activation, dtype="float64", name=f"hidden{i + 1}")
                  for i, w in enumerate(widths[:-1])]
        layers.append(keras.layers.Dense(widths[-1], dtype="float64", name="logits"))
        net = keras.Sequential([keras.Input((model.sizes[0],), dtype="float64"), *layers])
        net.set_weights([np.array(a) for pair in model.unflatten(theta) for a in pair])
        return net
    if isinstance(model, LogisticRegression):
        layers = [keras.layers.Dense(1, dtype="float64", name="linear")]
    elif isinstance(model, TanhMLP):
        layers = [keras.layers.Dense(model.hidden, activation="tanh", dtype="float64", name="hidden"),
                  keras.layers.Dense(1, dtype="float64", name="output")]
    else:
        raise TypeError(f"model must be a LogisticRegression, a TanhMLP or a SoftmaxMLP; got {type(model).__name__}")
    net = keras.Sequential([keras.Input((model.X.shape[1],), dtype="float64"), *layers])
    net.set_weights(list(model.unflatten(theta).values()))
    return net


def flat_parameters(net):
    """The network's weights as one float64 vector, in ``momentum_lab.models``' order."""
    return np.concatenate([np.asarray(w, dtype=np.float64).ravel() for w in net.get_weights()])


def loss(net, X, y, l2):
    """``mean(binary_crossentropy(y, net(X), from_logits=True)) + (l2/2) Σ ‖w‖²`` as a scalar tensor."""
    data = keras.ops.mean(keras.losses.binary_crossentropy(y, net(X), from_logits=True))
    penalty = keras.ops.sum([keras.ops.sum(keras.ops.square(w)) for w in net.trainable_variables])
    return data + 0.5 * l2 * penalty


def train(model, theta0, lr, momentum, steps, *, nesterov=False, log_every=0):
    """``steps`` full-batch steps of ``keras.optimizers.SGD(lr, momentum)`` from ``θ₀``.

    Records ``θ_k`` and ``f(θ_k)`` for k = 0, …, steps (the loss at step k is the one computed in that
    step's tape, before the update), like :func:`momentum_lab.training.train`. Returns a
    :class:`~momentum_lab.training.TrainingRun`.
    """
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


def classifier_loss(net, X, y, l2):
    """``mean(sparse_categorical_crossentropy(y, net(X), from_logits=True)) + (l2/2) Σ ‖w‖²``."""
    data = keras.ops.mean(keras.losses.sparse_categorical_crossentropy(y, net(X), from_logits=True))
    if not l2:
        return data
    penalty = keras.ops.sum([keras.ops.sum(keras.ops.square(w)) for w in net.trainable_variables])
    return data + 0.5 * l2 * penalty


def fit(model, theta0, optimizer, batches, X, y, *, lr_schedule=None, log_every=0):
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
    net = build(model, theta0)
    X = tf.constant(X, dtype=tf.float64)
    y = tf.constant(y, dtype=tf.int64)
    losses, lrs = np.empty(len(batches)), np.empty(len(batches))
    for k, rows in enumerate(batches):
        if lr_schedule is not None:
            optimizer.learning_rate = float(lr_schedule(k))
        lrs[k] = float(optimizer.learning_rate)
        rows = tf.constant(rows, dtype=tf.int64)
        with tf.GradientTape() as tape:
            value = classifier_loss(net, tf.gather(X, rows), tf.gather(y, rows), model.l2)
        grads = tape.gradient(value, net.trainable_variables)
        optimizer.apply_gradients(zip(grads, net.trainable_variables))
        losses[k] = float(value)
        if log_every and (k + 1) % log_every == 0:
            print(f"step {k + 1:5d}: loss {losses[k + 1 - log_every:k + 1].mean():.4f}")
    return FitRecord(losses, lrs, flat_parameters(net))
