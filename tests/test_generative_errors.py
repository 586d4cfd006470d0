"""Bad inputs to mlnotes.generative raise the right exception, with a message naming the argument."""

import numpy as np
import pytest
import torch

from mlnotes import generative as gen
from mlnotes.generative import data

F64 = torch.float64
Z3 = torch.zeros(3, dtype=F64)
X2 = torch.zeros(4, 2, dtype=F64)
AB = gen.alpha_bars(gen.linear_betas(10))

BAD = [
    # GAN
    ("d loss numpy", lambda: gen.discriminator_loss(np.zeros(3), Z3), TypeError, r"real_logits must be a torch tensor"),
    ("d loss int", lambda: gen.discriminator_loss(Z3, torch.zeros(3, dtype=torch.long)), TypeError,
     r"fake_logits must be a floating tensor"),
    ("g loss kind", lambda: gen.generator_loss(Z3, "wasserstein"), ValueError, r"kind must be one of"),
    ("logit grad out of (0,1)", lambda: gen.generator_logit_grad([0.0, 0.5]), ValueError, r"strictly between 0 and 1"),
    ("logit grad kind", lambda: gen.generator_logit_grad([0.5], "x"), ValueError, r"kind must be one of"),
    ("gan config steps", lambda: gen.GANConfig(steps=0), ValueError, r"steps must be an integer >= 1"),
    ("gan config lr", lambda: gen.GANConfig(lr=-1.0), ValueError, r"lr must be > 0"),
    ("gan config loss", lambda: gen.GANConfig(loss="hinge"), ValueError, r"loss must be one of"),
    ("gan config type", lambda: gen.train_gan({"steps": 3}), TypeError, r"config must be a GANConfig"),
    ("coverage shape", lambda: gen.mode_coverage(np.zeros((3, 3)), data.ring_centers(), 0.1), ValueError,
     r"samples must have shape \(n, 2\)"),
    ("coverage centers", lambda: gen.mode_coverage(np.zeros((3, 2)), np.zeros(2), 0.1), ValueError,
     r"centers must have shape \(K, 2\)"),
    ("coverage std", lambda: gen.mode_coverage(np.zeros((3, 2)), data.ring_centers(), 0.0), ValueError,
     r"std must be > 0"),
    # VAE
    ("reparam numpy", lambda: gen.reparameterize(np.zeros(3), Z3, Z3), TypeError, r"mu must be a torch tensor"),
    ("reparam shape", lambda: gen.reparameterize(Z3, torch.zeros(4, dtype=F64), Z3), ValueError,
     r"mu and logvar must have the same shape"),
    ("reparam dtype", lambda: gen.reparameterize(Z3, Z3, Z3.float()), TypeError, r"mu and eps must have the same dtype"),
    ("reparam nan", lambda: gen.reparameterize(Z3, Z3 + float("nan"), Z3), ValueError, r"logvar must contain only finite"),
    ("kl int", lambda: gen.gaussian_kl(torch.tensor([1, 2]), torch.tensor([0, 0])), TypeError, r"floating"),
    ("kl 0-d", lambda: gen.gaussian_kl(torch.tensor(1.0), torch.tensor(0.0)), ValueError, r"last \(latent\) axis"),
    ("kl mc n", lambda: gen.kl_monte_carlo(Z3, Z3, n_samples=1), ValueError, r"n_samples must be an integer >= 2"),
    ("kl mc 2-d", lambda: gen.kl_monte_carlo(X2, X2), ValueError, r"mu must have 1 dimension"),
    ("vae loss x range", lambda: gen.vae_loss(X2 + 2, X2, X2, X2), ValueError, r"x must hold pixel intensities"),
    ("vae loss batch", lambda: gen.vae_loss(X2, X2, torch.zeros(3, 2, dtype=F64), torch.zeros(3, 2, dtype=F64)),
     ValueError, r"same batch size"),
    ("vae loss beta", lambda: gen.vae_loss(X2, X2, X2, X2, beta=-1), ValueError, r"beta must be >= 0"),
    ("vae config", lambda: gen.VAEConfig(latent=0), ValueError, r"latent must be an integer >= 1"),
    ("vae config type", lambda: gen.train_vae(None), TypeError, r"config must be a VAEConfig"),
    # ELBO model
    ("lg s", lambda: gen.LinearGaussian(s=0.0), ValueError, r"s must be > 0"),
    ("lg q_std", lambda: gen.LinearGaussian().elbo(1.0, 0.0, -1.0), ValueError, r"q_std must be > 0"),
    ("kl_normal s1", lambda: gen.kl_normal(0, 0, 0, 1), ValueError, r"s1 must be > 0"),
    ("lg x str", lambda: gen.LinearGaussian().log_evidence("1"), TypeError, r"x must be a real number"),
    # diffusion
    ("betas T", lambda: gen.linear_betas(0), ValueError, r"T must be an integer >= 1"),
    ("betas range", lambda: gen.linear_betas(10, beta_T=1.0), ValueError, r"beta_T must be in \(0.0, 1.0\)"),
    ("alpha bars range", lambda: gen.alpha_bars(torch.tensor([0.1, 1.0], dtype=F64)), ValueError, r"values in \(0, 1\)"),
    ("alpha bars empty", lambda: gen.alpha_bars(torch.zeros(0, dtype=F64)), ValueError, r"non-empty"),
    ("q_sample t > T", lambda: gen.q_sample(X2, 11, X2, AB), ValueError, r"t must be in \[0, 10\]"),
    ("q_sample t < 0", lambda: gen.q_sample(X2, torch.tensor([0, -1, 2, 3]), X2, AB), ValueError, r"t must be in"),
    ("q_sample t float", lambda: gen.q_sample(X2, torch.tensor([1.0] * 4), X2, AB), TypeError, r"integer steps"),
    ("q_sample t bool", lambda: gen.q_sample(X2, True, X2, AB), TypeError, r"t must be an int"),
    ("q_sample t rows", lambda: gen.q_sample(X2, torch.tensor([1, 2]), X2, AB), ValueError, r"one step per row"),
    ("q_sample noise", lambda: gen.q_sample(X2, 1, X2.float(), AB), ValueError, r"x0 and noise must match"),
    ("q_chain too long", lambda: gen.q_chain(X2, torch.zeros(11, 4, 2, dtype=F64), gen.linear_betas(10)), ValueError,
     r"t <= len\(betas\) = 10"),
    ("chain_noise empty", lambda: gen.chain_noise(torch.zeros(0, 4, 2, dtype=F64), gen.linear_betas(10)), ValueError,
     r"noises must hold 1..10 steps"),
    ("ddpm config embed", lambda: gen.DDPMConfig(embed_dim=15), ValueError, r"embed_dim must be even"),
    ("ddpm config beta", lambda: gen.DDPMConfig(beta_1=0.0), ValueError, r"beta_1 must be in"),
    ("ddpm config type", lambda: gen.train_ddpm(gen.VAEConfig()), TypeError, r"config must be a DDPMConfig"),
    ("fraction_near shape", lambda: gen.fraction_near(np.zeros(3), np.zeros((2, 2))), ValueError,
     r"samples must be a finite array of shape \(n, 2\)"),
    ("fraction_near radius", lambda: gen.fraction_near(np.zeros((1, 2)), np.zeros((2, 2)), 0), ValueError,
     r"radius must be > 0"),
    # generative vs discriminative
    ("loglik shapes", lambda: gen.gaussian_log_likelihood(np.zeros((2, 3)), np.zeros((2, 3)), np.ones((2, 4))),
     ValueError, r"means and variances must have shape \(K, 3\)"),
    ("loglik var", lambda: gen.gaussian_log_likelihood(np.zeros((2, 3)), np.zeros((2, 3)), np.zeros((2, 3))),
     ValueError, r"variances must be > 0"),
    ("posterior prior", lambda: gen.bayes_posterior(np.zeros((2, 3)), np.zeros(2)), ValueError,
     r"log_prior must have one entry per class \(3\)"),
    ("sample class", lambda: gen.sample_class_conditional(np.zeros((2, 3)), np.ones((2, 3)), 2, 1), ValueError,
     r"y must be an integer in \[0, 1\]"),
    ("neighbour shape", lambda: gen.neighbour_correlation(np.zeros((5, 10))), ValueError, r"shape \(n >= 2, 64\)"),
    ("neighbour constant", lambda: gen.neighbour_correlation(np.zeros((5, 64))), ValueError, r"constant"),
    ("ring modes", lambda: data.ring_centers(0), ValueError, r"modes must be an integer >= 1"),
    ("moons n", lambda: data.moons(1), ValueError, r"n must be an integer >= 2"),
]


@pytest.mark.parametrize("name,call,exc,match", BAD, ids=[b[0] for b in BAD])
def test_bad_input_raises(name, call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_generator_alone_rejects_unknown_snapshot():
    run = gen.train_gan(gen.GANConfig(steps=4, batch_size=8, snapshot_every=2))
    with pytest.raises(ValueError, match=r"from_step must be a snapshot step \[0, 2, 4\]"):
        gen.generator_alone(run, from_step=3)
