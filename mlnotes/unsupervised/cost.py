r"""What k-means costs, measured (erratum 22: "linear complexity O(n)" is only the dependence on n).

One Lloyd iteration computes the $n\times k$ matrix of squared distances ($nkd$ multiply-adds), an
argmin over it ($nk$) and the new means ($nd$): $O(nkd)$, so a run costs $O(nkd\cdot t)$ for $t$
iterations, and $t$ itself depends on the data and the start. k-means++ seeding adds $k-1$ rounds,
each computing the distances from the new candidate(s) to all $n$ samples: $O(nkd)$ (times the
number of candidates per round).

Timings are CPU time of this process (``time.process_time``: time lost to other processes on a
shared machine is not counted) with one BLAS thread, the best of several rounds that visit every
size in turn. Fitting $\log t = \log c + \alpha\log n$ by least squares gives the exponent $\alpha$
(≈ 1 for linear growth).

See chapter: chapters/unsupervised.md
"""

from __future__ import annotations

import contextlib
import time

import numpy as np

from mlnotes._checks import check_array, check_int
from mlnotes.unsupervised.kmeans import _plusplus, assign, update


def _one_blas_thread():
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover
        return contextlib.nullcontext()
    return threadpool_limits(1)


def _sizes(name, values):
    values = check_array(name, values, ndim=1, dtype=float)
    if values.size < 2 or np.any(values < 1) or np.any(values != np.round(values)):
        raise ValueError(f"{name} must list at least two integers >= 1, got {values.tolist()}")
    return values.astype(int)


def _best_of(jobs, repeats) -> np.ndarray:
    """The smallest CPU time of each job over ``repeats`` rounds (each round runs every job once)."""
    best = np.full(len(jobs), np.inf)
    with _one_blas_thread():
        for _ in range(repeats):
            for i, job in enumerate(jobs):
                t0 = time.process_time()
                job()
                best[i] = min(best[i], time.process_time() - t0)
    return best


def time_lloyd(ns, ks, d=8, n_iter=3, repeats=5, seed=0) -> np.ndarray:
    """CPU seconds of ``n_iter`` Lloyd iterations on random data, for each pair (n, k) of ``ns``, ``ks``.

    ``ns``, ``ks``: 1-D of equal length (one may be constant). Returns (len(ns),).
    See chapter: chapters/unsupervised.md
    """
    ns, ks = _sizes("ns", ns), _sizes("ks", ks)
    if ns.shape != ks.shape or np.any(ks > ns):
        raise ValueError(f"ns and ks must have the same length with k <= n, got {ns.tolist()} and {ks.tolist()}")
    d, n_iter = check_int("d", d, low=1), check_int("n_iter", n_iter, low=1)
    rng = np.random.default_rng(check_int("seed", seed, low=0))
    jobs = []
    for n, k in zip(ns, ks):
        X = rng.standard_normal((n, d))

        def job(X=X, centers=X[:k].copy()):
            for _ in range(n_iter):
                labels, _ = assign(X, centers)
                centers = update(X, labels, centers)

        jobs.append(job)
    return _best_of(jobs, check_int("repeats", repeats, low=1))


def time_seeding(ks, n=4000, d=8, repeats=5, seed=0) -> np.ndarray:
    """CPU seconds of classic k-means++ seeding (one candidate a round) of k centres among n points, per k.

    See chapter: chapters/unsupervised.md
    """
    ks = _sizes("ks", ks)
    n, d = check_int("n", n, low=1), check_int("d", d, low=1)
    if np.any(ks > n):
        raise ValueError(f"ks must be <= n = {n}, got {ks.tolist()}")
    X = np.random.default_rng(check_int("seed", seed, low=0)).standard_normal((n, d))
    jobs = [lambda k=k: _plusplus(X, k, np.random.RandomState(0), 1) for k in ks]
    return _best_of(jobs, check_int("repeats", repeats, low=1))


def loglog_slope(x, t) -> float:
    """The exponent α of the least-squares fit log t = log c + α log x. See chapter: chapters/unsupervised.md"""
    x, t = check_array("x", x, ndim=1), check_array("t", t, ndim=1)
    if x.shape != t.shape or len(x) < 2 or np.any(x <= 0) or np.any(t <= 0) or np.unique(x).size < 2:
        raise ValueError("x and t must be positive 1-D arrays of the same length with >= 2 distinct x")
    return float(np.polyfit(np.log(x), np.log(t), 1)[0])
