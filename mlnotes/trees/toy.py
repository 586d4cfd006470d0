r"""Small data sets for the trees chapter: the 17-melon table and seeded 2-D/1-D synthetic data.

The melon table is the classic textbook example of tree induction (Zhou Zhihua's
"watermelon data set 2.0/3.0", 西瓜数据集): six categorical attributes, two continuous ones
(density, sugar) and the label "ripe" (好瓜: 8 yes, 9 no), with the attribute values written
in English. Its entropy is $H(D) = -\frac{8}{17}\log_2\frac{8}{17} - \frac{9}{17}\log_2\frac{9}{17}
\approx 0.998$ bits.

See chapter: chapters/trees.md
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from mlnotes._checks import check_int, check_real

MELON_FEATURES = ("color", "root", "knock", "texture", "navel", "touch")

# color, root, knock, texture, navel, touch, density, sugar, ripe
_MELONS = (
    ("green", "curled", "dull", "clear", "sunken", "hard", 0.697, 0.460, "yes"),
    ("dark", "curled", "muffled", "clear", "sunken", "hard", 0.774, 0.376, "yes"),
    ("dark", "curled", "dull", "clear", "sunken", "hard", 0.634, 0.264, "yes"),
    ("green", "curled", "muffled", "clear", "sunken", "hard", 0.608, 0.318, "yes"),
    ("pale", "curled", "dull", "clear", "sunken", "hard", 0.556, 0.215, "yes"),
    ("green", "slightly curled", "dull", "clear", "slightly sunken", "soft", 0.403, 0.237, "yes"),
    ("dark", "slightly curled", "dull", "slightly blurry", "slightly sunken", "soft", 0.481, 0.149, "yes"),
    ("dark", "slightly curled", "dull", "clear", "slightly sunken", "hard", 0.437, 0.211, "yes"),
    ("dark", "slightly curled", "muffled", "slightly blurry", "slightly sunken", "hard", 0.666, 0.091, "no"),
    ("green", "stiff", "crisp", "clear", "flat", "soft", 0.243, 0.267, "no"),
    ("pale", "stiff", "crisp", "blurry", "flat", "hard", 0.245, 0.057, "no"),
    ("pale", "curled", "dull", "blurry", "flat", "soft", 0.343, 0.099, "no"),
    ("green", "slightly curled", "dull", "slightly blurry", "sunken", "hard", 0.639, 0.161, "no"),
    ("pale", "slightly curled", "muffled", "slightly blurry", "sunken", "hard", 0.657, 0.198, "no"),
    ("dark", "slightly curled", "dull", "clear", "slightly sunken", "soft", 0.360, 0.370, "no"),
    ("pale", "curled", "dull", "blurry", "flat", "hard", 0.593, 0.042, "no"),
    ("green", "curled", "muffled", "slightly blurry", "slightly sunken", "hard", 0.719, 0.103, "no"),
)


def melons(continuous: bool = False):
    """The 17-melon table: X (17, 6) strings (or (17, 8) objects with density, sugar), y (17,), names.

    See chapter: chapters/trees.md
    """
    if not isinstance(continuous, (bool, np.bool_)):
        raise TypeError(f"continuous must be True or False, got {type(continuous).__name__}")
    n_cols = 8 if continuous else 6
    X = np.array([row[:n_cols] for row in _MELONS], dtype=object)  # (17, n_cols)
    if not continuous:
        X = X.astype(str)
    y = np.array([row[-1] for row in _MELONS])  # (17,)
    names = MELON_FEATURES + (("density", "sugar") if continuous else ())
    return X, y, names


@lru_cache(maxsize=16)
def _moons_cached(n: int, noise: float, seed: int):
    from sklearn.datasets import make_moons

    X, y = make_moons(n_samples=2 * n, noise=noise, random_state=seed)
    return X[:n], y[:n], X[n:], y[n:]


def moons(n_train: int = 200, noise: float = 0.3, seed: int = 0):
    """Seeded two-moons data split in halves: X_train (n, 2), y_train (n,), X_test (n, 2), y_test (n,).

    See chapter: chapters/trees.md
    """
    n = check_int("n_train", n_train, low=2)
    noise = check_real("noise", noise, low=0.0)
    seed = check_int("seed", seed, low=0)
    return tuple(a.copy() for a in _moons_cached(n, noise, seed))


def wave(n: int = 100, noise: float = 0.3, seed: int = 0):
    """Seeded 1-D regression data y = sin(2x) + x/2 + noise on x ∈ [−3, 3]: x (n, 1), y (n,).

    See chapter: chapters/trees.md
    """
    n = check_int("n", n, low=1)
    noise = check_real("noise", noise, low=0.0)
    rng = np.random.default_rng(check_int("seed", seed, low=0))
    x = np.sort(rng.uniform(-3.0, 3.0, n))[:, None]  # (n, 1)
    return x, wave_truth(x[:, 0]) + noise * rng.standard_normal(n)


def wave_truth(x) -> np.ndarray:
    """The noise-free regression function f(x) = sin(2x) + x/2 of :func:`wave`, x (N,) → (N,).

    See chapter: chapters/trees.md
    """
    x = np.asarray(x, dtype=float)
    return np.sin(2.0 * x) + 0.5 * x


def blobs3(n_train: int = 150, seed: int = 0, spread: float = 1.6):
    """Seeded three-class 2-D data (Gaussian blobs that overlap): X_train (n, 2), y_train (n,) in {0, 1, 2},
    X_test (n, 2), y_test (n,).

    See chapter: chapters/ensembles.md
    """
    n = check_int("n_train", n_train, low=3)
    spread = check_real("spread", spread, low=0.0, low_open=True)
    rng = np.random.default_rng(check_int("seed", seed, low=0))
    centers = np.array([[-1.5, -1.0], [1.5, -1.0], [0.0, 1.6]])
    y = rng.integers(0, 3, 2 * n)  # (2n,)
    X = centers[y] + spread * rng.standard_normal((2 * n, 2)) * np.array([1.0, 0.8])
    return X[:n], y[:n], X[n:], y[n:]
