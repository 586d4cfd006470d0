r"""Reciprocal rank fusion (倒数排序融合, RRF): merge ranked lists by rank alone.

Given $m$ ranked lists (best first) and optional weights $\alpha_i \ge 0$, a document $d$ scores
$$\mathrm{RRF}(d) = \sum_{i=1}^{m} \alpha_i\,\frac{1}{k + \mathrm{rank}_i(d)},$$
with $\mathrm{rank}_i(d) = 1, 2, \dots$ its position in list $i$; a list that does not contain
$d$ adds nothing (rank $= \infty$). $k = 60$ (Cormack et al., 2009) is the usual constant: a
larger $k$ flattens $1/(k + r)$ so lower ranks count almost as much as the top (towards a
vote count), a small $k$ lets each list's first place dominate. Only ranks are used, so scores
on different scales (BM25 in $[0, \infty)$, cosine in $[-1, 1]$) need no normalization.
Ties in the fused score are broken by the best single rank, then by first appearance.

See chapter: chapters/rag.md
"""

from __future__ import annotations

from mlnotes._checks import check_real


def _check_rankings(rankings) -> list:
    if isinstance(rankings, (str, bytes)) or not hasattr(rankings, "__iter__"):
        raise TypeError(f"rankings must be a list of ranked id lists, got {type(rankings).__name__}")
    out = [list(r) for r in rankings]
    if not out:
        raise ValueError("rankings must hold at least one ranked list")
    for i, r in enumerate(out):
        if len(set(r)) != len(r):
            raise ValueError(f"rankings[{i}] repeats an id; each list must rank distinct ids")
    return out


def rrf_scores(rankings, k: float = 60, weights=None) -> dict:
    """RRF score of every id in any list: m ranked lists -> {id: score}. See chapter: chapters/rag.md"""
    lists = _check_rankings(rankings)
    k = check_real("k", k, low=0.0)
    if weights is None:
        weights = [1.0] * len(lists)
    weights = [check_real(f"weights[{i}]", w, low=0.0) for i, w in enumerate(weights)]
    if len(weights) != len(lists):
        raise ValueError(f"weights must have one entry per ranking ({len(lists)}), got {len(weights)}")
    return reciprocal_rank_sums(lists, k, weights)


def reciprocal_rank_sums(rankings: list, k: float, weights: list) -> dict:
    """The RRF sum itself, on checked input: {id: Σ_i α_i / (k + rank_i(id))}. See chapter: chapters/rag.md"""
    scores: dict = {}
    for alpha, ranked in zip(weights, rankings):
        for rank, doc in enumerate(ranked, start=1):  # ranks count from 1
            scores[doc] = scores.get(doc, 0.0) + alpha / (k + rank)  # a list without doc adds nothing
    return scores


def rrf(rankings, k: float = 60, weights=None) -> list:
    """Fused ranking by RRF, best first: m ranked lists -> list of (id, score). See chapter: chapters/rag.md"""
    lists = _check_rankings(rankings)
    scores = rrf_scores(lists, k, weights)
    best, first = {}, {}
    order = 0
    for ranked in lists:
        for rank, doc in enumerate(ranked, start=1):
            best[doc] = min(best.get(doc, rank), rank)
            if doc not in first:
                first[doc] = order
                order += 1
    ids = sorted(scores, key=lambda d: (-scores[d], best[d], first[d]))
    return [(d, scores[d]) for d in ids]
