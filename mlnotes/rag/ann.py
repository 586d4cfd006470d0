r"""Approximate nearest neighbours (近似最近邻, ANN) with faiss: Flat vs IVF vs HNSW, recall@k and latency.

For unit vectors, maximum inner product = maximum cosine, so every index uses the inner product.

* **Flat** (exact): scores all $N$ vectors, $O(Nd)$ per query. The ground truth.
* **IVF** (inverted file): k-means splits the vectors into ``nlist`` cells; a query scans only
  the ``nprobe`` cells whose centroids are closest, about $N\cdot\text{nprobe}/\text{nlist}$
  vectors. A true neighbour in an unvisited cell is missed.
* **HNSW** (hierarchical navigable small world): a layered proximity graph with ``M`` links per
  node; a query walks greedily from the top layer down, keeping ``efSearch`` candidates;
  roughly $O(\log N)$ hops.

$$\mathrm{recall@}k = \frac{1}{Q}\sum_q \frac{|\mathrm{ANN}_k(q) \cap \mathrm{Exact}_k(q)|}{k}.$$

Indexes are built on one faiss thread, so k-means and the HNSW graph come out the same on every
run (a parallel HNSW build inserts nodes in a varying order). Timings use one thread too
(``faiss.omp_set_num_threads(1)``, restored afterwards) and a batch of queries; the reported
latency is total time / number of queries. Because a timing depends on the machine, each search
also reports the **distances computed per query** (faiss's own counters), a cost that does not.

See chapter: chapters/rag.md
"""

from __future__ import annotations

import functools
import time

import numpy as np

from mlnotes._checks import check_int
from mlnotes.rag._vectors import check_ids, check_vectors

KINDS = ("flat", "ivf", "hnsw")


def _faiss():
    import faiss

    return faiss


