r"""Drills: hand-write BPE merges, a top-p filter and a LoRA linear layer (手撕 BPE / top-p / LoRA).

1. ``bpe_merges(word_counts, num_merges)``: ``word_counts`` maps words to counts. Start from single characters;
   ``num_merges`` times, merge the most frequent adjacent pair (a word seen $n$ times counts $n$ times; pairs
   inside a word only; merging replaces occurrences left to right without overlap). Ties: the pair that is
   smallest as a tuple of strings ``(left, right)``. Return the merged pairs in order; stop early when no word
   has two symbols left.
2. ``top_p(probs, p)``: probs (B, V), each row a distribution. Keep, per row, the most likely tokens until their
   total reaches $p$ (the token that crosses $p$ is kept), zero the rest, renormalise. Reference: Hugging Face's
   ``TopPLogitsWarper`` rule (as :func:`mlnotes.llm.decoding.filter_logits`), float64; in the browser (no torch)
   :func:`mlnotes.llm.decoding.filter_logits_numpy`, tested equal to the same warper.
3. ``lora(x, W, b, A, B, alpha)``: return ``(x Wᵀ + b + (α/r)·(x Aᵀ) Bᵀ, W + (α/r)·B A)`` with r = A.shape[0];
   x (..., d_in), W (d_out, d_in), A (r, d_in), B (d_out, r). Reference: torch's ``F.linear`` in float64; in the
   browser the book's LoRA on numpy arrays (``mlnotes.llm.lora._lora_forward`` and ``merge_lora``), tested equal.

The BPE reference needs no library. The reference in use is chosen by :func:`mlnotes.drills.core.oracle`; both
give the same verdicts.

See chapter: chapters/llm.md
"""

from __future__ import annotations

import copy
from collections import Counter

import numpy as np

from mlnotes.drills.attention import _matches
from mlnotes.drills.core import Case, CaseResult, Verdict, call_reader, library_oracle
from mlnotes.drills.transformer import _run_cases
from mlnotes.llm.bpe import _merge_word


# -- worked solutions ----------------------------------------------------------------------------
def bpe_merges_solution(word_counts, num_merges):
    """Count adjacent pairs (weighted by word counts), merge the most frequent, repeat.

    See chapter: chapters/llm.md
    """
    words = {tuple(w): n for w, n in word_counts.items()}  # each word as a tuple of symbols
    merges = []
    for _ in range(num_merges):
        pairs = Counter()
        for word, n in words.items():
            for pair in zip(word, word[1:]):
                pairs[pair] += n
        if not pairs:
            break
        best = min(pairs, key=lambda pair: (-pairs[pair], pair))  # most frequent; ties: smallest pair
        merges.append(best)
        new_words = {}
        for word, n in words.items():
            out, i = [], 0
            while i < len(word):
                if word[i:i + 2] == best:
                    out.append(best[0] + best[1])
                    i += 2
                else:
                    out.append(word[i])
                    i += 1
            new_words[tuple(out)] = new_words.get(tuple(out), 0) + n
        words = new_words
    return merges


def top_p_solution(probs, p):
    """Sort each row, keep tokens while the mass *before* them is below p, zero the rest, renormalise.

    See chapter: chapters/llm.md
    """
    order = np.argsort(-probs, axis=-1, kind="stable")  # most likely first
    sorted_p = np.take_along_axis(probs, order, axis=-1)
    mass_before = np.cumsum(sorted_p, axis=-1) - sorted_p
    keep_sorted = mass_before < p  # the token that crosses p is kept
    keep = np.zeros_like(keep_sorted)
    np.put_along_axis(keep, order, keep_sorted, axis=-1)
    kept = np.where(keep, probs, 0.0)
    return kept / kept.sum(axis=-1, keepdims=True)


def lora_linear_solution(x, W, b, A, B, alpha):
    """The frozen path plus the scaled low-rank path, and the merged weight W + (α/r)·B A.

    See chapter: chapters/llm.md
    """
    scale = alpha / A.shape[0]  # α / r
    out = x @ W.T + b + scale * (x @ A.T) @ B.T
    return out, W + scale * B @ A


