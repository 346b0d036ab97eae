"""Specs of the NumPy library's public API for ``tests/test_public_api_properties.py`` (see ``_api_cases``).

One section per public module. Valid arguments follow the docstrings (shapes, ranges, label conventions);
each ``bad`` tuple lists the mutations the contract "Nothing silent" says must raise ValueError/TypeError
naming the argument.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from _api_cases import (
    Bad,
    Kwargs,
    Registry,
    Spec,
    arr,
    arrays,
    choice,
    const,
    degenerate,
    expect_dtype,
    expect_shape,
    flag,
    floats,
    func,
    instance_of,
    integer,
    num,
    scalar_float,
    seeds,
    shapes,
    value_of,
)

REGISTRY = Registry()
add = REGISTRY.add
AD = "momentum_lab.autodiff"
LS = "momentum_lab.losses"


def _ad() -> Any:
    import momentum_lab.autodiff as ad

    return ad


# ==================================================================================================
# autodiff: float32 in -> float32 out, shapes as NumPy's
# ==================================================================================================

FLOAT_DTYPES = st.sampled_from([np.float32, np.float64])


@st.composite
def _unary(draw: Any, lo: float, hi: float) -> Kwargs:
    dtype = draw(FLOAT_DTYPES)
    x = draw(arrays(shapes(0, 3, 1, 3), lo, hi, dtype))
    if draw(st.booleans()):
        return {"x": _ad().constant(x, dtype=dtype)}
    return {"x": x}


def _same_as_x(kw: Kwargs, result: Any) -> None:
    assert type(result).__name__ in ("Tensor", "Variable"), f"result is a {type(result).__name__}, not a Tensor"
    x = value_of(kw["x"])
    expect_shape(result, x.shape)
    expect_dtype(result, x.dtype)


def _unbroadcastable(*partners: str) -> Bad:
    """``b`` of shape (4,) against ``partners`` (``a``, and ``where``'s ``condition``) of shape (2, 3)."""

    def others(kw: Kwargs) -> Kwargs:
        out = {}
        for name in partners:
            dtype = bool if name == "condition" else value_of(kw[name]).dtype
            out[name] = np.ones((2, 3), dtype=dtype)
        return out

    return Bad(
        "b",
        "shape that does not broadcast",
        lambda v, kw: np.ones(4, dtype=value_of(kw["a"]).dtype),
        ("a", "b"),
        others,
    )


UNARY_DOMAINS = {
    "abs": (-3, 3),
    "exp": (-3, 3),
    "log": (0.1, 5),
    "log1p": (-0.5, 5),
    "negative": (-3, 3),
    "relu": (-3, 3),
    "sigmoid": (-30, 30),
    "sign": (-3, 3),
    "softplus": (-30, 30),
    "sqrt": (0.1, 5),
    "square": (-3, 3),
    "tanh": (-3, 3),
}
for _name, (_lo, _hi) in UNARY_DOMAINS.items():
    add(Spec(f"{AD}.{_name}", _unary(_lo, _hi), _same_as_x, arr("x", nan=False)))


@st.composite
def _binary(draw: Any, lo: float = -3.0, hi: float = 3.0, blo: float | None = None, bhi: float | None = None) -> Kwargs:
    dtype = draw(FLOAT_DTYPES)
    sa, sb = draw(
        hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=1, max_dims=3, min_side=1, max_side=3)
    ).input_shapes
    a = draw(arrays(sa, lo, hi, dtype))
    b = draw(arrays(sb, lo if blo is None else blo, hi if bhi is None else bhi, dtype))
    return {"a": a, "b": b}


def _broadcast_result(kw: Kwargs, result: Any) -> None:
    a, b = value_of(kw["a"]), value_of(kw["b"])
    expect_shape(result, np.broadcast_shapes(a.shape, b.shape))
    expect_dtype(result, np.result_type(a.dtype, b.dtype))


def _binary_bad() -> tuple[Bad, ...]:
    return arr("a", nan=False) + arr("b", nan=False) + (_unbroadcastable("a"),)


for _name, _strategy in {
    "add": _binary(),
    "subtract": _binary(),
    "multiply": _binary(),
    "divide": _binary(blo=0.5, bhi=3.0),
    "maximum": _binary(),
    "minimum": _binary(),
    "power": _binary(0.2, 3.0, -2.0, 2.0),
}.items():
    add(Spec(f"{AD}.{_name}", _strategy, _broadcast_result, _binary_bad()))


@st.composite
def _matmul(draw: Any) -> Kwargs:
    dtype = draw(FLOAT_DTYPES)
    n, k, m = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    return {"a": draw(arrays((n, k), dtype=dtype)), "b": draw(arrays((k, m), dtype=dtype))}


add(
    Spec(
        f"{AD}.matmul",
        _matmul(),
        lambda kw, r: (expect_shape(r, (kw["a"].shape[0], kw["b"].shape[1])), expect_dtype(r, kw["a"].dtype)),
        arr("a", nan=False)
        + arr("b", nan=False, shape=lambda v, kw: np.ones((kw["a"].shape[1] + 1, 2)), shape_names=("a", "b")),
    )
)


@st.composite
def _reduction(draw: Any, keepdims: bool = True) -> Kwargs:
    dtype = draw(FLOAT_DTYPES)
    x = draw(arrays(shapes(1, 3, 1, 3), dtype=dtype))
    axis = draw(st.none() | st.integers(-x.ndim, x.ndim - 1))
    kw: Kwargs = {"x": x, "axis": axis}
    if keepdims:
        kw["keepdims"] = draw(st.booleans())
    return kw


def _reduced(kw: Kwargs, result: Any) -> None:
    x = value_of(kw["x"])
    expect_shape(result, np.sum(x, axis=kw["axis"], keepdims=kw.get("keepdims", False)).shape)
    expect_dtype(result, x.dtype)


def _axis_bad(keepdims: bool = True) -> tuple[Bad, ...]:
    out = (
        Bad("axis", "out of range", lambda v, kw: value_of(kw["x"]).ndim + 1),
        Bad("axis", "float", const(0.5)),
        Bad("axis", "string", const("0")),
        Bad("axis", "repeated axis", const((0, 0))),
    )
    return out + (flag("keepdims") if keepdims else ())


for _name in ("sum", "mean", "max", "logsumexp"):
    add(Spec(f"{AD}.{_name}", _reduction(), _reduced, arr("x", nan=False) + _axis_bad()))


@st.composite
def _softmax(draw: Any) -> Kwargs:
    dtype = draw(FLOAT_DTYPES)
    x = draw(arrays(shapes(1, 3, 1, 3), -30, 30, dtype))
    return {"x": x, "axis": draw(st.integers(-x.ndim, x.ndim - 1))}


for _name in ("softmax", "log_softmax"):
    add(
        Spec(
            f"{AD}.{_name}",
            _softmax(),
            _same_as_x,
            arr("x", nan=False)
            + (
                Bad("axis", "out of range", lambda v, kw: kw["x"].ndim),
                Bad("axis", "float", const(0.5)),
            ),
        )
    )


@st.composite
def _reshape(draw: Any) -> Kwargs:
    x = draw(arrays(shapes(1, 3, 1, 4), dtype=draw(FLOAT_DTYPES)))
    shape = draw(st.sampled_from([(-1,), (x.size,), tuple(reversed(x.shape)), (1, x.size)]))
    return {"x": x, "shape": shape}


add(
    Spec(
        f"{AD}.reshape",
        _reshape(),
        lambda kw, r: (expect_shape(r, np.reshape(kw["x"], kw["shape"]).shape), expect_dtype(r, kw["x"].dtype)),
        arr("x", nan=False)
        + (
            Bad("shape", "wrong size", lambda v, kw: (kw["x"].size + 1,)),
            Bad("shape", "string", const("abc")),
            Bad("shape", "float entries", const((1.5,))),
        ),
    )
)


@st.composite
def _broadcast_to(draw: Any) -> Kwargs:
    x = draw(arrays(shapes(1, 2, 1, 3), dtype=draw(FLOAT_DTYPES)))
    return {"x": x, "shape": (draw(st.integers(1, 3)),) + x.shape}


add(
    Spec(
        f"{AD}.broadcast_to",
        _broadcast_to(),
        lambda kw, r: (expect_shape(r, kw["shape"]), expect_dtype(r, kw["x"].dtype)),
        arr("x", nan=False)
        + (
            # fewer axes than the array has: broadcasting never removes an axis
            Bad("shape", "incompatible", lambda v, kw: kw["x"].shape[1:]),
            Bad("shape", "string", const("abc")),
        ),
    )
)


@st.composite
def _clip(draw: Any) -> Kwargs:
    x = draw(arrays(shapes(0, 2, 1, 3), dtype=draw(FLOAT_DTYPES)))
    lo = draw(st.none() | floats(-2, 0))
    hi = draw(floats(0.5, 2) if lo is None else st.none() | floats(0.5, 2))
    return {"x": x, "lo": lo, "hi": hi}


add(
    Spec(
        f"{AD}.clip",
        _clip(),
        _same_as_x,
        arr("x", nan=False)
        + (
            Bad("lo", "complex", const(1j)),
            Bad("lo", "string", const("0")),
            Bad("hi", "complex", const(1j)),
            Bad("hi", "string", const("1")),
            degenerate("lo", "lo > hi", lambda v, kw: 3.0, "lo", "hi"),
        ),
    )
)


@st.composite
def _join(draw: Any, stack: bool) -> Kwargs:
    dtype = draw(FLOAT_DTYPES)
    shape = draw(shapes(1, 2, 1, 3))
    n = draw(st.integers(1, 3))
    tensors = [draw(arrays(shape, dtype=dtype)) for _ in range(n)]
    ndim = len(shape) + (1 if stack else 0)
    return {"tensors": tensors, "axis": draw(st.integers(-ndim, ndim - 1))}


def _joined(stack: bool) -> Any:
    def check(kw: Kwargs, r: Any) -> None:
        ref = (np.stack if stack else np.concatenate)(kw["tensors"], axis=kw["axis"])
        expect_shape(r, ref.shape)
        expect_dtype(r, kw["tensors"][0].dtype)

    return check


def _join_bad(stack: bool) -> tuple[Bad, ...]:
    def mismatched(v: Any, kw: Kwargs) -> list[np.ndarray]:
        t = kw["tensors"][0]
        return [t, np.ones(t.shape + (2,))]

    return (
        Bad("tensors", "None", const(None)),
        Bad("tensors", "empty list", const([])),
        Bad("tensors", "complex member", lambda v, kw: [kw["tensors"][0] + 1j]),
        Bad("tensors", "string member", lambda v, kw: [kw["tensors"][0].astype(str)]),
        Bad("tensors", "mismatched shapes", mismatched),
        Bad("axis", "out of range", lambda v, kw: kw["tensors"][0].ndim + 2),
        Bad("axis", "float", const(0.5)),
    )


add(Spec(f"{AD}.concatenate", _join(False), _joined(False), _join_bad(False)))
add(Spec(f"{AD}.stack", _join(True), _joined(True), _join_bad(True)))


@st.composite
def _transpose(draw: Any) -> Kwargs:
    x = draw(arrays(shapes(1, 3, 1, 3), dtype=draw(FLOAT_DTYPES)))
    axes = draw(st.none() | st.permutations(range(x.ndim)).map(tuple))
    return {"x": x, "axes": axes}


add(
    Spec(
        f"{AD}.transpose",
        _transpose(),
        lambda kw, r: (expect_shape(r, np.transpose(kw["x"], kw["axes"]).shape), expect_dtype(r, kw["x"].dtype)),
        arr("x", nan=False)
        + (
            Bad("axes", "wrong length", lambda v, kw: tuple(range(kw["x"].ndim + 1))),
            Bad("axes", "repeated", lambda v, kw: (0,) * kw["x"].ndim if kw["x"].ndim > 1 else (1,)),
            Bad("axes", "string", const("ab")),
        ),
    )
)


@st.composite
def _getitem(draw: Any) -> Kwargs:
    x = draw(arrays(shapes(1, 2, 2, 4), dtype=draw(FLOAT_DTYPES)))
    index = draw(st.sampled_from([0, -1, slice(None, 2), (Ellipsis, 0), np.array([0, 1])]))
    return {"x": x, "index": index}


add(
    Spec(
        f"{AD}.getitem",
        _getitem(),
        lambda kw, r: (expect_shape(r, kw["x"][kw["index"]].shape), expect_dtype(r, kw["x"].dtype)),
        arr("x", nan=False)
        + (
            Bad("index", "out of range", lambda v, kw: kw["x"].shape[0] + 5),
            Bad("index", "float", const(1.5)),
            Bad("index", "string", const("a")),
            Bad("index", "float array", const(np.array([0.5]))),
        ),
    )
)


@st.composite
def _take(draw: Any) -> Kwargs:
    dtype = draw(FLOAT_DTYPES)
    x = draw(arrays(shapes(2, 2, 2, 4), dtype=dtype))
    axis = draw(st.integers(0, 1))
    idx_shape = list(x.shape)
    idx_shape[axis] = draw(st.integers(1, 3))
    indices = draw(hnp.arrays(np.int64, tuple(idx_shape), elements=st.integers(0, x.shape[axis] - 1)))
    return {"x": x, "indices": indices, "axis": axis}


add(
    Spec(
        f"{AD}.take_along_axis",
        _take(),
        lambda kw, r: (expect_shape(r, kw["indices"].shape), expect_dtype(r, kw["x"].dtype)),
        arr("x", nan=False)
        + (
            Bad("indices", "float array", lambda v, kw: v.astype(float) + 0.5),
            Bad("indices", "out of range", lambda v, kw: v + 10),
            Bad("indices", "wrong ndim", lambda v, kw: v.reshape(-1)),
            Bad("indices", "None", const(None)),
            Bad("axis", "out of range", const(5)),
            Bad("axis", "float", const(0.5)),
        ),
    )
)


@st.composite
def _where(draw: Any) -> Kwargs:
    dtype = draw(FLOAT_DTYPES)
    shape = draw(shapes(1, 2, 1, 3))
    return {
        "condition": draw(hnp.arrays(np.bool_, shape)),
        "a": draw(arrays(shape, dtype=dtype)),
        "b": draw(arrays(shape, dtype=dtype)),
    }


add(
    Spec(
        f"{AD}.where",
        _where(),
        lambda kw, r: (expect_shape(r, kw["a"].shape), expect_dtype(r, kw["a"].dtype)),
        arr("a", nan=False)
        + arr("b", nan=False)
        + (_unbroadcastable("a", "condition"),)
        + (
            Bad("condition", "complex array", lambda v, kw: v + 1j),
            Bad("condition", "string array", lambda v, kw: v.astype(str)),
            Bad("condition", "None", const(None)),
        ),
    )
)


