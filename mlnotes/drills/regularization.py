r"""Drills: inverted dropout (forward and backward), and one sweep of lasso coordinate descent.

**Dropout** — ``fn(x, grad_y, mask, p, training) -> (y, grad_x)`` with ``mask`` a bool keep-mask of x's
shape: in training $y = x\odot m/(1-p)$ and $\partial L/\partial x = \partial L/\partial y\odot m/(1-p)$; in eval
mode both are the identity; at $p = 1$ everything is dropped (zeros, as torch). Compared with
``torch.nn.functional.dropout`` under the same mask and with torch autograd's gradient (in the browser,
Pyodide: :func:`mlnotes.regularization.dropout` and :func:`~mlnotes.regularization.dropout_backward`).

**Lasso sweep** — ``fn(X, y, w, alpha) -> new_w``: one cyclic pass $j = 1..d$ of coordinate descent on
$\frac1{2n}\lVert y - Xw\rVert^2 + \alpha\lVert w\rVert_1$ (no intercept), each coordinate updated with the
others at their *newest* values:
$$w_j \leftarrow S\big(x_j^\top(y - Xw + x_j w_j),\ n\alpha\big)\,/\,\lVert x_j\rVert^2,\qquad S(z, t) = \mathrm{sign}(z)\max(|z| - t, 0)$$
($w_j = 0$ for an all-zero column). Compared with :func:`mlnotes.regularization.l1.coordinate_descent`
after one sweep; one more case repeats the reader's sweep until it stops moving and compares the result
with ``sklearn.linear_model.Lasso(fit_intercept=False)`` (in the browser: :func:`mlnotes.regularization.lasso`).

On a mismatch each checker replays common mistakes and names the one that matches.

See chapter: chapters/regularization.md
"""

from __future__ import annotations

import functools

import numpy as np

from mlnotes.drills.core import CaseResult, Verdict, call_reader, check_outputs, oracle
from mlnotes.drills.linear import _diagnose, _run_cases

# -- dropout ------------------------------------------------------------------------------------------
DROPOUT_NAMES = ("y", "grad_x")


def dropout_solution(x, grad_y, mask, p, training):
    """Inverted dropout: returns (y, grad_x); identity in eval mode; zeros at p = 1."""
    if not training:
        return x.copy(), grad_y.copy()
    if p == 1:
        return np.zeros_like(x), np.zeros_like(grad_y)  # everything dropped (1/(1 − p) would be inf)
    scale = mask / (1 - p)  # kept units × 1/(1 − p), dropped units × 0
    return x * scale, grad_y * scale  # the backward uses the same mask and scale


def _dropout_variant(x, grad_y, mask, p, training, *, scale="inverse", eval_drop=False, keep_false=False,
                     back="same"):
    m = ~mask if keep_false else mask
    if not training and not eval_drop:
        return x.copy(), grad_y.copy()
    with np.errstate(all="ignore"):
        s = {"inverse": 1 / (1 - p), "none": 1.0, "p": 1 / p if p else np.inf, "times": 1 - p}[scale]
        y = x * m * s
        g = {"same": grad_y * m * s, "no_mask": grad_y * s, "no_scale": grad_y * m, "identity": grad_y.copy()}[back]
    return y, g


_DROPOUT_MISTAKES = (
    ("the kept units are not scaled: inverted dropout multiplies them by 1/(1 − p), so that E[y] = x and eval "
     "mode needs no change.", dict(scale="none", back="no_scale")),
    ("you divided by p; divide by the keep probability 1 − p.", dict(scale="p")),
    ("you multiplied by (1 − p): that is the test-time scaling of the original dropout. Inverted dropout "
     "divides by (1 − p) in training and does nothing at eval.", dict(scale="times")),
    ("dropout is applied in eval mode too; at eval (training=False) return x and grad_y unchanged.",
     dict(eval_drop=True)),
    ("the mask is inverted: mask is True where a unit is KEPT.", dict(keep_false=True)),
    ("the backward pass ignores the mask: the gradient of a dropped unit is 0.", dict(back="no_mask")),
    ("the backward pass forgets the 1/(1 − p) scale: y = x·m/(1 − p), so ∂y/∂x = m/(1 − p).",
     dict(back="no_scale")),
    ("the gradient is passed through unchanged; multiply it by the same m/(1 − p) as the forward pass.",
     dict(back="identity")),
)


