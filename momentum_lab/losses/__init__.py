"""Loss functions from scratch, each a pure function ``loss(y_true, y_pred, ..., reduction="mean")``.

Chapters 6–9. Every loss runs on NumPy arrays and on tensors of ``momentum_lab.autodiff`` (its
``GradientTape`` then gives gradients and Hessians of the loss). Each is written once, as a formula
``*_values(xp, ...)`` beside its function that returns the unreduced losses over an ops namespace
(:mod:`momentum_lab.losses._ops`); the Keras classes in ``momentum_lab.tf.losses`` and the torch modules
in ``momentum_lab.torch.losses`` call the same formulas with ``keras.ops`` and a torch shim, adding only
their framework's reductions, weights and argument conventions.

* regression (:mod:`.regression`): ``mean_squared_error``, ``mean_absolute_error``, ``huber``, ``log_cosh``
* probabilistic (:mod:`.probabilistic`): ``binary_crossentropy``, ``categorical_crossentropy``,
  ``sparse_categorical_crossentropy``, ``kl_divergence``
* margin (:mod:`.margin`): ``hinge``, ``squared_hinge``, ``categorical_hinge``, ``weston_watkins_hinge``
* classical (:mod:`.classical`): ``zero_one_loss``, ``exponential_loss``, ``log_loss``,
  ``gan_discriminator_loss``, ``gan_generator_minimax_loss``, ``gan_generator_nonsaturating_loss``
* segmentation (:mod:`.segmentation`): ``dice``, ``jaccard``, ``tversky``, ``focal_tversky``
* metric (:mod:`.metric`, chapter 13): ``contrastive``, ``triplet_margin``, ``cosine_embedding``,
  ``info_nce``, ``nt_xent`` (and ``pairwise_distance``)
* focal (:mod:`.focal`, chapter 13): ``binary_focal_crossentropy``, ``categorical_focal_crossentropy``
* image (:mod:`.image`, chapter 14): ``ssim``, ``ssim_loss``, ``total_variation``, ``perceptual`` (one value
  per image; their framework classes are named in ``image.IMAGE_CLASS_NAMES``)

``reduction`` is ``"mean"`` (default), ``"sum"`` or ``"none"``. The rule for ``"none"``: it keeps every
axis the formula does not consume, so elementwise losses return one value per element, losses over a
class axis one value per sample, and overlap losses one value per score (the axes not in ``axis``).
Probabilities are clipped to ``[EPSILON, 1 − EPSILON]``, ``EPSILON = 1e-7``, before a logarithm.

Every function refuses what would give a silently wrong number: complex, boolean and string arrays
(TypeError), NaN, infinities and empty arrays (ValueError), flags that are not True or False, and settings
that make a loss meaningless (Tversky's α = β = 0, a focal α of 0, margins or temperatures <= 0, ...). Each
docstring's "Edge cases" says what it does with empty masks, zero denominators and huge logits.
"""

from momentum_lab.losses._ops import EPSILON, REDUCTIONS
from momentum_lab.losses.classical import (
    exponential_loss,
    gan_discriminator_loss,
    gan_generator_minimax_loss,
    gan_generator_nonsaturating_loss,
    log_loss,
    zero_one_loss,
)
from momentum_lab.losses.image import edge_filter_bank, gaussian_window, perceptual, ssim, ssim_loss, total_variation
from momentum_lab.losses.focal import binary_focal_crossentropy, categorical_focal_crossentropy
from momentum_lab.losses.margin import categorical_hinge, hinge, squared_hinge, weston_watkins_hinge
from momentum_lab.losses.metric import (
    contrastive,
    cosine_embedding,
    info_nce,
    nt_xent,
    pairwise_distance,
    triplet_margin,
)
from momentum_lab.losses.probabilistic import (
    binary_crossentropy,
    categorical_crossentropy,
    kl_divergence,
    sparse_categorical_crossentropy,
)
from momentum_lab.losses.regression import huber, log_cosh, mean_absolute_error, mean_squared_error
from momentum_lab.losses.segmentation import dice, focal_tversky, jaccard, tversky

#: The Keras classes (``momentum_lab.tf.losses``) and torch modules (``momentum_lab.torch.losses``), one per
#: loss, in the order of the functions below.
CLASS_NAMES = (
    "MeanSquaredError",
    "MeanAbsoluteError",
    "Huber",
    "LogCosh",
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "SparseCategoricalCrossentropy",
    "KLDivergence",
    "Hinge",
    "SquaredHinge",
    "CategoricalHinge",
    "WestonWatkinsHinge",
    "ZeroOneLoss",
    "ExponentialLoss",
    "LogLoss",
    "GANDiscriminatorLoss",
    "GANGeneratorMinimaxLoss",
    "GANGeneratorNonsaturatingLoss",
    "Dice",
    "Jaccard",
    "Tversky",
    "FocalTversky",
)

#: The classes of the metric and focal losses (chapter 13), in the order of their functions.
METRIC_FOCAL_CLASS_NAMES = (
    "Contrastive",
    "TripletMargin",
    "CosineEmbedding",
    "InfoNCE",
    "NTXent",
    "BinaryFocalCrossentropy",
    "CategoricalFocalCrossentropy",
)

__all__ = [
    "EPSILON",
    "REDUCTIONS",
    "mean_squared_error",
    "mean_absolute_error",
    "huber",
    "log_cosh",
    "binary_crossentropy",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
    "kl_divergence",
    "hinge",
    "squared_hinge",
    "categorical_hinge",
    "weston_watkins_hinge",
    "zero_one_loss",
    "exponential_loss",
    "log_loss",
    "gan_discriminator_loss",
    "gan_generator_minimax_loss",
    "gan_generator_nonsaturating_loss",
    "dice",
    "jaccard",
    "tversky",
    "focal_tversky",
    "ssim",
    "ssim_loss",
    "total_variation",
    "perceptual",
    "gaussian_window",
    "edge_filter_bank",
    "pairwise_distance",
    "contrastive",
    "triplet_margin",
    "cosine_embedding",
    "info_nce",
    "nt_xent",
    "binary_focal_crossentropy",
    "categorical_focal_crossentropy",
]
