r"""Weight decay vs an L2 penalty in the loss, run with the optimizers of :mod:`mlnotes.optim`.

An L2 term $\frac\lambda2\lVert w\rVert^2$ in the loss adds $\lambda w$ to the gradient. **Weight decay**
shrinks the weights directly, $w \leftarrow (1 - \eta\lambda)w$. For plain SGD the two are the same
update, $w - \eta(g + \lambda w) = (1-\eta\lambda)w - \eta g$, and ``torch.optim.SGD(weight_decay=λ)``
implements it as the L2 gradient. For Adam they differ: ``torch.optim.Adam(weight_decay=λ)`` adds
$\lambda w$ to the gradient *before* the division by $\sqrt{\hat v}$ (so it is L2, scaled per
coordinate), while ``AdamW`` decays the weights separately (decoupled weight decay,
Loshchilov & Hutter, 2019). :mod:`mlnotes.optim`'s SGD, Adam and AdamW follow torch's conventions
(equal to ``torch.optim`` step for step, see chapters/optimizers.md; checked here again in the tests).

See chapter: chapters/regularization.md
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

OPTIMIZERS = ("SGD", "Adam", "AdamW")
FEATURE_SCALES = (1.0, 10.0)  # the second feature's gradients are 10× larger


def problem(seed: int = 0, n: int = 64):
    """Least squares with two features on scales 1 and 10: X (n, 2), y (n,), both float64."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 2)) * np.array(FEATURE_SCALES)
    return X, X @ np.array([1.0, 0.1]) + 0.1 * rng.standard_normal(n)


@lru_cache(maxsize=None)
def final_weights(optimizer: str, weight_decay: float, l2_in_loss: bool, *, lr: float = 0.01, steps: int = 300):
    """Weights after ``steps`` full-batch steps from w = 0 on L = ½·mean((Xw − y)²), as a numpy array (2,).

    ``l2_in_loss=True`` adds (λ/2)‖w‖² to the loss (λw to the gradient) and gives the optimizer
    weight_decay = 0; otherwise the optimizer's own ``weight_decay=λ`` is used.
    """
    from mlnotes import optim

    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {optimizer!r}")
    X, y = problem()
    w = np.zeros(2)
    opt = getattr(optim, optimizer)([w], lr=lr, weight_decay=0.0 if l2_in_loss else weight_decay)
    for _ in range(steps):
        grad = X.T @ (X @ w - y) / len(y)  # ∇ of ½·mean((Xw − y)²)
        if l2_in_loss:
            grad = grad + weight_decay * w  # ∇ of (λ/2)‖w‖²
        opt.step([grad])
    return w.copy()
