r"""Drills for decision trees: entropy, Gini impurity and the best threshold split of one feature.

* ``check_entropy(fn)``: ``fn(y) -> float``, the entropy in **bits** of a 1-D array of labels,
  $H = -\sum_k p_k \log_2 p_k$ over the classes present.
* ``check_gini(fn)``: ``fn(y) -> float``, the Gini impurity $1 - \sum_k p_k^2$ of the labels.
* ``check_best_split(fn)``: ``fn(x, y) -> (threshold, gain)`` for one numeric feature x (N,)
  and labels y (N,): the threshold $t$ (samples with $x \le t$ go left) that maximises the Gini
  decrease $G(D) - \frac{n_L}{n} G(L) - \frac{n_R}{n} G(R)$, placed halfway between two
  consecutive distinct sorted values, and that decrease. Checked against the root split of
  ``sklearn.tree.DecisionTreeClassifier(max_depth=1)`` (in the browser, Pyodide, of
  :class:`mlnotes.trees.CARTClassifier`, the same tree: ``tests/test_trees_cart.py``); every case has a
  unique best split.

Entropy and Gini are checked against :func:`entropy_solution` and :func:`gini_solution` (numpy) with
either oracle.

The checkers never crash on the reader's code; on a wrong answer they replay common mistakes
(natural log, unweighted children, a threshold on a data value, …) and name the one that matches.

See chapter: chapters/trees.md
"""

from __future__ import annotations

import functools

import numpy as np

from mlnotes.drills.core import CaseResult, Verdict, call_reader, check_outputs, oracle


def entropy_solution(y) -> float:
    """Entropy in bits of the labels y (N,).

    See chapter: chapters/trees.md
    """
    _, counts = np.unique(np.asarray(y), return_counts=True)
    p = counts / counts.sum()  # only classes present: p > 0, so no 0·log 0
    return float(-np.sum(p * np.log2(p)))


def gini_solution(y) -> float:
    """Gini impurity 1 − Σ p_k² of the labels y (N,).

    See chapter: chapters/trees.md
    """
    _, counts = np.unique(np.asarray(y), return_counts=True)
    p = counts / counts.sum()
    return float(1.0 - np.sum(p * p))


def best_split_solution(x, y):
    """(threshold, Gini decrease) of the best split x <= threshold of one feature x (N,) for labels y (N,).

    See chapter: chapters/trees.md
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y)
    order = np.argsort(x, kind="stable")
    xs, ys = x[order], y[order]
    n = len(xs)
    best_t, best_gain = None, -np.inf
    parent = gini_solution(ys)
    for i in range(1, n):  # i samples on the left
        if xs[i] == xs[i - 1]:
            continue  # cannot separate equal values
        gain = parent - i / n * gini_solution(ys[:i]) - (n - i) / n * gini_solution(ys[i:])
        if gain > best_gain:
            best_t, best_gain = xs[i - 1] / 2 + xs[i] / 2, gain
    return float(best_t), float(best_gain)


# -- cases ------------------------------------------------------------------------------------
def _label_cases() -> list:
    rng = np.random.default_rng(7)
    return [
        ("two classes, 50/50", np.array([0, 1, 0, 1, 1, 0])),
        ("one class only (pure node)", np.array([2, 2, 2, 2])),
        ("a single sample", np.array([5])),
        ("three classes, uneven", np.array([0, 0, 0, 1, 1, 2, 0, 1, 0, 0])),
        ("labels -1 and +1", np.array([-1, 1, 1, 1, -1, 1])),
        ("labels 3 and 7 (not 0..K−1)", np.array([3, 7, 7, 3, 7, 7, 7])),
        ("string labels", np.array(["yes", "no", "yes", "yes", "no"])),
        # intp, like np.array([0, 1]): np.bincount refuses int64 labels where intp is int32 (the 32-bit browser)
        ("random, 5 classes, 200 labels", rng.integers(0, 5, 200).astype(np.intp)),
        ("uniform over 8 classes (3 bits)", np.arange(8).repeat(3)),
    ]


def _float32_values(a) -> np.ndarray:
    return np.asarray(a, dtype=np.float32).astype(float)


def _unique_best(x, y) -> bool:
    """True when one split position strictly beats all others (so any tie rule gives the same answer)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y)
    order = np.argsort(x, kind="stable")
    xs, ys = x[order], y[order]
    n, parent = len(xs), gini_solution(ys)
    gains = [parent - i / n * gini_solution(ys[:i]) - (n - i) / n * gini_solution(ys[i:])
             for i in range(1, n) if xs[i] != xs[i - 1]]
    gains = np.sort(gains)[::-1]
    return len(gains) == 1 or gains[0] - gains[1] > 1e-9


