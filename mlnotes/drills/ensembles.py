r"""Drills for tree ensembles: gradient boosting with stumps, and Shapley values by enumeration.

* ``check_gbdt_stumps(fn)``: ``fn(X, y, X_test, n_rounds, learning_rate) -> (M,)``, the
  predictions on ``X_test`` of squared-loss gradient boosting with depth-1 trees (stumps):
  $F_0 = \bar y$; each round fits the stump that most reduces the squared error of the residuals
  $r = y - F$ (threshold halfway between two consecutive distinct values of one feature, each side
  predicting its mean residual) and adds it times the learning rate. Checked against
  ``sklearn.ensemble.GradientBoostingRegressor(max_depth=1)`` (in the browser, Pyodide, against
  :class:`mlnotes.trees.GBDTRegressor`, proven equal in ``tests/test_trees_ensembles.py``); every case has a
  unique best stump in every round.
* ``check_shapley(fn)``: ``fn(v, n_features) -> (d,)``, the exact Shapley values of a value
  function ``v(S)`` (S a frozenset of feature indices):
  $\phi_i = \sum_{S \not\ni i} \frac{|S|!\,(d-|S|-1)!}{d!}\,(v(S\cup\{i\}) - v(S))$. Checked on
  additive, symmetric, random and tree games against :func:`mlnotes.trees.shapley_from_values` (numpy, with
  either oracle; equal to the enumeration of the definition in ``tests/test_ensembles_treeshap.py``).

The checkers never crash on the reader's code; on a wrong answer they replay common mistakes and
name the one that matches.

See chapter: chapters/ensembles.md
"""

from __future__ import annotations

import functools
from itertools import combinations
from math import factorial

import numpy as np

from mlnotes.drills.core import CaseResult, Verdict, call_reader, check_outputs, oracle


def _best_stump(X, r):
    """(feature, threshold, left mean, right mean, margin) of the stump minimising the residuals' SSE."""
    n = len(r)
    scores = []
    for j in range(X.shape[1]):
        order = np.argsort(X[:, j], kind="stable")
        xs, rs = X[order, j], r[order]
        S = np.cumsum(rs)[:-1]  # (n−1,) left sums
        k = np.arange(1, n)  # left counts
        proxy = S ** 2 / k + (rs.sum() - S) ** 2 / (n - k)  # larger = smaller SSE
        proxy[xs[1:] <= xs[:-1]] = -np.inf  # only between distinct values
        for p in np.flatnonzero(np.isfinite(proxy)):
            scores.append((proxy[p], j, xs[p] / 2 + xs[p + 1] / 2))
    scores.sort(key=lambda s: -s[0])
    _, j, t = scores[0]
    margin = scores[0][0] - scores[1][0] if len(scores) > 1 else np.inf
    left = X[:, j] <= t
    return j, t, r[left].mean(), r[~left].mean(), margin


def gbdt_stumps_solution(X, y, X_test, n_rounds, learning_rate):
    """Predictions (M,) on X_test of squared-loss boosting with n_rounds stumps fitted to residuals.

    See chapter: chapters/ensembles.md
    """
    X, y, X_test = (np.asarray(a, dtype=float) for a in (X, y, X_test))
    F, F_test = np.full(len(y), y.mean()), np.full(len(X_test), y.mean())  # F_0 = mean(y)
    for _ in range(n_rounds):
        j, t, left, right, _ = _best_stump(X, y - F)  # fit the residuals
        F = F + learning_rate * np.where(X[:, j] <= t, left, right)
        F_test = F_test + learning_rate * np.where(X_test[:, j] <= t, left, right)
    return F_test


def shapley_solution(v, n_features):
    """Exact Shapley values (d,) of the value function v(frozenset) over n_features players.

    See chapter: chapters/ensembles.md
    """
    d = n_features
    phi = np.zeros(d)
    for i in range(d):
        others = [j for j in range(d) if j != i]
        for size in range(d):
            weight = factorial(size) * factorial(d - size - 1) / factorial(d)
            for S in combinations(others, size):
                S = frozenset(S)
                phi[i] += weight * (v(S | {i}) - v(S))
    return phi


