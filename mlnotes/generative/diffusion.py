r"""Denoising diffusion (扩散模型, DDPM; Ho et al. 2020) on 2-D points: forward noising, the loss, sampling.

**Forward process** (fixed, no parameters), for $t = 1, \dots, T$ with a schedule $\beta_t \in (0, 1)$:
$$q(x_t\mid x_{t-1}) = \mathcal N\big(\sqrt{1-\beta_t}\,x_{t-1},\ \beta_t I\big).$$
With $\alpha_t = 1-\beta_t$ and $\bar\alpha_t = \prod_{s=1}^t \alpha_s$ ($\bar\alpha_0 = 1$), the chain collapses to
$$q(x_t\mid x_0) = \mathcal N\big(\sqrt{\bar\alpha_t}\,x_0,\ (1-\bar\alpha_t) I\big),\qquad
x_t = \sqrt{\bar\alpha_t}\,x_0 + \sqrt{1-\bar\alpha_t}\,\varepsilon .$$
Run step by step with noises $\varepsilon_1..\varepsilon_t$, the chain lands *exactly* on this formula with
$\bar\varepsilon = \sum_{s=1}^t \sqrt{\bar\alpha_t\beta_s/\bar\alpha_s}\;\varepsilon_s \big/ \sqrt{1-\bar\alpha_t}$,
itself $\mathcal N(0, I)$ because the weights' squares sum to 1 (:func:`chain_noise`).

**Loss**: a network $\varepsilon_\theta(x_t, t)$ predicts the noise; $L = \mathbb E_{x_0, t, \varepsilon}
\lVert\varepsilon - \varepsilon_\theta(\sqrt{\bar\alpha_t}x_0 + \sqrt{1-\bar\alpha_t}\varepsilon,\ t)\rVert^2$,
$t$ uniform on $1..T$. The network is an MLP on $[\gamma(x_t), e(t)]$: Fourier features
$\gamma(x) = [x, \sin 2^k x, \cos 2^k x]_{k<K}$ (Tancik et al. 2020; they let a small MLP fit the sharp noise
field near the data) and sinusoidal step features $e(t)$.

**Sampling** (ancestral): $x_T \sim \mathcal N(0, I)$, then for $t = T, \dots, 1$
$$x_{t-1} = \frac{1}{\sqrt{\alpha_t}}\Big(x_t - \frac{\beta_t}{\sqrt{1-\bar\alpha_t}}\,\varepsilon_\theta(x_t, t)\Big) + \sigma_t z,
\qquad z \sim \mathcal N(0, I),$$
with $\sigma_t^2 = \tilde\beta_t = \frac{1-\bar\alpha_{t-1}}{1-\bar\alpha_t}\beta_t$, the variance of the true
posterior $q(x_{t-1}\mid x_t, x_0)$ (one of the paper's two choices; $\tilde\beta_1 = 0$, so the last step adds no noise).

Indexing: ``betas[t - 1]`` is $\beta_t$ (length $T$); ``alpha_bar[t]`` is $\bar\alpha_t$ (length $T+1$, ``alpha_bar[0] = 1``).

See chapter: chapters/generative.md
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from mlnotes._checks import check_int, check_real
from mlnotes.generative._nn import MLP, Adam, one_thread
from mlnotes.generative._validate import float_tensor


def linear_betas(T=50, beta_1=1e-4, beta_T=0.2):
    """β_1..β_T evenly spaced from ``beta_1`` to ``beta_T``: a float64 tensor (T,).

    See chapter: chapters/generative.md
    """
    import torch

    T, b1, bT = _check_schedule(T, beta_1, beta_T)
    return torch.linspace(b1, bT, T, dtype=torch.float64)


def _check_schedule(T, beta_1, beta_T):
    """(T, β_1, β_T) checked: T an int ≥ 1, both betas in (0, 1) (no torch: the configs check at import time)."""
    T = check_int("T", T, low=1)
    b1 = check_real("beta_1", beta_1, low=0.0, high=1.0, low_open=True, high_open=True)
    bT = check_real("beta_T", beta_T, low=0.0, high=1.0, low_open=True, high_open=True)
    return T, b1, bT


def alpha_bars(betas):
    """ᾱ_0..ᾱ_T: ᾱ_0 = 1, ᾱ_t = Π_{s≤t} (1 − β_s); a tensor (T + 1,) of betas' dtype.

    See chapter: chapters/generative.md
    """
    import torch

    float_tensor("betas", betas, ndim=1)
    if len(betas) == 0 or bool(((betas <= 0) | (betas >= 1)).any()):
        raise ValueError("betas must be a non-empty 1-D tensor of values in (0, 1)")
    return torch.cat([betas.new_ones(1), torch.cumprod(1 - betas, 0)])


def _check_t(t, T):
    """t as a long tensor of steps in [0, T]."""
    import torch

    if isinstance(t, bool) or not isinstance(t, (int, np.integer, torch.Tensor)):
        raise TypeError(f"t must be an int or an integer tensor of steps, got {type(t).__name__}")
    t = torch.as_tensor(t)
    if t.is_floating_point() or t.dtype == torch.bool:
        raise TypeError(f"t must hold integer steps, got dtype {t.dtype}")
    if bool(((t < 0) | (t > T)).any()):
        raise ValueError(f"t must be in [0, {T}] (0 = data, {T} = the last step), got {t.tolist()}")
    return t.long()


def q_sample(x0, t, noise, alpha_bar):
    """x_t = √ᾱ_t · x0 + √(1 − ᾱ_t) · ε: a sample of q(x_t | x_0) in one step.

    ``x0``, ``noise`` (B, d) floating, one dtype; ``t`` an int or (B,) integer tensor in [0, T];
    ``alpha_bar`` (T + 1,) from :func:`alpha_bars` → x_t (B, d) of x0's dtype.
    See chapter: chapters/generative.md
    """
    float_tensor("x0", x0, ndim=2)
    float_tensor("noise", noise, ndim=2)
    float_tensor("alpha_bar", alpha_bar, ndim=1)
    if x0.shape != noise.shape or x0.dtype != noise.dtype:
        raise ValueError(f"x0 and noise must match in shape and dtype, got {tuple(x0.shape)} {x0.dtype} and "
                         f"{tuple(noise.shape)} {noise.dtype}")
    t = _check_t(t, len(alpha_bar) - 1)
    if t.ndim == 1 and len(t) != len(x0):
        raise ValueError(f"t must be an int or have one step per row of x0 ({len(x0)}), got {len(t)}")
    return _q_sample(x0, t, noise, alpha_bar)


def _q_sample(x0, t, noise, alpha_bar):
    ab = alpha_bar[t].to(x0.dtype).reshape(-1, 1)  # (B, 1) or (1, 1): ᾱ_t per row
    return ab.sqrt() * x0 + (1 - ab).sqrt() * noise  # √ᾱ_t x0 + √(1 − ᾱ_t) ε


def q_chain(x0, noises, betas):
    """Run the forward chain step by step: x_s = √(1 − β_s) x_{s−1} + √β_s ε_s for s = 1..t, with t = len(noises).

    ``x0`` (B, d), ``noises`` (t, B, d), ``betas`` (T,) with T ≥ t → x_t (B, d).
    See chapter: chapters/generative.md
    """
    float_tensor("x0", x0, ndim=2)
    float_tensor("noises", noises, ndim=3)
    float_tensor("betas", betas, ndim=1)
    if noises.shape[1:] != x0.shape or len(noises) > len(betas):
        raise ValueError(f"noises must have shape (t, *x0.shape) with t <= len(betas) = {len(betas)}, "
                         f"got {tuple(noises.shape)}")
    x = x0
    for s in range(len(noises)):
        beta = betas[s].to(x0.dtype)
        x = (1 - beta).sqrt() * x + beta.sqrt() * noises[s]  # one step of q(x_s | x_{s−1})
    return x


def chain_noise(noises, betas):
    """The single ε̄ with which :func:`q_sample` reproduces :func:`q_chain` exactly (same shapes as one noise).

    ε̄ = Σ_s √(ᾱ_t β_s / ᾱ_s) ε_s / √(1 − ᾱ_t): a weighted sum of standard normals whose weights' squares sum to 1.
    See chapter: chapters/generative.md
    """
    float_tensor("noises", noises, ndim=3)
    ab = alpha_bars(betas)
    t = len(noises)
    if t == 0 or t > len(betas):
        raise ValueError(f"noises must hold 1..{len(betas)} steps, got {t}")
    weights = (ab[t] * betas[:t] / ab[1:t + 1]).sqrt() / (1 - ab[t]).sqrt()  # (t,)
    return (weights.to(noises.dtype).reshape(-1, 1, 1) * noises).sum(0)


def fourier_features(x, K=4):
    """[x, sin(2^k x), cos(2^k x)] for k < K, per coordinate: x (B, d) → (B, d·(1 + 2K)) of x's dtype."""
    import torch

    if K == 0:
        return x
    freqs = 2.0 ** torch.arange(K, dtype=x.dtype)  # (K,)
    angles = (x[:, :, None] * freqs).reshape(len(x), -1)  # (B, d·K)
    return torch.cat([x, angles.sin(), angles.cos()], dim=1)