# -- 1. BPE merges ---------------------------------------------------------------------------------
def bpe_cases() -> list:
    """Named word-count dictionaries and merge counts."""
    return [
        Case("Sennrich's toy corpus: low, lower, newest, widest", {"word_counts": {"low": 5, "lower": 2, "newest": 6,
                                                                                  "widest": 3}, "num_merges": 10}),
        Case("counts matter: 'ab' once vs 'cd' ten times", {"word_counts": {"ab": 1, "cd": 10, "abcd": 1},
                                                          "num_merges": 3}),
        Case("a tie: ('a', 'b') and ('c', 'd') both occur 3 times", {"word_counts": {"ab": 3, "cd": 3},
                                                                     "num_merges": 2}),
        Case("overlap: 'aaaa' holds ('a', 'a') 3 times but merges into 'aa' 'aa'",
             {"word_counts": {"aaaa": 2, "ab": 3}, "num_merges": 3}),
        Case("runs out of pairs: stop early", {"word_counts": {"ab": 2, "c": 5}, "num_merges": 5}),
        Case("zero merges", {"word_counts": {"hello": 1}, "num_merges": 0}),
        Case("pairs never cross words", {"word_counts": {"a": 4, "b": 4, "ba": 1}, "num_merges": 2}),
        Case("unicode characters", {"word_counts": {"naïve": 2, "café": 3, "né": 4}, "num_merges": 4}),
    ]


def _bpe_reference(word_counts, num_merges, *, weighted=True, largest_tie=False, per_word_once=False):
    """A slow reference: re-split every word from characters with the merges so far, each round (the library's
    merge step, which tests/test_llm.py proves equal to `tokenizers`)."""
    merges = []
    for _ in range(num_merges):
        counts = Counter()
        for word, n in word_counts.items():
            symbols = _apply(list(word), merges)
            pairs = list(zip(symbols, symbols[1:]))
            for pair in (set(pairs) if per_word_once else pairs):
                counts[pair] += n if weighted else 1
        if not counts:
            break
        top = max(counts.values())
        tied = sorted(pair for pair, c in counts.items() if c == top)
        merges.append(tied[-1] if largest_tie else tied[0])
    return merges


def _apply(symbols, merges):
    """Replay the merges on a word's characters (mlnotes.llm.bpe._merge_word: left to right, no overlap)."""
    for a, b in merges:
        symbols = list(_merge_word(tuple(symbols), a, b))
    return symbols


_BPE_MISTAKES = (
    ("every word counts once: weight each word's pairs by its count.", dict(weighted=False)),
    ("ties go to the largest pair; take the smallest (left, right) as strings.", dict(largest_tie=True)),
    ("a pair is counted once per word; count every occurrence.", dict(per_word_once=True)),
)


def check_bpe_merges(fn) -> Verdict:
    """Check ``fn(word_counts, num_merges)`` -> list of (left, right) merges against a slow reference.

    Reference: a slow pure-Python replay with mlnotes.llm.bpe's merge step (no torch: the same in the browser),
    checked against Hugging Face's tokenizers in tests/test_drills_llm.py (where no ties occur).
    See chapter: chapters/llm.md
    """
    drill = "BPE merges"
    if not callable(fn):
        return Verdict(drill, (CaseResult("(setup)", False, f"expected a function, got {type(fn).__name__}."),))
    results = []
    for case in bpe_cases():
        expected = _bpe_reference(**case.kwargs)
        kwargs = copy.deepcopy(case.kwargs)
        got, error = call_reader(fn, **kwargs)
        if error is not None:
            results.append(CaseResult(case.name, False, error))
            continue
        if kwargs != case.kwargs:
            results.append(CaseResult(case.name, False, "modified word_counts in place; work on a copy."))
            continue
        try:
            got_list = [tuple(m) for m in got]
            ok = got_list == expected and all(isinstance(s, str) for m in got_list for s in m)
        except Exception:  # noqa: BLE001 - a reader's odd return value
            results.append(CaseResult(case.name, False, f"should return a list of (left, right) string pairs, got "
                                                        f"{type(got).__name__}."))
            continue
        if ok:
            results.append(CaseResult(case.name, True))
            continue
        first = next((i for i, (g, e) in enumerate(zip(got_list, expected)) if g != e), min(len(got_list),
                                                                                             len(expected)))
        msg = (f"merge {first + 1} differs: expected {expected[first] if first < len(expected) else 'no more merges'}"
               f", got {got_list[first] if first < len(got_list) else 'no more merges'} "
               f"(expected {len(expected)} merges, got {len(got_list)}).")
        hint = next((h for h, kw in _BPE_MISTAKES if got_list == _bpe_reference(**case.kwargs, **kw)), "")
        results.append(CaseResult(case.name, False, msg + (f" Likely bug: {hint}" if hint else "")))
    return Verdict(drill, tuple(results))


