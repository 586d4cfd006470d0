r"""Retrieval metrics over a batch of queries: hit rate@k, MRR, precision@k, recall@k, MAP@k, (N)DCG@k.

Query $q = 1, \dots, Q$ returns a ranked list $d_{q,1}, d_{q,2}, \dots$ (best first) and has a
non-empty set $\mathcal R_q$ of relevant ids. With $\mathrm{rank}_q$ the position of the first
relevant id ($\infty$ if none is retrieved, or none within the cut-off $k$):
$$\mathrm{HitRate@}k = \frac1Q\sum_q \mathbb 1\big[\{d_{q,1..k}\}\cap\mathcal R_q \ne\varnothing\big],\qquad
\mathrm{MRR} = \frac1Q\sum_q \frac{1}{\mathrm{rank}_q},$$
$$\mathrm P@k = \frac1Q\sum_q \frac{|\{d_{q,1..k}\}\cap\mathcal R_q|}{k},\qquad
\mathrm R@k = \frac1Q\sum_q \frac{|\{d_{q,1..k}\}\cap\mathcal R_q|}{|\mathcal R_q|}.$$
Average precision averages P@$i$ over the positions $i \le k$ of the relevant ids, dividing by
all $|\mathcal R_q|$ (a relevant id not retrieved adds 0); MAP@k is its mean over queries:
$$\mathrm{AP@}k_q = \frac{1}{|\mathcal R_q|}\sum_{i=1}^{k} \mathbb 1[d_{q,i}\in\mathcal R_q]\,\mathrm P_q@i,\qquad
\mathrm{MAP@}k = \frac1Q\sum_q \mathrm{AP@}k_q.$$
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
``ignore_ties=True`` ranks with one ``argsort`` (faster; ties then fall in the order numpy's
sort leaves them, as in sklearn, so use it only for scores without ties). ``sample_weight``
(one weight per query) weighs the mean over queries, here and in the id-list metrics; ``log_base`` (DCG only) changes the
discount to $1/\log_b(i+1)$ (NDCG does not depend on it: the base cancels).

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

See chapter: chapters/metrics_ranking.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_real
from mlnotes.metrics._targets import check_sample_weight, total_weight
from mlnotes.metrics._validate import (check_grades, check_id_lists, check_k, check_ranked, check_relevance_scores,
                                       check_scores)

GAINS = ("linear", "exponential")


def rank_ids(scores, ids=None) -> list:
    """Ids of each query sorted by descending score (ties keep column order): (Q, N) -> Q lists of N ids.

    ``ids`` names the N columns (default 0 … N−1); ``scores`` are boolean, integer or floating.
    See chapter: chapters/metrics_ranking.md
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


def _query_mean(values, sample_weight) -> float:
    """The mean over queries, weighted by ``sample_weight`` (one weight >= 0 per query) if given."""
    w = check_sample_weight(sample_weight, len(values))
    if w is None:
        return float(np.mean(values))
    total_weight(w, len(values))
    return float(np.average(values, weights=w))


def hit_rate_at_k(ranked_ids, relevant_ids, k, *, sample_weight=None) -> float:
    """Fraction of queries with at least one relevant id in the top k: Q lists, Q sets, int -> float.

    ``sample_weight`` (Q,) weighs the queries. See chapter: chapters/metrics_ranking.md
    """
    ranked, relevant = check_ranked(ranked_ids, relevant_ids)
    k = check_k(k)
    return _query_mean([any(h) for h in _hits(ranked, relevant, k)], sample_weight)


def reciprocal_ranks(ranked_ids, relevant_ids, k=None) -> np.ndarray:
    """1 / rank of the first relevant id per query (0 if none in the top k) -> (Q,) float64.

    See chapter: chapters/metrics_ranking.md
    """
    ranked, relevant = check_ranked(ranked_ids, relevant_ids)
    k = None if k is None else check_k(k)
    out = np.zeros(len(ranked))  # (Q,)
    for q, hits in enumerate(_hits(ranked, relevant, k)):
        if any(hits):
            out[q] = 1.0 / (hits.index(1) + 1)
    return out