def _tensor_valid() -> st.SearchStrategy[Kwargs]:
    return st.fixed_dictionaries(
        {"value": arrays(shapes(0, 2, 1, 3), dtype=np.float32) | arrays(shapes(0, 2, 1, 3)), "dtype": st.none()}
    )


def _tensor_check(kw: Kwargs, r: Any) -> None:
    expect_shape(r, np.shape(kw["value"]))
    expect_dtype(r, kw["value"].dtype)


_dtype_bad = (
    Bad("dtype", "complex dtype", const("complex128")),
    Bad("dtype", "bool dtype", const(bool)),
    Bad("dtype", "not a dtype", const("no-such-dtype")),
)
add(Spec(f"{AD}.Tensor", _tensor_valid(), _tensor_check, arr("value", nan=False) + _dtype_bad))
add(Spec(f"{AD}.constant", _tensor_valid(), _tensor_check, arr("value", nan=False) + _dtype_bad))
add(Spec(f"{AD}.convert_to_tensor", _tensor_valid(), _tensor_check, arr("value", nan=False) + _dtype_bad))
add(
    Spec(
        f"{AD}.Variable",
        st.fixed_dictionaries(
            {"initial_value": arrays(shapes(0, 2, 1, 3)), "trainable": st.booleans(), "name": st.none() | st.just("w")}
        ),
        lambda kw, r: expect_shape(r, kw["initial_value"].shape),
        arr("initial_value", nan=False) + flag("trainable") + (Bad("name", "int", const(3)),),
    )
)


def _tape_run(kw: Kwargs) -> Any:
    ad = _ad()
    x = ad.Variable(kw["x"])
    with ad.GradientTape(persistent=kw["persistent"], watch_accessed_variables=kw["watch_accessed_variables"]) as tape:
        tape.watch(x)
        y = ad.sum(ad.tanh(x) * x)
    return tape.gradient(y, x)


add(
    Spec(
        f"{AD}.GradientTape",
        st.fixed_dictionaries(
            {"x": arrays(shapes(1, 2, 1, 3)), "persistent": st.booleans(), "watch_accessed_variables": st.booleans()}
        ),
        lambda kw, r: expect_shape(r, kw["x"].shape),
        flag("persistent") + flag("watch_accessed_variables"),
        run=_tape_run,
    )
)


def _sq(x: Any) -> Any:
    ad = _ad()
    return ad.sum(ad.tanh(x) * x)


def _vector_fn(x: Any) -> Any:
    return _ad().tanh(x) * 2.0


def _grad_run(which: str) -> Any:
    def run(kw: Kwargs) -> Any:
        made = getattr(_ad(), which)(kw["f"], argnums=kw["argnums"])
        return made(kw["x"])

    return run


def _call_arg_bad() -> tuple[Bad, ...]:
    # grad(f)(x): the made function's first positional argument, named "argument 0" (or f's own name x).
    return tuple(Bad(b.arg, b.kind, b.make, ("argument 0|x",)) for b in arr("x", nan=False))


_grad_valid = st.fixed_dictionaries({"f": st.just(_sq), "x": arrays(shapes(1, 2, 1, 3)), "argnums": st.just(0)})
add(
    Spec(
        f"{AD}.grad",
        _grad_valid,
        lambda kw, r: expect_shape(r, kw["x"].shape),
        func("f")
        + (
            Bad("argnums", "float", const(0.5)),
            Bad("argnums", "string", const("0")),
            Bad("argnums", "out of range", const(3)),
        )
        + _call_arg_bad(),
        run=_grad_run("grad"),
    )
)
add(
    Spec(
        f"{AD}.value_and_grad",
        _grad_valid,
        lambda kw, r: (scalar_float({}, value_of(r[0])), expect_shape(r[1], kw["x"].shape)),
        func("f") + (Bad("argnums", "float", const(0.5)), Bad("argnums", "out of range", const(3))) + _call_arg_bad(),
        run=_grad_run("value_and_grad"),
    )
)
add(
    Spec(
        f"{AD}.jacobian",
        st.fixed_dictionaries({"f": st.just(_vector_fn), "x": arrays(shapes(1, 2, 1, 3))}),
        lambda kw, r: expect_shape(r, kw["x"].shape * 2),
        func("f") + arr("x", nan=False),
    )
)
add(
    Spec(
        f"{AD}.hessian",
        st.fixed_dictionaries({"f": st.just(_sq), "x": arrays(shapes(1, 1, 1, 4))}),
        lambda kw, r: expect_shape(r, kw["x"].shape * 2),
        func("f") + arr("x", nan=False) + (degenerate("f", "f not scalar", const(_vector_fn), "f"),),
    )
)


@st.composite
def _hvp(draw: Any) -> Kwargs:
    shape = draw(shapes(1, 1, 1, 4))
    return {"f": _sq, "x": draw(arrays(shape)), "v": draw(arrays(shape))}


add(
    Spec(
        f"{AD}.hvp",
        _hvp(),
        lambda kw, r: expect_shape(r, kw["x"].shape),
        func("f") + arr("x", nan=False) + arr("v", nan=False, shape=lambda v, kw: np.ones(v.shape + (2,))),
    )
)


def _check_grads_run(kw: Kwargs) -> Any:
    kw = dict(kw)
    x = kw.pop("x")
    return _ad().check_grads(kw.pop("f"), x, **kw)


add(
    Spec(
        f"{AD}.check_grads",
        st.fixed_dictionaries(
            {
                "f": st.just(_vector_fn),
                "x": arrays(shapes(1, 1, 1, 3), -1, 1),
                "order": st.sampled_from([1, 2]),
                "eps": st.just(1e-6),
            }
        ),
        lambda kw, r: None if r is None else (_ for _ in ()).throw(AssertionError(f"returned {r!r}")),
        func("f")
        + integer("order", 0, -1, none=False)
        + num("eps", 0.0, -1e-3)
        + num("rtol", -1.0)
        + num("atol", -1.0)
        + tuple(Bad(b.arg, b.kind, b.make, ("args|args[0]",)) for b in arr("x", nan=False)),
        run=_check_grads_run,
        examples=6,
    )
)
add(
    Spec(
        f"{AD}.numerical_jacobian",
        st.fixed_dictionaries(
            {"f": st.just(_vector_fn), "args": arrays(shapes(1, 1, 1, 3)).map(lambda a: (a,)), "argnum": st.just(0)}
        ),
        lambda kw, r: expect_shape(r, kw["args"][0].shape * 2),
        func("f")
        + integer("argnum", 2, -5, none=False)
        + num("eps", 0.0, -1e-3)
        + (Bad("args", "None", const(None)), Bad("args", "complex member", lambda v, kw: (v[0] + 1j,))),
    )
)


def _primitive_run(kw: Kwargs) -> Any:
    prim = _ad().primitive(kw["impl"])
    return prim(kw["x"])


add(
    Spec(
        f"{AD}.primitive",
        st.fixed_dictionaries({"impl": st.just(np.sin), "x": arrays(shapes(1, 2, 1, 3))}),
        lambda kw, r: expect_shape(r, kw["x"].shape),
        func("impl"),
        run=_primitive_run,
        also=(f"{AD}.Primitive",),
    )
)


@st.composite
def _unbroadcast(draw: Any) -> Kwargs:
    shape = draw(shapes(1, 2, 1, 3))
    small = tuple(1 if draw(st.booleans()) else n for n in shape)
    batch = draw(st.integers(0, 1))
    g = draw(arrays((2,) * batch + (draw(st.integers(1, 2)),) + shape))
    return {"g": g, "shape": small, "batch_ndim": batch}


add(
    Spec(
        f"{AD}.unbroadcast",
        _unbroadcast(),
        lambda kw, r: expect_shape(r, kw["g"].shape[: kw["batch_ndim"]] + kw["shape"]),
        (
            Bad("shape", "not broadcastable", lambda v, kw: tuple(n + 1 for n in v) + (7,)),
            Bad("shape", "string", const("ab")),
        )
        + integer("batch_ndim", -1, 9, none=False)
        + (Bad("g", "None", const(None)), Bad("g", "complex array", lambda v, kw: v + 1j)),
    )
)


# ==================================================================================================
# losses: float64 scalars (or the per-element/per-sample/per-score array for reduction="none")
# ==================================================================================================

REDUCTION = st.sampled_from(["mean", "sum", "none"])


def _loss_check(none_shape: Any) -> Any:
    """Check a loss result: a float64 scalar, or for ``reduction="none"`` the array ``none_shape(kw)``."""

    def check(kw: Kwargs, r: Any) -> None:
        expect_dtype(r, np.float64)
        if kw.get("reduction", "mean") == "none":
            expect_shape(r, none_shape(kw))
        else:
            assert np.ndim(r) == 0, f"reduction={kw.get('reduction', 'mean')!r} gives shape {np.shape(r)}, not a scalar"

    return check


def _pair_shape(v: Any, kw: Kwargs) -> np.ndarray:
    return np.concatenate([v, v[..., :1]], axis=-1)


def _pair_bad(true: str = "y_true", pred: str = "y_pred", true_nan: bool = True) -> tuple[Bad, ...]:
    return arr(true, nan=true_nan) + arr(pred, shape=_pair_shape, shape_names=(true, pred)) + choice("reduction")


def _elementwise(kw: Kwargs) -> tuple[int, ...]:
    return np.shape(kw["y_pred"])


def _per_row(kw: Kwargs) -> tuple[int, ...]:
    return np.shape(kw["y_pred"])[:-1]


@st.composite
def _regression(draw: Any) -> Kwargs:
    shape = draw(shapes(1, 2, 2, 4))
    return {"y_true": draw(arrays(shape)), "y_pred": draw(arrays(shape)), "reduction": draw(REDUCTION)}


for _name in ("mean_squared_error", "mean_absolute_error", "log_cosh"):
    add(Spec(f"{LS}.{_name}", _regression(), _loss_check(_elementwise), _pair_bad()))


@st.composite
def _huber(draw: Any) -> Kwargs:
    kw = draw(_regression())
    kw["delta"] = draw(floats(0.1, 3))
    return kw


add(Spec(f"{LS}.huber", _huber(), _loss_check(_elementwise), _pair_bad() + num("delta", 0.0, -1.0)))


