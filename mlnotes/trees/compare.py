r"""Comparing our trees with scikit-learn's: where two fitted trees part, and why.

**Where two trees part.** Walk two fitted trees from the root in step; a node where both split
but on a different (feature, threshold), or where one splits and the other does not, is a
*divergent* node, and nothing below it is compared. Our CART records in ``ties_`` the nodes
where several features reached the best score, so "the trees differ only at ties" reads
``set(divergent_nodes(ours.tree_, ref.tree_)) <= set(ours.ties_)``.

The one other way two correct trees part: a node whose targets are all equal has impurity 0 in
exact arithmetic, but a rounding residue of either sign in floating point. CART stops at an
impurity $\le 2^{-52}$, so one library may make a leaf where the other splits the node into two
children that predict the same value: a split that changes no prediction.

See chapters: chapters/trees.md, chapters/ensembles.md
"""

from __future__ import annotations

import numpy as np

from mlnotes.trees.cart import CARTClassifier, CARTRegressor

PARTING_REASONS = ("tie", "no-op split", "unexplained")


def divergent_pairs(ours, ref) -> list:
    """(node of ``ours``, node of ``ref``) pairs where two fitted trees first part, walking both in step.

    ``ours`` and ``ref`` are tree arrays with ``children_left/right``, ``feature`` and ``threshold``
    (ours ``.tree_`` or scikit-learn's ``.tree_``). Empty when the trees are identical.
    See chapter: chapters/trees.md
    """
    for t in (ours, ref):
        if not all(hasattr(t, k) for k in ("children_left", "children_right", "feature", "threshold")):
            raise TypeError(f"expected a fitted tree's arrays (estimator.tree_), got {type(t).__name__}")
    out, stack = [], [(0, 0)]
    while stack:
        i, j = stack.pop()
        leaf_i, leaf_j = ours.children_left[i] == -1, ref.children_left[j] == -1
        if leaf_i and leaf_j:
            continue
        if leaf_i != leaf_j or ours.feature[i] != ref.feature[j] or ours.threshold[i] != ref.threshold[j]:
            out.append((int(i), int(j)))
            continue
        stack += [(ours.children_right[i], ref.children_right[j]), (ours.children_left[i], ref.children_left[j])]
    return out


def divergent_nodes(ours, ref) -> list:
    """Node ids of ``ours`` where two fitted trees first part (see :func:`divergent_pairs`).

    See chapter: chapters/trees.md
    """
    return [i for i, _ in divergent_pairs(ours, ref)]


def _noop_split(tree, k) -> bool:
    """True when node k splits into two leaves that predict the same value (to 1e-12)."""
    l, r = tree.children_left[k], tree.children_right[k]
    if l == -1 or tree.children_left[l] != -1 or tree.children_left[r] != -1:
        return False
    return bool(np.allclose(np.ravel(tree.value[l]), np.ravel(tree.value[r]), rtol=1e-12, atol=1e-12))


def parting_reasons(ours_model, ref_model) -> dict:
    """Count why two fitted trees part: {"tie": …, "no-op split": …, "unexplained": …}.

    ``ours_model`` is our fitted CART (its ``ties_`` are read), ``ref_model`` a scikit-learn tree.
    "tie": another feature reached the same best score at that node; "no-op split": one tree stops
    where the other splits into two leaves of equal value. See chapter: chapters/ensembles.md
    """
    out = dict.fromkeys(PARTING_REASONS, 0)
    ours, ref = ours_model.tree_, ref_model.tree_
    for i, j in divergent_pairs(ours, ref):
        if i in ours_model.ties_:
            out["tie"] += 1
        elif _noop_split(ours, i) or _noop_split(ref, j):
            out["no-op split"] += 1
        else:
            out["unexplained"] += 1
    return out


def cart_vs_sklearn(X, y, *, task: str = "classification", criterion=None, max_depth=None,
                    min_samples_leaf: int = 1, random_state=None, X_test=None, y_test=None) -> dict:
    """Fit our CART and sklearn's tree with the same limits and report what agrees.

    ``random_state=None``: our trees visit features in index order and sklearn's gets seed 0, so
    they can differ only at tie nodes; an int gives both the same draws. Returns a dict with
    "n_ties", "same_structure", "same_predictions" (on X), "root" (ours, sklearn's: feature,
    threshold, impurity decrease), and "score" (ours, sklearn's: accuracy or R² on the test set
    if given, else on X). See chapter: chapters/trees.md
    """
    if task not in ("classification", "regression"):
        raise ValueError(f"task must be 'classification' or 'regression', got {task!r}")
    from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

    cls = task == "classification"
    criterion = criterion or ("gini" if cls else "squared_error")
    ours = (CARTClassifier if cls else CARTRegressor)(criterion=criterion, max_depth=max_depth,
                                                      min_samples_leaf=min_samples_leaf, random_state=random_state)
    ours.fit(X, y)
    ref = (DecisionTreeClassifier if cls else DecisionTreeRegressor)(
        criterion="log_loss" if criterion == "entropy" else criterion, max_depth=max_depth,
        min_samples_leaf=min_samples_leaf, random_state=0 if random_state is None else random_state).fit(X, y)
    a, b = ours.tree_, ref.tree_
    same = (a.node_count == b.node_count and np.array_equal(a.feature, b.feature)
            and np.array_equal(a.threshold, b.threshold))
    Xs, ys = (X, y) if X_test is None else (X_test, y_test)

    def score(model):
        pred = model.predict(Xs)
        if cls:
            return float(np.mean(pred == ys))
        return float(1 - np.sum((ys - pred) ** 2) / np.sum((ys - np.mean(ys)) ** 2))

    def root(t, w, imp):
        if t.children_left[0] == -1:
            return (-2, float("nan"), 0.0)
        l, r = t.children_left[0], t.children_right[0]
        return (int(t.feature[0]), float(t.threshold[0]), float(imp[0] - (w[l] * imp[l] + w[r] * imp[r]) / w[0]))

    return {"n_ties": len(ours.ties_), "same_structure": bool(same),
            "same_predictions": bool(np.array_equal(ours.predict(X), ref.predict(X))),
            "root": (root(a, a.weighted_n_node_samples, a.impurity), root(b, b.weighted_n_node_samples, b.impurity)),
            "score": (score(ours), score(ref))}
