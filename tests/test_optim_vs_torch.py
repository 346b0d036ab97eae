"""``momentum_lab.optim.SGD`` reproduces ``torch.optim.SGD`` (float64 trajectories, float32 big arrays,
learning-rate schedules)."""

import numpy as np
import pytest

from momentum_lab import optim
from momentum_lab.landscapes import Rosenbrock, quadratic_bowl
from momentum_lab.optim import SGD, ClassicalMomentum, trajectory

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.frameworks


class LeastSquares:
    """f(x) = ‖Mx − y‖² / (2n) on random data; gradient Mᵀ(Mx − y)/n."""

    def __init__(self, n=40, d=5, seed=0):
        rng = np.random.default_rng(seed)
        self.M, self.y = rng.standard_normal((n, d)), rng.standard_normal(n)

    def grad(self, x):
        return self.M.T @ (self.M @ x - self.y) / len(self.y)


PROBLEMS = {
    "bowl κ=10": (quadratic_bowl(10.0), [-1.5, 1.5], 0.3),
    "bowl κ=100, d=8": (quadratic_bowl(100.0, L=2.0, dim=8, seed=3), np.linspace(-1, 1, 8), 0.2),
    "rosenbrock": (Rosenbrock(), [-1.2, 1.0], 2e-4),
    "least squares": (LeastSquares(), np.zeros(5), 0.1),
}

SETTINGS = [
    dict(momentum=0.9),
    dict(momentum=0.9, nesterov=True),
    dict(momentum=0.5, dampening=0.5),
    dict(momentum=0.9, weight_decay=0.01),
    dict(momentum=0.8, nesterov=True, weight_decay=0.05),
    dict(momentum=0.7, dampening=0.2, weight_decay=0.02),
    dict(momentum=0.0),
    dict(momentum=0.0, weight_decay=0.1),
]


def torch_trajectory(grad_fn, x0, steps, lr, lr_factor=None, foreach=False, **kwargs):
    """Iterates of torch.optim.SGD fed the same NumPy gradients (so only the optimizers are compared)."""
    p = torch.tensor(np.asarray(x0, dtype=np.float64), requires_grad=True)
    opt = torch.optim.SGD([p], lr=lr, foreach=foreach, **kwargs)
    scheduler = torch.optim.lr_scheduler.LambdaLR(opt, lr_factor) if lr_factor else None
    path = [p.detach().numpy().copy()]
    for _ in range(steps):
        p.grad = torch.from_numpy(np.asarray(grad_fn(p.detach().numpy().copy()), dtype=np.float64))
        opt.step()
        if scheduler:
            scheduler.step()
        path.append(p.detach().numpy().copy())
    return np.array(path)


@pytest.mark.parametrize("problem", PROBLEMS)
@pytest.mark.parametrize("kwargs", SETTINGS, ids=lambda k: ",".join(f"{a}={b}" for a, b in k.items()))
def test_sgd_trajectory_equals_torch(problem, kwargs):
    f, x0, lr = PROBLEMS[problem]
    ours = trajectory(f.grad, x0, SGD(lr, **kwargs), 60)
    theirs = torch_trajectory(f.grad, x0, 60, lr, **kwargs)
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)


@pytest.mark.parametrize("kwargs", SETTINGS[:3], ids=str)
def test_sgd_trajectory_equals_torch_foreach(kwargs):
    f, x0, lr = PROBLEMS["least squares"]
    np.testing.assert_allclose(
        trajectory(f.grad, x0, SGD(lr, **kwargs), 60),
        torch_trajectory(f.grad, x0, 60, lr, foreach=True, **kwargs),
        rtol=0,
        atol=1e-12,
    )


def test_momentum_of_one_or_more_is_accepted_like_torch():
    # torch accepts μ ≥ 1 (it diverges on a quadratic: rate ≥ √μ); so do we, with the same numbers.
    f, x0, lr = PROBLEMS["least squares"]
    ours = trajectory(f.grad, x0, SGD(lr, momentum=1.05), 30)
    theirs = torch_trajectory(f.grad, x0, 30, lr, momentum=1.05)
    assert len(ours) == 31
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)


def test_sgd_equals_torch_under_a_schedule():
    # torch's idiom: LambdaLR multiplies the base lr by lr_factor(k) after each step k.
    f, x0, _ = PROBLEMS["bowl κ=100, d=8"]
    for nesterov in (False, True):
        ours = trajectory(f.grad, x0, SGD(0.1, momentum=0.9, nesterov=nesterov), 30, lambda k: 0.1 * 0.9**k)
        theirs = torch_trajectory(f.grad, x0, 30, 0.1, lambda k: 0.9**k, momentum=0.9, nesterov=nesterov)
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)


def test_torch_schedule_gap_to_the_classical_form():
    # The setup of test_optim.py: f = ½ xᵀ diag(1, 2, 3) x from (1, 1, 1), β = 0.9, η_k = 0.1 · 0.9^k.
    grad = lambda x: np.array([1.0, 2.0, 3.0]) * x  # noqa: E731
    for nesterov, gap in [(False, 0.524522), (True, 0.264048)]:
        theirs = torch_trajectory(grad, [1.0, 1.0, 1.0], 20, 0.1, lambda k: 0.9**k, momentum=0.9, nesterov=nesterov)
        classical = trajectory(grad, [1.0, 1.0, 1.0], ClassicalMomentum(0.1, 0.9, nesterov), 20, lambda k: 0.1 * 0.9**k)
        assert np.linalg.norm(theirs - classical, axis=1).max() == pytest.approx(gap, abs=1e-6)


@pytest.mark.parametrize("kwargs", [SETTINGS[0], SETTINGS[4], SETTINGS[5]], ids=str)
def test_big_float32_arrays_match_torch(kwargs, monkeypatch):
    # The chunked, threaded fast path on float32, against torch's foreach kernels (which round
    # differently: fused multiply-adds), over several parameters of different sizes.
    monkeypatch.setattr(optim._engine, "CHUNK_BYTES", 1 << 16)
    monkeypatch.setattr(optim._engine, "PARALLEL_MIN_SIZE", 50_000)
    rng = np.random.default_rng(0)
    shapes = [(300, 400), (7,), (70_001,)]
    ours = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    params = [torch.tensor(a.copy(), requires_grad=True) for a in ours]
    opt_ours, opt_torch = SGD(0.01, **kwargs), torch.optim.SGD(params, lr=0.01, foreach=True, **kwargs)
    for _ in range(5):
        grads = [rng.standard_normal(s).astype(np.float32) for s in shapes]
        opt_ours.step(ours, grads)
        for p, g in zip(params, grads):
            p.grad = torch.from_numpy(g.copy())
        opt_torch.step()
    for a, p in zip(ours, params):
        np.testing.assert_allclose(a, p.detach().numpy(), rtol=1e-5, atol=1e-6)
        if kwargs.get("momentum"):
            np.testing.assert_allclose(
                opt_ours.state[a]["momentum_buffer"],
                opt_torch.state[p]["momentum_buffer"].numpy(),
                rtol=1e-5,
                atol=1e-5,
            )
