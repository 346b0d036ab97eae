"""Checkers for chapters 4 and 5, "Automatic differentiation from scratch" and "Hessians with nested
tapes".

* :func:`check_backward_rule` runs the learner's VJP rules for a primitive (``tanh``, ``multiply``,
  ``matmul``, ...) on Tensors, in the library's convention ``rule(g, ans, *inputs) -> cotangent``;
* :func:`check_jacobian`, :func:`check_hessian` and :func:`check_hvp` run the learner's
  ``jacobian(f, x)``, ``hessian(f, x)`` and ``hvp(f, x, v)`` on small test functions written with
  ``momentum_lab.autodiff`` operations, whose derivatives are written out by hand below.

Each recognises the typical wrong answers (a transposed Jacobian, a missing chain-rule factor, a
forgotten sum over broadcast axes, a wrong sign, the gradient or half the Hessian returned instead of
the Hessian, ...) and answers with a hint, never with the expected numbers.

Bad answers are feedback, bad parameters are errors (``check/_core.py`` lists the cases): a rule or a
function that is not callable, raises, returns None, strings, complex numbers, NaN or the wrong shape
gets a :class:`Feedback`; the checker's own parameters raise ValueError/TypeError naming them, e.g.
``check_backward_rule("cosh", rule)`` raises ``ValueError: primitive must be one of [...]``, and
``batched=1`` a TypeError (it must be True or False).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from momentum_lab._validate import flag
from momentum_lab.check._core import CheckerSpec, Feedback, Mistake, compare_function, numeric_result

# ---------------------------------------------------------------------------------------------------
# Helpers


def _numpy(value):
    """The learner's result as a float array (Tensors, lists of Tensors and arrays all work).

    Anything that is not numbers (None, strings, complex numbers, parts of different shapes) comes back
    unchanged, for :func:`compare_function` to describe to the learner.
    """
    got = numeric_result(value)
    return value if isinstance(got, Feedback) else got


def _agrees(got, expected, rtol, atol):
    try:
        got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    except (TypeError, ValueError):  # not numbers: agrees with no mistake
        return False
    return got.shape == expected.shape and bool(np.allclose(got, expected, rtol=rtol, atol=atol))


def _run(fn, args):
    """``(True, result)`` or ``(False, exception)``."""
    try:
        with np.errstate(all="ignore"):
            return True, _numpy(fn(*args))
    except Exception as exc:  # the learner's code may raise anything
        return False, exc


def _match_mistake(candidate, mistakes, cases, rtol, atol):
    """The first mistake that ``candidate`` reproduces on every case (both raising counts as agreeing,
    but at least one case must produce a value), or None.

    :func:`compare_function` looks for mistakes only when the shapes are right; many mistakes here
    (a transposed Jacobian, a forgotten sum over broadcast axes, the gradient instead of the Hessian)
    change the shape, so they are looked for again when the shape or a raised error is the verdict.
    """
    results = [_run(candidate, args) for args in cases]
    for mistake in mistakes:
        produced = False
        for (ok, got), args in zip(results, cases):
            ok_m, wrong = _run(mistake.wrong, args)
            if ok != ok_m or (ok and (got is None or not _agrees(got, wrong, rtol, atol))):
                break
            produced |= ok
        else:
            if produced:
                return mistake
    return None


_NUMPY_ON_TENSORS = (
    "Inside the rule use the library's operations (`ad.exp`, `ad.square`, `@`, "
    "`ad.unbroadcast`, ...), not NumPy functions: the arguments are Tensors, and a rule "
    "made of library operations can itself be differentiated, which is what makes "
    "Hessians work."
)


#: What the Tensor's refusal of a NumPy function says (older and newer wording).
_NUMPY_ON_TENSOR_ERRORS = ("does not support ufuncs", "cannot be applied to a Tensor")


def _compare(candidate, reference, cases, mistakes, what, rtol=1e-7, atol=1e-10):
    """:func:`compare_function` plus mistakes that change the shape or make the learner's code raise."""
    feedback = compare_function(
        candidate, reference, cases, mistakes, what=what, rtol=rtol, atol=atol, check_inputs_unchanged=True
    )
    if feedback.mistake in ("wrong shape", "raised"):
        mistake = _match_mistake(candidate, mistakes, cases, rtol, atol)
        if mistake is not None:
            return Feedback(False, mistake.hint, mistake.name)
    if feedback.mistake == "raised" and any(phrase in feedback.message for phrase in _NUMPY_ON_TENSOR_ERRORS):
        return Feedback(False, f"{feedback.message}. {_NUMPY_ON_TENSORS}", "numpy on tensors")
    return feedback


def _sum_to(x, shape, batch_ndim=0):
    """NumPy reference for ``unbroadcast``: sum ``x`` (shape batch + s) down to batch + ``shape``."""
    inner = x.shape[batch_ndim:]
    lead = len(inner) - len(shape)
    axes = tuple(range(batch_ndim, batch_ndim + lead)) + tuple(
        batch_ndim + lead + i for i, n in enumerate(shape) if n == 1 and inner[lead + i] != 1
    )
    return np.sum(x, axis=axes).reshape(x.shape[:batch_ndim] + tuple(shape))


