"""Learning-rate schedules (momentum_lab.optim.schedules): hand-worked values, and the same sequence of
rates as torch.optim.lr_scheduler and keras.optimizers.schedules (to 1e-12, float64)."""

import math

import numpy as np
import pytest

from momentum_lab.optim.schedules import Constant, CosineDecay, LinearWarmup, OneCycle, StepDecay


# -- hand-worked values ------------------------------------------------------------------------------


def test_step_decay_by_hand():
    # lr 0.1, ×0.5 every 3 steps: 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025
    assert StepDecay(0.1, 3, 0.5).rates(7) == pytest.approx([0.1] * 3 + [0.05] * 3 + [0.025], abs=1e-17)


def test_cosine_by_hand():
    # T = 4: t = 0, ¼, ½, ¾, 1 → ½(1 + cos πt) = 1, (2+√2)/4, ½, (2−√2)/4, 0; then held at min_lr
    s = CosineDecay(1.0, 4, min_lr=0.2)
    expected = [0.2 + 0.8 * c for c in (1, (2 + math.sqrt(2)) / 4, 0.5, (2 - math.sqrt(2)) / 4, 0, 0)]
    assert s.rates(6) == pytest.approx(expected, abs=1e-15)


def test_linear_warmup_by_hand():
    # from 0 to 0.4 in 4 steps (0, 0.1, 0.2, 0.3), then the schedule after it from its own step 0
    s = LinearWarmup(StepDecay(0.4, 2, 0.5), 4)
    assert s.rates(8) == pytest.approx([0.0, 0.1, 0.2, 0.3, 0.4, 0.4, 0.2, 0.2], abs=1e-16)
    assert LinearWarmup(0.4, 2, start_lr=0.2).rates(4) == pytest.approx([0.2, 0.3, 0.4, 0.4], abs=1e-16)


def test_one_cycle_by_hand():
    # total 10, pct 0.3: the peak is at p = 2; start 1/25 = 0.04, end 0.04/1e4 = 4e-6
    s = OneCycle(1.0, 10)
    assert s(0) == pytest.approx(0.04, abs=1e-15)
    assert s(1) == pytest.approx(1.0 + (0.04 - 1.0) / 2, abs=1e-15)  # t = ½: halfway, cos(π/2) = 0
    assert s(2) == pytest.approx(1.0, abs=1e-15)
    assert s(9) == pytest.approx(4e-6, abs=1e-15)
    assert s.momentum(2) == pytest.approx(0.85, abs=1e-15) and s.momentum(0) == pytest.approx(0.95, abs=1e-15)
    linear = OneCycle(1.0, 10, anneal="linear")
    assert linear(1) == pytest.approx(0.52, abs=1e-15)


@pytest.mark.parametrize(
    "make, error, words",
    [
        (lambda: StepDecay(0.1, 0), ValueError, "step_size must be >= 1"),
        (lambda: StepDecay(-0.1, 2), ValueError, "lr must be >= 0"),
        (lambda: CosineDecay(0.1, 10, min_lr=0.2), ValueError, "min_lr must be at most lr"),
        (lambda: LinearWarmup(0.1, 0), ValueError, "warmup_steps must be >= 1"),
        (lambda: OneCycle(0.1, 10, pct_start=1.0), ValueError, r"pct_start must be in \(0, 1\)"),
        (lambda: OneCycle(0.1, 10, pct_start=0.05), ValueError, "must lie strictly between"),
        (
            lambda: OneCycle(0.1, 10, anneal="exp"),
            ValueError,
            r"anneal must be one of \['cos', 'linear'\]; got anneal='exp'",
        ),
        (lambda: OneCycle(0.1, 10)(10), ValueError, "k must be below total_steps=10"),
        (lambda: Constant(0.1)(-1), ValueError, "k must be >= 0"),
        (lambda: Constant(0.1)(1.5), TypeError, "k must be an integer"),
    ],
)
def test_schedules_reject(make, error, words):
    with pytest.raises(error, match=words):
        make()


def test_schedule_accepts_numpy_integers():
    assert StepDecay(1.0, 2)(np.int64(3)) == pytest.approx(0.1)


# -- the same rates as the frameworks ---------------------------------------------------------------


def _torch_rates(make_scheduler, lr, steps):
    torch = pytest.importorskip("torch")
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=lr, momentum=0.9)
    sched = make_scheduler(opt)
    rates = []
    for _ in range(steps):
        rates.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return np.array(rates)


def _keras_rates(schedule, steps):
    return np.array([float(schedule(k)) for k in range(steps)])


