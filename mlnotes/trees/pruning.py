r"""Minimal cost-complexity pruning (CART's weakest-link post-pruning, 代价复杂度剪枝).

The cost of a subtree $T$ with leaves $\tilde T$ is
$$R_\alpha(T) = R(T) + \alpha\,|\tilde T|,\qquad R(T) = \sum_{t \in \tilde T} \frac{w_t}{W}\, I(t),$$
the weighted leaf impurity plus $\alpha$ per leaf. Collapsing the branch $T_t$ below an internal
node $t$ into a leaf changes the cost by $R(t) - R(T_t) - \alpha(|\tilde T_t| - 1)$, so it pays off
from the *effective alpha*
$$g(t) = \frac{R(t) - R(T_t)}{|\tilde T_t| - 1}$$
on. Weakest-link pruning repeatedly collapses the internal node of smallest $g$ (the first in
node order on ties) and records $(g, R(T))$: the increasing sequence of $\alpha$ at which the
optimal subtree changes, ending with the root alone. Pruning at a given $\alpha$ keeps
collapsing while the smallest $g \le \alpha$. This is scikit-learn's
``cost_complexity_pruning_path`` and ``ccp_alpha``.

See chapter: chapters/trees.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_real
from mlnotes.trees.tree_arrays import TREE_LEAF, TreeArrays


def _weakest_link(tree: TreeArrays, alpha: float | None):
    """Run weakest-link pruning; stop before a step whose g exceeds alpha (None: to the root).

    Returns (alphas, impurities, is_leaf mask of the pruned tree, in_tree mask).
    """
    n = tree.node_count
    left, right = tree.children_left, tree.children_right
    r_node = tree.weighted_n_node_samples * tree.impurity / tree.weighted_n_node_samples[0]  # R(t)
    parent = np.full(n, -1)
    for i in range(n):
        if left[i] != TREE_LEAF:
            parent[left[i]] = parent[right[i]] = i
    is_leaf = left == TREE_LEAF
    r_branch = np.where(is_leaf, r_node, 0.0)  # R(T_t)
    n_leaves = np.zeros(n, dtype=int)
    for leaf in np.flatnonzero(is_leaf):  # bubble every leaf's cost up to its ancestors
        node = parent[leaf]
        while node != -1:
            r_branch[node] += r_node[leaf]
            n_leaves[node] += 1
            node = parent[node]
    in_tree = np.ones(n, dtype=bool)
    alphas, impurities = [0.0], [r_branch[0]]
    while not is_leaf[0]:
        internal = np.flatnonzero(in_tree & ~is_leaf)
        g = (r_node[internal] - r_branch[internal]) / (n_leaves[internal] - 1)
        k = int(np.argmin(g))  # the first node of smallest g
        if alpha is not None and alpha < g[k]:
            break
        t = internal[k]
        todo = [left[t], right[t]]
        while todo:  # drop the branch below t
            node = todo.pop()
            in_tree[node] = False
            if left[node] != TREE_LEAF:
                todo += [left[node], right[node]]
        is_leaf[t] = True
        removed, diff = n_leaves[t] - 1, r_node[t] - r_branch[t]
        n_leaves[t], r_branch[t] = 0, r_node[t]
        node = parent[t]
        while node != -1:
            n_leaves[node] -= removed
            r_branch[node] += diff
            node = parent[node]
        alphas.append(float(g[k]))
        impurities.append(float(r_branch[0]))
    return np.array(alphas), np.array(impurities), is_leaf, in_tree


def cost_complexity_path(tree: TreeArrays) -> tuple[np.ndarray, np.ndarray]:
    """Effective alphas (P,) and total leaf impurities R(T) (P,) of the weakest-link sequence, float64.

    See chapter: chapters/trees.md
    """
    if not isinstance(tree, TreeArrays):
        raise TypeError(f"tree must be a fitted TreeArrays (estimator.tree_), got {type(tree).__name__}")
    alphas, impurities, _, _ = _weakest_link(tree, None)
    return alphas, impurities


def prune_tree(tree: TreeArrays, alpha: float) -> TreeArrays:
    """The smallest minimiser of R_α: the tree pruned at complexity alpha, nodes renumbered in pre-order.

    See chapter: chapters/trees.md
    """
    if not isinstance(tree, TreeArrays):
        raise TypeError(f"tree must be a fitted TreeArrays (estimator.tree_), got {type(tree).__name__}")
    alpha = check_real("alpha", alpha, low=0.0)
    _, _, is_leaf, _ = _weakest_link(tree, alpha)
    order, links = [], []  # kept original node ids in new pre-order; (new parent, is_left)
    stack = [(0, -1, False)]
    while stack:
        node, par, is_left = stack.pop()
        order.append(node)
        links.append((par, is_left))
        if not is_leaf[node]:
            new = len(order) - 1
            stack += [(tree.children_right[node], new, False), (tree.children_left[node], new, True)]
    m = len(order)
    left, right = np.full(m, TREE_LEAF), np.full(m, TREE_LEAF)
    for new, (par, is_left) in enumerate(links):
        if par >= 0:
            (left if is_left else right)[par] = new
    keep = np.array(order)
    leaf = is_leaf[keep]
    return TreeArrays(left, right, np.where(leaf, -2, tree.feature[keep]), np.where(leaf, -2.0, tree.threshold[keep]),
                      tree.value[keep].copy(), tree.impurity[keep].copy(), tree.n_node_samples[keep].copy(),
                      tree.weighted_n_node_samples[keep].copy(),
                      {i: tree.ties[o] for i, o in enumerate(keep) if o in tree.ties and not leaf[i]})