# -- GBDT cases --------------------------------------------------------------------------------
def _f32(a):
    return np.asarray(a, dtype=np.float32).astype(float)


def _unique_margins(X, y, n_rounds, lr) -> bool:
    """True when every round's best stump beats the runner-up clearly (any tie rule gives the same model)."""
    F = np.full(len(y), y.mean())
    for _ in range(n_rounds):
        j, t, left, right, margin = _best_stump(X, y - F)
        if margin < 1e-6 * max(1.0, float(np.sum((y - F) ** 2))):
            return False
        F = F + lr * np.where(X[:, j] <= t, left, right)
    return True


def _gbdt_cases() -> list:
    rng = np.random.default_rng(5)
    x1 = _f32(np.arange(8.0))
    fixed = [
        ("one feature, one round, learning rate 1", _f32([[0.0], [1.0], [2.0], [3.0]]), np.array([1.0, 1.0, 3.0, 3.0]),
         _f32([[-1.0], [0.4], [2.5], [9.0]]), 1, 1.0),
        ("one feature, 5 rounds, lr 0.5", x1[:, None], np.array([0.0, 0.5, 0.4, 2.0, 2.2, 1.9, 4.0, 4.5]),
         _f32([[-2.0], [2.6], [6.5]]), 5, 0.5),
        ("repeated x values", _f32([[1], [1], [1], [2], [2], [3], [3], [3]]), np.array([0.0, 0.2, 0.1, 1.0, 1.2, 3.0, 2.9, 3.3]),
         _f32([[0.0], [1.5], [2.0], [2.5], [4.0]]), 3, 0.3),
    ]
    cases = [(name, dict(X=X, y=y, X_test=Xt, n_rounds=m, learning_rate=lr), ) for name, X, y, Xt, m, lr in fixed]
    while len(cases) < len(fixed) + 4:
        n, d = int(rng.integers(20, 60)), int(rng.integers(2, 5))
        X = _f32(np.round(rng.normal(size=(n, d)), 3))
        y = np.sin(2 * X[:, 0]) + X[:, -1] ** 2 + 0.3 * rng.normal(size=n)
        m, lr = int(rng.integers(3, 12)), float(rng.choice([0.1, 0.3, 1.0]))
        if _unique_margins(X, y, m, lr):
            Xt = _f32(np.round(rng.normal(size=(15, d)), 3))
            cases.append((f"random, n={n}, d={d}, {m} rounds, lr {lr:g}",
                          dict(X=X, y=y, X_test=Xt, n_rounds=m, learning_rate=lr)))
    constant = cases[-1][1].copy()
    constant["X"] = np.c_[np.full(len(constant["y"]), 2.5), constant["X"]]  # a constant first feature
    constant["X_test"] = np.c_[np.full(len(constant["X_test"]), 2.5), constant["X_test"]]
    cases.append(("a constant feature among the others", constant))
    return cases


@functools.lru_cache(maxsize=2)
def _gbdt_reference(which: str) -> tuple:
    """Every case with the predictions of boosted stumps (max_depth=1).

    scikit-learn's ``GradientBoostingRegressor`` for ``which == "library"``, else ours,
    :class:`mlnotes.trees.GBDTRegressor` (numpy: the browser's), the same trees and predictions
    (``tests/test_trees_ensembles.py``; on these cases to a few ulps, ``tests/test_drills_trees_ensembles.py``).
    ``which`` is :func:`~mlnotes.drills.core.oracle`, so the cache never mixes the two.
    """
    if which == "library":
        from sklearn.ensemble import GradientBoostingRegressor as Boosting
    else:
        from mlnotes.trees.gbdt import GBDTRegressor as Boosting

    out = []
    for name, kw in _gbdt_cases():
        model = Boosting(n_estimators=kw["n_rounds"], learning_rate=kw["learning_rate"], max_depth=1,
                         random_state=0).fit(kw["X"], kw["y"])
        out.append((name, kw, model.predict(kw["X_test"])))
    return tuple(out)


