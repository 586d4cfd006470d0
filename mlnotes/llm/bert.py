r"""BERT's pre-training inputs and its fine-tuning heads: MLM masking (80/10/10), NSP pairs, span decoding for QA.

**Masked language modelling (MLM, 掩码语言模型).** Choose each non-special token with probability $p = 0.15$; the
model must predict the original token at the chosen positions only (label $-100$ elsewhere: ignored by the loss).
Of the chosen tokens, 80 % are replaced by ``[MASK]``, 10 % by a random token and 10 % are left unchanged
(Devlin et al., 2019), so the model cannot learn that only ``[MASK]`` positions matter. Per token: $P([MASK]) =
0.12$, $P(\text{random}) = 0.015$, $P(\text{kept but predicted}) = 0.015$. :func:`mlm_mask` draws the same random
numbers in the same order as Hugging Face's ``DataCollatorForLanguageModeling`` (tested equal token for token).

**Next sentence prediction (NSP).** Pairs ``[CLS] A [SEP] B [SEP]``: half the time B follows A in the text
(label 1), half the time B is a random sentence (label 0); the ``[CLS]`` output is classified.

**Extractive QA head.** Two learned vectors $s, e \in \mathbb R^d$ score each passage token as the start
($h_i\cdot s$) and the end ($h_j\cdot e$) of the answer; the answer is the span $i \le j < i + \ell_{\max}$
maximising $h_i\cdot s + h_j\cdot e$ (:func:`best_span`).

See chapter: chapters/llm.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_int, check_real

IGNORE_INDEX = -100  # the label torch's cross_entropy skips by default


def mlm_mask(input_ids, special_mask, mask_token_id, vocab_size, mlm_probability=0.15, mask_replace_prob=0.8,
             random_replace_prob=0.1, generator=None):
    """BERT's masking of a batch of ids (B, T): -> (inputs (B, T), labels (B, T) with −100 where not chosen).

    ``special_mask`` (B, T) bool marks [CLS]/[SEP]/[PAD] (never chosen). ``generator``: a torch.Generator.
    See chapter: chapters/llm.md
    """
    import torch

    ids = torch.as_tensor(input_ids)
    special = torch.as_tensor(special_mask)
    if ids.dtype != torch.int64 or special.dtype != torch.bool or ids.shape != special.shape:
        raise TypeError("input_ids must be int64 and special_mask bool, both of shape (B, T)")
    p = check_real("mlm_probability", mlm_probability, low=0.0, high=1.0)
    p_mask = check_real("mask_replace_prob", mask_replace_prob, low=0.0, high=1.0)
    p_rand = check_real("random_replace_prob", random_replace_prob, low=0.0, high=1.0 - p_mask)
    inputs, labels = ids.clone(), ids.clone()
    chosen = torch.bernoulli(torch.full(ids.shape, p).masked_fill(special, 0.0), generator=generator).bool()
    labels[~chosen] = IGNORE_INDEX  # the loss looks only at the chosen positions
    to_mask = torch.bernoulli(torch.full(ids.shape, p_mask), generator=generator).bool() & chosen  # 80 %
    inputs[to_mask] = mask_token_id
    if p_mask == 1 or p_rand == 0:
        return inputs, labels
    to_random = (torch.bernoulli(torch.full(ids.shape, p_rand / (1 - p_mask)), generator=generator).bool()
                 & chosen & ~to_mask)  # half of the remaining 20 %: 10 %
    random_ids = torch.randint(vocab_size, ids.shape, dtype=torch.long, generator=generator)
    inputs[to_random] = random_ids[to_random]
    return inputs, labels  # the last 10 % of the chosen tokens are left as they were


def nsp_pairs(sentences, seed=0) -> list:
    """(A, B, is_next) for consecutive sentences A: B is the true next sentence (is_next = 1) or, with
    probability 1/2, a random other sentence (0). See chapter: chapters/llm.md
    """
    if len(sentences) < 3:
        raise ValueError("need at least 3 sentences")
    rng = np.random.default_rng(check_int("seed", seed, low=0))
    pairs = []
    for i in range(len(sentences) - 1):
        if rng.random() < 0.5:
            pairs.append((sentences[i], sentences[i + 1], 1))
        else:
            j = rng.choice([k for k in range(len(sentences)) if k not in (i, i + 1)])
            pairs.append((sentences[i], sentences[j], 0))
    return pairs


def best_span(start_logits, end_logits, max_answer_len=30):
    """The answer span (i, j) with i ≤ j < i + max_answer_len maximising start[i] + end[j], and its score.

    start_logits, end_logits (T,). Vectorised: all (T, T) pair scores, invalid pairs set to −inf.
    See chapter: chapters/llm.md
    """
    s = np.asarray(start_logits, dtype=float)
    e = np.asarray(end_logits, dtype=float)
    if s.ndim != 1 or s.shape != e.shape or s.size == 0:
        raise ValueError("start_logits and end_logits must be 1-D of the same non-zero length")
    n = check_int("max_answer_len", max_answer_len, low=1)
    scores = s[:, None] + e[None, :]  # (T, T): start i, end j
    offset = np.arange(s.size)[None, :] - np.arange(s.size)[:, None]  # j − i
    scores = np.where((offset >= 0) & (offset < n), scores, -np.inf)
    i, j = np.unravel_index(np.argmax(scores), scores.shape)
    return int(i), int(j), float(scores[i, j])
