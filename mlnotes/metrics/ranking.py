r"""Retrieval metrics over a batch of queries: hit rate@k, MRR, precision@k, recall@k, (N)DCG@k.

Query $q = 1, \dots, Q$ returns a ranked list $d_{q,1}, d_{q,2}, \dots$ (best first) and has a
non-empty set $\mathcal R_q$ of relevant ids. With $\mathrm{rank}_q$ the position of the first
relevant id ($\infty$ if none is retrieved, or none within the cut-off $k$):
$$\mathrm{HitRate@}k = \frac1Q\sum_q \mathbb 1\big[\{d_{q,1..k}\}\cap\mathcal R_q \ne\varnothing\big],\qquad
\mathrm{MRR} = \frac1Q\sum_q \frac{1}{\mathrm{rank}_q},$$
$$\mathrm P@k = \frac1Q\sum_q \frac{|\{d_{q,1..k}\}\cap\mathcal R_q|}{k},\qquad
\mathrm R@k = \frac1Q\sum_q \frac{|\{d_{q,1..k}\}\cap\mathcal R_q|}{|\mathcal R_q|}.$$
MRR is a **mean** (erratum 19: the notes call it a sum, which grows with $Q$). At $k = 1$,
MRR@1 equals HitRate@1 (the notes' top-1 table shows equal columns for that reason).

With graded relevance $g_{q,i} \ge 0$ and scores, DCG sums the gain of each position with a
logarithmic discount; NDCG divides by the DCG of the ideal order (1 = perfect; 0 when
nothing is relevant):
$$\mathrm{DCG@}k = \sum_{i=1}^{k}\frac{\mathrm{gain}(g_{(i)})}{\log_2(i+1)},\qquad
\mathrm{NDCG@}k = \frac{\mathrm{DCG@}k}{\mathrm{IDCG@}k},\qquad \mathrm{gain}(g) = g
\ \ (\text{sklearn}) \ \text{or}\ 2^g - 1.$$
Tied scores have no order: as in ``sklearn.metrics.ndcg_score`` (``ignore_ties=False``) each
document of a tie block gets the block's mean gain at every position the block covers.

The id-list functions take ``ranked_ids`` (a list of Q sequences of ids) and ``relevant_ids``
(a list of Q sets) so any retriever can be scored; :func:`rank_ids` turns a (Q, N) score matrix
into such lists. Ids are compared by value, so ``1`` and ``"1"`` never match: when no
relevant id is of the same kind (string, bytes, number) as any ranked id, ``TypeError``.

Dtypes: ``scores`` are boolean, integer or floating and are used in their own dtype (only
their order and ties matter); ``relevance`` is boolean, integer or floating (a grade) and is
computed in float64. DCG and NDCG are float64 (per query) or Python floats, whatever the
input dtypes, as ``sklearn.metrics.dcg_score`` / ``ndcg_score`` return. (sklearn 1.9 ranks by
``-scores``, which wraps for unsigned integers, 1 becoming 255 in uint8, and fails for
booleans; here the scores are sorted as they are, so every numeric dtype ranks correctly.)

See chapter: chapters/metrics.md
"""

from __future__ import annotations

import numpy as np

from mlnotes.metrics._validate import (check_grades, check_id_lists, check_k, check_ranked, check_relevance_scores,
                                       check_scores)

GAINS = ("linear", "exponential")


def rank_ids(scores, ids=None) -> list:
    """Ids of each query sorted by descending score (ties keep column order): (Q, N) -> Q lists of N ids.

    ``ids`` names the N columns (default 0 … N−1); ``scores`` are boolean, integer or floating.
    See chapter: chapters/metrics.md
    """
    s = check_scores("scores", scores, ndim=2)
    ids = list(range(s.shape[1])) if ids is None else list(ids)
    if len(ids) != s.shape[1]:
        raise ValueError(f"ids must name the {s.shape[1]} columns of scores, got {len(ids)} ids")
    return [[ids[j] for j in row] for row in _descending(s)]


def _descending(s: np.ndarray) -> np.ndarray:
    """Column order of each row by descending score, ties in column order: (Q, N) -> (Q, N).

    A stable ascending sort of the reversed columns, read backwards; no negation (-s wraps for
    unsigned integers and fails for booleans).
    """
    n = s.shape[1]
    return n - 1 - np.argsort(s[:, ::-1], axis=1, kind="stable")[:, ::-1]  # (Q, N)


def _hits(ranked: list, relevant: list, k) -> list:
    """Per query, the 0/1 relevance of each retrieved id within the cut-off."""
    return [[int(d in rel) for d in ids[:k]] for ids, rel in zip(ranked, relevant)]


def hit_rate_at_k(ranked_ids, relevant_ids, k) -> float:
    """Fraction of queries with at least one relevant id in the top k: Q lists, Q sets, int -> float.

    See chapter: chapters/metrics.md
    """
    ranked, relevant = check_ranked(ranked_ids, relevant_ids)
    k = check_k(k)
    return float(np.mean([any(h) for h in _hits(ranked, relevant, k)]))


def reciprocal_ranks(ranked_ids, relevant_ids, k=None) -> np.ndarray:
    """1 / rank of the first relevant id per query (0 if none in the top k) -> (Q,) float64.

    See chapter: chapters/metrics.md
    """
    ranked, relevant = check_ranked(ranked_ids, relevant_ids)
    k = None if k is None else check_k(k)
    out = np.zeros(len(ranked))  # (Q,)
    for q, hits in enumerate(_hits(ranked, relevant, k)):
        if any(hits):
            out[q] = 1.0 / (hits.index(1) + 1)
    return out


