r"""Drills: logistic regression by gradient descent, and the normal equation done stably.

**Logistic regression by GD** — ``fn(X, y, lr, n_iter) -> (w, b)``: start from $w = 0$, $b = 0$ and
take ``n_iter`` full-batch steps on the mean log loss
$$L = \frac1n\sum_i \bigl[\log(1 + e^{z_i}) - y_i z_i\bigr],\ z = Xw + b:\qquad
w \leftarrow w - \eta\,\tfrac1n X^\top(\sigma(z) - y),\quad b \leftarrow b - \eta\,\tfrac1n\textstyle\sum_i(\sigma(z_i) - y_i),$$
both gradients taken at the same $(w, b)$. Compared with :func:`mlnotes.linear.fit_logistic_gd`
($C = \infty$) to rtol 1e-7, in Python and in the browser (Pyodide) alike: numpy only, its gradient proven
equal to torch autograd in ``tests/test_linear.py::test_objective_gradient_and_hessian_match_autograd`` and
its steps in ``test_gd_reaches_the_newton_solution_and_matches_a_hand_first_step``.

**Least squares** — ``fn(X, y) -> w`` minimising $\lVert y - Xw\rVert$ (no intercept), accurate even
when $X$ is ill-conditioned ($\kappa(X) = 10^8$: the normal equations lose every digit there) and
when it is rank-deficient (any least-squares solution is accepted: the fitted values $Xw$ are
compared). Reference: the exact answer the case was built with, or ``np.linalg.lstsq`` (numpy, so the
same in the browser; ``tests/test_linear.py::test_least_squares_equals_sklearn``).

On a mismatch each checker replays common mistakes and names the one that matches.

See chapter: chapters/linear_models.md
"""

from __future__ import annotations

import functools
import warnings

import numpy as np

from mlnotes.drills.core import CaseResult, Verdict, call_reader, check_outputs, mutated_inputs, oracle

# -- logistic regression by gradient descent --------------------------------------------------------
LR_NAMES = ("w", "b")


def logistic_gd_solution(X, y, lr, n_iter):
    """Full-batch GD on the mean log loss from w = 0, b = 0; returns (w (d,), b)."""
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    for _ in range(n_iter):
        z = X @ w + b  # (n,) logits
        p = 0.5 * (1 + np.tanh(0.5 * z))  # σ(z), written without overflow
        error = p - y  # (n,) ∂L/∂z·n
        w, b = w - lr * X.T @ error / n, b - lr * error.mean()  # both from the same (w, b)
    return w, b


def _lr_variant(X, y, lr, n_iter, *, mean=True, sign=1.0, bias=True, mse=False, stale=False, iters_shift=0):
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    for _ in range(max(n_iter + iters_shift, 0)):
        p = 0.5 * (1 + np.tanh(0.5 * (X @ w + b)))
        error = (p - y) * (p * (1 - p) * 2 if mse else 1.0)
        scale = n if mean else 1
        w = w - sign * lr * X.T @ error / scale
        if stale:  # b's gradient taken after w moved
            p = 0.5 * (1 + np.tanh(0.5 * (X @ w + b)))
            error = p - y
        if bias:
            b = b - sign * lr * error.sum() / scale
    return w, b


_LR_MISTAKES = (
    ("the update has the wrong sign: that is gradient *ascent*. Step against the gradient: "
     "w ← w − lr·Xᵀ(σ(z) − y)/n.", dict(sign=-1.0)),
    ("the gradient is summed, not averaged: divide Xᵀ(σ(z) − y) and Σ(σ(z) − y) by n (the loss is a mean).",
     dict(mean=False)),
    ("b never moves: update it too, b ← b − lr·mean(σ(z) − y).", dict(bias=False)),
    ("that is the gradient of the MSE on σ(z) (an extra factor 2σ(1−σ)); the log loss's gradient is simply "
     "σ(z) − y.", dict(mse=True)),
    ("b's gradient is computed after w was updated; take both gradients at the same (w, b), then update both.",
     dict(stale=True)),
    ("one step too many: run exactly n_iter steps.", dict(iters_shift=1)),
    ("one step too few: run exactly n_iter steps.", dict(iters_shift=-1)),
)


