r"""Sequential minimal optimization (SMO, 序列最小优化) for the SVM dual, as in LIBSVM.

The soft-margin dual (对偶问题) over $\alpha\in\mathbb R^n$, labels $y_i\in\{-1,+1\}$, kernel matrix $K$:

$$\min_\alpha\ f(\alpha) = \tfrac12\,\alpha^\top Q\,\alpha - \mathbf 1^\top\alpha,\qquad
Q_{ij} = y_i y_j K_{ij},\qquad 0 \le \alpha_i \le C,\qquad y^\top\alpha = 0 .$$

SMO changes two multipliers at a time, the smallest step that keeps $y^\top\alpha = 0$:
$\alpha_i \mathrel{+}= y_i t,\ \alpha_j \mathrel{-}= y_j t$. With the gradient $G = Q\alpha - \mathbf 1$ and
$s = -y \odot G$, along that direction $f$ changes by $-(s_i - s_j)\,t + \tfrac12 a_{ij} t^2$ with
$a_{ij} = K_{ii} + K_{jj} - 2K_{ij}$, so the best step is $t = (s_i - s_j)/a_{ij}$, clipped to the box.

Working set (Fan, Chen & Lin, JMLR 2005, "second-order" selection, LIBSVM's default):
$i = \arg\max_{t\in I_{up}} s_t$, then $j = \arg\min_{t\in I_{low},\,s_t < s_i} -(s_i - s_t)^2 / a_{it}$, with
$I_{up} = \{t: \alpha_t < C, y_t = 1\ \text{or}\ \alpha_t > 0, y_t = -1\}$ and
$I_{low} = \{t: \alpha_t < C, y_t = -1\ \text{or}\ \alpha_t > 0, y_t = 1\}$. The KKT conditions hold to
``tol`` when $\max_{I_{up}} s - \min_{I_{low}} s < \text{tol}$: that is the stopping rule.

The bias: $b = $ the mean of $-y_i G_i$ over the free multipliers ($0 < \alpha_i < C$, which lie exactly
on the margin); with none, the middle of the interval the bounded ones allow (LIBSVM's rule).
The decision function is $f(x) = \sum_i \alpha_i y_i K(x_i, x) + b$.

Why SMO and not a QP library: the book installs nothing new, each step is two lines of algebra
that can be shown, and the steps are the ones LIBSVM (inside ``sklearn.svm.SVC``) takes, so both
land on the same solution.

See chapter: chapters/svm.md
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TAU = 1e-12  # LIBSVM's guard for a_ij <= 0 (a non-positive-definite kernel or two equal points)


@dataclass(frozen=True)
class SMOResult:
    """The solution of the dual: multipliers, bias, iterations and the final KKT gap.

    See chapter: chapters/svm.md
    """

    alpha: np.ndarray  # (n,) in [0, C]
    bias: float
    n_iter: int
    gap: float  # max_{I_up} s − min_{I_low} s at the end (< tol when converged)
    converged: bool


def _working_set(alpha, s, y, K_diag, K, C):
    """(i, j, gap): the pair that violates the KKT conditions most (second-order choice of j)."""
    up = ((alpha < C) & (y > 0)) | ((alpha > 0) & (y < 0))  # α_i may move so that s_i's term rises
    low = ((alpha < C) & (y < 0)) | ((alpha > 0) & (y > 0))
    i = int(np.argmax(np.where(up, s, -np.inf)))
    gap = s[i] - np.min(s, where=low, initial=np.inf)
    b = s[i] - s  # (n,) first-order gain of each candidate j
    a = K_diag[i] + K_diag - 2 * K[i]  # (n,) curvature along the pair's direction
    a = np.where(a > 0, a, TAU)
    score = np.where(low & (b > 0), -(b * b) / a, np.inf)
    return i, int(np.argmin(score)), float(gap)


def _step(alpha, y, C, i, j, s, K):
    """Move α_i by +y_i·t and α_j by −y_j·t with the best t inside the box; returns t."""
    a = K[i, i] + K[j, j] - 2 * K[i, j]
    t = (s[i] - s[j]) / (a if a > 0 else TAU)  # unconstrained minimiser along the pair
    room_i = C - alpha[i] if y[i] > 0 else alpha[i]  # how far α_i may move
    room_j = alpha[j] if y[j] > 0 else C - alpha[j]
    t = min(t, room_i, room_j)
    alpha[i] = alpha[i] + y[i] * t if t < room_i else (C if y[i] > 0 else 0.0)  # land exactly on a bound
    alpha[j] = alpha[j] - y[j] * t if t < room_j else (0.0 if y[j] > 0 else C)
    return t


def smo_solve(K, y, C, tol=1e-3, max_iter=100_000) -> SMOResult:
    """Solve the SVM dual for a kernel matrix K (n, n) and labels y (n,) in {−1, +1}.

    Returns an :class:`SMOResult`; float64 throughout. Inputs are trusted (``SVC.fit`` checks
    them). Source: Platt (1998) and Fan, Chen & Lin (2005), as implemented in LIBSVM.
    See chapter: chapters/svm.md
    """
    K = np.asarray(K, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n = len(y)
    alpha = np.zeros(n)
    G = -np.ones(n)  # ∇f = Qα − 1 at α = 0
    K_diag = np.diag(K).copy()
    gap, n_iter = np.inf, 0
    for n_iter in range(1, max_iter + 1):
        s = -y * G
        i, j, gap = _working_set(alpha, s, y, K_diag, K, C)
        if gap < tol:
            break
        t = _step(alpha, y, C, i, j, s, K)
        G += t * y * (K[:, i] - K[:, j])  # ΔG = Q Δα
    else:
        gap = _working_set(alpha, -y * G, y, K_diag, K, C)[2]
    return SMOResult(alpha, _bias(alpha, y, G, C), n_iter, gap, gap < tol)


def _bias(alpha, y, G, C) -> float:
    """b from the KKT conditions: the mean over free α of −y_i G_i, else the middle of the allowed interval."""
    yG = y * G
    free = (alpha > 0) & (alpha < C)
    if np.any(free):
        return float(-np.mean(yG[free]))
    at_c, at_0 = alpha >= C, alpha <= 0
    upper = (at_c & (y < 0)) | (at_0 & (y > 0))
    lower = (at_c & (y > 0)) | (at_0 & (y < 0))
    ub = np.min(yG, where=upper, initial=np.inf)
    lb = np.max(yG, where=lower, initial=-np.inf)
    return float(-(ub + lb) / 2)
