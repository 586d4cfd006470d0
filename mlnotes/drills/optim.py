r"""Drill: hand-write one Adam step, checked against ``torch.optim.Adam`` over 50 steps.

The reader writes ``fn(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8)
-> (new_param, new_m, new_v)`` with $t = 1, 2, \dots$:
$$m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\quad v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,\quad
\theta_t = \theta_{t-1} - \eta\,\frac{m_t/(1-\beta_1^t)}{\sqrt{v_t/(1-\beta_2^t)} + \epsilon}.$$
Each case feeds the reader's own outputs back in for 50 steps and compares the whole
trajectory with torch (float64), elementwise
$|\text{got} - \text{torch}| \le 10^{-9}\max|\text{torch}| + 10^{-7}|\text{torch}|$ per output (the
absolute part scales with each output, so $v \sim 10^{-18}$ is still checked). On a mismatch
the checker replays common mistakes from the same inputs and names the one that matches
("did you forget bias correction?").

Reference: ``torch.optim.Adam`` (float64, ``foreach=False``); in the browser (Pyodide, no torch)
:class:`mlnotes.optim.Adam`, proven equal in tests/test_optim.py (``test_optimizer_equals_torch_float64``).

See chapter: chapters/optimizers.md
"""

from __future__ import annotations

import functools

import numpy as np

from mlnotes.drills.core import CaseResult, Verdict, call_reader, check_outputs, mutated_inputs, oracle

STEPS = 50
RTOL = 1e-7
ATOL = 1e-9  # times the largest |value| of each output along the reference trajectory
ARG_NAMES = ("param", "grad", "m", "v")
NAMES = ("new_param", "new_m", "new_v")


