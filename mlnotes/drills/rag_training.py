r"""Drills: hand-write the InfoNCE loss with in-batch negatives, and ColBERT's MaxSim score.

**InfoNCE for retrieval.** ``fn(q, d, temperature=0.05, mask=None) -> float`` with ``q`` (B, k)
queries and ``d`` (N, k), N >= B: row ``i`` of ``d`` is the positive of query ``i``, rows B..N-1
are extra hard negatives, and ``mask`` (B, N) bool (or None) marks columns left out of a row
(false negatives: the set $\mathcal M_i$):
$$\mathcal L = \frac1B\sum_{i=1}^B\Big(\log\sum_{j\notin\mathcal M_i} e^{q_i\cdot d_j/\tau} - q_i\cdot d_i/\tau\Big).$$
Reference: the worked solution below in float64 (numpy), proven equal to ``F.cross_entropy`` and to
:func:`mlnotes.rag.training.info_nce` (torch) in tests/test_drills_rag_training.py; the same reference runs
in the browser (Pyodide), so no library is imported here.

**MaxSim.** ``fn(Q, D) -> float`` with ``Q`` (n_q, k), ``D`` (n_d, k):
$s = \sum_i \max_j Q_i\cdot D_j$. Reference: the worked solution below (numpy), proven equal to
:func:`mlnotes.rag.late_interaction.maxsim` in tests/test_drills_rag_training.py; the same in the browser.

Both checkers survive hostile code (exceptions, wrong types and shapes, NaN, inputs modified in
place) and name the likely bug when the answer matches a typical mistake.

See chapter: chapters/rag_training.md
"""

from __future__ import annotations

import numpy as np

from mlnotes.drills.core import Case, CaseResult, Verdict, call_case, check_outputs

RTOL, ATOL = 1e-7, 1e-9


def info_nce_masked_solution(q, d, temperature=0.05, mask=None):
    """InfoNCE, positives on the diagonal, the rest of d as negatives, masked columns left out -> float (mean)."""
    logits = q @ d.T / temperature  # (B, N)
    if mask is not None:
        logits = np.where(mask, -np.inf, logits)  # a masked column adds e^(−∞) = 0 to the row's sum
    m = logits.max(axis=1, keepdims=True)  # (B, 1) subtract the row max: exp never overflows
    lse = m[:, 0] + np.log(np.exp(logits - m).sum(axis=1))  # (B,)
    positive = logits[np.arange(len(q)), np.arange(len(q))]  # (B,) ℓ_ii
    return float(np.mean(lse - positive))


def maxsim_solution(Q, D):
    """ColBERT's MaxSim: each query token's best dot product with a document token, summed -> float."""
    S = Q @ D.T  # (n_q, n_d)
    return float(S.max(axis=1).sum())


# -- cases -------------------------------------------------------------------------------------------
def _unit(rng, n, k):
    x = rng.standard_normal((n, k))
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def info_nce_masked_cases() -> list:
    """Named cases of the InfoNCE drill (keyword arguments q, d, temperature)."""
    rng = np.random.default_rng(7)
    q8 = _unit(rng, 8, 16)
    return [
        Case("8 queries, in-batch negatives only, τ = 0.05", {"q": q8, "d": _unit(rng, 8, 16), "temperature": 0.05}),
        Case("positives close to their queries", {"q": q8, "d": _unit(rng, 8, 16) * 0.3 + q8, "temperature": 0.1}),
        Case("4 queries, 4 extra hard-negative rows (N = 8)",
             {"q": _unit(rng, 4, 16), "d": _unit(rng, 8, 16), "temperature": 0.05}),
        Case("τ = 1", {"q": _unit(rng, 6, 8), "d": _unit(rng, 6, 8), "temperature": 1.0}),
        Case("one query, one document: the loss is 0", {"q": _unit(rng, 1, 8), "d": _unit(rng, 1, 8),
                                                        "temperature": 0.05}),
        Case("large logits (unnormalized vectors, τ = 0.01): needs a stable log-sum-exp",
             {"q": rng.standard_normal((5, 32)) * 4, "d": rng.standard_normal((5, 32)) * 4, "temperature": 0.01}),
        Case("a false negative masked out of rows 0 and 2", {"q": q8[:4], "d": _unit(rng, 6, 16), "temperature": 0.05,
                                                           "mask": _mask(4, 6, [(0, 3), (2, 1), (2, 5)])}),
        Case("an all-False mask changes nothing", {"q": q8[:3], "d": _unit(rng, 3, 16), "temperature": 0.1,
                                                   "mask": np.zeros((3, 3), dtype=bool)}),
        Case("float32 inputs", {"q": _unit(rng, 6, 12).astype(np.float32), "d": _unit(rng, 6, 12).astype(np.float32),
                                "temperature": 0.05}),
    ]


