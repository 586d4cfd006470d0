"""The LayerNorm and BatchNorm drills: solutions pass, typical mistakes are named, hostile code never crashes."""

import numpy as np
import pytest

from mlnotes.drills.core import Verdict
from mlnotes.drills.norms import batch_norm_solution, check_batch_norm, check_layer_norm, layer_norm_solution
from mlnotes.norms import batch_norm, layer_norm
from tests.drill_answers import norms as A


def test_solutions_pass():
    for verdict in (check_layer_norm(layer_norm_solution), check_batch_norm(batch_norm_solution)):
        assert isinstance(verdict, Verdict) and verdict.passed, str(verdict)
        assert verdict.message.startswith("✓")


def test_library_functions_pass_the_drills():
    assert check_layer_norm(lambda x, gamma, beta, eps=1e-5: layer_norm(x, x.shape[-1], gamma, beta, eps)).passed
    assert check_batch_norm(lambda x, g, b, rm, rv, training, momentum=0.1, eps=1e-5: batch_norm(
        x, g, b, rm, rv, training=training, momentum=momentum, eps=eps)).passed


# -- LayerNorm mistakes ---------------------------------------------------------------------------

@pytest.mark.parametrize("fn,needle", [
    (A.ln_unbiased_variance, "biased variance"),
    (A.ln_eps_outside_root, "belongs inside the root"),
    (A.ln_over_batch_axis, "that is BatchNorm"),
    (A.ln_no_affine, "gamma and beta are not applied"),
    (A.ln_gamma_beta_swapped, "swapped"),
    (A.ln_one_pass_variance, "catastrophic cancellation"),
])
def test_layer_norm_mistakes_are_named(fn, needle):
    verdict = check_layer_norm(fn)
    assert not verdict.passed
    assert needle in verdict.message, verdict.message


def test_one_pass_variance_fails_only_the_large_offset_case():
    verdict = check_layer_norm(A.ln_one_pass_variance)
    failed = [r.name for r in verdict.results if not r.passed]
    assert len(failed) == 1 and failed[0].startswith("large offset")


# -- BatchNorm mistakes ---------------------------------------------------------------------------

@pytest.mark.parametrize("fn,needle", [
    (A.bn_biased_running_var, "unbiased one, σ²_B·n/(n−1)"),
    (A.bn_notes_momentum, "erratum 11"),
    (A.bn_unbiased_normalization, "normalized with the unbiased variance"),
    (A.bn_eval_uses_batch_stats, "eval mode uses the batch statistics"),
    (A.bn_train_uses_running_stats, "train mode normalizes with the running statistics"),
    (A.bn_axis_0_only, "take the statistics over axes (0, 2, 3)"),
    (A.bn_eps_outside_root, "belongs inside the root"),
    (A.bn_no_running_update, "not updated in train mode"),
])
def test_batch_norm_mistakes_are_named(fn, needle):
    verdict = check_batch_norm(fn)
    assert not verdict.passed
    assert needle in verdict.message, verdict.message


def test_wrong_running_stats_fail_on_the_right_output():
    verdict = check_batch_norm(A.bn_biased_running_var)
    assert "new_running_var is wrong" in verdict.message
    assert "step 1 of" in verdict.message and "train mode" in verdict.message


def test_in_place_running_stats_are_reported():
    verdict = check_batch_norm(A.bn_updates_buffers_in_place)  # like nn.BatchNorm: updates its buffers in place
    assert not verdict.passed and "modified its input(s) running_mean, running_var in place" in verdict.message


# -- hostile code ---------------------------------------------------------------------------------

class _BrokenArray:
    def __array__(self, *a, **k):
        raise RuntimeError("no")

    def __repr__(self):
        raise RuntimeError("no repr")


def _raise_system_exit(*a, **k):
    raise SystemExit(3)


def _mutate_x(x, *a, **k):
    x += 1.0
    return x


HOSTILE = [
    ("not callable", 42, "expected a function"),
    ("raises", lambda *a, **k: 1 / 0, "raised ZeroDivisionError"),
    ("not implemented", lambda *a, **k: (_ for _ in ()).throw(NotImplementedError), "not written yet"),
    ("system exit", _raise_system_exit, "raised SystemExit"),
    ("returns None", lambda *a, **k: None, ""),
    ("returns a string", lambda *a, **k: "hello", ""),
    ("returns a broken object", lambda *a, **k: _BrokenArray(), ""),
    ("returns NaN", lambda x, *a, **k: np.full_like(x, np.nan), ""),
    ("wrong signature", lambda x: x, "raised TypeError"),
    ("mutates x", _mutate_x, "modified its input(s) x in place"),
    ("returns a generator", lambda *a, **k: (i for i in range(3)), ""),
]


@pytest.mark.parametrize("label,fn,needle", HOSTILE, ids=[h[0] for h in HOSTILE])
@pytest.mark.parametrize("checker", [check_layer_norm, check_batch_norm], ids=["layer_norm", "batch_norm"])
def test_hostile_code_never_crashes_the_checker(checker, label, fn, needle):
    verdict = checker(fn)
    assert isinstance(verdict, Verdict) and not verdict.passed
    assert needle in verdict.message, verdict.message
    assert str(verdict) and verdict._repr_html_()


def test_batch_norm_wrong_tuple_shapes_are_explained():
    verdict = check_batch_norm(lambda x, *a, **k: x)
    assert "should return a tuple (y, new_running_mean, new_running_var)" in verdict.message
    verdict = check_batch_norm(lambda x, g, b, rm, rv, *a, **k: (x, rm))
    assert "tuple of 3 arrays" in verdict.message
    verdict = check_batch_norm(lambda x, g, b, rm, rv, *a, **k: (x.T, rm, rv))
    assert "has shape" in verdict.message


def test_low_precision_answer_gets_a_dtype_note():
    verdict = check_layer_norm(lambda x, gamma, beta, eps=1e-5: layer_norm_solution(x, gamma, beta, eps)
                               .astype(np.float16))
    assert not verdict.passed and "float64" in verdict.message


def test_large_offset_case_name_states_the_digits_one_pass_keeps():
    """The case is named "(mean(x²) − mean(x)² keeps only ~3 of 16 digits)": measured here."""
    from mlnotes.drills.norms import layer_norm_cases

    name, kw = layer_norm_cases()[-1]
    assert "keeps only ~3 of 16 digits" in name
    x = kw["x"]
    mean = x.mean(-1, keepdims=True)
    one_pass = (x**2).mean(-1) - mean[:, 0] ** 2
    rel = np.abs(one_pass / ((x - mean) ** 2).mean(-1) - 1).max()
    assert round(-np.log10(rel)) == 3


def test_browser_references_equal_torchs():
    """The browser oracle (mlnotes.norms, numpy) gives torch's expected values on every case and step."""
    from mlnotes.drills import norms as D

    library, browser = D._ln_cases_with_reference("library"), D._ln_cases_with_reference("mlnotes")
    for (name, _, want), (_, _, got) in zip(library, browser):
        offset = name.startswith("large offset")  # x ≈ 1e6, spacing 1.2e-10: x − μ is exact only to ~1e-10
        np.testing.assert_allclose(got, want, rtol=0 if offset else 1e-13, atol=1e-9 if offset else 1e-14)
    for library, browser in zip(D._bn_cases_with_reference("library"), D._bn_cases_with_reference("mlnotes")):
        for want, got in zip(library[-1], browser[-1]):
            for w, g in zip(want, got):
                np.testing.assert_allclose(g, w, rtol=1e-13, atol=1e-14)
