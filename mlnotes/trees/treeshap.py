r"""SHAP values of tree models: exact Shapley values by enumeration, and TreeSHAP in polynomial time.

A model $f$ of $d$ features and a row $x$. A **value function** $v(S)$ says what the model predicts
when only the features in $S \subseteq \{1..d\}$ are known. The **Shapley value** of feature $i$ is
its marginal contribution averaged over every order in which the features can be revealed:
$$\phi_i = \sum_{S \subseteq N \setminus \{i\}} \frac{|S|!\,(d - |S| - 1)!}{d!}\,\big(v(S \cup \{i\}) - v(S)\big).$$
They add up (local accuracy): $\sum_i \phi_i = v(N) - v(\varnothing) = f(x) - \mathbb E[f]$.

**Path-dependent value function** (Lundberg, Erion & Lee, "Consistent individualized feature
attribution for tree ensembles", 2018, Algorithm 1): walk the tree from the root; at a node that
splits on a feature in $S$, follow $x$; at a node that splits on a feature not in $S$, take both
children, weighted by the share of training rows (the *cover* $r$) that went each way:
$$v(S) = E_{\text{tree}}[f(x) \mid x_S],\qquad G(j) = \begin{cases} \text{value}_j & j \text{ a leaf}\\
G(\text{child of } j \text{ that } x \text{ takes}) & \text{feature}_j \in S\\
\frac{r_{\text{left}}}{r_j} G(\text{left}) + \frac{r_{\text{right}}}{r_j} G(\text{right}) & \text{otherwise.}\end{cases}$$
Enumerating all $2^d$ subsets costs $O(2^d\, T)$ for a tree of $T$ nodes.

**TreeSHAP** (same paper, Algorithm 2) gets the same $\phi$ in $O(L D^2)$ for $L$ leaves and depth
$D$: it walks each root-to-leaf path once, carrying for the distinct features on the path the
fraction of "absent" ($z$, the cover ratio) and "present" ($o$, 1 if $x$ goes that way) flow, and
the total weight $w_k$ of the subsets of size $k$ of the path's features. ``extend`` adds a feature
(a polynomial multiplication), ``unwind`` removes one (its inverse), so a leaf can add
$\text{value} \cdot (o_i - z_i) \cdot \sum_k w_k^{(-i)}$ to $\phi_i$ for every feature $i$ on its path.
A feature met twice on a path is unwound first and re-extended with the product of its fractions.

For an ensemble the value function is the sum (or mean) of the trees', so $\phi$ is the sum of
the trees' $\phi$: $\phi = \eta\sum_m \phi^{(m)}$ for GBDT, the mean for a random forest.
``tree`` is a fitted tree (ours or scikit-learn's) or its arrays ``estimator.tree_``:
``children_left``, ``children_right``, ``feature``, ``threshold``, ``value``,
``weighted_n_node_samples``. Rows are compared in float32, as both libraries do.

See chapter: chapters/ensembles.md
"""

from __future__ import annotations

from math import factorial

import numpy as np

from mlnotes._checks import check_array, check_int

LEAF = -1
MAX_BRUTE_FORCE_FEATURES = 16


def _arrays(tree):
    tree = getattr(tree, "tree_", tree)  # a fitted estimator, or its tree arrays
    keys = ("children_left", "children_right", "feature", "threshold", "value", "weighted_n_node_samples")
    if not all(hasattr(tree, k) for k in keys):
        raise TypeError(f"tree must be a fitted tree's arrays (estimator.tree_), got {type(tree).__name__}")
    value = np.asarray(tree.value, dtype=np.float64)
    value = value.reshape(len(value), -1)  # (T, outputs): sklearn's (T, outputs, classes) flattened
    return (np.asarray(tree.children_left), np.asarray(tree.children_right), np.asarray(tree.feature),
            np.asarray(tree.threshold), value, np.asarray(tree.weighted_n_node_samples, dtype=np.float64))