def _mean_to(x, shape, batch_ndim=0):
    """Like :func:`_sum_to` but averaging: the "mean instead of sum" mistake."""
    inner = x.shape[batch_ndim:]
    lead = len(inner) - len(shape)
    axes = tuple(range(batch_ndim, batch_ndim + lead)) + tuple(
        batch_ndim + lead + i for i, n in enumerate(shape) if n == 1 and inner[lead + i] != 1
    )
    return np.mean(x, axis=axes).reshape(x.shape[:batch_ndim] + tuple(shape))


def _nb(g, ans):
    return g.ndim - ans.ndim


# ---------------------------------------------------------------------------------------------------
# Backward rules (VJPs). Each entry: the forward function, a sampler of inputs, and per input the
# reference rule and its typical mistakes, all on NumPy arrays with the library's signature
# ``rule(g, ans, *inputs)``.


def _sig(x):
    return 0.5 * (1.0 + np.tanh(0.5 * x))


_MISSING_G = (
    "Your rule ignores the incoming cotangent `g`: it returns the local derivative alone. "
    "The chain rule multiplies the local derivative by the cotangent of the output."
)
_WRONG_SIGN = "Your rule has the wrong sign. Differentiate the forward function again, carefully."

_UNARY: dict[str, dict[str, Any]] = {
    "tanh": dict(
        forward=np.tanh,
        sample=lambda rng, shape: rng.uniform(-2.0, 2.0, shape),
        rule=lambda g, ans, x: g * (1.0 - ans**2),
        mistakes=(
            Mistake("missing chain-rule factor", lambda g, ans, x: 1.0 - ans**2, _MISSING_G),
            Mistake("wrong sign", lambda g, ans, x: -g * (1.0 - ans**2), _WRONG_SIGN),
            Mistake(
                "input instead of output",
                lambda g, ans, x: g * (1.0 - x**2),
                "Your rule uses 1 − x², the input squared. The derivative of tanh is 1 − tanh(x)², "
                "and `ans` already holds tanh(x).",
            ),
            Mistake(
                "forgot the square",
                lambda g, ans, x: g * (1.0 - ans),
                "Your rule uses 1 − tanh(x); the derivative of tanh is 1 − tanh(x)².",
            ),
            Mistake(
                "exp's rule",
                lambda g, ans, x: g * ans,
                "Your rule multiplies the cotangent by the output, which is the rule for exp. "
                "What is the derivative of tanh?",
            ),
        ),
    ),
    "sigmoid": dict(
        forward=_sig,
        sample=lambda rng, shape: rng.uniform(-3.0, 3.0, shape),
        rule=lambda g, ans, x: g * ans * (1.0 - ans),
        mistakes=(
            Mistake("missing chain-rule factor", lambda g, ans, x: ans * (1.0 - ans), _MISSING_G),
            Mistake("wrong sign", lambda g, ans, x: -g * ans * (1.0 - ans), _WRONG_SIGN),
            Mistake(
                "input instead of output",
                lambda g, ans, x: g * x * (1.0 - x),
                "Your rule uses x(1 − x), with the input. The derivative is σ(x)(1 − σ(x)), and "
                "`ans` already holds σ(x).",
            ),
            Mistake(
                "forgot 1 - sigma",
                lambda g, ans, x: g * ans,
                "Your rule multiplies by σ(x) only. The derivative of σ is σ(x)(1 − σ(x)).",
            ),
        ),
    ),
    "exp": dict(
        forward=np.exp,
        sample=lambda rng, shape: rng.uniform(-2.0, 2.0, shape),
        rule=lambda g, ans, x: g * ans,
        mistakes=(
            Mistake("missing chain-rule factor", lambda g, ans, x: ans, _MISSING_G),
            Mistake("wrong sign", lambda g, ans, x: -g * ans, _WRONG_SIGN),
            Mistake(
                "input instead of output",
                lambda g, ans, x: g * x,
                "Your rule multiplies the cotangent by the input x. The derivative of eˣ is eˣ "
                "itself, which `ans` holds.",
            ),
            Mistake(
                "identity",
                lambda g, ans, x: g,
                "Your rule passes the cotangent through unchanged, as if the function were the "
                "identity. Multiply by the derivative of eˣ.",
            ),
        ),
    ),
    "log": dict(
        forward=np.log,
        sample=lambda rng, shape: rng.uniform(0.5, 3.0, shape),
        rule=lambda g, ans, x: g / x,
        mistakes=(
            Mistake("missing chain-rule factor", lambda g, ans, x: 1.0 / x, _MISSING_G),
            Mistake("wrong sign", lambda g, ans, x: -g / x, _WRONG_SIGN),
            Mistake(
                "multiplied instead of divided",
                lambda g, ans, x: g * x,
                "Your rule multiplies the cotangent by x. The derivative of ln x is 1/x.",
            ),
            Mistake(
                "squared denominator",
                lambda g, ans, x: g / x**2,
                "Your rule divides by x². The derivative of ln x is 1/x (it is 1/x that has derivative −1/x²).",
            ),
        ),
    ),
}