def mrr(ranked_ids, relevant_ids, k=None) -> float:
    """Mean reciprocal rank: the MEAN over queries of 1 / rank of the first relevant id.

    See chapter: chapters/metrics.md
    """
    return float(np.mean(reciprocal_ranks(ranked_ids, relevant_ids, k)))


def mrr_notes_sum(ranked_ids, relevant_ids, k=None) -> float:
    """The notes' "MRR" (erratum 19): the SUM of reciprocal ranks, which grows with the number of queries.

    See chapter: chapters/metrics.md
    """
    return float(np.sum(reciprocal_ranks(ranked_ids, relevant_ids, k)))


def precision_at_k(ranked_ids, relevant_ids, k) -> float:
    """Mean over queries of (relevant ids in the top k) / k: Q lists, Q sets, int -> float.

    A list shorter than k still divides by k. See chapter: chapters/metrics.md
    """
    ranked, relevant = check_ranked(ranked_ids, relevant_ids)
    k = check_k(k)
    return float(np.mean([sum(h) / k for h in _hits(ranked, relevant, k)]))


def recall_at_k(ranked_ids, relevant_ids, k) -> float:
    """Mean over queries of (relevant ids in the top k) / (number of relevant ids) -> float.

    See chapter: chapters/metrics.md
    """
    ranked, relevant = check_ranked(ranked_ids, relevant_ids)
    k = check_k(k)
    return float(np.mean([sum(h) / len(rel) for h, rel in zip(_hits(ranked, relevant, k), relevant)]))


def _gain(g: np.ndarray, gain: str) -> np.ndarray:
    """gain(g) = g (linear, sklearn) or 2^g − 1 (exponential)."""
    if gain not in GAINS:
        raise ValueError(f"gain must be 'linear' or 'exponential', got {gain!r}")
    return g if gain == "linear" else np.exp2(g) - 1.0


def _discount(n: int, k) -> np.ndarray:
    """1 / log2(i + 1) for positions i = 1 … n, zero beyond k: () -> (n,)."""
    d = 1.0 / np.log2(np.arange(n) + 2.0)  # (n,)
    if k is not None:
        d[k:] = 0.0
    return d


def _tie_averaged_dcg(g: np.ndarray, s: np.ndarray, discount: np.ndarray) -> float:
    """DCG of one query, each tie block of scores sharing its mean gain: (N,), (N,), (N,)."""
    order = np.argsort(s, kind="stable")[::-1]  # (N,) descending (order within a tie: irrelevant)
    s_sorted = s[order]
    starts = np.r_[True, s_sorted[1:] != s_sorted[:-1]]  # (N,)
    block = np.cumsum(starts) - 1  # (N,) tie block of each position
    mean_gain = np.bincount(block, weights=g[order]) / np.bincount(block)  # (B,)
    block_discount = np.bincount(block, weights=discount)  # (B,) discounts of its positions
    return float(np.sum(mean_gain * block_discount))


def dcg_at_k(relevance, scores, k=None, *, gain="linear") -> np.ndarray:
    """DCG@k per query, ties in scores averaged as sklearn does: (Q, N), (Q, N) -> (Q,).

    See chapter: chapters/metrics.md
    """
    rel, s = check_relevance_scores(relevance, scores)
    k = None if k is None else check_k(k)
    g = _gain(rel, gain)  # (Q, N)
    discount = _discount(rel.shape[1], k)  # (N,)
    return np.array([_tie_averaged_dcg(gq, sq, discount) for gq, sq in zip(g, s)])


def ndcg_at_k(relevance, scores, k=None, *, gain="linear", per_query=False):
    """NDCG@k = DCG@k / ideal DCG@k (0 if nothing is relevant): (Q, N), (Q, N) -> float or (Q,).

    Mean over queries, equal to ``sklearn.metrics.ndcg_score`` for the linear gain.
    See chapter: chapters/metrics.md
    """
    rel, _ = check_relevance_scores(relevance, scores)
    dcg = dcg_at_k(relevance, scores, k, gain=gain)  # (Q,)
    k = None if k is None else check_k(k)
    ideal = np.sort(_gain(rel, gain), axis=1)[:, ::-1] @ _discount(rel.shape[1], k)  # (Q,)
    out = np.divide(dcg, np.where(ideal > 0, ideal, 1.0))  # (Q,)
    out[ideal == 0] = 0.0
    return out if per_query else float(np.mean(out))


def ndcg_at_k_ids(ranked_ids, relevance, k, *, gain="linear") -> float:
    """NDCG@k from ranked id lists and per-query {id: grade} dicts (a set means grade 1) -> float.

    The ideal order uses every graded id, retrieved or not. See chapter: chapters/metrics.md
    """
    ranked = check_id_lists(ranked_ids)
    grades = check_grades(relevance, len(ranked))
    k = check_k(k)
    out = []
    for ids, r in zip(ranked, grades):
        got = _gain(np.array([float(r.get(d, 0.0)) for d in ids[:k]]), gain)  # (≤k,)
        best = _gain(np.sort(np.array(list(r.values()), dtype=float))[::-1][:k], gain)  # (≤k,)
        idcg = float(best @ _discount(len(best), None))
        out.append(float(got @ _discount(len(got), None)) / idcg if idcg > 0 else 0.0)
    return float(np.mean(out))