def _gbdt_variant(X, y, X_test, n_rounds, learning_rate, *, init="mean", target="residual", shrink=True,
                  threshold="midpoint"):
    """gbdt_stumps_solution with one knob turned the wrong way."""
    X, y, X_test = (np.asarray(a, dtype=float) for a in (X, y, X_test))
    F0 = y.mean() if init == "mean" else 0.0
    F, F_test = np.full(len(y), F0), np.full(len(X_test), F0)
    lr = learning_rate if shrink else 1.0
    for _ in range(n_rounds):
        r = y - F if target == "residual" else y
        j, t, left, right, _ = _best_stump(X, r)
        if threshold == "left":  # the threshold on the last value on the left
            xs = np.sort(X[:, j])
            t = xs[xs <= t].max()
        F = F + lr * np.where(X[:, j] <= t, left, right)
        F_test = F_test + lr * np.where(X_test[:, j] <= t, left, right)
    return F_test


_GBDT_HINTS = (
    ("F_0 is 0: start from the mean of y (the best constant for squared loss).",
     lambda **kw: _gbdt_variant(**kw, init="zero")),
    ("every stump is fitted to y itself, not to the residuals y − F of the current model.",
     lambda **kw: _gbdt_variant(**kw, target="y")),
    ("the learning rate is not applied: add learning_rate × stump.",
     lambda **kw: _gbdt_variant(**kw, shrink=False)),
    ("the threshold sits on a data value; put it halfway between consecutive distinct values.",
     lambda **kw: _gbdt_variant(**kw, threshold="left")),
)


# -- Shapley cases -----------------------------------------------------------------------------
def _games() -> list:
    from mlnotes.trees import CARTRegressor, path_expectations
    from mlnotes.trees.treeshap import subset_masks

    rng = np.random.default_rng(3)
    table = rng.normal(size=2 ** 4)
    table[0] = 0.0
    X = rng.normal(size=(80, 3))
    tree = CARTRegressor(max_depth=3).fit(X, X[:, 0] * X[:, 1] + (X[:, 2] > 0))
    v_tree = path_expectations(tree, X[0], subset_masks(3))[:, 0]
    bits = lambda S: sum(1 << i for i in S)  # noqa: E731
    return [
        ("one feature", 1, lambda S: 5.0 if S else 2.0),
        ("additive game: v(S) = Σ a_i", 3, lambda S: float(sum((1.0, -2.0, 0.5)[i] for i in S))),
        ("AND of two features (symmetric)", 2, lambda S: 80.0 if S == {0, 1} else 0.0),
        ("a feature that never matters", 3, lambda S: 3.0 * (0 in S) + 1.0 * (1 in S) * (0 in S)),
        ("random game on 4 features", 4, lambda S: float(table[bits(S)])),
        ("a tree's path-dependent value function", 3, lambda S: float(v_tree[bits(S)])),
    ]


def _shapley_reference(v, d):
    from mlnotes.trees import shapley_from_values

    masks = (np.arange(2 ** d)[:, None] >> np.arange(d)) & 1 == 1
    return shapley_from_values(np.array([v(frozenset(np.flatnonzero(m).tolist())) for m in masks]))


def _shapley_variant(v, d, *, weight="shapley", sign=1.0):
    phi = np.zeros(d)
    for i in range(d):
        others = [j for j in range(d) if j != i]
        subsets = [frozenset(S) for size in range(d) for S in combinations(others, size)]
        for S in subsets:
            w = {"shapley": factorial(len(S)) * factorial(d - len(S) - 1) / factorial(d),
                 "uniform": 1.0 / len(subsets),
                 "off by one": factorial(len(S)) * factorial(d - len(S)) / factorial(d)}[weight]
            phi[i] += w * sign * (v(S | {i}) - v(S))
    return phi


