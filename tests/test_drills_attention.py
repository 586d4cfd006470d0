"""The attention drills: worked solutions pass, typical mistakes fail with a named hint, hostile code never
crashes the checker."""

import numpy as np
import pytest
import torch

from mlnotes.drills.attention import (attention_solution, check_attention, check_multi_head_attention,
                                      check_softmax, multi_head_attention_solution, softmax_solution)
from mlnotes.drills.core import Verdict
from tests.drill_answers.attention import (attention_divides_by_dk, attention_in_float16, attention_inverted_mask,
                                           attention_mask_after_softmax, attention_no_scale,
                                           attention_softmax_over_queries, attention_transpose_with_T,
                                           attention_unstable_softmax, mha_inverted_mask, mha_scaled_by_d_model,
                                           mha_split_by_plain_reshape, mha_without_w_o, softmax_axis1,
                                           softmax_global_max, softmax_modifies_input, softmax_naive,
                                           softmax_whole_sum, softmax_wrong_axis)

CHECKERS = [check_softmax, check_attention, check_multi_head_attention]


def test_solutions_pass():
    for check, solution in zip(CHECKERS, [softmax_solution, attention_solution, multi_head_attention_solution]):
        verdict = check(solution)
        assert verdict.passed, str(verdict)
        assert "all" in verdict.message and "passed" in verdict.message


# -- softmax mistakes ----------------------------------------------------------------------------
@pytest.mark.parametrize("fn, case, hint", [
    (softmax_naive, "large logits", "subtract the row max before np.exp"),
    (softmax_global_max, "global max", "erratum 4"),
    (softmax_wrong_axis, "2-D rows", "wrong axis"),
    (softmax_whole_sum, "2-D rows", "sum of the whole array"),
    (softmax_axis1, "1-D vector", "axis=-1 with keepdims=True"),
])
def test_softmax_mistakes_are_named(fn, case, hint):
    verdict = check_softmax(fn)
    assert not verdict.passed
    failed = {r.name: r.message for r in verdict.results if not r.passed}
    name = next(n for n in failed if case in n)
    assert hint in failed[name], failed[name]


def test_global_max_softmax_fails_only_on_the_trap_case():
    verdict = check_softmax(softmax_global_max)
    assert [r.name for r in verdict.results if not r.passed] == [
        "a row far below the global max (the notes' global-max trap)"]


# -- attention mistakes --------------------------------------------------------------------------
@pytest.mark.parametrize("fn, case, hint", [
    (attention_no_scale, "d_k = 16", "no scaling"),
    (attention_divides_by_dk, "d_k = 16", "erratum 20"),
    (attention_inverted_mask, "padding", "the mask is inverted"),
    (attention_inverted_mask, "causal mask (5, 5)", "the mask is inverted"),
    (attention_mask_after_softmax, "padding", "after softmax"),
    (attention_softmax_over_queries, "no mask", "query axis"),
    (attention_transpose_with_T, "batched", "np.swapaxes(k, -1, -2)"),
    (attention_unstable_softmax, "large scores", "subtract the row max"),
])
def test_attention_mistakes_are_named(fn, case, hint):
    verdict = check_attention(fn)
    assert not verdict.passed
    failed = {r.name: r.message for r in verdict.results if not r.passed}
    name = next(n for n in failed if case in n)
    assert hint in failed[name], failed[name]


def test_attention_accepts_torch_tensor_output():
    def torch_version(q, k, v, mask=None):
        t = lambda a: torch.tensor(a, dtype=torch.float64)  # noqa: E731
        m = None if mask is None else torch.tensor(mask)
        return torch.nn.functional.scaled_dot_product_attention(t(q), t(k), t(v), attn_mask=m)

    assert check_attention(torch_version).passed


