r"""What it costs to grow a tree: rows × features × depth, counted exactly and timed.

Exact greedy CART searches every candidate feature at every node it tries to split. At node $t$
with $n_t$ rows and $d$ features that is a sort and a scan per feature, $O(d\, n_t \log n_t)$
(scikit-learn sorts at every node). The nodes of one depth hold each row at most once, so a level
costs at most $O(d\, n \log n)$, and the whole tree
$$\text{work} \;\propto\; d \sum_{t\ \text{internal}} n_t = d \sum_{i=1}^{n} \operatorname{depth}(\text{leaf of row } i),$$
the identity on the right because row $i$ is counted once at each internal node on its path.
A balanced tree has depth $O(\log n)$, so growing it costs $O(d\, n \log^2 n)$ with per-node sorts,
$O(d\, n \log n)$ with features sorted once (presorting), and $O(d\, n)$ per level plus
$O(d B)$ per node with $B$-bin histograms (LightGBM, XGBoost ``hist``, scikit-learn's
``HistGradientBoosting``). Predicting a row costs $O(\text{depth})$. A random forest of $B$ trees
multiplies the cost by $B$ (with $\sqrt d$ candidate features per split); boosting by $M$ rounds
($\times K$ trees a round for $K$ classes), and its rounds run one after another.

See chapter: chapters/trees.md
"""

from __future__ import annotations

import time

import numpy as np

from mlnotes._checks import check_int

LEAF = -1


def _arrays(tree):
    tree = getattr(tree, "tree_", tree)
    if not all(hasattr(tree, k) for k in ("children_left", "children_right", "n_node_samples")):
        raise TypeError(f"tree must be a fitted tree or its arrays (estimator.tree_), got {type(tree).__name__}")
    return np.asarray(tree.children_left), np.asarray(tree.children_right), np.asarray(tree.n_node_samples)


def node_depths(tree) -> np.ndarray:
    """Depth of every node (root 0) → (n_nodes,) int; nodes in pre-order (parents first)."""
    left, right, _ = _arrays(tree)
    depth = np.zeros(len(left), dtype=int)
    for i in range(len(left)):
        for c in (left[i], right[i]):
            if c != LEAF:
                depth[c] = depth[i] + 1
    return depth


def split_work(tree) -> int:
    """Σ n_t over the internal nodes: the rows scanned (per feature) to grow the tree.

    See chapter: chapters/trees.md
    """
    left, _, n = _arrays(tree)
    return int(n[left != LEAF].sum())


def row_depth_sum(tree) -> int:
    """Σ over the training rows of the depth of their leaf (equals :func:`split_work`)."""
    left, _, n = _arrays(tree)
    leaves = left == LEAF
    return int((node_depths(tree)[leaves] * n[leaves]).sum())


def depth_growth(sizes=(1000, 2000, 4000, 8000, 16000), n_features: int = 8, seed: int = 0) -> dict:
    """Grow scikit-learn regression trees to purity on random data of each size n → counts per n.

    X (n, n_features) standard normal, y = x_0 + noise (so every leaf is a single row). Returns
    {"n": (S,), "depth": (S,) max depth, "mean_row_depth": (S,) split_work / n, "work": (S,)}.
    See chapter: chapters/trees.md
    """
    from sklearn.tree import DecisionTreeRegressor

    d = check_int("n_features", n_features, low=1)
    sizes = np.array([check_int("size", s, low=2) for s in sizes])
    rng = np.random.default_rng(check_int("seed", seed, low=0))
    depth, work = [], []
    for n in sizes:
        X = rng.standard_normal((n, d))
        y = X[:, 0] + rng.standard_normal(n)
        tree = DecisionTreeRegressor(random_state=0).fit(X, y)
        depth.append(tree.get_depth())
        work.append(split_work(tree))
    work = np.array(work)
    return {"n": sizes, "depth": np.array(depth), "mean_row_depth": work / sizes, "work": work}


def fit_seconds(n_rows, n_features, repeats: int = 3, seed: int = 0) -> np.ndarray:
    """Best-of-``repeats`` wall-clock seconds to fit scikit-learn's DecisionTreeRegressor (fully grown)
    on random data, for each pair (n_rows[k], n_features[k]) → (S,). A measurement: it varies by machine.

    See chapter: chapters/trees.md
    """
    from sklearn.tree import DecisionTreeRegressor

    rng = np.random.default_rng(check_int("seed", seed, low=0))
    out = []
    for n, d in zip(n_rows, n_features):
        X = rng.standard_normal((check_int("n_rows", n, low=2), check_int("n_features", d, low=1)))
        y = X[:, 0] + rng.standard_normal(n)
        best = np.inf
        for _ in range(check_int("repeats", repeats, low=1)):
            t0 = time.perf_counter()
            DecisionTreeRegressor(random_state=0).fit(X, y)
            best = min(best, time.perf_counter() - t0)
        out.append(best)
    return np.array(out)


def fit_exponent(x, seconds) -> float:
    """Slope of log(seconds) against log(x): the exponent α of seconds ∝ x^α (least squares)."""
    return float(np.polyfit(np.log(np.asarray(x, float)), np.log(np.asarray(seconds, float)), 1)[0])