def clustered_unit_vectors(n: int, dim: int = 384, n_clusters: int = 1000, spread: float = 1.5, seed: int = 0):
    """Seeded synthetic 'embeddings': a mixture of Gaussian clusters, each row L2-normalized: -> (n, dim) float32.

    Real embeddings cluster by topic; isotropic noise would have no neighbours worth finding, and
    tight clusters would make every index look perfect. With 1000 clusters and noise 1.5 times the
    centre's norm, a query's nearest neighbour has cosine ≈ 0.38 and its 10th ≈ 0.31.
    See chapter: chapters/rag.md
    """
    n = check_int("n", n, low=1)
    dim = check_int("dim", dim, low=2)
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((n_clusters, dim))  # (C, dim)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    x = centres[rng.integers(0, n_clusters, n)] + spread * rng.standard_normal((n, dim)) / np.sqrt(dim)  # (n, dim)
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def build_index(x, kind: str = "flat", nlist: int = 64, m: int = 16, ef_construction: int = 40, seed: int = 0):
    """A faiss inner-product index over unit vectors: (N, d) real (stored as float32) -> faiss index.

    ``x`` must hold real numbers: a bool array raises ``TypeError``.

    See chapter: chapters/rag.md
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    x = np.ascontiguousarray(check_vectors("x", x), dtype=np.float32)  # (N, d) faiss works in float32
    faiss = _faiss()
    d = x.shape[1]
    if kind == "flat":
        index = faiss.IndexFlatIP(d)
    elif kind == "ivf":
        nlist = check_int("nlist", nlist, low=1, high=x.shape[0])
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(d), d, nlist, faiss.METRIC_INNER_PRODUCT)
        index.cp.seed = seed
        index.cp.min_points_per_centroid = 1  # small corpora: no warning about few points per cell
        index.cp.niter = 10  # k-means iterations (faiss default 25): a faster build, cells barely change
    else:
        index = faiss.IndexHNSWFlat(d, check_int("m", m, low=2), faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = check_int("ef_construction", ef_construction, low=1)
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)  # one thread: the same k-means cells and the same HNSW graph on every run
    try:
        if kind == "ivf":
            index.train(x)
        index.add(x)
    finally:
        faiss.omp_set_num_threads(before)
    return index


def search(index, q, k: int = 10, nprobe: int | None = None, ef_search: int | None = None) -> tuple:
    """Top-k ids and scores from a faiss index: (Q, d) -> ((Q, k) int64, (Q, k) float32).

    Note the order, ids first (faiss's own ``index.search`` returns scores first). faiss computes
    in float32, so float64 queries are converted and the scores are float32 whatever the input.
    See chapter: chapters/rag.md
    """
    q = np.ascontiguousarray(check_vectors("q", q), dtype=np.float32)  # (Q, d) faiss works in float32
    k = check_int("k", k, low=1)
    if nprobe is not None:
        index.nprobe = check_int("nprobe", nprobe, low=1)
    if ef_search is not None:
        index.hnsw.efSearch = check_int("ef_search", ef_search, low=1)
    scores, ids = index.search(q, k)
    return ids, scores


def recall_at_k(approx_ids, exact_ids, k: int) -> float:
    """Mean fraction of the exact top k found in the approximate top k: (Q, ≥k), (Q, ≥k) int -> float.

    Both arguments are integer ids: float arrays (e.g. scores passed by mistake) raise ``TypeError``.

    See chapter: chapters/rag.md
    """
    a = check_ids("approx_ids", approx_ids)
    e = check_ids("exact_ids", exact_ids)
    k = check_int("k", k, low=1)
    if a.ndim != 2 or e.ndim != 2 or a.shape[0] != e.shape[0] or min(a.shape[1], e.shape[1]) < k:
        raise ValueError(f"approx_ids and exact_ids must be (Q, >= {k}) with the same Q, got {a.shape} and {e.shape}")
    return float(np.mean([len(set(ai[:k]) & set(ei[:k])) / k for ai, ei in zip(a, e)]))


def _timed_search(index, q, k, repeats: int = 3, **kw) -> float:
    """Best-of-``repeats`` search time per query in ms, on one faiss thread."""
    faiss = _faiss()
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        best = np.inf
        for _ in range(repeats):
            t0 = time.perf_counter()
            search(index, q, k, **kw)
            best = min(best, time.perf_counter() - t0)
    finally:
        faiss.omp_set_num_threads(before)
    return 1e3 * best / len(q)


def counted_search(index, kind: str, q, k: int = 10, **kw) -> tuple:
    """Top-k ids and the mean number of distances computed per query: -> ((Q, k) int, float).

    The count is faiss's own (``hnsw_stats``, ``indexIVF_stats``): it does not depend on the
    machine, unlike a timing. Flat computes all N; IVF its ``nlist`` centroids plus the vectors
    of the ``nprobe`` cells it scans; HNSW the nodes its graph walk evaluates.
    See chapter: chapters/rag.md
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    faiss = _faiss()
    stats = faiss.cvar.hnsw_stats if kind == "hnsw" else faiss.cvar.indexIVF_stats
    stats.reset()
    ids, _ = search(index, q, k, **kw)
    if kind == "flat":
        return ids, float(index.ntotal)
    extra = index.nlist if kind == "ivf" else 0  # the coarse quantizer compares the query with every centroid
    return ids, stats.ndis / len(ids) + extra


def compare_indexes(x, q, k: int = 10, nlist: int = 64, nprobes=(1, 4, 16), efs=(16, 64), m: int = 16,
                    ef_construction: int = 40) -> list:
    """Recall@k, distances computed and ms per query of Flat, IVF (several nprobe) and HNSW (several efSearch).

    Each row: ``index``, ``param``, ``recall``, ``distances`` (mean per query, deterministic),
    ``bytes`` (the serialized index: vectors plus structure), ``ms_per_query`` (1 thread, best of
    3: a timing) and ``build_s`` (a timing). -> list of dicts.
    See chapter: chapters/rag.md
    """
    x = np.ascontiguousarray(check_vectors("x", x), dtype=np.float32)  # (N, d)
    q = np.ascontiguousarray(check_vectors("q", q), dtype=np.float32)  # (Q, d)
    k = min(check_int("k", k, low=1), x.shape[0])
    nlist = min(nlist, max(1, x.shape[0] // 8))  # at least ~8 vectors per cell
    rows = []

    def add(name, kind, index, build, param="", **kw):
        ids, distances = counted_search(index, kind, q, k, **kw)
        recall = 1.0 if kind == "flat" else recall_at_k(ids, exact, k)
        rows.append({"index": name, "param": param, "recall": recall, "distances": distances,
                     "ms_per_query": _timed_search(index, q, k, **kw), "build_s": build,
                     "bytes": int(_faiss().serialize_index(index).nbytes)})

    t0 = time.perf_counter()
    flat = build_index(x, "flat")
    exact, _ = search(flat, q, k)
    add("Flat (exact)", "flat", flat, time.perf_counter() - t0)
    t0 = time.perf_counter()
    ivf = build_index(x, "ivf", nlist=nlist)
    build = time.perf_counter() - t0
    for p in nprobes:
        if p <= nlist:
            add(f"IVF (nlist={nlist})", "ivf", ivf, build, f"nprobe={p}", nprobe=p)
    t0 = time.perf_counter()
    hnsw = build_index(x, "hnsw", m=m, ef_construction=ef_construction)
    build = time.perf_counter() - t0
    for ef in efs:
        add(f"HNSW (M={m})", "hnsw", hnsw, build, f"efSearch={ef}", ef_search=ef)
    return rows


@functools.lru_cache(maxsize=4)
def synthetic_comparison(n: int = 20000, dim: int = 384, n_queries: int = 200, k: int = 10, seed: int = 0,
                         m: int = 16, ef_construction: int = 40) -> tuple:
    """:func:`compare_indexes` on seeded clustered unit vectors, n/20 clusters (cached per process): -> dicts.

    See chapter: chapters/rag.md
    """
    x = clustered_unit_vectors(n + n_queries, dim, n_clusters=max(1, n // 20), seed=seed)  # (n + Q, dim)
    nlist = max(1, int(round(np.sqrt(n))))  # the usual rule of thumb, nlist ≈ √N
    return tuple(compare_indexes(x[:n], x[n:], k=k, nlist=nlist, nprobes=(1, 4, 16, 64), efs=(16, 64, 256), m=m,
                                 ef_construction=ef_construction))
