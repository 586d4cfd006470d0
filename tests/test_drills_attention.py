"""The attention drills: worked solutions pass, typical mistakes fail with a named hint, hostile code never
crashes the checker."""

import numpy as np
import pytest
import torch

from mlnotes.drills.attention import (attention_solution, check_attention, check_multi_head_attention,
                                      check_softmax, multi_head_attention_solution, softmax_solution)
from mlnotes.drills.core import Verdict

CHECKERS = [check_softmax, check_attention, check_multi_head_attention]


def test_solutions_pass():
    for check, solution in zip(CHECKERS, [softmax_solution, attention_solution, multi_head_attention_solution]):
        verdict = check(solution)
        assert verdict.passed, str(verdict)
        assert "all" in verdict.message and "passed" in verdict.message


# -- softmax mistakes ----------------------------------------------------------------------------
def naive_softmax(x):
    e = np.exp(x)
    return e / e.sum(axis=-1, keepdims=True)


def global_max_softmax(x):
    e = np.exp(x - np.max(x))
    return e / e.sum(axis=-1, keepdims=True)


def wrong_axis_softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def whole_sum_softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum()


def axis1_softmax(x):
    e = np.exp(x - np.max(x, axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("fn, case, hint", [
    (naive_softmax, "large logits", "subtract the row max before np.exp"),
    (global_max_softmax, "global max", "erratum 4"),
    (wrong_axis_softmax, "2-D rows", "wrong axis"),
    (whole_sum_softmax, "2-D rows", "sum of the whole array"),
    (axis1_softmax, "1-D vector", "axis=-1 with keepdims=True"),
])
def test_softmax_mistakes_are_named(fn, case, hint):
    verdict = check_softmax(fn)
    assert not verdict.passed
    failed = {r.name: r.message for r in verdict.results if not r.passed}
    name = next(n for n in failed if case in n)
    assert hint in failed[name], failed[name]


def test_global_max_softmax_fails_only_on_the_trap_case():
    verdict = check_softmax(global_max_softmax)
    assert [r.name for r in verdict.results if not r.passed] == [
        "a row far below the global max (the notes' global-max trap)"]


# -- attention mistakes --------------------------------------------------------------------------
def _scores(q, k):
    return q @ np.swapaxes(k, -1, -2)


def no_scale(q, k, v, mask=None):
    return attention_solution(q, k * np.sqrt(q.shape[-1]), v, mask)


def divide_by_dk(q, k, v, mask=None):
    return attention_solution(q, k / np.sqrt(q.shape[-1]), v, mask)


def inverted_mask(q, k, v, mask=None):
    return attention_solution(q, k, v, None if mask is None else ~mask)


def mask_after_softmax(q, k, v, mask=None):
    w = softmax_solution(_scores(q, k) / np.sqrt(q.shape[-1]))
    return (w if mask is None else w * mask) @ v


def softmax_over_queries(q, k, v, mask=None):
    s = _scores(q, k) / np.sqrt(q.shape[-1])
    if mask is not None:
        s = np.where(mask, s, -np.inf)
    e = np.exp(s - s.max(axis=-2, keepdims=True))
    return e / e.sum(axis=-2, keepdims=True) @ v


def transpose_with_T(q, k, v, mask=None):
    s = q @ k.T / np.sqrt(q.shape[-1])
    if mask is not None:
        s = np.where(mask, s, -np.inf)
    return softmax_solution(s) @ v


def unstable(q, k, v, mask=None):
    s = _scores(q, k) / np.sqrt(q.shape[-1])
    if mask is not None:
        s = np.where(mask, s, -np.inf)
    return naive_softmax(s) @ v


@pytest.mark.parametrize("fn, case, hint", [
    (no_scale, "d_k = 16", "no scaling"),
    (divide_by_dk, "d_k = 16", "erratum 20"),
    (inverted_mask, "padding", "the mask is inverted"),
    (inverted_mask, "causal mask (5, 5)", "the mask is inverted"),
    (mask_after_softmax, "padding", "after softmax"),
    (softmax_over_queries, "no mask", "query axis"),
    (transpose_with_T, "batched", "np.swapaxes(k, -1, -2)"),
    (unstable, "large scores", "subtract the row max"),
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
def _mha(x, w_q, w_k, w_v, w_o, num_heads, mask=None, *, model_scale=False, bad_split=False, use_wo=True,
         flip=False):
    B, L, d = x.shape
    dh = d // num_heads
    if bad_split:
        split = lambda t: t.reshape(B, num_heads, L, dh)  # noqa: E731
    else:
        split = lambda t: t.reshape(B, L, num_heads, dh).transpose(0, 2, 1, 3)  # noqa: E731
    q = split(x @ w_q) * (np.sqrt(dh) / np.sqrt(d) if model_scale else 1.0)
    if mask is not None and flip:
        mask = ~mask
    heads = attention_solution(q, split(x @ w_k), split(x @ w_v), mask)
    concat = heads.reshape(B, L, d) if bad_split else heads.transpose(0, 2, 1, 3).reshape(B, L, d)
    return concat @ w_o if use_wo else concat


@pytest.mark.parametrize("knobs, case, hint", [
    (dict(model_scale=True), "2 heads", "√d_model"),
    (dict(bad_split=True), "2 heads", "reshaping straight to (B, h, L, d_h)"),
    (dict(use_wo=False), "2 heads", "w_o is missing"),
    (dict(flip=True), "the last key masked", "the mask is inverted"),
])
def test_mha_mistakes_are_named(knobs, case, hint):
    verdict = check_multi_head_attention(lambda *a, **kw: _mha(*a, **kw, **knobs))
    assert not verdict.passed
    failed = {r.name: r.message for r in verdict.results if not r.passed}
    name = next(n for n in failed if case in n)
    assert hint in failed[name], failed[name]


def test_one_head_mistake_with_model_scale_passes_the_one_head_case_only():
    verdict = check_multi_head_attention(lambda *a, **kw: _mha(*a, **kw, model_scale=True))
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
    def sneaky(x):
        out = softmax_solution(x)
        x[...] = 0.0
        return out

    verdict = check_softmax(sneaky)
    assert not verdict.passed and "modified its input(s) x in place" in verdict.message


def test_float16_answer_gets_a_dtype_note():
    verdict = check_attention(lambda q, k, v, mask=None: attention_solution(q, k, v, mask).astype(np.float16))
    assert not verdict.passed and "compute in float64" in verdict.message
