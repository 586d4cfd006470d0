r"""ID3 and C4.5: multiway decision trees on categorical (and, for C4.5, continuous) attributes.

Both grow a tree top-down. At a node with samples $D$ and unused attributes $A$:

* **ID3** (Quinlan 1986) splits on $a^* = \arg\max_{a \in A} \mathrm{Gain}(D, a)$, one branch
  per value of $a^*$ (every value seen in training; a branch with no sample becomes a leaf
  labelled with the parent's majority class). A used categorical attribute is not reused below.
* **C4.5** (Quinlan 1993) uses the gain ratio, with the usual heuristic: among the attributes
  whose gain is at least the average gain, take the one with the largest
  $\mathrm{GainRatio}(D, a) = \mathrm{Gain}(D, a)/\mathrm{IV}(a)$. A continuous attribute is
  split in two at the threshold $t$ that maximises the gain among the midpoints
  $t_i = (x_{(i)} + x_{(i+1)})/2$ of its sorted distinct values; it stays available below.

A node becomes a leaf (majority class; ties → the smallest label) when it is pure, when no
attribute is left or none has gain above ``min_gain``, at ``max_depth``, or with fewer than
``min_samples_split`` samples. Ties between attributes go to the first column. Not done here:
C4.5's missing-value weights, its MDL correction $\log_2(N-1)/|D|$ for continuous gains, and its
pruning.

**C4.5's error-based pruning** (Quinlan 1993, ch. 4) charges a leaf that misclassifies $E$ of its
$N$ training samples with $N\cdot U_{CF}(E, N)$ errors, where $U_{CF}$ is the upper limit of a
binomial confidence interval for the error rate: the $p$ with $P(\mathrm{Bin}(N, p) \le E) = CF$,
confidence factor $CF = 25\%$ by default. A subtree is replaced by a leaf when the leaf's charge is
no larger than the sum of its leaves' charges. :func:`error_upper_bound` computes $U_{CF}$ exactly
(C4.5's code uses a normal approximation for $E \ge 1$).

See chapter: chapters/trees.md
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mlnotes._checks import check_int, check_real
from mlnotes.trees.impurity import entropy

CF_DEFAULT = 0.25  # C4.5's confidence factor (its -c option, 25%)


@dataclass
class MultiwayNode:
    """A node of an ID3/C4.5 tree: a leaf when ``feature`` is None.

    See chapter: chapters/trees.md
    """

    label: object  # majority class: the prediction at a leaf, or for an unseen value
    n_samples: int
    feature: int | None = None
    threshold: float | None = None  # continuous split: branches True (x <= t) and False (x > t)
    gain: float = 0.0
    children: dict = field(default_factory=dict)


def _entropy_of(y: np.ndarray) -> float:
    """Entropy in bits of a label array (N,)."""
    _, counts = np.unique(y, return_counts=True)
    return float(entropy(counts / counts.sum()))


def _split_gain(y: np.ndarray, groups: np.ndarray) -> tuple[float, float]:
    """(information gain, intrinsic value) of splitting labels y (N,) by branch labels groups (N,)."""
    values, branch = np.unique(groups, return_inverse=True)
    sizes = np.bincount(branch) / len(y)  # (V,)
    children = sum(sizes[v] * _entropy_of(y[branch == v]) for v in range(len(values)))
    return _entropy_of(y) - children, float(entropy(sizes))


def best_threshold(x, y) -> tuple[float, float, float]:
    """C4.5's binary split of a continuous column x (N,) for labels y (N,): (threshold, gain, IV).

    The threshold is the midpoint with the largest information gain (the first on ties);
    (nan, 0, 0) when x is constant. See chapter: chapters/trees.md
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y)
    values = np.unique(x)
    best = (float("nan"), 0.0, 0.0)
    for t in (values[:-1] + values[1:]) / 2:
        gain, iv = _split_gain(y, x <= t)
        if np.isnan(best[0]) or gain > best[1]:
            best = (float(t), gain, iv)
    return best


