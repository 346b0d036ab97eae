"""Checkers of chapters 4 and 5: each accepts the reference and names the typical mistakes."""

import numpy as np
import pytest

from momentum_lab import autodiff as ad
from momentum_lab.check import autodiff as chk
from momentum_lab.check.autodiff import RULES, check_backward_rule, check_hessian, check_hvp, check_jacobian


# ---- backward rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(RULES))
@pytest.mark.parametrize("batched", [False, True])
def test_library_rules_pass(name, batched):
    prim = getattr(ad, name)
    feedback = check_backward_rule(name, *prim.vjps[: RULES[name]], batched=batched)
    assert feedback, feedback.message


RULE_MISTAKES = [
    # (primitive, rules, expected mistake name)
    ("tanh", [lambda g, ans, x: 1.0 - ans * ans], "missing chain-rule factor"),
    ("tanh", [lambda g, ans, x: -g * (1.0 - ans * ans)], "wrong sign"),
    ("tanh", [lambda g, ans, x: g * (1.0 - x * x)], "input instead of output"),
    ("tanh", [lambda g, ans, x: g * (1.0 - ans)], "forgot the square"),
    ("tanh", [lambda g, ans, x: g * ans], "exp's rule"),
    ("tanh", [lambda g, ans, x: g * (1.0 - np.tanh(x) ** 2)], "numpy on tensors"),
    ("sigmoid", [lambda g, ans, x: ans * (1.0 - ans)], "missing chain-rule factor"),
    ("sigmoid", [lambda g, ans, x: g * x * (1.0 - x)], "input instead of output"),
    ("sigmoid", [lambda g, ans, x: g * ans], "forgot 1 - sigma"),
    ("exp", [lambda g, ans, x: ans], "missing chain-rule factor"),
    ("exp", [lambda g, ans, x: g * x], "input instead of output"),
    ("log", [lambda g, ans, x: g * x], "multiplied instead of divided"),
    ("log", [lambda g, ans, x: -g / x], "wrong sign"),
    ("log", [lambda g, ans, x: g / (x * x)], "squared denominator"),
    ("multiply", [lambda g, ans, a, b: g * b, lambda g, ans, a, b: g * a], "forgot to sum over broadcast axes"),
    (
        "multiply",
        [lambda g, ans, a, b: ad.unbroadcast(g * a, a.shape), lambda g, ans, a, b: ad.unbroadcast(g * b, b.shape)],
        "swapped inputs",
    ),
    (
        "multiply",
        [
            lambda g, ans, a, b: ad.unbroadcast(ad.broadcast_to(b, g.shape), a.shape),
            lambda g, ans, a, b: ad.unbroadcast(g * a, b.shape),
        ],
        "missing chain-rule factor",
    ),
    (
        "multiply",
        [
            lambda g, ans, a, b: ad.unbroadcast(g * b, a.shape),
            lambda g, ans, a, b: ad.unbroadcast(g * a, b.shape) * (b.size / ans.size),
        ],
        "mean instead of sum",
    ),
    (
        "divide",
        [
            lambda g, ans, a, b: ad.unbroadcast(g / b, a.shape),
            lambda g, ans, a, b: ad.unbroadcast(g * a / (b * b), b.shape),
        ],
        "wrong sign",
    ),
    (
        "divide",
        [lambda g, ans, a, b: ad.unbroadcast(g / b, a.shape), lambda g, ans, a, b: ad.unbroadcast(-g * a / b, b.shape)],
        "forgot the square",
    ),
    ("matmul", [lambda g, ans, a, b: b @ g.T, lambda g, ans, a, b: a.T @ g], "transposed Jacobian"),
    ("matmul", [lambda g, ans, a, b: g @ b, lambda g, ans, a, b: a.T @ g], "forgot to transpose"),
    ("matmul", [lambda g, ans, a, b: g @ b.T, lambda g, ans, a, b: g.T @ a], "transposed Jacobian"),
    ("matmul", [lambda g, ans, a, b: g @ b.T, lambda g, ans, a, b: g @ a.T], "wrong order"),
    ("matmul", [lambda g, ans, a, b: -(g @ b.T), lambda g, ans, a, b: a.T @ g], "wrong sign"),
]


