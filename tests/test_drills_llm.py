"""The LLM drills: worked solutions pass, typical mistakes fail with a named hint, hostile code never crashes the
checker, and the BPE drill's reference agrees with Hugging Face's trainer where no ties occur."""

import json
from collections import Counter

import numpy as np
import pytest

from mlnotes.drills.llm import (_apply, _bpe_reference, bpe_merges_solution, check_bpe_merges, check_lora_linear,
                                check_top_p, lora_linear_solution, top_p_solution)
from tests.drill_answers.llm import (bpe_largest_pair_on_tie, bpe_mutates_word_counts, bpe_pairs_once_per_word,
                                     bpe_unweighted_counts, lora_merged_weight_is_w, lora_not_scaled,
                                     lora_scaled_by_alpha, top_p_drops_crossing_token, top_p_mutates_probs,
                                     top_p_not_renormalised)


def test_solutions_pass():
    for verdict in (check_bpe_merges(bpe_merges_solution), check_top_p(top_p_solution),
                    check_lora_linear(lora_linear_solution)):
        assert verdict.passed, str(verdict)


def test_bpe_reference_agrees_with_hugging_face_without_ties():
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    counts = {"abcd": 10, "abx": 3, "cdy": 2, "xyz": 1, "abcdxy": 4}
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    text = " ".join(w for w, n in counts.items() for _ in range(n))
    alphabet = sorted(set("".join(counts)))
    n_merges = 5  # the first 5 merges of this corpus have a unique most frequent pair (no tie-breaking involved)
    for k in range(n_merges):
        pairs = Counter()
        for w, n in counts.items():
            symbols = _apply(list(w), _bpe_reference(counts, k))
            for pair in zip(symbols, symbols[1:]):
                pairs[pair] += n
        top = sorted(pairs.values())[-2:]
        assert len(top) < 2 or top[0] < top[1], k
    tok.train_from_iterator([text], trainers.BpeTrainer(vocab_size=len(alphabet) + n_merges, show_progress=False))
    hf = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in json.loads(tok.to_str())["model"]["merges"]]
    assert hf == _bpe_reference(counts, n_merges) == bpe_merges_solution(counts, n_merges)


@pytest.mark.parametrize("fn, hint", [(bpe_unweighted_counts, "by its count"), (bpe_largest_pair_on_tie, "ties"),
                                      (bpe_pairs_once_per_word, "once per word")])
def test_bpe_mistakes_are_named(fn, hint):
    verdict = check_bpe_merges(fn)
    assert not verdict.passed
    assert any(hint in r.message for r in verdict.results if not r.passed), str(verdict)


@pytest.mark.parametrize("fn, hint", [(top_p_drops_crossing_token, "crosses p is dropped"),
                                      (top_p_not_renormalised, "renormalised")])
def test_top_p_mistakes_are_named(fn, hint):
    verdict = check_top_p(fn)
    assert not verdict.passed
    assert any(hint in r.message for r in verdict.results if not r.passed), str(verdict)


@pytest.mark.parametrize("fn, hint", [(lora_scaled_by_alpha, "scaled by α"), (lora_not_scaled, "not scaled"),
                                      (lora_merged_weight_is_w, "merged weight")])
def test_lora_mistakes_are_named(fn, hint):
    verdict = check_lora_linear(fn)
    assert not verdict.passed
    assert any(hint in r.message for r in verdict.results if not r.passed), str(verdict)


HOSTILE = [lambda *a, **k: None, lambda *a, **k: "text", lambda *a, **k: 1 / 0, lambda *a, **k: np.full(3, np.nan),
           lambda *a, **k: exit(3), lambda *a, **k: (1, 2), lambda *a, **k: [[np.inf]], lambda *a, **k: 5]


@pytest.mark.parametrize("fn", HOSTILE)
def test_hostile_code_gets_a_verdict(fn):
    for check in (check_bpe_merges, check_top_p, check_lora_linear):
        verdict = check(fn)
        assert not verdict.passed and verdict.first_failure.message


def test_mutations_are_reported():
    assert "modified" in check_bpe_merges(bpe_mutates_word_counts).first_failure.message
    assert "modified" in check_top_p(top_p_mutates_probs).first_failure.message
