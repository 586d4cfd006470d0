r"""Decoding (解码) a language model: greedy, beam search (束搜索), temperature, top-k, top-p — and brute force.

A model gives next-token log-probabilities $\log p(x_t \mid x_{<t})$; a sequence's log-probability is their sum.

* **Greedy**: take $\arg\max$ at every step. Locally best, not necessarily the most probable sequence.
* **Beam search** with width $k$: keep the $k$ best prefixes by total log-probability, extend each by every
  token, keep the best $k$ again. Width 1 is greedy; width $\ge V^{n-1}$ for $n$ new tokens never prunes and
  returns the exact best sequences (:func:`enumerate_sequences` is the brute-force check).
* **Temperature** $\tau$: sample from $\operatorname{softmax}(z/\tau)$ — sharper for $\tau < 1$, flatter for
  $\tau > 1$, greedy as $\tau \to 0$.
* **Top-k**: keep the $k$ largest logits (ties with the $k$-th kept), renormalise.
* **Top-p** (nucleus, Holtzman et al., 2020): sort by probability, keep the smallest prefix whose total is
  $\ge p$ (the token that crosses $p$ is kept), renormalise.

Filters follow Hugging Face's ``TemperatureLogitsWarper``, ``TopKLogitsWarper`` and ``TopPLogitsWarper`` (tested
equal), applied in that order: removed tokens get logit $-\infty$. :func:`filter_logits_numpy` is the same
filter on numpy arrays (no torch; tested equal to the warpers too).

A *model* here is any function ``logits_fn(ids) -> logits``: ids (B, t) int64 -> (B, V) next-token logits.

See chapter: chapters/llm.md
"""

from __future__ import annotations

import itertools

import numpy as np

from mlnotes._checks import check_int, check_real


def filter_logits(logits, temperature=1.0, top_k=None, top_p=None):
    """Temperature, then top-k, then top-p on logits (..., V); removed entries become -inf. Same dtype.

    See chapter: chapters/llm.md
    """
    import torch

    z = torch.as_tensor(logits)
    if not z.is_floating_point() or z.dim() == 0:
        raise TypeError("logits must be a floating tensor of shape (..., V)")
    temperature = check_real("temperature", temperature, low=0.0, low_open=True)
    z = z / temperature
    if top_k is not None:
        k = check_int("top_k", top_k, low=1)
        kth = torch.topk(z, min(k, z.shape[-1]), dim=-1).values[..., -1:]  # (..., 1): the k-th largest
        z = z.masked_fill(z < kth, float("-inf"))  # ties with the k-th are kept
    if top_p is not None:
        p = check_real("top_p", top_p, low=0.0, high=1.0, low_open=True)
        z = _top_p(torch, z, p)
    return z


def _top_p(torch, z, p):
    """Keep the most probable tokens until their total reaches p (the crossing token included)."""
    probs = torch.softmax(z, dim=-1)
    sorted_p, order = torch.sort(probs, dim=-1, descending=True)  # (..., V)
    mass_before = torch.cumsum(sorted_p, dim=-1) - sorted_p  # probability of the tokens ranked above
    drop_sorted = mass_before >= p  # already reached p without this token
    drop = torch.zeros_like(drop_sorted).scatter(-1, order, drop_sorted)  # back to vocabulary order
    return z.masked_fill(drop, float("-inf"))


def filter_logits_numpy(logits, temperature=1.0, top_k=None, top_p=None) -> np.ndarray:
    """:func:`filter_logits` on a numpy array (no torch): logits (..., V) -> (..., V), -inf where removed, same dtype.

    The same rules; among tokens of exactly equal probability the order is numpy's stable sort (torch's sort
    may order ties differently, which matters only for a tie at the cut-off). What the top-p drill compares
    with in the browser. See chapter: chapters/llm.md
    """
    z = np.asarray(logits)
    if z.dtype.kind != "f" or z.ndim == 0:
        raise TypeError("logits must be a floating array of shape (..., V)")
    temperature = check_real("temperature", temperature, low=0.0, low_open=True)
    z = z / temperature
    if top_k is not None:
        k = check_int("top_k", top_k, low=1)
        kth = np.sort(z, axis=-1)[..., [-min(k, z.shape[-1])]]  # (..., 1): the k-th largest
        z = np.where(z < kth, -np.inf, z)  # ties with the k-th are kept
    if top_p is not None:
        p = check_real("top_p", top_p, low=0.0, high=1.0, low_open=True)
        z = _top_p_numpy(z, p)
    return z


def _top_p_numpy(z, p):
    """:func:`_top_p` in numpy: keep the most probable tokens until their total reaches p (crossing token kept)."""
    from mlnotes.attention.core import softmax

    probs = softmax(z)  # (..., V)
    order = np.argsort(-probs, axis=-1, kind="stable")  # most probable first
    sorted_p = np.take_along_axis(probs, order, axis=-1)
    mass_before = np.cumsum(sorted_p, axis=-1) - sorted_p  # probability of the tokens ranked above
    drop_sorted = mass_before >= p  # already reached p without this token
    drop = np.zeros_like(drop_sorted)
    np.put_along_axis(drop, order, drop_sorted, axis=-1)  # back to vocabulary order
    return np.where(drop, -np.inf, z)


def greedy(logits_fn, prompt, steps):
    """Append the argmax token ``steps`` times: ids (B, t) -> (B, t + steps). See chapter: chapters/llm.md"""
    import torch

    ids = torch.as_tensor(prompt)
    for _ in range(check_int("steps", steps, low=0)):
        ids = torch.cat([ids, logits_fn(ids).argmax(-1, keepdim=True)], dim=1)
    return ids