@pytest.mark.parametrize(
    "primitive, rules, mistake", RULE_MISTAKES, ids=[f"{p}-{m}-{i}" for i, (p, _, m) in enumerate(RULE_MISTAKES)]
)
def test_rule_mistakes_are_named(primitive, rules, mistake):
    feedback = check_backward_rule(primitive, *rules)
    assert not feedback
    assert feedback.mistake == mistake, feedback.message


def test_rule_feedback_names_the_input_and_hides_the_answer():
    feedback = check_backward_rule(
        "multiply",
        lambda g, ans, a, b: ad.unbroadcast(g * b, a.shape),
        lambda g, ans, a, b: ad.unbroadcast(g * b, b.shape),
    )
    assert feedback.message.startswith("For input `b`:")
    assert "[" not in feedback.message  # no arrays printed


def test_rule_edge_cases():
    assert check_backward_rule("multiply", lambda g, ans, a, b: g).mistake == "wrong number of rules"
    assert check_backward_rule("exp", lambda g, ans, x: None).mistake == "returned None"

    def placeholder(g, ans, x):
        raise NotImplementedError("replace this line")

    assert check_backward_rule("tanh", placeholder).mistake == "raised"
    # an unbatched multiply rule passes plain cases and fails batched ones
    plain = [lambda g, ans, a, b: ad.unbroadcast(g * b, a.shape), lambda g, ans, a, b: ad.unbroadcast(g * a, b.shape)]
    assert check_backward_rule("multiply", *plain)
    assert not check_backward_rule("multiply", *plain, batched=True)
    with pytest.raises(ValueError, match="primitive must be one of"):
        check_backward_rule("sin", lambda g, ans, x: g)


def test_reference_rules_match_finite_differences():
    # Each NumPy reference VJP, contracted with a random direction, equals the directional
    # derivative of Σ g·forward by central differences.
    h = 1e-6
    for name in RULES:
        for g, ans, *inputs in chk._rule_cases(name, batched=False):
            spec = chk._UNARY.get(name) or chk._BINARY[name]
            refs = [spec["rule"]] if name in chk._UNARY else [r for r, _ in spec["rules"]]
            for i, ref in enumerate(refs):
                d = np.random.default_rng(1).standard_normal(inputs[i].shape)
                plus = [x + h * d if j == i else x for j, x in enumerate(inputs)]
                minus = [x - h * d if j == i else x for j, x in enumerate(inputs)]
                numeric = (np.sum(g * spec["forward"](*plus)) - np.sum(g * spec["forward"](*minus))) / (2 * h)
                assert np.sum(ref(g, ans, *inputs) * d) == pytest.approx(numeric, rel=1e-6, abs=1e-8)


# ---- Jacobian, Hessian, HVP ----------------------------------------------------------------------------


def _nested(f, x, use_jacobian=True):
    x = ad.constant(x)
    with ad.GradientTape() as outer:
        outer.watch(x)
        with ad.GradientTape() as inner:
            inner.watch(x)
            y = f(x)
        g = inner.gradient(y, x)
    return outer.jacobian(g, x) if use_jacobian else outer.gradient(g, x)


def _rows(f, x):
    x = ad.constant(x)
    with ad.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = f(x)
        outputs = [y[i] for i in range(y.shape[0])]
    return np.stack([tape.gradient(yi, x).numpy() for yi in outputs])


def _vector_gradient(f, x):
    x = ad.constant(x)
    with ad.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.gradient(y, x)


@pytest.mark.parametrize("candidate", [ad.jacobian, _rows], ids=["library", "row by row"])
def test_jacobian_accepts_references(candidate):
    assert check_jacobian(candidate)


