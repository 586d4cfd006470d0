r"""Seeded 2-D data sets for the clustering sections (scikit-learn's generators).

* ``blobs``: three round clusters — k-means' home ground;
* ``anisotropic``: the same blobs sheared by a linear map, so the clusters are long ellipses;
* ``unequal``: three blobs with standard deviations 0.5, 1.5 and 3;
* ``moons``: two interleaving half circles with noise.

Each returns (X (n, 2), true labels (n,)), cached and read-only.

See chapter: chapters/unsupervised.md
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

DATASETS = ("blobs", "anisotropic", "unequal", "moons")


@lru_cache(maxsize=16)
def dataset(name="blobs", n=300, seed=170):
    """(X (n, 2), y (n,)) for one of ``DATASETS``. See chapter: chapters/unsupervised.md"""
    from sklearn.datasets import make_blobs, make_moons

    if name not in DATASETS:
        raise ValueError(f"name must be one of {DATASETS}, got {name!r}")
    if name == "moons":
        X, y = make_moons(n, noise=0.07, random_state=seed)
    elif name == "unequal":
        X, y = make_blobs(n, centers=[[-4, 0], [1, 3], [3, -3]], cluster_std=[0.5, 1.5, 3.0], random_state=seed)
    else:
        X, y = make_blobs(n, centers=[[-4, 2], [0, -3], [4, 3]], random_state=seed)
        if name == "anisotropic":
            X = X @ np.array([[0.6, -0.64], [-0.4, 0.85]])  # a shear: round blobs become long ellipses
    X.setflags(write=False)
    y.setflags(write=False)
    return X, y
