"""The GANs of momentum_lab.gan: the saturation of the minimax generator loss, momentum in the game,
and the gradients the training uses against finite differences."""

import numpy as np
import pytest

import momentum_lab.losses as L
from momentum_lab import autodiff as ad
from momentum_lab import gan


def test_minimax_generator_gradient_is_smaller_against_a_confident_discriminator():
    minimax = gan.train_gan(steps=50, generator_loss="minimax", warmup=300, record_every=50)
    nonsat = gan.train_gan(steps=50, generator_loss="nonsaturating", warmup=300, record_every=50)
    assert minimax["d_fake"][0] == nonsat["d_fake"][0] < 0.2  # the same start: fakes rejected
    # d/dlogit log(1 − σ(l)) = −σ(l), d/dlogit −log σ(l) = −(1 − σ(l)): at D ≈ 0 the minimax slope vanishes
    assert minimax["generator_grad_norm"][0] < 0.5 * nonsat["generator_grad_norm"][0]


def test_nonsaturating_gan_moves_the_generator_to_the_data():
    history = gan.train_gan(steps=300, record_every=100)
    assert history["step"].tolist() == [0, 100, 200, 300]
    # from 3 away to within 1 of the data mean; the game overshoots and circles
    assert abs(history["b"][-1] - 3.0) < 1.0 < abs(history["b"][0] - 3.0)
    assert 0.4 < history["d_fake"][-1] < 0.6  # the discriminator can no longer tell


def test_dirac_gan_bilinear_step_by_hand():
    # θ = ψ = 1, lr = 0.1, β = 0: ∂/∂ψ softplus(ψθ) = θσ(ψθ) = σ(1) = 0.731059, so ψ = 1 − 0.0731059;
    # then ∂/∂θ −log σ(ψθ) = −ψσ(−ψθ) at ψ = 0.926894: σ(−0.926894) = 0.283539, θ = 1 + 0.1·0.926894·0.283539
    path = gan.dirac_gan(steps=1, lr=0.1)
    assert path["psi"][1] == pytest.approx(1 - 0.1 / (1 + np.exp(-1.0)), rel=1e-12)
    psi = path["psi"][1]
    assert path["theta"][1] == pytest.approx(1 + 0.1 * psi / (1 + np.exp(psi)), rel=1e-12)


def test_momentum_changes_the_oscillation_of_the_dirac_gan():
    final = {beta: gan.dirac_gan(steps=300, lr=0.2, beta=beta)["distance"][-1] for beta in (-0.3, 0.0, 0.5)}
    assert final[0.5] > 1.0 > final[0.0]  # positive momentum: the circles do not shrink
    assert final[-0.3] < final[0.0]  # negative momentum (Gidel et al. 2019): they shrink faster


@pytest.mark.parametrize("name", ["minimax", "nonsaturating"])
def test_generator_losses_gradients_first_and_second_order(name):
    loss = gan.GENERATOR_LOSSES[name]
    logits = np.array([-3.0, -0.5, 0.7, 2.0])
    ad.check_grads(lambda x: loss(x), logits, order=2)
    ad.check_grads(lambda r, f: L.gan_discriminator_loss(r, f), logits, -logits[::-1], order=2)


def test_the_equilibrium_is_a_fixed_point_and_momentum_paths_stay_finite():
    still = gan.dirac_gan(steps=20, beta=0.5, theta=0.0, psi=0.0)
    assert np.all(still["distance"] == 0.0)
    spiral = gan.dirac_gan(steps=2000, lr=0.5, beta=0.5)
    assert np.all(np.isfinite(spiral["distance"])) and spiral["distance"][-1] > spiral["distance"][0]


def test_seed_makes_the_run_repeatable():
    first, second = (gan.train_gan(steps=20, seed=3, warmup=5) for _ in range(2))
    assert all(np.array_equal(first[k], second[k]) for k in first)
    other = gan.train_gan(steps=20, seed=4, warmup=5)
    assert not np.array_equal(first["b"], other["b"])


BAD = [
    (lambda: gan.dirac_gan(beta=1.0), ValueError, "beta must be in"),
    (lambda: gan.dirac_gan(beta="0.5"), TypeError, "beta must be a real number"),
    (lambda: gan.dirac_gan(generator_loss="wasserstein"), ValueError, "generator_loss must be one of"),
    (lambda: gan.dirac_gan(generator_loss=["minimax"]), TypeError, "generator_loss must be a string"),
    (lambda: gan.dirac_gan(theta=float("nan")), ValueError, "theta must be finite"),
    (lambda: gan.dirac_gan(steps=2.0), TypeError, "steps must be an integer"),
    (lambda: gan.train_gan(lr=0.0), ValueError, "lr must be > 0"),
    (lambda: gan.train_gan(steps=0), ValueError, "steps must be >= 1"),
    (lambda: gan.train_gan(warmup=-1), ValueError, "warmup must be >= 0"),
    (lambda: gan.train_gan(seed=-1), ValueError, "seed must be >= 0"),
    (lambda: gan.train_gan(seed=1.5), TypeError, "seed must be an integer"),
    (lambda: gan.train_gan(data_mean=None), TypeError, "data_mean must be a real number"),
    (lambda: gan.train_gan(data_std=0.0), ValueError, "data_std must be > 0"),
    (lambda: gan.train_gan(record_every=0), ValueError, "record_every must be >= 1"),
    (lambda: gan.train_gan(batch=True), TypeError, "batch must be an integer"),
]


@pytest.mark.parametrize("call, error, words", BAD, ids=[b[2] for b in BAD])
def test_bad_input_names_the_argument(call, error, words):
    with pytest.raises(error, match=words):
        call()
