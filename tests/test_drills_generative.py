"""The reparameterization and DDPM forward-process drills: solutions pass, typical mistakes are named, hostile code
never crashes the checker."""

import numpy as np
import pytest
import torch

from mlnotes import generative as gen
from mlnotes.drills.core import Verdict
from mlnotes.drills.generative import (check_q_sample, check_reparameterize, q_sample_solution,
                                       reparameterize_solution)


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
    (lambda mu, lv, e: mu + lv.exp() * e, "exp(0.5 * logvar)"),
    (lambda mu, lv, e: mu + lv * e, "logvar was used as if it were σ"),
    (lambda mu, lv, e: mu + (-0.5 * lv).exp() * e, "sign of the exponent"),
    (lambda mu, lv, e: mu + (0.5 * lv).exp(), "eps is missing"),
    (lambda mu, lv, e: mu + (0.5 * lv).exp() * torch.randn_like(e), "drew your own noise"),
    (lambda mu, lv, e: (mu + (0.5 * lv).exp() * e).detach(), "no gradient reaches mu and logvar"),
    (lambda mu, lv, e: torch.as_tensor((mu + (0.5 * lv).exp() * e).detach().numpy()), "no gradient"),
    (lambda mu, lv, e: (mu + (0.5 * lv).exp() * e).detach().numpy(), "should return a torch tensor"),
    (lambda mu, lv, e: (mu + (0.5 * lv).exp() * e).double(), "keep the input dtype"),
    (lambda mu, lv, e: mu.detach() + (0.5 * lv).exp() * e, "∂L/∂mu is missing"),
])
def test_reparameterize_mistakes_are_named(fn, needle):
    verdict = check_reparameterize(fn)
    assert not verdict.passed
    assert needle in verdict.message, verdict.message


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


def _mutate(mu, lv, e):
    e.mul_(2)
    return mu + (0.5 * lv).exp() * e / 2


@pytest.mark.parametrize("fn", [_raise, lambda *a: None, lambda *a: "z", lambda mu, lv, e: mu[:1],
                                lambda mu, lv, e: mu * float("nan"), _mutate, lambda *a: [1.0, 2.0],
                                lambda *a: (_ for _ in ()).throw(SystemExit())])
def test_reparameterize_hostile_code_gives_a_verdict(fn):
    verdict = check_reparameterize(fn)
    assert isinstance(verdict, Verdict) and not verdict.passed
    assert verdict.message.startswith("✗")


def test_not_a_function():
    assert "expected a function" in check_reparameterize(42).message
    assert "expected a function" in check_q_sample(None).message


# -- DDPM forward process -----------------------------------------------------------------------------------

def _q(cumprod=True, shift=0, root=True):
    def fn(x0, t, noise, betas):
        alpha = 1 - betas
        a_all = torch.cumprod(alpha, 0) if cumprod else alpha
        a = a_all[(t - 1 + shift).clamp(0, len(betas) - 1)].reshape(-1, *([1] * (x0.dim() - 1)))
        return a.sqrt() * x0 + (1 - a).sqrt() * noise if root else a * x0 + (1 - a) * noise
    return fn


@pytest.mark.parametrize("fn,needle", [
    (_q(cumprod=False), "cumulative product"),
    (_q(shift=1), "not [t]"),
    (_q(shift=-1), "one step too few"),
    (_q(root=False), "square roots are missing"),
])
def test_q_sample_mistakes_are_named(fn, needle):
    verdict = check_q_sample(fn)
    assert not verdict.passed
    assert needle in verdict.message, verdict.message


def test_q_sample_unclamped_off_by_one_raises_at_t_equal_T():
    def fn(x0, t, noise, betas):
        a = torch.cumprod(1 - betas, 0)[t].reshape(-1, *([1] * (x0.dim() - 1)))  # IndexError at t = T
        return a.sqrt() * x0 + (1 - a).sqrt() * noise

    verdict = check_q_sample(fn)
    failed = {r.name: r.message for r in verdict.results if not r.passed}
    assert any("IndexError" in m for m in failed.values()), failed


def test_q_sample_broadcasting_bug_on_images():
    def fn(x0, t, noise, betas):  # ᾱ reshaped to (B, 1): fine for points, wrong for images
        a = torch.cumprod(1 - betas, 0)[t - 1].reshape(-1, 1)
        return a.sqrt() * x0 + (1 - a).sqrt() * noise

    verdict = check_q_sample(fn)
    failed = [r.name for r in verdict.results if not r.passed]
    assert failed == ["images (B, C, H, W) = (2, 3, 4, 4): one ᾱ per image"], failed


def _q_mutate(x0, t, noise, betas):
    betas.clamp_(max=0.05)
    return q_sample_solution(x0, t, noise, betas)


@pytest.mark.parametrize("fn", [_raise, lambda *a: None, lambda x0, *a: x0[:1], lambda x0, *a: x0 * np.nan,
                                _q_mutate, lambda x0, t, n, b: q_sample_solution(x0, t, n, b).float(),
                                lambda x0, t, n, b: [0.0]])
def test_q_sample_hostile_code_gives_a_verdict(fn):
    verdict = check_q_sample(fn)
    assert isinstance(verdict, Verdict) and not verdict.passed
    assert verdict.message.startswith("✗")


def test_q_sample_accepts_numpy_results():
    verdict = check_q_sample(lambda x0, t, n, b: q_sample_solution(x0, t, n, b).numpy())
    assert verdict.passed, str(verdict)
