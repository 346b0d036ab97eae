"""Loss functions from scratch, each a pure function ``loss(y_true, y_pred, ..., reduction="mean")``.

Every loss runs on NumPy arrays and on tensors of ``momentum_lab.autodiff`` (its ``GradientTape`` then
gives gradients and Hessians of the loss). Keras 3 and PyTorch versions of the same formulas live in
``momentum_lab.tf.losses`` and ``momentum_lab.torch.losses``.

* regression (:mod:`.regression`): ``mean_squared_error``, ``mean_absolute_error``, ``huber``, ``log_cosh``
* probabilistic (:mod:`.probabilistic`): ``binary_crossentropy``, ``categorical_crossentropy``,
  ``sparse_categorical_crossentropy``, ``kl_divergence``
* margin (:mod:`.margin`): ``hinge``, ``squared_hinge``, ``categorical_hinge``, ``weston_watkins_hinge``
* classical (:mod:`.classical`): ``zero_one_loss``, ``exponential_loss``, ``log_loss``,
  ``gan_discriminator_loss``, ``gan_generator_minimax_loss``, ``gan_generator_nonsaturating_loss``
* segmentation (:mod:`.segmentation`): ``dice``, ``jaccard``, ``tversky``, ``focal_tversky``

``reduction`` is ``"mean"`` (default), ``"sum"`` or ``"none"``. The rule for ``"none"``: it keeps every
axis the formula does not consume, so elementwise losses return one value per element, losses over a
class axis one value per sample, and overlap losses one value per score (the axes not in ``axis``).
Probabilities are clipped to ``[EPSILON, 1 − EPSILON]``, ``EPSILON = 1e-7``, before a logarithm.
"""

from momentum_lab.losses._backend import EPSILON, REDUCTIONS
from momentum_lab.losses.classical import (
    exponential_loss,
    gan_discriminator_loss,
    gan_generator_minimax_loss,
    gan_generator_nonsaturating_loss,
    log_loss,
    zero_one_loss,
)
from momentum_lab.losses.margin import categorical_hinge, hinge, squared_hinge, weston_watkins_hinge
from momentum_lab.losses.probabilistic import (
    binary_crossentropy,
    categorical_crossentropy,
    kl_divergence,
    sparse_categorical_crossentropy,
)
from momentum_lab.losses.regression import huber, log_cosh, mean_absolute_error, mean_squared_error
from momentum_lab.losses.segmentation import dice, focal_tversky, jaccard, tversky

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
]