def _labels01(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return (rng.uniform(size=shape) < 0.5).astype(np.float64)


def _probabilities(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return rng.uniform(0.02, 0.98, size=shape)


def _rows(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    p = rng.uniform(0.05, 1.0, size=(n, k))
    return p / p.sum(axis=-1, keepdims=True)


def _one_hot(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    return np.eye(k)[rng.integers(0, k, size=n)]


@st.composite
def _binary_loss(draw: Any, logits_flag: bool = True, smoothing: bool = True, signed: bool = False) -> Kwargs:
    shape = draw(shapes(1, 2, 2, 4))
    rng = np.random.default_rng(draw(seeds()))
    from_logits = draw(st.booleans()) if logits_flag else False
    y = _labels01(rng, shape)
    if signed and draw(st.booleans()):
        y = 2 * y - 1
    pred = rng.normal(0, 3, size=shape) if from_logits or signed else _probabilities(rng, shape)
    kw: Kwargs = {"y_true": y, "y_pred": pred, "reduction": draw(REDUCTION)}
    if logits_flag:
        kw["from_logits"] = from_logits
    if smoothing:
        kw["label_smoothing"] = draw(floats(0, 1))
    return kw


def _prob_pred_bad() -> tuple[Bad, ...]:
    return (
        degenerate("y_pred", "probability above 1", lambda v, kw: v if kw.get("from_logits") else v + 2.0, "y_pred"),
    )


_label_bad = (Bad("y_true", "label 0.5", lambda v, kw: np.full_like(v, 0.5)),)
add(
    Spec(
        f"{LS}.binary_crossentropy",
        _binary_loss(),
        _loss_check(_elementwise),
        _pair_bad() + flag("from_logits") + num("label_smoothing", -0.1, 1.5),
    )
)


@st.composite
def _categorical(draw: Any, smoothing: bool = True, logits_flag: bool = True) -> Kwargs:
    n, k = draw(st.integers(1, 4)), draw(st.integers(2, 4))
    rng = np.random.default_rng(draw(seeds()))
    from_logits = draw(st.booleans()) if logits_flag else False
    kw: Kwargs = {
        "y_true": _one_hot(rng, n, k),
        "y_pred": rng.normal(0, 3, (n, k)) if from_logits else _rows(rng, n, k),
        "reduction": draw(REDUCTION),
    }
    if logits_flag:
        kw["from_logits"] = from_logits
    if smoothing:
        kw["label_smoothing"] = draw(floats(0, 1))
    return kw


_one_hot_bad = (Bad("y_true", "not one-hot (two ones)", lambda v, kw: np.ones_like(v)),)
add(
    Spec(
        f"{LS}.categorical_crossentropy",
        _categorical(),
        _loss_check(_per_row),
        _pair_bad() + flag("from_logits") + num("label_smoothing", -0.1, 1.5) + _one_hot_bad,
    )
)


@st.composite
def _sparse(draw: Any) -> Kwargs:
    kw = draw(_categorical())
    kw["y_true"] = np.argmax(kw["y_true"], axis=-1)
    return kw


add(
    Spec(
        f"{LS}.sparse_categorical_crossentropy",
        _sparse(),
        _loss_check(_per_row),
        arr("y_true")
        + arr(
            "y_pred", shape=lambda v, kw: v[:-1] if len(v) > 1 else np.ones((2, 2, 2)), shape_names=("y_true", "y_pred")
        )
        + choice("reduction")
        + flag("from_logits")
        + num("label_smoothing", -0.1, 1.5)
        + (
            Bad("y_true", "class index out of range", lambda v, kw: v + kw["y_pred"].shape[-1]),
            Bad("y_true", "fractional index", lambda v, kw: v + 0.5),
        ),
    )
)


@st.composite
def _kl(draw: Any) -> Kwargs:
    kw = draw(_categorical(smoothing=False))
    rng = np.random.default_rng(draw(seeds()))
    kw["y_true"] = _rows(rng, *kw["y_pred"].shape)
    return kw


add(
    Spec(
        f"{LS}.kl_divergence",
        _kl(),
        _loss_check(_per_row),
        _pair_bad() + flag("from_logits") + (Bad("y_true", "rows not summing to 1", lambda v, kw: v * 0.5),),
    )
)

for _name in ("hinge", "squared_hinge"):
    add(
        Spec(
            f"{LS}.{_name}",
            _binary_loss(False, False, signed=True),
            _loss_check(_elementwise),
            _pair_bad() + _label_bad,
        )
    )
for _name in ("categorical_hinge", "weston_watkins_hinge"):

    @st.composite
    def _multi_hinge(draw: Any) -> Kwargs:
        kw = draw(_categorical(smoothing=False, logits_flag=False))
        kw["y_pred"] = np.random.default_rng(draw(seeds())).normal(0, 2, kw["y_pred"].shape)
        kw["margin"] = draw(floats(0.1, 2))
        return kw

    add(
        Spec(
            f"{LS}.{_name}",
            _multi_hinge(),
            _loss_check(_per_row),
            _pair_bad() + num("margin", 0.0, -1.0) + _one_hot_bad,
        )
    )

for _name in ("zero_one_loss", "exponential_loss", "log_loss"):
    add(
        Spec(
            f"{LS}.{_name}",
            _binary_loss(False, False, signed=True),
            _loss_check(_elementwise),
            _pair_bad() + _label_bad,
        )
    )


@st.composite
def _gan(draw: Any, two: bool) -> Kwargs:
    shape = draw(shapes(1, 2, 1, 4))
    rng = np.random.default_rng(draw(seeds()))
    from_logits = draw(st.booleans())

    def scores() -> np.ndarray:
        return rng.normal(0, 3, shape) if from_logits else _probabilities(rng, shape)

    kw: Kwargs = {"d_fake": scores(), "from_logits": from_logits, "reduction": draw(REDUCTION)}
    if two:
        kw["d_real"] = scores()
    return kw


add(
    Spec(
        f"{LS}.gan_discriminator_loss",
        _gan(True),
        _loss_check(lambda kw: kw["d_fake"].shape),
        arr("d_real")
        # no shape mutation: the real and the fake batch may have different sizes
        + arr("d_fake")
        + flag("from_logits")
        + choice("reduction"),
    )
)
for _name in ("gan_generator_minimax_loss", "gan_generator_nonsaturating_loss"):
    add(
        Spec(
            f"{LS}.{_name}",
            _gan(False),
            _loss_check(lambda kw: kw["d_fake"].shape),
            arr("d_fake") + flag("from_logits") + choice("reduction"),
        )
    )


def _without_axes(kw: Kwargs) -> tuple[int, ...]:
    shape = np.shape(kw["y_pred"])
    axis = kw.get("axis")
    if axis is None:
        return ()
    axes = {a % len(shape) for a in ((axis,) if isinstance(axis, int) else axis)}
    return tuple(n for i, n in enumerate(shape) if i not in axes)


@st.composite
def _overlap(draw: Any, tversky: bool = False, focal: bool = False, squared: bool = False) -> Kwargs:
    shape = draw(shapes(1, 3, 2, 4))
    rng = np.random.default_rng(draw(seeds()))
    kw: Kwargs = {
        "y_true": _labels01(rng, shape),
        "y_pred": _probabilities(rng, shape),
        "axis": draw(
            st.none() | st.integers(1, len(shape) - 1).map(lambda k: tuple(range(k, len(shape))))
            if len(shape) > 1
            else st.none()
        ),
        "smooth": draw(floats(0.1, 2)),
        "reduction": draw(REDUCTION),
    }
    if tversky:
        kw["alpha"], kw["beta"] = draw(floats(0, 1)), draw(floats(0.1, 1))
    if focal:
        kw["gamma"] = draw(floats(0.5, 3))
    if squared:
        kw["squared"] = draw(st.booleans())
    return kw


def _overlap_bad() -> tuple[Bad, ...]:
    return (
        _pair_bad()
        + num("smooth", -1.0)
        + (Bad("axis", "out of range", lambda v, kw: (kw["y_pred"].ndim + 1,)), Bad("axis", "float", const(0.5)))
        + (degenerate("y_pred", "probability above 1", lambda v, kw: v + 2.0, "y_pred"),)
    )


add(Spec(f"{LS}.dice", _overlap(squared=True), _loss_check(_without_axes), _overlap_bad() + flag("squared")))
add(Spec(f"{LS}.jaccard", _overlap(), _loss_check(_without_axes), _overlap_bad()))
add(
    Spec(
        f"{LS}.tversky",
        _overlap(tversky=True),
        _loss_check(_without_axes),
        _overlap_bad() + num("alpha", -0.5) + num("beta", -0.5),
    )
)
add(
    Spec(
        f"{LS}.focal_tversky",
        _overlap(tversky=True, focal=True),
        _loss_check(_without_axes),
        _overlap_bad() + num("alpha", -0.5) + num("beta", -0.5) + num("gamma", 0.0, -1.0),
    )
)


@st.composite
def _images(draw: Any, size: int = 12) -> np.ndarray:
    rng = np.random.default_rng(draw(seeds()))
    lead = draw(st.sampled_from([(), (2,)]))
    h, w, c = draw(st.integers(size, size + 3)), draw(st.integers(size, size + 3)), draw(st.integers(1, 2))
    return rng.uniform(0, 1, lead + (h, w, c))


@st.composite
def _ssim(draw: Any) -> Kwargs:
    a = draw(_images())
    return {
        "y_true": a,
        "y_pred": np.clip(a + np.random.default_rng(0).normal(0, 0.1, a.shape), 0, 1),
        "max_val": 1.0,
        "filter_size": draw(st.sampled_from([3, 7, 11])),
        "filter_sigma": draw(floats(0.5, 2)),
        "reduction": draw(REDUCTION),
    }


def _per_image(kw: Kwargs) -> tuple[int, ...]:
    return np.shape(kw.get("y_pred", kw.get("images")))[:-3]


_ssim_bad = (
    _pair_bad()
    + num("max_val", 0.0, -1.0)
    + integer("filter_size", 0, none=False)
    + (degenerate("filter_size", "window larger than the images", 99, "filter_size|y_pred"),)
    + num("filter_sigma", 0.0, -1.0)
    + num("k1", 0.0, -0.1)
    + num("k2", 0.0, -0.1)
    + (Bad("y_true", "not images (1-d)", lambda v, kw: v.reshape(-1), ("y_true",)),)
)
add(Spec(f"{LS}.ssim", _ssim(), _loss_check(_per_image), _ssim_bad, examples=8))
add(Spec(f"{LS}.ssim_loss", _ssim(), _loss_check(_per_image), _ssim_bad, examples=8))
add(
    Spec(
        f"{LS}.total_variation",
        st.fixed_dictionaries({"images": _images(2), "reduction": REDUCTION}),
        _loss_check(_per_image),
        arr("images", shape=lambda v, kw: v.reshape(-1)) + choice("reduction"),
        examples=8,
    )
)


@st.composite
def _perceptual(draw: Any) -> Kwargs:
    a = draw(_images(12))
    return {
        "y_true": a,
        "y_pred": a[..., ::-1, :, :].copy(),
        "pool": draw(st.integers(1, 4)),
        "reduction": draw(REDUCTION),
    }


add(
    Spec(
        f"{LS}.perceptual",
        _perceptual(),
        _loss_check(_per_image),
        _pair_bad()
        + integer("pool", 0, -2, none=False)
        + arr("filters", nan=True, skip=("None",))
        + (Bad("filters", "wrong shape", const(np.ones((3, 3)))),),
        examples=8,
    )
)
add(
    Spec(
        f"{LS}.gaussian_window",
        st.fixed_dictionaries({"size": st.integers(1, 15), "sigma": floats(0.1, 5)}),
        lambda kw, r: (
            expect_shape(r, (kw["size"],)),
            expect_dtype(r, np.float64),
            np.testing.assert_allclose(np.sum(r), 1.0),
        ),
        integer("size", 0, -1, none=False) + num("sigma", 0.0, -1.0),
    )
)
add(
    Spec(
        f"{LS}.edge_filter_bank",
        st.fixed_dictionaries({"size": st.integers(3, 9), "sigma": floats(0.3, 3)}),
        lambda kw, r: (expect_shape(r, (kw["size"], kw["size"], 10)), expect_dtype(r, np.float64)),
        integer("size", 2, 0, none=False) + num("sigma", 0.0, -1.0),
    )
)


@st.composite
def _embeddings(draw: Any, names: tuple[str, ...], min_rows: int = 1) -> Kwargs:
    n, d = draw(st.integers(min_rows, 5)), draw(st.integers(1, 4))
    rng = np.random.default_rng(draw(seeds()))
    return {name: rng.normal(0, 1, (n, d)) for name in names}


def _rows_of(name: str) -> Any:
    return lambda kw: (np.shape(kw[name])[0],)


def _extra_row(v: Any, kw: Kwargs) -> np.ndarray:
    return np.concatenate([v, v[:1]], axis=0)


@st.composite
def _pairwise(draw: Any) -> Kwargs:
    kw = draw(_embeddings(("x1", "x2")))
    kw.update(p=draw(floats(1, 4)), eps=draw(floats(0, 1e-3)))
    return kw


add(
    Spec(
        f"{LS}.pairwise_distance",
        _pairwise(),
        lambda kw, r: (expect_shape(r, (kw["x1"].shape[0],)), expect_dtype(r, np.float64)),
        arr("x1") + arr("x2", shape=_extra_row, shape_names=("x1", "x2")) + num("p", 0.5, 0.0, -1.0) + num("eps", -1.0),
    )
)


@st.composite
def _contrastive(draw: Any) -> Kwargs:
    n = draw(st.integers(1, 5))
    rng = np.random.default_rng(draw(seeds()))
    return {
        "y_true": _labels01(rng, (n,)),
        "distance": rng.uniform(0, 2, n),
        "margin": draw(floats(0.1, 2)),
        "reduction": draw(REDUCTION),
    }


add(
    Spec(
        f"{LS}.contrastive",
        _contrastive(),
        _loss_check(_rows_of("distance")),
        arr("y_true")
        + arr("distance", shape=_extra_row, shape_names=("y_true", "distance"))
        + num("margin", 0.0, -1.0)
        + choice("reduction")
        + _label_bad
        + (Bad("distance", "negative distance", lambda v, kw: v - 5.0),),
    )
)


@st.composite
def _triplet(draw: Any) -> Kwargs:
    kw = draw(_embeddings(("anchor", "positive", "negative")))
    kw.update(margin=draw(floats(0.1, 2)), p=draw(floats(1, 3)), swap=draw(st.booleans()), reduction=draw(REDUCTION))
    return kw


add(
    Spec(
        f"{LS}.triplet_margin",
        _triplet(),
        _loss_check(_rows_of("anchor")),
        arr("anchor")
        + arr("positive")
        + arr("negative", shape=_extra_row, shape_names=("negative",))
        + num("margin", 0.0, -1.0)
        + num("p", 0.5, 0.0)
        + num("eps", -1.0)
        + flag("swap")
        + choice("reduction"),
    )
)


@st.composite
def _cosine(draw: Any) -> Kwargs:
    kw = draw(_embeddings(("x1", "x2")))
    rng = np.random.default_rng(draw(seeds()))
    kw.update(
        y_true=np.where(rng.uniform(size=kw["x1"].shape[0]) < 0.5, 1.0, -1.0),
        margin=draw(floats(-1, 1)),
        reduction=draw(REDUCTION),
    )
    return kw


add(
    Spec(
        f"{LS}.cosine_embedding",
        _cosine(),
        _loss_check(_rows_of("x1")),
        arr("y_true")
        + arr("x1")
        + arr("x2", shape=_extra_row, shape_names=("x1", "x2"))
        + num("margin", -1.5, 1.5)
        + choice("reduction")
        + _label_bad,
    )
)


@st.composite
def _nce(draw: Any, cosine: bool) -> Kwargs:
    kw = draw(_embeddings(("z1", "z2"), 1 if cosine else 2))
    kw.update(temperature=draw(floats(0.05, 2)), reduction=draw(REDUCTION))
    if cosine:
        kw["cosine"] = draw(st.booleans())
    return kw


add(
    Spec(
        f"{LS}.info_nce",
        _nce(True),
        _loss_check(_rows_of("z1")),
        arr("z1")
        + arr("z2", shape=_extra_row, shape_names=("z1", "z2"))
        + num("temperature", 0.0, -1.0)
        + flag("cosine")
        + choice("reduction"),
    )
)
add(
    Spec(
        f"{LS}.nt_xent",
        _nce(False),
        _loss_check(_rows_of("z1")),
        arr("z1")
        + arr("z2", shape=_extra_row, shape_names=("z1", "z2"))
        + num("temperature", 0.0, -1.0)
        + choice("reduction"),
    )
)


@st.composite
def _focal(draw: Any, categorical: bool) -> Kwargs:
    kw = draw(_categorical() if categorical else _binary_loss())
    kw.update(alpha=draw(floats(0.05, 1) if categorical else floats(0, 1)), gamma=draw(floats(0, 4)))
    if not categorical:
        kw["apply_class_balancing"] = draw(st.booleans())
    return kw


add(
    Spec(
        f"{LS}.binary_focal_crossentropy",
        _focal(False),
        _loss_check(_elementwise),
        _pair_bad()
        + flag("from_logits")
        + flag("apply_class_balancing")
        + num("label_smoothing", -0.1, 1.5)
        + num("alpha", -0.5, 1.5)
        + num("gamma", -1.0),
    )
)
add(
    Spec(
        f"{LS}.categorical_focal_crossentropy",
        _focal(True),
        _loss_check(_per_row),
        _pair_bad()
        + flag("from_logits")
        + num("label_smoothing", -0.1, 1.5)
        + num("alpha", 0.0, -0.5)
        + num("gamma", -1.0)
        + _one_hot_bad,
    )
)


# ==================================================================================================
# optim: optimizers update float64 parameters in place; schedules give finite rates
# ==================================================================================================

OP = "momentum_lab.optim"


def _optimizer_run(cls_name: str) -> Any:
    """Build the optimizer from the drawn hyperparameters and take three steps on a parameter array."""

    def run(kw: Kwargs) -> Any:
        import momentum_lab.optim as optim

        kw = dict(kw)
        theta, grads = kw.pop("theta"), kw.pop("grads")
        opt = getattr(optim, cls_name)(**kw)
        for g in grads:
            opt.step(theta, g)
        return theta

    return run


@st.composite
def _opt_valid(draw: Any, hyper: dict[str, st.SearchStrategy[Any]]) -> Kwargs:
    shape = draw(shapes(1, 2, 1, 4))
    rng = np.random.default_rng(draw(seeds()))
    kw = {k: draw(v) for k, v in hyper.items()}
    kw["theta"] = rng.normal(size=shape)
    kw["grads"] = [rng.normal(size=shape) for _ in range(3)]
    return kw


def _theta_shape(kw: Kwargs, r: Any) -> None:
    expect_shape(r, kw["theta"].shape)
    expect_dtype(r, np.float64)


def _step_bad() -> tuple[Bad, ...]:
    return (
        Bad("grads", "complex gradient", lambda v, kw: [g + 1j for g in v], ("grad|grads",)),
        Bad("grads", "gradient of another shape", lambda v, kw: [np.ones(g.shape + (2,)) for g in v], ("grad|grads",)),
        Bad("theta", "int parameter", lambda v, kw: np.ones(v.shape, dtype=np.int64), ("param|params",)),
    )


LR = floats(0, 1)
BETA = floats(0, 0.999)
OPTIMIZERS: dict[str, tuple[dict[str, st.SearchStrategy[Any]], tuple[Bad, ...]]] = {
    "GradientDescent": ({"lr": LR}, num("lr", -0.1)),
    "ClassicalMomentum": (
        {"lr": LR, "momentum": BETA, "nesterov": st.booleans()},
        num("lr", -0.1) + num("momentum", -0.1, 1.5) + flag("nesterov"),
    ),
    "KerasMomentum": (
        {"lr": LR, "momentum": BETA, "nesterov": st.booleans()},
        num("lr", -0.1) + num("momentum", -0.1, 1.5) + flag("nesterov"),
    ),
    "SGD": (
        {
            "lr": LR,
            "momentum": BETA,
            "nesterov": st.just(False),
            "dampening": floats(0, 1),
            "weight_decay": floats(0, 1),
        },
        num("lr", -0.1) + num("momentum", -0.1) + flag("nesterov") + num("dampening", -0.5) + num("weight_decay", -0.1),
    ),
    "Adagrad": (
        {
            "lr": LR,
            "lr_decay": floats(0, 1),
            "weight_decay": floats(0, 1),
            "initial_accumulator_value": floats(0, 1),
            "eps": floats(1e-10, 1e-6),
            "maximize": st.booleans(),
        },
        num("lr", -0.1)
        + num("lr_decay", -0.1)
        + num("weight_decay", -0.1)
        + num("initial_accumulator_value", -0.1)
        + num("eps", -1e-8)
        + flag("maximize"),
    ),
    "RMSprop": (
        {
            "lr": LR,
            "alpha": BETA,
            "eps": floats(1e-8, 1e-6),
            "weight_decay": floats(0, 1),
            "momentum": BETA,
            "centered": st.booleans(),
            "maximize": st.booleans(),
        },
        num("lr", -0.1)
        + num("alpha", -0.1)
        + num("eps", -1e-8)
        + num("weight_decay", -0.1)
        + num("momentum", -0.1)
        + flag("centered")
        + flag("maximize"),
    ),
    "Adam": (
        {
            "lr": LR,
            "betas": st.tuples(BETA, BETA),
            "eps": floats(1e-8, 1e-6),
            "weight_decay": floats(0, 1),
            "amsgrad": st.booleans(),
            "maximize": st.booleans(),
            "decoupled_weight_decay": st.booleans(),
        },
        num("lr", -0.1)
        + num("eps", -1e-8)
        + num("weight_decay", -0.1)
        + flag("amsgrad")
        + flag("maximize")
        + flag("decoupled_weight_decay")
        + (
            Bad("betas", "beta 1.0", const((1.0, 0.999))),
            Bad("betas", "negative beta", const((0.9, -0.1))),
            Bad("betas", "one number", const(0.9)),
            Bad("betas", "None", const(None)),
        ),
    ),
    "AdamW": (
        {
            "lr": LR,
            "betas": st.tuples(BETA, BETA),
            "eps": floats(1e-8, 1e-6),
            "weight_decay": floats(0, 1),
            "amsgrad": st.booleans(),
            "maximize": st.booleans(),
        },
        num("lr", -0.1)
        + num("eps", -1e-8)
        + num("weight_decay", -0.1)
        + flag("amsgrad")
        + flag("maximize")
        + (Bad("betas", "beta 1.0", const((1.0, 0.999))), Bad("betas", "one number", const(0.9))),
    ),
    "NAdam": (
        {
            "lr": LR,
            "betas": st.tuples(BETA, BETA),
            "eps": floats(1e-8, 1e-6),
            "weight_decay": floats(0, 1),
            "momentum_decay": floats(0, 0.01),
            "decoupled_weight_decay": st.booleans(),
            "maximize": st.booleans(),
        },
        num("lr", -0.1)
        + num("eps", -1e-8)
        + num("weight_decay", -0.1)
        + num("momentum_decay", -0.1)
        + flag("decoupled_weight_decay")
        + flag("maximize")
        + (Bad("betas", "beta 1.0", const((1.0, 0.999))), Bad("betas", "one number", const(0.9))),
    ),
    "KerasAdagrad": (
        {
            "learning_rate": LR,
            "initial_accumulator_value": floats(0, 1),
            "epsilon": floats(1e-7, 1e-5),
            "weight_decay": st.none() | floats(0, 0.1),
        },
        num("learning_rate", -0.1)
        + num("initial_accumulator_value", -0.1)
        + num("epsilon", -1e-7)
        + num("weight_decay", -0.1, none=False),
    ),
    "KerasAdam": (
        {
            "learning_rate": LR,
            "beta_1": BETA,
            "beta_2": BETA,
            "epsilon": floats(1e-7, 1e-5),
            "amsgrad": st.booleans(),
            "weight_decay": st.none() | floats(0, 0.1),
        },
        num("learning_rate", -0.1)
        + num("beta_1", -0.1, 1.0)
        + num("beta_2", -0.1, 1.0)
        + num("epsilon", -1e-7)
        + flag("amsgrad")
        + num("weight_decay", -0.1, none=False),
    ),
    "KerasAdamW": (
        {
            "learning_rate": LR,
            "weight_decay": floats(0, 0.1),
            "beta_1": BETA,
            "beta_2": BETA,
            "epsilon": floats(1e-7, 1e-5),
            "amsgrad": st.booleans(),
        },
        num("learning_rate", -0.1)
        + num("weight_decay", -0.1)
        + num("beta_1", -0.1, 1.0)
        + num("beta_2", -0.1, 1.0)
        + num("epsilon", -1e-7)
        + flag("amsgrad"),
    ),
    "KerasNadam": (
        {
            "learning_rate": LR,
            "beta_1": BETA,
            "beta_2": BETA,
            "epsilon": floats(1e-7, 1e-5),
            "weight_decay": st.none() | floats(0, 0.1),
        },
        num("learning_rate", -0.1)
        + num("beta_1", -0.1, 1.0)
        + num("beta_2", -0.1, 1.0)
        + num("epsilon", -1e-7)
        + num("weight_decay", -0.1, none=False),
    ),
    "KerasRMSprop": (
        {
            "learning_rate": LR,
            "rho": BETA,
            "momentum": BETA,
            "epsilon": floats(1e-7, 1e-5),
            "centered": st.booleans(),
            "weight_decay": st.none() | floats(0, 0.1),
        },
        num("learning_rate", -0.1)
        + num("rho", -0.1, 1.5)
        + num("momentum", -0.1)
        + num("epsilon", -1e-7)
        + flag("centered")
        + num("weight_decay", -0.1, none=False),
    ),
}
for _name, (_hyper, _bad) in OPTIMIZERS.items():
    add(Spec(f"{OP}.{_name}", _opt_valid(_hyper), _theta_shape, _bad + _step_bad(), run=_optimizer_run(_name)))


def _schedule_run(cls_name: str, ks: int = 12) -> Any:
    def run(kw: Kwargs) -> Any:
        import momentum_lab.optim as optim

        kw = dict(kw)
        kw.pop("k", None)
        schedule = getattr(optim, cls_name)(**kw)
        limit = kw.get("total_steps", ks)
        return np.array([schedule(k) for k in range(limit)], dtype=float)

    return run


def _rates_ok(kw: Kwargs, r: Any) -> None:
    assert np.all(np.asarray(r) >= 0), f"negative rate {np.min(r)}"


SCHEDULES: dict[str, tuple[dict[str, st.SearchStrategy[Any]], tuple[Bad, ...]]] = {
    "Constant": ({"lr": LR}, num("lr", -0.1)),
    "StepDecay": (
        {"lr": LR, "step_size": st.integers(1, 5), "gamma": floats(0.05, 1)},
        num("lr", -0.1) + integer("step_size", 0, none=False) + num("gamma", 0.0, -0.5),
    ),
    "CosineDecay": (
        {"lr": floats(0.5, 1), "decay_steps": st.integers(1, 10), "min_lr": floats(0, 0.4)},
        num("lr", -0.1)
        + integer("decay_steps", 0, none=False)
        + num("min_lr", -0.1)
        + (degenerate("min_lr", "min_lr > lr", 2.0, "min_lr"),),
    ),
    "LinearWarmup": (
        {"after": floats(0, 1), "warmup_steps": st.integers(1, 6), "start_lr": floats(0, 1)},
        integer("warmup_steps", 0, none=False)
        + num("start_lr", -0.1)
        + (
            Bad("after", "string", const("0.1")),
            Bad("after", "negative rate", const(-1.0)),
            Bad("after", "None", const(None)),
        ),
    ),
    "OneCycle": (
        {
            "max_lr": floats(0.01, 1),
            "total_steps": st.integers(10, 20),
            "pct_start": floats(0.2, 0.8),
            "div_factor": floats(1, 30),
            "final_div_factor": floats(1, 1e4),
            "anneal": st.sampled_from(["cos", "linear"]),
        },
        num("max_lr", 0.0, -1.0)
        + integer("total_steps", 1, 0, none=False)
        + num("pct_start", -0.1, 1.5)
        + num("div_factor", 0.0)
        + num("final_div_factor", 0.0)
        + choice("anneal"),
    ),
}
for _name, (_hyper, _bad) in SCHEDULES.items():
    add(Spec(f"{OP}.{_name}", st.fixed_dictionaries(_hyper), _rates_ok, _bad, run=_schedule_run(_name)))


def _average_run(cls_name: str) -> Any:
    def run(kw: Kwargs) -> Any:
        import momentum_lab.optim as optim

        kw = dict(kw)
        iterates = kw.pop("iterates")
        avg = getattr(optim, cls_name)(**kw)
        for x in iterates:
            avg.update(x)
        return avg.average

    return run


@st.composite
def _average_valid(draw: Any, hyper: dict[str, st.SearchStrategy[Any]]) -> Kwargs:
    shape = draw(shapes(1, 2, 1, 3))
    kw = {k: draw(v) for k, v in hyper.items()}
    kw["iterates"] = [draw(arrays(shape)) for _ in range(6)]
    return kw


def _average_shape(kw: Kwargs, r: Any) -> None:
    if kw.get("start", 0) >= len(kw["iterates"]):
        assert r is None, "average before the first averaged iterate must be None"
    else:
        expect_shape(r, kw["iterates"][0].shape)


_iterate_bad = (
    Bad("iterates", "complex iterate", lambda v, kw: [x + 1j for x in v], ("theta|x|iterate|params",)),
    Bad("iterates", "changing shape", lambda v, kw: [*v[:-1], np.ones(v[0].shape + (2,))], ("theta|x|iterate|params",)),
)
add(
    Spec(
        f"{OP}.EMA",
        _average_valid({"decay": floats(0, 0.999)}),
        _average_shape,
        num("decay", -0.1, 1.0) + _iterate_bad,
        run=_average_run("EMA"),
    )
)
add(
    Spec(
        f"{OP}.PolyakAverage",
        _average_valid({"start": st.integers(0, 4)}),
        _average_shape,
        integer("start", -1, none=False) + _iterate_bad,
        run=_average_run("PolyakAverage"),
    )
)


def _quadratic_grad(x: np.ndarray) -> np.ndarray:
    return np.array([1.0, 10.0])[: x.shape[-1]] * x


@st.composite
def _gd_valid(draw: Any) -> Kwargs:
    return {
        "grad_fn": _quadratic_grad,
        "x0": draw(arrays((2,))),
        "lr": draw(floats(0.001, 0.15)),
        "steps": draw(st.integers(0, 20)),
    }


add(
    Spec(
        f"{OP}.gradient_descent",
        _gd_valid(),
        lambda kw, r: (expect_shape(r, (kw["steps"] + 1, 2)), expect_dtype(r, np.float64)),
        func("grad_fn")
        + arr("x0", shape=lambda v, kw: np.ones((2, 2)))
        + num("lr", 0.0, -0.1)
        + integer("steps", -1, none=False),
    )
)
add(
    Spec(
        f"{OP}.gradient_descent_step",
        st.fixed_dictionaries({"x": arrays((3,)), "grad": arrays((3,)), "lr": floats(0, 1)}),
        lambda kw, r: (expect_shape(r, (3,)), expect_dtype(r, np.float64)),
        arr("x") + arr("grad", shape=lambda v, kw: np.ones(4), shape_names=("x|grad",)) + num("lr", -0.1),
    )
)


@st.composite
def _traj_valid(draw: Any) -> Kwargs:
    import momentum_lab.optim as optim

    return {
        "grad_fn": _quadratic_grad,
        "x0": draw(arrays((2,))),
        "optimizer": optim.SGD(lr=draw(floats(0.001, 0.1)), momentum=draw(floats(0, 0.9))),
        "steps": draw(st.integers(0, 20)),
        "lr_schedule": draw(st.none() | st.just(optim.Constant(0.05))),
    }


add(
    Spec(
        f"{OP}.trajectory",
        _traj_valid(),
        lambda kw, r: (expect_shape(r, (kw["steps"] + 1, 2)), expect_dtype(r, np.float64)),
        func("grad_fn")
        + arr("x0", shape=lambda v, kw: np.ones((2, 2)))
        + integer("steps", -1, none=False)
        + (
            Bad("optimizer", "None", const(None)),
            Bad("optimizer", "a string", const("sgd")),
            Bad("lr_schedule", "not callable", const(0.1)),
        ),
    )
)


@st.composite
def _landscape_run_valid(draw: Any) -> Kwargs:
    import momentum_lab.optim as optim

    import momentum_lab.landscapes as landscapes

    return {
        "surface": landscapes.get(draw(st.sampled_from(["bowl", "narrow bowl", "rosenbrock"]))),
        "optimizer": optim.ClassicalMomentum(lr=draw(floats(1e-4, 0.01)), momentum=draw(floats(0, 0.9))),
        "x0": draw(arrays((2,), -1.5, 1.5)),
        "steps": draw(st.integers(1, 30)),
    }


add(
    Spec(
        f"{OP}.landscape_run",
        _landscape_run_valid(),
        None,
        (Bad("surface", "a name", const("bowl")), Bad("surface", "number", const(3.0)))
        + arr("x0", shape=lambda v, kw: np.ones(3))
        + integer("steps", -1, none=False)
        + (Bad("optimizer", "None", const(None)),)
        + num("lr_limit", 0.0, -1.0, none=False),
    )
)
add(
    Spec(
        f"{OP}.set_num_threads",
        st.fixed_dictionaries({"n": st.none() | st.integers(1, 2)}),
        lambda kw, r: None,
        integer("n", 0, -1, none=False),
        run=lambda kw: _set_threads(kw["n"]),
        also=(f"{OP}.get_num_threads",),
    )
)


def _set_threads(n: Any) -> int:
    import momentum_lab.optim as optim

    before = optim.get_num_threads()
    try:
        optim.set_num_threads(n)
        got = optim.get_num_threads()
        assert isinstance(got, int) and got >= 1, f"get_num_threads() gave {got!r}"
        return got
    finally:
        optim.set_num_threads(before)


REGISTRY.exclude(
    "abstract base: its step/lr/state are exercised through every concrete optimizer's spec", f"{OP}.Optimizer"
)
REGISTRY.exclude(
    "per-parameter state container, built by the optimizers; exercised through their step()", f"{OP}.ParamState"
)
REGISTRY.exclude("a warning category (no arguments to validate)", f"{OP}.DivergenceWarning")


# ==================================================================================================
# theory: rates and matrices of the linear analysis
# ==================================================================================================

TH = "momentum_lab.theory"
EIGS = arrays(st.integers(1, 4).map(lambda n: (n,)), 0.01, 10)


def _rate_check(kw: Kwargs, r: Any) -> None:
    assert np.all(np.asarray(r) >= 0), "a rate is >= 0"


_lr_mom = num("lr", -0.1) + num("momentum", -0.1)
_eig_bad = arr("eigenvalues", shape=lambda v, kw: np.ones((2, 2)))
add(
    Spec(
        f"{TH}.gd_rate",
        st.fixed_dictionaries({"lr": floats(0, 2), "eigenvalues": EIGS}),
        _rate_check,
        num("lr", -0.1) + _eig_bad,
    )
)
for _name in ("heavy_ball_rate", "nesterov_rate", "is_stable"):
    add(
        Spec(
            f"{TH}.{_name}",
            st.fixed_dictionaries({"lr": floats(0, 2), "momentum": floats(0, 0.99), "eigenvalues": EIGS}),
            _rate_check
            if _name != "is_stable"
            else (lambda kw, r: None if isinstance(r, (bool, np.bool_)) else expect_dtype(r, bool)),
            _lr_mom + _eig_bad,
        )
    )
for _name in ("heavy_ball_matrix", "nesterov_matrix"):
    add(
        Spec(
            f"{TH}.{_name}",
            st.fixed_dictionaries({"lr": floats(0, 2), "momentum": floats(0, 0.99), "lam": floats(0, 10)}),
            lambda kw, r: expect_shape(r, (2, 2)),
            _lr_mom + num("lam"),
        )
    )
add(
    Spec(
        f"{TH}.critical_momentum",
        st.fixed_dictionaries({"lr": floats(0, 1), "lam": floats(0, 1)}),
        lambda kw, r: None,
        num("lr", -0.1) + num("lam", -0.1),
    )
)
add(
    Spec(
        f"{TH}.iterations_to",
        st.fixed_dictionaries({"rate": floats(0, 0.99), "tol": floats(1e-6, 0.9)}),
        lambda kw, r: None,
        num("rate", -0.1) + num("tol", 0.0, 1.0, 1.5),
    )
)
for _name in ("optimal_gd", "optimal_momentum", "nesterov_parameters"):

    @st.composite
    def _mu_l(draw: Any) -> Kwargs:
        mu = draw(floats(0.01, 1))
        return {"mu": mu, "L": mu * draw(floats(1, 100))}

    add(
        Spec(
            f"{TH}.{_name}",
            _mu_l(),
            lambda kw, r: None,
            num("mu", 0.0, -1.0)
            + num("L", 0.0, -1.0)
            + (degenerate("mu", "mu > L", lambda v, kw: kw["L"] * 2, "mu|L"),),
        )
    )
add(
    Spec(
        f"{TH}.stability_boundary",
        st.fixed_dictionaries({"momentum": floats(0, 0.99), "L": floats(0.01, 10)}),
        lambda kw, r: None,
        num("momentum", -0.1, 1.0) + num("L", 0.0, -1.0),
    )
)
add(
    Spec(
        f"{TH}.rate_map",
        st.fixed_dictionaries(
            {
                "lrs": arrays(st.integers(1, 4).map(lambda n: (n,)), 0, 2),
                "momenta": arrays(st.integers(1, 4).map(lambda n: (n,)), 0, 0.99),
                "eigenvalues": EIGS,
                "method": st.sampled_from(["heavy_ball", "nesterov", "gd"]),
            }
        ),
        lambda kw, r: expect_shape(r, (len(kw["momenta"]), len(kw["lrs"]))),
        arr("lrs", shape=lambda v, kw: np.ones((2, 2)))
        + arr("momenta", shape=lambda v, kw: np.ones((2, 2)))
        + _eig_bad
        + choice("method"),
    )
)


@st.composite
def _distances(draw: Any) -> Kwargs:
    n = draw(st.integers(5, 40))
    rate = draw(floats(0.3, 0.95))
    return {"distances": rate ** np.arange(n, dtype=float)}


add(
    Spec(
        f"{TH}.measured_rate",
        _distances(),
        instance_of("Rate"),
        arr(
            "distances",
            shape=lambda v, kw: np.ones((3, 3)),
            extra={"negative distance": lambda v, kw: -v, "empty": lambda v, kw: np.array([])},
        )
        + num("upper", 0.0, 1.5)
        + num("lower", 0.0, -1.0)
        + (
            Bad("window", "reversed", lambda v, kw: (3, 1)),
            Bad("window", "out of range", lambda v, kw: (0, 10**6)),
            Bad("window", "string", const("ab")),
        ),
    )
)
REGISTRY.exclude("a frozen record returned by measured_rate (covered by its spec)", f"{TH}.Rate")


# ==================================================================================================
# landscapes
# ==================================================================================================

LA = "momentum_lab.landscapes"
_NAMES = ["bowl", "narrow bowl", "rosenbrock", "valley", "saddle"]


def _landscape_methods(make: Any) -> Any:
    def run(kw: Kwargs) -> Any:
        kw = dict(kw)
        x = kw.pop("x")
        surface = make(kw)
        return (surface.value(x), surface.grad(x), surface.hessian(x))

    return run


def _vgh_check(kw: Kwargs, r: Any) -> None:
    x = np.asarray(kw["x"])
    value, grad, hess = r
    expect_shape(value, x.shape[:-1], "value")
    expect_shape(grad, x.shape, "grad")
    expect_shape(hess, x.shape + (x.shape[-1],), "hessian")


_x_bad = arr("x", shape=lambda v, kw: np.ones(v.shape[:-1] + (v.shape[-1] + 1,)))
add(
    Spec(
        f"{LA}.Rosenbrock",
        st.fixed_dictionaries({"a": floats(-2, 2), "b": floats(0.1, 100), "x": arrays(shapes(1, 2, 2, 2), -2, 2)}),
        _vgh_check,
        num("a") + num("b", 0.0, -1.0) + _x_bad,
        run=_landscape_methods(lambda kw: resolve_landscape("Rosenbrock")(**kw)),
    )
)
add(
    Spec(
        f"{LA}.ElongatedValley",
        st.fixed_dictionaries(
            {"a": floats(0.01, 1), "c": floats(1, 20), "s": floats(0, 1), "x": arrays(shapes(1, 2, 2, 2))}
        ),
        _vgh_check,
        num("a", 0.0, -1.0) + num("c", 0.0, -1.0) + num("s") + _x_bad,
        run=_landscape_methods(lambda kw: resolve_landscape("ElongatedValley")(**kw)),
    )
)
add(
    Spec(
        f"{LA}.SaddleWell",
        st.fixed_dictionaries({"c": floats(0.1, 5), "x": arrays(shapes(1, 2, 2, 2))}),
        _vgh_check,
        num("c", 0.0, -1.0) + _x_bad,
        run=_landscape_methods(lambda kw: resolve_landscape("SaddleWell")(**kw)),
    )
)


@st.composite
def _quadratic(draw: Any) -> Kwargs:
    d = draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(seeds()))
    m = rng.normal(size=(d, d))
    return {"A": m @ m.T + d * np.eye(d), "b": draw(st.none() | arrays((d,))), "x": draw(arrays((d,)))}


def _quadratic_bad() -> tuple[Bad, ...]:
    return (
        arr(
            "A",
            shape=lambda v, kw: np.ones((2, 3)),
            extra={
                "not symmetric": lambda v, kw: v + np.triu(np.ones_like(v), 1) * 5 if v.shape[0] > 1 else -v,
                "not positive definite": lambda v, kw: -v,
            },
        )
        + arr("b", skip=("None",), shape=lambda v, kw: np.ones(kw["A"].shape[0] + 1))
        + _x_bad
    )


add(
    Spec(
        f"{LA}.Quadratic",
        _quadratic(),
        _vgh_check,
        _quadratic_bad(),
        run=_landscape_methods(lambda kw: resolve_landscape("Quadratic")(**kw)),
    )
)
add(
    Spec(
        f"{LA}.quadratic_bowl",
        st.fixed_dictionaries(
            {
                "condition_number": floats(1, 1000),
                "L": floats(0.1, 10),
                "angle": floats(-3, 3),
                "dim": st.integers(2, 5),
                "seed": st.integers(0, 100),
            }
        ),
        lambda kw, r: expect_shape(r.hessian(np.zeros(kw["dim"])), (kw["dim"], kw["dim"])),
        num("condition_number", 0.5, 0.0)
        + num("L", 0.0, -1.0)
        + num("angle")
        + integer("dim", 0, none=False)
        + integer("seed", -1, none=False),
    )
)
add(
    Spec(
        f"{LA}.get", st.fixed_dictionaries({"name": st.sampled_from(_NAMES)}), instance_of("Landscape"), choice("name")
    )
)
add(
    Spec(
        f"{LA}.resolve",
        st.fixed_dictionaries({"landscape": st.sampled_from(_NAMES)}),
        instance_of("Landscape"),
        choice("landscape"),
    )
)


def resolve_landscape(name: str) -> Any:
    import momentum_lab.landscapes as landscapes

    return getattr(landscapes, name)


REGISTRY.exclude(
    "abstract base: value/grad/hessian are exercised through every concrete landscape's spec", f"{LA}.Landscape"
)


# ==================================================================================================
# curvature: eigenvalues from Hessian-vector products
# ==================================================================================================

CU = "momentum_lab.curvature"


@st.composite
def _spd(draw: Any) -> Kwargs:
    d = draw(st.integers(2, 5))
    rng = np.random.default_rng(draw(seeds()))
    q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    eig = np.sort(rng.uniform(0.5, 10, d))
    eig[-1] *= 2.0  # a gap at the top, so the power iteration converges in a few hundred steps
    H = (q * eig) @ q.T
    return {"H": H, "dim": d}


def _hvp_of(H: np.ndarray) -> Any:
    return lambda v: H @ v


def _curv_run(name: str) -> Any:
    def run(kw: Kwargs) -> Any:
        import momentum_lab.curvature as curvature

        kw = dict(kw)
        H = kw.pop("H")
        kw.setdefault("hvp", _hvp_of(H))
        return getattr(curvature, name)(**kw)

    return run


add(
    Spec(
        f"{CU}.hessian_from_hvp",
        _spd().map(lambda kw: {**kw, "symmetrize": True}),
        lambda kw, r: np.testing.assert_allclose(r, kw["H"], atol=1e-9),
        func("hvp")
        + integer("dim", 0, -1, none=False)
        + flag("symmetrize")
        + (Bad("hvp", "wrong-length products", const(lambda v: np.ones(len(v) + 1))),),
        run=_curv_run("hessian_from_hvp"),
    )
)
add(
    Spec(
        f"{CU}.power_iteration",
        _spd().map(lambda kw: {"H": kw["H"], "v0": np.ones(kw["dim"])}),
        lambda kw, r: (instance_of("PowerResult")(kw, r), expect_shape(r.vector, kw["v0"].shape)),
        func("hvp")
        + arr("v0", extra={"zero vector": lambda v, kw: np.zeros_like(v)}, shape=lambda v, kw: np.ones((2, 2)))
        + integer("iters", 0, none=False)
        + num("tol", 0.0, -1.0),
        run=_curv_run("power_iteration"),
        also=(f"{CU}.PowerResult",),
    )
)
add(
    Spec(
        f"{CU}.extreme_eigenvalues",
        _spd(),
        lambda kw, r: np.testing.assert_allclose(
            [r.smallest, r.largest], np.linalg.eigvalsh(kw["H"])[[0, -1]], rtol=1e-4
        ),
        func("hvp")
        + integer("dim", 0, none=False)
        + integer("iters", 0, none=False)
        + num("tol", 0.0, -1.0)
        + integer("seed", -1, none=False),
        run=_curv_run("extreme_eigenvalues"),
        also=(f"{CU}.Extremes",),
        examples=6,
    )
)


@st.composite
def _lanczos(draw: Any) -> Kwargs:
    kw = draw(_spd())
    kw["k"] = draw(st.integers(1, kw["dim"]))
    return kw


add(
    Spec(
        f"{CU}.lanczos",
        _lanczos(),
        lambda kw, r: (instance_of("LanczosResult")(kw, r), expect_shape(r.vectors, (kw["dim"], len(r.values)))),
        func("hvp")
        + integer("dim", 0, none=False)
        + integer("k", 0, none=False)
        + (degenerate("k", "k > dim", lambda v, kw: kw["dim"] + 1, "k"),)
        + (
            Bad("v0", "zero vector", lambda v, kw: np.zeros(kw["dim"])),
            Bad("v0", "wrong shape", const(np.ones(99))),
            Bad("v0", "complex array", lambda v, kw: np.ones(kw["dim"]) + 1j),
        ),
        run=_curv_run("lanczos"),
        also=(f"{CU}.LanczosResult",),
    )
)


# ==================================================================================================
# data
# ==================================================================================================

DA = "momentum_lab.data"
add(
    Spec(
        f"{DA}.make_moons",
        st.fixed_dictionaries({"n": st.integers(4, 50), "noise": floats(0, 0.5), "seed": st.integers(0, 99)}),
        lambda kw, r: (
            expect_shape(r[0], (kw["n"], 2)),
            expect_dtype(r[0], np.float64),
            expect_shape(r[1], (kw["n"],)),
        ),
        integer("n", 0, -1, none=False) + num("noise", -0.1) + integer("seed", -1, none=False),
    )
)
add(
    Spec(
        f"{DA}.load_digits",
        st.fixed_dictionaries({"test_fraction": floats(0.1, 0.5), "seed": st.integers(0, 99)}),
        lambda kw, r: (
            expect_shape(r[0], (len(r[1]), 64)),
            expect_dtype(r[0], np.float64),
            expect_dtype(r[1], np.int64),
        ),
        num("test_fraction", 0.0, 1.0, -0.5) + integer("seed", -1, none=False),
        examples=2,
        invalid_examples=1,
    )
)


@st.composite
def _batches(draw: Any) -> Kwargs:
    n = draw(st.integers(1, 30))
    return {
        "n": n,
        "batch_size": draw(st.integers(1, n)),
        "epochs": draw(st.integers(1, 3)),
        "seed": draw(st.integers(0, 99)),
        "drop_last": draw(st.booleans()),
    }


def _batches_check(kw: Kwargs, r: Any) -> None:
    per = kw["n"] // kw["batch_size"] if kw["drop_last"] else -(-kw["n"] // kw["batch_size"])
    assert len(r) == kw["epochs"] * per, f"{len(r)} batches; documented {kw['epochs'] * per}"
    for b in r:
        expect_dtype(b, np.int64)


add(
    Spec(
        f"{DA}.minibatch_indices",
        _batches(),
        _batches_check,
        integer("n", 0, none=False)
        + integer("batch_size", 0, none=False)
        + (degenerate("batch_size", "batch_size > n", lambda v, kw: kw["n"] + 1, "batch_size"),)
        + integer("epochs", 0, none=False)
        + flag("drop_last")
        + integer("seed", -1, none=False),
    )
)


@st.composite
def _features(draw: Any) -> Kwargs:
    n, d = draw(st.integers(3, 12)), draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(seeds()))
    X = rng.normal(size=(n, d))
    return {"X": X, "degree": draw(st.integers(1, 3)), "reference": draw(st.none() | st.just(rng.normal(size=(5, d))))}


def _n_monomials(d: int, degree: int) -> int:
    from math import comb

    return comb(d + degree, degree) - 1


add(
    Spec(
        f"{DA}.polynomial_features",
        _features(),
        lambda kw, r: (
            expect_shape(r, (kw["X"].shape[0], _n_monomials(kw["X"].shape[1], kw["degree"]))),
            expect_dtype(r, np.float64),
        ),
        arr("X", shape=lambda v, kw: v.reshape(-1))
        + integer("degree", 0, none=False)
        + arr("reference", skip=("None",), shape=lambda v, kw: np.ones((4, kw["X"].shape[1] + 1))),
    )
)
add(
    Spec(
        f"{DA}.standardise",
        st.builds(
            lambda s, n, d: {"X": np.random.default_rng(s).normal(size=(n, d))},
            seeds(),
            st.integers(2, 10),
            st.integers(1, 4),
        ),
        lambda kw, r: (expect_shape(r, kw["X"].shape), expect_dtype(r, np.float64)),
        arr(
            "X",
            shape=lambda v, kw: v.reshape(-1),
            extra={"constant column": lambda v, kw: np.ones_like(v), "one row": lambda v, kw: v[:1]},
        ),
    )
)


# ==================================================================================================
# models, networks, training, noise: the capstone and chapter 11 pieces
# ==================================================================================================

MO = "momentum_lab.models"


@st.composite
def _xy(draw: Any, n_lo: int = 4, classes: int = 2) -> Kwargs:
    n, d = draw(st.integers(n_lo, 12)), draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(seeds()))
    y = rng.integers(0, classes, size=n)
    y[:classes] = np.arange(classes)
    return {"X": rng.normal(size=(n, d)), "y": y.astype(np.float64 if classes == 2 else np.int64)}


def _model_run(cls_name: str) -> Any:
    def run(kw: Kwargs) -> Any:
        import momentum_lab.models as models

        model = getattr(models, cls_name)(**kw)
        theta = model.init(0) if _takes_arg(model.init) else model.init()
        value, grad = model.value_and_grad(theta)
        return {
            "dim": model.dim,
            "value": value,
            "grad": grad,
            "proba": model.predict_proba(theta),
            "hvp": model.hvp(theta, np.ones(model.dim)),
        }

    return run


def _takes_arg(fn: Any) -> bool:
    import inspect

    return len(inspect.signature(fn).parameters) > 0


def _model_check(kw: Kwargs, r: Any) -> None:
    scalar_float(kw, value_of(r["value"]))
    expect_shape(r["grad"], (r["dim"],), "grad")
    expect_shape(r["hvp"], (r["dim"],), "hvp")
    expect_shape(r["proba"], (len(kw["y"]),), "predict_proba")


def _xy_bad() -> tuple[Bad, ...]:
    return arr("X", shape=lambda v, kw: v.reshape(-1)) + arr(
        "y",
        shape=lambda v, kw: v[:-1],
        shape_names=("X|y",),
        extra={"label 2": lambda v, kw: v + 2.0, "label 0.5": lambda v, kw: np.full_like(v, 0.5)},
    )


add(
    Spec(
        f"{MO}.LogisticRegression",
        _xy().map(lambda kw: {**kw, "l2": 1e-3}),
        _model_check,
        _xy_bad() + num("l2", -0.1),
        run=_model_run("LogisticRegression"),
        also=(f"{MO}.Model",),
    )
)
add(
    Spec(
        f"{MO}.TanhMLP",
        st.tuples(_xy(), st.integers(1, 6)).map(lambda t: {**t[0], "hidden": t[1], "l2": 1e-3}),
        _model_check,
        _xy_bad() + num("l2", -0.1) + integer("hidden", 0, none=False),
        run=_model_run("TanhMLP"),
    )
)
add(
    Spec(
        f"{MO}.as_float32",
        st.lists(floats(-1e3, 1e3), min_size=1, max_size=3).map(lambda v: {"values": v}),
        lambda kw, r: None,
        (
            Bad("values", "string", const(["0.1"]), ("values|value",)),
            Bad("values", "None", const([None]), ("values|value",)),
            Bad("values", "complex", const([1j]), ("values|value",)),
        ),
        run=lambda kw: __import__("momentum_lab.models", fromlist=["x"]).as_float32(*kw["values"]),
    )
)


def _logistic(kw: Kwargs) -> Any:
    import momentum_lab.models as models

    return models.LogisticRegression(kw["X"], kw["y"], l2=0.01)


@st.composite
def _train_valid(draw: Any) -> Kwargs:
    kw = draw(_xy())
    model = _logistic(kw)
    return {
        "model": model,
        "theta0": np.zeros(model.dim),
        "lr": draw(floats(0.01, 0.5)),
        "momentum": draw(floats(0, 0.9)),
        "steps": draw(st.integers(1, 15)),
        "nesterov": draw(st.booleans()),
    }


def _theta_bad() -> tuple[Bad, ...]:
    return arr("theta0", shape=lambda v, kw: np.ones(v.shape[0] + 1))


add(
    Spec(
        f"{MO}.train",
        _train_valid(),
        lambda kw, r: (
            expect_shape(r.thetas, (kw["steps"] + 1, kw["model"].dim)),
            expect_shape(r.losses, (kw["steps"] + 1,)),
        ),
        _theta_bad()
        + num("lr", 0.0, -0.1)
        + num("momentum", -0.1)
        + integer("steps", -1, none=False)
        + flag("nesterov")
        + integer("log_every", -1, none=False)
        + (Bad("model", "None", const(None)), Bad("model", "a string", const("logistic"))),
        also=(f"{MO}.TrainingRun",),
        examples=6,
    )
)
add(
    Spec(
        f"{MO}.newton_minimum",
        _xy().map(lambda kw: {"model": _logistic(kw), "theta0": np.zeros(kw["X"].shape[1] + 1)}),
        lambda kw, r: expect_shape(r, (kw["model"].dim,)),
        _theta_bad()
        + num("tol", 0.0, -1.0)
        + integer("max_steps", 0, none=False)
        + (Bad("model", "None", const(None)),),
        examples=6,
    )
)

NE = "momentum_lab.networks"


@st.composite
def _mlp(draw: Any) -> Kwargs:
    classes = draw(st.integers(2, 3))
    kw = draw(_xy(classes=classes))
    sizes = (kw["X"].shape[1], draw(st.integers(1, 5)), classes)
    kw["y"] = kw["y"].astype(np.int64)
    return {**kw, "sizes": sizes, "l2": draw(floats(0, 0.1)), "activation": draw(st.sampled_from(["tanh", "relu"]))}


def _mlp_run(kw: Kwargs) -> Any:
    import momentum_lab.networks as networks

    net = networks.SoftmaxMLP(kw["sizes"], l2=kw["l2"], activation=kw["activation"])
    theta = net.init(0)
    value, grad = net.value_and_grad(theta, kw["X"], kw["y"])
    return {
        "dim": len(theta),
        "value": value,
        "grad": grad,
        "per_example": net.per_example_grads(theta, kw["X"], kw["y"]),
        "accuracy": net.accuracy(theta, kw["X"], kw["y"]),
    }


def _mlp_check(kw: Kwargs, r: Any) -> None:
    expect_shape(r["grad"], (r["dim"],), "grad")
    expect_shape(r["per_example"], (len(kw["y"]), r["dim"]), "per_example_grads")
    assert 0 <= float(r["accuracy"]) <= 1


add(
    Spec(
        f"{NE}.SoftmaxMLP",
        _mlp(),
        _mlp_check,
        (
            Bad("sizes", "one entry", const((3,))),
            Bad("sizes", "zero width", lambda v, kw: (v[0], 0, v[-1])),
            Bad("sizes", "float width", lambda v, kw: (v[0], 2.5, v[-1])),
            Bad("sizes", "None", const(None)),
        )
        + num("l2", -0.1)
        + choice("activation")
        + arr("X", shape=lambda v, kw: np.ones((len(v), v.shape[1] + 1)), shape_names=("X|sizes",))
        + (
            Bad("y", "class out of range", lambda v, kw: v + 5, ("y",)),
            Bad("y", "float labels", lambda v, kw: v + 0.5, ("y",)),
        ),
        run=_mlp_run,
    )
)

TR = "momentum_lab.training"


@st.composite
def _fit_valid(draw: Any) -> Kwargs:
    import momentum_lab.data as data
    import momentum_lab.networks as networks
    import momentum_lab.optim as optim

    kw = draw(_mlp())
    net = networks.SoftmaxMLP(kw["sizes"])
    batches = data.minibatch_indices(len(kw["y"]), 2, 2, seed=0)
    return {
        "model": net,
        "theta0": net.init(0),
        "optimizer": optim.SGD(lr=0.1, momentum=0.5),
        "batches": batches,
        "X": kw["X"],
        "y": kw["y"],
        "lr_schedule": draw(st.none() | st.just(optim.Constant(0.05))),
        "log_every": 0,
    }


add(
    Spec(
        f"{TR}.fit",
        _fit_valid(),
        lambda kw, r: (
            instance_of("FitRecord")(kw, r),
            expect_shape(r.losses, (len(kw["batches"]),)),
            expect_shape(r.theta, kw["theta0"].shape),
        ),
        _theta_bad()
        + arr("X", shape=lambda v, kw: v[:-1], shape_names=("X|y",))
        + integer("log_every", -1, none=False)
        + (
            Bad("batches", "None", const(None)),
            Bad("batches", "index out of range", lambda v, kw: [np.array([10**6])]),
            Bad("batches", "float indices", lambda v, kw: [np.array([0.5])]),
            Bad("optimizer", "None", const(None)),
            Bad("lr_schedule", "not callable", const(0.1)),
            Bad("eval_fn", "not callable", const(3)),
            Bad("callback", "not callable", const(3)),
        ),
        also=(f"{TR}.FitRecord",),
        examples=6,
    )
)

NO = "momentum_lab.noise"


@st.composite
def _per_example(draw: Any, batch: bool = True) -> Kwargs:
    n, d = draw(st.integers(2, 12)), draw(st.integers(1, 4))
    rng = np.random.default_rng(draw(seeds()))
    kw: Kwargs = {"per_example_grads": rng.normal(size=(n, d)) + 1.0}
    if batch:
        kw["batch_size"] = draw(st.integers(1, n))
    return kw


_peg_bad = arr("per_example_grads", shape=lambda v, kw: v.reshape(-1))
_bs_bad = integer("batch_size", 0, none=False) + (
    degenerate("batch_size", "batch_size > N", lambda v, kw: 10**4, "batch_size"),
)
add(Spec(f"{NO}.sampling_variance", _per_example(), scalar_float, _peg_bad + _bs_bad))
add(
    Spec(
        f"{NO}.minibatch_gradient_variance",
        _per_example().map(lambda kw: {**kw, "draws": 20}),
        scalar_float,
        _peg_bad + _bs_bad + integer("draws", 0, none=False) + integer("seed", -1, none=False),
    )
)
add(
    Spec(
        f"{NO}.noise_scale",
        _per_example(False),
        scalar_float,
        _peg_bad
        + (
            degenerate(
                "per_example_grads", "zero mean gradient", lambda v, kw: np.concatenate([v, -v]), "per_example_grads"
            ),
        ),
    )
)
add(
    Spec(
        f"{NO}.noise_ball",
        st.fixed_dictionaries(
            {
                "lr": floats(0.001, 0.1),
                "curvature": arrays((3,), 0.1, 5),
                "noise_variance": floats(0, 2),
                "momentum": floats(0, 0.9),
            }
        ),
        lambda kw, r: expect_shape(r, (3,)),
        num("lr", 0.0, -0.1)
        + arr("curvature", extra={"zero curvature": lambda v, kw: np.zeros_like(v)})
        + num("noise_variance", -1.0)
        + num("momentum", -0.1, 1.0),
    )
)


@st.composite
def _per_example_gradients(draw: Any) -> Kwargs:
    import momentum_lab.networks as networks

    kw = draw(_mlp())
    model = networks.SoftmaxMLP(kw["sizes"])
    return {"model": model, "theta": model.init(0), "X": kw["X"], "y": kw["y"]}


add(
    Spec(
        f"{NO}.per_example_gradients",
        _per_example_gradients(),
        lambda kw, r: expect_shape(r, (len(kw["y"]), len(kw["theta"]))),
        arr("theta", shape=lambda v, kw: np.ones(len(v) + 1))
        + arr("X", shape=lambda v, kw: v[:-1], shape_names=("X|y",))
        + (Bad("model", "None", const(None)),),
        examples=6,
    )
)


@st.composite
def _noisy_quadratic(draw: Any) -> Kwargs:
    import momentum_lab.optim as optim

    d = draw(st.integers(1, 3))
    return {
        "curvatures": draw(arrays((d,), 0.1, 5)),
        "optimizer": optim.SGD(lr=draw(floats(0.01, 0.2))),
        "steps": draw(st.integers(1, 20)),
        "noise_std": draw(floats(0, 2)),
        "batch_size": draw(st.integers(1, 8)),
        "chains": draw(st.integers(1, 50)),
        "per_direction": draw(st.booleans()),
    }


add(
    Spec(
        f"{NO}.simulate_noisy_quadratic",
        _noisy_quadratic(),
        lambda kw, r: expect_shape(r, (kw["steps"] + 1,) + ((len(kw["curvatures"]),) if kw["per_direction"] else ())),
        arr("curvatures", extra={"zero curvature": lambda v, kw: np.zeros_like(v)})
        + integer("steps", -1, none=False)
        + num("noise_std", -1.0)
        + integer("batch_size", 0, none=False)
        + integer("chains", 0, none=False)
        + flag("per_direction")
        + arr("theta0", skip=("None",), shape=lambda v, kw: np.ones(len(kw["curvatures"]) + 1))
        + (Bad("optimizer", "None", const(None)), Bad("callback", "not callable", const(3))),
        examples=8,
    )
)


# ==================================================================================================
# gan
# ==================================================================================================

GA = "momentum_lab.gan"
add(
    Spec(
        f"{GA}.dirac_gan",
        st.fixed_dictionaries(
            {
                "steps": st.integers(1, 50),
                "lr": floats(0.01, 0.3),
                "beta": floats(-0.9, 0.9),
                "generator_loss": st.sampled_from(["nonsaturating", "minimax"]),
                "theta": floats(-2, 2),
                "psi": floats(-2, 2),
            }
        ),
        lambda kw, r: [expect_shape(r[k], (kw["steps"] + 1,), k) for k in ("theta", "psi", "distance")],
        integer("steps", 0, none=False)
        + num("lr", 0.0, -0.1)
        + num("beta", -1.0, 1.0)
        + choice("generator_loss")
        + num("theta")
        + num("psi"),
    )
)
add(
    Spec(
        f"{GA}.train_gan",
        st.fixed_dictionaries(
            {
                "steps": st.integers(1, 20),
                "generator_loss": st.sampled_from(["nonsaturating", "minimax"]),
                "lr": floats(0.01, 0.1),
                "beta": floats(0, 0.5),
                "batch": st.integers(2, 16),
                "hidden": st.integers(1, 4),
                "seed": st.integers(0, 9),
                "record_every": st.integers(1, 3),
                "warmup": st.integers(0, 5),
            }
        ),
        None,
        integer("steps", 0, none=False)
        + choice("generator_loss")
        + num("lr", 0.0, -0.1)
        + num("beta", -1.0, 1.0)
        + integer("batch", 0, none=False)
        + integer("hidden", 0, none=False)
        + num("data_std", 0.0, -1.0)
        + num("data_mean")
        + integer("seed", -1, none=False)
        + integer("record_every", 0, none=False)
        + integer("warmup", -1, none=False),
        examples=5,
        invalid_examples=1,
    )
)


# ==================================================================================================
# check: the exercise checkers
# ==================================================================================================
#
# A checker's first argument is the learner's answer: whatever it is (a wrong function, a string, None),
# the checker answers with a Feedback, never an exception (CheckerSpec's contract, tests/test_exercises.py),
# so the answer gets no invalid mutations. The other arguments set the problem (a curvature L, a momentum
# beta, a step t): those are validated like any hyperparameter. Valid case: each CHECKERS entry's reference
# answer passes, and the checker called on the problem below returns a Feedback.

#: The problem arguments of each checker: valid values and their invalid mutations.
CHECKER_PROBLEMS: dict[str, tuple[Kwargs, tuple[Bad, ...]]] = {
    "gradient_descent.check_step_size_answer": ({"L": 4.0}, num("L", 0.0, -1.0)),
    "adaptive.check_bias_factor": ({"beta1": 0.9, "t": 3}, num("beta1", -0.1, 1.0) + integer("t", 0, none=False)),
    "adaptive.check_keras_epsilon": (
        {"epsilon": 1e-7, "beta2": 0.999, "t": 3},
        num("epsilon", 0.0, -1e-7) + num("beta2", -0.1, 1.0) + integer("t", 0, none=False),
    ),
    "losses.check_weight_decay_answer": ({"l2": 0.01}, num("l2", -0.1)),
    "metric.check_focal_discount": ({"p_true": 0.9, "gamma": 2.0}, num("p_true", -0.1, 1.5) + num("gamma", -1.0)),
    "metric.check_pos_weight_threshold": ({"pos_weight": 3.0}, num("pos_weight", 0.0, -1.0)),
    "momentum.check_terminal_speed": ({"beta": 0.9}, num("beta", -0.1, 1.0)),
    "momentum.check_stability_limit": ({"L": 4.0, "beta": 0.9}, num("L", 0.0, -1.0) + num("beta", -0.1, 1.0)),
    "momentum.check_optimal_momentum": ({"kappa": 100.0}, num("kappa", 0.5, 0.0, -1.0)),
    "noise.check_sgd_noise_ball": (
        {"lr": 0.1, "lam": 2.0, "noise_variance": 0.5},
        num("lr", 0.0, -0.1)
        + num("lam", 0.0, -1.0)
        + num("noise_variance", -1.0)
        + (degenerate("lr", "unstable step lr*lam >= 2", 5.0, "lr|lam"),),
    ),
    "image.check_sigmoid_mse_gradient": ({"z": 0.5, "y": 1.0}, num("z") + num("y")),
    "image.check_minimax_ratio": ({"d_fake": 0.2}, num("d_fake", 0.0, 1.0, -0.5)),
    "image.check_constant_ssim": (
        {"a": 0.2, "b": 0.6},
        num("a") + num("b") + num("k1", 0.0, -0.1) + num("k2", 0.0, -0.1) + num("max_val", 0.0, -1.0),
    ),
    "losses.check_keras_loss_class": ({}, num("delta", 0.0, -1.0)),
}


def _checker_entries(module: str) -> dict[str, list[Any]]:
    import importlib

    mod = importlib.import_module(f"momentum_lab.check.{module}")
    out: dict[str, list[Any]] = {}
    for entry in getattr(mod, "CHECKERS", []):
        out.setdefault(entry.checker.__name__, []).append(entry)
    return out


def _checker_run(module: str, name: str) -> Any:
    def run(kw: Kwargs) -> Any:
        import importlib

        checker = getattr(importlib.import_module(f"momentum_lab.check.{module}"), name)
        entries = _checker_entries(module).get(name, [])
        references = [entry.check(entry.reference) for entry in entries] if not kw.get("_skip_reference") else []
        kw = {k: v for k, v in kw.items() if not k.startswith("_")}
        answer = entries[0].reference if entries else None
        if name == "check_backward_rule":
            return checker(kw.pop("primitive"), *answer, **kw), references
        return checker(answer, **kw), references

    return run


def _checker_check(kw: Kwargs, r: Any) -> None:
    feedback, references = r
    assert type(feedback).__name__ == "Feedback", f"checker returned a {type(feedback).__name__}, not a Feedback"
    for fb in references:
        assert fb, f"the reference answer of a CHECKERS entry did not pass: {fb}"


_CHECK_MODULES = (
    "adaptive",
    "autodiff",
    "capstone",
    "gradient_descent",
    "image",
    "losses",
    "metric",
    "momentum",
    "noise",
)
for _module in _CHECK_MODULES:
    try:
        _entries = _checker_entries(_module)
    except ImportError:  # a checker module not written yet
        continue
    for _name in _entries:
        _problem, _bad = CHECKER_PROBLEMS.get(f"{_module}.{_name}", ({}, ()))
        if _name == "check_backward_rule":
            _problem, _bad = {"primitive": "tanh", "batched": False}, choice("primitive") + flag("batched")
        add(
            Spec(
                f"momentum_lab.check.{_module}.{_name}",
                st.just(dict(_problem)),
                _checker_check,
                _bad,
                run=_checker_run(_module, _name),
                examples=1,
                invalid_examples=1,
                frameworks="tensorflow" if _name == "check_keras_loss_class" else None,
            )
        )
REGISTRY.exclude(
    "the checkers' result record (a dataclass with no validation of its own): every checker spec asserts it gets one",
    "momentum_lab.check.Feedback",
)
REGISTRY.exclude(
    "a checker's description of a wrong answer (name, function, hint), built by the checker modules; "
    "exercised through compare_function's spec",
    "momentum_lab.check.Mistake",
)
REGISTRY.exclude(
    "a test double of chapter 4's exercises (a function with its derivatives by hand), built by the "
    "autodiff checkers; exercised through check_jacobian/check_hessian/check_hvp",
    "momentum_lab.check.autodiff.TestFunction",
)


def _compare_run(kw: Kwargs) -> Any:
    from momentum_lab.check import compare_function

    return compare_function(
        kw["candidate"],
        kw["reference"],
        kw["cases"],
        (),
        rtol=kw["rtol"],
        atol=kw["atol"],
        check_inputs_unchanged=kw["check_inputs_unchanged"],
    ), []


add(
    Spec(
        "momentum_lab.check.compare_function",
        st.fixed_dictionaries(
            {
                "candidate": st.sampled_from([np.tanh, np.sin]),
                "reference": st.just(np.tanh),
                "cases": st.just([(np.array([0.5, 1.0]),), (np.array(2.0),)]),
                "rtol": floats(1e-9, 1e-3),
                "atol": floats(0, 1e-6),
                "check_inputs_unchanged": st.booleans(),
            }
        ),
        lambda kw, r: (
            _checker_check(kw, r),
            None
            if bool(r[0]) == (kw["candidate"] is np.tanh)
            else (_ for _ in ()).throw(AssertionError(f"{kw['candidate'].__name__} judged {r[0]}")),
        ),
        func("reference")
        + (
            Bad("cases", "None", const(None)),
            Bad("cases", "not tuples", const([1.0, 2.0])),
            Bad("cases", "empty", const([])),
        )
        + num("rtol", -1.0)
        + num("atol", -1.0)
        + flag("check_inputs_unchanged"),
        run=_compare_run,
    )
)


# ==================================================================================================
# widgets: the pure compute functions behind the explorers (the *_figure/*_widget builders only draw)
# ==================================================================================================

WI = "momentum_lab.widgets"


def _explorer_params(explorer: str, target: str) -> st.SearchStrategy[Kwargs]:
    """Valid settings of ``target`` (an ``explore_*`` function): the explorer's own sampler of random
    settings of its controls, keeping the parameters ``target`` takes."""

    def build() -> st.SearchStrategy[Kwargs]:
        import inspect

        from _api_cases import resolve
        from momentum_lab.widgets import web

        sample = web.explorers()[explorer].sample
        params = inspect.signature(resolve(target)).parameters
        return seeds().map(lambda s: {k: v for k, v in sample(np.random.default_rng(s)).items() if k in params})

    return st.deferred(build)


def _dict_result(kw: Kwargs, r: Any) -> None:
    assert isinstance(r, dict), f"result is a {type(r).__name__}, not a dict"


_landscape_bad = (
    Bad("landscape", "unknown name", const("no-such-landscape")),
    Bad("landscape", "number", const(3.0)),
    Bad("landscape", "3-d landscape", lambda v, kw: _bowl3(), ("landscape",)),
)


def _bowl3() -> Any:
    import momentum_lab.landscapes as landscapes

    return landscapes.quadratic_bowl(10.0, dim=3)


_start_bad = (
    Bad("start", "3 coordinates", const((0.1, 0.2, 0.3))),
    Bad("start", "complex", const((1j, 0.0))),
    Bad("start", "NaN", const((np.nan, 0.0))),
    Bad("start", "string", const("ab")),
)
_steps_bad = integer("steps", -1, none=False)

add(
    Spec(
        f"{WI}.gradient_descent.explore_gd",
        _explorer_params("gradient-descent", f"{WI}.gradient_descent.explore_gd"),
        _dict_result,
        _landscape_bad + num("lr", -0.1) + _start_bad + _steps_bad,
        examples=8,
    )
)
add(
    Spec(
        f"{WI}.momentum.explore_momentum",
        _explorer_params("momentum", f"{WI}.momentum.explore_momentum"),
        _dict_result,
        _landscape_bad
        + num("lr", 0.0, -0.1, none=False)
        + num("momentum", -0.1, 1.0, none=False)
        + flag("nesterov")
        + _start_bad
        + _steps_bad,
        examples=8,
    )
)
add(
    Spec(
        f"{WI}.momentum.rate_map_data",
        _explorer_params("rate-map", f"{WI}.momentum.rate_map_data"),
        _dict_result,
        num("kappa", 0.5, 0.0)
        + choice("method")
        + integer("n", 5, 1000, none=False)
        + arr("eigenvalues", skip=("None",), extra={"negative eigenvalue": lambda v, kw: np.array([-1.0, 1.0])}),
        examples=4,
    )
)
add(
    Spec(
        f"{WI}.graph.explore_graph",
        _explorer_params("graph", f"{WI}.graph.explore_graph"),
        _dict_result,
        num("x1", 0.0, -1.0) + num("x2", 0.0, -1.0),
    )
)
add(
    Spec(
        f"{WI}.hessian.local_quadratic",
        _explorer_params("hessian", f"{WI}.hessian.local_quadratic"),
        _dict_result,
        _landscape_bad
        + (
            Bad("point", "3 coordinates", const((0.1, 0.2, 0.3))),
            Bad("point", "NaN", const((np.nan, 0.0))),
            Bad("point", "string", const("ab")),
        )
        + num("radius", 0.0, -1.0, none=False)
        + integer("n", 1, 0, none=False),
        examples=8,
    )
)


def _frame_run(name: str) -> Any:
    def run(kw: Kwargs) -> Any:
        from momentum_lab.widgets import hessian

        kw = dict(kw)
        frame = hessian.local_quadratic(**kw.pop("setting"))
        return getattr(hessian, name)(frame, **kw)

    return run


_frame_setting = _explorer_params("hessian", f"{WI}.hessian.local_quadratic")
add(
    Spec(
        f"{WI}.hessian.slices",
        st.fixed_dictionaries({"setting": _frame_setting, "n": st.integers(3, 50)}),
        lambda kw, r: None,
        integer("n", 1, 0, none=False),
        run=_frame_run("slices"),
    )
)
add(
    Spec(
        f"{WI}.hessian.describe",
        st.fixed_dictionaries({"setting": _frame_setting}),
        lambda kw, r: None if isinstance(r, str) else (_ for _ in ()).throw(AssertionError("not a str")),
        (),
        run=_frame_run("describe"),
        examples=4,
    )
)
add(
    Spec(
        f"{WI}.hessian.curvature_kind",
        st.fixed_dictionaries({"eigenvalues": arrays((2,), -3, 3), "tol": floats(0, 1e-6)}),
        lambda kw, r: (
            None
            if r in ("positive definite", "negative definite", "indefinite", "singular")
            else (_ for _ in ()).throw(AssertionError(f"unknown kind {r!r}"))
        ),
        arr("eigenvalues", extra={"empty": lambda v, kw: np.array([])}) + num("tol", -1.0),
    )
)
add(
    Spec(
        f"{WI}.losses.explore_losses",
        _explorer_params("losses", f"{WI}.losses.explore_losses"),
        _dict_result,
        choice("family")
        + (Bad("names", "unknown loss", const(["no-such-loss"])), Bad("names", "a number", const(3)))
        + num("point")
        + num("delta", 0.0, -1.0)
        + num("lim", 0.0, -1.0)
        + integer("n", 1, 0, none=False),
    )
)
add(
    Spec(
        f"{WI}.losses.explore_segmentation",
        _explorer_params("segmentation", f"{WI}.losses.explore_segmentation"),
        _dict_result,
        num("shift")
        + num("radius", -1.0)
        + num("softness", -1.0)
        + num("alpha", -0.5)
        + num("beta", -0.5)
        + num("gamma", 0.0, -1.0)
        + num("true_radius", -1.0)
        + integer("size", 0, none=False)
        + num("smooth", -1.0)
        + flag("sweep"),
        examples=4,
    )
)
add(
    Spec(
        f"{WI}.losses.disc_probabilities",
        st.fixed_dictionaries(
            {
                "size": st.integers(1, 16),
                "centre": st.tuples(floats(0, 16), floats(0, 16)),
                "radius": floats(0, 8),
                "softness": floats(0, 2),
            }
        ),
        lambda kw, r: expect_shape(r, (kw["size"], kw["size"])),
        integer("size", 0, none=False)
        + (
            Bad("centre", "one number", const(3.0)),
            Bad("centre", "complex", const((1j, 0.0))),
            Bad("centre", "string", const("ab")),
        )
        + num("radius")
        + num("softness", -1.0),
    )
)


@st.composite
def _overlap_pair(draw: Any) -> Kwargs:
    size = draw(st.integers(2, 8))
    rng = np.random.default_rng(draw(seeds()))
    return {"g": _labels01(rng, (size, size)), "p": rng.uniform(0, 1, (size, size))}


add(
    Spec(
        f"{WI}.losses.overlap_image",
        _overlap_pair(),
        lambda kw, r: expect_shape(r, kw["g"].shape + (3,)),
        arr("g")
        + arr(
            "p", shape=lambda v, kw: v[:-1], shape_names=("g|p",), extra={"probability above 1": lambda v, kw: v + 2.0}
        ),
    )
)
add(
    Spec(
        f"{WI}.temperature.explore_temperature",
        _explorer_params("temperature", f"{WI}.temperature.explore_temperature"),
        _dict_result,
        num("temperature", 0.0, -1.0)
        + integer("label", -1, 99, none=False)
        + arr("logits", extra={"one logit": lambda v, kw: np.array([1.0])})
        + num("t_min", 0.0, -1.0)
        + num("t_max", 0.0)
        + (degenerate("t_min", "t_min >= t_max", 100.0, "t_min|t_max"),)
        + integer("n", 1, 0, none=False),
    )
)
add(
    Spec(
        f"{WI}.temperature.at",
        st.fixed_dictionaries({"setting": _explorer_params("temperature", f"{WI}.temperature.explore_temperature")}),
        _dict_result,
        (Bad("run", "None", const(None)), Bad("run", "empty dict", const({}))),
        run=lambda kw: __import__("momentum_lab.widgets.temperature", fromlist=["at"]).at(
            kw["run"]
            if "run" in kw
            else __import__("momentum_lab.widgets.temperature", fromlist=["x"]).explore_temperature(**kw["setting"])
        ),
    )
)
add(
    Spec(
        f"{WI}.adaptive.explore_adam",
        _explorer_params("adaptive", f"{WI}.adaptive.explore_adam"),
        _dict_result,
        _landscape_bad
        + num("lr", 0.0, -0.1, none=False)
        + num("beta1", -0.1, 1.0)
        + num("beta2", -0.1, 1.0)
        + num("eps", 0.0, -1e-8)
        + num("hb_lr", 0.0, -0.1, none=False)
        + _start_bad
        + _steps_bad,
        examples=6,
    )
)


@st.composite
def _effective(draw: Any) -> Kwargs:
    import momentum_lab.landscapes as landscapes

    t = draw(st.integers(1, 6))
    rng = np.random.default_rng(draw(seeds()))
    return {
        "surface": landscapes.get("narrow bowl"),
        "path": rng.normal(size=(t + 1, 2)),
        "lr": draw(floats(0.001, 0.5)),
        "beta1": draw(BETA),
        "beta2": draw(BETA),
        "eps": draw(floats(1e-8, 1e-3)),
    }


add(
    Spec(
        f"{WI}.adaptive.effective_steps",
        _effective(),
        lambda kw, r: expect_shape(r, (2,)),
        arr("path", shape=lambda v, kw: np.ones((3, 3)))
        + num("lr", 0.0, -0.1)
        + num("beta1", -0.1, 1.0)
        + num("beta2", -0.1, 1.0)
        + num("eps", 0.0, -1.0)
        + (Bad("surface", "a name", const(3.0)),),
    )
)
add(
    Spec(
        f"{WI}.adaptive.describe",
        st.fixed_dictionaries({"setting": _explorer_params("adaptive", f"{WI}.adaptive.explore_adam")}),
        lambda kw, r: None if isinstance(r, str) else (_ for _ in ()).throw(AssertionError("not a str")),
        (Bad("steps", "negative", const(-1)), Bad("steps", "string", const("3")), Bad("run", "None", const(None))),
        run=lambda kw: _adaptive_describe(kw),
        examples=3,
    )
)


def _adaptive_describe(kw: Kwargs) -> Any:
    from momentum_lab.widgets import adaptive

    setting = kw["setting"]
    run = kw["run"] if "run" in kw else adaptive.explore_adam(**setting)
    return adaptive.describe(run, kw.get("steps", setting.get("steps", 150)))


def _problem() -> Any:
    from momentum_lab.widgets import capstone

    global _PROBLEM
    if _PROBLEM is None:
        _PROBLEM = capstone.logistic_problem(n=60)
    return _PROBLEM


_PROBLEM: Any = None
add(
    Spec(
        f"{WI}.capstone.logistic_problem",
        st.fixed_dictionaries(
            {
                "n": st.integers(20, 60),
                "noise": floats(0.05, 0.3),
                "degree": st.integers(1, 3),
                "l2": floats(1e-3, 0.1),
                "seed": st.integers(0, 5),
                "init_seed": st.integers(0, 5),
            }
        ),
        instance_of("Problem"),
        integer("n", 0, none=False) + num("noise", -0.1) + integer("degree", 0, none=False) + num("l2", -0.1),
        examples=3,
        invalid_examples=1,
        also=(f"{WI}.capstone.Problem",),
    )
)


def _capstone_run(name: str) -> Any:
    def run(kw: Kwargs) -> Any:
        from momentum_lab.widgets import capstone

        problem = kw.get("problem", "default")
        problem = _problem() if isinstance(problem, str) and problem == "default" else problem
        rest = {k: v for k, v in kw.items() if k != "problem"}
        lr_scale = rest.pop("lr_scale", None)
        if lr_scale is not None and "lr" not in rest:
            rest["lr"] = lr_scale * _problem().lr_star
        mscale = rest.pop("momentum_scale", None)
        if mscale is not None and "momentum" not in rest:
            rest["momentum"] = mscale * _problem().momentum_star
        return getattr(capstone, name)(problem, **rest)

    return run


add(
    Spec(
        f"{WI}.capstone.momentum_run",
        st.fixed_dictionaries(
            {"lr_scale": floats(0.2, 1.0), "momentum_scale": floats(0, 1.1), "steps": st.integers(2, 60)}
        ),
        _dict_result,
        (Bad("problem", "None", const(None)),)
        + integer("steps", 0, -1, none=False)
        + (
            Bad("lr", "zero", const(0.0)),
            Bad("lr", "string", const("0.1")),
            Bad("momentum", "negative", const(-0.5)),
            Bad("momentum", "None", const(None)),
        ),
        run=_capstone_run("momentum_run"),
        examples=4,
    )
)
add(
    Spec(
        f"{WI}.capstone.rate_scan",
        st.fixed_dictionaries(
            {
                "lr_scale": floats(0.3, 1.0),
                "momentum_scales": st.lists(floats(0, 1.1), min_size=1, max_size=3),
                "steps": st.integers(5, 60),
            }
        ),
        _dict_result,
        (
            Bad("problem", "None", const(None)),
            Bad("momentum_scales", "None", const(None)),
            Bad("momentum_scales", "complex", const([1j])),
            Bad("momentum_scales", "string", const(["a"])),
            Bad("lr", "negative", const(-0.1)),
        )
        + integer("steps", 0, none=False),
        run=_capstone_run("rate_scan"),
        examples=3,
    )
)


@st.composite
def _hb_iterates(draw: Any) -> Kwargs:
    return {
        "grad": _quadratic_grad,
        "theta0": draw(arrays((2,))),
        "lr": draw(floats(0.001, 0.1)),
        "momentum": draw(floats(0, 0.9)),
        "steps": draw(st.integers(0, 30)),
    }


add(
    Spec(
        f"{WI}.capstone.heavy_ball_iterates",
        _hb_iterates(),
        lambda kw, r: expect_shape(r, (kw["steps"] + 1, 2)),
        func("grad")
        + arr("theta0", shape=lambda v, kw: np.ones((2, 2)))
        + num("lr", -0.1)
        + num("momentum", -0.1)
        + integer("steps", -1, none=False),
    )
)

for _module, _names in {
    "gradient_descent": ("gd_figure", "gd_widget"),
    "momentum": ("momentum_figure", "momentum_widget", "rate_map_figure", "rate_map_widget"),
    "graph": ("graph_figure", "graph_widget"),
    "hessian": ("hessian_figure", "hessian_widget"),
    "losses": ("loss_figure", "loss_widget", "segmentation_figure", "segmentation_widget"),
    "temperature": ("temperature_figure", "temperature_widget"),
    "capstone": ("capstone_figure", "capstone_widget", "decision_figure", "mlp_figure"),
    "adaptive": ("adam_figure", "adam_widget"),
}.items():
    REGISTRY.exclude(
        "display only: draws with matplotlib or builds ipywidgets from the compute function whose spec "
        "is above (explore_*, local_quadratic, rate_map_data, momentum_run ...), which checks the arguments",
        *(f"{WI}.{_module}.{n}" for n in _names),
    )
REGISTRY.exclude(
    "build-time plumbing of the published page's explorers (JSON conversion, agreement tolerances, "
    "data files), driven by tests/test_explorers.py over every explorer's sampler",
    *(
        f"{WI}.web.{n}"
        for n in (
            "Explorer",
            "by_widget",
            "compare",
            "explorer_names",
            "explorers",
            "landscape_data",
            "nudge_start",
            "page_data",
            "sensitivity",
        )
    ),
)
add(
    Spec(
        f"{WI}.web.to_json",
        st.recursive(
            st.none()
            | st.booleans()
            | st.integers(-5, 5)
            | floats(-1e6, 1e6)
            | st.text(max_size=3)
            | arrays(shapes(1, 2, 1, 3)),
            lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=2), kids, max_size=3),
            max_leaves=6,
        ).map(lambda v: {"value": v}),
        lambda kw, r: __import__("json").dumps(r),
        (Bad("value", "object", const(object())), Bad("value", "a set", const({1, 2}))),
    )
)


