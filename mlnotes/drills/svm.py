r"""Drills for SVMs: one hinge-loss subgradient step, and the RBF kernel matrix.

* ``check_hinge_step(fn)``: ``fn(w, b, X, y, C, lr) -> (new_w, new_b)``, one subgradient step on
  $J(w, b) = \tfrac12\lVert w\rVert^2 + C\sum_i \max(0, 1 - y_i(w^\top x_i + b))$ with the points of
  margin $m_i < 1$ (strictly) active:
  $w \leftarrow w - \eta\,(w - C\sum_{m_i<1} y_i x_i)$, $b \leftarrow b + \eta\, C\sum_{m_i<1} y_i$.
  Reference: :func:`hinge_step_solution` (numpy, so the same in the browser), equal to
  :func:`mlnotes.svm.primal.hinge_subgradient_step`, itself proven equal to torch autograd in ``tests/test_svm.py``.
* ``check_rbf_kernel(fn)``: ``fn(X, Z, gamma) -> K`` with $K_{ij} = \exp(-\gamma\lVert x_i - z_j\rVert^2)$,
  X (n, D), Z (m, D), K (n, m); compared with ``sklearn.metrics.pairwise.rbf_kernel`` (in the browser,
  Pyodide, with :func:`mlnotes.svm.rbf_kernel`, bit for bit the same: ``tests/test_svm.py``) and required
  to stay in $[0, 1]$ (a squared distance computed as $\lVert x\rVert^2 + \lVert z\rVert^2 - 2x^\top z$ can
  come out slightly negative: clip it at 0).

The checkers never crash on the reader's code; on a wrong answer they replay common mistakes and
name the one that matches.

See chapter: chapters/svm.md
"""

from __future__ import annotations

import functools

import numpy as np

from mlnotes.drills.core import CaseResult, Verdict, call_reader, check_outputs, mutated_inputs, oracle, shapes_of


def hinge_step_solution(w, b, X, y, C, lr):
    """One subgradient step of ½‖w‖² + C Σ max(0, 1 − y(w·x + b)): returns new (w, b).

    See chapter: chapters/svm.md
    """
    margins = y * (X @ w + b)
    active = margins < 1  # the hinge has slope −1 there, 0 elsewhere
    grad_w = w - C * (y[active] @ X[active])
    grad_b = -C * np.sum(y[active])
    return w - lr * grad_w, b - lr * grad_b


def rbf_kernel_solution(X, Z, gamma):
    """K[i, j] = exp(−γ ‖X[i] − Z[j]‖²) for X (n, D), Z (m, D) -> (n, m).

    See chapter: chapters/svm.md
    """
    sq = (X**2).sum(1)[:, None] + (Z**2).sum(1)[None, :] - 2 * X @ Z.T  # ‖x‖² + ‖z‖² − 2x·z
    return np.exp(-gamma * np.maximum(sq, 0.0))  # rounding can make sq slightly negative


# -- common mistakes, replayed to name the reader's ----------------------------------------------
def _hinge_variant(w, b, X, y, C, lr, *, reg=True, strict=True, mean=False, sign=-1.0, use_y=True, reg_b=False,
                   use_c=True):
    m = y * (X @ w + b)
    active = m < 1 if strict else m <= 1
    yy = y if use_y else np.ones_like(y)
    scale = (C if use_c else 1.0) / (len(y) if mean else 1)
    gw = (w if reg else 0.0) - scale * (yy[active] @ X[active])
    gb = (b if reg_b else 0.0) - scale * np.sum(yy[active])
    return w + sign * lr * gw, b + sign * lr * gb


_HINGE_HINTS = (
    ("the regulariser's gradient w is missing: ∂/∂w of ½‖w‖² is w.", dict(reg=False)),
    ("points exactly on the margin (m = 1) are counted as active; the hinge is flat for m ≥ 1, use m < 1.",
     dict(strict=False)),
    ("the hinge terms are averaged (÷ n); this objective sums them: C Σ max(0, 1 − m_i).", dict(mean=True)),
    ("the step goes uphill: subtract lr × subgradient.", dict(sign=1.0)),
    ("the labels are missing from the gradient: ∂/∂w max(0, 1 − y(w·x + b)) = −y·x for active points.",
     dict(use_y=False)),
    ("the bias is penalised too (b in its gradient); only ½‖w‖² is regularised.", dict(reg_b=True)),
    ("C is missing: the hinge terms are weighted by C.", dict(use_c=False)),
)


def _rbf_variant(X, Z, gamma, kind):
    d2 = ((X[:, None, :] - Z[None, :, :]) ** 2).sum(-1)
    return {"sqrt": lambda: np.exp(-gamma * np.sqrt(d2)),
            "sigma": lambda: np.exp(-d2 / (2 * gamma**2)),
            "inverse": lambda: np.exp(-d2 / gamma),
            "plus": lambda: np.exp(gamma * d2),
            "no_gamma": lambda: np.exp(-d2)}[kind]()


