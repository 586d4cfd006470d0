r"""Experiments on the tiny GAN: mode coverage, mode collapse, and the saturating generator loss.

* **Coverage**: a sample is *near* mode $k$ if it lies within $3s$ of its centre ($s$ = the modes' std);
  a mode is *covered* if it holds at least a quarter of its fair share $n/K$ of the samples.
* **Mode collapse (模式崩溃)**: train $G$ alone against a frozen $D$ (the seeds' step 2, "fix D, train G",
  taken too far). The best response to a fixed $D$ puts all mass where $D$ is largest, so the samples
  pile onto one region.
* **Saturation**: train $D$ alone against the untrained $G$ until it rejects the fakes
  ($D(G(z)) \approx 0$), then compare the generator's gradient norm under the two losses.

See chapter: chapters/generative.md
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlnotes._checks import check_int, check_real
from mlnotes.generative._nn import MLP, Adam, one_thread
from mlnotes.generative.gan import GANRun, _discriminator_loss, _generator_loss


@dataclass(frozen=True)
class Coverage:
    """How a set of samples covers the modes of the ring mixture."""

    near: float  # fraction of samples within 3·std of some mode centre
    counts: np.ndarray  # (K,) samples near each mode
    covered: int  # modes holding at least a quarter of their fair share


def mode_coverage(samples, centers, std) -> Coverage:
    """Coverage of ``samples`` (n, 2) over the mode ``centers`` (K, 2) with the modes' ``std``.

    See chapter: chapters/generative.md
    """
    X = np.asarray(samples, dtype=np.float64)
    C = np.asarray(centers, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2 or len(X) == 0:
        raise ValueError(f"samples must have shape (n, 2) with n >= 1, got {X.shape}")
    if C.ndim != 2 or C.shape[1] != 2 or len(C) == 0:
        raise ValueError(f"centers must have shape (K, 2) with K >= 1, got {C.shape}")
    std = check_real("std", std, low=0.0, low_open=True)
    dist = np.linalg.norm(X[:, None, :] - C[None, :, :], axis=2)  # (n, K)
    near = dist.min(axis=1) < 3 * std
    counts = np.bincount(dist.argmin(axis=1)[near], minlength=len(C))
    covered = int(np.sum(counts >= 0.25 * len(X) / len(C)))
    return Coverage(float(near.mean()), counts, covered)


def generator_alone(run: GANRun, from_step=200, steps=(0, 50, 100, 200), lr=2e-2, seed=7) -> dict:
    """Train G alone against the frozen D of snapshot ``from_step``; θ_G at each of ``steps`` G-only steps.

    Returns {G-only step: θ_G}; sample them with :func:`generator_samples`.
    See chapter: chapters/generative.md
    """
    import torch
    import torch.nn.functional as F

    if from_step not in run.snapshots:
        raise ValueError(f"from_step must be a snapshot step {sorted(run.snapshots)}, got {from_step!r}")
    steps = sorted({check_int("steps[i]", s, low=0) for s in steps})
    c = run.config
    with one_thread():
        gen = torch.Generator().manual_seed(seed)
        theta_g = run.snapshots[from_step][0].clone().requires_grad_(True)
        theta_d = run.snapshots[from_step][1]  # frozen: never updated
        opt = Adam(theta_g, lr, c.betas)
        out = {0: theta_g.detach().clone()} if 0 in steps else {}
        for k in range(1, steps[-1] + 1):
            fake_logits = run.discriminator(theta_d, run.generator(theta_g, torch.randn((c.batch_size, c.z_dim),
                                                                                         generator=gen)))
            opt.step(torch.autograd.grad(_generator_loss(F, fake_logits, c.loss), theta_g)[0])
            if k in steps:
                out[k] = theta_g.detach().clone()
    return out


def generator_samples(run: GANRun, theta_g, n=1000, seed=123) -> np.ndarray:
    """n samples (n, 2) float32 of the generator with parameters θ_G, from the same fixed z as ``run.sample``."""
    import torch

    z = torch.randn((n, run.config.z_dim), generator=torch.Generator().manual_seed(seed))
    with one_thread(), torch.no_grad():
        return run.generator(theta_g, z).numpy()


@dataclass(frozen=True)
class Saturation:
    """The generator's gradient against a discriminator that rejects its samples."""

    d_fake: float  # mean D(G(z)) after training D alone
    grad_norm: dict  # loss kind -> ‖∂L_G/∂θ_G‖
    logit_grads: dict  # loss kind -> (n,) autograd d(loss·n)/d(logit) per sample
    d_values: np.ndarray  # (n,) D(G(z)) per sample


def saturation(run: GANRun, d_steps=200, n=1000, seed=5) -> Saturation:
    """Train a fresh D for ``d_steps`` against the *initial* G of ``run``, then measure G's gradients.

    See chapter: chapters/generative.md
    """
    import torch
    import torch.nn.functional as F

    from mlnotes.generative.data import ring_mixture

    d_steps = check_int("d_steps", d_steps, low=1)
    c = run.config
    with one_thread():
        gen = torch.Generator().manual_seed(seed)
        D = MLP((2, c.hidden, c.hidden, 1))
        theta_d = D.init(gen)
        opt = Adam(theta_d, c.lr, c.betas)
        theta_g0 = run.snapshots[0][0].clone().requires_grad_(True)
        real, _ = ring_mixture(d_steps * c.batch_size, c.modes, c.radius, c.std, seed=seed)
        real = torch.from_numpy(real).view(d_steps, c.batch_size, 2)
        for step in range(d_steps):
            with torch.no_grad():
                fake = run.generator(theta_g0, torch.randn((c.batch_size, c.z_dim), generator=gen))
            logits = D(theta_d, torch.cat([real[step], fake]))
            opt.step(torch.autograd.grad(_discriminator_loss(F, logits[:c.batch_size], logits[c.batch_size:]),
                                         theta_d)[0])
        theta_d = theta_d.detach()
        fake = run.generator(theta_g0, torch.randn((n, c.z_dim), generator=gen))  # (n, 2)
        logits = D(theta_d, fake)  # (n, 1)
        norms, logit_grads = {}, {}
        for kind in ("minimax", "non-saturating"):
            loss = _generator_loss(F, logits, kind)
            g_theta, g_logit = torch.autograd.grad(loss, (theta_g0, logits), retain_graph=True)
            norms[kind] = float(g_theta.norm())
            logit_grads[kind] = (g_logit[:, 0] * n).detach().numpy().astype(np.float64)  # undo the mean's 1/n
        d_values = torch.sigmoid(logits)[:, 0].detach().numpy().astype(np.float64)
    return Saturation(float(d_values.mean()), norms, logit_grads, d_values)
