r"""Choosing k: the elbow of the inertia curve, and the silhouette (轮廓系数).

For sample $i$ in cluster $C$: $a(i)$ is its mean distance to the other members of $C$, $b(i)$ the
smallest mean distance to the members of another cluster, and
$$s(i) = \frac{b(i) - a(i)}{\max(a(i), b(i))} \in [-1, 1],$$
with $s(i) = 0$ when $C = \{i\}$ (scikit-learn's convention). The silhouette score is the mean of
$s(i)$: near 1 for tight, well-separated clusters, near 0 for overlapping ones, negative for samples
in the wrong cluster. Computing it takes all pairwise distances: $O(n^2 d)$.

See chapter: chapters/unsupervised.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_array


def silhouette_samples(X, labels) -> np.ndarray:
    """s(i) for each row of X (n, d) given cluster labels (n,) with 2 ≤ #clusters ≤ n − 1 -> (n,).

    Equal to ``sklearn.metrics.silhouette_samples`` (Euclidean). See chapter: chapters/unsupervised.md
    """
    X = check_array("X", X, ndim=2, dtype=np.float64)
    labels = np.asarray(labels)
    if labels.shape != (len(X),):
        raise ValueError(f"labels must have shape ({len(X)},), got {labels.shape}")
    names, idx = np.unique(labels, return_inverse=True)
    if not 2 <= len(names) <= len(X) - 1:
        raise ValueError(f"the silhouette needs 2 <= number of clusters <= n_samples - 1, got {len(names)} "
                         f"clusters for {len(X)} samples")
    D = np.sqrt(np.maximum(((X[:, None, :] - X[None, :, :]) ** 2).sum(-1), 0))  # (n, n) distances
    one_hot = np.eye(len(names))[idx]  # (n, K)
    sizes = one_hot.sum(0)  # (K,)
    mean_to = D @ one_hot  # (n, K) total distance to each cluster
    own = sizes[idx]
    a = mean_to[np.arange(len(X)), idx] / np.maximum(own - 1, 1)  # excludes the zero distance to itself
    other = np.where(one_hot == 1, np.inf, mean_to / sizes)  # mean distance to every other cluster
    b = other.min(axis=1)
    s = (b - a) / np.maximum(a, b)
    return np.where(own > 1, np.nan_to_num(s), 0.0)


def silhouette_score(X, labels) -> float:
    """The mean silhouette over all samples. See chapter: chapters/unsupervised.md"""
    return float(silhouette_samples(X, labels).mean())
