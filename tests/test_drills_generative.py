"""The reparameterization and DDPM forward-process drills: solutions pass, typical mistakes are named, hostile code
never crashes the checker."""

import subprocess
import sys

import numpy as np
import pytest
import torch

from mlnotes import generative as gen
from mlnotes.drills import generative as drill
from mlnotes.drills.core import Verdict
from mlnotes.drills.generative import (check_q_sample, check_reparameterize, q_sample_solution,
                                       reparameterize_solution)
from tests.drill_answers.generative import (BROWSER_ANSWERS, detached, doubles_eps_in_place, eps_missing,
                                            exponent_sign_flipped, fresh_noise, logvar_as_sigma, mu_and_sigma_swapped,
                                            q_alpha_bar_per_row_2d, q_alpha_not_cumulative, q_clamps_betas_in_place,
                                            q_no_square_roots, q_one_step_early, q_one_step_late, q_returns_float32,
                                            q_unclamped_index_t, returns_a_list, returns_float64,
                                            sigma_from_first_element, sqrt_of_logvar, variance_not_std)


def test_solutions_pass():
    for verdict in (check_reparameterize(reparameterize_solution), check_q_sample(q_sample_solution)):
        assert isinstance(verdict, Verdict) and verdict.passed, str(verdict)


def test_library_functions_pass():
    assert check_reparameterize(gen.reparameterize).passed

    def lib_q_sample(x0, t, noise, betas):
        flat = gen.q_sample(x0.reshape(len(x0), -1), t, noise.reshape(len(x0), -1), gen.alpha_bars(betas))
        return flat.reshape(x0.shape)

    assert check_q_sample(lib_q_sample).passed


# -- reparameterization ------------------------------------------------------------------------------------

@pytest.mark.parametrize("fn,needle", [
    (variance_not_std, "exp(0.5 * logvar)"),
    (logvar_as_sigma, "logvar was used as if it were σ"),
    (exponent_sign_flipped, "sign of the exponent"),
    (eps_missing, "eps is missing"),
    (mu_and_sigma_swapped, "μ and σ are swapped"),
    (sqrt_of_logvar, "σ = √logvar"),
    (fresh_noise, "drew your own noise"),
    (detached, "no gradient reaches mu and logvar"),
    (lambda mu, lv, e: torch.as_tensor((mu + (0.5 * lv).exp() * e).detach().numpy()), "no gradient"),
    (lambda mu, lv, e: (mu + (0.5 * lv).exp() * e).detach().numpy(), "should return a torch tensor"),
    (returns_a_list, "should return a torch tensor"),
    (returns_float64, "keep the input dtype"),
    (lambda mu, lv, e: mu.detach() + (0.5 * lv).exp() * e, "∂L/∂mu is missing"),
    (sigma_from_first_element, "the values are right but the gradient is not"),
    (doubles_eps_in_place, "modified its inputs in place; return a new tensor"),
])
def test_reparameterize_mistakes_are_named(fn, needle):
    verdict = check_reparameterize(fn)
    assert not verdict.passed
    assert needle in every_message(verdict), every_message(verdict)


def every_message(verdict):
    """The explanation of every failed case (str(verdict) explains only the first)."""
    return "\n".join(r.message for r in verdict.results if not r.passed)


def test_reparameterize_wrong_gradient_with_right_values():
    class Trick(torch.autograd.Function):  # right values, wrong backward
        @staticmethod
        def forward(ctx, mu, lv, e):
            return mu + (0.5 * lv).exp() * e

        @staticmethod
        def backward(ctx, g):
            return g, 2 * g, None

    verdict = check_reparameterize(lambda mu, lv, e: Trick.apply(mu, lv, e))
    assert not verdict.passed and "the gradient is not" in verdict.message


def _raise(*_):
    raise ZeroDivisionError("oops")


@pytest.mark.parametrize("fn", [_raise, lambda *a: None, lambda *a: "z", lambda mu, lv, e: mu[:1],
                                lambda mu, lv, e: mu * float("nan"), doubles_eps_in_place, lambda *a: [1.0, 2.0],
                                lambda *a: (_ for _ in ()).throw(SystemExit())])
def test_reparameterize_hostile_code_gives_a_verdict(fn):
    verdict = check_reparameterize(fn)
    assert isinstance(verdict, Verdict) and not verdict.passed
    assert verdict.message.startswith("✗")


def test_not_a_function():
    assert "expected a function" in check_reparameterize(42).message
    assert "expected a function" in check_q_sample(None).message


# -- DDPM forward process -----------------------------------------------------------------------------------

@pytest.mark.parametrize("fn,needle", [
    (q_alpha_not_cumulative, "cumulative product. Use torch.cumprod."),
    (q_one_step_late, "not [t]"),
    (q_one_step_early, "one step too few"),
    (q_no_square_roots, "square roots are missing"),
])
def test_q_sample_mistakes_are_named(fn, needle):
    verdict = check_q_sample(fn)
    assert not verdict.passed
    assert needle in verdict.message, verdict.message


def test_q_sample_unclamped_off_by_one_raises_at_t_equal_T():
    verdict = check_q_sample(q_unclamped_index_t)
    failed = {r.name: r.message for r in verdict.results if not r.passed}
    assert any("IndexError" in m for m in failed.values()), failed


