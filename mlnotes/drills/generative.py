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

**In the browser** (Pyodide has no torch) both checkers pass numpy arrays instead of tensors, with the same
values and case names (float64, the float32 case float32, ``t`` an int64 array), and the reader writes the same
formula with numpy (``np.exp``, ``np.cumprod``, ``np.sqrt``). There the expected values come from
:mod:`mlnotes.generative.closed_forms`, proven equal to the torch functions in
tests/test_generative_closed_forms.py, and the reparameterization's gradients are measured by central finite
differences of $L$ through the reader's own function and compared with the same closed form.

See chapter: chapters/generative.md
"""

from __future__ import annotations

import functools

import numpy as np

from mlnotes.drills.core import CaseResult, Verdict, call_reader, check_outputs, library_oracle, oracle

RTOL, ATOL = 1e-10, 1e-12
#: Shown above each drill's editor on the site (mlnotes.drills.site): what differs in the browser.
BROWSER_NOTES = {
    "reparameterize": "In your browser there is no torch: mu, logvar and eps arrive as numpy arrays with the same "
                      "values, so write this with numpy (np.exp). The gradients are measured by finite differences "
                      "through your function.",
    "q_sample": "In your browser there is no torch: x0, noise and betas arrive as numpy arrays and t as an int64 "
                "array, so write this with numpy (np.cumprod, np.sqrt).",
}
# Central finite differences in the browser: the step per dtype and the tolerance on the measured gradient.
# float64, h = 1e-4: truncation ≈ h²/24 relative (4e-10), rounding ≈ ulp(z)/h absolute (≤ 1e-10 here).
# float32, h = 3e-2: truncation ≈ 4e-5 relative, rounding ≈ 6e-8·|z|/h ≈ 2e-5·|z|. Wrong answers: off by O(1).
FD_STEP = {"float64": 1e-4, "float32": 3e-2}
FD_TOL = {"float64": dict(rtol=1e-6, atol=1e-9), "float32": dict(rtol=1e-3, atol=1e-3)}


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


def _xp():
    """The array library the reader's code gets: torch, or numpy in the browser (see :func:`library_oracle`)."""
    if library_oracle():
        import torch

        return torch
    return np


# -- reparameterization ---------------------------------------------------------------------------------------

def _reparam_arrays() -> list:
    """(name, mu, logvar, eps) as numpy arrays, float64 except the float32 case: the same values in both worlds."""
    rng = np.random.default_rng(11)

    def r(*shape, dtype=np.float64):
        return rng.standard_normal(shape).astype(dtype)

    return [
        ("random, shape (3,)", r(3), r(3), r(3)),
        ("batch × latent (4, 2)", r(4, 2), r(4, 2), r(4, 2)),
        ("3-D (2, 3, 5)", r(2, 3, 5), r(2, 3, 5), r(2, 3, 5)),
        ("log σ² = 0: σ = 1, so z = μ + ε", r(4), np.zeros(4), r(4)),
        ("log σ² = 4 (σ = e² ≈ 7.4; a factor ½ matters)", r(4), np.full(4, 4.0), r(4)),
        ("log σ² = −20 (σ ≈ 4.5e−5)", r(3), np.full(3, -20.0), r(3)),
        ("eps = 0: z = μ", r(3), r(3), np.zeros(3)),
        ("float32 in → float32 out", r(2, 3, dtype=np.float32), r(2, 3, dtype=np.float32),
         r(2, 3, dtype=np.float32)),
    ]


def reparameterize_cases() -> list:
    """(name, mu, logvar, eps): float64 tensors except the float32 case; numpy arrays in the browser."""
    cases = _reparam_arrays()
    if not library_oracle():
        return cases
    import torch

    return [(name, *(torch.from_numpy(a) for a in arrays)) for name, *arrays in cases]


