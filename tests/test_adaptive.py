"""momentum_lab.optim.adaptive: the torch-named classes reproduce ``torch.optim``, the Keras forms reproduce
``keras.optimizers``, and the differences between the two conventions are pinned."""

import math

import numpy as np
import pytest

from momentum_lab import optim
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

# A small non-quadratic problem with two parameters (a matrix and a vector), so that every coordinate
# sees a different gradient history: f(W, b) = ½‖W x + b − y‖² + 0.1 Σ cos(W).
X = np.array([0.3, -1.2, 0.8])
Y = np.array([1.0, -0.5])


def grads(W, b):
    r = W @ X + b - Y
    return np.outer(r, X) - 0.1 * np.sin(W), r


def start():
    return np.array([[0.5, -0.3, 0.2], [0.1, 0.4, -0.6]]), np.array([0.05, -0.02])


def lr_at(k, base, changing):
    """A changing learning rate: warm-up over 5 steps, then a decay by 0.93 per step."""
    if not changing:
        return base
    return base * min(1.0, (k + 1) / 5) * 0.93 ** max(0, k - 5)


def ours_run(opt, steps, base_lr, changing):
    W, b = start()
    path = []
    for k in range(steps):
        opt.lr = lr_at(k, base_lr, changing)
        opt.step([W, b], list(grads(W, b)))
        path.append(np.concatenate([W.ravel(), b]))
    return np.array(path)


# --------------------------------------------------------------------------------------------------
# Hand-worked steps (no framework)


def test_adam_first_two_steps_by_hand():
    # θ₀ = 1, lr = 0.1, betas (0.9, 0.999), eps = 0; gradients 2 then 1.
    # t = 1: m = 0.1·2 = 0.2, v = 0.001·4 = 0.004; m̂ = 0.2/0.1 = 2, v̂ = 0.004/0.001 = 4
    #        θ₁ = 1 − 0.1 · 2/√4 = 0.9            (Adam's first step is lr · sign(g))
    # t = 2: m = 0.9·0.2 + 0.1·1 = 0.28, v = 0.999·0.004 + 0.001·1 = 0.004996
    #        m̂ = 0.28/0.19 = 1.473684…, v̂ = 0.004996/0.001999 = 2.499249…, √v̂ = 1.580901…
    #        θ₂ = 0.9 − 0.1 · 1.473684/1.580901 = 0.806782…
    theta = np.array([1.0])
    opt = Adam(lr=0.1, eps=0.0)
    opt.step(theta, np.array([2.0]))
    assert theta[0] == pytest.approx(0.9, abs=1e-15)
    opt.step(theta, np.array([1.0]))
    m_hat, v_hat = 0.28 / 0.19, 0.004996 / 0.001999
    assert theta[0] == pytest.approx(0.9 - 0.1 * m_hat / math.sqrt(v_hat), abs=1e-15)
    assert theta[0] == pytest.approx(0.806782, abs=1e-6)
    state = opt.state[theta]
    assert state["step"] == 2
    np.testing.assert_allclose(state["exp_avg"], [0.28], atol=1e-15)
    np.testing.assert_allclose(state["exp_avg_sq"], [0.004996], atol=1e-15)


def test_adagrad_and_rmsprop_first_two_steps_by_hand():
    # Adagrad, lr = 0.1, eps = 0, gradients 2 then 1: s = 4, θ₁ = 1 − 0.1·2/2 = 0.9;
    # s = 5, θ₂ = 0.9 − 0.1·1/√5 = 0.855279…
    theta = np.array([1.0])
    opt = Adagrad(lr=0.1, eps=0.0)
    opt.step(theta, np.array([2.0]))
    assert theta[0] == pytest.approx(0.9, abs=1e-15)
    opt.step(theta, np.array([1.0]))
    assert theta[0] == pytest.approx(0.9 - 0.1 / math.sqrt(5), abs=1e-15)
    # RMSprop, lr = 0.01, alpha = 0.99, eps = 0: v = 0.01·4 = 0.04, θ₁ = 1 − 0.01·2/0.2 = 0.9;
    # v = 0.99·0.04 + 0.01·1 = 0.0496, θ₂ = 0.9 − 0.01/√0.0496 = 0.855099…
    theta = np.array([1.0])
    opt = RMSprop(lr=0.01, eps=0.0)
    opt.step(theta, np.array([2.0]))
    assert theta[0] == pytest.approx(0.9, abs=1e-15)
    opt.step(theta, np.array([1.0]))
    assert theta[0] == pytest.approx(0.9 - 0.01 / math.sqrt(0.0496), abs=1e-15)


