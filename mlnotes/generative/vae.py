r"""Variational autoencoders (变分自编码器, VAE): reparameterization, the Gaussian KL, the ELBO, a tiny VAE.

An encoder maps $x$ to a Gaussian $q_\phi(z\mid x) = \mathcal N(\mu, \operatorname{diag}\sigma^2)$ (it
outputs $\mu$ and $\log\sigma^2$); a decoder maps $z$ to $p_\theta(x\mid z)$, here independent
Bernoulli pixels with logits $f_\theta(z)$. The prior is $p(z) = \mathcal N(0, I)$. Training maximizes
the **evidence lower bound (证据下界, ELBO)**
$$\log p_\theta(x) \;\ge\; \text{ELBO} = \underbrace{\mathbb E_{q}[\log p_\theta(x\mid z)]}_{\text{reconstruction}}
- \underbrace{D_\text{KL}(q_\phi(z\mid x)\,\|\,p(z))}_{\text{KL}},$$
so the loss is $-\text{ELBO}$ = reconstruction error + KL (per example, averaged over the batch).

* **Reparameterization (重参数化)**: $z = \mu + \sigma \odot \varepsilon$, $\varepsilon\sim\mathcal N(0, I)$,
  $\sigma = \exp(\tfrac12\log\sigma^2)$. The randomness sits in $\varepsilon$, so $\partial z/\partial\mu = 1$
  and $\partial z/\partial\sigma = \varepsilon$ and gradients flow through the sample.
* **KL in closed form**, summed over the $k$ latent dimensions:
  $D_\text{KL}(\mathcal N(\mu,\sigma^2)\,\|\,\mathcal N(0,1)) = \tfrac12\sum_j(\mu_j^2 + \sigma_j^2 - 1 - \log\sigma_j^2)$.
* The expectation in the reconstruction term is estimated with one sample $z$ per example.

See chapter: chapters/generative.md
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlnotes._checks import check_int, check_real
from mlnotes.generative._nn import MLP, Adam, one_thread
from mlnotes.generative._validate import float_tensor, same_dtype, same_shape


def reparameterize(mu, logvar, eps):
    """z = μ + exp(½ log σ²) · ε: a sample of N(μ, σ²) that is differentiable in μ and log σ².

    ``mu``, ``logvar``, ``eps``: floating tensors of one shape and dtype → z of that shape and dtype.
    See chapter: chapters/generative.md
    """
    for name, t in (("mu", mu), ("logvar", logvar), ("eps", eps)):
        float_tensor(name, t)
    same_shape("mu", mu, "logvar", logvar)
    same_shape("mu", mu, "eps", eps)
    same_dtype("mu", mu, "logvar", logvar)
    same_dtype("mu", mu, "eps", eps)
    return _reparameterize(mu, logvar, eps)


def _reparameterize(mu, logvar, eps):
    return mu + (0.5 * logvar).exp() * eps  # σ = exp(½ log σ²); the noise is an input, not a sampled node


def gaussian_kl(mu, logvar):
    """D_KL(N(μ, diag σ²) ‖ N(0, I)) = ½ Σ_j (μ_j² + σ_j² − 1 − log σ_j²), summed over the last axis.

    ``mu``, ``logvar`` (..., k) floating, one dtype → (...,) of that dtype (≥ 0).
    See chapter: chapters/generative.md
    """
    float_tensor("mu", mu)
    float_tensor("logvar", logvar)
    same_shape("mu", mu, "logvar", logvar)
    if mu.ndim == 0:
        raise ValueError("mu must have a last (latent) axis, got a 0-d tensor")
    same_dtype("mu", mu, "logvar", logvar)
    return _gaussian_kl(mu, logvar)


def _gaussian_kl(mu, logvar):
    return 0.5 * (mu**2 + logvar.exp() - 1.0 - logvar).sum(-1)  # (...,)


def kl_monte_carlo(mu, logvar, n_samples=100_000, seed=0):
    """A Monte Carlo estimate of the same KL: mean over z ~ q of log q(z) − log p(z), and its standard error.

    ``mu``, ``logvar`` (k,) float64 tensors → (estimate, standard error) as floats.
    See chapter: chapters/generative.md
    """
    import torch

    float_tensor("mu", mu, ndim=1)
    float_tensor("logvar", logvar, ndim=1)
    same_shape("mu", mu, "logvar", logvar)
    n = check_int("n_samples", n_samples, low=2)
    gen = torch.Generator().manual_seed(check_int("seed", seed, low=0))
    eps = torch.randn((n, mu.shape[0]), generator=gen, dtype=mu.dtype)  # (n, k)
    z = _reparameterize(mu, logvar, eps)
    log_q = (-0.5 * (eps**2 + logvar + np.log(2 * np.pi))).sum(-1)  # log N(z; μ, σ²), with (z − μ)/σ = ε
    log_p = (-0.5 * (z**2 + np.log(2 * np.pi))).sum(-1)  # log N(z; 0, I)
    diff = log_q - log_p  # (n,)
    return float(diff.mean()), float(diff.std() / np.sqrt(n))


def vae_loss(x, x_logits, mu, logvar, beta=1.0):
    """−ELBO per example, averaged over the batch: (loss, reconstruction, kl) as scalar tensors.

    reconstruction = Σ_pixels BCE(x_logits, x) (Bernoulli decoder; x in [0, 1]), kl = :func:`gaussian_kl`;
    loss = reconstruction + β·kl (β = 1 is the VAE; β > 1 the β-VAE). ``x``, ``x_logits`` (B, d); ``mu``,
    ``logvar`` (B, k); one floating dtype.
    See chapter: chapters/generative.md
    """
    import torch.nn.functional as F

    for name, t in (("x", x), ("x_logits", x_logits), ("mu", mu), ("logvar", logvar)):
        float_tensor(name, t, ndim=2)
    same_shape("x", x, "x_logits", x_logits)
    same_shape("mu", mu, "logvar", logvar)
    if mu.shape[0] != x.shape[0]:
        raise ValueError(f"mu and x must have the same batch size, got {mu.shape[0]} and {x.shape[0]}")
    if bool(((x < 0) | (x > 1)).any()):
        raise ValueError("x must hold pixel intensities in [0, 1] (the decoder is Bernoulli)")
    beta = check_real("beta", beta, low=0.0)
    return _vae_loss(F, x, x_logits, mu, logvar, beta)


def _vae_loss(F, x, x_logits, mu, logvar, beta):
    recon = F.binary_cross_entropy_with_logits(x_logits, x, reduction="none").sum(-1).mean()  # −E_q log p(x|z)
    kl = _gaussian_kl(mu, logvar).mean()  # KL(q(z|x) ‖ N(0, I))
    return recon + beta * kl, recon, kl


@dataclass(frozen=True)
class VAEConfig:
    """Hyper-parameters of the tiny VAE on scikit-learn's digits."""

    latent: int = 2
    hidden: int = 128
    epochs: int = 30
    batch_size: int = 128
    lr: float = 3e-3
    beta: float = 1.0
    seed: int = 0

    def __post_init__(self):
        for name in ("latent", "hidden", "epochs", "batch_size"):
            check_int(name, getattr(self, name), low=1)
        check_int("seed", self.seed, low=0)
        check_real("lr", self.lr, low=0.0, low_open=True)
        check_real("beta", self.beta, low=0.0)


