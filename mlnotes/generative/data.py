r"""The data of the generative-models chapter: seeded 2-D toy sets and scikit-learn's digits.

* ``ring_mixture``: a mixture of $K$ Gaussians with means on a circle of radius $r$,
  $p(x) = \frac1K\sum_k \mathcal N(x;\, r(\cos\tfrac{2\pi k}{K}, \sin\tfrac{2\pi k}{K}),\, s^2 I)$;
* ``moons``: scikit-learn's two moons with Gaussian noise, standardized per coordinate;
* ``digits01``: the 1797 8×8 digits of ``sklearn.datasets.load_digits``, pixels scaled from 0–16 to [0, 1].

Nothing is downloaded: the digits ship inside scikit-learn.

See chapter: chapters/generative.md
"""

from __future__ import annotations

import functools

import numpy as np

from mlnotes._checks import check_int, check_real


def ring_centers(modes=8, radius=2.0) -> np.ndarray:
    """The K mode centres (K, 2) on a circle of the given radius, the first on the positive x axis."""
    modes = check_int("modes", modes, low=1)
    radius = check_real("radius", radius, low=0.0, low_open=True)
    angle = 2 * np.pi * np.arange(modes) / modes
    return radius * np.stack([np.cos(angle), np.sin(angle)], axis=1)


def ring_mixture(n, modes=8, radius=2.0, std=0.1, seed=0) -> tuple[np.ndarray, np.ndarray]:
    """n points (n, 2) float32 from the ring mixture and their mode index (n,) int.

    See chapter: chapters/generative.md
    """
    n = check_int("n", n, low=1)
    std = check_real("std", std, low=0.0)
    rng = np.random.default_rng(check_int("seed", seed, low=0))
    centers = ring_centers(modes, radius)
    k = rng.integers(0, len(centers), n)
    X = centers[k] + std * rng.standard_normal((n, 2))
    return X.astype(np.float32), k


def moons(n, noise=0.1, seed=0) -> np.ndarray:
    """n points (n, 2) float32 of scikit-learn's two moons, standardized (mean 0, std 1 per coordinate).

    See chapter: chapters/generative.md
    """
    from sklearn.datasets import make_moons

    n = check_int("n", n, low=2)
    noise = check_real("noise", noise, low=0.0)
    X, _ = make_moons(n, noise=noise, random_state=check_int("seed", seed, low=0))
    return ((X - X.mean(0)) / X.std(0)).astype(np.float32)


@functools.lru_cache(maxsize=1)
def _digits():
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    return (X / 16.0).astype(np.float32), y


def digits01() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's digits: X (1797, 64) float32 in [0, 1] (8×8 images, row-major), y (1797,) labels 0–9.

    Returns copies, so a caller may modify them.
    See chapter: chapters/generative.md
    """
    X, y = _digits()
    return X.copy(), y.copy()