_REPARAM_MISTAKES = (  # (hint, variant(xp, mu, logvar, eps)) with xp = torch, or numpy in the browser
    ("σ = exp(log σ²) is the variance, not the standard deviation: use exp(0.5 * logvar).",
     lambda xp, mu, lv, e: mu + xp.exp(lv) * e),
    ("logvar was used as if it were σ: σ = exp(0.5 * logvar).", lambda xp, mu, lv, e: mu + lv * e),
    ("σ = exp(−0.5 · logvar): the sign of the exponent is wrong.",
     lambda xp, mu, lv, e: mu + xp.exp(-0.5 * lv) * e),
    ("eps is missing: z = μ + σ·ε.", lambda xp, mu, lv, e: mu + xp.exp(0.5 * lv)),
    ("μ and σ are swapped: z = μ + σ·ε, with σ multiplying ε.",
     lambda xp, mu, lv, e: xp.exp(0.5 * lv) + mu * e),
    ("σ = √logvar: logvar is log σ², so σ = exp(0.5 * logvar).", lambda xp, mu, lv, e: mu + xp.sqrt(lv) * e),
)
_OWN_NOISE = (" Two calls with the same inputs gave different z: you drew your own noise. Use the eps argument "
              "(the caller owns the randomness).")


def _reparam_reference(mu, logvar, eps, weight):
    """(z, ∂L/∂μ, ∂L/∂logvar) for L = Σ weight·z, in closed form."""
    z = reparameterize_solution(mu, logvar, eps)
    return z, weight, 0.5 * weight * (0.5 * logvar).exp() * eps


def _returned_failure(name, got, error, changed, kind, array_type, dtype, where, type_advice):
    """The failed case for a reader's call that raised, modified an input, or returned the wrong kind or dtype
    of ``kind`` ("tensor" or "array"); None when the output can be compared."""
    if error is not None:
        return CaseResult(name, False, f"{error} {where}")
    if changed:
        return CaseResult(name, False, f"modified its inputs in place; return a new {kind}. {where}")
    if not isinstance(got, array_type):
        article = "a torch tensor" if kind == "tensor" else "a numpy array"
        advice = type_advice.format(type=type(got).__name__)
        return CaseResult(name, False, f"should return {article}{advice} {where}")
    if got.dtype != dtype:
        return CaseResult(name, False, f"returned dtype {got.dtype} for {dtype} inputs; keep the input dtype. {where}")
    return None


def _reparam_case(fn, name, mu, logvar, eps) -> CaseResult:
    import torch

    where = f"[mu, logvar, eps of shape {tuple(mu.shape)}, {mu.dtype}]"
    weight = torch.linspace(-1.5, 2.0, mu.numel(), dtype=mu.dtype).reshape(mu.shape)
    z_ref, gmu_ref, glv_ref = _reparam_reference(mu, logvar, eps, weight)
    mu_in, lv_in = mu.clone().requires_grad_(True), logvar.clone().requires_grad_(True)
    eps_in = eps.clone()
    got, error = call_reader(fn, mu_in, lv_in, eps_in)
    changed = not (torch.equal(eps_in, eps) and torch.equal(mu_in.detach(), mu) and torch.equal(lv_in.detach(), logvar))
    failure = _returned_failure(name, got, error, changed, "tensor", torch.Tensor, mu.dtype, where,
                                " (so gradients can flow), got {type}: compute with torch operations, not numpy.")
    if failure is not None:
        return failure
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
                if _same_values(variant(torch, mu, logvar, eps).double().numpy(), got_np):
                    return f" Likely bug: {hint}"
            again, _ = call_reader(fn, mu.clone(), logvar.clone(), eps.clone())
        if isinstance(again, torch.Tensor) and not _same_values(again.detach().double().numpy(), got_np):
            return _OWN_NOISE
    except Exception:  # noqa: BLE001 - a hint is optional; never crash the checker
        pass
    return ""


