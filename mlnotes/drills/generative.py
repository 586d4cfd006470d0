r"""Drills: hand-write the reparameterization trick and the DDPM forward process q(x_t | x_0), in torch.

**Reparameterization** — ``fn(mu, logvar, eps) -> z`` with $z = \mu + \exp(\tfrac12\log\sigma^2)\,\varepsilon$,
all tensors of one shape and dtype. Checked: the values, the dtype, and the *gradients*
$\partial L/\partial\mu$ and $\partial L/\partial\log\sigma^2$ of $L = \sum w \odot z$ (a fixed random $w$)
against the closed form $w$ and $\tfrac12 w\,\sigma\,\varepsilon$: the whole point of the trick is that they
flow through the sample.

**Forward process** — ``fn(x0, t, noise, betas) -> x_t`` with $x_t = \sqrt{\bar\alpha_t}\,x_0 +
\sqrt{1-\bar\alpha_t}\,\varepsilon$, $\bar\alpha_t = \prod_{s=1}^t (1-\beta_s)$; ``x0``, ``noise`` (B, ...),
``t`` a (B,) integer tensor of steps in 1..T (one per row), ``betas`` (T,) with ``betas[t - 1]`` $= \beta_t$.

Tolerances (float64): $|\text{got} - \text{expected}| \le 10^{-12} + 10^{-10}|\text{expected}|$. The reader's
code is treated as hostile (exceptions, numpy instead of torch, wrong shapes, NaN, inputs modified in
place); on a mismatch the checker replays common mistakes and names the one that matches.

See chapter: chapters/generative.md
"""

from __future__ import annotations

import functools

import numpy as np

from mlnotes.drills.core import CaseResult, Verdict, call_reader, check_outputs

RTOL, ATOL = 1e-10, 1e-12


def reparameterize_solution(mu, logvar, eps):
    """z = μ + σ·ε with σ = exp(½ log σ²): differentiable in μ and log σ²."""
    std = (0.5 * logvar).exp()  # σ = √(σ²) = exp(½ log σ²)
    return mu + std * eps


def q_sample_solution(x0, t, noise, betas):
    """x_t = √ᾱ_t · x0 + √(1 − ᾱ_t) · noise, ᾱ_t = Π_{s ≤ t} (1 − β_s), t in 1..T per row."""
    import torch

    alpha_bar = torch.cumprod(1 - betas, dim=0)  # alpha_bar[t - 1] = ᾱ_t
    a = alpha_bar[t - 1].reshape(-1, *([1] * (x0.dim() - 1)))  # (B, 1, ...): one ᾱ per row
    return a.sqrt() * x0 + (1 - a).sqrt() * noise


def _setup_failure(drill, fn):
    if callable(fn):
        return None
    return Verdict(drill, (CaseResult("(setup)", False, f"expected a function, got {type(fn).__name__}."),))


def _same_values(a, b) -> bool:
    return a.shape == b.shape and np.allclose(a, b, rtol=1e-8, atol=1e-10, equal_nan=True)


# -- reparameterization ---------------------------------------------------------------------------------------

def reparameterize_cases() -> list:
    """(name, mu, logvar, eps) with float64 tensors, except the float32 case."""
    import torch

    g = torch.Generator().manual_seed(11)

    def r(*shape, scale=1.0, dtype=torch.float64):
        return (scale * torch.randn(shape, generator=g, dtype=torch.float64)).to(dtype)

    return [
        ("random, shape (3,)", r(3), r(3), r(3)),
        ("batch × latent (4, 2)", r(4, 2), r(4, 2), r(4, 2)),
        ("3-D (2, 3, 5)", r(2, 3, 5), r(2, 3, 5), r(2, 3, 5)),
        ("log σ² = 0: σ = 1, so z = μ + ε", r(4), torch.zeros(4, dtype=torch.float64), r(4)),
        ("log σ² = 4 (σ = e² ≈ 7.4; a factor ½ matters)", r(4), torch.full((4,), 4.0, dtype=torch.float64), r(4)),
        ("log σ² = −20 (σ ≈ 4.5e−5)", r(3), torch.full((3,), -20.0, dtype=torch.float64), r(3)),
        ("eps = 0: z = μ", r(3), r(3), torch.zeros(3, dtype=torch.float64)),
        ("float32 in → float32 out", r(2, 3, dtype=torch.float32), r(2, 3, dtype=torch.float32),
         r(2, 3, dtype=torch.float32)),
    ]


_REPARAM_MISTAKES = (
    ("σ = exp(log σ²) is the variance, not the standard deviation: use exp(0.5 * logvar).",
     lambda mu, lv, e: mu + lv.exp() * e),
    ("logvar was used as if it were σ: σ = exp(0.5 * logvar).", lambda mu, lv, e: mu + lv * e),
    ("σ = exp(−0.5 · logvar): the sign of the exponent is wrong.", lambda mu, lv, e: mu + (-0.5 * lv).exp() * e),
    ("eps is missing: z = μ + σ·ε.", lambda mu, lv, e: mu + (0.5 * lv).exp()),
    ("μ and σ are swapped: z = μ + σ·ε, with σ multiplying ε.", lambda mu, lv, e: (0.5 * lv).exp() + mu * e),
    ("σ = √logvar: logvar is log σ², so σ = exp(0.5 * logvar).", lambda mu, lv, e: mu + lv.sqrt() * e),
)


