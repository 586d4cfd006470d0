r"""Learning-rate schedules, gradient clipping and mini-batches.

Warmup then cosine decay, for step $s = 0, \dots, T$ with $W$ warmup steps,
start factor $f_0$ (default $1/(W+1)$), peak $\eta$ and floor $\eta_{\min}$:
$$\eta_s = \begin{cases}
\eta\,\bigl(f_0 + (1 - f_0)\,s/W\bigr) & s < W \quad(\text{default: } \eta\,(s+1)/(W+1)),\\[2pt]
\eta_{\min} + \tfrac12(\eta - \eta_{\min})\bigl(1 + \cos\frac{\pi (s - W)}{T - W}\bigr) & W \le s \le T.
\end{cases}$$
This is exactly torch's ``SequentialLR([LinearLR(start_factor=f0, total_iters=W),
CosineAnnealingLR(T_max=T-W, eta_min=min_lr)], milestones=[W])``, read after $s$ calls
of ``scheduler.step()``. The default $f_0 = 1/(W+1)$ makes the warmup a straight line
through 0 at $s = -1$: no step is taken with $\eta_s = 0$, and $\eta_W = \eta$.

Clipping by global norm, as ``torch.nn.utils.clip_grad_norm_``:
$$\|g\| = \bigl\|(\|g^{(1)}\|_p, \dots, \|g^{(k)}\|_p)\bigr\|_p,\qquad
g^{(i)} \leftarrow g^{(i)}\cdot\min\Bigl(1, \frac{c}{\|g\| + 10^{-6}}\Bigr).$$

See chapter: chapters/optimizers.md
"""

from __future__ import annotations

import math

import numpy as np

from mlnotes._checks import check_array, check_int, check_nonempty, check_real


def _check_schedule(base_lr, warmup_steps, total_steps, min_lr, warmup_start_factor):
    base_lr = check_real("base_lr", base_lr, low=0.0)
    warmup_steps = check_int("warmup_steps", warmup_steps, low=0)
    total_steps = check_int("total_steps", total_steps, low=1)
    if total_steps <= warmup_steps:
        raise ValueError(f"total_steps must be > warmup_steps ({warmup_steps}), got {total_steps}")
    min_lr = check_real("min_lr", min_lr, low=0.0, high=base_lr)
    f0 = 1.0 / (warmup_steps + 1) if warmup_start_factor is None else warmup_start_factor
    f0 = check_real("warmup_start_factor", f0, low=0.0, high=1.0, low_open=True)
    return base_lr, warmup_steps, total_steps, min_lr, f0


def warmup_cosine_lr(step, *, base_lr, warmup_steps, total_steps, min_lr=0.0, warmup_start_factor=None) -> float:
    """Learning rate at ``step`` (0 ≤ step ≤ total_steps): linear warmup, then cosine to ``min_lr``.

    Equal to torch's ``SequentialLR(LinearLR, CosineAnnealingLR)``; see the module docstring. The warmup rises
    from f0·base_lr to base_lr (it may start below ``min_lr``, as torch's does); the cosine phase stays in
    [min_lr, base_lr].
    See chapter: chapters/optimizers.md
    """
    base_lr, W, T, min_lr, f0 = _check_schedule(base_lr, warmup_steps, total_steps, min_lr, warmup_start_factor)
    s = check_int("step", step, low=0, high=T)
    if s < W:
        return base_lr * (f0 + (1.0 - f0) * s / W)  # linear warmup
    return min_lr + (base_lr - min_lr) * (1 + math.cos(math.pi * (s - W) / (T - W))) / 2  # cosine decay


def warmup_cosine_schedule(*, base_lr, warmup_steps, total_steps, min_lr=0.0, warmup_start_factor=None) -> np.ndarray:
    """The whole schedule: ``lr[s] = warmup_cosine_lr(s, ...)`` for s = 0..total_steps, shape (T+1,).

    See chapter: chapters/optimizers.md
    """
    base_lr, W, T, min_lr, f0 = _check_schedule(base_lr, warmup_steps, total_steps, min_lr, warmup_start_factor)
    s = np.arange(T + 1)
    warm = base_lr * (f0 + (1.0 - f0) * s / max(W, 1))
    cos = min_lr + (base_lr - min_lr) * (1 + np.cos(np.pi * (s - W) / (T - W))) / 2
    return np.where(s < W, warm, cos)


