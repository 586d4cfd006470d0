r"""Generative adversarial networks (生成对抗网络, GAN): the losses and a tiny GAN on a 2-D mixture.

A generator $G$ maps noise $z \sim \mathcal N(0, I)$ to samples $G(z)$; a discriminator $D$ outputs a
logit $a(x)$ with $D(x) = \sigma(a(x))$, the probability that $x$ is real. Goodfellow et al. (2014)
play the minimax game
$$\min_G \max_D\; V(D, G) = \mathbb E_{x\sim p_\text{data}}[\log D(x)] + \mathbb E_z[\log(1 - D(G(z)))].$$

* Discriminator loss (binary cross-entropy, real = 1, fake = 0), with $\log\sigma(a) = -\operatorname{softplus}(-a)$:
  $L_D = \operatorname{mean}\operatorname{softplus}(-a_\text{real}) + \operatorname{mean}\operatorname{softplus}(a_\text{fake})$.
* Generator, **minimax** (the game as written): minimize $\operatorname{mean}\log(1-D(G(z))) = -\operatorname{mean}\operatorname{softplus}(a_\text{fake})$;
  its derivative in the logit is $-\sigma(a) \to 0$ when $D(G(z)) \to 0$: it *saturates*.
* Generator, **non-saturating** (the paper's practical choice): minimize $-\operatorname{mean}\log D(G(z)) =
  \operatorname{mean}\operatorname{softplus}(-a_\text{fake})$; derivative $-(1-\sigma(a)) \to -1$ there.

Training alternates one discriminator step (generator fixed) and one generator step (discriminator
fixed), each with Adam. For a fixed $G$ the best discriminator is $D^*(x) = p_\text{data}/(p_\text{data}+p_g)$.

See chapter: chapters/generative.md
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlnotes._checks import check_int, check_real
from mlnotes.generative._nn import MLP, Adam, one_thread
from mlnotes.generative._validate import float_tensor

GENERATOR_LOSSES = ("non-saturating", "minimax")


def discriminator_loss(real_logits, fake_logits):
    """L_D = mean softplus(−a_real) + mean softplus(a_fake): BCE with labels 1 (real) and 0 (fake).

    Logit tensors of any shape and one floating dtype → a scalar tensor of that dtype.
    See chapter: chapters/generative.md
    """
    import torch.nn.functional as F

    float_tensor("real_logits", real_logits, finite=False)
    float_tensor("fake_logits", fake_logits, finite=False)
    return _discriminator_loss(F, real_logits, fake_logits)


def _discriminator_loss(F, real_logits, fake_logits):
    return F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()  # −log D(x) − log(1 − D(G(z)))


def generator_loss(fake_logits, kind="non-saturating"):
    """The generator's loss on the discriminator's logits for fakes: a scalar tensor of their dtype.

    ``kind="minimax"``: mean log(1 − D(G(z))) = −mean softplus(a); ``"non-saturating"``:
    −mean log D(G(z)) = mean softplus(−a). Raises ``ValueError`` for another kind.
    See chapter: chapters/generative.md
    """
    import torch.nn.functional as F

    float_tensor("fake_logits", fake_logits, finite=False)
    if kind not in GENERATOR_LOSSES:
        raise ValueError(f"kind must be one of {GENERATOR_LOSSES}, got {kind!r}")
    return _generator_loss(F, fake_logits, kind)


def _generator_loss(F, fake_logits, kind):
    if kind == "minimax":
        return -F.softplus(fake_logits).mean()  # mean log(1 − σ(a)): flat when σ(a) → 0
    return F.softplus(-fake_logits).mean()  # −mean log σ(a): slope −1 when σ(a) → 0


def generator_logit_grad(d_fake, kind="non-saturating") -> np.ndarray:
    """d(loss)/d(logit) of one fake sample as a function of D(G(z)) ∈ (0, 1), in closed form.

    minimax: d/da log(1 − σ(a)) = −σ(a) = −D; non-saturating: d/da −log σ(a) = −(1 − σ(a)) = −(1 − D).
    ``d_fake``: array-like of probabilities in (0, 1) → float64 array of the same shape.
    See chapter: chapters/generative.md
    """
    d = np.asarray(d_fake, dtype=np.float64)
    if not np.all((d > 0) & (d < 1)):
        raise ValueError("d_fake must hold probabilities strictly between 0 and 1")
    if kind not in GENERATOR_LOSSES:
        raise ValueError(f"kind must be one of {GENERATOR_LOSSES}, got {kind!r}")
    return -d if kind == "minimax" else -(1 - d)


@dataclass(frozen=True)
class GANConfig:
    """Hyper-parameters of the tiny GAN (data: the ring mixture of :mod:`mlnotes.generative.data`)."""

    modes: int = 8
    radius: float = 2.0
    std: float = 0.1
    steps: int = 500
    batch_size: int = 256
    hidden: int = 48
    z_dim: int = 2
    lr: float = 5e-3
    betas: tuple = (0.5, 0.999)
    loss: str = "non-saturating"
    snapshot_every: int = 100
    seed: int = 1

    def __post_init__(self):
        for name in ("modes", "steps", "batch_size", "hidden", "z_dim", "snapshot_every"):
            check_int(name, getattr(self, name), low=1)
        check_int("seed", self.seed, low=0)
        for name in ("radius", "lr"):
            check_real(name, getattr(self, name), low=0.0, low_open=True)
        check_real("std", self.std, low=0.0)
        if self.loss not in GENERATOR_LOSSES:
            raise ValueError(f"loss must be one of {GENERATOR_LOSSES}, got {self.loss!r}")


@dataclass(frozen=True)
class GANRun:
    """A trained tiny GAN: parameter snapshots by step, and the loss per step."""

    config: GANConfig
    generator: MLP
    discriminator: MLP
    snapshots: dict  # step -> (θ_G, θ_D), detached copies; step 0 = initial weights
    d_losses: np.ndarray  # (steps,)
    g_losses: np.ndarray  # (steps,)

    def sample(self, step, n=1000, seed=123) -> np.ndarray:
        """n generator samples (n, 2) float32 at a snapshot step, from a fixed seeded z."""
        import torch

        theta_g, _ = self.snapshots[step]
        z = torch.randn((n, self.config.z_dim), generator=torch.Generator().manual_seed(seed))
        with one_thread(), torch.no_grad():
            return self.generator(theta_g, z).numpy()

    def d_prob(self, step, X) -> np.ndarray:
        """D(x) = σ(a(x)) of the snapshot's discriminator at the points X (n, 2) → (n,) float32."""
        import torch

        _, theta_d = self.snapshots[step]
        with one_thread(), torch.no_grad():
            return torch.sigmoid(self.discriminator(theta_d, torch.as_tensor(X, dtype=torch.float32)))[:, 0].numpy()