def _reparam_case_numpy(fn, name, mu, logvar, eps) -> CaseResult:
    """The browser's check of one case: numpy arrays in and out; gradients by central finite differences."""
    from mlnotes.generative.closed_forms import reparameterize_grads, reparameterize_numpy

    where = f"[mu, logvar, eps of shape {mu.shape}, {mu.dtype}]"
    weight = np.linspace(-1.5, 2.0, mu.size).astype(mu.dtype).reshape(mu.shape)
    z_ref = reparameterize_numpy(mu, logvar, eps)
    gmu_ref, glv_ref = reparameterize_grads(mu, logvar, eps, weight)
    args = (mu.copy(), logvar.copy(), eps.copy())
    got, error = call_reader(fn, *args)
    changed = not all(np.array_equal(a, b) for a, b in zip(args, (mu, logvar, eps)))
    failure = _returned_failure(name, got, error, changed, "array", np.ndarray, mu.dtype, where,
                                ", got {type}: compute with numpy operations (here in the browser numpy stands in "
                                "for torch).")
    if failure is not None:
        return failure
    tol = dict(rtol=RTOL, atol=ATOL) if mu.dtype == np.float64 else dict(rtol=1e-6, atol=1e-6)
    z_np = got.astype(np.float64)
    msg, abs_err, rel_err = check_outputs(z_np, (z_ref.astype(np.float64),), ("z",), **tol)
    if msg is not None:
        return CaseResult(name, False, f"{msg}{_reparam_hint_numpy(fn, z_np, mu, logvar, eps)} {where}", abs_err,
                          rel_err)
    grads = _finite_difference_grads(fn, mu, logvar, eps, weight)
    if isinstance(grads, str):
        return CaseResult(name, False, f"{grads} {where}")
    if not np.any(grads[0]) and not np.any(grads[1]):
        return CaseResult(name, False, "z has the right values but does not move when mu and logvar move (finite "
                                       "differences of L give zero gradients): compute z from mu and logvar on every "
                                       f"call, nothing cached or frozen. {where}")
    for label, g, ref in (("∂L/∂mu", grads[0], gmu_ref), ("∂L/∂logvar", grads[1], glv_ref)):
        msg, _, _ = check_outputs(g, (ref.astype(np.float64),), (label,), **FD_TOL[mu.dtype.name])
        if msg is not None:
            return CaseResult(name, False, f"the values are right but the gradient is not (measured by central "
                                           f"finite differences of L = Σ w·z through your function): {msg} {where}")
    return CaseResult(name, True, "", abs_err, rel_err)


def _finite_difference_grads(fn, mu, logvar, eps, weight):
    """(∂L/∂mu, ∂L/∂logvar) of L = Σ weight·fn(mu, logvar, eps) by central differences, float64; or a message.

    Each element is nudged by ±h alone (h per dtype, :data:`FD_STEP`); the step is the difference actually
    stored (float32 rounds it), and L's change is summed from z's change, so unchanged elements cancel exactly.
    """
    h, w = FD_STEP[mu.dtype.name], weight.astype(np.float64)
    grads = []
    for k, label in ((0, "mu"), (1, "logvar")):
        g = np.zeros(mu.shape)
        for idx in np.ndindex(mu.shape):
            plus, minus = [mu.copy(), logvar.copy(), eps.copy()], [mu.copy(), logvar.copy(), eps.copy()]
            plus[k][idx] += h
            minus[k][idx] -= h
            step = float(plus[k][idx]) - float(minus[k][idx])
            zs = []
            for args in (plus, minus):
                z, error = call_reader(fn, *args)
                if error is not None:
                    return (f"called again with {label} nudged by ±{h:g} (to measure the gradient), your function "
                            f"{error}")
                try:
                    z = np.asarray(z, dtype=np.float64)
                except Exception:  # noqa: BLE001 - a hostile return value
                    z = None
                if z is None or z.shape != mu.shape:
                    return (f"called again with {label} nudged by ±{h:g} (to measure the gradient), your function "
                            f"returned {type(z).__name__ if z is None else z.shape} instead of an array of shape "
                            f"{mu.shape}.")
                zs.append(z)
            with np.errstate(all="ignore"):
                g[idx] = np.sum(w * (zs[0] - zs[1])) / step
        grads.append(g)
    return grads


