r"""Product quantization (乘积量化, PQ): vectors stored as a few bytes, distances from lookup tables.

Split a vector $x \in \mathbb R^D$ into $M$ sub-vectors $x = (x^{(1)}, \dots, x^{(M)})$ of $D/M$
dimensions each. For every sub-space $m$, k-means on the training sub-vectors learns a codebook
$C^{(m)} = \{c^{(m)}_1, \dots, c^{(m)}_K\}$ with $K = 2^{\text{nbits}}$ centroids. A vector is stored
as its $M$ centroid indices (the **code**, $M\cdot\text{nbits}/8$ bytes),
$$\text{code}_m(x) = \arg\min_k \lVert x^{(m)} - c^{(m)}_k\rVert^2,\qquad
\hat x = \big(c^{(1)}_{\text{code}_1}, \dots, c^{(M)}_{\text{code}_M}\big).$$
The $M$ small codebooks describe $K^M$ reconstruction points while storing only $M K$ centroids.
A query $q$ is compared with every code by **asymmetric distance computation** (ADC): the query
stays exact, one table $T_{mk} = \lVert q^{(m)} - c^{(m)}_k\rVert^2$ ($M\times K$) is computed once,
and then $\lVert q - \hat x\rVert^2 = \sum_m T_{m,\,\text{code}_m(x)}$ costs $M$ look-ups per vector.

Equal to ``faiss.IndexPQ`` given the same codebooks: codes, decoded vectors and search distances
(tested; Jégou, Douze & Schmid 2011). See chapter: chapters/rag_training.md
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlnotes._checks import check_array, check_int


def kmeans(X, k: int, n_iter: int = 10, seed: int = 0) -> np.ndarray:
    """Lloyd's k-means from ``k`` distinct random points; an empty cluster keeps its centroid: (n, d) -> (k, d).

    Keeps the floating dtype of ``X``. See chapter: chapters/rag_training.md
    """
    X = np.asarray(X)
    k = check_int("k", k, low=1, high=len(X))
    C = X[np.random.default_rng(seed).choice(len(X), size=k, replace=False)].copy()  # (k, d)
    for _ in range(check_int("n_iter", n_iter, low=0)):
        assign = nearest(X, C)  # (n,)
        sums = np.zeros_like(C)
        np.add.at(sums, assign, X)  # (k, d) per-cluster sums
        counts = np.bincount(assign, minlength=k)  # (k,)
        mean = (sums / np.maximum(counts, 1)[:, None]).astype(C.dtype)  # (k, d)
        C = np.where(counts[:, None] > 0, mean, C)  # an empty cluster keeps its centroid
    return C


def nearest(X, C) -> np.ndarray:
    """Index of the closest row of C (squared L2) for every row of X: (n, d), (k, d) -> (n,) int."""
    d2 = (X * X).sum(1)[:, None] - 2 * X @ C.T + (C * C).sum(1)[None, :]  # (n, k) ‖x − c‖²
    return d2.argmin(1)


@dataclass
class ProductQuantizer:
    """M codebooks of 2**nbits centroids each. ``fit`` learns them, ``encode``/``decode``/``adc`` use them.

    See chapter: chapters/rag_training.md
    """

    M: int
    nbits: int = 8
    codebooks: np.ndarray | None = None  # (M, K, D/M)

    def __post_init__(self):
        check_int("M", self.M, low=1)
        check_int("nbits", self.nbits, low=1, high=8)

    @property
    def K(self) -> int:
        """Centroids per sub-space, 2**nbits."""
        return 2 ** self.nbits

    def fit(self, X, n_iter: int = 10, seed: int = 0) -> "ProductQuantizer":
        """k-means in each sub-space of the training vectors X (n, D); needs n >= 2**nbits."""
        X = self._check(X, need_codebooks=False)
        self.codebooks = np.stack([kmeans(sub, self.K, n_iter, seed + m) for m, sub in enumerate(self._split(X))])
        return self

    def encode(self, X) -> np.ndarray:
        """(n, D) -> (n, M) uint8 codes: the nearest centroid of every sub-vector."""
        X = self._check(X)
        return np.stack([nearest(sub, C) for sub, C in zip(self._split(X), self.codebooks)], axis=1).astype(np.uint8)

    def decode(self, codes) -> np.ndarray:
        """(n, M) codes -> (n, D) reconstructions x̂ (the chosen centroids side by side)."""
        codes = np.asarray(codes, dtype=np.int64)  # (n, M)
        return np.concatenate([self.codebooks[m][codes[:, m]] for m in range(self.M)], axis=1)  # (n, D)

    def adc(self, q, codes) -> np.ndarray:
        """Squared L2 from each query to each coded vector via lookup tables: (nq, D), (n, M) -> (nq, n)."""
        q = self._check(q)
        T = np.stack([((sub[:, None, :] - C[None]) ** 2).sum(-1)
                      for sub, C in zip(self._split(q), self.codebooks)], axis=1)  # (nq, M, K) ‖q⁽ᵐ⁾ − c⁽ᵐ⁾ₖ‖²
        codes = np.asarray(codes, dtype=np.int64)  # (n, M)
        return T[:, np.arange(self.M)[None, :], codes].sum(-1)  # (nq, n) Σ_m T[m, code_m]

    def _split(self, X):
        return np.split(X, self.M, axis=1)  # M × (n, D/M)

    def _check(self, X, need_codebooks: bool = True) -> np.ndarray:
        X = check_array("X", X, ndim=2, dtype=None)
        if X.dtype.kind != "f":
            raise TypeError(f"X must hold floats, got dtype {X.dtype}")
        if X.shape[1] % self.M:
            raise ValueError(f"the width of X ({X.shape[1]}) must be divisible by M ({self.M})")
        if need_codebooks and self.codebooks is None:
            raise ValueError("call fit() first: the quantizer has no codebooks")
        if need_codebooks and self.codebooks.shape[0] * self.codebooks.shape[2] != X.shape[1]:
            raise ValueError(f"X must have width {self.codebooks.shape[0] * self.codebooks.shape[2]}, got {X.shape[1]}")
        return X


def faiss_pq(codebooks, nbits: int = 8):
    """A ``faiss.IndexPQ`` holding the given codebooks (M, K, D/M) instead of training its own.

    See chapter: chapters/rag_training.md
    """
    import faiss

    M, K, dsub = codebooks.shape
    index = faiss.IndexPQ(M * dsub, M, nbits)
    if K != index.pq.ksub:
        raise ValueError(f"codebooks must have 2**nbits = {index.pq.ksub} centroids per sub-space, got {K}")
    faiss.copy_array_to_vector(np.ascontiguousarray(codebooks, dtype=np.float32).ravel(), index.pq.centroids)
    index.is_trained = True
    return index


def faiss_codes(index) -> np.ndarray:
    """The codes stored in a ``faiss.IndexPQ`` (nbits = 8): -> (ntotal, M) uint8."""
    import faiss

    return faiss.vector_to_array(index.codes).reshape(index.ntotal, index.pq.M)


def recall_at_k(found, exact) -> float:
    """Mean over queries of |found ∩ exact| / k for (nq, k) id arrays: -> float in [0, 1]."""
    found, exact = np.asarray(found), np.asarray(exact)
    return float(np.mean([len(set(f) & set(e)) / exact.shape[1] for f, e in zip(found, exact)]))


def recall_vs_bytes(X, queries, Ms=(4, 8, 16, 32, 64), nbits: int = 8, k: int = 10, n_iter: int = 10) -> list:
    """recall@k of ``faiss.IndexPQ`` against exact search, per number of sub-spaces: -> rows of dicts.

    Each row: ``M``, ``nbits``, ``bytes`` (per vector, M·nbits/8), ``recall``. The index is trained
    on ``X`` itself (a small corpus), one thread, seeded. See chapter: chapters/rag_training.md
    """
    import faiss

    X = np.ascontiguousarray(X, dtype=np.float32)
    queries = np.ascontiguousarray(queries, dtype=np.float32)
    exact = np.argsort(-(queries @ X.T), axis=1, kind="stable")[:, :k]  # unit vectors: max dot = min L2
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    rows = []
    try:
        for M in Ms:
            index = faiss.IndexPQ(X.shape[1], M, nbits)
            index.pq.cp.niter, index.pq.cp.seed, index.pq.cp.min_points_per_centroid = n_iter, 0, 1
            index.train(X)
            index.add(X)
            _, found = index.search(queries, k)
            rows.append({"M": M, "nbits": nbits, "bytes": M * nbits / 8, "recall": recall_at_k(found, exact)})
    finally:
        faiss.omp_set_num_threads(before)
    return rows
