"""Iterate averaging (momentum_lab.optim.averaging): hand-worked values, torch's AveragedModel and
Keras's use_ema, and the shrinking of the noise ball on a noisy quadratic."""

import numpy as np
import pytest

from momentum_lab.optim import SGD
from momentum_lab.optim.averaging import EMA, PolyakAverage


def test_polyak_average_by_hand():
    avg = PolyakAverage()
    for theta in ([1.0, 0.0], [3.0, 2.0], [5.0, 10.0]):
        avg.update(np.array(theta))
    np.testing.assert_allclose(avg.average, [3.0, 4.0])  # (1+3+5)/3, (0+2+10)/3
    tail = PolyakAverage(start=2)
    for theta in (100.0, 50.0, 1.0, 3.0):
        tail.update(np.array([theta]))
    assert tail.count == 2 and tail.average[0] == pytest.approx(2.0)  # the first two skipped


def test_ema_by_hand():
    ema = EMA(decay=0.5)
    for theta in (4.0, 0.0, 2.0):
        ema.update(np.array([theta]))
    # 4 → 0.5·4 + 0.5·0 = 2 → 0.5·2 + 0.5·2 = 2
    assert ema.average[0] == pytest.approx(2.0) and ema.count == 3


def test_averages_copy_their_input():
    theta = np.array([1.0, 2.0])
    avg, ema = PolyakAverage(), EMA(0.9)
    avg.update(theta)
    ema.update(theta)
    theta += 10
    assert avg.average.tolist() == [1.0, 2.0] and ema.average.tolist() == [1.0, 2.0]


@pytest.mark.parametrize(
    "make, error, words",
    [
        (lambda: EMA(1.0), ValueError, r"decay must be in \[0, 1\)"),
        (lambda: PolyakAverage(-1), ValueError, "start must be >= 0"),
        (lambda: EMA().update("a"), TypeError, "theta must be array-like"),
    ],
)
def test_averages_reject(make, error, words):
    with pytest.raises(error, match=words):
        make()


def test_shape_change_is_an_error():
    for avg in (PolyakAverage(), EMA()):
        avg.update(np.zeros(2))
        with pytest.raises(ValueError, match="theta must have the shape of the average"):
            avg.update(np.zeros(3))


def test_averaging_shrinks_the_noise_ball():
    # SGD on f = ½ λ θ² with gradient noise σ ξ: stationary E θ² = η σ² / (λ (2 − η λ)) = 0.1/1.9 ≈ 0.0526
    # (η = 0.1, λ = 1, σ = 1). The mean of the last 1,000 iterates is far closer to 0.
    rng = np.random.default_rng(0)
    chains, lam, eta = 2000, 1.0, 0.1
    theta = np.zeros(chains)
    opt, avg, ema = SGD(eta), PolyakAverage(start=500), EMA(0.99)
    for _ in range(1500):
        opt.step(theta, lam * theta + rng.standard_normal(chains))
        avg.update(theta)
        ema.update(theta)
    raw = np.mean(theta**2)
    assert raw == pytest.approx(eta / (lam * (2 - eta * lam)), rel=0.1)
    assert np.mean(avg.average**2) < raw / 50
    assert np.mean(ema.average**2) < raw / 5


@pytest.mark.frameworks
def test_same_averages_as_torch_averaged_model():
    torch = pytest.importorskip("torch")
    from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

    rng = np.random.default_rng(1)
    iterates = rng.standard_normal((30, 5))
    net = torch.nn.Linear(5, 1, bias=False).double()
    swa, ema_t = AveragedModel(net), AveragedModel(net, multi_avg_fn=get_ema_multi_avg_fn(0.9))
    ours_swa, ours_ema = PolyakAverage(), EMA(0.9)
    for theta in iterates:
        with torch.no_grad():
            net.weight.copy_(torch.from_numpy(theta[None, :]))
        swa.update_parameters(net)
        ema_t.update_parameters(net)
        ours_swa.update(theta)
        ours_ema.update(theta)
    np.testing.assert_allclose(swa.module.weight.detach().numpy()[0], ours_swa.average, rtol=0, atol=1e-12)
    np.testing.assert_allclose(ema_t.module.weight.detach().numpy()[0], ours_ema.average, rtol=0, atol=1e-12)


@pytest.mark.frameworks
def test_same_average_as_keras_use_ema():
    keras = pytest.importorskip("keras")
    from momentum_lab.optim import KerasMomentum

    rng = np.random.default_rng(2)
    grads = rng.standard_normal((25, 4))
    lr, momentum, decay = (float(np.float32(v)) for v in (0.1, 0.9, 0.95))
    w = keras.Variable(np.ones(4), dtype="float64")
    opt = keras.optimizers.SGD(learning_rate=lr, momentum=momentum, use_ema=True, ema_momentum=decay)
    theta, ours, ema = np.ones(4), KerasMomentum(lr, momentum), EMA(decay)
    for g in grads:
        opt.apply_gradients([(keras.ops.convert_to_tensor(g), w)])
        ours.step(theta, g)
        ema.update(theta)  # Keras updates its average after each step, starting at the first iterate
    np.testing.assert_allclose(w.numpy(), theta, rtol=0, atol=1e-12)
    np.testing.assert_allclose(opt._model_variables_moving_average[0].numpy(), ema.average, rtol=0, atol=1e-12)
