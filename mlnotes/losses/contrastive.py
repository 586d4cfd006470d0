r"""InfoNCE (对比学习损失) with in-batch negatives, and its gradients.

For a batch of $B$ query embeddings $q_i$ and their positive keys $k_i$ (two views of the same item),
every other key in the batch is a negative (optionally plus $M$ extra negatives $n_j$):
$$S = \frac{q\,[k;\,n]^\top}{\tau} \in \mathbb R^{B\times(B+M)},\qquad
\mathcal L = \frac1B\sum_i -\log\frac{e^{S_{ii}}}{\sum_j e^{S_{ij}}} = \operatorname{CE}(S, y),\quad y_i = i .$$
The positive of row $i$ sits on the **diagonal**, so the labels are ``arange(B)``, not zeros
(erratum 15: the notes' ``anchor @ positive.T`` with labels 0 makes $k_0$ the "positive" of every
row). The temperature $\tau$ (0.07 in MoCo/CLIP) sharpens the softmax. With $G = (\operatorname{softmax}(S) -
I_{\cdot, y})/B$ the gradient of the mean loss is $\partial\mathcal L/\partial q = G[k; n]/\tau$ and
$\partial\mathcal L/\partial [k; n] = G^\top q/\tau$. Use L2-normalized embeddings for a cosine similarity.

Reference: ``torch.nn.functional.cross_entropy(q @ k.T / τ, torch.arange(B))`` (Oord et al. 2018, CPC;
Chen et al. 2020, SimCLR; He et al. 2020, MoCo).

See chapter: chapters/losses.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_real
from mlnotes.activations._common import as_float_array
from mlnotes.losses._common import check_reduction, reduce
from mlnotes.losses.classification import _cross_entropy


def _info_nce(query, keys, temperature):
    B = query.shape[0]
    logits = query @ keys.T / temperature  # (B, B + M): row i's positive is column i
    q = np.zeros_like(logits)
    q[np.arange(B), np.arange(B)] = 1  # labels = arange(B): the diagonal
    loss, d_logits = _cross_entropy(logits, q, np.ones(logits.shape[1], dtype=logits.dtype))  # (B,), (B, B + M)
    return loss, d_logits


def _inputs(query, key, temperature, negatives):
    q = as_float_array("query", query, ndim=2)
    k = as_float_array("key", key, ndim=2)
    if k.shape != q.shape:
        raise ValueError(f"key must have the shape of query {q.shape} (one positive per query), got {k.shape}")
    keys = k
    if negatives is not None:
        neg = as_float_array("negatives", negatives, ndim=2)
        if neg.shape[1] != q.shape[1]:
            raise ValueError(f"negatives must have shape (M, {q.shape[1]}), got {neg.shape}")
        keys = np.concatenate([k, neg.astype(k.dtype, copy=False)])
    dtype = np.result_type(q.dtype, keys.dtype)
    tau = check_real("temperature", temperature, low=0.0, low_open=True)
    return q.astype(dtype, copy=False), keys.astype(dtype, copy=False), dtype.type(tau)


def info_nce(query, key, temperature: float = 0.07, negatives=None, reduction: str = "mean"):
    """InfoNCE of queries (B, d) against their positive keys (B, d), the other keys (and ``negatives`` (M, d)) as negatives.

    Stable for any finite similarities. Reference: ``F.cross_entropy(query @ keys.T / τ, arange(B))``.
    See chapter: chapters/losses.md
    """
    check_reduction(reduction)
    q, keys, tau = _inputs(query, key, temperature, negatives)
    loss, _ = _info_nce(q, keys, tau)
    return reduce(loss, np.zeros(1, dtype=loss.dtype), reduction)[0]


def info_nce_grad(query, key, temperature: float = 0.07, negatives=None, reduction: str = "mean"):
    """Gradients of :func:`info_nce`: (∂/∂query (B, d), ∂/∂key (B, d), ∂/∂negatives (M, d) or None).

    See chapter: chapters/losses.md
    """
    check_reduction(reduction)
    q, keys, tau = _inputs(query, key, temperature, negatives)
    loss, d_logits = _info_nce(q, keys, tau)
    _, d_logits = reduce(loss, d_logits, reduction)
    d_q = d_logits @ keys / tau  # (B, d)
    d_keys = d_logits.T @ q / tau  # (B + M, d)
    B = q.shape[0]
    return d_q, d_keys[:B], (d_keys[B:] if negatives is not None else None)