def test_adam_first_moment_is_torch_sgd_with_dampening_beta1():
    # m = β₁ m + (1 − β₁) g is torch SGD's buffer with momentum = dampening = β₁, except that torch starts
    # its buffer at the first gradient (b₁ = g) where Adam starts at 0 (m₁ = (1 − β₁) g); from then on
    # both obey the same recursion, so m_t = b_t − β₁ᵗ g₁ exactly.
    rng = np.random.default_rng(1)
    gs = rng.standard_normal((12, 3))
    beta1 = 0.9
    theta_a, theta_s = np.zeros(3), np.zeros(3)
    adam, sgd = Adam(lr=0.0), optim.SGD(lr=0.0, momentum=beta1, dampening=beta1)
    for t, g in enumerate(gs, start=1):
        adam.step(theta_a, g)
        sgd.step(theta_s, g)
        m, b = adam.state[theta_a]["exp_avg"], sgd.state[theta_s]["momentum_buffer"]
        np.testing.assert_allclose(m, b - beta1**t * gs[0], rtol=0, atol=1e-14)


def test_first_adam_step_is_lr_times_sign_of_the_gradient():
    theta = np.zeros(4)
    Adam(lr=0.01, eps=0.0).step(theta, np.array([3.0, -1e-4, 250.0, -7.0]))
    np.testing.assert_allclose(theta, [-0.01, 0.01, -0.01, 0.01], rtol=1e-14)


def test_adamw_is_adam_with_decoupled_decay():
    a = ours_run(AdamW(lr=0.01, weight_decay=0.1), 20, 0.01, False)
    b = ours_run(Adam(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True), 20, 0.01, False)
    np.testing.assert_array_equal(a, b)
    coupled = ours_run(Adam(lr=0.01, weight_decay=0.1), 20, 0.01, False)
    assert np.abs(coupled - a).max() > 1e-4  # L2 inside Adam is a different method


def test_step_counts_live_in_each_parameters_state():
    W, b = start()
    opt = Adam()
    opt.step([W, b], list(grads(W, b)))
    opt.step([W, b], [grads(W, b)[0], None])
    assert opt.state[W]["step"] == 2 and opt.state[b]["step"] == 1


@pytest.mark.parametrize(
    "make",
    [
        lambda: Adam(amsgrad=True),
        lambda: NAdam(),
        lambda: RMSprop(momentum=0.9, centered=True),
        lambda: Adagrad(lr_decay=0.01),
        lambda: KerasAdam(amsgrad=True),
        lambda: KerasNadam(),
        lambda: KerasRMSprop(momentum=0.5, centered=True),
    ],
)
@pytest.mark.parametrize("threads", [1, 2])
def test_chunked_and_threaded_steps_equal_one_call_on_the_whole_array(make, threads, monkeypatch):
    from momentum_lab.optim import _engine

    rng = np.random.default_rng(0)
    theta0 = rng.standard_normal(150_001).astype(np.float32)
    gs = [rng.standard_normal(theta0.size).astype(np.float32) for _ in range(3)]
    whole = theta0.copy()
    monkeypatch.setattr(_engine, "CHUNK_BYTES", 1 << 40)
    opt = make()
    for g in gs:
        opt.step(whole, g)
    monkeypatch.setattr(_engine, "CHUNK_BYTES", 1 << 16)
    monkeypatch.setattr(_engine, "PARALLEL_MIN_SIZE", 1000)
    optim.set_num_threads(threads)
    try:
        chunked = theta0.copy()
        opt = make()
        for g in gs:
            opt.step(chunked, g)
    finally:
        optim.set_num_threads(None)
    np.testing.assert_array_equal(chunked, whole)
    assert chunked.dtype == np.float32


