"""GradientTape: hand-worked derivatives, nesting, and TensorFlow's rules for watching, reuse and misuse.

Every rule below was checked against tf.GradientTape 2.21 (test_autodiff_frameworks.py re-checks the
important ones against TensorFlow itself).
"""

import numpy as np
import pytest

from momentum_lab import autodiff as ad
from momentum_lab.autodiff.tape import active_tapes


def f_xy(x, y):
    return x * x * y + y**3


# ---- hand-worked values --------------------------------------------------------------------------------------------
# f = x²y + y³ at (1, 2):  ∂f/∂x = 2xy = 4,  ∂f/∂y = x² + 3y² = 1 + 12 = 13;
# ∂²f/∂x² = 2y = 4,  ∂²f/∂x∂y = 2x = 2,  ∂²f/∂y² = 6y = 12.
def test_hand_worked_gradient_and_hessian_with_nested_tapes():
    x, y = ad.constant(1.0), ad.constant(2.0)
    with ad.GradientTape(persistent=True) as outer:
        outer.watch([x, y])
        with ad.GradientTape() as inner:
            inner.watch([x, y])
            f = f_xy(x, y)
        gx, gy = inner.gradient(f, [x, y])
    assert (gx.item(), gy.item()) == (4.0, 13.0)
    H = [
        [outer.gradient(gx, x).item(), outer.gradient(gx, y).item()],
        [outer.gradient(gy, x).item(), outer.gradient(gy, y).item()],
    ]
    assert H == [[4.0, 2.0], [2.0, 12.0]]


def test_hand_worked_hessian_of_a_vector_with_tape_jacobian():
    v = ad.constant([1.0, 2.0])
    with ad.GradientTape() as outer:
        outer.watch(v)
        with ad.GradientTape() as inner:
            inner.watch(v)
            f = f_xy(v[0], v[1])
        g = inner.gradient(f, v)
    np.testing.assert_array_equal(g.numpy(), [4.0, 13.0])
    np.testing.assert_array_equal(outer.jacobian(g, v).numpy(), [[4.0, 2.0], [2.0, 12.0]])


@pytest.mark.parametrize("x", [-1.5, 0.5, 2.0])
def test_third_derivative_of_x4_is_24x_with_three_nested_tapes(x):
    # d/dx x⁴ = 4x³, d²/dx² = 12x², d³/dx³ = 24x, d⁴/dx⁴ = 24.
    x = ad.constant(x)
    with ad.GradientTape() as t4:
        t4.watch(x)
        with ad.GradientTape() as t3:
            t3.watch(x)
            with ad.GradientTape() as t2:
                t2.watch(x)
                with ad.GradientTape() as t1:
                    t1.watch(x)
                    y = x**4
                d1 = t1.gradient(y, x)
            d2 = t2.gradient(d1, x)
        d3 = t3.gradient(d2, x)
    d4 = t4.gradient(d3, x)
    xv = x.item()
    np.testing.assert_allclose(
        [d1.item(), d2.item(), d3.item(), d4.item()], [4 * xv**3, 12 * xv**2, 24 * xv, 24.0], rtol=1e-14
    )


def test_persistent_tape_records_its_own_gradient_inside_its_context():
    # TF: gradient called inside a persistent tape's block is recorded on that tape (for higher order).
    x = ad.constant([1.0, 2.0])
    with ad.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x**3
        g = tape.gradient(y, x)  # 3x²
    np.testing.assert_array_equal(tape.gradient(g, x).numpy(), [6.0, 12.0])  # 6x


def test_non_persistent_tape_stops_recording_when_used_inside_its_context():
    x = ad.constant(2.0)
    with ad.GradientTape() as tape:
        tape.watch(x)
        y = x * x
        assert tape.gradient(y, x).item() == 4.0
        assert tape not in active_tapes
        x * 3.0  # not recorded
    assert active_tapes == []