_FORGOT_SUM = (
    "Your cotangent has the shape of the output, not of this input. The input was broadcast "
    "(copied along some axes) to make the output; the copies' cotangents must be added back "
    "up: `ad.unbroadcast(..., x.shape, ...)`."
)
_MEAN_NOT_SUM = (
    "You averaged over the broadcast axes; add instead. Each copy of a broadcast entry "
    "contributes its whole cotangent, so they sum."
)
_SWAPPED = "You swapped the inputs: for a·b the cotangent of `a` is g·b (the OTHER factor), and that of `b` is g·a."

_BINARY: dict[str, dict[str, Any]] = {
    "multiply": dict(
        forward=np.multiply,
        shapes=(((3, 4), (4,)), ((2, 1, 3), (4, 3)), ((5,), (5,)), ((3, 1), (1, 2))),
        positive_b=False,
        rules=(
            (
                lambda g, ans, a, b: _sum_to(g * b, a.shape, _nb(g, ans)),
                (
                    Mistake("forgot to sum over broadcast axes", lambda g, ans, a, b: g * b, _FORGOT_SUM),
                    Mistake("swapped inputs", lambda g, ans, a, b: _sum_to(g * a, a.shape, _nb(g, ans)), _SWAPPED),
                    Mistake(
                        "missing chain-rule factor",
                        lambda g, ans, a, b: _sum_to(np.broadcast_to(b, g.shape), a.shape, _nb(g, ans)),
                        _MISSING_G,
                    ),
                    Mistake(
                        "mean instead of sum", lambda g, ans, a, b: _mean_to(g * b, a.shape, _nb(g, ans)), _MEAN_NOT_SUM
                    ),
                    Mistake("wrong sign", lambda g, ans, a, b: -_sum_to(g * b, a.shape, _nb(g, ans)), _WRONG_SIGN),
                ),
            ),
            (
                lambda g, ans, a, b: _sum_to(g * a, b.shape, _nb(g, ans)),
                (
                    Mistake("forgot to sum over broadcast axes", lambda g, ans, a, b: g * a, _FORGOT_SUM),
                    Mistake("swapped inputs", lambda g, ans, a, b: _sum_to(g * b, b.shape, _nb(g, ans)), _SWAPPED),
                    Mistake(
                        "missing chain-rule factor",
                        lambda g, ans, a, b: _sum_to(np.broadcast_to(a, g.shape), b.shape, _nb(g, ans)),
                        _MISSING_G,
                    ),
                    Mistake(
                        "mean instead of sum", lambda g, ans, a, b: _mean_to(g * a, b.shape, _nb(g, ans)), _MEAN_NOT_SUM
                    ),
                    Mistake("wrong sign", lambda g, ans, a, b: -_sum_to(g * a, b.shape, _nb(g, ans)), _WRONG_SIGN),
                ),
            ),
        ),
    ),
    "divide": dict(
        forward=np.divide,
        shapes=(((3, 4), (4,)), ((2, 3), (2, 1)), ((5,), (5,))),
        positive_b=True,
        rules=(
            (
                lambda g, ans, a, b: _sum_to(g / b, a.shape, _nb(g, ans)),
                (
                    Mistake("forgot to sum over broadcast axes", lambda g, ans, a, b: g / b, _FORGOT_SUM),
                    Mistake(
                        "missing chain-rule factor",
                        lambda g, ans, a, b: _sum_to(np.broadcast_to(1.0 / b, g.shape), a.shape, _nb(g, ans)),
                        _MISSING_G,
                    ),
                    Mistake(
                        "multiplied instead of divided",
                        lambda g, ans, a, b: _sum_to(g * b, a.shape, _nb(g, ans)),
                        "Your rule multiplies by b. For a / b, ∂/∂a = 1/b.",
                    ),
                ),
            ),
            (
                lambda g, ans, a, b: _sum_to(-g * a / b**2, b.shape, _nb(g, ans)),
                (
                    Mistake("forgot to sum over broadcast axes", lambda g, ans, a, b: -g * a / b**2, _FORGOT_SUM),
                    Mistake(
                        "wrong sign",
                        lambda g, ans, a, b: _sum_to(g * a / b**2, b.shape, _nb(g, ans)),
                        "Your rule has the wrong sign: a / b DEcreases as b grows (for a > 0), ∂(a/b)/∂b = −a/b².",
                    ),
                    Mistake(
                        "forgot the square",
                        lambda g, ans, a, b: _sum_to(-g * a / b, b.shape, _nb(g, ans)),
                        "Your rule divides by b once; ∂(a/b)/∂b = −a/b², with b squared.",
                    ),
                    Mistake(
                        "missing chain-rule factor",
                        lambda g, ans, a, b: _sum_to(np.broadcast_to(-a / b**2, g.shape), b.shape, _nb(g, ans)),
                        _MISSING_G,
                    ),
                ),
            ),
        ),
    ),
    "matmul": dict(
        forward=np.matmul,
        shapes=(((3, 3), (3, 3)), ((2, 3), (3, 4)), ((4, 2), (2, 3))),
        positive_b=False,
        rules=(
            (
                lambda g, ans, a, b: g @ b.T,
                (
                    Mistake(
                        "transposed Jacobian",
                        lambda g, ans, a, b: (g @ b.T).T,
                        "Your cotangent for `a` is transposed: it must have the shape of `a`. For C = A @ B, "
                        "∂/∂A = G @ Bᵀ, entry (i, k) = Σⱼ G[i, j] B[k, j].",
                    ),
                    Mistake(
                        "forgot to transpose",
                        lambda g, ans, a, b: g @ b,
                        "Your rule multiplies by B instead of Bᵀ. Write C[i, j] = Σₖ A[i, k] B[k, j] and "
                        "differentiate with respect to A[i, k]: which index of B is summed against G?",
                    ),
                    Mistake(
                        "wrong order",
                        lambda g, ans, a, b: b.T @ g,
                        "Your product is in the wrong order. For C = A @ B, ∂/∂A = G @ Bᵀ: "
                        "G on the left, Bᵀ on the right.",
                    ),
                    Mistake("missing chain-rule factor", lambda g, ans, a, b: np.ones_like(g) @ b.T, _MISSING_G),
                    Mistake("wrong sign", lambda g, ans, a, b: -(g @ b.T), _WRONG_SIGN),
                ),
            ),
            (
                lambda g, ans, a, b: a.T @ g,
                (
                    Mistake(
                        "transposed Jacobian",
                        lambda g, ans, a, b: (a.T @ g).T,
                        "Your cotangent for `b` is transposed: it must have the shape of `b`. For C = A @ B, "
                        "∂/∂B = Aᵀ @ G, entry (k, j) = Σᵢ A[i, k] G[i, j].",
                    ),
                    Mistake(
                        "forgot to transpose",
                        lambda g, ans, a, b: a @ g,
                        "Your rule multiplies by A instead of Aᵀ. Write C[i, j] = Σₖ A[i, k] B[k, j] and "
                        "differentiate with respect to B[k, j]: which index of A is summed against G?",
                    ),
                    Mistake(
                        "wrong order",
                        lambda g, ans, a, b: g @ a.T,
                        "Your product is in the wrong order. For C = A @ B, ∂/∂B = Aᵀ @ G: "
                        "Aᵀ on the left, G on the right.",
                    ),
                    Mistake("missing chain-rule factor", lambda g, ans, a, b: a.T @ np.ones_like(g), _MISSING_G),
                    Mistake("wrong sign", lambda g, ans, a, b: -(a.T @ g), _WRONG_SIGN),
                ),
            ),
        ),
    ),
}