BAD = [
    (lambda: Adam(lr=-1), ValueError, "lr must be >= 0"),
    (lambda: Adam(betas=0.9), TypeError, "betas must be a pair"),
    (lambda: Adam(betas=(0.9, 1.0)), ValueError, "betas[1] must be in [0, 1)"),
    (lambda: Adam(betas=(-0.1, 0.9)), ValueError, "betas[0] must be in [0, 1)"),
    (lambda: Adam(eps=-1e-8), ValueError, "eps must be >= 0"),
    (lambda: Adam(amsgrad=1), TypeError, "amsgrad must be True or False"),
    (lambda: AdamW(weight_decay=-0.1), ValueError, "weight_decay must be >= 0"),
    (lambda: NAdam(momentum_decay=-1), ValueError, "momentum_decay must be >= 0"),
    (lambda: NAdam(decoupled_weight_decay="yes"), TypeError, "decoupled_weight_decay must be True or False"),
    (lambda: RMSprop(alpha=-0.5), ValueError, "alpha must be in [0, 1]"),
    (lambda: RMSprop(alpha=1.5), ValueError, "alpha must be in [0, 1]; got alpha=1.5"),
    (lambda: RMSprop(momentum="0.9"), TypeError, "momentum must be a real number"),
    (lambda: RMSprop(centered=None), TypeError, "centered must be True or False"),
    (lambda: Adagrad(lr_decay=-1), ValueError, "lr_decay must be >= 0"),
    (lambda: Adagrad(initial_accumulator_value=-1), ValueError, "initial_accumulator_value must be >= 0"),
    (lambda: Adagrad(maximize=0), TypeError, "maximize must be True or False"),
    (lambda: KerasAdam(beta_1=1.0), ValueError, "beta_1 must be in [0, 1)"),
    (lambda: KerasAdam(epsilon=-1), ValueError, "epsilon must be >= 0"),
    (lambda: KerasAdamW(weight_decay=None), ValueError, "weight_decay must be a number"),
    (lambda: KerasRMSprop(rho=1.5), ValueError, "rho must be in [0, 1]"),
    (lambda: KerasRMSprop(momentum=2.0), ValueError, "momentum must be in [0, 1]"),
    (lambda: KerasNadam(weight_decay=-0.1), ValueError, "weight_decay must be >= 0"),
    (lambda: KerasAdagrad(learning_rate="fast"), TypeError, "learning_rate must be a real number"),
]


@pytest.mark.parametrize("make, error, fragment", BAD)
def test_bad_arguments_name_the_argument(make, error, fragment):
    with pytest.raises(error) as info:
        make()
    assert fragment in str(info.value)


def test_bad_step_arguments_are_refused_without_touching_state():
    opt = Adam()
    theta = np.zeros(3)
    with pytest.raises(ValueError, match="grads must have the shape"):
        opt.step(theta, np.zeros(2))
    assert theta not in opt.state


# --------------------------------------------------------------------------------------------------
# Against torch.optim


TORCH_TABLE = {
    "Adam": ("Adam", {}, 0.05),
    "Adam weight_decay": ("Adam", {"weight_decay": 0.1}, 0.05),
    "Adam amsgrad": ("Adam", {"amsgrad": True}, 0.05),
    "Adam maximize": ("Adam", {"maximize": True, "betas": (0.8, 0.99)}, 0.02),
    "Adam decoupled, amsgrad, eps 1e-3": (
        "Adam",
        {"weight_decay": 0.2, "decoupled_weight_decay": True, "amsgrad": True, "eps": 1e-3},
        0.05,
    ),
    "AdamW": ("AdamW", {}, 0.05),
    "AdamW weight_decay, amsgrad, maximize": ("AdamW", {"weight_decay": 0.3, "amsgrad": True, "maximize": True}, 0.05),
    "NAdam": ("NAdam", {}, 0.05),
    "NAdam weight_decay, momentum_decay": ("NAdam", {"weight_decay": 0.1, "momentum_decay": 0.1}, 0.05),
    "NAdam decoupled, maximize": (
        "NAdam",
        {"weight_decay": 0.1, "decoupled_weight_decay": True, "maximize": True},
        0.05,
    ),
    "RMSprop": ("RMSprop", {}, 0.01),
    "RMSprop centered, momentum": ("RMSprop", {"centered": True, "momentum": 0.9, "alpha": 0.9}, 0.005),
    "RMSprop weight_decay, maximize": ("RMSprop", {"weight_decay": 0.1, "maximize": True}, 0.01),
    "Adagrad": ("Adagrad", {}, 0.1),
    "Adagrad lr_decay, accumulator, weight_decay": (
        "Adagrad",
        {"lr_decay": 0.05, "initial_accumulator_value": 0.3, "weight_decay": 0.1, "eps": 1e-3},
        0.1,
    ),
    "Adagrad maximize": ("Adagrad", {"maximize": True}, 0.1),
}
OURS = {"Adam": Adam, "AdamW": AdamW, "NAdam": NAdam, "RMSprop": RMSprop, "Adagrad": Adagrad}


