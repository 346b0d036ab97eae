"""Keras 3 versions of ``momentum_lab.models``: the same classifiers, trained with ``keras.optimizers.SGD``.

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
from momentum_lab.training import TrainingRun

__all__ = ["build", "flat_parameters", "loss", "train"]


def build(model, theta):
    """A float64 ``keras.Sequential`` computing ``model``'s logits (shape ``(n, 1)``) with weights ``θ``.

    Logistic regression: ``Dense(1)``. Tanh MLP: ``Dense(hidden, activation="tanh")``, ``Dense(1)``.
    Kernels have Keras' layout ``(inputs, outputs)``, which is the layout of ``θ``.
    """
    if isinstance(model, LogisticRegression):
        layers = [keras.layers.Dense(1, dtype="float64", name="linear")]
    elif isinstance(model, TanhMLP):
        layers = [keras.layers.Dense(model.hidden, activation="tanh", dtype="float64", name="hidden"),
                  keras.layers.Dense(1, dtype="float64", name="output")]
    else:
        raise TypeError(f"model must be a LogisticRegression or a TanhMLP; got {type(model).__name__}")
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
