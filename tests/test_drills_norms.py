"""The LayerNorm and BatchNorm drills: solutions pass, typical mistakes are named, hostile code never crashes."""

import numpy as np
import pytest

from mlnotes.drills.core import Verdict
from mlnotes.drills.norms import batch_norm_solution, check_batch_norm, check_layer_norm, layer_norm_solution
from mlnotes.norms import batch_norm, layer_norm


def test_solutions_pass():
    for verdict in (check_layer_norm(layer_norm_solution), check_batch_norm(batch_norm_solution)):
        assert isinstance(verdict, Verdict) and verdict.passed, str(verdict)
        assert verdict.message.startswith("✓")


def test_library_functions_pass_the_drills():
    assert check_layer_norm(lambda x, gamma, beta, eps=1e-5: layer_norm(x, x.shape[-1], gamma, beta, eps)).passed
    assert check_batch_norm(lambda x, g, b, rm, rv, training, momentum=0.1, eps=1e-5: batch_norm(
        x, g, b, rm, rv, training=training, momentum=momentum, eps=eps)).passed


# -- LayerNorm mistakes ---------------------------------------------------------------------------

def _ln(ddof=0, eps_out=False, axis=-1, affine=True):
    def fn(x, gamma, beta, eps=1e-5):
        mean, var = x.mean(axis=axis, keepdims=True), x.var(axis=axis, keepdims=True, ddof=ddof)
        x_hat = (x - mean) / (np.sqrt(var) + eps if eps_out else np.sqrt(var + eps))
        return gamma * x_hat + beta if affine else x_hat
    return fn


def _ln_one_pass(x, gamma, beta, eps=1e-5):
    mean = x.mean(-1, keepdims=True)
    var = (x**2).mean(-1, keepdims=True) - mean**2
    return gamma * (x - mean) / np.sqrt(np.maximum(var, 0) + eps) + beta


@pytest.mark.parametrize("fn,needle", [
    (_ln(ddof=1), "biased variance"),
    (_ln(eps_out=True), "belongs inside the root"),
    (_ln(axis=0), "that is BatchNorm"),
    (_ln(affine=False), "gamma and beta are not applied"),
    (lambda x, gamma, beta, eps=1e-5: _ln()(x, beta, gamma, eps), "swapped"),
    (_ln_one_pass, "catastrophic cancellation"),
])
def test_layer_norm_mistakes_are_named(fn, needle):
    verdict = check_layer_norm(fn)
    assert not verdict.passed
    assert needle in verdict.message, verdict.message


def test_one_pass_variance_fails_only_the_large_offset_case():
    verdict = check_layer_norm(_ln_one_pass)
    failed = [r.name for r in verdict.results if not r.passed]
    assert len(failed) == 1 and failed[0].startswith("large offset")


# -- BatchNorm mistakes ---------------------------------------------------------------------------

def _bn(run_ddof=1, norm_ddof=0, notes=False, eval_batch=False, axes_all=True, eps_out=False, update=True,
        train_running=False):
    def fn(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
        axes = (0,) + tuple(range(2, x.ndim)) if axes_all else (0,)
        shape = (1, -1) + (1,) * (x.ndim - 2)
        rm, rv = running_mean.copy(), running_var.copy()
        if (training and not train_running) or (not training and eval_batch):
            mean, var = x.mean(axis=axes), x.var(axis=axes, ddof=norm_ddof)
        else:
            mean, var = rm, rv
        if training and update:
            w = 1 - momentum if notes else momentum
            rm = (1 - w) * rm + w * x.mean(axis=axes)
            rv = (1 - w) * rv + w * x.var(axis=axes, ddof=run_ddof)
        if mean.ndim == 1:
            mean, var = mean.reshape(shape), var.reshape(shape)
        x_hat = (x - mean) / (np.sqrt(var) + eps if eps_out else np.sqrt(var + eps))
        return gamma.reshape(shape) * x_hat + beta.reshape(shape), rm, rv
    return fn


@pytest.mark.parametrize("fn,needle", [
    (_bn(run_ddof=0), "unbiased one, σ²_B·n/(n−1)"),
    (_bn(notes=True), "erratum 11"),
    (_bn(norm_ddof=1), "normalized with the unbiased variance"),
    (_bn(eval_batch=True), "eval mode uses the batch statistics"),
    (_bn(train_running=True), "train mode normalizes with the running statistics"),
    (_bn(axes_all=False), "take the statistics over axes (0, 2, 3)"),
    (_bn(eps_out=True), "belongs inside the root"),
    (_bn(update=False), "not updated in train mode"),
])
def test_batch_norm_mistakes_are_named(fn, needle):
    verdict = check_batch_norm(fn)
    assert not verdict.passed
    assert needle in verdict.message, verdict.message


def test_wrong_running_stats_fail_on_the_right_output():
    verdict = check_batch_norm(_bn(run_ddof=0))
    assert "new_running_var is wrong" in verdict.message
    assert "step 1 of" in verdict.message and "train mode" in verdict.message


def test_in_place_running_stats_are_reported():
    def torch_style(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
        y, rm, rv = batch_norm_solution(x, gamma, beta, running_mean, running_var, training, momentum, eps)
        running_mean[:] = rm  # like nn.BatchNorm: updates its buffers in place
        running_var[:] = rv
        return y, running_mean, running_var

    verdict = check_batch_norm(torch_style)
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