@pytest.mark.parametrize(
    "candidate, mistake",
    [
        (lambda f, x: ad.jacobian(f, x).T, "transposed Jacobian"),
        (_vector_gradient, "gradient of the sum"),
        (lambda f, x: np.tile(ad.jacobian(f, x)[0], (ad.jacobian(f, x).shape[0], 1)), "first row repeated"),
        (lambda f, x: -ad.jacobian(f, x), "wrong sign"),
    ],
)
def test_jacobian_mistakes(candidate, mistake):
    feedback = check_jacobian(candidate)
    assert not feedback and feedback.mistake == mistake, feedback.message


@pytest.mark.parametrize("candidate", [ad.hessian, _nested], ids=["library", "nested tapes"])
def test_hessian_accepts_references(candidate):
    assert check_hessian(candidate)


@pytest.mark.parametrize(
    "candidate, mistake",
    [
        (lambda f, x: ad.grad(f)(x), "returned the gradient"),
        (lambda f, x: _nested(f, x, use_jacobian=False), "column sums of the Hessian"),
        (lambda f, x: 0.5 * ad.hessian(f, x), "half the Hessian"),
        (lambda f, x: ad.hessian(f, x) + ad.hessian(f, x).T, "twice the Hessian"),
        (lambda f, x: -ad.hessian(f, x), "wrong sign"),
        (lambda f, x: np.diag(np.diag(ad.hessian(f, x))), "only the diagonal"),
        (lambda f, x: np.outer(ad.grad(f)(x), ad.grad(f)(x)), "outer product of the gradient"),
    ],
)
def test_hessian_mistakes(candidate, mistake):
    feedback = check_hessian(candidate)
    assert not feedback and feedback.mistake == mistake, feedback.message


def test_hessian_placeholder_and_tensor_hint():
    def placeholder(f, x):
        raise NotImplementedError("replace this line")

    feedback = check_hessian(placeholder)
    assert feedback.mistake == "raised" and "ad.constant" not in feedback.message

    def forgot_to_watch(f, x):
        x = ad.constant(x)
        with ad.GradientTape() as outer:
            with ad.GradientTape() as inner:
                y = f(x)
            g = inner.gradient(y, x)
        return outer.jacobian(g, x)

    feedback = check_hessian(forgot_to_watch)
    assert not feedback and "watch" in feedback.message


def _hvp_reverse_over_reverse(f, x, v):
    x = ad.constant(x)
    with ad.GradientTape() as outer:
        outer.watch(x)
        with ad.GradientTape() as inner:
            inner.watch(x)
            y = f(x)
        slope = ad.sum(inner.gradient(y, x) * ad.constant(v))
    return outer.gradient(slope, x)


@pytest.mark.parametrize(
    "candidate",
    [ad.hvp, _hvp_reverse_over_reverse, lambda f, x, v: ad.hessian(f, x) @ v],
    ids=["library", "gradient of g.v", "via the Hessian"],
)
def test_hvp_accepts_references(candidate):
    assert check_hvp(candidate)


@pytest.mark.parametrize(
    "candidate, mistake",
    [
        (lambda f, x, v: ad.grad(f)(x), "returned the gradient"),
        (lambda f, x, v: ad.grad(f)(x) @ v, "directional derivative"),
        (lambda f, x, v: ad.hessian(f, x), "returned the Hessian"),
        (lambda f, x, v: ad.hvp(f, x, np.ones_like(v)), "forgot v"),
        (lambda f, x, v: 0.5 * ad.hvp(f, x, v), "half the product"),
        (lambda f, x, v: -ad.hvp(f, x, v), "wrong sign"),
    ],
)
def test_hvp_mistakes(candidate, mistake):
    feedback = check_hvp(candidate)
    assert not feedback and feedback.mistake == mistake, feedback.message


# ---- the hand-written derivatives of the test functions ----------------------------------------------