def logistic_cases() -> list:
    """The GD drill's named cases: (name, kwargs)."""
    rng = np.random.default_rng(31)

    def blobs(n, d, shift):
        y = rng.integers(0, 2, n)
        return rng.standard_normal((n, d)) + shift * (2 * y[:, None] - 1), y

    Xa, ya = blobs(30, 3, 0.7)
    Xb, yb = blobs(25, 1, 1.0)
    Xc, yc = blobs(20, 2, 3.0)
    factors = rng.standard_normal((80, 3))  # 30 features driven by 3 latent factors: strongly correlated columns
    Xf = factors @ rng.standard_normal((3, 30)) + 0.3 * rng.standard_normal((80, 30))
    Xf = (Xf - Xf.mean(axis=0)) / Xf.std(axis=0)
    yf = (factors[:, 0] + 0.5 * rng.standard_normal(80) > 0).astype(int)
    return [
        ("random (30, 3), lr = 0.5, 50 steps", dict(X=Xa, y=ya, lr=0.5, n_iter=50)),
        ("one feature (25, 1)", dict(X=Xb, y=yb, lr=1.0, n_iter=30)),
        ("n_iter = 0: the starting point w = 0, b = 0", dict(X=Xa, y=ya, lr=0.5, n_iter=0)),
        ("one step from zero: w = −lr·Xᵀ(½ − y)/n", dict(X=Xa, y=ya, lr=0.1, n_iter=1)),
        ("unbalanced labels (b must learn the base rate)", dict(X=Xa, y=(np.arange(30) < 6).astype(int), lr=0.5,
                                                                n_iter=40)),
        ("30 correlated standardized features (80 rows, 3 latent factors)", dict(X=Xf, y=yf, lr=0.5, n_iter=60)),
        ("nearly separable, logits in the hundreds", dict(X=30.0 * Xc, y=yc, lr=1.0, n_iter=40)),
    ]


@functools.lru_cache(maxsize=2)
def _lr_cases_with_reference(which: str) -> tuple:
    """The cases with ours as the reference (numpy in both oracles; ``which`` keys the cache by the oracle)."""
    from mlnotes.linear.logistic import fit_logistic_gd

    out = []
    for name, kw in logistic_cases():
        fit = fit_logistic_gd(kw["X"], kw["y"], lr=kw["lr"], n_iter=kw["n_iter"], C=np.inf)
        out.append((name, kw, (fit.coef, np.asarray(fit.intercept))))
    return tuple(out)


def _diagnose(got, variant, mistakes, kwargs) -> str:
    """The hint of the first mistake that reproduces the reader's outputs, or ''."""
    try:
        got = got if isinstance(got, tuple) else (got,)
        got = tuple(np.asarray(g, dtype=float) for g in got)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for hint, knobs in mistakes:
                want = variant(**kwargs, **knobs)
                want = want if isinstance(want, tuple) else (want,)
                if len(want) == len(got) and all(np.shape(w) == g.shape and np.allclose(g, w, rtol=1e-6, atol=1e-9)
                                                  for w, g in zip(want, got)):
                    return f" Likely bug: {hint}"
    except Exception:  # noqa: BLE001 - a hint is optional; never crash the checker
        pass
    return ""


def _run_cases(fn, drill, cases, names, rtol, atol, hint) -> Verdict:
    if not callable(fn):
        return Verdict(drill, (CaseResult("(setup)", False, f"expected a function, got {type(fn).__name__}."),))
    results = []
    for name, kw, expected in cases:
        where = "[" + ", ".join(f"{k} {v.shape}" if isinstance(v, np.ndarray) else f"{k}={v}"
                                for k, v in kw.items()) + "]"
        args = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in kw.items()}
        got, error = call_reader(fn, **args)
        if error is not None:
            results.append(CaseResult(name, False, f"{error}{hint(name, kw, None, error)} {where}"))
            continue
        changed = mutated_inputs({k: v for k, v in kw.items() if isinstance(v, np.ndarray)}, args)
        if changed:
            results.append(CaseResult(name, False, f"modified its input(s) {', '.join(changed)} in place; "
                                                   f"return new arrays instead. {where}"))
            continue
        msg, abs_err, rel_err = expected(got) if callable(expected) else check_outputs(
            got, expected, names, rtol=rtol, atol=atol)
        if msg is not None:
            msg = f"{msg}{hint(name, kw, got, None)} {where}"
        results.append(CaseResult(name, msg is None, msg or "", abs_err, rel_err))
    return Verdict(drill, tuple(results))


def check_logistic_gd(fn) -> Verdict:
    """Check a reader's ``fn(X, y, lr, n_iter) -> (w, b)`` (GD on the mean log loss from zeros) against ours.

    Reference: :func:`mlnotes.linear.fit_logistic_gd` (numpy, float64) with either oracle, in Python and in the
    browser (Pyodide); its gradient is proven equal to torch autograd in tests/test_linear.py.
    Returns a :class:`~mlnotes.drills.core.Verdict`; never raises because of ``fn``.
    See chapter: chapters/linear_models.md
    """
    def hint(name, kw, got, error):
        return "" if got is None else _diagnose(got, _lr_variant, _LR_MISTAKES, kw)

    return _run_cases(fn, "logistic regression by GD", _lr_cases_with_reference(oracle()), LR_NAMES, 1e-7, 1e-10,
                      hint)


# -- least squares, stably ----------------------------------------------------------------------------
def normal_equation_solution(X, y):
    """argmin ‖y − Xw‖ without forming XᵀX: the SVD-based lstsq (minimum-norm w if X is rank-deficient)."""
    w, *_ = np.linalg.lstsq(X, y, rcond=None)  # works on X itself: κ(X), not κ(X)²
    return w