_RBF_HINTS = (
    ("the distance is not squared: K = exp(−γ‖x − z‖²), with ‖x − z‖² = Σ_d (x_d − z_d)².", "sqrt"),
    ("γ is used like σ in exp(−d²/(2σ²)); here γ multiplies: exp(−γ d²) (γ = 1/(2σ²)).", "sigma"),
    ("d² is divided by γ; γ multiplies it: exp(−γ d²).", "inverse"),
    ("the minus sign is missing: K = exp(−γ d²) ≤ 1.", "plus"),
    ("γ is not used: K = exp(−γ d²).", "no_gamma"),
)


# -- cases -----------------------------------------------------------------------------------------
def hinge_cases() -> list:
    """(name, kwargs) of the hinge-step drill: random data and edge cases.

    See chapter: chapters/svm.md
    """
    rng = np.random.default_rng(21)
    cases = []
    for n, d in ((12, 2), (30, 5), (7, 1)):
        X = rng.standard_normal((n, d))
        y = np.where(rng.random(n) < 0.5, -1.0, 1.0)
        cases.append((f"random, n={n}, D={d}", dict(w=rng.standard_normal(d), b=float(rng.standard_normal()),
                                                     X=X, y=y, C=1.0, lr=0.1)))
    X = np.array([[2.0, 0.0], [-3.0, 1.0], [0.5, 0.0], [-0.5, 2.0]])
    y = np.array([1.0, -1.0, -1.0, 1.0])
    cases += [
        ("start at w = 0, b = 0: every margin is 0, all points active",
         dict(w=np.zeros(2), b=0.0, X=X, y=y, C=0.5, lr=0.1)),
        ("every point outside the margin: only the regulariser acts",
         dict(w=np.array([3.0, 0.0]), b=0.0, X=X[:2], y=y[:2], C=1.0, lr=0.1)),
        ("one point exactly on the margin (m = 1): not active",
         dict(w=np.array([1.0, 0.0]), b=0.0, X=np.array([[1.0, 0.0], [0.5, 1.0]]), y=np.array([1.0, 1.0]),
              C=2.0, lr=0.05)),
        ("large C = 100, small lr", dict(w=np.array([0.2, -0.1]), b=0.3, X=X, y=y, C=100.0, lr=1e-3)),
        ("a single sample", dict(w=np.array([0.1]), b=-0.2, X=np.array([[1.5]]), y=np.array([-1.0]), C=1.0, lr=0.5)),
    ]
    return cases


def rbf_cases() -> list:
    """(name, kwargs) of the RBF drill.

    See chapter: chapters/svm.md
    """
    rng = np.random.default_rng(22)
    A = np.array([[0.0, 1.0, -2.0], [3.0, 0.0, 1.0], [-1.0, -1.0, 2.0], [2.0, 2.0, 0.0], [0.0, -3.0, 1.0],
                  [1.0, 0.0, 0.0]])  # integers: ‖x‖² + ‖z‖² − 2x·z is exact whatever the order of the sums
    # 1-D, so each square and product is one rounding on every platform (no summation order to differ): the
    # pairs 10000.1, 10000.100001 and 10000.7, 10000.700003 are 1e-6 and 3e-6 apart, and ‖x‖² + ‖z‖² − 2x·z
    # rounds to −3e-8 for them, so an unclipped expansion gives K > 1 in Python and in the browser alike
    big = np.array([[10000.1], [10000.100001], [9998.4], [10000.7], [10000.700003]])
    return [
        ("random, X (5, 2), Z (4, 2)", dict(X=rng.standard_normal((5, 2)), Z=rng.standard_normal((4, 2)), gamma=0.3)),
        ("random, X (8, 6), Z (3, 6), γ = 0.1", dict(X=rng.standard_normal((8, 6)), Z=rng.standard_normal((3, 6)),
                                                       gamma=0.1)),
        ("Z equal to X: the diagonal is exactly 1", dict(X=A, Z=A.copy(), gamma=1.0)),
        ("one sample each", dict(X=np.array([[0.3, -1.2]]), Z=np.array([[1.0, 0.5]]), gamma=2.0)),
        ("one feature", dict(X=rng.standard_normal((4, 1)), Z=rng.standard_normal((6, 1)), gamma=3.0)),
        ("large γ = 1000: off-diagonal entries underflow to 0", dict(X=A, Z=A[:3].copy(), gamma=1000.0)),
        ("coordinates near 1e4: large norms, small distances (rounding in ‖x‖² + ‖z‖² − 2x·z)",
         dict(X=big, Z=big.copy(), gamma=1.0)),
    ]


