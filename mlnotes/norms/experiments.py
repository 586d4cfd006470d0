r"""Measured facts about normalization layers: erratum 11, small batches, padding, what γ and β can undo.

**Erratum 11.** The notes write the running mean as $\bar\mu \leftarrow p\,\bar\mu + (1-p)\,\mu_t$ with
$p = 0.1$: the new batch then gets weight $0.9$. PyTorch's ``momentum=0.1`` means
$\bar\mu \leftarrow 0.9\,\bar\mu + 0.1\,\mu_t$. From $\bar\mu_0 = 0$ and a constant batch mean $\mu$:
$$\text{torch: } \bar\mu_k = \mu\,(1-0.9^k),\qquad \text{notes: } \bar\mu_k = \mu\,(1-0.1^k).$$
At steady state, with batch means of standard deviation $s$, an EMA with new-batch weight $\alpha$
has standard deviation $s\sqrt{\alpha/(2-\alpha)}$: $0.23\,s$ for torch, $0.90\,s$ for the notes — the
notes' running mean is almost just the last batch mean.

**Small batches.** For a batch of $B$ draws from $\mathcal N(\mu, \sigma^2)$:
$\mathbb E|\mu_B-\mu|/\sigma = \sqrt{2/(\pi B)}$; the biased variance of one value is $0$.

**γ and β can undo the normalization:** with $\gamma = \sqrt{\sigma_B^2+\epsilon}$ and $\beta = \mu_B$,
train-mode BatchNorm returns its input.

**Which entries share statistics** (:func:`statistic_sets`): entry $j$ and entry $i$ are in the same set
$S$ when pushing $x_j$ far up or far down changes $y_i$; the number of sets is the number of
$(\mu, \sigma^2)$ pairs.

The functions that take data keep its floating dtype (float32 in → float32 out); the simulations
that make their own data (``ema_noise``, ``batch_stat_error``, ``bn_train_eval_gap``,
``padding_pollution``) work in float64.

See chapter: chapters/normalization.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_int, check_real
from mlnotes.norms.batchnorm import BatchNorm
from mlnotes.norms.core import as_float, check_eps, check_flag, standardize_over

BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64, 128, 256)


def ema_update(running, batch, momentum=0.1, *, notes=False):
    """One running-statistic update: torch (1−m)·running + m·batch, or the notes' p·running + (1−p)·batch (p = m).

    Works elementwise on floats or arrays, in the floating dtype of ``running`` (the state being updated;
    ``batch`` is cast to it); a 0-d result is returned as a numpy scalar (a float for float64).
    ``notes`` must be a bool. See chapter: chapters/normalization.md
    """
    m = check_real("momentum", momentum, low=0.0, high=1.0)
    notes = check_flag("notes", notes)
    running = as_float("running", running)
    batch = as_float("batch", batch, like=running)
    new = m * running + (1 - m) * batch if notes else (1 - m) * running + m * batch
    return new[()] if new.ndim == 0 else new


def running_mean_trajectory(batch_means, momentum=0.1, *, notes=False, init=0.0) -> np.ndarray:
    """Running mean after each of the T batch means (T,), starting from init: shape (T+1,), batch_means' dtype.

    See chapter: chapters/normalization.md
    """
    means = as_float("batch_means", batch_means, ndim=1)
    m = check_real("momentum", momentum, low=0.0, high=1.0)
    w = means.dtype.type(1 - m if check_flag("notes", notes) else m)  # the weight of the new batch
    r = [means.dtype.type(check_real("init", init))]
    for mu in means:
        r.append((1 - w) * r[-1] + w * mu)  # same as ema_update, without re-checking each value
    return np.array(r, dtype=means.dtype)


def ema_noise(momentum=0.1, *, notes=False, batch_size: int = 16, steps: int = 20000, seed: int = 0) -> dict:
    """Std of the steady-state running mean over batches of N(0, 1): measured and theory s·√(α/(2−α)).

    α is the new-batch weight (m for torch, 1 − p for the notes). See chapter: chapters/normalization.md
    """
    m = check_real("momentum", momentum, low=0.0, high=1.0)
    notes = check_flag("notes", notes)
    b = check_int("batch_size", batch_size, low=1)
    steps = check_int("steps", steps, low=200)
    rng = np.random.default_rng(check_int("seed", seed, low=0))
    means = rng.standard_normal((steps, b)).mean(axis=1)  # (steps,) batch means, std s = 1/√B
    traj = running_mean_trajectory(means, m, notes=notes)[steps // 2:]  # drop the warm-up half
    alpha = 1 - m if notes else m
    return {"measured": float(traj.std()), "theory": float(np.sqrt(alpha / (2 - alpha)) / np.sqrt(b)),
            "batch_mean_std": float(1 / np.sqrt(b))}


def batch_stat_error(batch_sizes=BATCH_SIZES, n_trials: int = 4000, seed: int = 0) -> dict:
    """Mean |μ_B − μ|/σ and |σ²_B − σ²|/σ² (biased σ²_B) over n_trials batches of N(3, 2²), per batch size.

    Returns arrays of len(batch_sizes): "mean_err", "var_err", "mean_err_theory" = √(2/(πB)).
    See chapter: chapters/normalization.md
    """
    sizes = _check_sizes(batch_sizes, low=1)
    n_trials = check_int("n_trials", n_trials, low=10)
    rng = np.random.default_rng(check_int("seed", seed, low=0))
    mu, sigma = 3.0, 2.0
    mean_err, var_err = [], []
    for b in sizes:
        x = mu + sigma * rng.standard_normal((n_trials, b))  # (trials, B)
        mean_err.append(np.mean(np.abs(x.mean(axis=1) - mu)) / sigma)
        var_err.append(np.mean(np.abs(x.var(axis=1) - sigma**2)) / sigma**2)
    sizes_f = np.array(sizes, dtype=float)
    return {"batch_sizes": np.array(sizes), "mean_err": np.array(mean_err), "var_err": np.array(var_err),
            "mean_err_theory": np.sqrt(2 / (np.pi * sizes_f))}


def bn_train_eval_gap(batch_sizes=BATCH_SIZES[1:], num_features: int = 4, warmup: int = 200, n_trials: int = 100,
                      seed: int = 0) -> np.ndarray:
    """Mean |y_train − y_eval| of a BatchNorm trained ``warmup`` steps at each batch size, on fresh batches.

    Inputs ~ N(3, 2²) per feature; γ = 1, β = 0, momentum 0.1. Returns (len(batch_sizes),).
    Batch size 1 is refused, as by torch (one value has no variance). See chapter: chapters/normalization.md
    """
    sizes = _check_sizes(batch_sizes, low=2)
    c = check_int("num_features", num_features, low=1)
    warmup, n_trials = check_int("warmup", warmup, low=1), check_int("n_trials", n_trials, low=1)
    rng = np.random.default_rng(check_int("seed", seed, low=0))
    gaps = []
    for b in sizes:
        bn = BatchNorm(c)
        for _ in range(warmup):
            bn.forward(3.0 + 2.0 * rng.standard_normal((b, c)))  # (B, C): learn running stats
        total = 0.0
        for _ in range(n_trials):
            x = 3.0 + 2.0 * rng.standard_normal((b, c))
            y_train = bn.train().forward(x)  # batch statistics (also nudges the running stats, as in torch)
            y_eval = bn.eval().forward(x)  # running statistics
            total += np.mean(np.abs(y_train - y_eval))
        gaps.append(total / n_trials)
    return np.array(gaps)


def _check_sizes(batch_sizes, low: int) -> tuple:
    if isinstance(batch_sizes, (str, bytes)) or not hasattr(batch_sizes, "__iter__"):
        raise TypeError(f"batch_sizes must be a list of integers, got {type(batch_sizes).__name__}")
    sizes = tuple(check_int("batch_sizes", b, low=low) for b in batch_sizes)
    if not sizes:
        raise ValueError("batch_sizes must not be empty")
    return sizes


def identity_affine_params(x, eps: float = 1e-5):
    """γ = √(σ²_B + eps), β = μ_B per channel of x (N, C, *): with them train-mode BatchNorm returns x; (C,), (C,).

    In x's floating dtype. See chapter: chapters/normalization.md
    """
    x = as_float("x", x)
    if x.ndim < 2 or x.size == 0:
        raise ValueError(f"x must have shape (N, C, *) and not be empty, got {x.shape}")
    axes = (0,) + tuple(range(2, x.ndim))
    eps = check_eps(eps, x.dtype)
    _, mean, var = standardize_over(x, axes, eps)
    return np.sqrt(var.ravel() + eps), mean.ravel()


def statistic_sets(norm, x) -> np.ndarray:
    """Which entries of x share one mean and variance under ``norm``: an int array like x, one label per set S.

    ``norm(x)`` returns y (or a tuple whose first item is y, as :func:`batch_norm`). Entry j joins the set of
    every entry whose output moves when x_j alone is pushed far above, or far below, every other value (one of
    the two pushes reorders j with each member of its set, which moves even a two-value set's ±1 outputs), so
    the sets are found from the computation itself, not from a table; ``labels.max() + 1`` is the number of
    (μ, σ²) pairs. x needs a spread in every set (a constant set gives x̂ = 0 whatever the push).
    See chapter: chapters/normalization.md
    """
    if not callable(norm):
        raise TypeError(f"norm must be a function such as layer_norm, got {type(norm).__name__}")
    x = as_float("x", x)
    if x.size == 0:
        raise ValueError(f"x must not be empty, got shape {x.shape}")

    def run(v):
        out = norm(v)
        return np.asarray(out[0] if isinstance(out, tuple) else out, dtype=np.float64).ravel()

    base, flat = run(x), x.ravel()
    push = 4 * (np.abs(flat).max() + 1)  # beyond every other value, far above rounding
    labels = np.full(x.size, -1)
    for j in range(x.size):
        if labels[j] >= 0:
            continue
        moved = np.zeros(x.size, dtype=bool)
        for sign in (1, -1):
            pushed = flat.copy()
            pushed[j] += sign * push
            moved |= np.abs(run(pushed.reshape(x.shape)) - base) > 1e-4 * (1 + np.abs(base))
        moved[j] = True
        if np.any(labels[moved] >= 0):
            raise ValueError("norm does not split x into disjoint sets (an entry moved two sets)")
        labels[moved] = labels.max() + 1
    return labels.reshape(x.shape)


def padding_pollution(d: int = 8, short: int = 4, companion: tuple = (5, 40), seed: int = 0) -> dict:
    """How much the outputs for one short sentence change when its batch-mate is longer (more padding).

    A sentence of ``short`` tokens (d features) is batched with a sentence of ``companion[0]``
    tokens, then of ``companion[1]`` tokens; shorter sequences are zero-padded to the longest.
    Returns max |Δ| of the short sentence's real-token outputs for BatchNorm over all positions
    (padding included), BatchNorm over real tokens only (masked), and LayerNorm (0: per token),
    plus the padding fraction of each batch. See chapter: chapters/normalization.md
    """
    d, short = check_int("d", d, low=2), check_int("short", short, low=1)
    if not isinstance(companion, (tuple, list)):
        raise TypeError(f"companion must be a pair of lengths, got {type(companion).__name__}")
    if len(companion) != 2:
        raise ValueError(f"companion must be a pair of lengths, got {companion!r}")
    lengths = [check_int("companion", n, low=1) for n in companion]
    rng = np.random.default_rng(check_int("seed", seed, low=0))
    offset = rng.normal(0.0, 2.0, d)  # (d,) embedding features are not centred
    sentence = offset + rng.standard_normal((short, d))  # (short, d)
    outs = {"batchnorm": [], "batchnorm_masked": [], "layernorm": []}
    pad_fraction = []
    for n in lengths:
        other = offset + rng.standard_normal((n, d))  # (n, d)
        t = max(n, short)
        batch = np.zeros((2, t, d))  # (B=2, T, d), zero padding
        batch[0, :short], batch[1, :n] = sentence, other
        mask = np.zeros((2, t), dtype=bool)
        mask[0, :short], mask[1, :n] = True, True
        pad_fraction.append(1 - mask.mean())
        flat = batch.reshape(-1, d)  # (B·T, d): BatchNorm1d over every position
        outs["batchnorm"].append(standardize_over(flat, (0,), 1e-5)[0].reshape(batch.shape)[0, :short])
        real = flat[mask.ravel()]  # (real tokens, d)
        mean, var = real.mean(axis=0), real.var(axis=0)
        outs["batchnorm_masked"].append((sentence - mean) / np.sqrt(var + 1e-5))
        outs["layernorm"].append(standardize_over(batch, (2,), 1e-5)[0][0, :short])  # per token
    result = {k: float(np.max(np.abs(v[1] - v[0]))) for k, v in outs.items()}
    result["pad_fraction"] = tuple(float(p) for p in pad_fraction)
    return result