DROPOUT_SPECS = (  # name, shape, p, training
    ("random (4, 5), p = 0.5", (4, 5), 0.5, True),
    ("p = 0.2: scale 1/(1 − p) = 1.25", (6, 3), 0.2, True),
    ("3-D (2, 3, 4), p = 0.3", (2, 3, 4), 0.3, True),
    ("p = 0.9: survivors × 10", (5, 4), 0.9, True),
    ("eval mode: the identity, whatever the mask", (3, 4), 0.5, False),
    ("p = 0: nothing dropped, scale 1", (3, 3), 0.0, True),
    ("p = 1: everything dropped (torch returns zeros)", (2, 3), 1.0, True),
)


TORCH_COPIES = 256  # seeded copies of x for torch's dropout: each element's state is found in one of them


def _dropout_reference(x, grad_y, mask, p, training, which="library"):
    """(y, grad_x) of one case under the oracle ``which``.

    ``"library"``: ``torch.nn.functional.dropout`` and autograd (float64) under the case's mask. Torch draws its
    own masks, so it runs on :data:`TORCH_COPIES` seeded copies of x and each element's y and grad_x are taken
    from a copy whose torch mask agrees there with the case's mask (its output is nonzero exactly where it kept).
    Otherwise :func:`mlnotes.regularization.dropout` and :func:`~mlnotes.regularization.dropout_backward` (numpy),
    bit for bit torch's under the same mask: tests/test_regularization.py::
    test_dropout_is_bitwise_torch_under_its_mask_and_backward_is_autograd.
    """
    if which != "library":
        from mlnotes.regularization import dropout, dropout_backward

        return dropout(x, p, training, mask=mask)[0], dropout_backward(grad_y, mask, p, training)
    import torch

    torch.manual_seed(0)
    xt = torch.tensor(np.broadcast_to(x, (TORCH_COPIES, *x.shape)).copy(), requires_grad=True)
    y = torch.nn.functional.dropout(xt, p, training)
    if training and 0 < p < 1:
        agree = ((y != 0).numpy() == mask).reshape(TORCH_COPIES, -1)
        if not agree.any(axis=0).all():
            raise RuntimeError("no seeded copy of torch's mask agrees with the case's mask at some element")
        copy = agree.argmax(axis=0)  # per element: the first copy whose torch mask agrees with the case's
    else:  # no randomness: eval mode and p = 0 are the identity, p = 1 gives zeros
        copy = np.zeros(x.size, dtype=int)
    at = (torch.from_numpy(copy), torch.arange(x.size))
    upstream = torch.zeros(TORCH_COPIES, x.size, dtype=torch.float64)
    upstream[at] = torch.tensor(grad_y.ravel())
    y.backward(upstream.reshape(y.shape))

    def chosen(t):  # each element from its chosen copy, in x's shape
        return t.detach().reshape(TORCH_COPIES, -1)[at].numpy().reshape(x.shape)

    return chosen(y), chosen(xt.grad)


def _dropout_mask(rng, shape, p, training):
    """A numpy keep-mask (True = keep, probability 1 − p); in training with 0 < p < 1 one that keeps and drops."""
    while True:
        mask = rng.random(shape) >= p
        if not (training and 0 < p < 1) or 0 < mask.mean() < 1:
            return mask


@functools.lru_cache(maxsize=2)
def _dropout_cases_with_reference(which: str) -> tuple:
    """The cases (numpy inputs and masks, the same under both oracles) with their expected (y, grad_x) under the
    oracle ``which`` (:func:`~mlnotes.drills.core.oracle`, the cache key: never the other oracle's values)."""
    rng = np.random.default_rng(58)
    out = []
    for name, shape, p, training in DROPOUT_SPECS:
        x, grad_y = rng.standard_normal(shape), rng.standard_normal(shape)
        mask = _dropout_mask(rng, shape, p, training)  # eval: any mask, to be ignored
        out.append((name, dict(x=x, grad_y=grad_y, mask=mask, p=p, training=training),
                    _dropout_reference(x, grad_y, mask, p, training, which)))
    return tuple(out)


def dropout_cases() -> list:
    """The dropout drill's named cases: (name, kwargs)."""
    return [(name, kw) for name, kw, _ in _dropout_cases_with_reference(oracle())]


