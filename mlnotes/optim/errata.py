r"""The optimizer formulas as the source notes wrote them, wrong, beside the right ones.

Erratum 3 — momentum written as $v \leftarrow b v - \eta g;\ v \leftarrow w + v$: the result
is stored in $v$, so the weight $w$ is never updated.
Right: $v \leftarrow b v - \eta g;\ w \leftarrow w + v$.

Erratum 8 — RMSProp written as $\sigma_t = \sqrt{\beta_2 \sigma_{t-1} + (1-\beta_2) g_t^2}$: the
EMA mixes a root with a square. With a constant gradient $g$ its fixed point solves
$\sigma^2 = \beta_2\sigma + (1-\beta_2) g^2$, i.e.
$\sigma^* = \tfrac12\bigl(\beta_2 + \sqrt{\beta_2^2 + 4(1-\beta_2)g^2}\bigr) \approx \beta_2 \approx 1$
for any $|g| \lesssim 1$: the denominator stops measuring the gradient
and RMSProp degenerates to plain SGD. Right: $\sigma_t = \sqrt{\beta_2 \sigma_{t-1}^2 + (1-\beta_2) g_t^2}$,
which tends to $|g|$.

Erratum 9 — Adam "bias correction" written as $\sigma' = \sigma/(1-\beta_2^t)$ with $\sigma = \sqrt{v}$,
and the update $\theta \leftarrow \theta - \eta\, m / (\sigma' + \delta)$ with uncorrected $m$.
Right: $\hat v = v/(1-\beta_2^t)$ (so $\sqrt{\hat v} = \sigma/\sqrt{1-\beta_2^t}$) and
$\theta \leftarrow \theta - \eta\, \hat m/(\sqrt{\hat v} + \epsilon)$. Ignoring $\epsilon$, the notes' step is
the right one times $(1-\beta_1^t)\sqrt{1-\beta_2^t}$ for any gradients: at $t = 1$ that is
$(1-\beta_1)\sqrt{1-\beta_2} \approx 0.0032$, and it tends to 1 only after $t \gg 1/(1-\beta_2)$.

Erratum 10 — "Adam = RMSProp + momentum + warmup": Adam has no warmup inside. With a
constant gradient, $\hat m_t = g$ and $\hat v_t = g^2$ at every $t$, so every step, the first one
included, moves by $\eta\,|g|/(|g| + \epsilon) \approx \eta$. Warmup is a schedule on $\eta$ put on top.

See chapter: chapters/optimizers.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_array, check_beta, check_int, check_real
from mlnotes.optim.optimizers import Adam


def _check_common(lr, steps):
    return check_real("lr", lr, low=0.0), check_int("steps", steps, low=1)


def momentum_as_in_notes(grad_fn, w0, *, lr, beta, steps) -> np.ndarray:
    """Erratum 3: the notes' ``v = b*v - lr*g; v = w + v``. Returns w over t = 0..steps, shape (steps+1, *w0.shape).

    ``grad_fn(w)`` returns ∇L at w. The weight never moves: every row equals ``w0``.
    See chapter: chapters/optimizers.md
    """
    lr, steps = _check_common(lr, steps)
    beta = check_beta("beta", beta)
    w = check_array("w0", w0).copy()
    v = np.zeros_like(w)
    path = [w.copy()]
    for _ in range(steps):
        v = beta * v - lr * grad_fn(w)
        v = w + v  # the notes' line: the update lands in v, w stays put
        path.append(w.copy())
    return np.array(path)


def momentum_right(grad_fn, w0, *, lr, beta, steps) -> np.ndarray:
    """Erratum 3 fixed: heavy-ball ``v = b*v - lr*g; w = w + v``. Returns w over t = 0..steps, (steps+1, *w0.shape).

    See chapter: chapters/optimizers.md
    """
    lr, steps = _check_common(lr, steps)
    beta = check_beta("beta", beta)
    w = check_array("w0", w0).copy()
    v = np.zeros_like(w)
    path = [w.copy()]
    for _ in range(steps):
        v = beta * v - lr * grad_fn(w)  # v_t = b v_{t−1} − η g
        w = w + v  # w_t = w_{t−1} + v_t
        path.append(w.copy())
    return np.array(path)


def rmsprop_sigma(grads, *, beta2=0.999, as_in_notes=False) -> np.ndarray:
    """Erratum 8: σ_t for t = 1..T from gradients ``grads`` of shape (T, ...), σ_0 = 0; same shape.

    ``as_in_notes=True``: σ_t = √(β₂σ_{t−1} + (1−β₂)g²) (wrong, tends to ≈1);
    otherwise σ_t = √(β₂σ²_{t−1} + (1−β₂)g²) (right, tends to |g| for a constant g).
    See chapter: chapters/optimizers.md
    """
    g = check_array("grads", grads)
    if g.ndim == 0 or g.shape[0] == 0:
        raise ValueError(f"grads must have shape (T, ...) with T >= 1, got {g.shape}")
    beta2 = check_beta("beta2", beta2)
    sigma = np.zeros_like(g[0])
    out = np.empty_like(g)
    for t, g_t in enumerate(g):
        prev = sigma if as_in_notes else sigma**2  # the notes drop the square here
        sigma = np.sqrt(beta2 * prev + (1 - beta2) * g_t**2)
        out[t] = sigma
    return out


def adam_updates(grads, *, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, as_in_notes=False) -> np.ndarray:
    """Erratum 9: Adam's updates Δθ_t = θ_t − θ_{t−1} for t = 1..T, from gradients (T, ...); same shape.

    ``as_in_notes=True``: σ' = √v/(1−β₂ᵗ) and Δθ = −η m/(σ' + ε) with uncorrected m (wrong);
    otherwise the true Adam step (computed by :class:`~mlnotes.optim.optimizers.Adam`).
    See chapter: chapters/optimizers.md
    """
    g = check_array("grads", grads)
    if g.ndim == 0 or g.shape[0] == 0:
        raise ValueError(f"grads must have shape (T, ...) with T >= 1, got {g.shape}")
    lr = check_real("lr", lr, low=0.0)
    beta1, beta2 = check_beta("beta1", beta1), check_beta("beta2", beta2)
    eps = check_real("eps", eps, low=0.0)
    out = np.empty_like(g)
    if not as_in_notes:
        theta = np.zeros_like(g[0])
        opt = Adam([theta], lr=lr, betas=(beta1, beta2), eps=eps)
        for t, g_t in enumerate(g):
            before = theta.copy()
            opt.step([g_t])
            out[t] = theta - before
        return out
    m, v = np.zeros_like(g[0]), np.zeros_like(g[0])
    for t, g_t in enumerate(g, start=1):
        m = beta1 * m + (1 - beta1) * g_t
        v = beta2 * v + (1 - beta2) * g_t**2
        sigma_corr = np.sqrt(v) / (1 - beta2**t)  # the notes: σ' = σ / (1 − β₂ᵗ)
        out[t - 1] = -lr * m / (sigma_corr + eps)  # the notes: uncorrected m
    return out


def adam_step_sizes_constant_grad(steps, *, g=1.0, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8) -> np.ndarray:
    """Erratum 10: |Δθ_t| of Adam for t = 1..steps under a constant scalar gradient ``g``; shape (steps,).

    Every entry is ≈ lr from t = 1 on: Adam has no built-in warmup.
    See chapter: chapters/optimizers.md
    """
    steps = check_int("steps", steps, low=1)
    g = check_real("g", g)
    return np.abs(adam_updates(np.full((steps, 1), g), lr=lr, beta1=beta1, beta2=beta2, eps=eps))[:, 0]
