"""The Transformer drills: worked solutions pass, typical mistakes fail with a named hint, hostile code never
crashes the checker."""

import numpy as np
import pytest

from mlnotes.drills.transformer import (attend_with_cache_solution, check_encoder_block, check_kv_cache_attention,
                                        encoder_block_solution)
from tests.drill_answers.transformer import (encoder_gelu, encoder_mutates_params, encoder_no_output_projection,
                                             encoder_no_residual, encoder_pre_ln, encoder_scaled_by_d_model,
                                             encoder_unbiased_variance, kv_attends_past_only, kv_cache_not_grown,
                                             kv_divides_by_d, kv_mutates_w_q, kv_no_scale)


def test_solutions_pass():
    for verdict in (check_encoder_block(encoder_block_solution), check_kv_cache_attention(attend_with_cache_solution)):
        assert verdict.passed, str(verdict)


@pytest.mark.parametrize("fn, hint", [
    (encoder_pre_ln, "pre-LN"), (encoder_scaled_by_d_model, "√d_head"), (encoder_no_residual, "residual"),
    (encoder_unbiased_variance, "unbiased variance"), (encoder_gelu, "ReLU"), (encoder_no_output_projection, "w_o"),
])
def test_encoder_mistakes_are_named(fn, hint):
    verdict = check_encoder_block(fn)
    assert not verdict.passed and hint in verdict.first_failure.message, verdict.first_failure.message


@pytest.mark.parametrize("fn, hint", [(kv_no_scale, "no 1/√d scaling"), (kv_divides_by_d, "divided by d"),
                                      (kv_attends_past_only, "only over the old cache"), (kv_mutates_w_q, "modified")])
def test_kv_cache_mistakes_are_named(fn, hint):
    verdict = check_kv_cache_attention(fn)
    assert not verdict.passed
    assert any(hint in r.message for r in verdict.results if not r.passed), str(verdict)


def test_kv_cache_shape_error_names_no_scaling_mistake():
    """At t = 0 every scale gives the right output; a wrong cache must not be blamed on the scale."""
    verdict = check_kv_cache_attention(kv_cache_not_grown)
    assert not verdict.passed and "k_cache has shape" in verdict.first_failure.message
    assert "Likely bug" not in verdict.first_failure.message, verdict.first_failure.message


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
    verdict = check_encoder_block(encoder_mutates_params)
    assert not verdict.passed and "modified" in verdict.first_failure.message and "w_q" in verdict.first_failure.message