# ---- what the gradient of a non-scalar or listed target means ------------------------------------------------------
def test_gradient_of_a_non_scalar_target_is_the_gradient_of_its_sum():
    x = ad.constant([1.0, 2.0, 3.0])
    with ad.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [2.0, 4.0, 6.0])


def test_gradient_of_a_list_of_targets_sums_them():
    x = ad.constant([1.0, 2.0])
    with ad.GradientTape() as tape:
        tape.watch(x)
        y = [x * x, x]
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [3.0, 5.0])


def test_output_gradients_give_a_vector_jacobian_product():
    x = ad.constant([1.0, 2.0])
    with ad.GradientTape() as tape:
        tape.watch(x)
        y = ad.stack([x[0] * x[1], x[0] + x[1], x[1] ** 2])  # J = [[2, 1], [1, 1], [0, 4]]
    u = np.array([1.0, -1.0, 2.0])
    np.testing.assert_array_equal(tape.gradient(y, x, output_gradients=u).numpy(), [1.0, 8.0])  # uᵀJ


def test_gradient_of_a_source_with_respect_to_itself_is_ones():
    x = ad.constant([1.0, 2.0])
    with ad.GradientTape() as tape:
        tape.watch(x)
    np.testing.assert_array_equal(tape.gradient(x, x).numpy(), [1.0, 1.0])


def test_gradient_with_respect_to_an_intermediate_tensor():
    x = ad.constant(3.0)
    with ad.GradientTape() as tape:
        tape.watch(x)
        h = x * x
        y = h * h + x  # dy/dh = 2h = 18 (total derivative through h only)
    np.testing.assert_array_equal([g.item() for g in tape.gradient(y, [h, x])], [18.0, 4 * 27.0 + 1.0])


def test_sources_keep_their_structure():
    x, y = ad.constant([1.0, 2.0]), ad.constant(3.0)
    with ad.GradientTape() as tape:
        tape.watch([x, y])
        f = ad.sum(x) * y
    grads = tape.gradient(f, {"x": x, "nested": [y, (x,)]})
    assert set(grads) == {"x", "nested"} and isinstance(grads["nested"], list)
    assert isinstance(grads["nested"][1], tuple)
    np.testing.assert_array_equal(grads["x"].numpy(), [3.0, 3.0])
    assert grads["nested"][0].item() == 3.0


# ---- jacobian ------------------------------------------------------------------------------------------------------
def test_jacobian_shape_is_target_shape_plus_source_shape():
    x = ad.constant(np.arange(6.0).reshape(2, 3))
    with ad.GradientTape() as tape:
        tape.watch(x)
        y = ad.sum(x * x, axis=0)  # y_j = Σ_i x_ij², ∂y_j/∂x_ik = 2 x_ik [j = k]
    J = tape.jacobian(y, x).numpy()
    assert J.shape == (3, 2, 3)
    expected = np.zeros((3, 2, 3))
    for j in range(3):
        expected[j, :, j] = 2 * x.numpy()[:, j]
    np.testing.assert_array_equal(J, expected)


def test_jacobian_of_a_scalar_is_the_gradient():
    x = ad.constant([1.0, 2.0])
    with ad.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = ad.sum(ad.exp(x))
    np.testing.assert_allclose(tape.jacobian(y, x).numpy(), tape.gradient(y, x).numpy(), rtol=1e-15)


# ---- unconnected and unwatched sources: None, or zeros on request --------------------------------------------------
def test_unconnected_source_gives_none_or_zeros():
    x, z = ad.constant([1.0, 2.0]), ad.constant(np.ones((2, 3)))
    for mode, expected in (("none", None), ("zero", np.zeros((2, 3)))):
        with ad.GradientTape() as tape:
            tape.watch([x, z])
            y = ad.sum(x * x)
        gx, gz = tape.gradient(y, [x, z], unconnected_gradients=mode)
        np.testing.assert_array_equal(gx.numpy(), [2.0, 4.0])
        assert gz is None if expected is None else np.array_equal(gz.numpy(), expected)