def _split_cases() -> list:
    rng = np.random.default_rng(11)
    fixed = [
        ("two samples", [0.0, 1.0], [0, 1]),
        ("already sorted, clean cut", [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [0, 0, 0, 1, 1, 1]),
        ("unsorted with negative values", [0.5, -2.0, 3.25, -0.75, 1.5, 2.0, -1.0], [1, 0, 1, 0, 1, 1, 0]),
        ("repeated x values (cut only between distinct values)", [1, 1, 1, 2, 2, 3, 3, 3], [0, 0, 1, 0, 1, 1, 1, 1]),
        ("three classes", [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9], [0, 0, 0, 1, 1, 1, 2, 2, 1]),
        ("labels 3 and 7", [5.0, 1.0, 4.0, 2.0, 3.0, 6.0], [7, 3, 7, 3, 3, 7]),
        ("large values", [1500.0, 2250.0, 1000.0, 3000.0, 2500.0], [0, 1, 0, 1, 0]),
    ]
    cases = [(name, _float32_values(x), np.array(y)) for name, x, y in fixed]
    while len(cases) < len(fixed) + 4:
        n = int(rng.integers(20, 80))
        x = _float32_values(np.round(rng.normal(size=n), 2))
        y = (x + 0.6 * rng.normal(size=n) > 0.2).astype(int) + (x > 1.2)
        if len(np.unique(y)) > 1 and len(np.unique(x)) > 1 and _unique_best(x, y):
            cases.append((f"random, n={n}, {len(np.unique(y))} classes", x, y))
    return cases


@functools.lru_cache(maxsize=2)
def _split_reference(which: str) -> tuple:
    """Every split case with the depth-1 tree's threshold and Gini decrease.

    The tree is sklearn's ``DecisionTreeClassifier`` for ``which == "library"``, else ours,
    :class:`mlnotes.trees.CARTClassifier` (numpy: the browser's), which grows the same tree with the same
    arrays (``tests/test_trees_cart.py``; on these cases ``tests/test_drills_trees.py``). ``which`` is
    :func:`~mlnotes.drills.core.oracle`, so the cache never mixes the two.
    """
    if which == "library":
        from sklearn.tree import DecisionTreeClassifier as Tree
    else:
        from mlnotes.trees.cart import CARTClassifier as Tree

    out = []
    for name, x, y in _split_cases():
        t = Tree(max_depth=1, random_state=0).fit(x[:, None], y).tree_
        l, r = t.children_left[0], t.children_right[0]
        n = t.weighted_n_node_samples
        gain = t.impurity[0] - (n[l] * t.impurity[l] + n[r] * t.impurity[r]) / n[0]
        out.append((name, dict(x=x, y=y), (float(t.threshold[0]), float(gain))))
    return tuple(out)


# -- running ----------------------------------------------------------------------------------
def _matches(got, want) -> bool:
    try:
        g, w = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
        return g.shape == w.shape and bool(np.allclose(g, w, rtol=1e-7, atol=1e-10))
    except Exception:  # noqa: BLE001 - hostile output
        return False


def _run(fn, drill, cases, names, rtol, atol, hints) -> Verdict:
    """Run fn on each (name, kwargs, expected) case; on a mismatch try the hint variants."""
    if not callable(fn):
        return Verdict(drill, (CaseResult("(setup)", False, f"expected a function, got {type(fn).__name__}."),))
    results = []
    for name, kwargs, expected in cases:
        args = {k: v.copy() for k, v in kwargs.items()}
        got, error = call_reader(fn, **args)
        where = " [inputs: " + ", ".join(f"{k} {np.shape(v)}" for k, v in kwargs.items()) + "]"
        if error is not None:
            results.append(CaseResult(name, False, error + where))
            continue
        changed = _mutated(kwargs, args)
        if changed:
            results.append(CaseResult(name, False, f"modified its input(s) {', '.join(changed)} in place "
                                                   f"(e.g. x.sort()); work on a copy.{where}"))
            continue
        exp = expected if isinstance(expected, tuple) else (expected,)
        msg, abs_err, rel_err = check_outputs(got, exp, names, rtol=rtol, atol=atol)
        if msg is not None:
            msg += next((f" Likely bug: {hint}" for hint, variant in hints
                         if _safe_matches(got, variant, kwargs)), "")
        results.append(CaseResult(name, msg is None, "" if msg is None else msg + where, abs_err, rel_err))
    return Verdict(drill, tuple(results))


def _mutated(before: dict, after: dict) -> list:
    """Names of input arrays whose contents changed (works for string labels too)."""
    out = []
    for k in before:
        try:
            same = before[k].dtype == after[k].dtype and np.array_equal(before[k], after[k])
        except Exception:  # noqa: BLE001 - a reader may have replaced the array's contents oddly
            same = False
        if not same:
            out.append(k)
    return out


def _safe_matches(got, variant, kwargs) -> bool:
    try:
        with np.errstate(all="ignore"):
            return _matches(got, variant(**kwargs))
    except Exception:  # noqa: BLE001
        return False


def _proportions(y):
    _, counts = np.unique(np.asarray(y), return_counts=True)
    return counts / counts.sum()


_ENTROPY_HINTS = (
    ("natural log: entropy in bits uses log base 2 (np.log2), or divide ln by ln 2.",
     lambda y: float(-np.sum(_proportions(y) * np.log(_proportions(y))))),
    ("the minus sign is missing: H = −Σ p log₂ p is non-negative.",
     lambda y: float(np.sum(_proportions(y) * np.log2(_proportions(y))))),
    ("this is the Gini impurity, not the entropy.", lambda y: gini_solution(y)),
    ("counts are used instead of proportions p_k = n_k / N.",
     lambda y: float(-np.sum(np.unique(y, return_counts=True)[1] * np.log2(_proportions(y))))),
)

_GINI_HINTS = (
    ("this returns Σ p_k², the probability two draws agree; Gini is 1 − Σ p_k².",
     lambda y: float(np.sum(_proportions(y) ** 2))),
    ("this is the entropy, not the Gini impurity.", lambda y: entropy_solution(y)),
    ("Σ p_k is not squared: use 1 − Σ p_k².", lambda y: float(1 - np.sum(_proportions(y)))),
    ("this is the misclassification impurity 1 − max p_k, not Gini.", lambda y: float(1 - np.max(_proportions(y)))),
)


def _split_variant(x, y, *, threshold="midpoint", gain="weighted", impurity=gini_solution):
    """best_split_solution with one knob turned the wrong way."""
    x, y = np.asarray(x, dtype=float), np.asarray(y)
    order = np.argsort(x, kind="stable")
    xs, ys = x[order], y[order]
    n, parent = len(xs), impurity(ys)
    best = (None, -np.inf)
    for i in range(1, n):
        if xs[i] == xs[i - 1]:
            continue
        left, right = impurity(ys[:i]), impurity(ys[i:])
        score = {"weighted": parent - i / n * left - (n - i) / n * right,
                 "unweighted": parent - (left + right) / 2,
                 "children": -(i / n * left + (n - i) / n * right)}[gain]
        if score > best[1]:
            t = {"midpoint": xs[i - 1] / 2 + xs[i] / 2, "left": xs[i - 1], "right": xs[i]}[threshold]
            best = (t, score)
    return float(best[0]), float(-best[1] if gain == "children" else best[1])


_SPLIT_HINTS = (
    ("the threshold sits on a data value (the last one on the left); sklearn puts it halfway "
     "between consecutive distinct sorted values: (x_(i) + x_(i+1)) / 2.",
     lambda x, y: _split_variant(x, y, threshold="left")),
    ("the threshold is the first value on the right; with 'x <= t goes left' that sample would "
     "go left too. Use the midpoint (x_(i) + x_(i+1)) / 2.",
     lambda x, y: _split_variant(x, y, threshold="right")),
    ("the children's impurities are averaged without weights; weight them by n_L/n and n_R/n.",
     lambda x, y: _split_variant(x, y, gain="unweighted")),
    ("the gain is the weighted child impurity, not the decrease G(parent) − n_L/n·G(L) − n_R/n·G(R).",
     lambda x, y: _split_variant(x, y, gain="children")),
    ("the split is scored with entropy; this drill asks for the Gini decrease.",
     lambda x, y: _split_variant(x, y, impurity=entropy_solution)),
)


def check_entropy(fn) -> Verdict:
    """Check ``fn(y) -> float`` (entropy of labels in bits) on random and edge cases.

    Reference: :func:`entropy_solution` (numpy, float64) with either oracle, in Python and in the browser.
    See chapter: chapters/trees.md
    """
    cases = [(name, dict(y=y), entropy_solution(y)) for name, y in _label_cases()]
    return _run(fn, "entropy (bits)", cases, ("entropy",), 1e-9, 1e-12, _ENTROPY_HINTS)


def check_gini(fn) -> Verdict:
    """Check ``fn(y) -> float`` (Gini impurity of labels) on random and edge cases.

    Reference: :func:`gini_solution` (numpy, float64) with either oracle, in Python and in the browser.
    See chapter: chapters/trees.md
    """
    cases = [(name, dict(y=y), gini_solution(y)) for name, y in _label_cases()]
    return _run(fn, "Gini impurity", cases, ("gini",), 1e-9, 1e-12, _GINI_HINTS)


def check_best_split(fn) -> Verdict:
    """Check ``fn(x, y) -> (threshold, gain)`` against the root split of sklearn's depth-1 tree.

    Reference: ``sklearn.tree.DecisionTreeClassifier(max_depth=1)`` (threshold and Gini decrease in float64);
    in the browser (Pyodide) :class:`mlnotes.trees.CARTClassifier`, proven equal in
    tests/test_trees_cart.py (test_root_split_and_decrease, test_same_tree_as_sklearn_with_same_random_state)
    and identical on these cases in tests/test_drills_trees.py.
    See chapter: chapters/trees.md
    """
    return _run(fn, "best Gini split of one feature", list(_split_reference(oracle())), ("threshold", "gain"),
                1e-9, (1e-9, 1e-12), _SPLIT_HINTS)