@pytest.fixture
def torch64():
    torch = pytest.importorskip("torch")
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)  # NAdam keeps its μ product in the default dtype
    yield torch
    torch.set_default_dtype(old)


def torch_run(torch, name, kwargs, steps, base_lr, changing):
    W0, b0 = start()
    W, b = torch.nn.Parameter(torch.tensor(W0)), torch.nn.Parameter(torch.tensor(b0))
    opt = getattr(torch.optim, name)([W, b], lr=base_lr, **kwargs)
    path = []
    for k in range(steps):
        for group in opt.param_groups:
            group["lr"] = lr_at(k, base_lr, changing)
        gW, gb = grads(W.detach().numpy(), b.detach().numpy())
        W.grad, b.grad = torch.tensor(gW), torch.tensor(gb)
        opt.step()
        path.append(np.concatenate([W.detach().numpy().ravel(), b.detach().numpy()]))
    return np.array(path)


@pytest.mark.frameworks
@pytest.mark.parametrize("changing", [False, True], ids=["constant lr", "changing lr"])
@pytest.mark.parametrize("case", TORCH_TABLE)
def test_trajectories_equal_torch_optim(case, changing, torch64):
    name, kwargs, lr = TORCH_TABLE[case]
    theirs = torch_run(torch64, name, kwargs, 60, lr, changing)
    ours = ours_run(OURS[name](lr=lr, **kwargs), 60, lr, changing)
    assert np.abs(ours - theirs).max() <= 1e-12
    assert np.abs(theirs[-1] - theirs[0]).max() > 1e-3  # the run moved


@pytest.mark.frameworks
@pytest.mark.parametrize("name", OURS)
def test_defaults_and_argument_names_are_torchs(name, torch64):
    import inspect

    torch_params = inspect.signature(getattr(torch64.optim, name).__init__).parameters
    ours_params = inspect.signature(OURS[name].__init__).parameters
    engine_only = {"self", "params", "foreach", "capturable", "differentiable", "fused"}
    assert set(ours_params) - {"self"} == set(torch_params) - engine_only
    for arg, p in ours_params.items():
        if arg != "self":
            assert p.default == torch_params[arg].default, arg


@pytest.mark.frameworks
def test_torch_nadam_in_float32_default_dtype_keeps_its_mu_product_in_float32():
    # Pinned: with torch's default dtype float32, NAdam's μ product is a float32 scalar even for float64
    # parameters, so it leaves our float64 product by ~1e-8 relative after a few steps.
    torch = pytest.importorskip("torch")
    assert torch.get_default_dtype() == torch.float32
    theirs = torch_run(torch, "NAdam", {}, 30, 0.05, False)
    ours = ours_run(NAdam(lr=0.05), 30, 0.05, False)
    assert 1e-11 < np.abs(ours - theirs).max() < 1e-6


# --------------------------------------------------------------------------------------------------
# Against keras.optimizers. Keras keeps the learning rate as a float32 variable and casts β₁, β₂ (and
# Nadam's 0.96, Adagrad's initial accumulator, the weight decay) through float32 in some places but not
# in others; the table uses hyperparameters that float32 holds exactly, and the tests below pin the rest.