def mrr(ranked_ids, relevant_ids, k=None, *, sample_weight=None) -> float:
    """Mean reciprocal rank: the MEAN over queries of 1 / rank of the first relevant id.

    ``sample_weight`` (Q,) weighs the queries. See chapter: chapters/metrics_ranking.md
    """
    return _query_mean(reciprocal_ranks(ranked_ids, relevant_ids, k), sample_weight)


def mrr_notes_sum(ranked_ids, relevant_ids, k=None) -> float:
    """The notes' "MRR" (erratum 19): the SUM of reciprocal ranks, which grows with the number of queries.

    See chapter: chapters/metrics_ranking.md
    """
    return float(np.sum(reciprocal_ranks(ranked_ids, relevant_ids, k)))


def precision_at_k(ranked_ids, relevant_ids, k, *, sample_weight=None) -> float:
    """Mean over queries of (relevant ids in the top k) / k: Q lists, Q sets, int -> float.

    A list shorter than k still divides by k. See chapter: chapters/metrics_ranking.md
    """
    ranked, relevant = check_ranked(ranked_ids, relevant_ids)
    k = check_k(k)
    return _query_mean([sum(h) / k for h in _hits(ranked, relevant, k)], sample_weight)


def recall_at_k(ranked_ids, relevant_ids, k, *, sample_weight=None) -> float:
    """Mean over queries of (relevant ids in the top k) / (number of relevant ids) -> float.

    See chapter: chapters/metrics_ranking.md
    """
    ranked, relevant = check_ranked(ranked_ids, relevant_ids)
    k = check_k(k)
    return _query_mean([sum(h) / len(rel) for h, rel in zip(_hits(ranked, relevant, k), relevant)], sample_weight)


def _average_precision(hits: list, n_relevant: int) -> float:
    """AP of one query: the precision at each relevant position, summed, over the number relevant."""
    found = np.cumsum(hits)  # relevant ids within the first i positions, i = 1 … len(hits)
    positions = np.arange(1, len(hits) + 1)
    return float(np.sum(np.asarray(hits) * found / positions) / n_relevant)


def average_precisions(ranked_ids, relevant_ids, k=None) -> np.ndarray:
    """Average precision (AP@k) of each query: Q lists, Q sets -> (Q,) float64.

    AP@k = (1/|R_q|) Σ_{i ≤ k, d_i ∈ R_q} P@i: relevant ids never retrieved (or below k) add 0.
    See chapter: chapters/metrics_ranking.md
    """
    ranked, relevant = check_ranked(ranked_ids, relevant_ids)
    k = None if k is None else check_k(k)
    return np.array([_average_precision(h, len(rel)) for h, rel in zip(_hits(ranked, relevant, k), relevant)])


def map_at_k(ranked_ids, relevant_ids, k=None, *, sample_weight=None) -> float:
    """Mean average precision (MAP@k): the mean over queries of :func:`average_precisions`.

    Equal to ``sklearn.metrics.label_ranking_average_precision_score`` when every document is
    ranked and no scores tie. ``sample_weight`` (Q,) weighs the queries.
    See chapter: chapters/metrics_ranking.md
    """
    return _query_mean(average_precisions(ranked_ids, relevant_ids, k), sample_weight)


def _gain(g: np.ndarray, gain: str) -> np.ndarray:
    """gain(g) = g (linear, sklearn) or 2^g − 1 (exponential)."""
    if gain not in GAINS:
        raise ValueError(f"gain must be 'linear' or 'exponential', got {gain!r}")
    return g if gain == "linear" else np.exp2(g) - 1.0


def _discount(n: int, k, log_base=2.0) -> np.ndarray:
    """1 / log_b(i + 1) for positions i = 1 … n, zero beyond k: () -> (n,)."""
    positions = np.arange(n) + 2.0  # (n,) i + 1
    d = 1.0 / np.log2(positions) if log_base == 2 else np.log(log_base) / np.log(positions)  # (n,)
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