def _mask(B, N, cells):
    m = np.zeros((B, N), dtype=bool)
    for i, j in cells:
        m[i, j] = True
    return m


def maxsim_cases() -> list:
    """Named cases of the MaxSim drill (keyword arguments Q, D)."""
    rng = np.random.default_rng(11)
    neg = -np.abs(rng.standard_normal((4, 8)))
    return [
        Case("3 query tokens, 7 document tokens", {"Q": _unit(rng, 3, 16), "D": _unit(rng, 7, 16)}),
        Case("more query tokens than document tokens", {"Q": _unit(rng, 6, 16), "D": _unit(rng, 2, 16)}),
        Case("one query token", {"Q": _unit(rng, 1, 8), "D": _unit(rng, 5, 8)}),
        Case("one document token", {"Q": _unit(rng, 4, 8), "D": _unit(rng, 1, 8)}),
        Case("all similarities negative (the max is still taken, not clipped at 0)",
             {"Q": np.abs(rng.standard_normal((3, 8))), "D": neg}),
        Case("unnormalized token vectors", {"Q": rng.standard_normal((4, 10)) * 3, "D": rng.standard_normal((9, 10))}),
    ]


# -- typical mistakes --------------------------------------------------------------------------------
def _info_nce_variants(q, d, temperature, mask=None) -> list:
    B = len(q)
    if mask is not None and mask.any():
        zeroed = np.where(mask, 0.0, q @ d.T)  # masked similarity set to 0 (the logit 0 still counts)
        return [(info_nce_masked_solution(q, d, temperature), "The mask was ignored: a masked column must leave the "
                                                       "row's softmax (set its logit to −inf)."),
                (_lse_minus_diag(zeroed / temperature), "Masked logits were set to 0, but e^0 = 1 still adds to "
                                                       "the sum: set them to −inf.")]
    logits = q @ d.T / temperature
    lse = np.log(np.exp(logits - logits.max(1, keepdims=True)).sum(1)) + logits.max(1)
    out = [
        (np.mean(lse - logits[:, 0]), "This is the loss with label 0 for every row: only column 0 is treated as the "
                                      "positive. The positive of row i is column i (labels = arange(B))."),
        (np.sum(lse - logits[np.arange(B), np.arange(B)]), "This is the sum over the batch: InfoNCE is the mean."),
        (info_nce_masked_solution(q, d, 1.0), "The temperature is ignored: divide the similarities by τ."),
        (np.mean(lse - logits[np.arange(B), np.arange(B)]) / np.log(10), "Use the natural log, not log10."),
        (-info_nce_masked_solution(q, d, temperature), "The sign is flipped: the loss is −log p(positive) >= 0."),
        (info_nce_masked_solution(q, d, temperature) * temperature, "The temperature multiplies the loss instead of "
                                                             "dividing the logits."),
    ]
    if len(d) == B:
        out.append((info_nce_masked_solution(d, q, temperature), "This is the loss in the other direction (documents as "
                                                          "anchors, softmax over queries): the softmax runs over "
                                                          "the documents of row i."))
    return out


def _lse_minus_diag(logits) -> float:
    m = logits.max(1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(logits - m).sum(1))
    return float(np.mean(lse - np.diag(logits[:, : len(logits)])))