def test_unwatched_tensor_is_unconnected():
    x = ad.constant(2.0)
    with ad.GradientTape() as tape:
        y = x * x
    assert tape.gradient(y, x) is None


def test_jacobian_unconnected_gives_none_or_zeros_of_the_full_shape():
    x, z = ad.constant([1.0, 2.0]), ad.constant([1.0, 2.0, 3.0])
    with ad.GradientTape(persistent=True) as tape:
        tape.watch([x, z])
        y = x * 2.0
    assert tape.jacobian(y, z) is None
    np.testing.assert_array_equal(tape.jacobian(y, z, unconnected_gradients="zero").numpy(), np.zeros((2, 3)))


def test_stop_recording_hides_operations():
    x = ad.constant(2.0)
    with ad.GradientTape() as tape:
        tape.watch(x)
        with tape.stop_recording():
            y = x * x
        z = x * 3.0
    assert tape.gradient([y, z], x).item() == 3.0


def test_tensors_are_watched_only_by_the_tape_that_watches_them():
    x = ad.constant(2.0)
    with ad.GradientTape() as outer:
        with ad.GradientTape() as inner:
            inner.watch(x)
            y = x * x
    assert inner.gradient(y, x).item() == 4.0
    assert outer.gradient(y, x) is None


# ---- Variables -----------------------------------------------------------------------------------------------------
def test_trainable_variables_are_watched_when_accessed():
    w, frozen = ad.Variable([1.0, 2.0], name="w"), ad.Variable(3.0, trainable=False)
    with ad.GradientTape() as tape:
        y = ad.sum(w * frozen)
    gw, gf = tape.gradient(y, [w, frozen])
    np.testing.assert_array_equal(gw.numpy(), [3.0, 3.0])
    assert gf is None
    assert tape.watched_variables() == (w,)


def test_watch_accessed_variables_false_needs_explicit_watch():
    w = ad.Variable([1.0, 2.0])
    with ad.GradientTape(watch_accessed_variables=False) as tape:
        y = ad.sum(w * w)
    assert tape.gradient(y, w) is None
    with ad.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(w)
        y = ad.sum(w * w)
    np.testing.assert_array_equal(tape.gradient(y, w).numpy(), [2.0, 4.0])


def test_variable_assign_methods():
    w = ad.Variable([1.0, 2.0])
    assert w.assign_sub([0.5, 0.5]) is w
    np.testing.assert_array_equal(w.numpy(), [0.5, 1.5])
    w.assign_add(1.0)
    np.testing.assert_array_equal(w.numpy(), [1.5, 2.5])
    w.assign([0.0, 0.0])
    np.testing.assert_array_equal(w.numpy(), [0.0, 0.0])


def test_a_gradient_descent_step_on_a_variable():
    w = ad.Variable([3.0, -1.0])
    for _ in range(50):
        with ad.GradientTape() as tape:
            loss = ad.sum(w * w)
        w.assign_sub(0.1 * tape.gradient(loss, w))
    np.testing.assert_allclose(w.numpy(), 0.8**50 * np.array([3.0, -1.0]), rtol=1e-12)


# ---- reuse and misuse: what TensorFlow raises ----------------------------------------------------------------------
NON_PERSISTENT_REUSE = "A non-persistent GradientTape can only be used to compute one set of gradients"


@pytest.mark.parametrize(
    "first, second",
    [("gradient", "gradient"), ("gradient", "jacobian"), ("jacobian", "gradient"), ("jacobian", "jacobian")],
)
def test_non_persistent_tape_computes_one_set_of_gradients(first, second):
    x = ad.constant([1.0, 2.0])
    with ad.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    getattr(tape, first)(y, x)
    with pytest.raises(RuntimeError, match=NON_PERSISTENT_REUSE):
        getattr(tape, second)(y, x)