B1, B2, LR, EPS, WD = 0.875, 1 - 2**-9, 2**-7, 2**-23, 2**-4
KERAS_TABLE = {
    "Adam": ("Adam", KerasAdam, dict(learning_rate=LR, beta_1=B1, beta_2=B2, epsilon=EPS)),
    "Adam amsgrad, weight_decay": (
        "Adam",
        KerasAdam,
        dict(learning_rate=LR, beta_1=B1, beta_2=B2, epsilon=EPS, amsgrad=True, weight_decay=WD),
    ),
    "Adam ε 2⁻⁷": ("Adam", KerasAdam, dict(learning_rate=LR, beta_1=B1, beta_2=B2, epsilon=2**-7)),
    "AdamW": ("AdamW", KerasAdamW, dict(learning_rate=LR, weight_decay=WD, beta_1=B1, beta_2=B2, epsilon=EPS)),
    "AdamW amsgrad": (
        "AdamW",
        KerasAdamW,
        dict(learning_rate=LR, weight_decay=WD, beta_1=B1, beta_2=B2, epsilon=EPS, amsgrad=True),
    ),
    "RMSprop": ("RMSprop", KerasRMSprop, dict(learning_rate=LR)),
    "RMSprop centered, momentum, weight_decay": (
        "RMSprop",
        KerasRMSprop,
        dict(learning_rate=LR, rho=0.8, momentum=0.5, centered=True, weight_decay=WD),
    ),
    "Adagrad": ("Adagrad", KerasAdagrad, dict(learning_rate=LR, initial_accumulator_value=0.125)),
    "Adagrad weight_decay": (
        "Adagrad",
        KerasAdagrad,
        dict(learning_rate=LR, initial_accumulator_value=0.125, epsilon=EPS, weight_decay=WD),
    ),
}


def keras_run(opt, steps, changing, keras_tf):
    keras, tf = keras_tf
    W0, b0 = start()
    W, b = tf.Variable(W0), tf.Variable(b0)
    base = float(opt.learning_rate.numpy())
    path = []
    for k in range(steps):
        opt.learning_rate = lr_at(k, base, changing)
        gW, gb = grads(W.numpy(), b.numpy())
        opt.apply_gradients([(tf.constant(gW), W), (tf.constant(gb), b)])
        path.append(np.concatenate([W.numpy().ravel(), b.numpy()]))
    return np.array(path)


def f32(x):
    return float(np.float32(x))


def ours_keras_run(opt, steps, changing):
    # Keras' learning rate is a float32 variable: feed ours the same rounded rates.
    W, b = start()
    base = opt.lr
    path = []
    for k in range(steps):
        opt.lr = f32(lr_at(k, base, changing))
        opt.step([W, b], list(grads(W, b)))
        path.append(np.concatenate([W.ravel(), b]))
    return np.array(path)


@pytest.fixture(scope="module")
def keras_tf():
    return pytest.importorskip("keras"), pytest.importorskip("tensorflow")


@pytest.mark.frameworks
@pytest.mark.parametrize("changing", [False, True], ids=["constant lr", "changing lr"])
@pytest.mark.parametrize("case", KERAS_TABLE)
def test_keras_forms_equal_keras_optimizers(case, changing, keras_tf):
    keras, _ = keras_tf
    name, ours_cls, kwargs = KERAS_TABLE[case]
    theirs = keras_run(getattr(keras.optimizers, name)(**kwargs), 60, changing, keras_tf)
    ours = ours_keras_run(ours_cls(**kwargs), 60, changing)
    assert np.abs(ours - theirs).max() <= 1e-12
    assert np.abs(theirs[-1] - theirs[0]).max() > 1e-3


@pytest.mark.frameworks
def test_keras_nadam_uses_float32_096_in_its_schedule_but_not_in_the_product(keras_tf):
    keras, _ = keras_tf
    theirs = keras_run(keras.optimizers.Nadam(LR, B1, B2, EPS), 60, True, keras_tf)
    ours = ours_keras_run(KerasNadam(LR, B1, B2, EPS), 60, True)
    gap = np.abs(ours - theirs).max()
    assert 1e-11 < gap < 1e-7  # measured 1.4e-9 on a constant rate

    class Float32Decay(KerasNadam):  # u_t and u_{t+1} with 0.96 rounded to float32, Π_t with 0.96
        def rule(self, theta, g, momentum, velocity, *, first, t, u_product):
            b1, b2, d = self.beta_1, self.beta_2, f32(0.96)
            u_t, u_next = b1 * (1.0 - 0.5 * d**t), b1 * (1.0 - 0.5 * d ** (t + 1))
            momentum += (g - momentum) * (1 - b1)
            velocity += (g * g - velocity) * (1 - b2)
            m_hat = u_next * momentum / (1 - u_product * u_next) + (1 - u_t) * g / (1 - u_product)
            theta -= m_hat * self.lr / (np.sqrt(velocity / (1 - b2**t)) + self.epsilon)

    assert np.abs(ours_keras_run(Float32Decay(LR, B1, B2, EPS), 60, True) - theirs).max() <= 1e-12