@dataclass(frozen=True)
class VAE:
    """A trained tiny VAE: encoder 64 → h → (μ, log σ²) of size k, decoder k → h → 64 logits."""

    config: VAEConfig
    encoder: MLP
    decoder: MLP
    theta_enc: object  # flat parameter tensors (detached)
    theta_dec: object
    history: np.ndarray  # (epochs, 3): mean loss, reconstruction, kl per epoch

    def encode(self, X):
        """(μ, log σ²) of q(z|x) for X (n, 64) in [0, 1] → two (n, k) float32 arrays."""
        import torch

        with one_thread(), torch.no_grad():
            out = self.encoder(self.theta_enc, torch.as_tensor(np.asarray(X, dtype=np.float32)))
        k = self.config.latent
        return out[:, :k].numpy(), out[:, k:].numpy()

    def decode(self, Z):
        """Pixel probabilities σ(f(z)) (n, 64) float32 for latent codes Z (n, k)."""
        import torch

        with one_thread(), torch.no_grad():
            return torch.sigmoid(self.decoder(self.theta_dec, torch.as_tensor(np.asarray(Z, dtype=np.float32)))).numpy()

    def reconstruct(self, X):
        """The decoded means σ(f(μ(x))) (n, 64) of X: the reconstruction without sampling noise."""
        return self.decode(self.encode(X)[0])


def train_vae(config: VAEConfig = VAEConfig()) -> VAE:
    """Train the tiny VAE on the 1797 digits with Adam, minimizing :func:`vae_loss` (seeded, 1 thread).

    See chapter: chapters/generative.md
    """
    import torch

    if not isinstance(config, VAEConfig):
        raise TypeError(f"config must be a VAEConfig, got {type(config).__name__}")
    with one_thread():
        return _train(torch, config)


def _train(torch, c: VAEConfig) -> VAE:
    import torch.nn.functional as F

    from mlnotes.generative.data import digits01

    X = torch.from_numpy(digits01()[0])  # (1797, 64)
    gen = torch.Generator().manual_seed(c.seed)
    enc = MLP((64, c.hidden, 2 * c.latent))
    dec = MLP((c.latent, c.hidden, 64))
    theta_e, theta_d = enc.init(gen), dec.init(gen)
    opt_e, opt_d = Adam(theta_e, c.lr), Adam(theta_d, c.lr)
    history = []
    for _ in range(c.epochs):
        perm = torch.randperm(len(X), generator=gen)
        totals = np.zeros(3)
        for i in range(0, len(X), c.batch_size):
            xb = X[perm[i:i + c.batch_size]]  # (B, 64)
            h = enc(theta_e, xb)  # (B, 2k)
            mu, logvar = h[:, :c.latent], h[:, c.latent:]
            z = _reparameterize(mu, logvar, torch.randn(mu.shape, generator=gen))  # (B, k)
            loss, recon, kl = _vae_loss(F, xb, dec(theta_d, z), mu, logvar, c.beta)
            g_e, g_d = torch.autograd.grad(loss, (theta_e, theta_d))
            opt_e.step(g_e)
            opt_d.step(g_d)
            totals += len(xb) * np.array([loss.item(), recon.item(), kl.item()])
        history.append(totals / len(X))
    return VAE(c, enc, dec, theta_e.detach(), theta_d.detach(), np.array(history))
