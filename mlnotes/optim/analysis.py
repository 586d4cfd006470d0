r"""Small measurements behind the Optimizers chapter's claims, so the prose quotes computed numbers.

* Adam without bias correction steps $\frac{1-\beta_1^t}{\sqrt{1-\beta_2^t}}$ times the corrected
  step (for a constant gradient and $\epsilon \to 0$): $\approx 3.16$ at $t = 1$ with the defaults,
  but the ratio keeps rising for a while before it decays to 1.
* Momentum's steady state: with a constant gradient $g$, torch's buffer $b_t = \mu b_{t-1} + g$
  tends to $g/(1-\mu)$, so the step is $\eta g/(1-\mu)$: an effective learning rate $\eta/(1-\mu)$.
* Mini-batch noise: a batch of $B$ of the $N$ examples drawn *without replacement* gives a
  gradient whose covariance trace is $\frac{N-B}{N-1}\,\frac{\sigma^2}{B}$ ($\sigma^2$: the trace
  of the per-example gradient covariance); it is 0 at $B = N$ (the exact gradient).
* Plain GD on a quadratic with Hessian eigenvalues $\lambda_i$ is stable iff $\eta < 2/\lambda_{\max}$.
* Random symmetric matrices: the chance that all eigenvalues are positive (a minimum rather
  than a saddle) falls fast with the dimension.
* L-BFGS's curvature pair $y = g(\theta+s) - g(\theta)$ from two different mini-batches is mostly
  sampling noise: its error is many times $\lVert Hs\rVert$ unless both gradients use the same batch.

See chapter: chapters/optimizers.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_array, check_beta, check_int, check_real
from mlnotes.optim.landscapes import run
from mlnotes.optim.optimizers import SGD


def uncorrected_step_ratio(t, beta1: float = 0.9, beta2: float = 0.999) -> np.ndarray:
    """(1 − β₁ᵗ)/√(1 − β₂ᵗ): Adam's step without bias correction over the corrected one.

    ``t``: step numbers ≥ 1 (int or array). Returns a float64 array of ``t``'s shape.
    """
    beta1, beta2 = check_beta("beta1", beta1), check_beta("beta2", beta2)
    t = np.asarray(t)
    if t.dtype.kind not in "iu" or np.any(t < 1):
        raise ValueError(f"t must hold integers ≥ 1, got {t!r}")
    t = t.astype(float)
    return (1 - beta1**t) / np.sqrt(1 - beta2**t)


def momentum_step_ratio(momentum: float, steps: int = 3000) -> float:
    """The last step of torch-style SGD momentum on a constant gradient, over ``lr × g``.

    Tends to 1/(1 − μ): the effective learning rate of momentum is η/(1 − μ)."""
    momentum = check_beta("momentum", momentum)
    steps = check_int("steps", steps, low=2)
    p = np.zeros(1)
    opt = SGD([p], lr=1.0, momentum=momentum)
    before = p.copy()
    for _ in range(steps):
        before = p.copy()
        opt.step([np.ones(1)])
    return float(before[0] - p[0])


def minibatch_gradient_variance(per_example_grads, batch_size: int, draws: int = 4000, seed: int = 0):
    """Measured and predicted noise of a mini-batch gradient drawn without replacement.

    ``per_example_grads``: (N, d) float array, one gradient per example. Returns
    ``(measured, predicted)``: the trace of the covariance of the batch-mean gradient over
    ``draws`` random batches, and (N − B)/(N − 1) · σ²/B with σ² the trace of the per-example
    covariance (population, ddof = 0).
    """
    G = check_array("per_example_grads", per_example_grads, ndim=2)
    n = G.shape[0]
    batch_size = check_int("batch_size", batch_size, low=1, high=n)
    draws = check_int("draws", draws, low=2)
    rng = np.random.default_rng(seed)
    means = np.stack([G[rng.choice(n, size=batch_size, replace=False)].mean(axis=0) for _ in range(draws)])
    measured = float(np.sum(np.var(means, axis=0, ddof=1)))
    sigma2 = float(np.sum(np.var(G, axis=0)))
    predicted = (n - batch_size) / (n - 1) * sigma2 / batch_size
    return measured, predicted


def gd_stable_lr(hessian) -> float:
    """The largest stable learning rate of plain GD on a quadratic: 2 / λ_max(H)."""
    H = check_array("hessian", hessian, ndim=2)
    lam = np.linalg.eigvalsh(H)
    if lam[-1] <= 0:
        raise ValueError(f"hessian must have a positive eigenvalue, got eigenvalues {lam}")
    return 2.0 / float(lam[-1])


def diverges(landscape, x0, lr: float, steps: int) -> bool:
    """True if plain GD/SGD from ``x0`` leaves the finite range within ``steps`` steps."""
    lr = check_real("lr", lr, low=0.0, low_open=True)
    path = run(lambda ps: SGD(ps, lr=lr), landscape, np.asarray(x0, dtype=float), steps)
    return len(path) < steps + 1


def smallest_diverging_lr(landscape, x0, lrs, steps: int) -> float | None:
    """The first learning rate of the increasing grid ``lrs`` at which GD diverges (None if none)."""
    lrs = np.asarray(lrs, dtype=float)
    if lrs.ndim != 1 or np.any(np.diff(lrs) <= 0):
        raise ValueError("lrs must be a strictly increasing 1-D grid")
    for lr in lrs:
        if diverges(landscape, x0, float(lr), steps):
            return float(lr)
    return None


def fraction_positive_definite(dim: int, samples: int = 20000, seed: int = 0) -> float:
    """Share of random symmetric d×d matrices (GOE: A = (M + Mᵀ)/2, M Gaussian) with all eigenvalues > 0.

    A critical point with such a Hessian is a minimum; otherwise it is a saddle or a maximum."""
    dim = check_int("dim", dim, low=1)
    samples = check_int("samples", samples, low=1)
    rng = np.random.default_rng(seed)
    M = rng.standard_normal((samples, dim, dim))  # (S, d, d)
    A = (M + np.swapaxes(M, 1, 2)) / 2
    return float(np.mean(np.linalg.eigvalsh(A)[:, 0] > 0))


def secant_noise(batch_size: int, step: float = 1e-2, draws: int = 200, seed: int = 0):
    """How noisy L-BFGS's curvature pair y = g(θ + s) − g(θ) is with mini-batch gradients, on least squares.

    At θ = 0 of the chapter's regression problem (:func:`mlnotes.optim.minibatch.regression_data`), for random
    steps s of length ``step``: the mean relative error ‖ŷ − Hs‖ / ‖Hs‖ when the two gradients use different
    random batches, and when they use the same batch. Returns ``(different, same)``.
    See chapter: chapters/optimizers.md
    """
    from mlnotes.optim.minibatch import regression_data

    X, y, _ = regression_data()
    n, d = X.shape
    batch_size = check_int("batch_size", batch_size, low=1, high=n)
    step = check_real("step", step, low=0.0, low_open=True)
    rng = np.random.default_rng(seed)
    H = X.T @ X / n  # the exact Hessian; the true y is H s

    def grad(theta, idx):  # mini-batch ∇ of ½(x·θ − y)², (d,)
        return X[idx].T @ (X[idx] @ theta - y[idx]) / len(idx)

    errors = {"different": [], "same": []}
    for _ in range(check_int("draws", draws, low=1)):
        s = rng.standard_normal(d)
        s *= step / np.linalg.norm(s)
        a, b = (rng.choice(n, batch_size, replace=False) for _ in range(2))
        true = H @ s
        for name, (i, j) in (("different", (a, b)), ("same", (a, a))):
            errors[name].append(np.linalg.norm(grad(s, j) - grad(np.zeros(d), i) - true) / np.linalg.norm(true))
    return float(np.mean(errors["different"])), float(np.mean(errors["same"]))