def _rows(X, feature) -> np.ndarray:
    if (feature >= 0).any() and X.shape[1] <= feature.max():
        raise ValueError(f"X must have at least {feature.max() + 1} columns (the tree splits on feature "
                         f"{feature.max()}), got {X.shape[1]}")
    return X.astype(np.float32).astype(np.float64)  # the float32 comparisons of the trees


def subset_masks(n_features: int) -> np.ndarray:
    """All 2^d subsets of d features as boolean masks (2^d, d); row s holds the bits of s."""
    d = check_int("n_features", n_features, low=1, high=MAX_BRUTE_FORCE_FEATURES)
    return (np.arange(2 ** d)[:, None] >> np.arange(d)) & 1 == 1  # (2^d, d)


def path_expectations(tree, x, masks) -> np.ndarray:
    """Algorithm 1 for many subsets at once: E_tree[f(x) | x_S] for each mask row → (P, outputs).

    ``masks`` (P, d) boolean: True = the feature is known. See chapter: chapters/ensembles.md
    """
    left, right, feature, threshold, value, cover = _arrays(tree)
    masks = np.asarray(masks, dtype=bool)
    x = _rows(check_array("x", x, ndim=1)[None], feature)[0]
    out = np.zeros((len(masks), value.shape[1]))
    stack = [(0, np.ones(len(masks)))]  # (node, weight of the node for each subset)
    while stack:
        j, w = stack.pop()
        if left[j] == LEAF:
            out += w[:, None] * value[j]
            continue
        f = feature[j]
        hot, cold = (left[j], right[j]) if x[f] <= threshold[j] else (right[j], left[j])
        known = masks[:, f]  # (P,) x_f known: all the weight follows x
        stack.append((hot, w * np.where(known, 1.0, cover[hot] / cover[j])))
        stack.append((cold, w * np.where(known, 0.0, cover[cold] / cover[j])))
    return out


def shapley_weights(n_features: int) -> np.ndarray:
    """|S|! (d − |S| − 1)! / d! for |S| = 0..d−1 → (d,)."""
    d = check_int("n_features", n_features, low=1)
    return np.array([factorial(s) * factorial(d - s - 1) / factorial(d) for s in range(d)])


def shapley_from_values(v) -> np.ndarray:
    """Exact Shapley values from a value function tabulated on all subsets: v (2^d, ...) → φ (d, ...).

    Row s of v is v(S) for the subset whose bit i is set when feature i is in S (see subset_masks).
    See chapter: chapters/ensembles.md
    """
    v = np.asarray(v, dtype=np.float64)
    d = int(round(np.log2(len(v))))
    if len(v) != 2 ** d or d < 1:
        raise ValueError(f"v must have 2^d rows (one per subset), got {len(v)}")
    masks = subset_masks(d)
    size = masks.sum(axis=1)  # (2^d,) |S|
    weight = shapley_weights(d)
    phi = np.zeros((d,) + v.shape[1:])
    for i in range(d):
        without = ~masks[:, i]  # subsets S not holding i
        S = np.flatnonzero(without)
        phi[i] = np.tensordot(weight[size[S]], v[S | (1 << i)] - v[S], axes=1)  # Σ_S w(|S|)(v(S∪i) − v(S))
    return phi


def brute_force_shap(tree, X) -> np.ndarray:
    """Exact Shapley values of one tree at each row of X (M, d) by enumerating all 2^d subsets → (M, d, outputs)
    float64; d ≤ 16.

    See chapter: chapters/ensembles.md
    """
    X = check_array("X", X, ndim=2)
    masks = subset_masks(X.shape[1])
    return np.array([shapley_from_values(path_expectations(tree, x, masks)) for x in X])


def _extend(path, zero, one, feature):
    """Add a feature to the path: its absent flow ``zero`` (a cover ratio), present flow ``one`` (M,).

    W[k] (M,) is the total weight of the subsets of size k of the path's features (one row per x).
    """
    feats, z, o, W_old = path
    k = len(feats)
    W = np.zeros((k + 1, len(one)))  # (k+1, M)
    W[:k] = W_old
    W[k] = 1.0 if k == 0 else 0.0
    for i in range(k - 1, -1, -1):
        W[i + 1] += one * W[i] * (i + 1) / (k + 1)  # the feature present: the subset grows by one
        W[i] = zero * W[i] * (k - i) / (k + 1)  # the feature absent
    return feats + [feature], z + [zero], o + [one], W