def _reparam_reference(mu, logvar, eps, weight):
    """(z, ∂L/∂μ, ∂L/∂logvar) for L = Σ weight·z, in closed form."""
    z = reparameterize_solution(mu, logvar, eps)
    return z, weight, 0.5 * weight * (0.5 * logvar).exp() * eps


def _reparam_case(fn, name, mu, logvar, eps) -> CaseResult:
    import torch

    where = f"[mu, logvar, eps of shape {tuple(mu.shape)}, {mu.dtype}]"
    weight = torch.linspace(-1.5, 2.0, mu.numel(), dtype=mu.dtype).reshape(mu.shape)
    z_ref, gmu_ref, glv_ref = _reparam_reference(mu, logvar, eps, weight)
    mu_in, lv_in = mu.clone().requires_grad_(True), logvar.clone().requires_grad_(True)
    eps_in = eps.clone()
    got, error = call_reader(fn, mu_in, lv_in, eps_in)
    if error is not None:
        return CaseResult(name, False, f"{error} {where}")
    if not torch.equal(eps_in, eps) or not torch.equal(mu_in.detach(), mu) or not torch.equal(lv_in.detach(), logvar):
        return CaseResult(name, False, f"modified its inputs in place; return a new tensor. {where}")
    if not isinstance(got, torch.Tensor):
        return CaseResult(name, False, f"should return a torch tensor (so gradients can flow), got "
                                       f"{type(got).__name__}: compute with torch operations, not numpy. {where}")
    if got.dtype != mu.dtype:
        return CaseResult(name, False, f"returned dtype {got.dtype} for {mu.dtype} inputs; keep the input dtype. "
                                       f"{where}")
    tol = dict(rtol=RTOL, atol=ATOL) if mu.dtype == torch.float64 else dict(rtol=1e-6, atol=1e-6)
    z_np = got.detach().double().numpy()
    msg, abs_err, rel_err = check_outputs(z_np, (z_ref.double().numpy(),), ("z",), **tol)
    if msg is not None:
        return CaseResult(name, False, f"{msg}{_reparam_hint(fn, got, mu, logvar, eps)} {where}", abs_err, rel_err)
    if not got.requires_grad:
        return CaseResult(name, False, "z has the right values but no gradient reaches mu and logvar: did you detach, "
                                       "go through numpy, or draw z with torch.normal? Build z from mu and logvar "
                                       f"with differentiable torch operations. {where}")
    try:
        g_mu, g_lv = torch.autograd.grad((weight * got).sum(), (mu_in, lv_in), allow_unused=True)
    except Exception as exc:  # noqa: BLE001 - a reader's graph may be broken in many ways
        return CaseResult(name, False, f"backpropagating through z failed: {type(exc).__name__}: {exc} {where}")
    for label, g, ref in (("∂L/∂mu", g_mu, gmu_ref), ("∂L/∂logvar", g_lv, glv_ref)):
        if g is None:
            return CaseResult(name, False, f"{label} is missing: z does not depend on that input through autograd. "
                                           f"{where}")
        msg, _, _ = check_outputs(g.double().numpy(), (ref.double().numpy(),), (label,), **tol)
        if msg is not None:
            return CaseResult(name, False, f"the values are right but the gradient is not: {msg} {where}")
    return CaseResult(name, True, "", abs_err, rel_err)


def _reparam_hint(fn, got, mu, logvar, eps) -> str:
    """Name the mistake reproducing the reader's values, or spot noise the reader drew itself."""
    import torch

    try:
        got_np = got.detach().double().numpy()
        with torch.no_grad():
            for hint, variant in _REPARAM_MISTAKES:
                if _same_values(variant(mu, logvar, eps).double().numpy(), got_np):
                    return f" Likely bug: {hint}"
            again, _ = call_reader(fn, mu.clone(), logvar.clone(), eps.clone())
        if isinstance(again, torch.Tensor) and not _same_values(again.detach().double().numpy(), got_np):
            return (" Two calls with the same inputs gave different z: you drew your own noise. Use the eps argument "
                    "(the caller owns the randomness).")
    except Exception:  # noqa: BLE001 - a hint is optional; never crash the checker
        pass
    return ""


def check_reparameterize(fn) -> Verdict:
    """Check a reader's ``fn(mu, logvar, eps) -> z`` (torch) on values, dtype and gradients.

    Returns a :class:`~mlnotes.drills.core.Verdict`; never raises because of ``fn``.
    See chapter: chapters/generative.md
    """
    drill = "Reparameterization trick"
    return _setup_failure(drill, fn) or Verdict(drill, tuple(_reparam_case(fn, *c) for c in reparameterize_cases()))