@pytest.mark.frameworks
def test_keras_adam_casts_betas_to_float32_in_its_bias_correction_only(keras_tf):
    keras, _ = keras_tf
    theirs = keras_run(keras.optimizers.Adam(0.01), 40, False, keras_tf)
    # Defaults (0.9, 0.999) are not float32 numbers: Keras' 1 − β₂ᵗ uses float32(0.999), off by 1.3e-5
    # relative at t = 1, so its steps are off by ~6e-6 relative: gaps of ~1e-7 per step, 2e-6 after 40.
    raw = ours_keras_run(KerasAdam(0.01), 40, False)
    assert 1e-7 < np.abs(raw - theirs).max() < 1e-5

    class Float32Powers(KerasAdam):
        def rule(self, theta, g, momentum, velocity, velocity_hat=None, *, first, t):
            alpha = self.lr * np.sqrt(1 - f32(self.beta_2) ** t) / (1 - f32(self.beta_1) ** t)
            momentum += (g - momentum) * (1 - self.beta_1)
            velocity += (g * g - velocity) * (1 - self.beta_2)
            theta -= momentum * alpha / (np.sqrt(velocity) + self.epsilon)

    assert np.abs(ours_keras_run(Float32Powers(0.01), 40, False) - theirs).max() <= 1e-12


@pytest.mark.frameworks
def test_keras_defaults_and_compile_adam(keras_tf):
    keras, _ = keras_tf
    for ours, theirs in [
        (KerasAdam(), keras.optimizers.Adam()),
        (KerasAdamW(), keras.optimizers.AdamW()),
        (KerasRMSprop(), keras.optimizers.RMSprop()),
        (KerasAdagrad(), keras.optimizers.Adagrad()),
        (KerasNadam(), keras.optimizers.Nadam()),
    ]:
        config = theirs.get_config()
        for key, value in ours.hyperparameters().items():
            expected = value if value is None or isinstance(value, bool) else pytest.approx(value, rel=1e-7)
            assert config[key] == expected, (type(ours).__name__, key)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    assert type(model.optimizer) is keras.optimizers.Adam
    assert model.optimizer.get_config()["epsilon"] == 1e-7 == KerasAdam().epsilon


# --------------------------------------------------------------------------------------------------
# The convention differences, pinned


def test_keras_adam_is_torch_adam_with_epsilon_scaled_by_the_bias_correction():
    # At t = 1 √(1 − β₂) = √0.001: Keras' ε = 1e-7 is torch's eps = 1e-7/√0.001 = 3.16e-6.
    g = np.array([1e-6, 2e-5, -3e-6])
    k, t = np.zeros(3), np.zeros(3)
    KerasAdam(learning_rate=0.001, epsilon=1e-7).step(k, g)
    Adam(lr=0.001, eps=1e-7 / math.sqrt(0.001)).step(t, g)
    np.testing.assert_allclose(k, t, rtol=1e-13)
    same_eps = np.zeros(3)
    Adam(lr=0.001, eps=1e-7).step(same_eps, g)
    assert np.abs(same_eps - k).max() > 5e-5  # with tiny gradients the placement of ε decides the step
    # With ε = 0 the two are one method.
    a, b = (
        ours_run(KerasAdam(learning_rate=0.01, epsilon=0.0), 30, 0.01, True),
        ours_run(Adam(lr=0.01, eps=0.0), 30, 0.01, True),
    )
    np.testing.assert_allclose(a, b, rtol=0, atol=1e-14)