def _unwound_weights(path, i):
    """The weights W (k, M) the path would have without its element i: the inverse of _extend."""
    _, z, o, W = path
    k = len(W) - 1
    zero, one = z[i], o[i]
    present = one != 0
    one_safe = np.where(present, one, 1.0)
    out = np.empty((k, W.shape[1]))
    carry = W[k]
    for j in range(k - 1, -1, -1):
        out[j] = np.where(present, carry * (k + 1) / ((j + 1) * one_safe), W[j] * (k + 1) / (zero * (k - j)))
        carry = W[j] - out[j] * zero * (k - j) / (k + 1)
    return out


def _unwind(path, i):
    feats, z, o, _ = path
    return feats[:i] + feats[i + 1:], z[:i] + z[i + 1:], o[:i] + o[i + 1:], _unwound_weights(path, i)


def tree_shap(tree, X) -> np.ndarray:
    """TreeSHAP (Algorithm 2): path-dependent Shapley values of one tree at each row of X (M, d) → (M, d, outputs).

    Equal to :func:`brute_force_shap` in O(L D²) per row instead of O(2^d T); all rows walk the
    tree together. float64 whatever the dtype of X (the tree's values are float64).
    Raises TypeError for a non-tree, ValueError for an X narrower than the features the tree uses.
    See chapter: chapters/ensembles.md
    """
    left, right, feature, threshold, value, cover = _arrays(tree)
    X = check_array("X", X, ndim=2)
    X32 = _rows(X, feature)
    phi = np.zeros((len(X), X.shape[1], value.shape[1]))  # (M, d, outputs)

    def recurse(j, path, zero, one, f_in):
        path = _extend(path, zero, one, f_in)
        if left[j] == LEAF:
            feats, z, o, _ = path
            for i in range(1, len(feats)):  # element 0 is the root's placeholder
                w = _unwound_weights(path, i).sum(axis=0)  # (M,)
                phi[:, feats[i]] += (w * (o[i] - z[i]))[:, None] * value[j]
            return
        f = feature[j]
        zero_in, one_in = 1.0, np.ones(len(X))
        if f in path[0]:  # met before on this path: undo it, then redo it with both fractions
            i = path[0].index(f)
            zero_in, one_in = path[1][i], path[2][i]
            path = _unwind(path, i)
        goes_left = X32[:, f] <= threshold[j]  # (M,)
        recurse(left[j], path, zero_in * cover[left[j]] / cover[j], one_in * goes_left, f)
        recurse(right[j], path, zero_in * cover[right[j]] / cover[j], one_in * ~goes_left, f)

    recurse(0, ([], [], [], np.zeros((0, len(X)))), 1.0, np.ones(len(X)), -1)
    return phi


def expected_value(tree) -> np.ndarray:
    """E[f] under the tree's training distribution: the cover-weighted mean of its leaves → (outputs,)."""
    left, _, _, _, value, cover = _arrays(tree)
    leaves = left == LEAF
    return (cover[leaves] @ value[leaves]) / cover[leaves].sum()


def ensemble_shap(trees, X, *, scale: float = 1.0, method: str = "tree_shap") -> np.ndarray:
    """Shapley values of scale · Σ trees at each row of X (M, d) → (M, d, outputs).

    GBDT: ``scale`` = learning rate (the initial score only moves E[f]); random forest: 1 / n_trees.
    ``method``: "tree_shap" (Algorithm 2) or "brute_force" (enumeration). See chapter: chapters/ensembles.md
    """
    if method not in ("tree_shap", "brute_force"):
        raise ValueError(f"method must be 'tree_shap' or 'brute_force', got {method!r}")
    X = check_array("X", X, ndim=2)
    fn = tree_shap if method == "tree_shap" else brute_force_shap
    return scale * sum(fn(t, X) for t in trees)
