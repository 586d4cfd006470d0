"""PyTorch references for the initializers, and the Kolmogorov–Smirnov tests that compare draws (chapter, drills, tests).

See chapter: chapters/initialization.md
"""

from __future__ import annotations

import numpy as np


def torch_draw(fill, shape, seed: int = 0) -> np.ndarray:
    """``fill(torch.empty(shape, float64))`` right after ``torch.manual_seed(seed)``, as a numpy array.

    ``fill`` is e.g. ``torch.nn.init.xavier_uniform_`` or ``lambda t: t.uniform_(-a, a)``: two fills that
    draw the same distribution with the same parameters give bit-identical arrays.
    """
    import torch

    torch.manual_seed(seed)
    return fill(torch.empty(shape, dtype=torch.float64)).numpy()


def ks_2samp(x, y) -> tuple[float, float]:
    """Two-sample Kolmogorov–Smirnov test: (D = max |F_x − F_y|, asymptotic two-sided p-value).

    The p-value is the Kolmogorov distribution's tail at √(nm/(n+m))·D (``scipy.special.kolmogorov``), which is
    what ``scipy.stats.ks_2samp`` approaches for large samples; here without importing ``scipy.stats``.
    """
    from scipy.special import kolmogorov

    x, y = np.sort(np.ravel(x)), np.sort(np.ravel(y))
    both = np.concatenate([x, y])
    d = float(np.max(np.abs(np.searchsorted(x, both, "right") / x.size - np.searchsorted(y, both, "right") / y.size)))
    en = x.size * y.size / (x.size + y.size)
    return d, float(kolmogorov(np.sqrt(en) * d))


def ks_1samp(x, cdf) -> tuple[float, float]:
    """One-sample Kolmogorov–Smirnov test of draws ``x`` against a CDF: (D, asymptotic two-sided p-value)."""
    from scipy.special import kolmogorov

    x = np.sort(np.ravel(x))
    n = x.size
    f = cdf(x)
    d = float(max(np.max(np.arange(1, n + 1) / n - f), np.max(f - np.arange(n) / n)))
    return d, float(kolmogorov(np.sqrt(n) * d))
