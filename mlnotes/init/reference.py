"""PyTorch references for the initializers, and the Kolmogorov–Smirnov tests that compare draws (chapter, drills, tests).

The numpy functions here (:func:`normal_cdf`, :func:`kolmogorov_sf`, :func:`sigmoid_as_torch`) stand in for scipy's and
torch's in the drills' browser oracle (Pyodide: numpy only); ``tests/test_init.py`` proves them equal.

See chapter: chapters/initialization.md
"""

from __future__ import annotations

import math

import numpy as np

_SQRT1_2 = math.sqrt(0.5)


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


def ks_1samp(x, cdf, *, sf=None) -> tuple[float, float]:
    """One-sample Kolmogorov–Smirnov test of draws ``x`` against a CDF: (D, asymptotic two-sided p-value).

    The p-value is ``sf(√n·D)``, the Kolmogorov distribution's tail: ``scipy.special.kolmogorov`` by default,
    or e.g. :func:`kolmogorov_sf` (numpy only).
    """
    if sf is None:
        from scipy.special import kolmogorov as sf

    x = np.sort(np.ravel(x))
    n = x.size
    f = cdf(x)
    d = float(max(np.max(np.arange(1, n + 1) / n - f), np.max(f - np.arange(n) / n)))
    return d, float(sf(np.sqrt(n) * d))


def kolmogorov_sf(y) -> float:
    r"""P(K > y) for the Kolmogorov distribution (the KS p-value at √n·D), in plain float arithmetic.

    $P(K > y) = 2\sum_{k\ge1} (-1)^{k-1} e^{-2k^2y^2}$ for $y \ge 0.82$; below, where that series converges
    slowly, $1 - \frac{\sqrt{2\pi}}{y}\sum_{k\ge1} e^{-(2k-1)^2\pi^2/(8y^2)}$ (the same distribution).
    Equal to ``scipy.special.kolmogorov`` (tests/test_init.py).
    """
    y = float(y)
    if y <= 0:
        return 1.0
    if y < 0.82:
        w = math.pi**2 / (8 * y * y)
        cdf = sum(math.exp(-(2 * k - 1) ** 2 * w) for k in range(1, 8)) * math.sqrt(2 * math.pi) / y
        return 1.0 - cdf
    total = 0.0
    for k in range(1, 101):
        term = math.exp(-2 * k * k * y * y)
        total += term if k % 2 else -term
        if term < 1e-17 * total:
            break
    return min(2 * total, 1.0)


def normal_cdf(x) -> np.ndarray:
    """Φ(x) elementwise (float64 array), scipy's ``ndtr`` in the standard library's erf/erfc.

    The same branches as cephes' ``ndtr``: ½ + ½·erf(x/√2) near 0, ½·erfc(|x|/√2) in the tails (1 − that for
    x > 0), so no cancellation for x ≪ 0. Equal to ``scipy.special.ndtr`` to within 1e-16 (tests/test_init.py).
    """
    x = np.asarray(x, dtype=float)
    out = np.empty(x.shape)
    flat = out.reshape(-1)
    for i, v in enumerate(x.ravel().tolist()):
        t = v * _SQRT1_2
        if abs(t) < _SQRT1_2:
            flat[i] = 0.5 + 0.5 * math.erf(t)
        else:
            tail = 0.5 * math.erfc(abs(t))
            flat[i] = 1.0 - tail if t > 0 else tail
    return out


def sigmoid_as_torch(x) -> np.ndarray:
    """``torch.sigmoid`` in float64, in numpy: 1/(1 + e^{−x}) as torch computes it.

    Unlike a stable sigmoid it returns exactly 0 for x < −709.78, where e^{−x} overflows (the exact value is a
    subnormal down to x ≈ −745); torch does the same. Equal to ``torch.sigmoid`` (tests/test_init.py).
    """
    x = np.asarray(x, dtype=float)
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-x))