# -- DDPM forward process -------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def q_sample_cases() -> tuple:
    """(name, x0, t, noise, betas) with float64 tensors and a long tensor t of steps in 1..T."""
    import torch

    g = torch.Generator().manual_seed(5)
    T = 50
    betas = torch.linspace(1e-4, 0.2, T, dtype=torch.float64)

    def r(*shape):
        return torch.randn(shape, generator=g, dtype=torch.float64)

    def steps(*values):
        return torch.tensor(values, dtype=torch.long)

    return (
        ("2-D points, mixed steps", r(5, 2), steps(1, 7, 20, 33, 49), r(5, 2), betas),
        ("t = 1 for every row: ᾱ_1 = 1 − β_1", r(4, 2), steps(1, 1, 1, 1), r(4, 2), betas),
        ("t = T for every row: almost pure noise", r(3, 2), steps(T, T, T), r(3, 2), betas),
        ("images (B, C, H, W) = (2, 3, 4, 4): one ᾱ per image", r(2, 3, 4, 4), steps(3, 40), r(2, 3, 4, 4), betas),
        ("a short schedule T = 3, t = 2 and 3", r(2, 3), steps(2, 3), r(2, 3),
         torch.tensor([0.1, 0.3, 0.5], dtype=torch.float64)),
        ("zero noise: x_t = √ᾱ_t · x0", r(3, 2), steps(5, 10, 25), torch.zeros(3, 2, dtype=torch.float64), betas),
    )


def _q_variant(x0, t, noise, betas, *, cumprod=True, shift=0, root=True):
    """q_sample with one knob turned the wrong way."""
    import torch

    alpha = 1 - betas
    a_all = torch.cumprod(alpha, 0) if cumprod else alpha
    a = a_all[(t - 1 + shift).clamp(0, len(betas) - 1)].reshape(-1, *([1] * (x0.dim() - 1)))
    return (a.sqrt() * x0 + (1 - a).sqrt() * noise) if root else (a * x0 + (1 - a) * noise)


_Q_MISTAKES = (
    ("α_t = 1 − β_t was used instead of ᾱ_t = Π_{s≤t} (1 − β_s): the closed form needs the cumulative product "
     "(torch.cumprod).", dict(cumprod=False)),
    ("off by one: betas[t − 1] is β_t, so ᾱ_t is cumprod(1 − betas)[t − 1], not [t].", dict(shift=1)),
    ("off by one: ᾱ_t is cumprod(1 − betas)[t − 1]; you used [t − 2] (one step too few).", dict(shift=-1)),
    ("the square roots are missing: x_t = √ᾱ_t · x0 + √(1 − ᾱ_t) · ε (the variances add, not the scales).",
     dict(root=False)),
)


def _q_hint(got, x0, t, noise, betas) -> str:
    try:
        got_np = np.asarray(got.detach() if hasattr(got, "detach") else got, dtype=float)
        for hint, knobs in _Q_MISTAKES:
            if _same_values(_q_variant(x0, t, noise, betas, **knobs).numpy(), got_np):
                return f" Likely bug: {hint}"
    except Exception:  # noqa: BLE001 - a hint is optional; never crash the checker
        pass
    return ""


def _q_case(fn, name, x0, t, noise, betas) -> CaseResult:
    import torch

    where = f"[x0 {tuple(x0.shape)}, t {t.tolist()}, T = {len(betas)}]"
    args = (x0.clone(), t.clone(), noise.clone(), betas.clone())
    got, error = call_reader(fn, *args)
    if error is not None:
        return CaseResult(name, False, f"{error} {where}")
    if not all(torch.equal(a, b) for a, b in zip(args, (x0, t, noise, betas))):
        return CaseResult(name, False, f"modified its inputs in place; return a new tensor. {where}")
    if isinstance(got, torch.Tensor):
        got = got.detach()
        if got.dtype != x0.dtype:
            return CaseResult(name, False, f"returned dtype {got.dtype} for {x0.dtype} inputs; keep the input dtype. "
                                           f"{where}")
        got = got.numpy()
    expected = q_sample_solution(x0, t, noise, betas).numpy()
    msg, abs_err, rel_err = check_outputs(got, (expected,), ("x_t",), rtol=RTOL, atol=ATOL)
    if msg is not None:
        return CaseResult(name, False, f"{msg}{_q_hint(got, x0, t, noise, betas)} {where}", abs_err, rel_err)
    return CaseResult(name, True, "", abs_err, rel_err)


def check_q_sample(fn) -> Verdict:
    """Check a reader's ``fn(x0, t, noise, betas) -> x_t`` (the DDPM forward process in closed form).

    Returns a :class:`~mlnotes.drills.core.Verdict`; never raises because of ``fn``.
    See chapter: chapters/generative.md
    """
    drill = "DDPM forward process q(x_t | x_0)"
    return _setup_failure(drill, fn) or Verdict(drill, tuple(_q_case(fn, *c) for c in q_sample_cases()))
