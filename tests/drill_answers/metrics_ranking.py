"""Known wrong answers of the NDCG drill (mlnotes/drills/metrics_ranking.py): numpy only, run in Python and Pyodide.

``fn(relevance, scores, k) -> float``, relevance and scores (Q, N). Each function is a mistake a reader makes
(the checker's hint list names them); every one must fail.
"""

import numpy as np


def _ndcg(rel, scores, k, *, gain=lambda g: g, discount=lambda i: 1 / np.log2(i + 1), cut_ideal=True,
          ideal_from_retrieved=False, descending=True, normalize=True, reduce=np.mean):
    """NDCG@k written the way a reader would, with one knob per mistake."""
    rel = np.asarray(rel, dtype=float)
    scores = np.asarray(scores, dtype=float)
    n = rel.shape[1]
    with np.errstate(divide="ignore", invalid="ignore"):
        d = discount(np.arange(1, n + 1, dtype=float))  # (N,) positions i = 1 … N
        d_k = np.where(np.arange(n) < k, d, 0.0)
        order = np.argsort(-scores if descending else scores, axis=1)
        ranked = np.take_along_axis(gain(rel), order, axis=1)  # (Q, N)
        dcg = ranked @ d_k
        if ideal_from_retrieved:
            best = -np.sort(-np.where(np.arange(n) < k, ranked, 0.0), axis=1)
        else:
            best = -np.sort(-gain(rel), axis=1)
        idcg = best @ (d_k if cut_ideal else d)
        per_query = np.where(idcg > 0, dcg / np.where(idcg > 0, idcg, 1.0), 0.0) if normalize else dcg
    return float(reduce(per_query))


def ndcg_exponential_gain(rel, scores, k):
    """Gain 2^g − 1 instead of sklearn's linear gain g."""
    return _ndcg(rel, scores, k, gain=lambda g: np.exp2(g) - 1)


def ndcg_log2_i_discount(rel, scores, k):
    """Discount 1 / log2(i): divides by log2(1) = 0 at the top position."""
    return _ndcg(rel, scores, k, discount=lambda i: 1 / np.log2(i))


def ndcg_reciprocal_rank_discount(rel, scores, k):
    """Discount 1 / i instead of 1 / log2(i + 1)."""
    return _ndcg(rel, scores, k, discount=lambda i: 1 / i)


def ndcg_ideal_from_retrieved(rel, scores, k):
    """The ideal DCG sorts only the top k retrieved documents, not all documents of the query."""
    return _ndcg(rel, scores, k, ideal_from_retrieved=True)


def ndcg_ideal_not_cut_at_k(rel, scores, k):
    """The ideal DCG sums every document, not only the k best grades."""
    return _ndcg(rel, scores, k, cut_ideal=False)


def ndcg_sum_over_queries(rel, scores, k):
    """Returns the sum over queries instead of the mean."""
    return _ndcg(rel, scores, k, reduce=np.sum)


def dcg_not_normalized(rel, scores, k):
    """Returns DCG: forgets to divide by the ideal DCG."""
    return _ndcg(rel, scores, k, normalize=False)


def ndcg_ascending_scores(rel, scores, k):
    """Ranks by ascending score: the lowest score comes first."""
    return _ndcg(rel, scores, k, descending=False)


def ndcg_no_zero_guard(rel, scores, k):
    """DCG / IDCG without a guard: 0/0 = NaN for a query with no relevant document."""
    rel = np.asarray(rel, dtype=float)
    order = np.argsort(-np.asarray(scores), axis=1)
    d = 1 / np.log2(np.arange(2, rel.shape[1] + 2))
    d[k:] = 0
    dcg = np.take_along_axis(rel, order, axis=1) @ d
    with np.errstate(invalid="ignore"):
        return float(np.mean(dcg / (-np.sort(-rel, axis=1) @ d)))


def ndcg_float32(rel, scores, k):
    """The right formula in float32 (about 7 digits; the checker wants 1e-9)."""
    rel = np.asarray(rel, dtype=np.float32)
    order = np.argsort(-np.asarray(scores), axis=1)
    d = (1 / np.log2(np.arange(2, rel.shape[1] + 2))).astype(np.float32)
    d[k:] = 0
    dcg = np.take_along_axis(rel, order, axis=1) @ d
    idcg = -np.sort(-rel, axis=1) @ d
    return np.mean(np.where(idcg > 0, dcg / np.where(idcg > 0, idcg, 1), 0)).astype(np.float32)


def ndcg_per_query(rel, scores, k):
    """Returns the NDCG of each query (Q,) instead of their mean."""
    return np.array([_ndcg(r[None], s[None], k) for r, s in zip(np.asarray(rel), np.asarray(scores))])


def ndcg_sorts_scores_in_place(rel, scores, k):
    """Sorts the caller's score matrix in place."""
    scores.sort(axis=1)
    return _ndcg(rel, scores, k)


ANSWERS = {
    "ndcg": [ndcg_exponential_gain, ndcg_log2_i_discount, ndcg_reciprocal_rank_discount, ndcg_ideal_from_retrieved,
             ndcg_ideal_not_cut_at_k, ndcg_sum_over_queries, dcg_not_normalized, ndcg_ascending_scores,
             ndcg_no_zero_guard, ndcg_float32, ndcg_per_query, ndcg_sorts_scores_in_place],
}