# -- 2. top-p --------------------------------------------------------------------------------------
def top_p_cases() -> list:
    """Named (probs, p) inputs; no exact tie sits at a row's cut-off."""
    rng = np.random.default_rng(40)

    def rows(B, V, sharp):
        z = sharp * rng.standard_normal((B, V))
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    return [
        Case("4 rows of 10 tokens, p = 0.9", {"probs": rows(4, 10, 1.5), "p": 0.9}),
        Case("p = 1: keep everything", {"probs": rows(3, 6, 1.0), "p": 1.0}),
        Case("tiny p: only the most likely token", {"probs": rows(3, 8, 2.0), "p": 1e-6}),
        Case("the boundary: [1/2, 1/4, 1/8, 1/8] with p = 3/4 keeps two tokens",
             {"probs": np.array([[0.5, 0.25, 0.125, 0.125], [0.125, 0.5, 0.125, 0.25]]), "p": 0.75}),
        Case("the crossing token is kept: [0.6, 0.3, 0.1] with p = 0.7", {"probs": np.array([[0.6, 0.3, 0.1]]),
                                                                          "p": 0.7}),
        Case("unsorted rows with different shapes of distribution", {"probs": rows(5, 30, 3.0), "p": 0.5}),
        Case("a one-hot row", {"probs": np.array([[0.0, 1.0, 0.0, 0.0]]), "p": 0.9}),
    ]


def _top_p_reference(probs, p):
    if not library_oracle():
        from mlnotes.attention.core import softmax
        from mlnotes.llm.decoding import filter_logits_numpy

        with np.errstate(divide="ignore"):
            z = np.log(probs)
        return softmax(filter_logits_numpy(z, top_p=p))
    import torch

    from mlnotes.llm.decoding import filter_logits

    with np.errstate(divide="ignore"):
        z = torch.tensor(np.log(probs))
    return torch.softmax(filter_logits(z, top_p=p), dim=-1).numpy()


def _top_p_hint(kwargs, got) -> str:
    probs, p = kwargs["probs"], kwargs["p"]
    order = np.argsort(-probs, axis=-1, kind="stable")
    sp = np.take_along_axis(probs, order, axis=-1)
    variants = []
    for name, keep_sorted in (("the token that crosses p is dropped; keep it (keep while the mass *before* a "
                               "token is below p).", np.cumsum(sp, axis=-1) <= p),):
        keep = np.zeros_like(keep_sorted)
        np.put_along_axis(keep, order, keep_sorted, axis=-1)
        kept = np.where(keep, probs, 0.0)
        with np.errstate(all="ignore"):
            variants.append((name, kept / kept.sum(axis=-1, keepdims=True)))
    ref = _top_p_reference(probs, p)
    variants.append(("the kept probabilities are not renormalised: divide by their sum.",
                     np.where(ref > 0, probs, 0.0)))
    return next((h for h, want in variants if _matches(got, want)), "")