def test_keras_adam_weight_decay_is_torch_adamw_not_torch_adam():
    kw = dict(weight_decay=0.1)
    keras_form = ours_run(KerasAdam(learning_rate=0.01, epsilon=0.0, **kw), 30, 0.01, True)
    adamw = ours_run(AdamW(lr=0.01, eps=0.0, **kw), 30, 0.01, True)
    adam_l2 = ours_run(Adam(lr=0.01, eps=0.0, **kw), 30, 0.01, True)
    np.testing.assert_allclose(keras_form, adamw, rtol=0, atol=1e-14)
    assert np.abs(keras_form - adam_l2).max() > 1e-3


def test_rmsprop_epsilon_inside_and_outside_the_root():
    g = np.array([1e-3, 1e-5])
    k, t = np.zeros(2), np.zeros(2)
    KerasRMSprop(learning_rate=0.01, rho=0.99, epsilon=1e-7).step(k, g)
    RMSprop(lr=0.01, alpha=0.99, eps=1e-7).step(t, g)
    # Keras: 0.01·g/√(0.01 g² + 1e-7); torch: 0.01·g/(0.1|g| + 1e-7). For g = 1e-5: 3.16e-4 against 0.091.
    np.testing.assert_allclose(-k, 0.01 * g / np.sqrt(0.01 * g**2 + 1e-7), rtol=1e-14)
    np.testing.assert_allclose(-t, 0.01 * g / (0.1 * np.abs(g) + 1e-7), rtol=1e-14)
    assert -t[1] / -k[1] > 250  # measured 287


def test_rmsprop_momentum_conventions_agree_at_constant_lr_and_part_under_a_schedule():
    kw_keras, kw_torch = dict(rho=0.9, momentum=0.9, epsilon=0.0), dict(alpha=0.9, momentum=0.9, eps=0.0)
    constant = [
        ours_run(KerasRMSprop(learning_rate=0.01, **kw_keras), 30, 0.01, False),
        ours_run(RMSprop(lr=0.01, **kw_torch), 30, 0.01, False),
    ]
    np.testing.assert_allclose(*constant, rtol=0, atol=1e-13)
    changing = [
        ours_run(KerasRMSprop(learning_rate=0.01, **kw_keras), 30, 0.01, True),
        ours_run(RMSprop(lr=0.01, **kw_torch), 30, 0.01, True),
    ]
    assert np.abs(changing[0] - changing[1]).max() > 1e-3  # Keras keeps each increment's own η (chapter 2)


def test_nadam_momentum_schedules_differ():
    # torch μ_t = β₁(1 − ½·0.96^{0.004 t}); Keras u_t = β₁(1 − ½·0.96ᵗ). At t = 1: 0.45007 against 0.468.
    t_state, k_state = {"step": 1}, {"step": 1}
    mu = NAdam().per_step(t_state)["mu"]
    KerasNadam().per_step(k_state)
    assert mu == pytest.approx(0.9 * (1 - 0.5 * 0.96**0.004), rel=1e-15)
    assert k_state["u_product"] == pytest.approx(0.9 * (1 - 0.5 * 0.96), rel=1e-15)
    a = ours_run(NAdam(lr=0.01, eps=0.0), 30, 0.01, False)
    b = ours_run(KerasNadam(learning_rate=0.01, epsilon=0.0), 30, 0.01, False)
    assert np.abs(a - b).max() > 1e-4


def test_adagrad_conventions_differ_in_epsilon_and_starting_accumulator():
    g = np.array([0.5])
    k, t = np.zeros(1), np.zeros(1)
    KerasAdagrad(learning_rate=0.1).step(k, g)  # s = 0.1 + 0.25, step 0.1·0.5/√(0.35 + 1e-7)
    Adagrad(lr=0.1).step(t, g)  # s = 0.25, step 0.1·0.5/(0.5 + 1e-10) ≈ 0.1
    assert k[0] == pytest.approx(-0.05 / math.sqrt(0.35 + 1e-7), rel=1e-15)
    assert t[0] == pytest.approx(-0.05 / (0.5 + 1e-10), rel=1e-15)


def test_exported_from_the_package():
    for name in [
        "Adagrad",
        "RMSprop",
        "Adam",
        "AdamW",
        "NAdam",
        "KerasAdagrad",
        "KerasRMSprop",
        "KerasAdam",
        "KerasAdamW",
        "KerasNadam",
    ]:
        assert getattr(optim, name) is getattr(optim.adaptive, name)
