r"""Small experiments of the Losses chapter: MSE vs cross-entropy behind a sigmoid, and convexity.

**Why not MSE with a sigmoid.** For one example with label $y = 1$ and logit $z$, $p = \sigma(z)$:
$$\text{CE} = -\log\sigma(z),\ \frac{\partial\,\text{CE}}{\partial z} = \sigma(z) - 1;\qquad
\text{MSE} = (\sigma(z) - 1)^2,\ \frac{\partial\,\text{MSE}}{\partial z} = 2(\sigma(z) - 1)\,\sigma(z)(1-\sigma(z)).$$
The extra factor $\sigma'(z) = \sigma(1-\sigma)$ vanishes when the model is confidently *wrong*
($z \to -\infty$), exactly where learning should be fastest; CE's gradient tends to $-1$ there.

**Convexity (erratum 21).** Logistic regression's loss is convex in its parameters $(w, b)$ (the
Hessian $X^\top\operatorname{diag}(p(1-p))X \succeq 0$). A network is not: with one hidden unit,
$\text{logit} = v\tanh(wx)$, the loss is unchanged under $(w, v) \to (-w, -v)$, so two distinct minima
have the same value while the midpoint $(0, 0)$ has loss $\ln 2$, higher than both: convexity
($L(\tfrac{a+b}2) \le \tfrac{L(a)+L(b)}2$) fails.

See chapter: chapters/losses.md
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from mlnotes.activations.functions import _sigmoid
from mlnotes.losses.stable import _softplus

SURFACE_LOSSES = ("cross-entropy", "MSE")


def sigmoid_losses(z, y: float = 1.0) -> dict:
    """CE and MSE of p = σ(z) against label y, and their derivatives in z, elementwise over z."""
    z = np.asarray(z, dtype=float)
    p = _sigmoid(z)
    return {
        "ce": y * _softplus(-z) + (1 - y) * _softplus(z),  # −[y log p + (1 − y) log(1 − p)]
        "mse": (p - y) ** 2,
        "ce_grad": p - y,
        "mse_grad": 2 * (p - y) * p * (1 - p),  # the extra σ′(z) factor
    }


def logistic_data(n: int = 40, seed: int = 0):
    """1-D binary data: x ~ N(0, 1), y = 1[x + 0.5·noise > 0]; x (n,), y (n,) in {0, 1}."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n)
    return x, (x + 0.5 * rng.standard_normal(n) > 0).astype(float)


def _linear_loss(loss: str, w, b, x, y):
    """Mean loss of the model σ(w x + b) over the data, for arrays w, b of one shape (a grid)."""
    z = np.multiply.outer(w, x) + np.asarray(b)[..., None]  # (*grid, n)
    if loss == "cross-entropy":
        return np.mean(y * _softplus(-z) + (1 - y) * _softplus(z), axis=-1)
    if loss == "MSE":
        return np.mean((_sigmoid(z) - y) ** 2, axis=-1)
    raise ValueError(f"loss must be one of {list(SURFACE_LOSSES)}, got {loss!r}")


def _linear_grad(loss: str, w: float, b: float, x, y):
    z = w * x + b
    p = _sigmoid(z)
    dz = p - y if loss == "cross-entropy" else 2 * (p - y) * p * (1 - p)
    return float(np.mean(dz * x)), float(np.mean(dz))


@lru_cache(maxsize=None)
def loss_surface(loss: str, lim: float = 8.0, n: int = 121):
    """(W, B, L): the mean loss of logistic regression on :func:`logistic_data` over a (w, b) grid."""
    x, y = logistic_data()
    W, B = np.meshgrid(np.linspace(-lim, lim, n), np.linspace(-lim, lim, n))
    return W, B, _linear_loss(loss, W, B, x, y)


@lru_cache(maxsize=None)
def gd_path(loss: str, start: tuple = (-6.0, 6.0), lr: float = 1.0, steps: int = 300) -> np.ndarray:
    """Gradient-descent iterates (steps + 1, 2) of (w, b) on the mean ``loss`` of :func:`logistic_data`."""
    x, y = logistic_data()
    w, b = start
    path = [(w, b)]
    for _ in range(steps):
        gw, gb = _linear_grad(loss, w, b, x, y)
        w, b = w - lr * gw, b - lr * gb
        path.append((w, b))
    return np.array(path)


