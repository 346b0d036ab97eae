"""One momentum step on 10 million float32 parameters: momentum_lab.optim.SGD against the frameworks.

Measured in one process on the same arrays' sizes:

1. ``SGD(lr, momentum=0.9).step(θ, g)`` (from scratch, NumPy, chunked and threaded) vs
   ``torch.optim.SGD(momentum=0.9, foreach=True).step()`` with torch's default threads (goal ≤ 1.2×),
   and the same with one thread each (reported).
2. vs Keras 3 ``SGD(momentum=0.9).apply_gradients`` on a ``tf.Variable`` (reported).
3. Effective bandwidth. Accounting: a momentum step reads θ, g and the buffer b and writes θ and b,
   5 × 4 bytes per parameter (200 MB at 10M; cache write-allocate traffic not counted). A copy of the
   same three arrays with ``np.copyto`` reads and writes each once, 6 × 4 bytes per parameter. Goal: the
   step's bandwidth is at least half the copy's.
4. ``Adam().step(θ, g)`` and ``AdamW().step(θ, g)`` (torch's defaults) vs ``torch.optim.Adam`` /
   ``AdamW`` with ``foreach=True`` (goal ≤ 1.2×), with their effective bandwidth: an Adam step reads θ, g,
   m and v and writes θ, m and v, 7 × 4 bytes per parameter, against a copy of those four arrays
   (8 × 4 bytes per parameter).
"""

import numpy as np

from benchmarks._harness import Row, best_time
from momentum_lab import optim

GROUP = "optim"
LR, MOMENTUM = 1e-3, 0.9


def _arrays(n, seed=0):
    rng = np.random.default_rng(seed)
    theta = rng.standard_normal(n, dtype=np.float32)
    grad = 1e-3 * rng.standard_normal(n, dtype=np.float32)
    return theta, grad


def _ours(n):
    theta, grad = _arrays(n)
    opt = optim.SGD(LR, momentum=MOMENTUM)
    return lambda: opt.step(theta, grad)


def _torch(n):
    import torch

    theta, grad = _arrays(n)
    p = torch.nn.Parameter(torch.from_numpy(theta))
    p.grad = torch.from_numpy(grad)
    opt = torch.optim.SGD([p], lr=LR, momentum=MOMENTUM, foreach=True)
    return opt.step


def _keras(n):
    import keras
    import tensorflow as tf

    theta, grad = _arrays(n)
    v = tf.Variable(theta)
    g = tf.constant(grad)
    opt = keras.optimizers.SGD(learning_rate=LR, momentum=MOMENTUM)
    return lambda: opt.apply_gradients([(g, v)])


def _ours_adam(n, name):
    theta, grad = _arrays(n)
    opt = getattr(optim, name)()
    return lambda: opt.step(theta, grad)


def _torch_adam(n, name):
    import torch

    theta, grad = _arrays(n)
    p = torch.nn.Parameter(torch.from_numpy(theta))
    p.grad = torch.from_numpy(grad)
    opt = getattr(torch.optim, name)([p], foreach=True)
    return opt.step


def _copy(n, arrays=3):
    sources = [_arrays(n, seed)[0] for seed in range(arrays)]  # stand-ins for θ, g, b (and v)
    targets = [np.empty_like(s) for s in sources]

    def copy():
        for t, s in zip(targets, sources):
            np.copyto(t, s)

    return copy


def _interleaved(fns, rounds, min_time):
    """Median time per call of each function, measured in alternation (round after round), so that a
    change of load on a shared machine hits every contender alike."""
    times = [[] for _ in fns]
    for _ in range(rounds):
        for i, fn in enumerate(fns):
            times[i].append(best_time(fn, repeat=1, min_time=min_time))
    return [float(np.median(t)) for t in times]


