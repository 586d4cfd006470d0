r"""The reparameterization trick and the DDPM forward process in numpy (no torch): the drills' browser references.

The rest of :mod:`mlnotes.generative` is torch code; the reader's browser (Pyodide) has no torch, so the
hand-write-it drills of chapters/generative.md compare there with these numpy twins, proven equal to the torch
functions (values and autograd gradients) in tests/test_generative_closed_forms.py.

* **Reparameterization**: $z = \mu + \exp(\tfrac12\log\sigma^2)\,\varepsilon$; for $L = \sum w \odot z$,
  $\partial L/\partial\mu = w$ and $\partial L/\partial\log\sigma^2 = \tfrac12\, w\,\sigma\,\varepsilon$.
* **Forward process**: $x_t = \sqrt{\bar\alpha_t}\,x_0 + \sqrt{1-\bar\alpha_t}\,\varepsilon$ with
  $\bar\alpha_t = \prod_{s=1}^t (1-\beta_s)$, from the schedule ``betas`` (T,) (``betas[t - 1]`` $= \beta_t$),
  one step $t \in 1..T$ per row of ``x0`` of any shape (B, ...).

The arrays keep their floating dtype (float32 in → float32 out).

See chapter: chapters/generative.md
"""

from __future__ import annotations

import numpy as np


def reparameterize_numpy(mu, logvar, eps) -> np.ndarray:
    """z = μ + exp(½ log σ²) · ε for numpy arrays of one shape: :func:`mlnotes.generative.reparameterize`, numpy.

    See chapter: chapters/generative.md
    """
    return mu + np.exp(0.5 * logvar) * eps  # the same operations in the same order as the torch function


def reparameterize_grads(mu, logvar, eps, weight) -> tuple:
    """(∂L/∂μ, ∂L/∂log σ²) of L = Σ weight · z in closed form: (weight, ½ · weight · σ · ε).

    See chapter: chapters/generative.md
    """
    return np.array(weight), 0.5 * weight * np.exp(0.5 * logvar) * eps


def alpha_bars_numpy(betas) -> np.ndarray:
    """ᾱ_0..ᾱ_T (T + 1,), ᾱ_0 = 1: :func:`mlnotes.generative.alpha_bars` in numpy.

    See chapter: chapters/generative.md
    """
    betas = np.asarray(betas)
    return np.concatenate([np.ones(1, dtype=betas.dtype), np.cumprod(1 - betas, axis=0)])


def q_sample_numpy(x0, t, noise, betas) -> np.ndarray:
    """x_t = √ᾱ_t · x0 + √(1 − ᾱ_t) · noise, one step t in 1..T per row of x0 (B, ...): the forward process.

    ``t`` (B,) integers; ``betas`` (T,). Equal to :func:`mlnotes.generative.q_sample` with
    :func:`mlnotes.generative.alpha_bars` (which takes (B, d) only). See chapter: chapters/generative.md
    """
    alpha_bar = np.cumprod(1 - betas, axis=0)  # alpha_bar[t - 1] = ᾱ_t
    a = alpha_bar[np.asarray(t) - 1].reshape(-1, *([1] * (np.ndim(x0) - 1)))  # (B, 1, ...): one ᾱ per row
    return np.sqrt(a) * x0 + np.sqrt(1 - a) * noise