def test_persistent_tape_can_be_reused():
    x = ad.constant([1.0, 2.0])
    with ad.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
    for _ in range(3):
        np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [2.0, 4.0])
    np.testing.assert_array_equal(tape.jacobian(y, x).numpy(), np.diag([2.0, 4.0]))


def test_used_non_persistent_tape_starts_over_when_reentered():
    x = ad.constant(3.0)
    tape = ad.GradientTape()
    with tape:
        tape.watch(x)
        y = x * x
    tape.gradient(y, x)
    with tape:
        tape.watch(x)
        y = x * x * x
    assert tape.gradient(y, x).item() == 27.0


def test_reentering_an_active_tape_raises_value_error():
    tape = ad.GradientTape()
    with tape:
        with pytest.raises(ValueError, match="Tape is still recording"):
            tape.__enter__()
    assert active_tapes == []


def test_tape_stack_is_restored_when_the_body_raises():
    with pytest.raises(ZeroDivisionError):
        with ad.GradientTape():
            with ad.GradientTape():
                _ = 1 / 0
    assert active_tapes == []


def test_stop_recording_needs_a_recording_tape():
    with pytest.raises(ValueError, match="Tape must be recording"):
        with ad.GradientTape().stop_recording():
            pass


def test_reset_forgets_the_records():
    x = ad.constant(2.0)
    with ad.GradientTape() as tape:
        tape.watch(x)
        y = x * x
        tape.reset()
        tape.watch(x)
        z = x * 5.0
    assert tape.gradient([y, z], x).item() == 5.0


def _taped_square():
    x = ad.constant([1.0, 2.0])
    tape = ad.GradientTape()
    with tape:
        tape.watch(x)
        y = x * x
    return tape, x, y


MISUSE = [
    # (case, call(tape, x, y), exception, message fragment)
    ("target is a list of Python floats", lambda t, x, y: t.gradient([0.5, 1.0], x), TypeError, r"target\[0\]"),
    ("target is a NumPy array", lambda t, x, y: t.gradient(np.ones(2), x), TypeError, "not recorded"),
    ("target is None", lambda t, x, y: t.gradient(None, x), TypeError, "target"),
    ("a source is a NumPy array", lambda t, x, y: t.gradient(y, [x, np.ones(2)]), TypeError, r"sources\[1\]"),
    (
        "unconnected_gradients is misspelt",
        lambda t, x, y: t.gradient(y, x, unconnected_gradients="zeros"),
        ValueError,
        "unconnected_gradients",
    ),
    (
        "output_gradients has the wrong shape",
        lambda t, x, y: t.gradient(y, x, output_gradients=np.ones(3)),
        ValueError,
        "output_gradients",
    ),
    ("jacobian of a list", lambda t, x, y: t.jacobian([y], x), TypeError, "target must be a Tensor"),
]


@pytest.mark.parametrize("case, call, exception, fragment", MISUSE, ids=[m[0] for m in MISUSE])
def test_misuse_raises_a_clear_error(case, call, exception, fragment):
    tape, x, y = _taped_square()
    with pytest.raises(exception, match=fragment):
        call(tape, x, y)


@pytest.mark.parametrize("value", [np.ones(2), 1.0, [ad.constant(1.0), "x"]], ids=["ndarray", "float", "list"])
def test_watch_rejects_non_tensors_with_type_and_value_error(value):
    with ad.GradientTape() as tape:
        with pytest.raises(TypeError, match="tensor"):
            tape.watch(value)
        with pytest.raises(ValueError):  # what tf.GradientTape.watch raises
            tape.watch(value)


@pytest.mark.parametrize(
    "kwargs, name",
    [({"persistent": 1}, "persistent"), ({"watch_accessed_variables": "yes"}, "watch_accessed_variables")],
)
def test_constructor_validates_flags(kwargs, name):
    with pytest.raises(TypeError, match=name):
        ad.GradientTape(**kwargs)
