"""Known wrong answers to the LLM drills (mlnotes/drills/llm.py): BPE merges, the top-p filter, a LoRA linear layer.

Self-contained (stdlib + numpy): exec'd alone in the reader's browser. Each function is a mistake a reader makes;
the checker must fail it, and name it where its hint list does.
"""

from collections import Counter

import numpy as np


# -- BPE merges ------------------------------------------------------------------------------------
def _merge(word, pair, step=2):
    out, i = [], 0
    while i < len(word):
        if tuple(word[i:i + 2]) == pair:
            out.append(pair[0] + pair[1])
            i += step  # 2 is right: a merge consumes both symbols
        else:
            out.append(word[i])
            i += 1
    return tuple(out)


def _bpe(word_counts, num_merges, *, weighted=True, largest_tie=False, once_per_word=False, early_stop=True,
         step=2):
    """A reader's BPE trainer with one switch turned the wrong way."""
    words = {tuple(w): n for w, n in word_counts.items()}
    merges = []
    for _ in range(num_merges):
        pairs = Counter()
        for word, n in words.items():
            found = list(zip(word, word[1:]))
            for pair in (set(found) if once_per_word else found):
                pairs[pair] += n if weighted else 1
        if not pairs and early_stop:
            break
        top = max(pairs.values(), default=None)
        tied = sorted(p for p, c in pairs.items() if c == top)
        best = tied[-1] if largest_tie else tied[0]  # IndexError when no pair is left and there is no early stop
        merges.append(best)
        merged = Counter()
        for w, n in words.items():
            merged[_merge(w, best, step)] += n
        words = dict(merged)
    return merges


def bpe_unweighted_counts(word_counts, num_merges):
    return _bpe(word_counts, num_merges, weighted=False)


def bpe_largest_pair_on_tie(word_counts, num_merges):
    return _bpe(word_counts, num_merges, largest_tie=True)


def bpe_pairs_once_per_word(word_counts, num_merges):
    return _bpe(word_counts, num_merges, once_per_word=True)


def bpe_no_early_stop(word_counts, num_merges):
    return _bpe(word_counts, num_merges, early_stop=False)


def bpe_merge_steps_one_symbol(word_counts, num_merges):
    """Steps one symbol after a merge instead of two: the right symbol is kept again ('e s t' -> 'es s t')."""
    return _bpe(word_counts, num_merges, step=1)


def bpe_mutates_word_counts(word_counts, num_merges):
    word_counts["zzz"] = 1  # changes the caller's dictionary
    return _bpe(word_counts, num_merges)


# -- top-p -----------------------------------------------------------------------------------------
def _top_p(probs, p, *, keep_crossing=True, descending=True, renormalise=True):
    order = np.argsort(-probs if descending else probs, axis=-1, kind="stable")
    sp = np.take_along_axis(probs, order, axis=-1)
    keep_sorted = (np.cumsum(sp, axis=-1) - sp < p) if keep_crossing else (np.cumsum(sp, axis=-1) <= p)
    keep = np.zeros(probs.shape, dtype=bool)
    np.put_along_axis(keep, order, keep_sorted, axis=-1)
    kept = np.where(keep, probs, 0.0)
    return kept / kept.sum(axis=-1, keepdims=True) if renormalise else kept


def top_p_drops_crossing_token(probs, p):
    return _top_p(probs, p, keep_crossing=False)


def top_p_not_renormalised(probs, p):
    return _top_p(probs, p, renormalise=False)


def top_p_ascending_sort(probs, p):
    return _top_p(probs, p, descending=False)  # keeps the least likely tokens


def top_p_cumsum_flattened(probs, p):
    order = np.argsort(-probs, axis=-1)
    sp = np.take_along_axis(probs, order, axis=-1)
    keep_sorted = np.cumsum(sp) - sp.ravel() < p  # no axis: one running total over every row
    keep = np.zeros(probs.shape, dtype=bool)
    np.put_along_axis(keep, order, keep_sorted.reshape(probs.shape), axis=-1)
    kept = np.where(keep, probs, 0.0)
    return kept / kept.sum(axis=-1, keepdims=True)


def top_p_mutates_probs(probs, p):
    probs[probs < np.sort(probs, axis=-1)[:, -1:]] = 0  # zeroes the caller's array
    return probs / probs.sum(axis=-1, keepdims=True)


# -- LoRA ------------------------------------------------------------------------------------------
def lora_scaled_by_alpha(x, W, b, A, B, alpha):
    return x @ W.T + b + alpha * (x @ A.T) @ B.T, W + alpha * B @ A


def lora_not_scaled(x, W, b, A, B, alpha):
    return x @ W.T + b + (x @ A.T) @ B.T, W + B @ A


def lora_merged_weight_is_w(x, W, b, A, B, alpha):
    scale = alpha / A.shape[0]
    return x @ W.T + b + scale * (x @ A.T) @ B.T, W


def lora_scaled_by_rank_over_alpha(x, W, b, A, B, alpha):
    scale = A.shape[0] / alpha
    return x @ W.T + b + scale * (x @ A.T) @ B.T, W + scale * B @ A


def lora_merges_into_w_in_place(x, W, b, A, B, alpha):
    W += alpha / A.shape[0] * B @ A  # changes the caller's frozen weight
    return x @ W.T + b, W


ANSWERS = {
    "bpe_merges": [bpe_unweighted_counts, bpe_largest_pair_on_tie, bpe_pairs_once_per_word, bpe_no_early_stop,
                   bpe_merge_steps_one_symbol, bpe_mutates_word_counts],
    "top_p": [top_p_drops_crossing_token, top_p_not_renormalised, top_p_ascending_sort, top_p_cumsum_flattened,
              top_p_mutates_probs],
    "lora_linear": [lora_scaled_by_alpha, lora_not_scaled, lora_merged_weight_is_w, lora_scaled_by_rank_over_alpha,
                    lora_merges_into_w_in_place],
}