def _reparam_hint_numpy(fn, got_np, mu, logvar, eps) -> str:
    """:func:`_reparam_hint` for the browser's numpy arrays."""
    try:
        with np.errstate(all="ignore"):
            for hint, variant in _REPARAM_MISTAKES:
                if _same_values(np.asarray(variant(np, mu, logvar, eps), dtype=np.float64), got_np):
                    return f" Likely bug: {hint}"
        again, _ = call_reader(fn, mu.copy(), logvar.copy(), eps.copy())
        if isinstance(again, np.ndarray) and not _same_values(again.astype(np.float64), got_np):
            return _OWN_NOISE
    except Exception:  # noqa: BLE001 - a hint is optional; never crash the checker
        pass
    return ""


def check_reparameterize(fn) -> Verdict:
    """Check a reader's ``fn(mu, logvar, eps) -> z`` (torch) on values, dtype and gradients.

    Reference: the closed form in torch (float64; gradients by autograd). In the browser (Pyodide) the cases
    are numpy arrays, ``fn`` is written with numpy, the reference is
    :func:`mlnotes.generative.closed_forms.reparameterize_numpy` (proven equal to
    :func:`mlnotes.generative.reparameterize` in tests/test_generative_closed_forms.py), and the gradients of
    the reader's function are measured by central finite differences.
    Returns a :class:`~mlnotes.drills.core.Verdict`; never raises because of ``fn``.
    See chapter: chapters/generative.md
    """
    drill = "Reparameterization trick"
    case = _reparam_case if library_oracle() else _reparam_case_numpy
    return _setup_failure(drill, fn) or Verdict(drill, tuple(case(fn, *c) for c in reparameterize_cases()))


# -- DDPM forward process -------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=2)
def _q_cases(which: str) -> tuple:
    """The cases for one oracle (``which``): numpy arrays, as tensors for the library oracle."""
    rng = np.random.default_rng(5)
    T = 50
    betas = np.linspace(1e-4, 0.2, T)

    def r(*shape):
        return rng.standard_normal(shape)

    def steps(*values):
        return np.array(values, dtype=np.int64)

    cases = (
        ("2-D points, mixed steps", r(5, 2), steps(1, 7, 20, 33, 49), r(5, 2), betas),
        ("t = 1 for every row: ᾱ_1 = 1 − β_1", r(4, 2), steps(1, 1, 1, 1), r(4, 2), betas),
        ("t = T for every row: almost pure noise", r(3, 2), steps(T, T, T), r(3, 2), betas),
        ("images (B, C, H, W) = (2, 3, 4, 4): one ᾱ per image", r(2, 3, 4, 4), steps(3, 40), r(2, 3, 4, 4), betas),
        ("a short schedule T = 3, t = 2 and 3", r(2, 3), steps(2, 3), r(2, 3), np.array([0.1, 0.3, 0.5])),
        ("zero noise: x_t = √ᾱ_t · x0", r(3, 2), steps(5, 10, 25), np.zeros((3, 2)), betas),
    )
    if which != "library":
        return cases
    import torch

    return tuple((name, *(torch.from_numpy(a) for a in arrays)) for name, *arrays in cases)


def q_sample_cases() -> tuple:
    """(name, x0, t, noise, betas): float64 tensors and a long tensor t of steps in 1..T; numpy arrays (t int64)
    in the browser."""
    return _q_cases(oracle())


def _q_variant(xp, x0, t, noise, betas, *, cumprod=True, shift=0, root=True):
    """q_sample with one knob turned the wrong way, in ``xp`` (torch, or numpy in the browser)."""
    alpha = 1 - betas
    a_all = xp.cumprod(alpha, 0) if cumprod else alpha
    a = a_all[xp.clip(t - 1 + shift, 0, len(betas) - 1)].reshape(-1, *([1] * (x0.ndim - 1)))
    return (xp.sqrt(a) * x0 + xp.sqrt(1 - a) * noise) if root else (a * x0 + (1 - a) * noise)


