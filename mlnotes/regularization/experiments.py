"""The measured experiments of the Regularization chapter: data, paths, training runs, cached per setting.

Nothing runs at import; every function is seeded and cached (``functools.lru_cache``).
See chapter: chapters/regularization.md
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from mlnotes.regularization import mlp
from mlnotes.regularization.l1 import lasso_path
from mlnotes.regularization.ridge import ridge_path

PENALTIES = ("L1 (lasso)", "L2 (ridge)", "elastic net (ρ = 0.5)")
BUDGETS = (0.8, 0.5, 0.2)  # the penalty figure's slider: P(w) / P(w_least squares)
DROPOUT_PS = (0.0, 0.2, 0.5)


def penalty_value(penalty: str, W: np.ndarray) -> np.ndarray:
    """P(w) for each column of W (d, m): ‖w‖₁, ½‖w‖², or ρ‖w‖₁ + ½(1 − ρ)‖w‖² with ρ = 0.5."""
    l1, l2 = np.abs(W).sum(axis=0), 0.5 * (W**2).sum(axis=0)
    return {PENALTIES[0]: l1, PENALTIES[1]: l2, PENALTIES[2]: 0.5 * l1 + 0.5 * l2}[penalty]


def path(penalty: str, X: np.ndarray, y: np.ndarray, n_alphas: int):
    """(alphas, coefs (d, m), budget ratio P(w)/P(w_ls) (m,)) along a path from all-zero to least squares.

    X and y must be centred (no intercept). Lasso and elastic net by coordinate descent (α from α_max
    down to 1e-3·α_max, 1e-5·α_max for the elastic net, whose L2 part still shrinks weak directions at
    1e-3), ridge from one SVD (α from 1e4·s₁² down to 1e-6·s₁²).
    """
    w_ls = np.linalg.lstsq(X, y, rcond=None)[0][:, None]
    if penalty == PENALTIES[1]:
        s1 = np.linalg.norm(X, 2) ** 2
        alphas = s1 * np.logspace(4, -6, 4 * n_alphas)
        coefs = ridge_path(X, y, alphas, fit_intercept=False)[0]
    else:
        l1_ratio = 1.0 if penalty == PENALTIES[0] else 0.5
        alphas, coefs = lasso_path(X, y, n_alphas=n_alphas, eps=1e-3 if l1_ratio == 1 else 1e-5, l1_ratio=l1_ratio,
                                   tol=1e-8)
    return alphas, coefs, penalty_value(penalty, coefs) / penalty_value(penalty, w_ls)[0]


@lru_cache(maxsize=1)
def diabetes():
    """scikit-learn's diabetes data (442 × 10): standardized X, centred y, and the feature names."""
    from sklearn.datasets import load_diabetes

    data = load_diabetes()
    X, y = data.data, data.target
    return (X - X.mean(axis=0)) / X.std(axis=0), y - y.mean(), tuple(data.feature_names)


@lru_cache(maxsize=None)
def diabetes_path(penalty: str):
    """The diabetes path of one penalty (see :func:`path`), 50 α's for lasso and elastic net."""
    X, y, _ = diabetes()
    return path(penalty, X, y, 50)


def at_budget(penalty: str, budget: float, paths=diabetes_path):
    """(column index, w) of the path point whose budget ratio is nearest to ``budget``."""
    _, coefs, ratio = paths(penalty)
    k = int(np.argmin(np.abs(ratio - budget)))
    return k, coefs[:, k]


@lru_cache(maxsize=1)
def toy2d():
    """Two correlated features (ρ ≈ 0.5) and y = 2·x₁ + 0.5·x₂ + noise: centred X (200, 2), y (200,)."""
    rng = np.random.default_rng(4)
    z = rng.standard_normal((200, 2))
    X = np.column_stack([z[:, 0], 0.5 * z[:, 0] + np.sqrt(0.75) * z[:, 1]])
    y = X @ np.array([2.0, 0.5]) + rng.standard_normal(200)
    return X - X.mean(axis=0), y - y.mean()


@lru_cache(maxsize=None)
def toy_path(penalty: str):
    """The 2-D toy's path of one penalty, finely sampled (150 α's)."""
    X, y = toy2d()
    return path(penalty, X, y, 150)


# -- training a small network on digits ------------------------------------------------------------
@lru_cache(maxsize=None)
def training_run(p: float, augmented: bool = False):
    """(params, history) of the digits MLP trained with dropout p (and the shift-augmented training set)."""
    X, y, X_val, y_val, _, _ = mlp.digits_split()
    if augmented:
        X, y = mlp.augment(X, y)
    return mlp.train(X, y, X_val, y_val, mlp.TrainConfig(p=p))


