"""``momentum_lab.tf.optimizers.HeavyBall`` reproduces ``keras.optimizers.SGD`` in a GradientTape loop and
in ``model.fit``, and a model compiled with it saves to ``.keras`` and loads back."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")
tf = pytest.importorskip("tensorflow")
pytestmark = pytest.mark.frameworks

from momentum_lab.landscapes import quadratic_bowl  # noqa: E402
from momentum_lab.optim import KerasMomentum, trajectory  # noqa: E402
from momentum_lab.tf.optimizers import HeavyBall  # noqa: E402

BOWL = quadratic_bowl(20.0, L=2.0, dim=4, seed=1)
X0 = np.array([1.0, -2.0, 0.5, 1.5])


def tape_trajectory(optimizer, steps=50, dtype="float64"):
    """Iterates of ``optimizer`` minimising ½ xᵀAx with a GradientTape loop and apply_gradients."""
    x = tf.Variable(X0.astype(dtype))
    A = tf.constant(BOWL.A.astype(dtype))
    path = [x.numpy().copy()]
    for _ in range(steps):
        with tf.GradientTape() as tape:
            loss = 0.5 * tf.tensordot(x, tf.linalg.matvec(A, x), 1)
        optimizer.apply_gradients([(tape.gradient(loss, x), x)])
        path.append(x.numpy().copy())
    return np.array(path)


@pytest.mark.parametrize("nesterov", [False, True])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_gradient_tape_loop_equals_keras_sgd(nesterov, dtype):
    ours = tape_trajectory(HeavyBall(0.2, momentum=0.9, nesterov=nesterov), dtype=dtype)
    theirs = tape_trajectory(keras.optimizers.SGD(0.2, momentum=0.9, nesterov=nesterov), dtype=dtype)
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("nesterov", [False, True])
def test_equals_the_numpy_keras_form_with_float32_hyperparameters(nesterov):
    ours = tape_trajectory(HeavyBall(0.2, momentum=0.9, nesterov=nesterov))
    numpy_form = trajectory(BOWL.grad, X0, KerasMomentum(float(np.float32(0.2)), float(np.float32(0.9)), nesterov), 50)
    np.testing.assert_allclose(ours, numpy_form, rtol=0, atol=1e-14)


def test_follows_a_learning_rate_schedule_like_keras_sgd():
    def schedule():
        return keras.optimizers.schedules.ExponentialDecay(0.3, decay_steps=1, decay_rate=0.9)

    np.testing.assert_array_equal(
        tape_trajectory(HeavyBall(schedule(), momentum=0.8), steps=20),
        tape_trajectory(keras.optimizers.SGD(schedule(), momentum=0.8), steps=20),
    )


def tiny_model(seed=0):
    keras.utils.set_random_seed(seed)
    inputs = keras.Input((3,))
    hidden = keras.layers.Dense(4, activation="tanh")(inputs)
    return keras.Model(inputs, keras.layers.Dense(1)(hidden))


def tiny_data():
    rng = np.random.default_rng(0)
    return rng.standard_normal((64, 3)).astype("float32"), rng.standard_normal((64, 1)).astype("float32")


@pytest.mark.parametrize("nesterov", [False, True])
def test_model_fit_equals_keras_sgd(nesterov):
    x, y = tiny_data()
    weights, histories = [], []
    for make in (
        lambda: HeavyBall(0.05, momentum=0.9, nesterov=nesterov),
        lambda: keras.optimizers.SGD(0.05, momentum=0.9, nesterov=nesterov),
    ):
        model = tiny_model()
        model.compile(optimizer=make(), loss="mse")
        histories.append(model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0).history["loss"])
        weights.append(model.get_weights())
    for a, b in zip(*weights):
        np.testing.assert_array_equal(a, b)
    assert histories[0] == histories[1] and histories[0][-1] < histories[0][0]


# Keras 3.15's saver calls np.array() on its variables, which NumPy 2 flags; not ours to fix.
@pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning")
def test_compiled_model_saves_and_loads_with_its_momentum(tmp_path):
    x, y = tiny_data()
    model = tiny_model()
    model.compile(optimizer=HeavyBall(0.05, momentum=0.8, nesterov=True), loss="mse")
    model.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    path = tmp_path / "heavy_ball.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert type(loaded.optimizer) is HeavyBall
    assert loaded.optimizer.get_config() == model.optimizer.get_config()
    assert (loaded.optimizer.momentum, loaded.optimizer.nesterov) == (0.8, True)
    for a, b in zip(model.optimizer.variables, loaded.optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())  # iterations, lr, momentum slots
    # training resumes exactly where it stopped
    model.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    loaded.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_config_round_trip_and_registration():
    opt = HeavyBall(0.03, momentum=0.7, nesterov=True, clipnorm=1.0)
    config = opt.get_config()
    assert config["momentum"] == 0.7 and config["nesterov"] is True and config["name"] == "heavy_ball"
    clone = HeavyBall.from_config(config)
    assert clone.get_config() == config
    assert keras.saving.get_registered_name(HeavyBall) == "momentum_lab>HeavyBall"
    assert keras.optimizers.deserialize(keras.optimizers.serialize(opt)).get_config() == config


def test_build_creates_one_zero_slot_per_variable():
    a, b = tf.Variable(np.ones((2, 3))), tf.Variable(np.ones(3, dtype="float32"))
    opt = HeavyBall(0.1)
    opt.build([a, b])
    assert [tuple(m.shape) for m in opt.momentums] == [(2, 3), (3,)]
    assert [m.dtype for m in opt.momentums] == ["float64", "float32"]
    assert all(np.all(m.numpy() == 0) for m in opt.momentums)


def test_repr_shows_the_arguments():
    assert repr(HeavyBall()) == "HeavyBall(learning_rate=0.01, momentum=0.9, nesterov=False)"
    opt = HeavyBall(0.03, momentum=0.7, nesterov=True, name="hb", clipnorm=1.0, weight_decay=0.004)
    assert repr(opt) == (
        "HeavyBall(learning_rate=0.03, momentum=0.7, nesterov=True, name='hb', weight_decay=0.004, clipnorm=1.0)"
    )
    opt.learning_rate = 0.5  # the repr follows the optimizer's current state
    assert repr(opt).startswith("HeavyBall(learning_rate=0.5, ")
    schedule = keras.optimizers.schedules.ExponentialDecay(0.3, decay_steps=1, decay_rate=0.9)
    assert repr(HeavyBall(schedule, momentum=0.8)) == (
        "HeavyBall(learning_rate=ExponentialDecay(initial_learning_rate=0.3, decay_steps=1, decay_rate=0.9, "
        "staircase=False, name='ExponentialDecay'), momentum=0.8, nesterov=False)"
    )


@pytest.mark.parametrize(
    "make",
    [
        lambda: HeavyBall(),
        lambda: HeavyBall(0.03, momentum=0.7, nesterov=True, name="hb", weight_decay=0.004, use_ema=True),
        lambda: HeavyBall(keras.optimizers.schedules.ExponentialDecay(0.3, decay_steps=1, decay_rate=0.9), momentum=1),
    ],
    ids=["defaults", "every argument", "schedule"],
)
def test_from_config_rebuilds_the_same_optimizer(make):
    opt = make()
    clone = HeavyBall.from_config(opt.get_config())
    assert clone.get_config() == opt.get_config() and repr(clone) == repr(opt)
    np.testing.assert_array_equal(tape_trajectory(clone, steps=10), tape_trajectory(make(), steps=10))


def test_arguments_are_checked_as_the_numpy_keras_form_checks_them():
    # the NumPy form rejects a negative learning rate, and so does this one (keras.optimizers.SGD takes it and climbs)
    with pytest.raises(ValueError, match="must be >= 0"):
        KerasMomentum(-0.1, 0.9)
    with pytest.raises(ValueError, match=r"learning_rate must be >= 0; got learning_rate=-0\.1"):
        HeavyBall(-0.1)
    assert tape_trajectory(keras.optimizers.SGD(-0.1), steps=3)[-1] @ X0 > X0 @ X0  # the built-in ascends


BAD = [
    (dict(learning_rate=-0.1), ValueError, "learning_rate must be >= 0; got learning_rate=-0.1"),
    (dict(learning_rate=float("nan")), ValueError, "learning_rate must be finite; got learning_rate=nan"),
    (dict(learning_rate=True), TypeError, "learning_rate must be a real number; got learning_rate=True"),
    (dict(momentum=-0.5), ValueError, "momentum must be in [0, 1]; got momentum=-0.5"),
    (dict(momentum=1.5), ValueError, "momentum must be in [0, 1]; got momentum=1.5"),
    (dict(momentum="high"), TypeError, "momentum must be a real number; got momentum='high'"),
    (dict(nesterov="yes"), TypeError, "nesterov must be True or False; got nesterov='yes'"),
    (dict(decay_rate=0.1), ValueError, "Argument(s) not recognized"),
]


@pytest.mark.parametrize("kwargs, error, fragment", BAD, ids=[c[2] for c in BAD])
def test_bad_arguments(kwargs, error, fragment):
    with pytest.raises(error) as info:
        HeavyBall(**(dict(learning_rate=0.1) | kwargs))
    assert fragment in str(info.value)
