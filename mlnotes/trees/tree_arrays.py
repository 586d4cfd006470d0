r"""A fitted binary tree as flat per-node arrays, shared by CART, pruning and the XGBoost trees.

Nodes are numbered in pre-order (a parent before its children, the left subtree first) and a
missing child is ``TREE_LEAF`` (−1), like scikit-learn's ``estimator.tree_``, so the two can be
compared array by array. A sample at node $i$ goes left when $x_{\text{feature}[i]} \le \text{threshold}[i]$.

See chapter: chapters/trees.md
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

TREE_LEAF = -1


@dataclass
class TreeArrays:
    """A fitted binary tree as flat per-node arrays (pre-order numbering, −1 for 'no child').

    ``value`` is float64 (class proportions (n_nodes, K) or means (n_nodes, 1)), as in scikit-learn.
    See chapter: chapters/trees.md
    """

    children_left: np.ndarray
    children_right: np.ndarray
    feature: np.ndarray
    threshold: np.ndarray
    value: np.ndarray  # (n_nodes, K) class proportions, or (n_nodes, 1) means
    impurity: np.ndarray
    n_node_samples: np.ndarray
    weighted_n_node_samples: np.ndarray
    ties: dict = field(default_factory=dict)  # node → tied features

    @property
    def node_count(self) -> int:
        """Number of nodes."""
        return len(self.children_left)

    def apply(self, X32: np.ndarray) -> np.ndarray:
        """Leaf index of each row of X (M, d) → (M,), all rows moved one level per step."""
        node = np.zeros(len(X32), dtype=int)  # (M,)
        active = np.flatnonzero(self.children_left[node] != TREE_LEAF)
        while active.size:
            cur = node[active]
            go_left = X32[active, self.feature[cur]] <= self.threshold[cur]
            node[active] = np.where(go_left, self.children_left[cur], self.children_right[cur])
            active = active[self.children_left[node[active]] != TREE_LEAF]
        return node

    def max_depth(self) -> int:
        """Edges on the longest root-to-leaf path."""
        depth = np.zeros(self.node_count, dtype=int)
        for i in range(self.node_count):  # pre-order: parents come first
            for c in (self.children_left[i], self.children_right[i]):
                if c != TREE_LEAF:
                    depth[c] = depth[i] + 1
        return int(depth.max())