@lru_cache(maxsize=1)
def augmentation_table() -> dict:
    """Test accuracy on the digits test set and on a copy shifted by one pixel, without and with augmentation."""
    *_, X_test, y_test = mlp.digits_split()
    shifted = mlp.shifted_copy(X_test)
    out = {}
    for augmented in (False, True):
        params = training_run(0.0, augmented)[0]
        out[augmented] = (mlp.accuracy(params, X_test, y_test), mlp.accuracy(params, shifted, y_test))
    return out


# -- dropout as an ensemble -----------------------------------------------------------------------------
def nwgm_linear_softmax(d: int = 10, classes: int = 3, p: float = 0.5, seed: int = 0):
    """Dropout on the d inputs of a linear softmax layer, every one of the 2^d masks enumerated.

    Returns (normalised weighted geometric mean of the 2^d sub-networks' softmax outputs, the eval-mode
    softmax, their weighted arithmetic mean), each (classes,), for one random input and weight matrix.
    """
    rng = np.random.default_rng(seed)
    W, x = rng.standard_normal((classes, d)), rng.standard_normal(d)
    masks = (np.arange(2**d)[:, None] >> np.arange(d)) & 1  # (2^d, d): every keep-pattern
    prob = np.prod(np.where(masks == 1, 1 - p, p), axis=1)  # (2^d,) P(mask)
    z = (masks * x / (1 - p)) @ W.T  # (2^d, classes): inverted dropout, then the linear layer
    log_soft = z - np.log(np.sum(np.exp(z - z.max(axis=1, keepdims=True)), axis=1, keepdims=True)) - z.max(
        axis=1, keepdims=True)
    geo = np.exp(prob @ log_soft)  # Π_m softmax_m^{P(m)}
    z_eval = W @ x
    soft = np.exp(z_eval - z_eval.max())
    return geo / geo.sum(), soft / soft.sum(), prob @ np.exp(log_soft)


@lru_cache(maxsize=1)
def mc_vs_eval(samples: int = 50):
    """On the digits network trained with p = 0.5: test accuracy of eval mode and of the average over ``samples``
    dropout masks, the share of test images where the two agree, and the mean |difference| of probabilities."""
    params, _ = training_run(0.5)
    *_, X_test, y_test = mlp.digits_split()
    logits = mlp.forward(params, X_test)[0]
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    eval_p = e / e.sum(axis=1, keepdims=True)
    mc_p = mlp.mc_dropout_proba(params, X_test, 0.5, samples, np.random.default_rng(0))
    return dict(eval_acc=float(np.mean(eval_p.argmax(1) == y_test)), mc_acc=float(np.mean(mc_p.argmax(1) == y_test)),
                agree=float(np.mean(eval_p.argmax(1) == mc_p.argmax(1))), mean_abs=float(np.mean(np.abs(eval_p - mc_p))))


# -- why the intercept is not penalised; the lasso and elastic net on duplicated features --------------
def penalised_intercept(offset: float, alpha: float = 50.0):
    """Ridge on diabetes (standardized X, y + offset): training MSE with the intercept unpenalised (as usual) and
    with the intercept as one more penalised column; and both intercepts."""
    from mlnotes.linear.regression import ridge

    X, y, _ = diabetes()
    y = y + offset
    usual = ridge(X, y, alpha)
    ones = np.hstack([X, np.ones((len(y), 1))])
    penalised = ridge(ones, y, alpha, fit_intercept=False)
    mse = lambda pred: float(np.mean((pred - y) ** 2))  # noqa: E731
    return dict(usual_mse=mse(usual.predict(X)), penalised_mse=mse(ones @ penalised.coef),
                usual_intercept=float(usual.intercept), penalised_intercept=float(penalised.coef[-1]),
                usual_coef=usual.coef, penalised_coef=penalised.coef[:-1])


def duplicated_feature(alpha: float = 1.0):
    """Diabetes' bmi column twice: the weights (bmi, copy) of the lasso and the elastic net at ``alpha``, and of
    ridge at 100·alpha (scikit-learn's scales differ by 2n)."""
    from mlnotes.linear.regression import ridge
    from mlnotes.regularization.l1 import lasso

    X, y, _ = diabetes()
    X2 = np.hstack([X, X[:, [2]]])  # a perfect copy of bmi
    return (lasso(X2, y, alpha).coef[[2, -1]], lasso(X2, y, alpha, l1_ratio=0.5).coef[[2, -1]],
            ridge(X2, y, 100 * alpha).coef[[2, -1]])