def timestep_embedding(t, dim=16):
    """Sinusoidal features of the step t (B,) → (B, dim) float32: sin and cos of t·ω_i, ω_i = 100^(−i/(dim/2))."""
    import torch

    freqs = torch.exp(-math.log(100.0) * torch.arange(dim // 2, dtype=torch.float32) / (dim // 2))  # (dim/2,)
    angles = t.float().reshape(-1, 1) * freqs  # (B, dim/2)
    return torch.cat([angles.sin(), angles.cos()], dim=1)


@dataclass(frozen=True)
class DDPMConfig:
    """Hyper-parameters of the tiny 2-D DDPM on two moons."""

    T: int = 50
    beta_1: float = 1e-4
    beta_T: float = 0.2
    hidden: int = 128
    embed_dim: int = 16
    fourier: int = 4
    steps: int = 1200
    batch_size: int = 256
    lr: float = 5e-3
    n_data: int = 4000
    noise: float = 0.1
    seed: int = 0

    def __post_init__(self):
        for name in ("T", "hidden", "embed_dim", "steps", "batch_size", "n_data"):
            check_int(name, getattr(self, name), low=1)
        if self.embed_dim % 2:
            raise ValueError(f"embed_dim must be even, got {self.embed_dim}")
        check_int("seed", self.seed, low=0)
        check_int("fourier", self.fourier, low=0)
        check_real("lr", self.lr, low=0.0, low_open=True)
        check_real("noise", self.noise, low=0.0)
        _check_schedule(self.T, self.beta_1, self.beta_T)  # as linear_betas checks it, without importing torch


@dataclass(frozen=True)
class DDPM:
    """A trained tiny DDPM: the noise predictor ε_θ(x_t, t), its schedule and the training losses."""

    config: DDPMConfig
    net: MLP
    theta: object  # flat parameters (detached)
    betas: object  # (T,) float64
    alpha_bar: object  # (T + 1,) float64
    data: np.ndarray  # (n_data, 2) the training points
    losses: np.ndarray  # (steps,)

    def predict_noise(self, x, t):
        """ε_θ(x_t, t) for x (B, 2) float32 and integer steps t (B,)."""
        import torch

        c = self.config
        return self.net(self.theta, torch.cat([fourier_features(x, c.fourier), timestep_embedding(t, c.embed_dim)], dim=1))

    def sample(self, n=2000, seed=0, keep=()) -> dict:
        """Ancestral sampling from x_T ~ N(0, I) down to x_0; {t: x_t (n, 2) float32} for t in ``keep`` and 0."""
        import torch

        with one_thread(), torch.no_grad():
            return _sample(torch, self, n, seed, set(keep) | {0})


def _p_sample_step(eps_pred, x, t, betas, alpha_bar, z):
    """x_{t−1} = (x_t − β_t/√(1 − ᾱ_t) · ε̂)/√α_t + σ_t z, σ_t² = β̃_t: one reverse step."""
    beta, ab, ab_prev = betas[t - 1], alpha_bar[t], alpha_bar[t - 1]
    mean = (x - float(beta / (1 - ab).sqrt()) * eps_pred) / float((1 - beta).sqrt())
    sigma = float((beta * (1 - ab_prev) / (1 - ab)).sqrt())  # √β̃_t; 0 at t = 1
    return mean + sigma * z


def _sample(torch, model: DDPM, n, seed, keep):
    gen = torch.Generator().manual_seed(seed)
    T = model.config.T
    x = torch.randn((n, 2), generator=gen)  # x_T
    out = {T: x.numpy().copy()} if T in keep else {}
    for t in range(T, 0, -1):
        eps_pred = model.predict_noise(x, torch.full((n,), t))
        x = _p_sample_step(eps_pred, x, t, model.betas, model.alpha_bar, torch.randn((n, 2), generator=gen))
        if t - 1 in keep:
            out[t - 1] = x.numpy().copy()
    return out


def _noise_prediction_loss(predict_noise, x0, t, noise, alpha_bar):
    """L = mean ‖ε − ε_θ(√ᾱ_t x0 + √(1 − ᾱ_t) ε, t)‖² over the batch and coordinates."""
    x_t = _q_sample(x0, t, noise, alpha_bar)  # (B, 2): noised in one step
    return ((noise - predict_noise(x_t, t)) ** 2).mean()  # ε_θ(x_t, t) vs the true ε


def train_ddpm(config: DDPMConfig = DDPMConfig()) -> DDPM:
    """Train ε_θ on two moons with Adam and a cosine-decayed learning rate (seeded, 1 thread).

    See chapter: chapters/generative.md
    """
    import torch

    from mlnotes.generative.data import moons

    if not isinstance(config, DDPMConfig):
        raise TypeError(f"config must be a DDPMConfig, got {type(config).__name__}")
    c = config
    with one_thread():
        data = moons(c.n_data, c.noise, c.seed)
        X = torch.from_numpy(data)
        betas = linear_betas(c.T, c.beta_1, c.beta_T)
        alpha_bar = alpha_bars(betas)
        gen = torch.Generator().manual_seed(c.seed)
        net = MLP((2 * (1 + 2 * c.fourier) + c.embed_dim, c.hidden, c.hidden, 2))
        theta = net.init(gen)
        model = DDPM(c, net, theta, betas, alpha_bar, data, np.zeros(0))  # θ trained in place below
        opt = Adam(theta, c.lr)
        losses = []
        for step in range(c.steps):
            opt.lr = c.lr * 0.5 * (1 + math.cos(math.pi * step / c.steps))  # cosine decay to 0
            x0 = X[torch.randint(0, len(X), (c.batch_size,), generator=gen)]  # (B, 2)
            t = torch.randint(1, c.T + 1, (c.batch_size,), generator=gen)  # (B,) uniform on 1..T
            noise = torch.randn((c.batch_size, 2), generator=gen)
            loss = _noise_prediction_loss(model.predict_noise, x0, t, noise, alpha_bar)
            opt.step(torch.autograd.grad(loss, theta)[0])
            losses.append(loss.item())
    return DDPM(c, net, theta.detach(), betas, alpha_bar, data, np.array(losses))


def fraction_near(samples, reference, radius=0.1) -> float:
    """Share of ``samples`` (n, 2) lying within ``radius`` of some point of ``reference`` (m, 2).

    A crude quality score for 2-D generators: held-out data score near 1, Gaussian noise far lower.
    See chapter: chapters/generative.md
    """
    from scipy.spatial import cKDTree

    S = np.asarray(samples, dtype=np.float64)
    R = np.asarray(reference, dtype=np.float64)
    for name, a in (("samples", S), ("reference", R)):
        if a.ndim != 2 or a.shape[1] != 2 or len(a) == 0 or not np.all(np.isfinite(a)):
            raise ValueError(f"{name} must be a finite array of shape (n, 2) with n >= 1, got {a.shape}")
    radius = check_real("radius", radius, low=0.0, low_open=True)
    dist, _ = cKDTree(R).query(S)
    return float(np.mean(dist < radius))