def least_squares_cases() -> list:
    """The least-squares drill's named cases: (name, X, y, w_exact or None for rank-deficient X)."""
    from mlnotes.linear.experiments import ill_conditioned_problem

    rng = np.random.default_rng(47)
    X1 = rng.standard_normal((40, 4))
    w1 = rng.standard_normal(4)
    y1 = X1 @ w1 + 0.1 * rng.standard_normal(40)
    X_int = np.hstack([rng.uniform(0, 10, (30, 2)), np.ones((30, 1))])  # an intercept column
    cases = [
        ("random (40, 4) with noise", X1, y1, np.linalg.lstsq(X1, y1, rcond=None)[0]),
        ("one column (20, 1)", X1[:20, :1], y1[:20], np.linalg.lstsq(X1[:20, :1], y1[:20], rcond=None)[0]),
        ("square (4, 4): an exact solve", X1[:4], y1[:4], np.linalg.solve(X1[:4], y1[:4])),
        ("with a column of ones (intercept)", X_int, X_int @ np.array([2.0, -1.0, 5.0]), np.array([2.0, -1.0, 5.0])),
    ]
    for cond in (1e4, 1e8):
        X, y, w = ill_conditioned_problem(cond, seed=5)
        cases.append((f"ill-conditioned, κ(X) = {cond:.0e} (κ(XᵀX) = {cond**2:.0e})", X, y, w))
    X_dup = np.hstack([X1[:, :2], X1[:, :1]])  # column 3 = column 1: XᵀX is singular
    cases.append(("rank-deficient: a duplicated column (many solutions; Xw is compared)", X_dup, y1, None))
    return cases


def _least_squares_compare(X, y, w_exact):
    """A comparison function for one case: w vs the exact answer (rel. 1e-6), or Xw for rank-deficient X."""
    def compare(got):
        if w_exact is not None:
            scale = np.linalg.norm(w_exact)
            return check_outputs(got, (w_exact,), ("w",), rtol=0.0, atol=1e-6 * scale)
        fitted = X @ np.linalg.lstsq(X, y, rcond=None)[0]
        try:
            w = np.asarray(got, dtype=float)
            if w.shape != (X.shape[1],):
                return f"w has shape {w.shape}, expected {(X.shape[1],)}.", None, None
            return check_outputs(X @ w, (fitted,), ("the fitted values Xw",), rtol=0.0,
                                 atol=1e-8 * np.linalg.norm(fitted))
        except Exception:  # noqa: BLE001
            return check_outputs(got, (np.zeros(X.shape[1]),), ("w",), rtol=0.0, atol=0.0)
    return compare


@functools.lru_cache(maxsize=2)
def _ls_cases_with_reference(which: str) -> tuple:
    """The cases with their comparison functions (numpy in both oracles; ``which`` keys the cache by the oracle)."""
    return tuple((name, dict(X=X, y=y), _least_squares_compare(X, y, w)) for name, X, y, w in least_squares_cases())


def _ls_hint(name, kw, got, error) -> str:
    if error is not None:
        if "ingular" in error:
            return (" Likely bug: you solved the normal equations XᵀX w = Xᵀy; XᵀX is singular when columns are "
                    "linearly dependent. Use np.linalg.lstsq(X, y), which returns the minimum-norm solution.")
        return ""
    X, y = kw["X"], kw["y"]
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            w = np.asarray(got, dtype=float)
            for how, formed in (("inv", lambda: np.linalg.inv(X.T @ X) @ X.T @ y),
                                ("solve", lambda: np.linalg.solve(X.T @ X, X.T @ y))):
                if w.shape == (X.shape[1],) and np.allclose(w, formed(), rtol=1e-9, atol=1e-12):
                    return (f" Likely bug: you formed XᵀX ({how}); κ(XᵀX) = κ(X)², so about twice as many digits are "
                            "lost. Work on X itself: np.linalg.lstsq(X, y) or QR (X = QR, then R w = Qᵀy).")
        except Exception:  # noqa: BLE001 - a hint is optional
            pass
    if name.startswith("rank-deficient"):
        return (" Likely bug: column 3 repeats column 1, so XᵀX (and QR's R) are singular and a plain solve returns "
                "garbage or raises. np.linalg.lstsq(X, y) returns the minimum-norm least-squares solution.")
    return ""


def check_normal_equation(fn) -> Verdict:
    """Check a reader's ``fn(X, y) -> w`` minimising ‖y − Xw‖, on well-, ill-conditioned and rank-deficient X.

    Reference: the exact w each case was built with, or ``np.linalg.lstsq`` (numpy, float64) — the same with
    either oracle, in Python and in the browser (Pyodide); see tests/test_linear.py::test_least_squares_equals_sklearn.
    Returns a :class:`~mlnotes.drills.core.Verdict`; never raises because of ``fn``.
    See chapter: chapters/linear_models.md
    """
    return _run_cases(fn, "normal equation, stably", _ls_cases_with_reference(oracle()), ("w",), 0.0, 0.0, _ls_hint)