#: The primitives :func:`check_backward_rule` knows, with their number of inputs.
RULES = {**{name: 1 for name in _UNARY}, **{name: 2 for name in _BINARY}}


def _rule_cases(primitive, batched, seed=0):
    """Cases ``(g, ans, *inputs)`` as NumPy arrays; with ``batched`` also cotangents with a leading batch
    axis, as :meth:`GradientTape.jacobian` sends them."""
    rng = np.random.default_rng(seed)
    cases = []
    if primitive in _UNARY:
        spec = _UNARY[primitive]
        for shape in ((4,), (2, 3), ()):
            x = np.asarray(spec["sample"](rng, shape), dtype=float)
            ans = np.asarray(spec["forward"](x))
            cases.append((rng.standard_normal(ans.shape), ans, x))
    else:
        spec = _BINARY[primitive]
        for sa, sb in spec["shapes"]:
            a = rng.standard_normal(sa)
            b = (
                rng.uniform(0.5, 2.0, sb) * rng.choice([-1.0, 1.0], sb)
                if spec["positive_b"]
                else rng.standard_normal(sb)
            )
            ans = np.asarray(spec["forward"](a, b))
            cases.append((rng.standard_normal(ans.shape), ans, a, b))
    if batched and primitive != "matmul":
        cases += [(rng.standard_normal((2,) + c[1].shape),) + c[1:] for c in cases[:2]]
    return cases


def _as_rule_on_tensors(rule, n_inputs):
    """Call the learner's ``rule(g, ans, *inputs)`` with Tensors; return a NumPy array."""
    from momentum_lab.autodiff import constant

    def run(g, ans, *inputs):
        out = rule(constant(g), constant(ans), *(constant(x) for x in inputs[:n_inputs]))
        return _numpy(out)

    return run


