"""Known wrong answers to the drills of ``mlnotes/drills/ensembles.py`` (boosted stumps, Shapley values).

Self-contained (numpy and the standard library only): the browser runs this file alone. Each function is a
mistake a reader makes; the checker must fail it, and print the same verdict with the library oracle and with
the browser's.
"""

from itertools import combinations
from math import factorial

import numpy as np


# -- gradient boosting with stumps -----------------------------------------------------------------------
def _stump(X, r, *, on_value=False):
    """(feature, threshold, left mean, right mean) of the stump with the smallest squared error of r."""
    best = (np.inf, None)
    for j in range(X.shape[1]):
        values = np.unique(X[:, j])
        for lo, hi in zip(values[:-1], values[1:]):
            t = lo if on_value else lo / 2 + hi / 2
            left = X[:, j] <= t
            sse = np.sum((r[left] - r[left].mean()) ** 2) + np.sum((r[~left] - r[~left].mean()) ** 2)
            if sse < best[0]:
                best = (sse, (j, t, r[left].mean(), r[~left].mean()))
    return best[1]


def _boost(X, y, X_test, n_rounds, learning_rate, *, start=None, residuals=True, on_value=False):
    X, y, X_test = (np.asarray(a, dtype=float) for a in (X, y, X_test))
    F0 = y.mean() if start is None else start
    F, F_test = np.full(len(y), F0), np.full(len(X_test), F0)
    for _ in range(n_rounds):
        j, t, left, right = _stump(X, y - F if residuals else y, on_value=on_value)
        F = F + learning_rate * np.where(X[:, j] <= t, left, right)
        F_test = F_test + learning_rate * np.where(X_test[:, j] <= t, left, right)
    return F_test


def gbdt_starts_from_zero(X, y, X_test, n_rounds, learning_rate):
    """F_0 = 0 instead of the mean of y."""
    return _boost(X, y, X_test, n_rounds, learning_rate, start=0.0)


def gbdt_fits_y_not_residuals(X, y, X_test, n_rounds, learning_rate):
    """Every stump is fitted to y itself."""
    return _boost(X, y, X_test, n_rounds, learning_rate, residuals=False)


def gbdt_no_learning_rate(X, y, X_test, n_rounds, learning_rate):
    """Adds each stump in full (shrinkage forgotten)."""
    return _boost(X, y, X_test, n_rounds, 1.0)


def gbdt_threshold_on_data_value(X, y, X_test, n_rounds, learning_rate):
    """Threshold on the last value on the left: test points between two training values go the wrong way."""
    return _boost(X, y, X_test, n_rounds, learning_rate, on_value=True)


def gbdt_starts_from_median(X, y, X_test, n_rounds, learning_rate):
    """F_0 = median(y): the best constant for the absolute loss, not the squared one."""
    return _boost(X, y, X_test, n_rounds, learning_rate, start=float(np.median(y)))


def gbdt_sorts_X_in_place(X, y, X_test, n_rounds, learning_rate):
    """X.sort(axis=0) to scan thresholds (hostile: the caller's rows are scrambled)."""
    X.sort(axis=0)
    return _boost(X, y, X_test, n_rounds, learning_rate)


# -- Shapley values by enumeration ----------------------------------------------------------------------
def _shapley(v, d, weight, sign=1.0):
    phi = np.zeros(d)
    for i in range(d):
        others = [j for j in range(d) if j != i]
        subsets = [frozenset(S) for size in range(d) for S in combinations(others, size)]
        for S in subsets:
            phi[i] += weight(len(S), d, len(subsets)) * sign * (v(S | {i}) - v(S))
    return phi


def shapley_uniform_weights(v, n_features):
    """Every subset weighted 1/2^(d−1)."""
    return _shapley(v, n_features, lambda s, d, m: 1.0 / m)


def shapley_off_by_one_weight(v, n_features):
    """|S|!(d−|S|)!/d! instead of |S|!(d−|S|−1)!/d!."""
    return _shapley(v, n_features, lambda s, d, m: factorial(s) * factorial(d - s) / factorial(d))


def shapley_reversed_sign(v, n_features):
    """v(S) − v(S ∪ {i})."""
    return _shapley(v, n_features, lambda s, d, m: factorial(s) * factorial(d - s - 1) / factorial(d), sign=-1.0)


def shapley_leave_one_out(v, n_features):
    """φ_i = v(all) − v(all without i): only the last coalition counts."""
    everyone = frozenset(range(n_features))
    return np.array([v(everyone) - v(everyone - {i}) for i in range(n_features)])


def shapley_alone(v, n_features):
    """φ_i = v({i}) − v(∅): only the first coalition counts."""
    return np.array([v(frozenset({i})) - v(frozenset()) for i in range(n_features)])


def shapley_with_base_value(v, n_features):
    """Prepends the base value v(∅), as SHAP's plots show it: d + 1 numbers."""
    phi = _shapley(v, n_features, lambda s, d, m: factorial(s) * factorial(d - s - 1) / factorial(d))
    return np.r_[v(frozenset()), phi]


ANSWERS = {
    "gbdt_stumps": [gbdt_starts_from_zero, gbdt_fits_y_not_residuals, gbdt_no_learning_rate,
                    gbdt_threshold_on_data_value, gbdt_starts_from_median, gbdt_sorts_X_in_place],
    "shapley": [shapley_uniform_weights, shapley_off_by_one_weight, shapley_reversed_sign, shapley_leave_one_out,
                shapley_alone, shapley_with_base_value],
}