# -- multi-head mistakes -------------------------------------------------------------------------
@pytest.mark.parametrize("fn, case, hint", [
    (mha_scaled_by_d_model, "2 heads", "√d_model"),
    (mha_split_by_plain_reshape, "2 heads", "reshaping straight to (B, h, L, d_h)"),
    (mha_without_w_o, "2 heads", "w_o is missing"),
    (mha_inverted_mask, "the last key masked", "the mask is inverted"),
])
def test_mha_mistakes_are_named(fn, case, hint):
    verdict = check_multi_head_attention(fn)
    assert not verdict.passed
    failed = {r.name: r.message for r in verdict.results if not r.passed}
    name = next(n for n in failed if case in n)
    assert hint in failed[name], failed[name]


def test_one_head_mistake_with_model_scale_passes_the_one_head_case_only():
    verdict = check_multi_head_attention(mha_scaled_by_d_model)
    assert verdict.results[0].passed  # with one head √d_head = √d_model
    assert not verdict.passed


# -- hostile code --------------------------------------------------------------------------------
class BrokenArray:
    def __array__(self, *args, **kwargs):
        raise RuntimeError("no array for you")

    def __repr__(self):
        raise RuntimeError("no repr either")


def raises(*args, **kwargs):
    raise RuntimeError("boom")


def exits(*args, **kwargs):
    raise SystemExit(3)


def not_written(*args, **kwargs):
    raise NotImplementedError


def returns_none(*args, **kwargs):
    return None


def returns_string(*args, **kwargs):
    return "attention"


def returns_broken(*args, **kwargs):
    return BrokenArray()


def returns_nan(*args, **kwargs):
    return np.full((2, 2), np.nan)


def returns_list_of_strings(*args, **kwargs):
    return [["a", "b"]]


def returns_tuple(*args, **kwargs):
    return (np.zeros(1), np.zeros(1))


def returns_float32(*args, **kwargs):
    return np.float32(0.5) * np.ones((1,), dtype=np.float32)


def mutates_everything(*args, **kwargs):
    for a in list(args) + list(kwargs.values()):
        if isinstance(a, np.ndarray) and a.dtype.kind == "f":
            a *= 2.0
    return None


HOSTILE = [raises, exits, not_written, returns_none, returns_string, returns_broken, returns_nan,
           returns_list_of_strings, returns_tuple, returns_float32, mutates_everything, 42, None]


@pytest.mark.parametrize("check", CHECKERS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("fn", HOSTILE, ids=lambda f: getattr(f, "__name__", repr(f)))
def test_hostile_code_never_crashes_the_checker(check, fn):
    verdict = check(fn)
    assert isinstance(verdict, Verdict)
    assert not verdict.passed
    assert verdict.message.startswith("✗")
    str(verdict), verdict._repr_html_()


def test_hostile_messages_are_specific():
    assert "not written yet" in check_softmax(not_written).message
    assert "raised RuntimeError: boom" in check_attention(raises).message
    assert "raised SystemExit" in check_multi_head_attention(exits).message
    assert "expected a function" in check_softmax(42).message
    assert "NaN" in check_softmax(lambda x: np.full_like(x, np.nan)).message


def test_in_place_mutation_is_reported_even_when_the_answer_is_right():
    verdict = check_softmax(softmax_modifies_input)
    assert not verdict.passed and "modified its input(s) x in place" in verdict.message


def test_reference_cache_is_keyed_by_the_oracle(monkeypatch):
    """Switching oracles in one process never reuses the other oracle's cached reference."""
    from mlnotes.attention import softmax
    from mlnotes.drills.attention import _softmax_reference

    x = 3 * np.random.default_rng(0).standard_normal((4, 7))
    monkeypatch.setenv("MLNOTES_DRILL_ORACLE", "library")
    lib = _softmax_reference(x=x)
    np.testing.assert_array_equal(lib, torch.softmax(torch.tensor(x), dim=-1).numpy())
    monkeypatch.setenv("MLNOTES_DRILL_ORACLE", "mlnotes")
    web = _softmax_reference(x=x)
    np.testing.assert_array_equal(web, softmax(x))
    np.testing.assert_allclose(web, lib, rtol=1e-14, atol=0)
    assert check_softmax(softmax_solution).passed


def test_float16_answer_gets_a_dtype_note():
    verdict = check_attention(attention_in_float16)
    assert not verdict.passed and "compute in float64" in verdict.message