def _dcg(g: np.ndarray, s: np.ndarray, discount: np.ndarray, ignore_ties: bool) -> np.ndarray:
    """DCG of each query: gains (Q, N) in the order of the scores (Q, N), discounted: -> (Q,)."""
    if ignore_ties:  # one sort, ties in whatever order argsort leaves them (sklearn's ignore_ties=True)
        order = np.argsort(s, axis=1)[:, ::-1]  # (Q, N) descending
        return np.take_along_axis(g, order, axis=1) @ discount  # (Q,)
    return np.array([_tie_averaged_dcg(gq, sq, discount) for gq, sq in zip(g, s)])


def _check_ranking_args(k, ignore_ties, sample_weight, per_query, n_queries):
    """k >= 1 or None; booleans; per-query weights (only with the mean over queries)."""
    k = None if k is None else check_k(k)
    for name, flag in (("ignore_ties", ignore_ties), ("per_query", per_query)):
        if not isinstance(flag, (bool, np.bool_)):
            raise TypeError(f"{name} must be True or False, got {flag!r}")
    w = check_sample_weight(sample_weight, n_queries)
    if w is not None and per_query:
        raise ValueError("sample_weight weighs the mean over queries: pass per_query=False (or no weights)")
    return k, w


def _mean(values: np.ndarray, w, per_query: bool):
    """The per-query values, or their (weighted) mean as a Python float."""
    if per_query:
        return values
    return float(np.mean(values)) if w is None else float(np.average(values, weights=w))


def dcg_at_k(relevance, scores, k=None, *, gain="linear", log_base=2, ignore_ties=False, sample_weight=None,
             per_query=True):
    """DCG@k per query (or their weighted mean with ``per_query=False``): (Q, N), (Q, N) -> (Q,) or float.

    Ties in scores share their mean gain as in sklearn (``ignore_ties=True``: one sort, faster,
    for scores without ties). ``log_base`` of the discount (sklearn's ``dcg_score`` default 2);
    ``sample_weight`` (Q,) weighs the mean over queries. See chapter: chapters/metrics_ranking.md
    """
    rel, s = check_relevance_scores(relevance, scores)
    k, w = _check_ranking_args(k, ignore_ties, sample_weight, per_query, len(rel))
    log_base = check_real("log_base", log_base, low=1.0, low_open=True)
    discount = _discount(rel.shape[1], k, log_base)  # (N,)
    return _mean(_dcg(_gain(rel, gain), s, discount, ignore_ties), w, per_query)


def ndcg_at_k(relevance, scores, k=None, *, gain="linear", ignore_ties=False, sample_weight=None, per_query=False):
    """NDCG@k = DCG@k / ideal DCG@k (0 if nothing is relevant): (Q, N), (Q, N) -> float or (Q,).

    Mean over queries (weighted by ``sample_weight`` (Q,)), equal to ``sklearn.metrics.ndcg_score``
    for the linear gain, ties and ``ignore_ties`` included. See chapter: chapters/metrics_ranking.md
    """
    rel, s = check_relevance_scores(relevance, scores)
    k, w = _check_ranking_args(k, ignore_ties, sample_weight, per_query, len(rel))
    g = _gain(rel, gain)  # (Q, N)
    discount = _discount(rel.shape[1], k)  # (N,)
    dcg = _dcg(g, s, discount, ignore_ties)  # (Q,)
    ideal = np.sort(g, axis=1)[:, ::-1] @ discount  # (Q,) the DCG of the best order
    out = np.divide(dcg, np.where(ideal > 0, ideal, 1.0))  # (Q,)
    out[ideal == 0] = 0.0
    return _mean(out, w, per_query)


def ndcg_at_k_ids(ranked_ids, relevance, k, *, gain="linear") -> float:
    """NDCG@k from ranked id lists and per-query {id: grade} dicts (a set means grade 1) -> float.

    The ideal order uses every graded id, retrieved or not. See chapter: chapters/metrics_ranking.md
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
