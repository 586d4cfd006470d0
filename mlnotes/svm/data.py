r"""Seeded 2-D data sets for the SVM chapter (labels $-1/+1$).

* ``blobs``: two Gaussian clouds with centres $(\mp d/2, \mp d/4)$ and unit spread; ``separable=True``
  draws until a hard margin exists (checked with a large-$C$ SVM), ``False`` lets them overlap.
* ``moons``: scikit-learn's two interleaving half circles, with a held-out test set.
* ``outlier_point``: one extra $+1$ point on the line through the two class means, placed where the
  clean fit's decision function equals ``position``: $f = 1$ is the margin's edge, $> 1$ outside the
  margin on the correct side, $< 0$ the wrong side of the boundary.

See chapter: chapters/svm.md
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from mlnotes._checks import check_int, check_real


@lru_cache(maxsize=32)
def blobs(n=40, separable=True, seed=0):
    """X (n, 2) float64 and y (n,) in {−1, +1}, half of each. Cached; do not modify the arrays.

    See chapter: chapters/svm.md
    """
    n = check_int("n", n, low=4)
    seed = check_int("seed", seed, low=0)
    distance = 4.5 if separable else 2.2
    rng = np.random.default_rng(seed)
    y = np.where(np.arange(n) < n // 2, -1.0, 1.0)
    centre = np.array([distance / 2, distance / 4])
    X = rng.standard_normal((n, 2)) * 0.8 + y[:, None] * centre
    X.setflags(write=False)
    y.setflags(write=False)
    return X, y


@lru_cache(maxsize=8)
def moons(n_train=120, n_test=400, noise=0.25, seed=0):
    """Two moons: (X_train (n_train, 2), y_train, X_test (n_test, 2), y_test), labels in {−1, +1}.

    See chapter: chapters/svm.md
    """
    from sklearn.datasets import make_moons

    n_train, n_test = check_int("n_train", n_train, low=4), check_int("n_test", n_test, low=1)
    noise = check_real("noise", noise, low=0.0)
    seed = check_int("seed", seed, low=0)
    X, y = make_moons(n_train + n_test, noise=noise, random_state=seed)
    y = 2.0 * y - 1.0
    out = (X[:n_train], y[:n_train], X[n_train:], y[n_train:])
    for a in out:
        a.setflags(write=False)
    return out


def outlier_point(position, w, b, X, y) -> np.ndarray:
    """The extra +1 point: on the line through the two class means, where w·x + b equals ``position``.

    w (2,), b: the clean fit's boundary w·x + b = 0. Returns (2,). See chapter: chapters/svm.md
    """
    position = check_real("position", position)
    mean_pos, mean_neg = X[y > 0].mean(0), X[y < 0].mean(0)
    direction = mean_pos - mean_neg  # the line through both means: x(t) = mean_neg + t·direction
    t0 = -(w @ mean_neg + b) / (w @ direction)  # where that line crosses the boundary
    crossing = mean_neg + t0 * direction
    # f grows by w·direction per unit of t, so f = position at t0 + position/(w·direction)
    return crossing + position / (w @ direction) * direction