_Q_MISTAKES = (
    ("α_t = 1 − β_t was used instead of ᾱ_t = Π_{s≤t} (1 − β_s): the closed form needs the cumulative "
     "product. Use {cumprod}.", dict(cumprod=False)),
    ("off by one: betas[t − 1] is β_t, so ᾱ_t is cumprod(1 − betas)[t − 1], not [t].", dict(shift=1)),
    ("off by one: ᾱ_t is cumprod(1 − betas)[t − 1]; you used [t − 2] (one step too few).", dict(shift=-1)),
    ("the square roots are missing: x_t = √ᾱ_t · x0 + √(1 − ᾱ_t) · ε (the variances add, not the scales).",
     dict(root=False)),
)


def _q_hint(got, x0, t, noise, betas) -> str:
    xp = _xp()
    try:
        got_np = np.asarray(got.detach() if hasattr(got, "detach") else got, dtype=float)
        for hint, knobs in _Q_MISTAKES:
            if _same_values(np.asarray(_q_variant(xp, x0, t, noise, betas, **knobs)), got_np):
                cumprod = "torch.cumprod" if xp is not np else "np.cumprod"
                return f" Likely bug: {hint.replace('{cumprod}', cumprod)}"
    except Exception:  # noqa: BLE001 - a hint is optional; never crash the checker
        pass
    return ""


def _q_case(fn, name, x0, t, noise, betas) -> CaseResult:
    """One case: torch tensors with the library oracle, numpy arrays in the browser (expected values from
    :func:`q_sample_solution` or :func:`mlnotes.generative.closed_forms.q_sample_numpy`)."""
    if library_oracle():
        import torch

        copy, same, kind, array_type = (lambda a: a.clone()), torch.equal, "tensor", torch.Tensor
    else:
        copy, same, kind, array_type = (lambda a: a.copy()), np.array_equal, "array", np.ndarray
    where = f"[x0 {tuple(x0.shape)}, t {t.tolist()}, T = {len(betas)}]"
    args = tuple(copy(a) for a in (x0, t, noise, betas))
    got, error = call_reader(fn, *args)
    if error is not None:
        return CaseResult(name, False, f"{error} {where}")
    if not all(same(a, b) for a, b in zip(args, (x0, t, noise, betas))):
        return CaseResult(name, False, f"modified its inputs in place; return a new {kind}. {where}")
    if isinstance(got, array_type):
        got = got.detach() if kind == "tensor" else got
        if got.dtype != x0.dtype and (kind == "tensor" or got.dtype.kind == "f"):
            return CaseResult(name, False, f"returned dtype {got.dtype} for {x0.dtype} inputs; keep the input dtype. "
                                           f"{where}")
        got = got.numpy() if kind == "tensor" else got
    if kind == "tensor":
        expected = q_sample_solution(x0, t, noise, betas).numpy()
    else:
        from mlnotes.generative.closed_forms import q_sample_numpy

        expected = q_sample_numpy(x0, t, noise, betas)
    msg, abs_err, rel_err = check_outputs(got, (expected,), ("x_t",), rtol=RTOL, atol=ATOL)
    if msg is not None:
        return CaseResult(name, False, f"{msg}{_q_hint(got, x0, t, noise, betas)} {where}", abs_err, rel_err)
    return CaseResult(name, True, "", abs_err, rel_err)


def check_q_sample(fn) -> Verdict:
    """Check a reader's ``fn(x0, t, noise, betas) -> x_t`` (the DDPM forward process in closed form).

    Reference: the closed form in torch (float64). In the browser (Pyodide) the cases are numpy arrays (``t``
    int64), ``fn`` is written with numpy, and the reference is
    :func:`mlnotes.generative.closed_forms.q_sample_numpy` (proven equal to :func:`mlnotes.generative.q_sample`
    in tests/test_generative_closed_forms.py).
    Returns a :class:`~mlnotes.drills.core.Verdict`; never raises because of ``fn``.
    See chapter: chapters/generative.md
    """
    drill = "DDPM forward process q(x_t | x_0)"
    return _setup_failure(drill, fn) or Verdict(drill, tuple(_q_case(fn, *c) for c in q_sample_cases()))
