"""Generative models (生成模型): generative vs discriminative, a tiny GAN, a tiny VAE and a tiny 2-D DDPM,
from scratch in torch (one flat parameter vector per network, Adam written out), seeded and deterministic.

See chapter: chapters/generative.md
"""

from mlnotes.generative.diffusion import (DDPM, DDPMConfig, alpha_bars, chain_noise, fourier_features, fraction_near,
                                          linear_betas, q_chain, q_sample, timestep_embedding, train_ddpm)
from mlnotes.generative.discriminative import (bayes_posterior, gaussian_log_likelihood, neighbour_correlation,
                                               sample_class_conditional)
from mlnotes.generative.elbo import LinearGaussian, kl_normal
from mlnotes.generative.gan import (GANConfig, GANRun, discriminator_loss, generator_logit_grad, generator_loss,
                                    train_gan)
from mlnotes.generative.gan_experiments import (Coverage, Saturation, generator_alone, generator_samples,
                                                mode_coverage, saturation)
from mlnotes.generative.vae import VAE, VAEConfig, gaussian_kl, kl_monte_carlo, reparameterize, train_vae, vae_loss

__all__ = [
    "gaussian_log_likelihood", "bayes_posterior", "sample_class_conditional", "neighbour_correlation",
    "discriminator_loss", "generator_loss", "generator_logit_grad", "GANConfig", "GANRun", "train_gan",
    "mode_coverage", "Coverage", "generator_alone", "generator_samples", "saturation", "Saturation",
    "reparameterize", "gaussian_kl", "kl_monte_carlo", "vae_loss", "VAEConfig", "VAE", "train_vae",
    "LinearGaussian", "kl_normal",
    "linear_betas", "alpha_bars", "fourier_features", "q_sample", "q_chain", "chain_noise", "timestep_embedding", "DDPMConfig", "DDPM",
    "train_ddpm", "fraction_near",
]