def error_upper_bound(n_errors, n_samples, cf: float = CF_DEFAULT) -> float:
    """C4.5's pessimistic error rate U_CF(E, N): the p with P(Binomial(N, p) ≤ E) = CF (1 when E = N).

    For E = 0 it is 1 − CF^(1/N). A leaf's charge is N·U_CF(E, N) errors. See chapter: chapters/trees.md
    """
    from scipy.special import betaincinv

    n = check_int("n_samples", n_samples, low=1)
    e = check_int("n_errors", n_errors, low=0, high=n)
    cf = check_real("cf", cf, low=0.0, high=1.0, low_open=True, high_open=True)
    if e == n:
        return 1.0
    return float(betaincinv(e + 1, n - e, 1.0 - cf))  # P(Bin(N, p) ≤ E) = 1 − I_p(E + 1, N − E)


class ID3:
    """ID3 decision tree (information gain, multiway splits on categorical attributes).

    ``fit(X, y)`` takes X (N, d) of categorical values and labels y (N,); ``predict(X)`` → (M,).
    See chapter: chapters/trees.md
    """

    uses_gain_ratio = False

    def __init__(self, max_depth=None, min_samples_split=2, min_gain=0.0):
        self.max_depth = None if max_depth is None else check_int("max_depth", max_depth, low=0)
        self.min_samples_split = check_int("min_samples_split", min_samples_split, low=2)
        self.min_gain = check_real("min_gain", min_gain, low=0.0)

    def fit(self, X, y, feature_names=None, continuous=()):
        """Grow the tree on X (N, d) and y (N,); returns self.

        ``continuous`` (C4.5 only) marks the numeric columns: column indices (ints) or a boolean mask of
        length d; any other dtype raises TypeError (a float index, a string, …).
        """
        X, y = self._check_xy(X, y)
        d = X.shape[1]
        self.continuous_ = self._check_continuous(continuous, d)
        self.feature_names_ = self._check_names(feature_names, d)
        self.values_ = [np.unique(X[:, j]) if j not in self.continuous_ else None for j in range(d)]
        Xc = {j: self._numeric_column(X[:, j], self.feature_names_[j]) for j in self.continuous_}
        self.root_ = self._grow(X, Xc, y, np.arange(len(y)), set(range(d)) - set(self.continuous_), 0)
        return self

    def _check_xy(self, X, y):
        X = np.asarray(X, dtype=object)
        y = np.asarray(y)
        if X.ndim != 2 or X.shape[0] == 0 or X.shape[1] == 0:
            raise ValueError(f"X must be a non-empty 2-D array (N, d) of attribute values, got shape {X.shape}")
        if y.ndim != 1 or len(y) != X.shape[0]:
            raise ValueError(f"y must have shape ({X.shape[0]},) to match X, got {y.shape}")
        return X, y

    def _check_continuous(self, continuous, d):
        """Column indices (ints) or a boolean mask of length d → a tuple of column indices."""
        if isinstance(continuous, (str, bytes)) or not hasattr(continuous, "__iter__"):
            raise TypeError(f"continuous must be column indices or a boolean mask, got {type(continuous).__name__}")
        values = list(continuous)
        if values and all(isinstance(c, (bool, np.bool_)) for c in values):  # a mask
            if len(values) != d:
                raise ValueError(f"continuous as a boolean mask must have length {d} (one per column), "
                                 f"got {len(values)}")
            cols = tuple(j for j, flag in enumerate(values) if flag)
        elif all(isinstance(c, (int, np.integer)) and not isinstance(c, (bool, np.bool_)) for c in values):
            cols = tuple(int(c) for c in values)
        else:
            kinds = sorted({type(c).__name__ for c in values})
            raise TypeError(f"continuous must be column indices (ints) or a boolean mask (bools), not a mix "
                            f"or other types; got {', '.join(kinds)}")
        if cols and not self.uses_gain_ratio:
            raise ValueError("ID3 handles categorical attributes only: continuous must be empty (use C45)")
        if any(c < 0 or c >= d for c in cols):
            raise ValueError(f"continuous must list column indices in [0, {d}), got {cols}")
        return cols

    @staticmethod
    def _numeric_column(col, name) -> np.ndarray:
        """A continuous column as finite floats."""
        try:
            out = col.astype(float)
        except (TypeError, ValueError):
            raise ValueError(f"continuous column {name!r} must hold numbers, got e.g. {col[0]!r}") from None
        if not np.all(np.isfinite(out)):
            raise ValueError(f"continuous column {name!r} must contain only finite values (no NaN or inf)")
        return out

    @staticmethod
    def _check_names(names, d):
        if names is None:
            return tuple(f"x{j}" for j in range(d))
        if len(names) != d:
            raise ValueError(f"feature_names must have {d} names, got {len(names)}")
        return tuple(str(n) for n in names)

    @staticmethod
    def _majority(y: np.ndarray):
        labels, counts = np.unique(y, return_counts=True)
        return labels[int(np.argmax(counts))]  # first maximum = smallest label on ties

    def _scores(self, X, Xc, y, idx, available):
        """Per candidate attribute: (column, gain, score, threshold)."""
        out = []
        for j in sorted(set(available) | set(self.continuous_)):
            if j in self.continuous_:
                t, gain, iv = best_threshold(Xc[j][idx], y[idx])
                if np.isnan(t):
                    continue
            else:
                t = None
                gain, iv = _split_gain(y[idx], X[idx, j])
            out.append((j, gain, gain / iv if iv > 0 else 0.0, t))
        return out

    def _choose(self, scores):
        """ID3: the largest gain (first column on ties)."""
        return max(scores, key=lambda s: s[1]) if scores else None

    def _grow(self, X, Xc, y, idx, available, depth):
        node = MultiwayNode(label=self._majority(y[idx]), n_samples=len(idx))
        if (len(np.unique(y[idx])) == 1 or len(idx) < self.min_samples_split
                or (self.max_depth is not None and depth >= self.max_depth)):
            return node
        best = self._choose(self._scores(X, Xc, y, idx, available))
        if best is None or best[1] <= self.min_gain:
            return node
        j, node.gain, _, t = best
        node.feature, node.threshold = j, t
        if t is not None:  # continuous: binary split, the column stays available
            go_left = Xc[j][idx] <= t
            for key, mask in ((True, go_left), (False, ~go_left)):
                node.children[key] = self._grow(X, Xc, y, idx[mask], available, depth + 1)
            return node
        for v in self.values_[j]:  # one branch per training value, even when empty here
            sub = idx[X[idx, j] == v]
            node.children[v] = (MultiwayNode(label=node.label, n_samples=0) if len(sub) == 0
                                else self._grow(X, Xc, y, sub, available - {j}, depth + 1))
        return node

    def predict(self, X) -> np.ndarray:
        """Predicted labels for X (M, d) → (M,); an unseen value stops at that node's majority."""
        if not hasattr(self, "root_"):
            raise ValueError("this tree is not fitted yet: call fit(X, y) first")
        X = np.asarray(X, dtype=object)
        if X.ndim != 2 or X.shape[1] != len(self.feature_names_):
            raise ValueError(f"X must have shape (M, {len(self.feature_names_)}), got {X.shape}")
        return np.array([self._predict_one(row) for row in X])

    def _predict_one(self, row):
        node = self.root_
        while node.feature is not None:
            key = float(row[node.feature]) <= node.threshold if node.threshold is not None else row[node.feature]
            if key not in node.children:
                break
            node = node.children[key]
        return node.label

    def to_text(self) -> str:
        """The fitted tree as indented text, one line per branch."""
        lines: list[str] = []
        self._text(self.root_, 0, lines)
        return "\n".join(lines)

    def _text(self, node, indent, lines):
        if node.feature is None:
            lines[-1] += f" → {node.label} ({node.n_samples})" if lines else f"{node.label} ({node.n_samples})"
            return
        name = self.feature_names_[node.feature]
        for key, child in node.children.items():
            cond = (f"{name} {'<=' if key else '>'} {node.threshold:.4g}" if node.threshold is not None
                    else f"{name} = {key}")
            lines.append("|   " * indent + cond)
            self._text(child, indent + 1, lines)

    def depth(self) -> int:
        """Number of edges on the longest root-to-leaf path."""
        def walk(node):
            return 0 if node.feature is None else 1 + max(walk(c) for c in node.children.values())
        return walk(self.root_)


class C45(ID3):
    """C4.5 decision tree: gain ratio among above-average-gain attributes; continuous columns by thresholds.

    ``fit(X, y, continuous=[columns])`` marks numeric columns. See chapter: chapters/trees.md
    """

    uses_gain_ratio = True

    def _choose(self, scores):
        """Largest gain ratio among attributes whose gain is at least the average gain."""
        if not scores:
            return None
        mean_gain = np.mean([s[1] for s in scores])
        candidates = [s for s in scores if s[1] >= mean_gain - 1e-12]
        return max(candidates, key=lambda s: s[2])
