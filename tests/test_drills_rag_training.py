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


def _lse(logits):
    m = logits.max(1, keepdims=True)
    return m[:, 0] + np.log(np.exp(logits - m).sum(1))


def nce_labels_zero(q, d, temperature=0.05, mask=None):  # erratum 15
    logits = q @ d.T / temperature
    return float(np.mean(_lse(logits) - logits[:, 0]))


def nce_sum(q, d, temperature=0.05, mask=None):
    logits = np.where(mask, -np.inf, q @ d.T / temperature) if mask is not None else q @ d.T / temperature
    return float(np.sum(_lse(logits) - np.diag(logits[:, :len(q)])))


def nce_no_temperature(q, d, temperature=0.05, mask=None):
    return info_nce_masked_solution(q, d, 1.0, mask)


def nce_no_mask(q, d, temperature=0.05, mask=None):
    return info_nce_masked_solution(q, d, temperature)


def nce_mask_zero(q, d, temperature=0.05, mask=None):
    logits = q @ d.T / temperature
    if mask is not None:
        logits = np.where(mask, 0.0, logits)
    return float(np.mean(_lse(logits) - np.diag(logits[:, :len(q)])))


def nce_naive_exp(q, d, temperature=0.05, mask=None):
    logits = q @ d.T / temperature
    if mask is not None:
        logits = np.where(mask, -np.inf, logits)
    return float(np.mean(np.log(np.exp(logits).sum(1)) - np.diag(logits[:, :len(q)])))


def nce_other_direction(q, d, temperature=0.05, mask=None):
    return info_nce_masked_solution(d, q, temperature)


@pytest.mark.parametrize("fn,hint", [
    (nce_labels_zero, "label 0 for every row"),
    (nce_sum, "sum over the batch"),
    (nce_no_temperature, "temperature is ignored"),
    (nce_no_mask, "mask was ignored"),
    (nce_mask_zero, "set to 0"),
    (nce_naive_exp, "exp overflowed"),
    (nce_other_direction, "other direction"),
], ids=["labels-0", "sum", "no-tau", "no-mask", "mask-0", "overflow", "direction"])
def test_wrong_info_nce_fails_with_the_expected_hint(fn, hint):
    verdict = check_info_nce_masked(fn)
    assert not verdict.passed
    assert any(hint in r.message for r in verdict.results if not r.passed), str(verdict)


@pytest.mark.parametrize("fn,hint", [
    (lambda Q, D: (Q @ D.T).max(0).sum(), "best query token"),
    (lambda Q, D: (Q @ D.T).max(1).mean(), "mean over query tokens"),
    (lambda Q, D: (Q @ D.T).sum(), "sums every token pair"),
    (lambda Q, D: (Q @ D.T).max(), "single best pair"),
    (lambda Q, D: Q.mean(0) @ D.mean(0), "mean-pooled"),
    (lambda Q, D: np.clip(Q @ D.T, 0, None).max(1).sum(), "clipped at 0"),
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