def linear_model_loss(w, b, loss: str = "cross-entropy"):
    """Mean ``loss`` ('cross-entropy', convex in (w, b), or 'MSE', not convex) of logistic regression σ(w x + b)
    on :func:`logistic_data`."""
    x, y = logistic_data()
    return _linear_loss(loss, np.asarray(w, dtype=float), np.asarray(b, dtype=float), x, y)


def hidden_unit_loss(w, v):
    """Mean cross-entropy of the one-hidden-unit network logit = v·tanh(w x) on :func:`logistic_data`.

    ``w`` and ``v`` are arrays of one shape (a grid); the loss is symmetric: L(w, v) = L(−w, −v).
    """
    x, y = logistic_data()
    w, v = np.asarray(w, dtype=float), np.asarray(v, dtype=float)
    z = v[..., None] * np.tanh(np.multiply.outer(w, x))  # (*grid, n)
    return np.mean(y * _softplus(-z) + (1 - y) * _softplus(z), axis=-1)


@lru_cache(maxsize=None)
def hidden_unit_minimum(steps: int = 3000, lr: float = 0.5) -> tuple[float, float]:
    """A minimum (w*, v*) of :func:`hidden_unit_loss` with w* > 0, found by gradient descent from (0.5, 0.5)."""
    x, y = logistic_data()
    w, v = 0.5, 0.5
    for _ in range(steps):
        t = np.tanh(w * x)
        dz = _sigmoid(v * t) - y  # ∂ CE / ∂ logit
        gw, gv = np.mean(dz * v * (1 - t * t) * x), np.mean(dz * t)
        w, v = w - lr * gw, v - lr * gv
    return float(w), float(v)


def convexity_gap(f, a, b) -> float:
    """f((a + b)/2) − (f(a) + f(b))/2 for points a, b: > 0 proves f is not convex on the segment."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    mid = (a + b) / 2
    return float(f(*mid) - (f(*a) + f(*b)) / 2)


def fit_logits(y, n_classes: int, label_smoothing: float = 0.0, steps: int = 3000, lr: float = 2.0) -> np.ndarray:
    """One logit vector z (n_classes,) shared by every sample, fitted by gradient descent on the mean cross-entropy.

    With class labels ``y`` (N,) the optimum is softmax(z) = the label frequencies (the MLE of a categorical
    distribution); with label smoothing ε the target of each sample becomes (1 − ε)·one-hot + ε/C.
    """
    from mlnotes.losses.classification import _cross_entropy

    y = np.asarray(y)
    q = np.full((len(y), n_classes), label_smoothing / n_classes)
    q[np.arange(len(y)), y] += 1 - label_smoothing  # each sample's target distribution
    q_mean = q.mean(axis=0, keepdims=True)  # the mean CE of a shared z only sees the average target
    z = np.zeros((1, n_classes))
    ones = np.ones(n_classes)
    for _ in range(steps):
        _, g = _cross_entropy(z, q_mean, ones)  # ∂/∂z of the mean loss: softmax(z) − mean target
        z = z - lr * g
    return z[0]


def fit_constant(y, loss: str, delta: float = 1.0) -> float:
    """The constant c minimizing the mean ``loss`` ('MSE', 'MAE' or 'Huber') of c against the data y (a fine grid)."""
    y = np.asarray(y, dtype=float)
    c = np.linspace(y.min(), y.max(), 200_001)
    r = c[:, None] - y[None, :]  # (grid, n)
    if loss == "MSE":
        L = (r * r).mean(axis=1)
    elif loss == "MAE":
        L = np.abs(r).mean(axis=1)
    elif loss == "Huber":
        L = np.where(np.abs(r) < delta, 0.5 * r * r, delta * (np.abs(r) - 0.5 * delta)).mean(axis=1)
    else:
        raise ValueError(f"loss must be 'MSE', 'MAE' or 'Huber', got {loss!r}")
    return float(c[np.argmin(L)])


def label_gradient_weights(p_label) -> dict:
    """|∂loss/∂z| for one example whose (possibly wrong) label the model gives probability p_label, z its logit.

    Cross-entropy: 1 − p (largest for the examples the model disagrees with, e.g. mislabeled ones);
    MAE on the probability, |1 − p|: p(1 − p) (almost 0 for confident disagreement).
    """
    p = np.asarray(p_label, dtype=float)
    return {"ce": 1 - p, "mae": p * (1 - p)}