def _l2(g: np.ndarray) -> float:
    """‖g‖₂ of all entries, scaled by the largest |g_i| so the squares neither overflow nor underflow to 0."""
    top = float(np.max(np.abs(g), initial=0.0))
    return 0.0 if top == 0.0 else top * float(np.sqrt(np.sum((np.ravel(g) / top) ** 2)))


def clip_grad_norm(grads, max_norm, norm_type=2.0, error_if_nonfinite=True):
    """Scale a list of gradients so their global ``norm_type``-norm is at most ``max_norm``.

    Returns ``(clipped_grads, total_norm)``: new arrays of the input shapes, and the global
    norm *before* clipping, exactly as ``torch.nn.utils.clip_grad_norm_`` (1e-6 in the
    coefficient, clamped at 1). ``norm_type`` is 2.0 or ``inf``. The input is not modified.

    A gradient holding inf or NaN raises ``ValueError`` (torch's ``error_if_nonfinite=True``;
    **torch's default is False**). With ``error_if_nonfinite=False`` it behaves as torch's default:
    the total norm is inf or NaN and every gradient is multiplied by the coefficient
    c/(inf + 1e-6) = 0 (or NaN), so infinite entries become NaN.
    Unlike torch, the 2-norm is scaled by the largest entry (gradients beyond ~1e154 are clipped, not zeroed by an
    infinite norm) and an empty gradient counts as norm 0 for ``inf`` too (torch raises).
    See chapter: chapters/optimizers.md
    """
    if isinstance(grads, np.ndarray) or not isinstance(grads, (list, tuple)):
        raise TypeError(f"grads must be a list of arrays, got {type(grads).__name__}")
    if not isinstance(error_if_nonfinite, bool):
        raise TypeError(f"error_if_nonfinite must be a bool, got {type(error_if_nonfinite).__name__}")
    check_nonempty("grads", grads)
    grads = [check_array(f"grads[{i}]", g, dtype=None, finite=False) for i, g in enumerate(grads)]
    grads = [g if g.dtype.kind == "f" else g.astype(float) for g in grads]
    max_norm = check_real("max_norm", max_norm, low=0.0)
    if norm_type not in (2.0, math.inf):
        raise ValueError(f"norm_type must be 2.0 or inf, got {norm_type!r}")
    finite = all(np.all(np.isfinite(g)) for g in grads)
    if not finite and error_if_nonfinite:
        raise ValueError("the total norm of grads is not finite (a gradient holds inf or NaN); "
                         "pass error_if_nonfinite=False to get torch's default (an inf/NaN norm and NaN gradients)")
    if norm_type == math.inf:
        total = max(float(np.max(np.abs(g), initial=0.0)) for g in grads)
    elif finite:
        norms = [_l2(g) for g in grads]  # ‖g⁽ⁱ⁾‖ per array
        total = float(_l2(np.array(norms)))  # ‖(‖g⁽¹⁾‖, …, ‖g⁽ᵏ⁾‖)‖
    else:  # torch's arithmetic: inf if any entry is ±inf and none is NaN, else NaN
        with np.errstate(invalid="ignore", over="ignore"):
            total = float(np.sqrt(sum(float(np.sum(g.astype(np.float64) ** 2)) for g in grads)))
    coef = min(max_norm / (total + 1e-6), 1.0) if not math.isnan(total) else math.nan  # min(1, c / (‖g‖ + 1e-6))
    with np.errstate(invalid="ignore"):
        return [g * g.dtype.type(coef) for g in grads], total


def minibatches(n, batch_size, rng):
    """An iterator of index arrays covering ``range(n)`` once in a random order, ``batch_size`` at a time.

    The last batch keeps the remainder (it may be smaller). ``batch_size = n`` gives
    full-batch gradient descent (one batch per epoch). ``rng`` is a ``np.random.Generator``.
    See chapter: chapters/optimizers.md
    """
    n = check_int("n", n, low=1)
    batch_size = check_int("batch_size", batch_size, low=1)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    order = rng.permutation(n)  # (n,)
    return (order[start:start + batch_size] for start in range(0, n, batch_size))  # each (≤ batch_size,)
