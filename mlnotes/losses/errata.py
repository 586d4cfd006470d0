r"""The source notes' loss and information-theory mistakes, kept runnable to show them.

* Erratum 1 — the notes write $D_\text{KL}(P\|Q) = \sum_i P_i\log\frac{Q_i}{P_i}$. That is $-D_\text{KL}$:
  it is $\le 0$, zero only at $P = Q$, so "minimizing" it would push $Q$ *away* from $P$.
* Erratum 2 — the notes' softmax has $e^{x_i}$ in the denominator's sum, $\sum_{j=1}^n e^{x_i} = n e^{x_i}$,
  so every output is $1/n$ whatever the input. The sum runs over $e^{x_j}$.
* Erratum 15 — the notes' InfoNCE computes ``anchor @ positive.T`` (a $B\times B$ matrix), appends
  the negatives' similarities and uses labels 0: row $i$ is then told that ``positive[0]`` is its
  positive. The positive logit of row $i$ is the row-wise dot product $a_i\cdot p_i$ (then label 0
  is right), or keep the $B\times B$ matrix and use the diagonal, labels ``arange(B)``.

See chapter: chapters/losses.md
"""

from __future__ import annotations

import numpy as np
from scipy.special import xlogy

from mlnotes._checks import check_real
from mlnotes.activations._common import as_float_array
from mlnotes.losses.classification import _cross_entropy
from mlnotes.losses.information import _distribution


def kl_notes(p, q) -> np.ndarray:
    """The notes' Σ P log(Q/P) over the last axis: −D_KL(P‖Q), never positive. See chapter: chapters/losses.md"""
    p, q = _distribution("p", p), _distribution("q", q)
    with np.errstate(divide="ignore"):
        return np.sum(xlogy(p, q) - xlogy(p, p), axis=-1)


def softmax_notes(x) -> np.ndarray:
    """The notes' e^{x_i} / Σ_j e^{x_i} over the last axis: n·e^{x_i} in the denominator, so 1/n everywhere.

    (Computed with the max subtracted so that it does not overflow; the bug is the index, not the
    overflow.) See chapter: chapters/losses.md
    """
    x = as_float_array("x", x)
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    n = x.shape[-1]
    return e / (n * e)  # Σ_{j=1}^{n} e^{x_i} = n e^{x_i}


def info_nce_notes(anchor, positive, negatives, temperature: float = 0.07, fixed: bool = False) -> float:
    """The notes' InfoNCE (labels 0 after ``anchor @ positive.T``), or with ``fixed=True`` the repair that
    keeps their layout: positive logit = row-wise a_i·p_i, then the negatives, labels 0.

    anchor, positive (B, d); negatives (M, d). Mean over the batch. See chapter: chapters/losses.md
    """
    a = as_float_array("anchor", anchor, ndim=2)
    p = as_float_array("positive", positive, ndim=2)
    n = as_float_array("negatives", negatives, ndim=2)
    tau = check_real("temperature", temperature, low=0.0, low_open=True)
    if p.shape != a.shape or n.shape[1] != a.shape[1]:
        raise ValueError(f"anchor and positive must be (B, d) and negatives (M, d), got {a.shape}, {p.shape}, {n.shape}")
    if fixed:
        pos = np.sum(a * p, axis=1, keepdims=True) / tau  # (B, 1): each row's own positive
    else:
        pos = a @ p.T / tau  # (B, B): the notes' positive_similarity
    logits = np.concatenate([pos, a @ n.T / tau], axis=1)
    q = np.zeros_like(logits)
    q[:, 0] = 1  # labels = zeros
    loss, _ = _cross_entropy(logits, q, np.ones(logits.shape[1]))
    return float(loss.mean())
