"""InfoNCE-for-retrieval and MaxSim drills: solutions pass, typical wrong versions fail with the right hint,
hostile code never crashes the checker."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from mlnotes.drills.core import Verdict
from mlnotes.drills.rag_training import (check_info_nce_masked, check_maxsim, info_nce_masked_cases, info_nce_masked_solution,
                                         maxsim_cases, maxsim_solution)
from mlnotes.rag.late_interaction import maxsim
from mlnotes.rag.training import info_nce
from tests.drill_answers.rag_training import (maxsim_clipped_at_zero, maxsim_max_over_query_tokens, maxsim_mean_pooled,
                                              maxsim_mean_over_query_tokens, maxsim_single_best_pair,
                                              maxsim_sum_of_all_pairs, nce_labels_zero, nce_log10, nce_mask_zero,
                                              nce_naive_exp, nce_no_mask, nce_no_temperature, nce_other_direction,
                                              nce_sum)


def test_solutions_pass():
    for verdict, n in ((check_info_nce_masked(info_nce_masked_solution), len(info_nce_masked_cases())),
                       (check_maxsim(maxsim_solution), len(maxsim_cases()))):
        assert isinstance(verdict, Verdict) and verdict.passed, str(verdict)
        assert len(verdict.results) == n


def test_solutions_equal_the_references():
    for case in info_nce_masked_cases():
        kw = {k: v.astype(np.float64) if isinstance(v, np.ndarray) and v.dtype.kind == "f" else v
              for k, v in case.kwargs.items()}
        mask = kw.get("mask")
        q, d = torch.tensor(kw["q"], dtype=torch.float64), torch.tensor(kw["d"], dtype=torch.float64)
        logits = q @ d.T / kw["temperature"]
        if mask is not None:
            logits = logits.masked_fill(torch.from_numpy(mask), -torch.inf)
        ref = F.cross_entropy(logits, torch.arange(len(q))).item()
        np.testing.assert_allclose(info_nce_masked_solution(**kw), ref, rtol=1e-10)
        np.testing.assert_allclose(info_nce(q, d, kw["temperature"], None if mask is None else torch.from_numpy(mask))
                                   .item(), ref, rtol=1e-10)
    for case in maxsim_cases():
        np.testing.assert_allclose(maxsim_solution(**case.kwargs), maxsim(**case.kwargs), rtol=1e-12)


# -- wrong answers (tests/drill_answers/rag_training.py) --------------------------------------------
@pytest.mark.parametrize("fn,hint", [
    (nce_labels_zero, "label 0 for every row"),
    (nce_sum, "sum over the batch"),
    (nce_no_temperature, "temperature is ignored"),
    (nce_no_mask, "mask was ignored"),
    (nce_mask_zero, "set to 0"),
    (nce_naive_exp, "exp overflowed"),
    (nce_other_direction, "other direction"),
    (nce_log10, "natural log"),
], ids=["labels-0", "sum", "no-tau", "no-mask", "mask-0", "overflow", "direction", "log10"])
def test_wrong_info_nce_fails_with_the_expected_hint(fn, hint):
    verdict = check_info_nce_masked(fn)
    assert not verdict.passed
    assert any(hint in r.message for r in verdict.results if not r.passed), str(verdict)


@pytest.mark.parametrize("fn,hint", [
    (maxsim_max_over_query_tokens, "best query token"),
    (maxsim_mean_over_query_tokens, "mean over query tokens"),
    (maxsim_sum_of_all_pairs, "sums every token pair"),
    (maxsim_single_best_pair, "single best pair"),
    (maxsim_mean_pooled, "mean-pooled"),
    (maxsim_clipped_at_zero, "clipped at 0"),
], ids=["axis", "mean", "sum-all", "max-all", "pooled", "clip"])
def test_wrong_maxsim_fails_with_the_expected_hint(fn, hint):
    verdict = check_maxsim(fn)
    assert not verdict.passed
    assert any(hint in r.message for r in verdict.results if not r.passed), str(verdict)


def _mutates(*args, **kwargs):
    for a in list(args) + list(kwargs.values()):
        if isinstance(a, np.ndarray) and a.dtype.kind == "f":
            a *= 2
    return 0.0


@pytest.mark.parametrize("fn,needle", [
    (lambda *a, **k: 1 / 0, "ZeroDivisionError"),
    (lambda *a, **k: "loss", "got str"),
    (lambda *a, **k: np.nan, "NaN"),
    (lambda *a, **k: np.ones(3), "shape"),
    (lambda *a, **k: None, "got NoneType"),
    (_mutates, "in place"),
    (lambda *a, **k: (_ for _ in ()).throw(SystemExit(1)), "SystemExit"),
], ids=["raises", "str", "nan", "shape", "none", "mutates", "exit"])
def test_hostile_code_never_crashes(fn, needle):
    for check in (check_info_nce_masked, check_maxsim):
        verdict = check(fn)
        assert not verdict.passed and needle in verdict.message, verdict.message
    assert not check_info_nce_masked(42).passed and "expected a function" in check_maxsim("x").message


def test_not_implemented_and_torch_scalars():
    def todo(*a, **k):
        raise NotImplementedError

    assert "not written yet" in check_maxsim(todo).message
    assert check_maxsim(lambda Q, D: torch.tensor(maxsim_solution(Q, D))).passed
    assert "✓" in str(check_maxsim(maxsim_solution)) and "<div>" in check_maxsim(maxsim_solution)._repr_html_()
