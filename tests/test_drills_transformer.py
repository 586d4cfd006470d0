"""The Transformer drills: worked solutions pass, typical mistakes fail with a named hint, hostile code never
crashes the checker."""

import numpy as np
import pytest

from mlnotes.drills.transformer import (_encoder_variant, attend_with_cache_solution, check_encoder_block,
                                        check_kv_cache_attention, encoder_block_solution)


def test_solutions_pass():
    for verdict in (check_encoder_block(encoder_block_solution), check_kv_cache_attention(attend_with_cache_solution)):
        assert verdict.passed, str(verdict)


@pytest.mark.parametrize("knobs, hint", [
    (dict(pre_ln=True), "pre-LN"), (dict(scale_by="model"), "√d_head"), (dict(residual=False), "residual"),
    (dict(ddof=1), "unbiased variance"), (dict(act="gelu"), "ReLU"), (dict(out_proj=False), "w_o"),
])
def test_encoder_mistakes_are_named(knobs, hint):
    verdict = check_encoder_block(lambda x, params, num_heads: _encoder_variant(x, params, num_heads, **knobs))
    assert not verdict.passed and hint in verdict.first_failure.message, verdict.first_failure.message


def no_scale(x_t, w_q, w_k, w_v, k_cache, v_cache):
    return attend_with_cache_solution(x_t * 1.0, w_q * np.sqrt(x_t.shape[-1]), w_k, w_v, k_cache, v_cache)[0], \
        *attend_with_cache_solution(x_t, w_q, w_k, w_v, k_cache, v_cache)[1:]


def past_only(x_t, w_q, w_k, w_v, k_cache, v_cache):
    out, k, v = attend_with_cache_solution(x_t, w_q, w_k, w_v, k_cache, v_cache)
    if k_cache.shape[1] == 0:
        return out, k, v
    s = np.einsum("bd,btd->bt", x_t @ w_q, k_cache) / np.sqrt(x_t.shape[-1])
    w = np.exp(s - s.max(-1, keepdims=True))
    return np.einsum("bt,btd->bd", w / w.sum(-1, keepdims=True), v_cache), k, v


def mutating(x_t, w_q, w_k, w_v, k_cache, v_cache):
    w_q *= 1.0001
    return attend_with_cache_solution(x_t, w_q, w_k, w_v, k_cache, v_cache)


@pytest.mark.parametrize("fn, hint", [(no_scale, "no 1/√d scaling"), (past_only, "only over the old cache"),
                                      (mutating, "modified")])
def test_kv_cache_mistakes_are_named(fn, hint):
    verdict = check_kv_cache_attention(fn)
    assert not verdict.passed
    assert any(hint in r.message for r in verdict.results if not r.passed), str(verdict)


HOSTILE = [lambda *a, **k: None, lambda *a, **k: "text", lambda *a, **k: 1 / 0, lambda *a, **k: np.full(3, np.nan),
           lambda *a, **k: exit(3), lambda *a, **k: (1, 2), lambda *a, **k: [[np.inf]]]


@pytest.mark.parametrize("fn", HOSTILE)
def test_hostile_code_gets_a_verdict(fn):
    for check in (check_encoder_block, check_kv_cache_attention):
        verdict = check(fn)
        assert not verdict.passed and verdict.first_failure.message
        assert isinstance(verdict._repr_html_(), str)


def test_not_a_function():
    assert "expected a function" in check_encoder_block(3).message
    assert "expected a function" in check_kv_cache_attention(None).message


def test_mutating_params_is_reported():
    def mutate(x, params, num_heads):
        params["w_q"] += 1
        return encoder_block_solution(x, params, num_heads)

    verdict = check_encoder_block(mutate)
    assert not verdict.passed and "modified" in verdict.first_failure.message and "w_q" in verdict.first_failure.message
