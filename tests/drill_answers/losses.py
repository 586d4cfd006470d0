"""Known wrong answers to the drills of ``mlnotes/drills/losses.py``: reader code with one realistic mistake each.

numpy only (run alone in the browser too); ``ANSWERS`` maps each drill to its wrong answers
(see ``tests/drill_answers/harness.py``).
"""

import numpy as np


# -- softmax + cross-entropy ----------------------------------------------------------------------------
def sce_no_max_subtracted(logits, target):
    """exp(z) directly: overflows to inf for logits ~1e4 (inf/inf = NaN)."""
    e = np.exp(logits)
    p = e / e.sum(axis=1, keepdims=True)
    return p, -np.log(p[np.arange(len(p)), target]).mean()


def sce_log_of_softmax(logits, target):
    """Stable softmax, but the loss is log of it: a probability that underflowed to 0 gives log 0 = −inf."""
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    return p, -np.log(p[np.arange(len(p)), target]).mean()


def sce_global_max(logits, target):
    """The batch's global max subtracted (the notes' trap): a row far below it underflows to 0/0."""
    e = np.exp(logits - logits.max())
    p = e / e.sum(axis=1, keepdims=True)
    return p, -np.log(p[np.arange(len(p)), target]).mean()


def sce_summed_loss(logits, target):
    """Sum over the batch instead of the mean."""
    z = logits - logits.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return np.exp(log_p), -log_p[np.arange(len(z)), target].sum()


def sce_softmax_over_columns(logits, target):
    """Softmax over axis 0 (each class over the batch), the loss right."""
    z0 = logits - logits.max(axis=0, keepdims=True)
    p = np.exp(z0) / np.exp(z0).sum(axis=0, keepdims=True)
    z = logits - logits.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return p, -log_p[np.arange(len(z)), target].mean()


def sce_shifts_logits_in_place(logits, target):
    """Right numbers, but the caller's logits are modified (``-=``)."""
    logits -= logits.max(axis=1, keepdims=True)
    log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    return np.exp(log_p), -log_p[np.arange(len(logits)), target].mean()


def sce_returns_loss_only(logits, target):
    """Returns the loss alone, not (probs, loss)."""
    z = logits - logits.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return -log_p[np.arange(len(z)), target].mean()


# -- InfoNCE --------------------------------------------------------------------------------------------------
def _mean_ce(logits, labels):
    z = logits - logits.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return -log_p[np.arange(len(z)), labels].mean()


def info_nce_labels_all_zero(query, key, temperature=0.07):
    """The notes' code (erratum 15): every row's positive taken as column 0."""
    return _mean_ce(query @ key.T / temperature, np.zeros(len(query), dtype=int))


def info_nce_no_temperature(query, key, temperature=0.07):
    """The similarities are not divided by τ."""
    return _mean_ce(query @ key.T, np.arange(len(query)))


def info_nce_summed(query, key, temperature=0.07):
    """Sum over the batch instead of the mean."""
    return _mean_ce(query @ key.T / temperature, np.arange(len(query))) * len(query)


def info_nce_naive_exp(query, key, temperature=0.07):
    """exp of the logits without the max: inf/inf = NaN at τ = 0.001."""
    s = np.exp(query @ key.T / temperature)
    return -np.mean(np.log(np.diag(s) / s.sum(axis=1)))


def info_nce_cosine(query, key, temperature=0.07):
    """Normalizes query and key first (cosine similarity); the drill's logits are the raw dot products."""
    q = query / np.linalg.norm(query, axis=1, keepdims=True)
    k = key / np.linalg.norm(key, axis=1, keepdims=True)
    return _mean_ce(q @ k.T / temperature, np.arange(len(query)))


def info_nce_symmetric(query, key, temperature=0.07):
    """CLIP's symmetric loss (rows and columns averaged); the drill asks for the query → key direction."""
    logits = query @ key.T / temperature
    labels = np.arange(len(query))
    return (_mean_ce(logits, labels) + _mean_ce(logits.T, labels)) / 2


# -- KL of two Gaussians --------------------------------------------------------------------------------------------
def kl_normal_swapped(mu_p, sigma_p, mu_q, sigma_q):
    """KL(Q‖P) instead of KL(P‖Q)."""
    return np.log(sigma_p / sigma_q) + (sigma_q**2 + (mu_q - mu_p) ** 2) / (2 * sigma_p**2) - 0.5


def kl_normal_sigma_as_variance(mu_p, sigma_p, mu_q, sigma_q):
    """σ treated as a variance: ½ log(σ_q/σ_p) + (σ_p + Δμ²)/(2σ_q) − ½."""
    return 0.5 * np.log(sigma_q / sigma_p) + (sigma_p + (mu_p - mu_q) ** 2) / (2 * sigma_q) - 0.5


def kl_normal_no_half(mu_p, sigma_p, mu_q, sigma_q):
    """The −½ is missing."""
    return np.log(sigma_q / sigma_p) + (sigma_p**2 + (mu_p - mu_q) ** 2) / (2 * sigma_q**2)


def kl_normal_no_two(mu_p, sigma_p, mu_q, sigma_q):
    """2σ_q² written σ_q²."""
    return np.log(sigma_q / sigma_p) + (sigma_p**2 + (mu_p - mu_q) ** 2) / sigma_q**2 - 0.5


def kl_normal_summed(mu_p, sigma_p, mu_q, sigma_q):
    """Sums the elementwise KL to one number (the drill wants it elementwise)."""
    return np.sum(np.log(sigma_q / sigma_p) + (sigma_p**2 + (mu_p - mu_q) ** 2) / (2 * sigma_q**2) - 0.5)


ANSWERS = {
    "softmax_cross_entropy": [sce_no_max_subtracted, sce_log_of_softmax, sce_global_max, sce_summed_loss,
                              sce_softmax_over_columns, sce_shifts_logits_in_place, sce_returns_loss_only],
    "info_nce": [info_nce_labels_all_zero, info_nce_no_temperature, info_nce_summed, info_nce_naive_exp,
                 info_nce_cosine, info_nce_symmetric],
    "kl_normal": [kl_normal_swapped, kl_normal_sigma_as_variance, kl_normal_no_half, kl_normal_no_two,
                  kl_normal_summed],
}