_SHAPLEY_HINTS = (
    ("every subset gets the same weight; Shapley weights subsets of size |S| by |S|!(d−|S|−1)!/d!.",
     lambda v, n_features: _shapley_variant(v, n_features, weight="uniform")),
    ("the weight is |S|!(d−|S|)!/d!; it should be |S|!(d−|S|−1)!/d! (the other d−|S|−1 features come after i).",
     lambda v, n_features: _shapley_variant(v, n_features, weight="off by one")),
    ("the sign is reversed: the marginal contribution is v(S ∪ {i}) − v(S).",
     lambda v, n_features: _shapley_variant(v, n_features, sign=-1.0)),
)


# -- running -----------------------------------------------------------------------------------
def _safe(variant, kwargs):
    try:
        with np.errstate(all="ignore"):
            return variant(**kwargs)
    except Exception:  # noqa: BLE001
        return None


def _matches(got, want) -> bool:
    try:
        g, w = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
        return g.shape == w.shape and bool(np.allclose(g, w, rtol=1e-7, atol=1e-9))
    except Exception:  # noqa: BLE001
        return False


def _run(fn, drill, cases, name, rtol, atol, hints) -> Verdict:
    """Run fn on each (case name, kwargs, expected) and compare; on a mismatch, name a matching mistake."""
    if not callable(fn):
        return Verdict(drill, (CaseResult("(setup)", False, f"expected a function, got {type(fn).__name__}."),))
    results = []
    for case, kwargs, expected in cases:
        args = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in kwargs.items()}
        got, error = call_reader(fn, **args)
        where = " [inputs: " + ", ".join(f"{k} {np.shape(v)}" if isinstance(v, np.ndarray) else f"{k}={v!r}"
                                          for k, v in kwargs.items() if not callable(v)) + "]"
        if error is not None:
            results.append(CaseResult(case, False, error + where))
            continue
        changed = [k for k, v in kwargs.items() if isinstance(v, np.ndarray) and not np.array_equal(v, args[k])]
        if changed:
            results.append(CaseResult(case, False, f"modified its input(s) {', '.join(changed)} in place; "
                                                   f"work on a copy.{where}"))
            continue
        msg, abs_err, rel_err = check_outputs(got, (expected,), (name,), rtol=rtol, atol=atol)
        if msg is not None:
            msg += next((f" Likely bug: {hint}" for hint, variant in hints
                         if _matches(got, _safe(variant, kwargs))), "")
        results.append(CaseResult(case, msg is None, "" if msg is None else msg + where, abs_err, rel_err))
    return Verdict(drill, tuple(results))


def check_gbdt_stumps(fn) -> Verdict:
    """Check ``fn(X, y, X_test, n_rounds, learning_rate) -> (M,)`` against sklearn's boosted stumps.

    Reference: ``sklearn.ensemble.GradientBoostingRegressor(max_depth=1)`` (float64); in the browser (Pyodide)
    :class:`mlnotes.trees.GBDTRegressor`, proven equal in
    tests/test_trees_ensembles.py::test_gbdt_regression_equals_sklearn.
    See chapter: chapters/ensembles.md
    """
    return _run(fn, "gradient boosting with stumps", list(_gbdt_reference(oracle())), "predictions", 1e-9, 1e-9,
                _GBDT_HINTS)


def check_shapley(fn) -> Verdict:
    """Check ``fn(v, n_features) -> (d,)`` (exact Shapley values) on small games.

    Reference: :func:`mlnotes.trees.shapley_from_values` (numpy, float64) with either oracle, in Python and in the
    browser (Pyodide); equal to the definition's enumeration in tests/test_ensembles_treeshap.py.
    See chapter: chapters/ensembles.md
    """
    cases = [(name, dict(v=v, n_features=d), _shapley_reference(v, d)) for name, d, v in _games()]
    return _run(fn, "Shapley values by enumeration", cases, "phi", 1e-9, 1e-12, _SHAPLEY_HINTS)
