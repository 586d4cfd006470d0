r"""DBSCAN (基于密度的聚类, Ester et al., 1996), with scikit-learn's conventions.

For a radius $\varepsilon$ and a count ``min_samples``:

* the $\varepsilon$-neighbourhood of $x_i$ is $N(x_i) = \{x_j : \lVert x_i - x_j\rVert \le \varepsilon\}$
  (it contains $x_i$ itself);
* $x_i$ is a **core point (核心点)** if $|N(x_i)| \ge$ ``min_samples``;
* a cluster is a maximal set of core points linked by chains of neighbours, plus every non-core point
  in the neighbourhood of one of them (**border points**, 边界点);
* the rest is **noise (噪声)**, label $-1$.

Core points belong to the same cluster whatever the order of the scan; a border point within $\varepsilon$
of two clusters goes to the one found first. Scanning the samples in index order and growing each
cluster completely before starting the next (as scikit-learn does) gives scikit-learn's labels exactly.
With the full distance matrix this costs $O(n^2 d)$ time and $O(n^2)$ memory (a k-d tree or ball tree
brings the neighbour search down for low $d$).

See chapter: chapters/unsupervised.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_array, check_int, check_real


def dbscan(X, eps=0.5, min_samples=5):
    """Cluster X (n, d): (labels (n,) with −1 for noise, core (n,) bool).

    See chapter: chapters/unsupervised.md
    """
    X = check_array("X", X, ndim=2, dtype=np.float64)
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"X must be a non-empty 2-D array (n_samples, n_features), got shape {X.shape}")
    eps = check_real("eps", eps, low=0.0, low_open=True)
    min_samples = check_int("min_samples", min_samples, low=1)
    return _dbscan(X, eps, min_samples)


def _dbscan(X, eps, min_samples):
    """Neighbourhoods, core points, then one depth-first growth per cluster in index order."""
    d2 = ((X[:, None, :] - X[None, :, :]) ** 2).sum(-1)  # (n, n), exact differences
    neighbours = [np.flatnonzero(row <= eps * eps) for row in d2]
    core = np.array([len(nb) >= min_samples for nb in neighbours])
    labels = np.full(len(X), -1)
    cluster = 0
    for start in range(len(X)):
        if labels[start] != -1 or not core[start]:
            continue
        labels[start] = cluster
        stack = [start]
        while stack:  # grow the cluster through core points
            i = stack.pop()
            if not core[i]:
                continue  # a border point joins but does not spread the cluster
            for j in neighbours[i]:
                if labels[j] == -1:
                    labels[j] = cluster
                    stack.append(j)
        cluster += 1
    return labels, core


def same_partition(a, b) -> bool:
    """True if two label vectors (n,) describe the same clusters up to renaming (noise −1 must match).

    See chapter: chapters/unsupervised.md
    """
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape or not np.array_equal(a == -1, b == -1):
        return False
    pairs = set(zip(a.tolist(), b.tolist()))
    return len(pairs) == len({p[0] for p in pairs}) == len({p[1] for p in pairs})