def check_backward_rule(primitive: str, *rules: object, batched: bool = False) -> Feedback:
    """Check the learner's backward rules (VJPs) for ``primitive``, one rule per input.

    Each rule has the library's signature ``rule(g, ans, *inputs) -> cotangent`` (see
    ``momentum_lab.autodiff.primitive``): ``g`` is the cotangent of the output ``ans``, all arguments
    are Tensors, and the result must have the shape of its input. ``primitive`` is one of
    ``RULES`` (``"tanh"``, ``"sigmoid"``, ``"exp"``, ``"log"`` take one rule; ``"multiply"``,
    ``"divide"`` and ``"matmul"`` two, for ``a`` and ``b``). With ``batched=True`` the cotangents may
    also carry a leading batch axis, as when Jacobians and Hessians are computed.

    Recognises: a missing chain-rule factor (``g`` ignored), a wrong sign, the input used where the
    output belongs, a forgotten sum over broadcast axes (or a mean instead of it), swapped inputs, a
    transposed Jacobian or a missing transpose in matmul, and NumPy functions called on Tensors.

    ``primitive`` must be a string of ``RULES`` (ValueError/TypeError otherwise) and ``batched`` True or
    False (TypeError); the rules are the learner's, so a rule that is not a function is feedback
    (``"not callable"``), as is the wrong number of rules.
    """
    if not isinstance(primitive, str):
        raise TypeError(f"primitive must be a str, one of {sorted(RULES)}; got primitive={primitive!r}")
    if primitive not in RULES:
        raise ValueError(f"primitive must be one of {sorted(RULES)}; got primitive={primitive!r}")
    batched = flag(batched, "batched")
    n = RULES[primitive]
    if len(rules) != n:
        return Feedback(
            False,
            f"`{primitive}` has {n} input{'s' if n > 1 else ''}, so it needs {n} "
            f"backward rule{'s' if n > 1 else ''} (one per input); got {len(rules)}.",
            "wrong number of rules",
        )
    names = ("x",) if n == 1 else ("a", "b")
    for name, rule in zip(names, rules):
        if not callable(rule):
            return Feedback(
                False,
                f"your backward rule for `{name}` should be a function "
                f"`rule(g, ans, {', '.join(names)})`; got {type(rule).__name__}.",
                "not callable",
            )
    cases = _rule_cases(primitive, batched)
    per_input: list[Any]
    if primitive in _UNARY:
        spec = _UNARY[primitive]
        per_input = [(spec["rule"], spec["mistakes"])]
    else:
        per_input = _BINARY[primitive]["rules"]
    for i, (rule, (reference, mistakes)) in enumerate(zip(rules, per_input)):
        what = f"your backward rule for `{names[i]}`"
        feedback = _compare(_as_rule_on_tensors(rule, n), reference, cases, mistakes, what)
        if not feedback:
            prefix = "" if n == 1 else f"For input `{names[i]}`: "
            return Feedback(False, prefix + feedback.message, feedback.mistake)
    rules_text = "Your backward rules" if n > 1 else "Your backward rule"
    verb = "give" if n > 1 else "gives"
    batch_text = " (batched ones included)" if batched and primitive != "matmul" else ""
    return Feedback(
        True, f"{rules_text} for `{primitive}` {verb} the right cotangents on all {len(cases)} test cases{batch_text}."
    )


# ---------------------------------------------------------------------------------------------------
# Jacobians, Hessians and Hessian-vector products of small test functions.


class TestFunction:
    """A function written with ``momentum_lab.autodiff`` operations, with its derivatives by hand.

    ``f(x)`` takes a Tensor of shape (n,); ``jac(x)`` (vector functions) or ``grad(x)`` and ``hess(x)``
    (scalar functions) take and return NumPy arrays.
    """

    __test__ = False  # not a pytest test class

    def __init__(
        self,
        name: str,
        f: Callable[[Any], Any],
        *,
        jac: Callable[[np.ndarray], np.ndarray] | None = None,
        grad: Callable[[np.ndarray], np.ndarray] | None = None,
        hess: Callable[[np.ndarray], np.ndarray] | None = None,
    ) -> None:
        self.name, self._f, self.jac, self.grad, self.hess = name, f, jac, grad, hess

    def __call__(self, x: Any) -> Any:
        return self._f(x)

    def __repr__(self) -> str:
        return f"<test function {self.name}>"


def _ad():
    from momentum_lab import autodiff

    return autodiff


_A = np.array([[0.6, -1.2], [0.3, 0.8], [-0.7, 0.5]])
_B = np.array([[0.5, -0.4, 0.9], [1.1, 0.2, -0.3], [-0.6, 0.7, 0.4], [0.3, -0.8, 0.6]])


def _softmax(x):
    e = np.exp(x - x.max())
    return e / e.sum()


def _vector_functions():
    ad = _ad()
    return (
        # tanh(A x): J = diag(1 − t²) A
        TestFunction(
            "tanh(A x)", lambda x: ad.tanh(ad.matmul(_A, x)), jac=lambda x: (1.0 - np.tanh(_A @ x) ** 2)[:, None] * _A
        ),
        # (x₀x₁, x₀ + e^{x₁}, x₁²): J = [[x₁, x₀], [1, e^{x₁}], [0, 2x₁]]
        TestFunction(
            "(x0*x1, x0 + exp(x1), x1**2)",
            lambda x: ad.stack([x[0] * x[1], x[0] + ad.exp(x[1]), x[1] ** 2]),
            jac=lambda x: np.array([[x[1], x[0]], [1.0, np.exp(x[1])], [0.0, 2.0 * x[1]]]),
        ),
        # x · Σx (n = 3): ∂(xᵢ Σx)/∂xⱼ = δᵢⱼ Σx + xᵢ, not symmetric
        TestFunction(
            "x * sum(x)",
            lambda x: x * ad.sum(x),
            jac=lambda x: np.eye(len(x)) * x.sum() + x[:, None] * np.ones(len(x))[None, :],
        ),
    )