def _maxsim_variants(Q, D) -> list:
    S = Q @ D.T
    return [
        (S.max(axis=0).sum(), "You took, for each document token, its best query token: MaxSim takes the max over "
                              "document tokens (axis 1 of Q @ D.T) and sums over query tokens."),
        (S.max(axis=1).mean(), "This is the mean over query tokens: ColBERT sums them."),
        (S.sum(), "This sums every token pair: take each query token's maximum first."),
        (S.max(), "This is the single best pair: sum the per-query-token maxima."),
        (Q.mean(0) @ D.mean(0), "This is the dot product of mean-pooled vectors (a bi-encoder), not late interaction."),
        (np.clip(S, 0, None).max(axis=1).sum(), "Similarities were clipped at 0: a negative maximum still counts."),
    ]


def _hint(got, variants) -> str:
    try:
        g = float(np.asarray(got, dtype=float).reshape(()))
        for value, hint in variants:
            if np.isfinite(g) and np.isclose(g, float(value), rtol=1e-7, atol=1e-9):
                return " " + hint
    except Exception:  # noqa: BLE001 - a hint is optional; never crash the checker
        return ""
    return ""


def _run(fn, reference, cases, drill, variants, extra_hint) -> Verdict:
    if not callable(fn):
        return Verdict(drill, (CaseResult("(setup)", False, f"expected a function, got {type(fn).__name__}."),))
    results = []
    for case in cases:
        expected = np.float64(reference(**_as_float64(case.kwargs)))
        got, failure, where = call_case(fn, case, advice="")
        if failure is not None:
            results.append(CaseResult(case.name, False, failure))
            continue
        if hasattr(got, "detach"):  # a torch scalar is fine
            got = got.detach().numpy()
        tol = 1e-5 if any(getattr(v, "dtype", None) == np.float32 for v in case.kwargs.values()) else RTOL
        msg, abs_err, rel_err = check_outputs(got, (np.asarray(expected),), ("the loss" if "InfoNCE" in drill
                                                                            else "the score",), rtol=tol, atol=ATOL)
        if msg is not None:
            msg += _hint(got, variants(**_as_float64(case.kwargs))) or extra_hint(got, case)
        results.append(CaseResult(case.name, msg is None, "" if msg is None else f"{msg} {where}", abs_err, rel_err))
    return Verdict(drill, tuple(results))


def _as_float64(kwargs) -> dict:
    return {k: v.astype(float) if isinstance(v, np.ndarray) and v.dtype.kind == "f" else v for k, v in kwargs.items()}


def _overflow_hint(got, case) -> str:
    try:
        g = float(np.asarray(got, dtype=float).reshape(()))
    except Exception:  # noqa: BLE001
        return ""
    if not np.isfinite(g) and "large logits" in case.name:
        return (" exp overflowed: subtract each row's maximum logit before exponentiating "
                "(log Σ e^ℓ = m + log Σ e^(ℓ − m)).")
    return ""


def check_info_nce_masked(fn) -> Verdict:
    """Check a hand-written InfoNCE (positives on the diagonal, extra negatives, a mask) on 9 cases.

    Reference: :func:`info_nce_masked_solution` (numpy, float64), proven equal to ``F.cross_entropy`` in
    tests/test_drills_rag_training.py; the same in the browser (Pyodide).

    See chapter: chapters/rag_training.md
    """
    return _run(fn, info_nce_masked_solution, info_nce_masked_cases(), "InfoNCE for retrieval (extra negatives, mask)", _info_nce_variants,
                _overflow_hint)


def check_maxsim(fn) -> Verdict:
    """Check a hand-written MaxSim on 6 cases.

    Reference: :func:`maxsim_solution` (numpy), proven equal to :func:`mlnotes.rag.late_interaction.maxsim` in
    tests/test_drills_rag_training.py; the same in the browser (Pyodide). See chapter: chapters/rag_training.md
    """
    return _run(fn, maxsim_solution, maxsim_cases(), "MaxSim (late interaction)", _maxsim_variants,
                lambda got, case: "")
