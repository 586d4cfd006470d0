r"""k-means (K均值聚类): Lloyd's algorithm and k-means++ seeding, step for step as scikit-learn's ``KMeans``.

k-means looks for $k$ centres $\mu_1,\dots,\mu_k$ that minimise the **inertia** (the within-cluster
sum of squares, 簇内平方和)
$$\textstyle J = \sum_{i=1}^n \min_j \lVert x_i - \mu_j\rVert^2 .$$
**Lloyd's algorithm** alternates two steps, each of which can only lower $J$:

* assignment (E-like) step: $c_i = \arg\min_j \lVert x_i - \mu_j\rVert^2$ (ties: the lowest $j$);
* update (M-like) step: $\mu_j = \frac{1}{|S_j|}\sum_{i\in S_j} x_i$ over $S_j = \{i : c_i = j\}$.

An **empty cluster** ($S_j = \emptyset$) has no mean. Like scikit-learn, its centre moves to the
sample farthest from its own centre (that sample leaves its old cluster's mean). It stops when the
labels no longer change ("strict convergence") or when the centres move by
$\sum_j\lVert\mu_j^{new}-\mu_j\rVert^2 \le \text{tol}\cdot\overline{\mathrm{Var}}(X)$ (the mean of the
per-feature variances), or after ``max_iter`` iterations.

**Cost:** one iteration computes $n\cdot k$ distances of $d$ coordinates: $O(nkd)$, so a run costs
$O(nkd\cdot\text{iterations})$ — linear in $n$, but not "O(n)" (erratum 22).

**k-means++** (Arthur & Vassilvitskii, 2007) seeds the centres: the first uniformly at random, each
next one at a sample drawn with probability proportional to $D(x)^2$, its squared distance to the
nearest centre chosen so far. Greedy k-means++ (scikit-learn's default) draws
$2 + \lfloor\ln k\rfloor$ candidates per step and keeps the one that lowers $\sum D^2$ most. Seeding
costs $O(nkd)$ (times the number of candidates). With the same ``numpy.random.RandomState``, the draws
below are scikit-learn's, in the same order.

See chapter: chapters/unsupervised.md
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mlnotes._checks import check_array, check_int, check_real


def _sq_dist(X, C):
    """‖x_i − c_j‖² for X (n, d), C (k, d) -> (n, k), clipped at 0."""
    d2 = (X * X).sum(1)[:, None] - 2 * X @ C.T + (C * C).sum(1)[None, :]
    return np.maximum(d2, 0, out=d2)


def kmeans_plusplus(X, n_clusters, random_state=0, n_local_trials=None):
    """k-means++ seeds: (centers (k, d), indices (k,)) chosen among the rows of X (n, d).

    ``n_local_trials=1`` is the classic algorithm; None is the greedy 2 + ⌊ln k⌋ (scikit-learn's).
    ``random_state``: an int or a ``numpy.random.RandomState``. Equal to
    ``sklearn.cluster.kmeans_plusplus`` for the same seed. See chapter: chapters/unsupervised.md
    """
    X = _check_X(X)
    k = check_int("n_clusters", n_clusters, low=1, high=len(X))
    rng = random_state if isinstance(random_state, np.random.RandomState) else np.random.RandomState(
        check_int("random_state", random_state, low=0))
    trials = 2 + int(np.log(k)) if n_local_trials is None else check_int("n_local_trials", n_local_trials, low=1)
    indices = _plusplus(X, k, rng, trials)
    return X[indices].copy(), indices


def _plusplus(X, k, rng, trials):
    """The indices of k seeds, each drawn with probability ∝ D(x)², the best of ``trials`` draws kept."""
    n = len(X)
    indices = [int(rng.choice(n, p=np.full(n, 1.0 / n)))]  # the first centre: uniform
    closest = _sq_dist(X, X[indices])[:, 0]  # (n,) D(x)² to the nearest centre so far
    for _ in range(1, k):
        draws = rng.uniform(size=trials) * closest.sum()  # sample ∝ D(x)² by inverting the cumulative sum
        candidates = np.minimum(np.searchsorted(np.cumsum(closest), draws), n - 1)
        with_each = np.minimum(closest[None, :], _sq_dist(X[candidates], X))  # (trials, n)
        best = int(np.argmin(with_each.sum(1)))  # the candidate that lowers Σ D² most
        indices.append(int(candidates[best]))
        closest = with_each[best]
    return np.array(indices)


def assign(X, centers):
    """The assignment step: (labels (n,), squared distance of each sample to its centre (n,)).

    See chapter: chapters/unsupervised.md
    """
    d2 = _sq_dist(X, centers)  # (n, k)
    labels = np.argmin(d2, axis=1)
    return labels, d2[np.arange(len(X)), labels]


def update(X, labels, centers):
    """The update step: each centre moves to the mean of its cluster; an empty one to the farthest sample.

    See chapter: chapters/unsupervised.md
    """
    k = len(centers)
    sums = np.stack([np.bincount(labels, weights=col, minlength=k) for col in X.T], axis=1)  # (k, d) Σ members
    counts = np.bincount(labels, minlength=k).astype(float)
    empty = np.flatnonzero(counts == 0)
    if len(empty):
        dist = ((X - centers[labels]) ** 2).sum(1)  # to the centres the samples are assigned to
        if dist.max() > 0:  # else there are fewer distinct samples than clusters: nothing to move
            far = np.argsort(-dist, kind="stable")[: len(empty)]
            for j, i in zip(empty, far):
                sums[labels[i]] -= X[i]  # the far sample leaves its cluster …
                counts[labels[i]] -= 1
                sums[j], counts[j] = X[i], 1.0  # … and seeds the empty one
    new = centers.copy()
    filled = counts > 0
    new[filled] = sums[filled] / counts[filled, None]
    return new


@dataclass(frozen=True)
class LloydResult:
    """A finished run: labels (n,), centers (k, d), inertia, iterations, and the path taken.

    See chapter: chapters/unsupervised.md
    """

    labels: np.ndarray
    centers: np.ndarray
    inertia: float
    n_iter: int
    converged: bool
    history: list = field(default_factory=list, repr=False)  # (labels, centers) after each iteration


def lloyd(X, centers_init, max_iter=300, tol=1e-4) -> LloydResult:
    """Lloyd's k-means from given initial centres (k, d) on X (n, d), float64.

    Stops on unchanged labels, a centre shift ≤ tol·mean(Var(X)), or ``max_iter`` (scikit-learn's
    rules, so the result equals ``KMeans(init=centers_init, n_init=1)``). See chapter:
    chapters/unsupervised.md
    """
    X = _check_X(X)
    centers = check_array("centers_init", centers_init, ndim=2, dtype=np.float64).copy()
    if centers.shape[1] != X.shape[1] or not 1 <= len(centers) <= len(X):
        raise ValueError(f"centers_init must have shape (k, {X.shape[1]}) with 1 <= k <= {len(X)}, "
                         f"got {centers.shape}")
    max_iter = check_int("max_iter", max_iter, low=1)
    tol = check_real("tol", tol, low=0.0) * float(np.mean(np.var(X, axis=0)))
    return _lloyd(X, centers, max_iter, tol)


def _lloyd(X, centers, max_iter, tol) -> LloydResult:
    """The loop: assign, update, stop on unchanged labels or a small centre shift."""
    labels_old, history, converged = None, [], False
    for n_iter in range(1, max_iter + 1):
        labels, _ = assign(X, centers)
        new = update(X, labels, centers)
        shift = float(((new - centers) ** 2).sum())  # Σ_j ‖μ_j(new) − μ_j‖²
        centers = new
        history.append((labels, centers))
        if labels_old is not None and np.array_equal(labels, labels_old):
            converged = True  # strict convergence: the update changed nothing
            break
        if shift <= tol:
            converged = True
            labels = assign(X, centers)[0]  # relabel with the final centres, as scikit-learn does
            break
        labels_old = labels
    else:
        labels = assign(X, centers)[0]
    inertia = float(((X - centers[labels]) ** 2).sum())
    return LloydResult(labels, centers, inertia, n_iter, converged, history)


class KMeans:
    """``KMeans(n_clusters, init="k-means++", n_init=1, max_iter=300, tol=1e-4, random_state=0)``.

    ``init``: "k-means++", "random" (k distinct samples) or an array (k, d). With several ``n_init``
    the run with the lowest inertia is kept. After ``fit(X)``: ``labels_``, ``cluster_centers_``,
    ``inertia_``, ``n_iter_``; ``predict(X)``. Equal to ``sklearn.cluster.KMeans(algorithm="lloyd")``
    with the same arguments. See chapter: chapters/unsupervised.md
    """

    def __init__(self, n_clusters=8, init="k-means++", n_init=1, max_iter=300, tol=1e-4, random_state=0):
        self.n_clusters = check_int("n_clusters", n_clusters, low=1)
        if isinstance(init, str):
            if init not in ("k-means++", "random"):
                raise ValueError(f"init must be 'k-means++', 'random' or an array (k, d), got {init!r}")
        else:
            init = check_array("init", init, ndim=2, dtype=np.float64)
            if len(init) != self.n_clusters:
                raise ValueError(f"init must have n_clusters={self.n_clusters} rows, got {len(init)}")
        self.init = init
        self.n_init = check_int("n_init", n_init, low=1)
        self.max_iter = check_int("max_iter", max_iter, low=1)
        self.tol = check_real("tol", tol, low=0.0)
        self.random_state = check_int("random_state", random_state, low=0)

    def _initial_centers(self, X, rng):
        if not isinstance(self.init, str):
            return self.init
        if self.init == "k-means++":
            return kmeans_plusplus(X, self.n_clusters, rng)[0]
        n = len(X)
        return X[rng.choice(n, size=self.n_clusters, replace=False, p=np.full(n, 1.0 / n))]

    def fit(self, X) -> "KMeans":
        """Run ``n_init`` seeded Lloyd runs on X (n, d) and keep the best. Returns self."""
        X = _check_X(X)
        if self.n_clusters > len(X):
            raise ValueError(f"n_clusters={self.n_clusters} must be <= the number of samples {len(X)}")
        if not isinstance(self.init, str) and self.init.shape[1] != X.shape[1]:
            raise ValueError(f"init must have {X.shape[1]} columns like X, got {self.init.shape[1]}")
        rng = np.random.RandomState(self.random_state)
        best = None
        for _ in range(self.n_init):
            run = lloyd(X, self._initial_centers(X, rng), self.max_iter, self.tol)
            if best is None or run.inertia < best.inertia:
                best = run
        self.labels_, self.cluster_centers_ = best.labels, best.centers
        self.inertia_, self.n_iter_ = best.inertia, best.n_iter
        return self

    def predict(self, X) -> np.ndarray:
        """The nearest centre of each row of X (m, d) -> (m,)."""
        if not hasattr(self, "cluster_centers_"):
            raise ValueError("this KMeans is not fitted yet: call fit(X) first")
        X = _check_X(X)
        if X.shape[1] != self.cluster_centers_.shape[1]:
            raise ValueError(f"X must have shape (m, {self.cluster_centers_.shape[1]}), got {X.shape}")
        return assign(X, self.cluster_centers_)[0]


def _check_X(X) -> np.ndarray:
    X = check_array("X", X, ndim=2, dtype=np.float64)
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"X must be a non-empty 2-D array (n_samples, n_features), got shape {X.shape}")
    return X