def check_dropout(fn) -> Verdict:
    """Check a reader's ``fn(x, grad_y, mask, p, training) -> (y, grad_x)`` against torch's dropout and autograd.

    Reference: ``torch.nn.functional.dropout`` and autograd (float64) under the case's mask; in the browser (Pyodide)
    :func:`mlnotes.regularization.dropout` and :func:`~mlnotes.regularization.dropout_backward`, proven equal bit for
    bit in tests/test_regularization.py::test_dropout_is_bitwise_torch_under_its_mask_and_backward_is_autograd.
    Returns a :class:`~mlnotes.drills.core.Verdict`; never raises because of ``fn``.
    See chapter: chapters/regularization.md
    """
    def hint(name, kw, got, error):
        if got is None:
            return ""
        found = _diagnose(got, _dropout_variant, _DROPOUT_MISTAKES, kw)
        if not found and kw["p"] == 1:
            found = (" Likely bug: at p = 1 every unit is dropped; return zeros (1/(1 − p) is infinite and 0·∞ is "
                     "NaN).")
        return found

    return _run_cases(fn, "inverted dropout", _dropout_cases_with_reference(oracle()), DROPOUT_NAMES, 1e-12, 1e-15,
                      hint)


# -- one lasso sweep --------------------------------------------------------------------------------
def lasso_sweep_solution(X, y, w, alpha):
    """One cyclic coordinate-descent sweep on (1/2n)‖y − Xw‖² + α‖w‖₁; returns a new w."""
    n, d = X.shape
    w = w.copy()
    r = y - X @ w  # residual, kept up to date
    for j in range(d):
        norm2 = X[:, j] @ X[:, j]
        if norm2 == 0:
            continue  # an all-zero column: w_j stays 0
        z = X[:, j] @ r + norm2 * w[j]  # x_jᵀ(residual without feature j)
        new = np.sign(z) * max(abs(z) - n * alpha, 0.0) / norm2  # soft-threshold, then rescale
        r -= X[:, j] * (new - w[j])
        w[j] = new
    return w


def _sweep_variant(X, y, w, alpha, *, threshold="soft", t_scale="n", jacobi=False, add_back=True, divide=True):
    n, d = X.shape
    old, w = w.copy(), w.copy()
    for j in range(d):
        norm2 = X[:, j] @ X[:, j]
        if norm2 == 0:
            continue
        base = old if jacobi else w
        z = X[:, j] @ (y - X @ base) + (norm2 * base[j] if add_back else 0.0)
        t = n * alpha if t_scale == "n" else alpha
        if threshold == "soft":
            new = np.sign(z) * max(abs(z) - t, 0.0)
        elif threshold == "hard":
            new = z if abs(z) > t else 0.0
        else:  # no sign
            new = max(z - t, 0.0)
        w[j] = new / norm2 if divide else new
    return w


_SWEEP_MISTAKES = (
    ("the threshold is α, not nα: with the 1/(2n) in front of the squared loss, the correlation z_j = x_jᵀr is "
     "compared with n·α.", dict(t_scale="1")),
    ("that is a hard threshold (keep z or set 0); the lasso's step is the soft threshold sign(z)·max(|z| − t, 0).",
     dict(threshold="hard")),
    ("negative weights are clipped to 0: use sign(z)·max(|z| − t, 0), which keeps the sign.",
     dict(threshold="positive")),
    ("all coordinates are updated from the old w (a Jacobi sweep); cyclic coordinate descent updates w_j and uses "
     "it at once for j + 1, …", dict(jacobi=True)),
    ("z uses the full residual y − Xw; add back feature j's own part: z = x_jᵀ(y − Xw) + ‖x_j‖²·w_j.",
     dict(add_back=False)),
    ("the soft-thresholded value is not divided by ‖x_j‖².", dict(divide=False)),
)