def beam_search(logits_fn, prompt, steps, beam_width):
    """The ``beam_width`` best continuations of one prompt (1-D ids) by total log-probability, best first.

    Returns (sequences (k, steps) int64 of the new tokens, their log-probabilities (k,) float64), no length
    penalty (all candidates have the same length). See chapter: chapters/llm.md
    """
    import torch

    steps = check_int("steps", steps, low=1)
    k = check_int("beam_width", beam_width, low=1)
    prompt = torch.as_tensor(prompt).reshape(1, -1)
    beams = torch.zeros(1, 0, dtype=torch.int64)  # (n, t): the new tokens of each beam
    scores = torch.zeros(1, dtype=torch.float64)  # (n,): their log-probabilities
    for _ in range(steps):
        ids = torch.cat([prompt.expand(len(beams), -1), beams], dim=1)  # (n, prompt + t)
        logp = torch.log_softmax(logits_fn(ids).double(), dim=-1)  # (n, V)
        total = (scores[:, None] + logp).reshape(-1)  # (n·V,): every beam × every next token
        best = torch.topk(total, min(k, total.numel())).indices  # the k best extensions
        V = logp.shape[-1]
        beams = torch.cat([beams[best // V], (best % V)[:, None]], dim=1)
        scores = total[best]
    return beams, scores


def enumerate_sequences(logits_fn, prompt, steps):
    """Brute force: every continuation of ``steps`` tokens of one prompt with its exact log-probability.

    -> (sequences (V**steps, steps), log-probabilities (V**steps,) float64), sorted best first (ties: smaller
    ids first). The reference for greedy, beam search and the samplers. See chapter: chapters/llm.md
    """
    import torch

    steps = check_int("steps", steps, low=1)
    prompt = torch.as_tensor(prompt).reshape(1, -1)
    V = logits_fn(prompt).shape[-1]
    if V**steps > 200_000:
        raise ValueError(f"V**steps = {V**steps} sequences is too many to enumerate")
    seqs = torch.tensor(list(itertools.product(range(V), repeat=steps)), dtype=torch.int64)  # (V^n, n)
    ids = torch.cat([prompt.expand(len(seqs), -1), seqs], dim=1)
    total = torch.zeros(len(seqs), dtype=torch.float64)
    t0 = prompt.shape[1]
    for t in range(steps):  # log p(x_t | x_<t) for every sequence at once
        logp = torch.log_softmax(logits_fn(ids[:, : t0 + t]).double(), dim=-1)  # (V^n, V)
        total += logp.gather(1, seqs[:, t : t + 1])[:, 0]
    order = np.lexsort((np.arange(len(seqs)), -total.numpy()))  # best first, stable
    return seqs[order], total[order]


def sample(logits_fn, prompt, steps, temperature=1.0, top_k=None, top_p=None, seed=0):
    """Sample ``steps`` tokens for each row of ``prompt`` (B, t) with the filters above: -> (B, t + steps).

    See chapter: chapters/llm.md
    """
    import torch

    gen = torch.Generator().manual_seed(check_int("seed", seed, low=0))
    ids = torch.as_tensor(prompt)
    for _ in range(check_int("steps", steps, low=0)):
        z = filter_logits(logits_fn(ids), temperature, top_k, top_p)
        ids = torch.cat([ids, torch.multinomial(torch.softmax(z, -1), 1, generator=gen)], dim=1)
    return ids


def sequence_distribution(logits_fn, prompt, steps, temperature=1.0, top_k=None, top_p=None):
    """Exact probability of every continuation under the filtered sampler (brute force): -> (seqs, probs).

    Sequences in :func:`itertools.product` order (V**steps, steps); probs (V**steps,) float64 sum to 1.
    See chapter: chapters/llm.md
    """
    import torch

    steps = check_int("steps", steps, low=1)
    prompt = torch.as_tensor(prompt).reshape(1, -1)
    V = logits_fn(prompt).shape[-1]
    seqs = torch.tensor(list(itertools.product(range(V), repeat=steps)), dtype=torch.int64)
    ids = torch.cat([prompt.expand(len(seqs), -1), seqs], dim=1)
    prob = torch.ones(len(seqs), dtype=torch.float64)
    t0 = prompt.shape[1]
    for t in range(steps):
        z = filter_logits(logits_fn(ids[:, : t0 + t]).double(), temperature, top_k, top_p)
        prob *= torch.softmax(z, dim=-1).gather(1, seqs[:, t : t + 1])[:, 0]
    return seqs, prob


def toy_lm(vocab_size=5, seed=0):
    """A tiny untrained GPT (float64, one layer, weights N(0, 0.5²): peaked next-token distributions) as
    ``logits_fn(ids (B, t)) -> (B, V)`` — small enough to enumerate every continuation.

    See chapter: chapters/llm.md
    """
    import torch

    from mlnotes.transformer.gpt import GPT, GPTConfig

    V = check_int("vocab_size", vocab_size, low=2)
    model = GPT(GPTConfig(vocab_size=V, block_size=16, d_model=16, n_layers=1, n_heads=2, init_std=0.5),
                seed=check_int("seed", seed, low=0), dtype=torch.float64)

    def logits_fn(ids):
        with torch.no_grad():
            return model(torch.as_tensor(ids))[:, -1]  # (B, V): the next token after each prefix

    return logits_fn
