"""Known wrong answers of the InfoNCE and MaxSim drills (mlnotes/drills/rag_training.py): numpy only.

Run in Python and in Pyodide. Each function is a mistake a reader makes (the checkers' hints name them);
every one must fail.
"""

import numpy as np


# -- InfoNCE: fn(q, d, temperature=0.05, mask=None) -> float -----------------------------------------------
def _lse(logits):
    """Row-wise log-sum-exp, stable: (B, N) -> (B,)."""
    m = logits.max(1, keepdims=True)
    return m[:, 0] + np.log(np.exp(logits - m).sum(1))


def _logits(q, d, temperature, mask):
    logits = q @ d.T / temperature
    return logits if mask is None else np.where(mask, -np.inf, logits)


def _info_nce(q, d, temperature, mask=None):
    logits = _logits(q, d, temperature, mask)
    return float(np.mean(_lse(logits) - np.diag(logits[:, :len(q)])))


def nce_labels_zero(q, d, temperature=0.05, mask=None):
    """Label 0 for every row (the notes' erratum 15): only column 0 is treated as the positive."""
    logits = q @ d.T / temperature
    return float(np.mean(_lse(logits) - logits[:, 0]))


def nce_sum(q, d, temperature=0.05, mask=None):
    """The sum over the batch instead of the mean."""
    logits = _logits(q, d, temperature, mask)
    return float(np.sum(_lse(logits) - np.diag(logits[:, :len(q)])))


def nce_no_temperature(q, d, temperature=0.05, mask=None):
    """Ignores the temperature (τ = 1)."""
    return _info_nce(q, d, 1.0, mask)


def nce_no_mask(q, d, temperature=0.05, mask=None):
    """Ignores the mask: false negatives stay in the softmax."""
    return _info_nce(q, d, temperature)


def nce_mask_zero(q, d, temperature=0.05, mask=None):
    """Sets masked logits to 0 instead of −inf: e^0 = 1 still adds to the row's sum."""
    logits = q @ d.T / temperature
    if mask is not None:
        logits = np.where(mask, 0.0, logits)
    return float(np.mean(_lse(logits) - np.diag(logits[:, :len(q)])))


def nce_naive_exp(q, d, temperature=0.05, mask=None):
    """log Σ exp without subtracting the row maximum: overflows for large logits."""
    logits = _logits(q, d, temperature, mask)
    with np.errstate(over="ignore", invalid="ignore"):
        return float(np.mean(np.log(np.exp(logits).sum(1)) - np.diag(logits[:, :len(q)])))


def nce_other_direction(q, d, temperature=0.05, mask=None):
    """The loss in the other direction: documents as anchors, softmax over the queries."""
    return _info_nce(d, q, temperature)


def nce_log10(q, d, temperature=0.05, mask=None):
    """log10 instead of the natural log."""
    return _info_nce(q, d, temperature, mask) / np.log(10)


def nce_scales_q_in_place(q, d, temperature=0.05, mask=None):
    """Divides the caller's q by τ in place."""
    q /= temperature
    return _info_nce(q, d, 1.0, mask)


# -- MaxSim: fn(Q, D) -> float -------------------------------------------------------------------------
def maxsim_max_over_query_tokens(Q, D):
    """For each document token its best query token: the max over the wrong axis."""
    return (Q @ D.T).max(0).sum()


def maxsim_mean_over_query_tokens(Q, D):
    """The mean of the per-query-token maxima instead of their sum."""
    return (Q @ D.T).max(1).mean()


def maxsim_sum_of_all_pairs(Q, D):
    """Sums every token pair instead of each query token's maximum."""
    return (Q @ D.T).sum()


def maxsim_single_best_pair(Q, D):
    """The single best pair instead of the sum of per-query-token maxima."""
    return (Q @ D.T).max()


def maxsim_mean_pooled(Q, D):
    """The dot product of mean-pooled vectors (a bi-encoder), not late interaction."""
    return Q.mean(0) @ D.mean(0)


def maxsim_clipped_at_zero(Q, D):
    """Clips similarities at 0: a negative maximum is lost."""
    return np.clip(Q @ D.T, 0, None).max(1).sum()


def maxsim_per_token(Q, D):
    """Returns the (n_q,) maxima instead of their sum."""
    return (Q @ D.T).max(1)


ANSWERS = {
    "info_nce_masked": [nce_labels_zero, nce_sum, nce_no_temperature, nce_no_mask, nce_mask_zero, nce_naive_exp,
                        nce_other_direction, nce_log10, nce_scales_q_in_place],
    "maxsim": [maxsim_max_over_query_tokens, maxsim_mean_over_query_tokens, maxsim_sum_of_all_pairs,
               maxsim_single_best_pair, maxsim_mean_pooled, maxsim_clipped_at_zero, maxsim_per_token],
}