def lasso_sweep_cases() -> list:
    """The sweep drill's named cases: (name, kwargs)."""
    rng = np.random.default_rng(71)
    X = rng.standard_normal((30, 4))
    y = X @ np.array([2.0, 0.0, -1.0, 0.5]) + 0.3 * rng.standard_normal(30)
    w0 = rng.standard_normal(4)
    corr = rng.standard_normal((25, 3))
    corr[:, 1] = corr[:, 0] + 0.1 * corr[:, 1]  # two nearly equal columns: cyclic vs simultaneous differ
    y_corr = corr @ np.array([1.0, 1.0, -0.5]) + 0.1 * rng.standard_normal(25)
    zero_col = X.copy()
    zero_col[:, 2] = 0.0
    top = np.max(np.abs(X.T @ y)) / len(y)
    return [
        ("from w = 0, α = 0.1", dict(X=X, y=y, w=np.zeros(4), alpha=0.1)),
        ("from a random w, α = 0.3", dict(X=X, y=y, w=w0, alpha=0.3)),
        ("α = 0: plain coordinate descent on least squares", dict(X=X, y=y, w=w0, alpha=0.0)),
        ("α ≥ α_max = max|Xᵀy|/n: everything stays 0", dict(X=X, y=y, w=np.zeros(4), alpha=1.01 * top)),
        ("nearly equal columns (the order of updates matters)", dict(X=corr, y=y_corr, w=np.zeros(3), alpha=0.05)),
        ("an all-zero column keeps w_j = 0", dict(X=zero_col, y=y, w=np.zeros(4), alpha=0.1)),
    ]


@functools.lru_cache(maxsize=2)
def _sweep_cases_with_reference(which: str) -> tuple:
    """The sweep cases, then the repeated-sweep case with the lasso solution under the oracle ``which`` (the cache
    key)."""
    out = [(name, kw, (lasso_sweep_solution(**kw),)) for name, kw in lasso_sweep_cases()]
    X, y = lasso_sweep_cases()[0][1]["X"], lasso_sweep_cases()[0][1]["y"]
    out.append(("repeated until it stops moving: equals sklearn's Lasso(α = 0.1, fit_intercept=False)",
                dict(X=X, y=y, w=np.zeros(X.shape[1]), alpha=0.1), _lasso_reference(X, y, 0.1, which)))
    return tuple(out)


def _lasso_reference(X, y, alpha, which="library"):
    """``sklearn.linear_model.Lasso(fit_intercept=False)`` at a tight tol for ``which == "library"``, else
    :func:`mlnotes.regularization.lasso` (numpy; equal in tests/test_regularization.py::test_lasso_equals_sklearn)."""
    if which != "library":
        from mlnotes.regularization import lasso

        return (lasso(X, y, alpha, fit_intercept=False, tol=1e-14, max_iter=100_000).coef,)
    from sklearn.linear_model import Lasso

    return (Lasso(alpha=alpha, fit_intercept=False, tol=1e-14, max_iter=100_000).fit(X, y).coef_,)


def _repeat(fn, kw, sweeps=2000):
    """The reader's sweep applied until w stops changing (at most ``sweeps`` times): (w, error message)."""
    w = kw["w"].copy()
    for _ in range(sweeps):
        new, error = call_reader(fn, kw["X"].copy(), kw["y"].copy(), w.copy(), kw["alpha"])
        if error is not None:
            return None, error
        try:
            new = np.asarray(new, dtype=float)
        except Exception:  # noqa: BLE001
            return new, None
        if new.shape != w.shape or not np.all(np.isfinite(new)):
            return new, None
        if np.array_equal(new, w):
            break
        w = new
    return w, None


def check_lasso_sweep(fn) -> Verdict:
    """Check a reader's ``fn(X, y, w, alpha) -> new_w`` (one cyclic lasso coordinate-descent sweep).

    Reference: :func:`lasso_sweep_solution` for one sweep (numpy, both oracles); for the repeated sweeps
    ``sklearn.linear_model.Lasso``, in the browser (Pyodide) :func:`mlnotes.regularization.lasso`, proven equal in
    tests/test_regularization.py::test_lasso_equals_sklearn.
    Returns a :class:`~mlnotes.drills.core.Verdict`; never raises because of ``fn``.
    See chapter: chapters/regularization.md
    """
    drill = "lasso coordinate-descent sweep"
    cases = _sweep_cases_with_reference(oracle())
    verdict = _run_cases(fn, drill, cases[:-1], ("new_w",), 1e-9, 1e-12,
                         lambda name, kw, got, error: "" if got is None else
                         _diagnose(got, _sweep_variant, _SWEEP_MISTAKES, kw))
    if not callable(fn):
        return verdict
    name, kw, expected = cases[-1]
    w, error = _repeat(fn, kw)
    if error is not None:
        result = CaseResult(name, False, error)
    else:
        msg, abs_err, rel_err = check_outputs(w, expected, ("w after repeated sweeps",), rtol=1e-6, atol=1e-8)
        result = CaseResult(name, msg is None, msg or "", abs_err, rel_err)
    return Verdict(drill, verdict.results + (result,))