def _scalar_functions():
    ad = _ad()
    return (
        # x²y + y³: ∇ = (2xy, x² + 3y²), H = [[2y, 2x], [2x, 6y]]
        TestFunction(
            "x**2*y + y**3",
            lambda v: v[0] ** 2 * v[1] + v[1] ** 3,
            grad=lambda v: np.array([2 * v[0] * v[1], v[0] ** 2 + 3 * v[1] ** 2]),
            hess=lambda v: np.array([[2 * v[1], 2 * v[0]], [2 * v[0], 6 * v[1]]]),
        ),
        # logsumexp: ∇ = p = softmax(x), H = diag(p) − ppᵀ
        TestFunction(
            "logsumexp(x)",
            lambda x: ad.logsumexp(x),
            grad=_softmax,
            hess=lambda x: np.diag(_softmax(x)) - np.outer(_softmax(x), _softmax(x)),
        ),
        # Σ tanh(Bx): ∇ = Bᵀ(1 − t²), H = Bᵀ diag(−2t(1 − t²)) B
        TestFunction(
            "sum(tanh(B x))",
            lambda x: ad.sum(ad.tanh(ad.matmul(_B, x))),
            grad=lambda x: _B.T @ (1 - np.tanh(_B @ x) ** 2),
            hess=lambda x: _B.T @ ((-2 * np.tanh(_B @ x) * (1 - np.tanh(_B @ x) ** 2))[:, None] * _B),
        ),
    )


def _jacobian_cases():
    fs = _vector_functions()
    return [
        (fs[0], np.array([0.4, -0.9])),
        (fs[1], np.array([1.5, 0.3])),
        (fs[2], np.array([0.5, -1.0, 2.0])),
        (fs[0], np.array([-1.0, 0.2])),
    ]


def _hessian_cases():
    fs = _scalar_functions()
    return [
        (fs[0], np.array([1.0, 2.0])),
        (fs[1], np.array([0.3, -1.0, 0.8, 0.1])),
        (fs[2], np.array([0.2, -0.5, 0.7])),
        (fs[0], np.array([-0.5, 0.7])),
    ]


_JACOBIAN_MISTAKES = (
    Mistake(
        "transposed Jacobian",
        lambda f, x: f.jac(x).T,
        "Your Jacobian is transposed. Row i of the Jacobian is the gradient of output i: the "
        "result has shape f(x).shape + x.shape, entry [i, j] = ∂fᵢ/∂xⱼ.",
    ),
    Mistake(
        "gradient of the sum",
        lambda f, x: f.jac(x).sum(axis=0),
        "You returned one number per input: `tape.gradient` of a vector sums its entries first, "
        "so it gives the column sums of the Jacobian. Take one gradient per output (a persistent "
        "tape, or one tape per row), or use `tape.jacobian`.",
    ),
    Mistake(
        "first row repeated",
        lambda f, x: np.tile(f.jac(x)[0], (f.jac(x).shape[0], 1)),
        "Every row of your Jacobian is the gradient of the first output. Check which output each row differentiates.",
    ),
    Mistake("wrong sign", lambda f, x: -f.jac(x), _WRONG_SIGN),
)

_COLUMN_SUMS = (
    "You returned one number per coordinate, the column sums of the Hessian: "
    "`outer.gradient(g, x)` differentiates Σᵢ gᵢ, the sum of the gradient's entries. For "
    "every second derivative use `outer.jacobian(g, x)`."
)

_HESSIAN_MISTAKES = (
    Mistake(
        "returned the gradient",
        lambda f, x: f.grad(x),
        "You returned the gradient, a vector. The Hessian is the Jacobian of the gradient: record "
        "the inner gradient computation on an outer tape, then differentiate it again.",
    ),
    Mistake("column sums of the Hessian", lambda f, x: f.hess(x).sum(axis=0), _COLUMN_SUMS),
    Mistake(
        "half the Hessian",
        lambda f, x: 0.5 * f.hess(x),
        "Your matrix is half the Hessian. The Hessian is the matrix of second derivatives itself; "
        "the ½ belongs in the quadratic model ½ dᵀHd, not in H.",
    ),
    Mistake(
        "twice the Hessian",
        lambda f, x: 2.0 * f.hess(x),
        "Your matrix is twice the Hessian. Did you add H to its transpose, or differentiate a "
        "gradient that was already doubled?",
    ),
    Mistake("wrong sign", lambda f, x: -f.hess(x), _WRONG_SIGN),
    Mistake(
        "only the diagonal",
        lambda f, x: np.diag(np.diag(f.hess(x))),
        "Your Hessian has only its diagonal: the mixed second derivatives ∂²f/∂xᵢ∂xⱼ are missing.",
    ),
    Mistake(
        "outer product of the gradient",
        lambda f, x: np.outer(f.grad(x), f.grad(x)),
        "You returned ∇f ∇fᵀ, the outer product of the gradient with itself. That is built from "
        "first derivatives only; the Hessian needs the second derivatives.",
    ),
)

