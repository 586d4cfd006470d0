r"""Learning rate vs batch size, measured on the chapter's least-squares problem.

With $B$ examples a step, SGD's gradient is the full gradient plus noise of covariance $\approx\Sigma/B$. Near
the minimum, a step of size $\eta$ adds noise $\eta^2\Sigma/B$ while the pull back is $\propto\eta$, so the
loss settles at a **noise floor** above the minimum that grows like $\eta/B$:
$$\mathbb E[L(\theta)] - L^* \;\approx\; \frac{\eta}{4B}\,\operatorname{tr}\Sigma \qquad(\text{SGD, small } \eta).$$
Keeping $\eta/B$ fixed keeps the floor, and in the small-$\eta$ regime the whole curve per epoch: $k$ steps
of batch $B$ at rate $\eta$ move the weights about as far as one step of batch $kB$ at rate $k\eta$. That
is the **linear scaling rule** (Goyal et al., 2017), valid until $\eta$ reaches the curvature limit
$2/\lambda_{\max}$. Adam divides the step by $\sqrt{\hat v} \approx$ the gradient noise $\propto 1/\sqrt B$,
so its floor grows like $\eta/\sqrt B$, and keeping the noise fixed needs $\eta \propto \sqrt B$: the
**square-root rule** (Krizhevsky, 2014 and Hoffer et al., 2017 for SGD; Malladi et al., 2022 derive it
for Adam).

The runs here are plain SGD and Adam (PyTorch's defaults $\beta = (0.9, 0.999)$, $\epsilon = 10^{-8}$),
vectorized over seeds and learning rates; a unit test checks each column equals
:class:`mlnotes.optim.SGD` / :class:`mlnotes.optim.Adam`.

See chapter: chapters/optimizers.md
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from mlnotes._checks import check_int, check_real
from mlnotes.optim.minibatch import regression_data

LRS = tuple(float(v) for v in np.geomspace(1e-3, 3.0, 25))  # the learning-rate grid
BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64, 128, 256)
SLIDER_SIZES = (1, 4, 16, 64, 256)  # the figure's slider (every size is in its right panel)
EPOCHS, SEEDS = 2, 8
OPTIMIZERS = ("SGD", "Adam")
DIVERGED = 1e6


@lru_cache(maxsize=1)
def problem():
    """X (512, 5), y (512,), the least-squares solution w* and the minimum loss L*, and λ_max of XᵀX/N.

    See chapter: chapters/optimizers.md
    """
    X, y, _ = regression_data()
    w_star = np.linalg.lstsq(X, y, rcond=None)[0]
    r = X @ w_star - y
    return X, y, w_star, 0.5 * float(np.mean(r * r)), float(np.linalg.eigvalsh(X.T @ X / len(X))[-1])


def excess_loss(W) -> np.ndarray:
    """L(w) − L* for weights of shape (..., 5); L = ½·mean((Xw − y)²).

    See chapter: chapters/optimizers.md
    """
    X, y, _, loss_min, _ = problem()
    r = W @ X.T - y  # (..., N)
    return 0.5 * np.mean(r * r, axis=-1) - loss_min


class _Runner:
    """SGD or Adam on a stack of weights W (..., d) with one learning rate per row of ``lrs`` (broadcast)."""

    def __init__(self, optimizer, W, lrs):
        if optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {list(OPTIMIZERS)}, got {optimizer!r}")
        self.optimizer, self.W, self.lrs, self.t = optimizer, W, lrs, 0
        self.m, self.v = np.zeros_like(W), np.zeros_like(W)

    def step(self, G):
        self.t += 1
        if self.optimizer == "SGD":
            self.W -= self.lrs * G  # θ ← θ − ηg
            return
        b1, b2, t = 0.9, 0.999, self.t
        self.m = b1 * self.m + (1 - b1) * G  # m_t
        self.v = b2 * self.v + (1 - b2) * (G * G)  # v_t
        denom = np.sqrt(self.v) / (1 - b2**t) ** 0.5 + 1e-8  # √v̂ + ε
        self.W -= (self.lrs / (1 - b1**t)) * (self.m / denom)


def _grad(W, idx):
    """Batch gradients of ½·mean((x·w − y)²): W (S, L, d), idx (S, B) → (S, L, d)."""
    X, y, _, _, _ = problem()
    Xb, yb = X[idx], y[idx]  # (S, B, d), (S, B)
    r = np.einsum("sbd,sld->slb", Xb, W) - yb[:, None, :]  # (S, L, B)
    return np.einsum("slb,sbd->sld", r, Xb) / idx.shape[1]


@lru_cache(maxsize=None)
def final_excess_loss(optimizer: str, batch_size: int, epochs: int = EPOCHS, seeds: int = SEEDS) -> np.ndarray:
    """Excess loss after ``epochs`` epochs from w = 0, for every learning rate of :data:`LRS`; shape (25,).

    Mean over ``seeds`` shuffles; inf where a run left |w| ≤ 1e6 (diverged). Batches are drawn without
    replacement each epoch (the last, smaller batch is dropped so every step has ``batch_size`` examples).
    See chapter: chapters/optimizers.md
    """
    X, *_ = problem()
    n, d = X.shape
    batch_size = check_int("batch_size", batch_size, low=1, high=n)
    epochs, seeds = check_int("epochs", epochs, low=1), check_int("seeds", seeds, low=1)
    lrs = np.array(LRS)
    run = _Runner(optimizer, np.zeros((seeds, len(lrs), d)), lrs[None, :, None])
    rng = np.random.default_rng(0)
    with np.errstate(all="ignore"):
        for _ in range(epochs):
            order = np.argsort(rng.random((seeds, n)), axis=1)  # one permutation per seed
            for start in range(0, n - batch_size + 1, batch_size):
                run.step(_grad(run.W, order[:, start:start + batch_size]))
                np.clip(run.W, -DIVERGED, DIVERGED, out=run.W)  # keep diverged runs finite
        loss = excess_loss(run.W)  # (S, L)
    diverged = np.any(np.abs(run.W) >= DIVERGED, axis=(0, 2)) | ~np.all(np.isfinite(loss), axis=0)
    return np.where(diverged, np.inf, loss.mean(axis=0))


def best_lr(optimizer: str, batch_size: int) -> float:
    """The learning rate with the lowest :func:`final_excess_loss`, refined by a parabola in log–log.

    See chapter: chapters/optimizers.md
    """
    loss = final_excess_loss(optimizer, batch_size)
    k = int(np.argmin(loss))
    lr = np.log(np.array(LRS))
    if 0 < k < len(LRS) - 1 and np.all(np.isfinite(loss[k - 1:k + 2])):
        a, b, _ = np.polyfit(lr[k - 1:k + 2], np.log(loss[k - 1:k + 2]), 2)
        if a > 0:
            return float(np.exp(np.clip(-b / (2 * a), lr[k - 1], lr[k + 1])))
    return float(LRS[k])


def noise_floor(optimizer: str, batch_size: int, lr: float, steps: int = 600, seeds: int = 8) -> float:
    """The stationary excess loss: start at w*, take ``steps`` steps of batches drawn with replacement,
    average L − L* over the second half and the seeds. See chapter: chapters/optimizers.md"""
    X, *_ = problem()
    batch_size = check_int("batch_size", batch_size, low=1, high=len(X))
    lr = check_real("lr", lr, low=0.0, low_open=True)
    steps, seeds = check_int("steps", steps, low=2), check_int("seeds", seeds, low=1)
    _, _, w_star, _, _ = problem()
    run = _Runner(optimizer, np.tile(w_star, (seeds, 1, 1)), lr)  # (S, 1, d)
    rng = np.random.default_rng(1)
    seen = []
    for t in range(steps):
        run.step(_grad(run.W, rng.integers(0, len(X), size=(seeds, batch_size))))
        if t >= steps // 2:
            seen.append(excess_loss(run.W).mean())
    return float(np.mean(seen))


def fitted_exponent(xs, ys) -> float:
    """The slope of log y against log x (least squares): y ∝ x^slope.

    See chapter: chapters/optimizers.md
    """
    return float(np.polyfit(np.log(np.asarray(xs, float)), np.log(np.asarray(ys, float)), 1)[0])