def test_q_sample_broadcasting_bug_on_images():
    verdict = check_q_sample(q_alpha_bar_per_row_2d)  # ᾱ reshaped to (B, 1): fine for points, wrong for images
    failed = [r.name for r in verdict.results if not r.passed]
    assert failed == ["images (B, C, H, W) = (2, 3, 4, 4): one ᾱ per image"], failed


@pytest.mark.parametrize("fn", [_raise, lambda *a: None, lambda x0, *a: x0[:1], lambda x0, *a: x0 * np.nan,
                                q_clamps_betas_in_place, q_returns_float32, lambda x0, t, n, b: [0.0]])
def test_q_sample_hostile_code_gives_a_verdict(fn):
    verdict = check_q_sample(fn)
    assert isinstance(verdict, Verdict) and not verdict.passed
    assert verdict.message.startswith("✗")


def test_q_sample_accepts_numpy_results():
    verdict = check_q_sample(lambda x0, t, n, b: q_sample_solution(x0, t, n, b).numpy())
    assert verdict.passed, str(verdict)


# -- the browser's checkers (no torch: numpy arrays in, gradients by finite differences) ----------------------

@pytest.fixture
def browser(monkeypatch):
    """Check as the reader's browser does (MLNOTES_DRILL_ORACLE=mlnotes); the solutions are numpy there."""
    monkeypatch.setenv("MLNOTES_DRILL_ORACLE", "mlnotes")
    return BROWSER_ANSWERS["__solution__"]


def test_browser_cases_are_numpy_with_the_same_values(monkeypatch):
    library = [tuple(c) for c in drill.reparameterize_cases()], drill.q_sample_cases()
    monkeypatch.setenv("MLNOTES_DRILL_ORACLE", "mlnotes")
    web = [tuple(c) for c in drill.reparameterize_cases()], drill.q_sample_cases()
    for lib_cases, web_cases in zip(library, web):
        assert [c[0] for c in lib_cases] == [c[0] for c in web_cases]
        for lib_case, web_case in zip(lib_cases, web_cases):
            for tensor, array in zip(lib_case[1:], web_case[1:]):
                assert isinstance(array, np.ndarray) and isinstance(tensor, torch.Tensor)
                np.testing.assert_array_equal(tensor.numpy(), array)
                assert str(tensor.dtype) == f"torch.{array.dtype}"
    assert {c[1].dtype for c in web[0]} == {np.dtype(np.float64), np.dtype(np.float32)}
    assert all(c[2].dtype == np.int64 for c in web[1])


def test_browser_solutions_pass(browser):
    assert check_reparameterize(browser["reparameterize"]).passed
    assert check_q_sample(browser["q_sample"]).passed


@pytest.mark.parametrize("fn", [
    lambda mu, lv, e: mu + np.exp(0.5 * lv) * e,
    lambda mu, lv, e: e * np.sqrt(np.exp(lv)) + mu,
    lambda mu, lv, e: (mu.astype(np.float64) + np.exp(lv.astype(np.float64) / 2) * e).astype(mu.dtype),
])
def test_browser_finite_differences_accept_correct_numpy(browser, fn):
    verdict = check_reparameterize(fn)
    assert verdict.passed, str(verdict)


def _right_values_wrong_slope():
    """Right z at the checked point, but z moves with logvar at twice the true rate (σε instead of ½σε)."""
    first = {}

    def fn(mu, lv, e):
        lv0 = first.setdefault(e.tobytes(), lv.copy())
        return mu + np.exp(0.5 * lv0 + (lv - lv0)) * e

    return fn


@pytest.mark.parametrize("fn,needle", [
    ("variance_not_std", "Likely bug: σ = exp(log σ²) is the variance"),
    ("fresh_noise", "drew your own noise"),
    ("detached", "does not move when mu and logvar move"),
    ("sigma_from_first_element", "the values are right but the gradient is not (measured by central finite"),
    ("returns_a_list", "should return a numpy array"),
    ("returns_float64", "keep the input dtype"),
    ("doubles_eps_in_place", "return a new array"),
    (_right_values_wrong_slope, "∂L/∂logvar is wrong"),
])
def test_browser_reparameterize_mistakes_are_named(browser, fn, needle):
    if isinstance(fn, str):
        fn = next(f for f in BROWSER_ANSWERS["reparameterize"] if f.__name__ == fn)
    else:
        fn = fn()
    verdict = check_reparameterize(fn)
    assert not verdict.passed
    assert needle in every_message(verdict), every_message(verdict)


def test_browser_wrong_slope_fails_wherever_the_slope_matters(browser):
    verdict = check_reparameterize(_right_values_wrong_slope())
    assert [r.name for r in verdict.results if r.passed] == ["eps = 0: z = μ"], str(verdict)


def test_browser_q_sample_hint_names_numpy(browser):
    verdict = check_q_sample(q_alpha_not_cumulative)
    assert "cumulative product. Use np.cumprod." in verdict.message, verdict.message


def test_browser_never_imports_torch():
    code = ("import sys, os; os.environ['MLNOTES_DRILL_ORACLE'] = 'mlnotes'\n"
            "import numpy as np\n"
            "from mlnotes.drills.generative import check_q_sample, check_reparameterize\n"
            "assert check_reparameterize(lambda mu, lv, e: mu + np.exp(0.5 * lv) * e).passed\n"
            "assert not check_q_sample(lambda *a: None).passed\n"
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