def run(quick=False):
    import torch

    n = 1_000_000 if quick else 10_000_000
    size = f"{n / 1e6:g}M float32"
    rounds, min_time = (5, 0.05) if quick else (11, 0.2)
    rows = []

    # Default threads everywhere: ours, torch, Keras and the copy, measured in alternation.
    ours, torch_default, keras_s, copy_s = _interleaved([_ours(n), _torch(n), _keras(n), _copy(n)], rounds, min_time)

    # 1. Against torch.
    rows.append(
        Row(
            GROUP,
            f"SGD(momentum=0.9).step, {size}, {optim.get_num_threads()} threads",
            ours,
            f"torch.optim.SGD foreach ({torch.get_num_threads()} threads)",
            torch_default,
            "≤ 1.2× torch",
            ours / torch_default <= 1.2,
            extra={"threads_ours": optim.get_num_threads(), "threads_torch": torch.get_num_threads()},
        )
    )

    # One thread each (NumPy ufuncs are single-threaded; this is the kernel against the kernel).
    torch_threads = torch.get_num_threads()
    try:
        optim.set_num_threads(1)
        torch.set_num_threads(1)
        ours_1, torch_1 = _interleaved([_ours(n), _torch(n)], rounds, min_time)
    finally:
        optim.set_num_threads(None)
        torch.set_num_threads(torch_threads)
    rows.append(
        Row(GROUP, f"same, 1 thread each, {size}", ours_1, "torch.optim.SGD foreach (1 thread)", torch_1, "reported")
    )

    # 2. Keras.
    rows.append(
        Row(
            GROUP,
            f"SGD(momentum=0.9).step, {size}",
            ours,
            "keras SGD apply_gradients (tf.Variable)",
            keras_s,
            "reported",
        )
    )

    # 3. Bandwidth against a copy of the same three arrays.
    step_bw = 5 * 4 * n / ours / 1e9
    copy_bw = 6 * 4 * n / copy_s / 1e9
    rows.append(
        Row(
            GROUP,
            "effective bandwidth of the step (read θ, g, b; write θ, b)",
            None,
            f"np.copyto of θ, g, b: {copy_bw:.1f} GB/s (ours {step_bw / copy_bw:.2f}×)",
            copy_s,
            "≥ 0.5× copy bandwidth",
            step_bw >= 0.5 * copy_bw,
            value=step_bw,
            unit="GB/s",
            extra={"copy_GBps": copy_bw, "fraction": step_bw / copy_bw, "step_GBps_1_thread": 5 * 4 * n / ours_1 / 1e9},
        )
    )

    # 4. Adam and AdamW (torch's defaults) against torch's foreach implementation, and their bandwidth.
    adam, torch_adam, adamw, torch_adamw, copy4_s = _interleaved(
        [
            _ours_adam(n, "Adam"),
            _torch_adam(n, "Adam"),
            _ours_adam(n, "AdamW"),
            _torch_adam(n, "AdamW"),
            _copy(n, arrays=4),
        ],
        rounds,
        min_time,
    )
    copy4_bw = 8 * 4 * n / copy4_s / 1e9
    for name, ours_s, torch_s in [("Adam", adam, torch_adam), ("AdamW", adamw, torch_adamw)]:
        bw = 7 * 4 * n / ours_s / 1e9
        rows.append(
            Row(
                GROUP,
                f"{name}().step, {size}, {optim.get_num_threads()} threads",
                ours_s,
                f"torch.optim.{name} foreach ({torch.get_num_threads()} threads)",
                torch_s,
                "≤ 1.2× torch",
                ours_s / torch_s <= 1.2,
                extra={
                    "GBps": bw,
                    "torch_GBps": 7 * 4 * n / torch_s / 1e9,
                    "copy_GBps": copy4_bw,
                    "fraction_of_copy": bw / copy4_bw,
                },
            )
        )
    rows.append(
        Row(
            GROUP,
            "effective bandwidth of the Adam step (read θ, g, m, v; write θ, m, v)",
            None,
            f"np.copyto of θ, g, m, v: {copy4_bw:.1f} GB/s (ours {7 * 4 * n / adam / 1e9 / copy4_bw:.2f}×)",
            copy4_s,
            "reported",
            value=7 * 4 * n / adam / 1e9,
            unit="GB/s",
            extra={"copy_GBps": copy4_bw, "fraction": 7 * 4 * n / adam / 1e9 / copy4_bw},
        )
    )
    return rows