_HVP_MISTAKES = (
    Mistake(
        "returned the gradient",
        lambda f, x, v: f.grad(x),
        "You returned the gradient ∇f(x). The Hessian-vector product differentiates once more: "
        "the gradient of ∇f(x)·v with respect to x.",
    ),
    Mistake(
        "directional derivative",
        lambda f, x, v: f.grad(x) @ v,
        "You returned the number ∇f(x)·v, the slope along v. Differentiate that number with "
        "respect to x (on an outer tape) to get the vector H v.",
    ),
    Mistake(
        "returned the Hessian",
        lambda f, x, v: f.hess(x),
        "You returned the whole Hessian. The point of an HVP is never to form H: return H v, a vector of x's shape.",
    ),
    Mistake(
        "forgot v",
        lambda f, x, v: f.hess(x).sum(axis=0),
        "Your result does not depend on v: it is H times a vector of ones (the column sums). Seed "
        "the outer backward pass with v (`output_gradients=v`), or differentiate ∇f·v.",
    ),
    Mistake(
        "half the product",
        lambda f, x, v: 0.5 * f.hess(x) @ v,
        "Your result is half of H v. The ½ of the quadratic model does not belong here.",
    ),
    Mistake("wrong sign", lambda f, x, v: -(f.hess(x) @ v), _WRONG_SIGN),
)


def _hvp_cases():
    rng = np.random.default_rng(4)
    return [(f, x, rng.standard_normal(x.shape)) for f, x in _hessian_cases()]


def _with_tensor_hint(feedback):
    if not feedback and feedback.mistake == "raised" and "NotImplementedError" not in feedback.message:
        return Feedback(
            False,
            feedback.message + " (The test functions take a Tensor: convert x with "
            "`ad.constant(x)` and watch it on every tape that should differentiate it.)",
            "raised",
        )
    return feedback


def check_jacobian(jacobian_fn: object) -> Feedback:
    """Check the learner's ``jacobian_fn(f, x)`` for vector functions ``f`` of a vector ``x``.

    ``x`` arrives as a NumPy array of shape (n,); ``f`` takes a Tensor and returns a Tensor of shape (m,).
    The answer must have shape (m, n), entry [i, j] = ∂fᵢ/∂xⱼ. Recognises a transposed Jacobian, the
    gradient of the sum of the outputs (one ``tape.gradient`` call), the first row repeated and a wrong
    sign.
    """
    if not callable(jacobian_fn):
        return Feedback(False, f"your jacobian should be a function; got {type(jacobian_fn).__name__}.", "not callable")
    return _with_tensor_hint(
        _compare(
            lambda f, x: _numpy(jacobian_fn(f, x)),
            lambda f, x: f.jac(x),
            _jacobian_cases(),
            _JACOBIAN_MISTAKES,
            "your jacobian",
        )
    )


def check_hessian(hessian_fn: object) -> Feedback:
    """Check the learner's ``hessian_fn(f, x)`` for scalar functions ``f`` of a vector ``x``.

    ``x`` arrives as a NumPy array of shape (n,); ``f`` takes a Tensor and returns a scalar Tensor. The
    answer must have shape (n, n). Recognises: the gradient returned instead, the column sums
    (``outer.gradient`` instead of ``outer.jacobian``), half or twice the Hessian, a wrong sign, the
    diagonal only, and the outer product of the gradient.
    """
    if not callable(hessian_fn):
        return Feedback(False, f"your hessian should be a function; got {type(hessian_fn).__name__}.", "not callable")
    return _with_tensor_hint(
        _compare(
            lambda f, x: _numpy(hessian_fn(f, x)),
            lambda f, x: f.hess(x),
            _hessian_cases(),
            _HESSIAN_MISTAKES,
            "your hessian",
        )
    )


def check_hvp(hvp_fn: object) -> Feedback:
    """Check the learner's ``hvp_fn(f, x, v)`` (the Hessian-vector product H(x) v).

    Recognises: the gradient returned instead, the directional derivative ∇f·v (a number), the
    whole Hessian, a result that ignores v (column sums), half the product and a wrong sign.
    """
    if not callable(hvp_fn):
        return Feedback(False, f"your hvp should be a function; got {type(hvp_fn).__name__}.", "not callable")
    return _with_tensor_hint(
        _compare(
            lambda f, x, v: _numpy(hvp_fn(f, x, v)),
            lambda f, x, v: f.hess(x) @ v,
            _hvp_cases(),
            _HVP_MISTAKES,
            "your hvp",
        )
    )


# ---------------------------------------------------------------------------------------------------
# What tests/test_exercises.py runs: each checker's reference answer and its typical mistakes, written
# as a learner would write them (CONTRIBUTING.md, "Checkers").


def _ad_ops():
    from momentum_lab import autodiff

    return autodiff