@functools.lru_cache(maxsize=2)
def _rbf_reference(which: str) -> tuple:
    """K of every case: sklearn's for ``which == "library"``, else mlnotes.svm's (bit for bit equal, tests/test_svm.py).

    ``which`` is :func:`~mlnotes.drills.core.oracle`, so the cache never mixes the two.
    """
    if which == "library":
        from sklearn.metrics.pairwise import rbf_kernel
    else:
        from mlnotes.svm.kernels import rbf_kernel
    return tuple(rbf_kernel(kw["X"], kw["Z"], gamma=kw["gamma"]) for _, kw in rbf_cases())


# -- running ---------------------------------------------------------------------------------------
def _close(got, want) -> bool:
    try:
        got = got if isinstance(got, tuple) else (got,)
        want = want if isinstance(want, tuple) else (want,)
        return len(got) == len(want) and all(
            np.shape(g) == np.shape(v) and np.allclose(np.asarray(g, dtype=float), v, rtol=1e-9, atol=1e-12)
            for g, v in zip(got, want))
    except Exception:  # noqa: BLE001 - hostile output
        return False


def _hint(got, want, kwargs, hints) -> str:
    """' Likely bug: …' for the first mistake that reproduces ``got`` here (and differs from the answer)."""
    with np.errstate(all="ignore"):
        for hint, variant in hints:
            try:
                wrong = variant(**kwargs)
            except Exception:  # noqa: BLE001
                continue
            if _close(got, wrong) and not _close(want, wrong):
                return f" Likely bug: {hint}"
    return ""


def _run(fn, drill, cases, expected, names, *, rtol, atol, hints, extra=None) -> Verdict:
    """Run ``fn(**kwargs)`` per case, compare with ``expected``; on a mismatch name a matching mistake."""
    if not callable(fn):
        return Verdict(drill, (CaseResult("(setup)", False, f"expected a function, got {type(fn).__name__}."),))
    results = []
    for (name, kwargs), want in zip(cases, expected):
        args = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in kwargs.items()}
        where = f" [inputs: {shapes_of(kwargs)}]"
        got, error = call_reader(fn, **args)
        if error is not None:
            results.append(CaseResult(name, False, error + where))
            continue
        changed = mutated_inputs({k: v for k, v in kwargs.items() if isinstance(v, np.ndarray)}, args)
        if changed:
            results.append(CaseResult(name, False, f"modified its input(s) {', '.join(changed)} in place; "
                                                   f"return new arrays instead.{where}"))
            continue
        msg, abs_err, rel_err = check_outputs(got, want, names, rtol=rtol, atol=atol)
        if msg is None and extra is not None:
            msg = extra(got)  # right numbers, but a property fails: that message is the diagnosis
        elif msg is not None:
            msg += _hint(got, want, kwargs, hints)
        results.append(CaseResult(name, msg is None, "" if msg is None else msg + where, abs_err, rel_err))
    return Verdict(drill, tuple(results))


def check_hinge_step(fn) -> Verdict:
    """Check ``fn(w, b, X, y, C, lr) -> (new_w, new_b)`` on random and edge cases.

    Reference: :func:`hinge_step_solution` (numpy, float64) with either oracle, in Python and in the browser
    (Pyodide); the same step as :func:`mlnotes.svm.hinge_subgradient_step`, proven equal to torch autograd in
    tests/test_svm.py.
    See chapter: chapters/svm.md
    """
    cases = hinge_cases()
    expected = [hinge_step_solution(**kw) for _, kw in cases]
    hints = [(hint, functools.partial(_hinge_variant, **knobs)) for hint, knobs in _HINGE_HINTS]
    return _run(fn, "hinge-loss subgradient step", cases, expected, ("new_w", "new_b"), rtol=1e-10, atol=1e-12,
                hints=hints)


def _in_unit_interval(K) -> str | None:
    K = np.asarray(K, dtype=float)
    if K.max() > 1.0 or K.min() < 0.0:
        return (f"K has values outside [0, 1] (max {K.max():.17g}, min {K.min():.3g}): an RBF kernel is "
                "exp(−γ·d²) with d² ≥ 0. If you expand ‖x‖² + ‖z‖² − 2x·z, clip it at 0 (np.maximum(d2, 0)).")
    return None


def check_rbf_kernel(fn) -> Verdict:
    """Check ``fn(X, Z, gamma) -> K (n, m)`` against ``sklearn.metrics.pairwise.rbf_kernel``.

    Reference: ``sklearn.metrics.pairwise.rbf_kernel`` (float64); in the browser (Pyodide)
    :func:`mlnotes.svm.rbf_kernel`, proven equal bit for bit in
    tests/test_svm.py::test_rbf_kernel_is_sklearns_bit_for_bit.
    See chapter: chapters/svm.md
    """
    hints = [(hint, functools.partial(_rbf_variant, kind=kind)) for hint, kind in _RBF_HINTS]
    return _run(fn, "RBF kernel matrix", rbf_cases(), [(K,) for K in _rbf_reference(oracle())], ("K",), rtol=1e-7,
                atol=1e-9, hints=hints, extra=_in_unit_interval)