def check_top_p(fn) -> Verdict:
    """Check ``fn(probs, p)`` -> renormalised top-p probabilities against Hugging Face's rule (float64).

    Reference: torch.softmax of mlnotes.llm.decoding.filter_logits (= transformers' TopPLogitsWarper, float64);
    in the browser (Pyodide) mlnotes.attention.softmax of mlnotes.llm.decoding.filter_logits_numpy, proven equal
    in tests/test_llm.py (test_filter_logits_equals_hugging_face_warpers) and tests/test_attention.py.
    See chapter: chapters/llm.md
    """
    return _run_cases(fn, top_p_cases(), _top_p_reference, _top_p_hint, "top-p filter", ("filtered probs",))


# -- 3. LoRA ---------------------------------------------------------------------------------------
def lora_cases() -> list:
    """Named inputs: x, W, b, A, B, alpha."""
    specs = [("d_in = 6, d_out = 4, r = 2, α = 4", (5, 6), 4, 2, 4.0, 1.0),
             ("rank 1", (3, 8), 8, 1, 1.0, 1.0),
             ("α ≠ r: the scale is α / r", (4, 5), 7, 3, 16.0, 1.0),
             ("B = 0 (a fresh LoRA): the output is the frozen layer's", (3, 6), 4, 2, 8.0, 0.0),
             ("batched x (2, 5, d_in)", (2, 5, 6), 3, 2, 2.0, 1.0)]
    cases = []
    for i, (name, x_shape, d_out, r, alpha, b_scale) in enumerate(specs):
        rng = np.random.default_rng(900 + i)
        d_in = x_shape[-1]
        cases.append(Case(name, {"x": rng.standard_normal(x_shape), "W": rng.standard_normal((d_out, d_in)),
                                 "b": rng.standard_normal(d_out), "A": rng.standard_normal((r, d_in)),
                                 "B": b_scale * rng.standard_normal((d_out, r)), "alpha": alpha}))
    return cases


def _lora_reference(x, W, b, A, B, alpha):
    if not library_oracle():
        from mlnotes.llm.lora import _lora_forward, merge_lora

        scale = alpha / A.shape[0]
        return _lora_forward(x, W, b, A, B, scale), merge_lora(W, A, B, scale)
    import torch
    import torch.nn.functional as F

    t = lambda a: torch.tensor(a, dtype=torch.float64)  # noqa: E731
    scale = alpha / A.shape[0]
    out = F.linear(t(x), t(W), t(b)) + scale * F.linear(F.linear(t(x), t(A)), t(B))
    return out.numpy(), (t(W) + scale * t(B) @ t(A)).numpy()


def _lora_hint(kwargs, got) -> str:
    x, W, b, A, B, alpha = (kwargs[k] for k in ("x", "W", "b", "A", "B", "alpha"))
    r = A.shape[0]
    if not isinstance(got, tuple) or len(got) != 2:
        return ""
    for hint, scale in (("the low-rank path is scaled by α; the scale is α / r.", alpha),
                        ("the low-rank path is not scaled; multiply it by α / r.", 1.0)):
        if r != 1 and alpha != r and _matches(got[0], x @ W.T + b + scale * (x @ A.T) @ B.T):
            return hint
    if _matches(got[0], x @ W.T + b + alpha / r * (x @ A.T) @ B.T) and not _matches(got[1], W + alpha / r * B @ A):
        return "the output is right but the merged weight is not: W + (α/r)·B @ A (d_out × d_in)."
    return ""


def check_lora_linear(fn) -> Verdict:
    """Check ``fn(x, W, b, A, B, alpha)`` -> (output, merged weight) against torch's F.linear (float64).

    Reference: torch.nn.functional.linear (float64); in the browser (Pyodide) mlnotes.llm.lora._lora_forward and
    merge_lora on numpy arrays, proven equal in tests/test_llm.py (test_lora_forward_and_merge_on_numpy_equal_f_linear).
    See chapter: chapters/llm.md
    """
    return _run_cases(fn, lora_cases(), _lora_reference, _lora_hint, "LoRA linear layer",
                      ("output", "merged weight"))