def _tanh_rule(g, ans, x):
    return g * (1.0 - _ad_ops().square(ans))


def _unbroadcast(c, shape, g, ans):
    return _ad_ops().unbroadcast(c, shape, g.ndim - ans.ndim)


def _nested_tapes(f, x, *, second="jacobian", v=None):
    ad = _ad_ops()
    x = ad.constant(x)
    with ad.GradientTape() as outer:
        outer.watch(x)
        with ad.GradientTape() as inner:
            inner.watch(x)
            value = f(x)
        g = inner.gradient(value, x)
        if second == "slope":
            g = ad.sum(g * v)
    if second == "jacobian":
        return outer.jacobian(g, x)
    return outer.gradient(g, x)


def _rows(f, x):
    ad = _ad_ops()
    x = ad.constant(x)
    with ad.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = f(x)
    return np.stack([tape.gradient(y, x, output_gradients=e).numpy() for e in np.eye(y.shape[0])])


def _sum_gradient(f, x):
    ad = _ad_ops()
    x = ad.constant(x)
    with ad.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.gradient(y, x)


CHECKERS = [
    CheckerSpec(
        check_backward_rule,
        reference=(_tanh_rule,),
        mistakes={
            "missing chain-rule factor": (lambda g, ans, x: 1.0 - ans * ans,),
            "wrong sign": (lambda g, ans, x: -g * (1.0 - ans * ans),),
            "input instead of output": (lambda g, ans, x: g * (1.0 - x * x),),
            "forgot the square": (lambda g, ans, x: g * (1.0 - ans),),
            "numpy on tensors": (lambda g, ans, x: g * (1.0 - np.tanh(x) ** 2),),
            "wrong number of rules": (_tanh_rule, _tanh_rule),
        },
        call=lambda rules: check_backward_rule("tanh", *rules),
    ),
    CheckerSpec(
        check_backward_rule,
        reference=(
            lambda g, ans, a, b: _unbroadcast(g * b, a.shape, g, ans),
            lambda g, ans, a, b: _unbroadcast(g * a, b.shape, g, ans),
        ),
        mistakes={
            "forgot to sum over broadcast axes": (lambda g, ans, a, b: g * b, lambda g, ans, a, b: g * a),
            "swapped inputs": (
                lambda g, ans, a, b: _unbroadcast(g * a, a.shape, g, ans),
                lambda g, ans, a, b: _unbroadcast(g * b, b.shape, g, ans),
            ),
            "missing chain-rule factor": (
                lambda g, ans, a, b: _unbroadcast(_ad_ops().broadcast_to(b, g.shape), a.shape, g, ans),
                lambda g, ans, a, b: _unbroadcast(g * a, b.shape, g, ans),
            ),
        },
        call=lambda rules: check_backward_rule("multiply", *rules, batched=True),
    ),
    CheckerSpec(
        check_backward_rule,
        reference=(lambda g, ans, a, b: g @ b.T, lambda g, ans, a, b: a.T @ g),
        mistakes={
            "transposed Jacobian": (lambda g, ans, a, b: b @ g.T, lambda g, ans, a, b: a.T @ g),
            "forgot to transpose": (lambda g, ans, a, b: g @ b, lambda g, ans, a, b: a.T @ g),
            "wrong order": (lambda g, ans, a, b: g @ b.T, lambda g, ans, a, b: g @ a.T),
        },
        call=lambda rules: check_backward_rule("matmul", *rules),
    ),
    CheckerSpec(
        check_jacobian,
        reference=_rows,
        mistakes={
            "transposed Jacobian": lambda f, x: _rows(f, x).T,
            "gradient of the sum": _sum_gradient,
            "first row repeated": lambda f, x: np.tile(_rows(f, x)[0], (len(_rows(f, x)), 1)),
            "wrong sign": lambda f, x: -_rows(f, x),
        },
    ),
    CheckerSpec(
        check_hessian,
        reference=_nested_tapes,
        mistakes={
            "returned the gradient": lambda f, x: _ad_ops().grad(f)(x),
            "column sums of the Hessian": lambda f, x: _nested_tapes(f, x, second="gradient"),
            "half the Hessian": lambda f, x: 0.5 * np.asarray(_nested_tapes(f, x)),
            "wrong sign": lambda f, x: -np.asarray(_nested_tapes(f, x)),
            "only the diagonal": lambda f, x: np.diag(np.diag(np.asarray(_nested_tapes(f, x)))),
        },
    ),
    CheckerSpec(
        check_hvp,
        reference=lambda f, x, v: _nested_tapes(f, x, second="slope", v=v),
        mistakes={
            "returned the gradient": lambda f, x, v: _ad_ops().grad(f)(x),
            "directional derivative": lambda f, x, v: _ad_ops().grad(f)(x) @ v,
            "returned the Hessian": lambda f, x, v: _nested_tapes(f, x),
            "forgot v": lambda f, x, v: _nested_tapes(f, x, second="gradient"),
            "half the product": lambda f, x, v: 0.5 * np.asarray(_nested_tapes(f, x, second="slope", v=v)),
        },
    ),
]
