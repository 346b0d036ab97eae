"""Image losses beyond the pixel: SSIM, total variation, and a perceptual (feature-space) distance.

Chapter 14. Conventions shared by the functions:

* Images are channels-last arrays shaped ``(..., H, W, C)`` (TensorFlow's layout; ``(H, W, C)`` is one
  image, ``(N, H, W, C)`` a batch). The torch modules take PyTorch's ``(N, C, H, W)`` and move the
  channels last before calling the same formulas.
* Each formula returns one value **per image** (the leading axes), so ``reduction="none"`` gives the
  array of those values, ``"mean"`` (default) averages them and ``"sum"`` adds them.
* Filtering is "valid" (no padding), as in ``tf.image.ssim``: a window of size k turns H × W into
  (H − k + 1) × (W − k + 1). It is written as a weighted sum of shifted slices, so the formulas need
  nothing beyond slicing, arithmetic, ``relu``, ``abs``, ``sum`` and ``mean``, and run unchanged on
  NumPy arrays, tensors of ``momentum_lab.autodiff``, ``keras.ops`` and torch.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing  # noqa: F401 - for the annotations' np.typing.ArrayLike

from momentum_lab._typing import Array
from momentum_lab._validate import positive, positive_int
from momentum_lab.autodiff.tensor import Tensor
from momentum_lab.losses import _ops as ops
from momentum_lab.losses._validate import check_reduction, check_same_shape, values_of

#: What the functions take as images: anything NumPy reads as real numbers, or a tensor of the tape.
Images = np.typing.ArrayLike | Tensor
#: What they return: a NumPy scalar (``"mean"``, ``"sum"``), the per-image array (``"none"``), or a
#: tensor of the tape when an input was one.
LossValue = np.float64 | Array | Tensor
#: A bank of filters as :func:`filter_taps` returns it: the width k and, per filter, its non-zero taps.
Taps = tuple[int, tuple[tuple[tuple[int, int, float], ...], ...]]

__all__ = ["gaussian_window", "edge_filter_bank", "ssim", "ssim_loss", "total_variation", "perceptual"]

#: The Keras classes (``momentum_lab.tf.losses``) and torch modules (``momentum_lab.torch.losses``) of this module.
IMAGE_CLASS_NAMES = ("SSIMLoss", "TotalVariation", "PerceptualLoss")


# --- filtering ------------------------------------------------------------------------------------


def gaussian_window(size: int = 11, sigma: float = 1.5) -> Array:
    """The 1-D Gaussian window ``w_i ∝ exp(−(i − (size − 1)/2)² / 2σ²)``, ``i = 0 … size − 1``, summing to 1.

    ``tf.image.ssim``'s 2-D window (MATLAB's ``fspecial('gaussian')``, a softmax of ``−(i² + j²)/2σ²``) is
    its outer product ``w wᵀ``, so filtering with it is filtering rows with ``w`` and then columns.

    Edge cases: ``size=1`` is the window ``[1.0]`` (no smoothing); an even size centres the window between
    two pixels; a tiny ``sigma`` puts (almost) all the weight on the centre tap(s), never a NaN, since the
    largest term is ``exp(0) = 1`` before the division.

    Raises:
        TypeError: ``size`` not an integer, ``sigma`` not a real number.
        ValueError: ``size < 1`` or ``sigma <= 0``, e.g. ``"sigma must be > 0; got sigma=0.0"``.
    """
    size = positive_int(size, "size")
    sigma = positive(sigma, "sigma")
    coords = np.arange(size, dtype=np.float64) - (size - 1) / 2.0
    g = np.exp(-0.5 * coords**2 / sigma**2)
    return g / g.sum()


def _shifted(x, start: int, length: int, axis: int):
    """``x`` sliced to ``[start, start + len − (length − 1))`` along the negative ``axis``."""
    stop = start - (length - 1)
    index = (Ellipsis, slice(start, stop if stop < 0 else None)) + (slice(None),) * (-axis - 1)
    return x[index]


def _filter_axis(x, weights: tuple[float, ...], axis: int):
    """Valid correlation of ``x`` with the 1-D ``weights`` along the negative ``axis``."""
    out = None
    for start, w in enumerate(weights):
        term = float(w) * _shifted(x, start, len(weights), axis)
        out = term if out is None else out + term
    return out


def window_weights(filter_size: int = 11, filter_sigma: float = 1.5) -> tuple[float, ...]:
    """:func:`gaussian_window` as a tuple of Python floats, the form the formulas take (so that a traced
    graph, ``torch.compile`` or Keras, sees constants, not array operations)."""
    filter_size = positive_int(filter_size, "filter_size")
    filter_sigma = positive(filter_sigma, "filter_sigma")
    return tuple(gaussian_window(filter_size, filter_sigma).tolist())


def filter_taps(filters: np.typing.ArrayLike) -> Taps:
    """A bank ``(k, k, F)`` as ``(k, taps)``: per filter the tuple of its non-zero ``(row, column, weight)``
    in Python numbers, the form :func:`perceptual_values` takes. A filter of zeros has no taps (its
    feature is 0 for every image)."""
    bank = check_filters(filters)
    taps = tuple(
        tuple(
            (a, b, float(bank[a, b, f]))
            for a in range(bank.shape[0])
            for b in range(bank.shape[1])
            if bank[a, b, f] != 0.0
        )
        for f in range(bank.shape[2])
    )
    return bank.shape[0], taps


def _separable_filter(x, window: tuple[float, ...], axes: tuple[int, int] = (-3, -2)):
    """Valid filtering of ``(..., H, W, C)`` images with the separable window ``window ⊗ window``."""
    return _filter_axis(_filter_axis(x, window, axes[0]), window, axes[1])


# --- SSIM -----------------------------------------------------------------------------------------


def ssim_values(
    xp, y_true, y_pred, window: tuple[float, ...], max_val: float = 1.0, k1: float = 0.01, k2: float = 0.03
):
    """Per image the mean over pixels and channels of ``l·cs`` (Wang et al. 2004), with local statistics
    from the Gaussian window ``w`` (``μ = w * x``, ``σ_xy = w * (xy) − μ_x μ_y``) and
    ``C1 = (k1·max_val)²``, ``C2 = (k2·max_val)²``:

    ``l = (2 μ_x μ_y + C1) / (μ_x² + μ_y² + C1)``, ``cs = (2 σ_xy + C2) / (σ_x² + σ_y² + C2)``.

    ``window`` is the 1-D window, :func:`window_weights` (``filter_size``, ``filter_sigma``).
    """
    c1 = (k1 * max_val) ** 2
    c2 = (k2 * max_val) ** 2
    mu_x = _separable_filter(y_true, window)
    mu_y = _separable_filter(y_pred, window)
    mean_product = 2.0 * mu_x * mu_y
    mean_squares = xp.square(mu_x) + xp.square(mu_y)
    luminance = (mean_product + c1) / (mean_squares + c1)
    cross = 2.0 * _separable_filter(y_true * y_pred, window)
    squares = _separable_filter(xp.square(y_true) + xp.square(y_pred), window)
    contrast_structure = (cross - mean_product + c2) / (squares - mean_squares + c2)
    return xp.mean(luminance * contrast_structure, axis=(-3, -2, -1))


def total_variation_values(xp, images):
    """Per image ``Σ |x[i+1, j] − x[i, j]| + Σ |x[i, j+1] − x[i, j]|`` over rows, columns and channels."""
    down = images[..., 1:, :, :] - images[..., :-1, :, :]
    right = images[..., :, 1:, :] - images[..., :, :-1, :]
    return xp.sum(xp.abs(down), axis=(-3, -2, -1)) + xp.sum(xp.abs(right), axis=(-3, -2, -1))


# --- a perceptual distance with fixed filters -----------------------------------------------------


def edge_filter_bank(size: int = 3, sigma: float = 1.0) -> Array:
    """Ten fixed ``size × size`` filters (default 3 × 3), shape ``(size, size, 10)``: the first derivative of a Gaussian
    in four orientations (0°, 45°, 90°, 135°) and a centre-surround difference of Gaussians (σ and 2σ),
    each in both polarities (``+f`` and ``−f``), so that ``relu`` of the ten responses keeps the sign.

    Each oriented filter ``(x cos θ + y sin θ)·exp(−(x² + y²)/2σ²)`` is scaled to unit L1 norm; the
    centre-surround filter is the difference of two normalized Gaussians (it sums to 0), scaled to unit
    L1 norm. None of them responds to a constant image. At the default 3 × 3 the oriented filters are close
    to Sobel's, and like the 3 × 3 filters of a network's first layer they respond to fine detail and noise.

    Raises:
        TypeError: ``size`` not an integer, ``sigma`` not a real number.
        ValueError: ``size < 3`` (a 1 × 1 or 2 × 2 filter has no centre-surround) or ``sigma <= 0``.
    """
    size = positive_int(size, "size", minimum=3)
    sigma = positive(sigma, "sigma")
    c = np.arange(size, dtype=np.float64) - (size - 1) / 2.0
    y, x = np.meshgrid(c, c, indexing="ij")
    radius2 = x**2 + y**2
    filters = []
    for angle in (0.0, 45.0, 90.0, 135.0):
        theta = math.radians(angle)
        f = (x * math.cos(theta) + y * math.sin(theta)) * np.exp(-radius2 / (2 * sigma**2))
        filters.append(f / np.abs(f).sum())
    centre = np.exp(-radius2 / (2 * sigma**2))
    surround = np.exp(-radius2 / (8 * sigma**2))
    dog = centre / centre.sum() - surround / surround.sum()
    filters.append(dog / np.abs(dog).sum())
    bank = np.stack(filters + [-f for f in filters], axis=-1)
    return bank[..., [0, 5, 1, 6, 2, 7, 3, 8, 4, 9]]  # each filter beside its opposite


def _feature(xp, images, size: int, taps: tuple[tuple[int, int, float], ...], pool: int):
    """``pool`` × ``pool`` box average of ``relu(kernel ⋆ images)`` (valid), per channel."""
    response = 0.0 * _shifted(_shifted(images, 0, size, -3), 0, size, -2) if not taps else None
    for a, b, w in taps:
        piece = w * _shifted(_shifted(images, a, size, -3), b, size, -2)
        response = piece if response is None else response + piece
    return _separable_filter(xp.relu(response), (1.0 / pool,) * pool)


def perceptual_values(xp, y_true, y_pred, taps: Taps, pool: int = 8):
    """Per image ``(1/F) Σ_f mean((φ_f(y_pred) − φ_f(y_true))²)``, the mean over pixels and channels, with
    ``φ_f(x) = box_pool(relu(filters[..., f] ⋆ x))`` (valid correlation, then a ``pool × pool`` mean);
    ``taps = filter_taps(filters)``."""
    size, kernels = taps
    terms = []
    for kernel in kernels:
        gap = _feature(xp, y_pred, size, kernel, pool) - _feature(xp, y_true, size, kernel, pool)
        terms.append(xp.mean(xp.square(gap), axis=(-3, -2, -1)))
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total / len(kernels)


# --- checks and the NumPy functions ---------------------------------------------------------------


def check_images(shape: tuple[int | None, ...], name: str, minimum: int = 1) -> None:
    """Raise unless ``shape`` is ``(..., H, W, C)`` with H and W at least ``minimum``."""
    shape = tuple(shape)
    if len(shape) < 3:
        raise ValueError(f"{name} must be images shaped (..., height, width, channels); got {name}.shape={shape}")
    height, width = shape[-3], shape[-2]
    if any(d is not None and d < minimum for d in (height, width)):
        raise ValueError(
            f"{name} must be at least {minimum} × {minimum} pixels (the size of its window); got {name}.shape={shape}"
        )


def check_filters(filters: np.typing.ArrayLike, name: str = "filters") -> Array:
    """``filters`` as a float64 array shaped ``(k, k, F)`` with finite real entries (TypeError for booleans,
    complex numbers, objects or strings; ValueError for another shape or a NaN)."""
    bank = values_of(filters, name)
    if bank.ndim != 3 or bank.shape[0] != bank.shape[1] or bank.shape[0] < 1 or bank.shape[2] < 1:
        raise ValueError(f"{name} must be a bank shaped (k, k, number_of_filters); got {name}.shape={bank.shape}")
    return bank


def _image_pair(y_true: Images, y_pred: Images, reduction: str, minimum: int):
    check_reduction(reduction)
    true_values = values_of(y_true, "y_true")
    pred_values = values_of(y_pred, "y_pred")
    check_same_shape(true_values.shape, pred_values.shape)
    check_images(pred_values.shape, "y_pred", minimum)
    keep = ops.is_tensor(y_true) or ops.is_tensor(y_pred)
    return (y_true if ops.is_tensor(y_true) else true_values, y_pred if ops.is_tensor(y_pred) else pred_values, keep)


def _ssim_args(
    max_val: float, filter_size: int, filter_sigma: float, k1: float, k2: float
) -> tuple[float, int, float, float, float]:
    return (
        positive(max_val, "max_val"),
        positive_int(filter_size, "filter_size"),
        positive(filter_sigma, "filter_sigma"),
        positive(k1, "k1"),
        positive(k2, "k2"),
    )


def ssim(
    y_true: Images,
    y_pred: Images,
    max_val: float = 1.0,
    filter_size: int = 11,
    filter_sigma: float = 1.5,
    k1: float = 0.01,
    k2: float = 0.03,
    *,
    reduction: str = "mean",
) -> LossValue:
    """Structural similarity index (SSIM) of two batches of images, one value per image, in [−1, 1].

    Formula:
        with the 1-D Gaussian window ``w`` of :func:`gaussian_window` (2-D window ``w wᵀ``, "valid"
        filtering ``*``), ``μ_x = w * x``, ``σ_x² = w * x² − μ_x²``, ``σ_xy = w * (xy) − μ_x μ_y``,
        ``C1 = (k1·max_val)²``, ``C2 = (k2·max_val)²``,

        ``SSIM_map = (2μ_xμ_y + C1)/(μ_x² + μ_y² + C1) · (2σ_xy + C2)/(σ_x² + σ_y² + C2)``,

        and per image the mean of the map over its (H − k + 1) × (W − k + 1) pixels and C channels, then
        ``reduction`` over the images. The variances are the window-weighted (biased) ones, as in
        ``tf.image.ssim`` (whose "compensation" factor is 1). Identical images score exactly 1; constant
        images of equal value too (C1, C2 > 0 keep every ratio defined, which is why k1, k2 must be > 0).
        Two constant images of values a ≠ b score the luminance term alone, ``(2ab + C1)/(a² + b² + C1)``
        (their contrast-structure term is ``C2/C2 = 1``); an image against its negative ``−x`` scores below 0.
        Values outside ``[0, max_val]`` are not clipped: ``max_val`` only sets C1 and C2.

    Args:
        y_true, y_pred: images shaped ``(..., H, W, C)``, same shape, H and W ≥ ``filter_size``.
        max_val: the dynamic range of the pixels (1.0 for [0, 1], 255 for 8-bit), > 0.
        filter_size: the window's width k (default 11); filter_sigma: its σ (default 1.5).
        k1, k2: the constants of C1 and C2 (defaults 0.01 and 0.03, as Wang et al. and TensorFlow).
        reduction: ``"mean"`` (default), ``"sum"``, or ``"none"`` for one value per image.

    Returns:
        A scalar, or the per-image values (shape ``y_pred.shape[:-3]``) for ``reduction="none"``; a tensor
        of :mod:`momentum_lab.autodiff` when an input is one, so the tape records it.

    Raises:
        TypeError: images of booleans, complex numbers, objects or strings; a non-integer ``filter_size``;
            a non-number ``max_val``, ``filter_sigma``, ``k1`` or ``k2``.
        ValueError: images not shaped ``(..., H, W, C)``, of different shapes, smaller than the window or
            holding NaN or infinity; ``max_val``, ``filter_sigma``, ``k1`` or ``k2`` not > 0; an unknown
            ``reduction``. Example: ``"y_pred must be at least 11 × 11 pixels (the size of its window);
            got y_pred.shape=(8, 8, 1)"``.

    Example:
        >>> x = np.linspace(0, 1, 64).reshape(8, 8, 1)
        >>> float(ssim(x, x, filter_size=3))
        1.0

    Reference:
        Wang, Bovik, Sheikh and Simoncelli, "Image quality assessment: from error visibility to structural
        similarity", IEEE Trans. Image Process. 2004. TensorFlow ``tf.image.ssim`` (which computes in
        float32 whatever its input; the formula is the same). PyTorch has no built-in.
    """
    args = _ssim_args(max_val, filter_size, filter_sigma, k1, k2)
    y_true, y_pred, keep = _image_pair(y_true, y_pred, reduction, args[1])
    return ops.reduce(ssim_values(ops, y_true, y_pred, window_weights(*args[1:3]), args[0], *args[3:]), reduction, keep)


def ssim_loss(
    y_true: Images,
    y_pred: Images,
    max_val: float = 1.0,
    filter_size: int = 11,
    filter_sigma: float = 1.5,
    k1: float = 0.01,
    k2: float = 0.03,
    *,
    reduction: str = "mean",
) -> LossValue:
    """The SSIM loss ``1 − SSIM`` per image (0 for identical images, at most 2), then ``reduction``.

    Arguments, return value and errors as :func:`ssim`.

    Example:
        >>> x = np.linspace(0, 1, 64).reshape(8, 8, 1)
        >>> float(ssim_loss(x, x, filter_size=3))
        0.0
    """
    args = _ssim_args(max_val, filter_size, filter_sigma, k1, k2)
    y_true, y_pred, keep = _image_pair(y_true, y_pred, reduction, args[1])
    values = ssim_values(ops, y_true, y_pred, window_weights(*args[1:3]), args[0], *args[3:])
    return ops.reduce(1.0 - values, reduction, keep)


def total_variation(images: Images, *, reduction: str = "mean") -> LossValue:
    """Anisotropic total variation: the summed absolute differences of neighbouring pixels, per image.

    Formula:
        ``TV(x) = Σ_{i,j,c} |x[i+1, j, c] − x[i, j, c]| + Σ_{i,j,c} |x[i, j+1, c] − x[i, j, c]|`` per image
        (not divided by the number of pixels, as ``tf.image.total_variation``), then ``reduction`` over
        the images. Its gradient at a zero difference is taken as 0.

    Args:
        images: images shaped ``(..., H, W, C)``.
        reduction: ``"mean"`` (default), ``"sum"``, or ``"none"`` for one value per image
            (``tf.image.total_variation``'s result).

    Returns:
        A scalar, or the per-image values (shape ``images.shape[:-3]``) for ``reduction="none"``. A 1 × 1
        image has total variation 0 (no neighbours); so has any constant image.

    Raises:
        TypeError: images of booleans, complex numbers, objects or strings.
        ValueError: ``images`` not shaped ``(..., H, W, C)``, holding NaN or infinity, or an unknown
            ``reduction``, e.g. ``"images must be images shaped (..., height, width, channels); got
            images.shape=(4, 4)"``.

    Example:
        >>> float(total_variation(np.array([[0.0, 1.0], [0.0, 3.0]]).reshape(2, 2, 1)))  # |0−0|+|3−1| + |1−0|+|3−0|
        6.0

    Reference:
        Rudin, Osher and Fatemi, "Nonlinear total variation based noise removal algorithms", Physica D 1992.
        TensorFlow ``tf.image.total_variation``; PyTorch has no built-in.
    """
    check_reduction(reduction)
    values = values_of(images, "images")
    check_images(values.shape, "images")
    keep = ops.is_tensor(images)
    return ops.reduce(total_variation_values(ops, images if keep else values), reduction, keep)


def perceptual(
    y_true: Images,
    y_pred: Images,
    filters: np.typing.ArrayLike | None = None,
    pool: int = 8,
    *,
    reduction: str = "mean",
) -> LossValue:
    """A perceptual (feature-space) distance: the squared difference of fixed filter features, per image.

    Formula:
        ``φ_f(x) = box_pool(relu(filters[..., f] ⋆ x))`` (valid correlation of every channel with filter
        f, then a ``pool × pool`` mean), and per image
        ``loss = (1/F) Σ_f mean_{pixels, channels}(φ_f(y_pred) − φ_f(y_true))²``, then ``reduction``.

        The features are those of one fixed layer of oriented-edge and centre-surround filters
        (:func:`edge_filter_bank`, the default) with rectification and pooling: a hand-built stand-in for
        the first layers of a trained network. A VGG-based perceptual loss (Johnson et al. 2016) uses the
        same formula on the activations of deeper layers of a network trained on ImageNet, whose
        features stand for textures, parts and objects rather than edges.

    Args:
        y_true, y_pred: images shaped ``(..., H, W, C)``, same shape, H, W ≥ k + pool − 1.
        filters: a bank shaped ``(k, k, F)``; ``None`` for ``edge_filter_bank()`` (3 × 3, ten filters).
        pool: the width of the box average after the rectification, ≥ 1 (default 8). The pooling is
            what makes the features tolerate a small shift; without it they are as shift-sensitive as pixels.
        reduction: ``"mean"`` (default), ``"sum"``, or ``"none"`` for one value per image.

    Returns:
        A scalar, or the per-image values for ``reduction="none"``. Constant images have all features 0
        (no filter of the default bank responds to a constant), so two constant images are at distance 0
        whatever their values.

    Raises:
        TypeError: images or ``filters`` of booleans, complex numbers, objects or strings; a non-integer
            ``pool``.
        ValueError: images of different shapes, not ``(..., H, W, C)``, smaller than ``k + pool − 1`` or
            holding NaN or infinity; ``filters`` not shaped ``(k, k, F)``; ``pool < 1``; an unknown
            ``reduction``. Example: ``"filters must be a bank shaped (k, k, number_of_filters); got
            filters.shape=(3, 4, 2)"``.

    Example:
        >>> x = np.linspace(0, 1, 100).reshape(10, 10, 1)
        >>> round(float(perceptual(x, x + 0.5)), 12)  # the filters ignore a change of brightness
        0.0

    Reference:
        Johnson, Alahi and Fei-Fei, "Perceptual losses for real-time style transfer and super-resolution",
        ECCV 2016; Gatys, Ecker and Bethge 2016. No framework has a built-in.
    """
    bank = edge_filter_bank() if filters is None else check_filters(filters)
    pool = positive_int(pool, "pool")
    y_true, y_pred, keep = _image_pair(y_true, y_pred, reduction, bank.shape[0] + pool - 1)
    return ops.reduce(perceptual_values(ops, y_true, y_pred, filter_taps(bank), pool), reduction, keep)