@st.composite
def _web_compute(draw: Any) -> Kwargs:
    from momentum_lab.widgets import web

    name = draw(st.sampled_from([n for n in web.explorers() if n not in ("capstone",)]))
    params = web.explorers()[name].sample(np.random.default_rng(draw(seeds())))
    return {"name": name, "params": params}


add(
    Spec(
        f"{WI}.web.compute",
        _web_compute(),
        _dict_result,
        choice("name")
        + (
            Bad("params", "None", const(None)),
            Bad("params", "unknown key", lambda v, kw: {**v, "no_such": 1}),
            Bad("params", "a list", const([1, 2])),
        ),
        examples=6,
    )
)


# ==================================================================================================
# frameworks, plotting, panels
# ==================================================================================================

FW = "momentum_lab.frameworks"
_framework_names = st.lists(st.sampled_from(["torch", "tensorflow", "keras"]), min_size=1, max_size=2, unique=True)
add(
    Spec(
        f"{FW}.message",
        _framework_names.map(lambda v: {"names": v}),
        lambda kw, r: None if isinstance(r, str) and r else (_ for _ in ()).throw(AssertionError(f"{r!r}")),
        (
            Bad("names", "unknown framework", const(["jax"]), ("names|name",)),
            Bad("names", "a number", const([3]), ("names|name",)),
            Bad("names", "none given", const([]), ("names|name",)),
        ),
        run=lambda kw: __import__("momentum_lab.frameworks", fromlist=["x"]).message(*kw["names"]),
    )
)
add(
    Spec(
        f"{FW}.marked_frameworks",
        st.sampled_from(
            [
                "# needs: torch\nimport torch",
                "# needs: tensorflow, torch\nx = 1",
                "x = 1",
                "\n\n# needs: keras\n",
                ["# needs: torch\n", "import torch\n"],
            ]
        ).map(lambda v: {"source": v}),
        lambda kw, r: None if r is None or isinstance(r, tuple) else (_ for _ in ()).throw(AssertionError(f"{r!r}")),
        (
            Bad("source", "None", const(None)),
            Bad("source", "a number", const(3)),
            Bad("source", "unknown framework", const("# needs: jax\n"), ("source|jax",)),
        ),
    )
)
add(
    Spec(
        f"{FW}.framework_cell_transformer",
        st.sampled_from([["x = 1\n"], ["print(2)\n", "y = 3\n"], []]).map(lambda v: {"lines": v}),
        lambda kw, r: None if r == kw["lines"] else (_ for _ in ()).throw(AssertionError(f"{r!r}")),
        (Bad("lines", "None", const(None)), Bad("lines", "a number", const(3))),
    )
)
add(
    Spec(
        f"{FW}.available",
        st.sampled_from(["torch", "tensorflow", "keras"]).map(lambda v: {"name": v}),
        lambda kw, r: None if isinstance(r, bool) else (_ for _ in ()).throw(AssertionError(f"{r!r}")),
        (
            Bad("name", "unknown framework", const("jax")),
            Bad("name", "a number", const(3)),
            Bad("name", "None", const(None)),
        ),
        frameworks="torch",
        examples=3,
        also=(f"{FW}.missing",),
    )
)
REGISTRY.exclude(
    "registers an IPython input transformer on a running shell (the chapters' second cell); "
    "tests/test_numpy_only.py runs it in every chapter",
    f"{FW}.enable_framework_cells",
)
REGISTRY.exclude(
    "matplotlib drawing helpers on a given Axes (contour of a landscape, a path, a loss curve, the "
    "style): display only, their data come from the landscapes and optimizers covered above",
    *(f"momentum_lab.plotting.{n}" for n in ("contour", "path", "loss_curve", "use_course_style")),
)
REGISTRY.exclude(
    "chapter figures (matplotlib) drawn from the compute functions covered above (explore_losses, "
    "explore_segmentation, momentum_run, overlap_image): display only",
    *(
        f"momentum_lab.panels.{n}"
        for n in (
            "loss_panels",
            "overlap_panels",
            "segmentation_panels",
            "capstone_panels",
            "mlp_panels",
            "decision_panels",
        )
    ),
)