def train_gan(config: GANConfig = GANConfig()) -> GANRun:
    """Train the tiny GAN on the ring mixture: alternate one D step and one G step (seeded, 1 thread).

    Deterministic: data and noise from a seeded numpy / torch generator, weights from a private
    generator, one CPU thread; two calls give bit-identical snapshots (tested).
    See chapter: chapters/generative.md
    """
    import torch

    if not isinstance(config, GANConfig):
        raise TypeError(f"config must be a GANConfig, got {type(config).__name__}")
    with one_thread():
        return _train(torch, config)


def gan_step(G, D, theta_g, theta_d, opt_g, opt_d, real, z, kind="non-saturating"):
    """One round of GAN training: a D step with G fixed, then a G step with D fixed. -> (loss_D, loss_G)."""
    import torch
    import torch.nn.functional as F

    B = len(real)
    fake = G(theta_g, z)  # (B, 2)
    # 1. D step: real → 1, fake → 0; fake is detached, so G is fixed
    logits = D(theta_d, torch.cat([real, fake.detach()]))  # (2B, 1)
    loss_d = _discriminator_loss(F, logits[:B], logits[B:])
    opt_d.step(torch.autograd.grad(loss_d, theta_d)[0])
    # 2. G step: make D call the fakes real; only θ_G is updated, so D is fixed
    loss_g = _generator_loss(F, D(theta_d, fake), kind)
    opt_g.step(torch.autograd.grad(loss_g, theta_g)[0])
    return loss_d.item(), loss_g.item()


def _train(torch, c: GANConfig) -> GANRun:
    from mlnotes.generative.data import ring_mixture

    gen = torch.Generator().manual_seed(c.seed)
    G = MLP((c.z_dim, c.hidden, c.hidden, 2))
    D = MLP((2, c.hidden, c.hidden, 1))
    theta_g, theta_d = G.init(gen), D.init(gen)
    opt_g, opt_d = Adam(theta_g, c.lr, c.betas), Adam(theta_d, c.lr, c.betas)
    real, _ = ring_mixture(c.steps * c.batch_size, c.modes, c.radius, c.std, seed=c.seed)
    real = torch.from_numpy(real).view(c.steps, c.batch_size, 2)  # (steps, B, 2)
    snapshots = {0: (theta_g.detach().clone(), theta_d.detach().clone())}
    losses = []
    for step in range(c.steps):
        z = torch.randn((c.batch_size, c.z_dim), generator=gen)
        losses.append(gan_step(G, D, theta_g, theta_d, opt_g, opt_d, real[step], z, c.loss))
        if (step + 1) % c.snapshot_every == 0 or step + 1 == c.steps:
            snapshots[step + 1] = (theta_g.detach().clone(), theta_d.detach().clone())
    d_losses, g_losses = np.array(losses).T
    return GANRun(c, G, D, snapshots, d_losses, g_losses)
