"""``matmul`` and its two VJPs.

Chapter 4: matrix products and their rules (and chapter 10's models, which use them).

For matrices, ``C = A @ B`` has ``∂/∂A = G @ Bᵀ`` and ``∂/∂B = Aᵀ @ G``. Vectors are the 1-D cases of
``np.matmul`` (a row vector on the left, a column vector on the right), whose VJPs are outer products or
matrix-vector products. A batched cotangent (leading axes) turns the matrix-vector products into one
matrix-matrix product, ``(batch, n) @ (n, k)``, which is what makes Jacobians and Hessians fast.

Operands whose inner axes do not line up, and 0-d operands, raise ValueError naming both shapes
(``"matmul: a.shape=(2, 3) and b.shape=(2, 3) do not line up: a's last axis has 3 entries and b's
second-to-last axis has 2"``). Empty operands give NumPy's results (an empty inner axis gives zeros).
"""

from __future__ import annotations

import numpy as np

from momentum_lab.autodiff.broadcasting import _reshape, nbatch, unbroadcast
from momentum_lab.autodiff.primitive import primitive
from momentum_lab.autodiff.shapes import matrix_transpose
from momentum_lab.autodiff.tensor import Tensor


@primitive
def matmul(a, b):
    """``a @ b`` with ``np.matmul``'s rules (1-D operands are vectors; leading axes form a stack)."""
    if b.ndim == 2 and a.ndim > 2 and a.flags.c_contiguous:
        # A stack of matrices times one matrix is one big product: (p·m, k) @ (k, n), a single BLAS
        # call instead of p small ones.
        return (a.reshape(-1, a.shape[-1]) @ b).reshape(a.shape[:-1] + b.shape[-1:])
    return np.matmul(a, b)


def _matmul_error(exc: Exception, a: np.ndarray, b: np.ndarray) -> Exception:
    shapes = f"a.shape={a.shape} and b.shape={b.shape}"
    if a.ndim == 0 or b.ndim == 0:
        return ValueError(f"matmul: {shapes}: matmul needs operands with at least one axis (use multiply for a scalar)")
    k_a, k_b = a.shape[-1], b.shape[0] if b.ndim == 1 else b.shape[-2]
    if k_a != k_b:
        where = "only" if b.ndim == 1 else "second-to-last"
        return ValueError(
            f"matmul: {shapes} do not line up: a's last axis has {k_a} entries and b's {where} axis has {k_b}"
        )
    return ValueError(f"matmul: the stacking axes of {shapes} cannot be broadcast together")


matmul.deferror(_matmul_error)


def _unsqueeze(x: Tensor, axis: int) -> Tensor:
    """Insert a length-1 axis at negative position ``axis`` (-1: last, -2: before last)."""
    shape = x.shape
    cut = len(shape) + axis + 1
    return _reshape(x, shape=shape[:cut] + (1,) + shape[cut:])


def _squeeze_before_last(x: Tensor) -> Tensor:
    return _reshape(x, shape=x.shape[:-2] + x.shape[-1:])


def _matmul_vjp_a(g: Tensor, ans: Tensor, a: Tensor, b: Tensor) -> Tensor:
    nb = nbatch(g, ans)
    if b.ndim == 1:  # ans[..., i] = Σ_k a[..., i, k] b[k]  →  ∂/∂a = g ⊗ b
        return unbroadcast(_unsqueeze(g, -1) * b, a.shape, nb)
    bt = matrix_transpose(b)
    if a.ndim == 1:  # a is a row vector: ∂/∂a = g @ bᵀ
        if b.ndim == 2:
            return matmul(g, bt)  # (..., n) @ (n, k): one product for the whole batch
        return unbroadcast(_squeeze_before_last(matmul(_unsqueeze(g, -2), bt)), a.shape, nb)
    return unbroadcast(matmul(g, bt), a.shape, nb)


def _matmul_vjp_b(g: Tensor, ans: Tensor, a: Tensor, b: Tensor) -> Tensor:
    nb = nbatch(g, ans)
    if a.ndim == 1:
        if b.ndim == 1:  # a dot product: ∂/∂b = g a
            return _unsqueeze(g, -1) * a
        # ans[..., j] = Σ_k a[k] b[..., k, j]  →  ∂/∂b = a ⊗ g
        return unbroadcast(_unsqueeze(a, -1) * _unsqueeze(g, -2), b.shape, nb)
    if b.ndim == 1:  # b is a column vector: ∂/∂b = aᵀ g, i.e. g @ a
        if a.ndim == 2:
            return matmul(g, a)  # (..., m) @ (m, k): one product for the whole batch
        return unbroadcast(_squeeze_before_last(matmul(_unsqueeze(g, -2), a)), b.shape, nb)
    return unbroadcast(matmul(matrix_transpose(a), g), b.shape, nb)


matmul.defvjp(_matmul_vjp_a, _matmul_vjp_b)