def test_test_functions_hand_values():
    # x²y + y³ at (1, 2): ∇ = (2·1·2, 1 + 3·4) = (4, 13); H = [[2·2, 2·1], [2·1, 6·2]] = [[4, 2], [2, 12]]
    f = chk._scalar_functions()[0]
    np.testing.assert_allclose(f.grad(np.array([1.0, 2.0])), [4.0, 13.0])
    np.testing.assert_allclose(f.hess(np.array([1.0, 2.0])), [[4.0, 2.0], [2.0, 12.0]])
    # (x₀x₁, x₀ + e^{x₁}, x₁²) at (2, 0): J = [[0, 2], [1, 1], [0, 0]]
    v = chk._vector_functions()[1]
    np.testing.assert_allclose(v.jac(np.array([2.0, 0.0])), [[0.0, 2.0], [1.0, 1.0], [0.0, 0.0]])


def test_test_functions_match_finite_differences():
    h = 1e-6
    for f, x in chk._jacobian_cases():
        numeric = np.stack(
            [
                (np.asarray(f(ad.constant(x + h * e))) - np.asarray(f(ad.constant(x - h * e)))) / (2 * h)
                for e in np.eye(len(x))
            ],
            axis=1,
        )
        np.testing.assert_allclose(f.jac(x), numeric, rtol=1e-6, atol=1e-8)
    for f, x in chk._hessian_cases():
        value = lambda p, f=f: float(np.asarray(f(ad.constant(p))))  # noqa: E731
        grad_fd = [(value(x + h * e) - value(x - h * e)) / (2 * h) for e in np.eye(len(x))]
        np.testing.assert_allclose(f.grad(x), grad_fd, rtol=1e-6, atol=1e-8)
        hess_fd = np.stack([(f.grad(x + h * e) - f.grad(x - h * e)) / (2 * h) for e in np.eye(len(x))])
        np.testing.assert_allclose(f.hess(x), hess_fd, rtol=1e-6, atol=1e-8)
        # second order straight from values: ∂²f/∂xᵢ∂xⱼ by the four-point formula
        k = 1e-4
        eye = np.eye(len(x))
        fd2 = np.array(
            [
                [
                    (
                        value(x + k * eye[i] + k * eye[j])
                        - value(x + k * eye[i] - k * eye[j])
                        - value(x - k * eye[i] + k * eye[j])
                        + value(x - k * eye[i] - k * eye[j])
                    )
                    / (4 * k * k)
                    for j in range(len(x))
                ]
                for i in range(len(x))
            ]
        )
        np.testing.assert_allclose(f.hess(x), fd2, rtol=1e-5, atol=1e-6)


@pytest.mark.frameworks
def test_test_functions_match_torch():
    torch = pytest.importorskip("torch")
    A = torch.tensor(chk._A)
    B = torch.tensor(chk._B)
    torch_vector = [
        lambda x: torch.tanh(A @ x),
        lambda x: torch.stack([x[0] * x[1], x[0] + torch.exp(x[1]), x[1] ** 2]),
        lambda x: x * x.sum(),
    ]
    torch_scalar = [
        lambda v: v[0] ** 2 * v[1] + v[1] ** 3,
        lambda x: torch.logsumexp(x, 0),
        lambda x: torch.tanh(B @ x).sum(),
    ]
    fs = chk._vector_functions()
    for f, x in chk._jacobian_cases():
        tf = torch_vector[[g.name for g in fs].index(f.name)]
        J = torch.autograd.functional.jacobian(tf, torch.tensor(x))
        np.testing.assert_allclose(f.jac(x), J.numpy(), rtol=1e-12, atol=1e-14)
    fs = chk._scalar_functions()
    for f, x in chk._hessian_cases():
        tf = torch_scalar[[g.name for g in fs].index(f.name)]
        H = torch.autograd.functional.hessian(tf, torch.tensor(x))
        np.testing.assert_allclose(f.hess(x), H.numpy(), rtol=1e-12, atol=1e-14)