def adam_step_solution(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam step (t starts at 1): returns new (param, m, v); the inputs are not modified."""
    m = beta1 * m + (1 - beta1) * grad  # first moment (EMA of g)
    v = beta2 * v + (1 - beta2) * grad**2  # second moment (EMA of g²)
    m_hat = m / (1 - beta1**t)  # bias corrections: the EMAs start at 0
    v_hat = v / (1 - beta2**t)
    param = param - lr * m_hat / (np.sqrt(v_hat) + eps)
    return param, m, v


def _variant(p, g, m, v, t, lr, beta1, beta2, eps, *, correct_m=True, correct_v="sqrt", eps_at="sqrt_vhat",
             t_shift=0, sign=-1.0, swap_betas=False):
    """Adam with one knob turned the wrong way, to recognise a reader's mistake."""
    if swap_betas:
        beta1, beta2 = beta2, beta1
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    k = t + t_shift
    m_hat = m / (1 - beta1**k) if correct_m else m
    sigma = np.sqrt(v)
    if correct_v == "sqrt":
        sigma_hat = sigma / np.sqrt(1 - beta2**k)
    elif correct_v == "linear":  # the notes: σ / (1 − β₂ᵗ)
        sigma_hat = sigma / (1 - beta2**k)
    else:
        sigma_hat = sigma
    if eps_at == "sqrt_vhat":
        denom = sigma_hat + eps
    elif eps_at == "inside_sqrt":
        denom = np.sqrt(sigma_hat**2 + eps)
    elif eps_at == "before_correction":
        denom = (sigma + eps) / np.sqrt(1 - beta2**k)
    else:
        denom = sigma_hat
    return p + sign * lr * m_hat / denom, m, v


_MISTAKES = (
    ("no bias correction at all (m and v used raw): did you forget bias correction? "
     "Use m̂ = m/(1−β1ᵗ) and v̂ = v/(1−β2ᵗ).", dict(correct_m=False, correct_v="none")),
    ("m is not bias-corrected, so early steps are (1−β1ᵗ) times too small (×(1−β1) at t=1): "
     "did you forget bias correction? Use m̂ = m/(1−β1ᵗ).", dict(correct_m=False)),
    ("v is not bias-corrected: did you forget bias correction of v? Use v̂ = v/(1−β2ᵗ).",
     dict(correct_v="none")),
    ("the notes' version: σ/(1−β2ᵗ) with σ = √v and uncorrected m. Correct v, not σ: "
     "√v̂ = √v/√(1−β2ᵗ), and use m̂ in the update.", dict(correct_m=False, correct_v="linear")),
    ("σ = √v divided by (1−β2ᵗ) instead of √(1−β2ᵗ): correct v before the square root, "
     "v̂ = v/(1−β2ᵗ).", dict(correct_v="linear")),
    ("eps is inside the square root: use √v̂ + eps, not √(v̂ + eps).", dict(eps_at="inside_sqrt")),
    ("eps is added to √v before the bias correction (the paper's 'efficient' form); "
     "torch adds it after: √v̂ + eps.", dict(eps_at="before_correction")),
    ("no eps in the denominator: with a zero gradient that is 0/0 = NaN. Use √v̂ + eps.", dict(eps_at="none")),
    ("t is treated as 0-based (β^(t+1)); t already starts at 1, use β1ᵗ and β2ᵗ.", dict(t_shift=1)),
    ("the exponent is t−1: at t=1 that divides by 1−β⁰ = 0. t starts at 1, use β1ᵗ and β2ᵗ.",
     dict(t_shift=-1)),
    ("the update has the wrong sign: Adam moves against the gradient, param − lr·m̂/(√v̂+eps).", dict(sign=1.0)),
    ("beta1 and beta2 are swapped: m uses beta1 (0.9), v uses beta2 (0.999).", dict(swap_betas=True)),
)


def _diagnose(fn, got, inputs, t, hyper) -> str:
    """Name the common mistake that reproduces the reader's output from the same inputs, if one does.

    A NaN output matches many mistakes, so a NaN match is confirmed by probing the
    reader's function once more at step t + 1 (with a nonzero gradient) where that
    mistake gives finite numbers.
    """
    try:
        got = tuple(np.asarray(x, dtype=float) for x in got)
        if len(got) != 3 or any(x.shape != inputs[0].shape for x in got):
            return ""
        p, g, m, v = inputs
        probe_inputs = (p, g if np.any(g != 0) else np.ones_like(g), m, v)
        probe = None
        with np.errstate(all="ignore"):
            for hint, knobs in _MISTAKES:
                if not all(_same(w, x) for w, x in zip(_variant(*inputs, t, **hyper, **knobs), got)):
                    continue
                if all(np.all(np.isfinite(x)) for x in got):
                    return f" Likely bug: {hint}"
                if probe is None:
                    probe, _ = call_reader(fn, *(a.copy() for a in probe_inputs), t + 1, **hyper)
                    probe = tuple(np.asarray(x, dtype=float) for x in probe) if isinstance(probe, tuple) else ()
                want = _variant(*probe_inputs, t + 1, **hyper, **knobs)
                if len(probe) == 3 and all(np.all(np.isfinite(w)) and w.shape == x.shape and _same(w, x)
                                           for w, x in zip(want, probe)):
                    return f" Likely bug: {hint}"
            right = adam_step_solution(*inputs, t, **hyper)[0] - p
            yours = got[0] - p
            if np.any(right != 0) and np.all(yours == 0):
                return " new_param equals param: the update is missing."
            ok = np.abs(right) > 0
            if np.any(ok) and np.all(np.isfinite(yours)):
                ratio = float(np.median(yours[ok] / right[ok]))
                if abs(ratio - 1) > 1e-3:
                    return f" Your parameter update is {ratio:.4g}× the correct one."
    except Exception:  # noqa: BLE001 - a hint is optional; never crash the checker
        pass
    return ""


def _same(want: np.ndarray, got: np.ndarray) -> bool:
    """Equal up to one step's rounding (NaN matches NaN)."""
    scale = np.max(np.abs(want[np.isfinite(want)]), initial=0.0)
    return np.allclose(got, want, rtol=1e-10, atol=1e-13 * scale, equal_nan=True)


def _reference(param0, grads, hyper, which="library"):
    """Trajectory of torch.optim.Adam in float64: three arrays of shape (steps, *param.shape).

    For ``which != "library"`` the same trajectory from :class:`mlnotes.optim.Adam` (numpy).
    """
    if which != "library":
        from mlnotes.optim import Adam

        p = param0.copy()
        opt = Adam([p], lr=hyper["lr"], betas=(hyper["beta1"], hyper["beta2"]), eps=hyper["eps"])
        ps, ms, vs = [], [], []
        for g in grads:
            opt.step([g])
            ps.append(p.copy())
            ms.append(opt.state[0]["m"].copy())
            vs.append(opt.state[0]["v"].copy())
        return np.array(ps), np.array(ms), np.array(vs)
    import torch

    p = torch.tensor(param0, dtype=torch.float64, requires_grad=True)
    betas = (hyper["beta1"], hyper["beta2"])
    opt = torch.optim.Adam([p], lr=hyper["lr"], betas=betas, eps=hyper["eps"], foreach=False)
    ps, ms, vs = [], [], []
    for g in grads:
        p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        state = opt.state[p]
        ps.append(p.detach().numpy().copy())
        ms.append(state["exp_avg"].numpy().copy())
        vs.append(state["exp_avg_sq"].numpy().copy())
    return np.array(ps), np.array(ms), np.array(vs)


def adam_cases(steps=STEPS) -> list:
    """The drill's named cases: (name, param0, grads (steps, *shape), hyper-parameters)."""
    default = dict(lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8)
    specs = [
        ("random, shape (1,)", (1,), 1.0, "random", {}),
        ("random, shape (3,)", (3,), 1.0, "random", {}),
        ("random, shape (4, 5)", (4, 5), 1.0, "random", {}),
        ("t = 1 edge: constant gradient, every step moves by ≈ lr", (3,), 1.0, "constant", {}),
        ("zero gradient: nothing moves", (3,), 0.0, "random", {}),
        ("beta1 = 0 (no momentum)", (3,), 1.0, "random", dict(beta1=0.0)),
        ("tiny gradients ~1e-9 (eps matters)", (3,), 1e-9, "random", {}),
        ("large gradients ~1e4", (3,), 1e4, "random", {}),
        ("non-default lr=0.01, betas=(0.8, 0.99), eps=1e-6", (2, 3), 1.0, "random",
         dict(lr=1e-2, beta1=0.8, beta2=0.99, eps=1e-6)),
    ]
    cases = []
    for i, (name, shape, scale, kind, over) in enumerate(specs):
        rng = np.random.default_rng(1000 + i)
        param0 = rng.standard_normal(shape)
        if kind == "constant":
            grads = np.broadcast_to(np.linspace(-2.0, 3.0, np.prod(shape)).reshape(shape), (steps, *shape)).copy()
        else:
            grads = scale * rng.standard_normal((steps, *shape))
        cases.append((name, param0, grads, {**default, **over}))
    return cases


@functools.lru_cache(maxsize=2)
def _cases_with_reference(which: str) -> tuple:
    """Every case with its reference trajectory under the oracle ``which`` (the cache key), computed once."""
    return tuple((*case, _reference(*case[1:], which)) for case in adam_cases())


def _run_case(fn, name, param0, grads, hyper, expected) -> CaseResult:
    """Drive the reader's step function along one case; stop at the first wrong step."""
    scale = [np.max(np.abs(e), initial=0.0) for e in expected]
    p, m, v = param0.copy(), np.zeros_like(param0), np.zeros_like(param0)
    steps = len(grads)
    worst_abs = worst_rel = 0.0
    for t in range(1, steps + 1):
        inputs = (p, grads[t - 1], m, v)
        args = tuple(a.copy() for a in inputs)
        where = (f"at step t={t} of {steps} (inputs param {p.shape}, grad {p.shape}, m {p.shape}, v {p.shape}; "
                 + ", ".join(f"{k}={val:g}" for k, val in hyper.items()) + ")")
        got, error = call_reader(fn, *args, t, **hyper)
        if error is not None:
            return CaseResult(name, False, f"{where}: {error}")
        changed = mutated_inputs(dict(zip(ARG_NAMES, inputs)), dict(zip(ARG_NAMES, args)))
        if changed:
            return CaseResult(name, False, f"{where}: your function modified its input(s) {', '.join(changed)} "
                                           "in place; compute and return new arrays instead.")
        want = tuple(e[t - 1] for e in expected)
        msg, abs_err, rel_err = check_outputs(got, want, NAMES, rtol=RTOL, atol=[ATOL * s for s in scale])
        if msg is not None:
            hint = _diagnose(fn, got, inputs, t, hyper) if isinstance(got, tuple) else ""
            return CaseResult(name, False, f"{where}: {msg}{hint}", abs_err, rel_err)
        worst_abs, worst_rel = max(worst_abs, abs_err), max(worst_rel, rel_err)
        p, m, v = (np.asarray(x).astype(float) for x in got)
    return CaseResult(name, True, "", worst_abs, worst_rel)


def check_adam_step(fn) -> Verdict:
    """Check a reader's ``fn(param, grad, m, v, t, lr, beta1, beta2, eps) -> (param, m, v)`` against torch.

    Runs 50 steps on each case of :func:`adam_cases` and returns a
    :class:`~mlnotes.drills.core.Verdict`; never raises because of ``fn``.
    Reference: ``torch.optim.Adam`` (float64); in the browser (Pyodide) :class:`mlnotes.optim.Adam`, proven equal
    in tests/test_optim.py::test_optimizer_equals_torch_float64 and ::test_adam_moments_equal_torch_state.
    See chapter: chapters/optimizers.md
    """
    drill = "Adam step"
    if not callable(fn):
        return Verdict(drill, (CaseResult("(setup)", False, f"expected a function, got {type(fn).__name__}."),))
    return Verdict(drill, tuple(_run_case(fn, *case) for case in _cases_with_reference(oracle())))
