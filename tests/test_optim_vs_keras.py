"""``momentum_lab.optim.KerasMomentum`` / ``ClassicalMomentum`` reproduce ``keras.optimizers.SGD``, and
why the match needs η and β rounded to float32 first."""

import numpy as np
import pytest

from momentum_lab.landscapes import Quadratic, Rosenbrock, quadratic_bowl
from momentum_lab.optim import ClassicalMomentum, KerasMomentum, trajectory

keras = pytest.importorskip("keras")
tf = pytest.importorskip("tensorflow")
pytestmark = pytest.mark.frameworks

PROBLEMS = {
    "bowl κ=10": (quadratic_bowl(10.0), [-1.5, 1.5], 0.3),
    "bowl κ=50, d=6": (quadratic_bowl(50.0, L=2.0, dim=6), [1.0, -1.0, 0.5, 2.0, -0.5, 1.0], 0.2),
    "rosenbrock": (Rosenbrock(), [-1.2, 1.0], 2e-4),
}


def keras_trajectory(grad_fn, x0, steps, **kwargs):
    """Iterates of keras.optimizers.SGD on a float64 variable, fed the same NumPy gradients."""
    v = tf.Variable(np.asarray(x0, dtype=np.float64))
    opt = keras.optimizers.SGD(**kwargs)
    path = [v.numpy().copy()]
    for _ in range(steps):
        opt.apply_gradients([(tf.constant(grad_fn(v.numpy())), v)])
        path.append(v.numpy().copy())
    return np.array(path)


def f32(x):
    return float(np.float32(x))


def test_keras_keeps_lr_and_momentum_in_float32():
    # The mechanism behind the gaps below: the learning rate is a float32 variable, and the momentum
    # (a Python float) is cast to the variable's dtype through a float32 tensor.
    opt = keras.optimizers.SGD(learning_rate=0.1, momentum=0.9)
    assert opt.learning_rate.dtype == "float32"
    assert float(opt.learning_rate.numpy()) == f32(0.1) != 0.1
    assert float(keras.ops.cast(0.9, "float64")) == f32(0.9) != 0.9


@pytest.mark.parametrize("problem", PROBLEMS)
@pytest.mark.parametrize("nesterov", [False, True])
def test_keras_form_equals_keras_sgd_once_lr_and_momentum_are_float32(problem, nesterov):
    f, x0, lr = PROBLEMS[problem]
    theirs = keras_trajectory(f.grad, x0, 60, learning_rate=lr, momentum=0.9, nesterov=nesterov)
    rounded = trajectory(f.grad, x0, KerasMomentum(f32(lr), f32(0.9), nesterov), 60)
    raw = trajectory(f.grad, x0, KerasMomentum(lr, 0.9, nesterov), 60)
    # Rounded first: the same float64 arithmetic (measured bit-identical here; allow 1e-14).
    np.testing.assert_allclose(rounded, theirs, rtol=0, atol=1e-14)
    # Raw η, β: they differ from Keras' by ~3e-8 relative (float32's half-ulp), which 60 steps turn
    # into gaps of ~1e-7 (measured 5e-8 to 3e-7): far above float64 round-off, far below float32 noise.
    gap = np.abs(raw - theirs).max()
    assert 1e-9 < gap < 1e-5
    # The classical form gives the same iterates.
    np.testing.assert_allclose(
        trajectory(f.grad, x0, ClassicalMomentum(f32(lr), f32(0.9), nesterov), 60), theirs, rtol=0, atol=1e-14
    )


@pytest.mark.parametrize("nesterov, torch_gap", [(False, 0.524522), (True, 0.264048)])
def test_keras_under_a_schedule_is_the_classical_form_not_torch(nesterov, torch_gap):
    # f = ½ xᵀ diag(1, 2, 3) x from (1, 1, 1), β = 0.9, η_k = 0.1 · 0.9^k (computed by Keras in float32).
    f, x0 = Quadratic(np.diag([1.0, 2.0, 3.0])), [1.0, 1.0, 1.0]
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.9)
    theirs = keras_trajectory(f.grad, x0, 20, learning_rate=schedule, momentum=0.9, nesterov=nesterov)
    classical = trajectory(f.grad, x0, ClassicalMomentum(0.1, 0.9, nesterov), 20, lambda k: 0.1 * 0.9**k)
    np.testing.assert_allclose(theirs, classical, rtol=0, atol=1e-6)  # float32 schedule values
    torch = pytest.importorskip("torch")
    p = torch.tensor(np.array(x0), requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.1, momentum=0.9, nesterov=nesterov)
    scheduler = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9)
    torch_path = [p.detach().numpy().copy()]
    for _ in range(20):
        p.grad = torch.from_numpy(f.grad(p.detach().numpy()))
        opt.step()
        scheduler.step()
        torch_path.append(p.detach().numpy().copy())
    gap = np.linalg.norm(np.array(torch_path) - theirs, axis=1).max()
    assert gap == pytest.approx(torch_gap, abs=1e-5)