TORCH_CASES = {
    "step decay": (StepDecay(0.3, 7, 0.5), lambda o: __import__("torch").optim.lr_scheduler.StepLR(o, 7, 0.5), 0.3, 40),
    "cosine": (
        CosineDecay(0.3, 50, 0.01),
        lambda o: __import__("torch").optim.lr_scheduler.CosineAnnealingLR(o, T_max=50, eta_min=0.01),
        0.3,
        51,
    ),
    "linear warm-up": (
        LinearWarmup(0.3, 10, start_lr=0.03),
        lambda o: __import__("torch").optim.lr_scheduler.LinearLR(o, 0.1, 1.0, total_iters=10),
        0.3,
        30,
    ),
    "warm-up then cosine": (
        LinearWarmup(CosineDecay(0.3, 40, 0.0), 10, start_lr=0.03),
        lambda o: __import__("torch").optim.lr_scheduler.SequentialLR(
            o,
            [
                __import__("torch").optim.lr_scheduler.LinearLR(o, 0.1, 1.0, total_iters=10),
                __import__("torch").optim.lr_scheduler.CosineAnnealingLR(o, T_max=40),
            ],
            milestones=[10],
        ),
        0.3,
        51,
    ),
    "one-cycle": (
        OneCycle(0.3, 60),
        lambda o: __import__("torch").optim.lr_scheduler.OneCycleLR(
            o, max_lr=0.3, total_steps=60, cycle_momentum=False
        ),
        0.3,
        60,
    ),
    "one-cycle, linear": (
        OneCycle(0.3, 45, pct_start=0.25, div_factor=10.0, final_div_factor=100.0, anneal="linear"),
        lambda o: __import__("torch").optim.lr_scheduler.OneCycleLR(
            o,
            max_lr=0.3,
            total_steps=45,
            pct_start=0.25,
            div_factor=10.0,
            final_div_factor=100.0,
            anneal_strategy="linear",
            cycle_momentum=False,
        ),
        0.3,
        45,
    ),
}


@pytest.mark.frameworks
@pytest.mark.parametrize("name", list(TORCH_CASES))
def test_same_rates_as_torch_lr_scheduler(name):
    ours, make, lr, steps = TORCH_CASES[name]
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SequentialLR's deprecation notices about step order
        theirs = _torch_rates(make, lr, steps)
    np.testing.assert_allclose(ours.rates(steps), theirs, rtol=0, atol=1e-12)


@pytest.mark.frameworks
def test_one_cycle_momentum_is_torch_cycled_momentum():
    torch = pytest.importorskip("torch")
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.1, momentum=0.9)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.3, total_steps=30)
    ours = OneCycle(0.3, 30)
    for k in range(30):
        assert abs(opt.param_groups[0]["momentum"] - ours.momentum(k)) < 1e-12
        assert abs(opt.param_groups[0]["lr"] - ours(k)) < 1e-12
        opt.step()
        sched.step()


@pytest.mark.frameworks
def test_torch_cosine_is_periodic_past_t_max_and_ours_is_not():
    theirs = _torch_rates(lambda o: __import__("torch").optim.lr_scheduler.CosineAnnealingLR(o, T_max=10), 1.0, 21)
    ours = CosineDecay(1.0, 10).rates(21)
    np.testing.assert_allclose(ours[:11], theirs[:11], atol=1e-12)
    assert theirs[20] == pytest.approx(1.0, abs=1e-12) and ours[20] == 0.0  # torch climbs back to lr at 2T


def _keras_cases():
    keras = pytest.importorskip("keras")
    S = keras.optimizers.schedules
    f64 = np.float64  # a float64 initial rate makes Keras compute in float64
    return {
        "step decay": (StepDecay(0.3, 7, 0.3), S.ExponentialDecay(f64(0.3), 7, f64(0.3), staircase=True), 40),
        "cosine": (CosineDecay(0.3, 50, 0.01), S.CosineDecay(f64(0.3), 50, alpha=0.01 / 0.3), 60),
        "warm-up then cosine": (
            LinearWarmup(CosineDecay(0.3, 40, 0.006), 10, start_lr=0.03),
            S.CosineDecay(f64(0.03), 40, alpha=0.02, warmup_target=f64(0.3), warmup_steps=10),
            60,
        ),
        "warm-up from zero": (
            LinearWarmup(CosineDecay(0.3, 40), 10),
            S.CosineDecay(f64(0.0), 40, warmup_target=f64(0.3), warmup_steps=10),
            55,
        ),
    }


@pytest.mark.frameworks
@pytest.mark.parametrize("name", ["step decay", "cosine", "warm-up then cosine", "warm-up from zero"])
def test_same_rates_as_keras_learning_rate_schedule(name):
    ours, theirs, steps = _keras_cases()[name]
    np.testing.assert_allclose(ours.rates(steps), _keras_rates(theirs, steps), rtol=0, atol=1e-12)


@pytest.mark.frameworks
def test_keras_schedule_in_float32_by_default():
    keras = pytest.importorskip("keras")
    # with a Python float the schedule computes in float32: ~1e-9 from the float64 rates, not 1e-12
    theirs = _keras_rates(keras.optimizers.schedules.CosineDecay(0.3, 50), 50)
    gap = np.abs(np.array(CosineDecay(0.3, 50).rates(50)) - theirs).max()
    assert 1e-10 < gap < 1e-7
    # and a Python-float decay rate goes through float32 even when the initial rate is float64
    stepped = keras.optimizers.schedules.ExponentialDecay(np.float64(0.2), 60, 0.3, staircase=True)
    gap = np.abs(np.array(StepDecay(0.2, 60, 0.3).rates(200)) - _keras_rates(stepped, 200)).max()
    assert 1e-10 < gap < 1e-7
