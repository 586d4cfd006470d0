"""Known wrong answers to the drills of ``mlnotes/drills/norms.py``: reader code with one realistic mistake each.

numpy only (run alone in the browser too); ``ANSWERS`` maps each drill to its wrong answers
(see ``tests/drill_answers/harness.py``). ``tests/test_drills_norms.py`` imports them to check the hints.
"""

import numpy as np


# -- LayerNorm --------------------------------------------------------------------------------------------
def _layer_norm_with(x, gamma, beta, eps, *, ddof=0, eps_outside=False, axis=-1, affine=True):
    mean, var = x.mean(axis=axis, keepdims=True), x.var(axis=axis, keepdims=True, ddof=ddof)
    x_hat = (x - mean) / (np.sqrt(var) + eps if eps_outside else np.sqrt(var + eps))
    return gamma * x_hat + beta if affine else x_hat


def ln_unbiased_variance(x, gamma, beta, eps=1e-5):
    """np.var(ddof=1): divides by D − 1."""
    return _layer_norm_with(x, gamma, beta, eps, ddof=1)


def ln_eps_outside_root(x, gamma, beta, eps=1e-5):
    """(x − μ)/(σ + eps) instead of (x − μ)/√(σ² + eps)."""
    return _layer_norm_with(x, gamma, beta, eps, eps_outside=True)


def ln_over_batch_axis(x, gamma, beta, eps=1e-5):
    """Statistics over axis 0 (BatchNorm's axis)."""
    return _layer_norm_with(x, gamma, beta, eps, axis=0)


def ln_no_affine(x, gamma, beta, eps=1e-5):
    """Returns x̂: gamma and beta never applied."""
    return _layer_norm_with(x, gamma, beta, eps, affine=False)


def ln_gamma_beta_swapped(x, gamma, beta, eps=1e-5):
    """beta scales and gamma shifts."""
    return _layer_norm_with(x, beta, gamma, eps)


def ln_one_pass_variance(x, gamma, beta, eps=1e-5):
    """σ² = mean(x²) − μ²: right in exact arithmetic, loses ~13 digits when |μ| ≫ σ."""
    mean = x.mean(-1, keepdims=True)
    var = (x**2).mean(-1, keepdims=True) - mean**2
    return gamma * (x - mean) / np.sqrt(np.maximum(var, 0) + eps) + beta


def ln_normalizes_in_place(x, gamma, beta, eps=1e-5):
    """Right numbers, but the caller's x is overwritten (``x -= …``)."""
    x -= x.mean(-1, keepdims=True)
    x /= np.sqrt((x**2).mean(-1, keepdims=True) + eps)
    return gamma * x + beta


# -- BatchNorm --------------------------------------------------------------------------------------------
def _batch_norm_with(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5, *, run_ddof=1,
                     norm_ddof=0, notes=False, eval_batch=False, axes_all=True, eps_out=False, update=True,
                     train_running=False):
    axes = (0,) + tuple(range(2, x.ndim)) if axes_all else (0,)
    shape = (1, -1) + (1,) * (x.ndim - 2)
    rm, rv = running_mean.copy(), running_var.copy()
    if (training and not train_running) or (not training and eval_batch):
        mean, var = x.mean(axis=axes), x.var(axis=axes, ddof=norm_ddof)
    else:
        mean, var = rm, rv
    if training and update:
        w = 1 - momentum if notes else momentum
        rm = (1 - w) * rm + w * x.mean(axis=axes)
        rv = (1 - w) * rv + w * x.var(axis=axes, ddof=run_ddof)
    if mean.ndim == 1:
        mean, var = mean.reshape(shape), var.reshape(shape)
    x_hat = (x - mean) / (np.sqrt(var) + eps if eps_out else np.sqrt(var + eps))
    return gamma.reshape(shape) * x_hat + beta.reshape(shape), rm, rv


def bn_biased_running_var(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    """running_var updated with the biased batch variance (torch uses the unbiased one there)."""
    return _batch_norm_with(x, gamma, beta, running_mean, running_var, training, momentum, eps, run_ddof=0)


def bn_notes_momentum(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    """The notes' convention (erratum 11): the new batch gets weight 1 − momentum."""
    return _batch_norm_with(x, gamma, beta, running_mean, running_var, training, momentum, eps, notes=True)


def bn_unbiased_normalization(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    """Normalizes with the unbiased variance."""
    return _batch_norm_with(x, gamma, beta, running_mean, running_var, training, momentum, eps, norm_ddof=1)


def bn_eval_uses_batch_stats(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    """Eval mode normalizes with the batch statistics."""
    return _batch_norm_with(x, gamma, beta, running_mean, running_var, training, momentum, eps, eval_batch=True)


def bn_train_uses_running_stats(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    """Train mode normalizes with the running statistics."""
    return _batch_norm_with(x, gamma, beta, running_mean, running_var, training, momentum, eps, train_running=True)


def bn_axis_0_only(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    """Statistics over axis 0 only: fine for (N, C), broken for (N, C, H, W)."""
    return _batch_norm_with(x, gamma, beta, running_mean, running_var, training, momentum, eps, axes_all=False)


def bn_eps_outside_root(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    """(x − μ)/(σ + eps)."""
    return _batch_norm_with(x, gamma, beta, running_mean, running_var, training, momentum, eps, eps_out=True)


def bn_no_running_update(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    """Never updates the running statistics."""
    return _batch_norm_with(x, gamma, beta, running_mean, running_var, training, momentum, eps, update=False)


def bn_updates_buffers_in_place(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    """Like nn.BatchNorm: right numbers, but the running statistics are updated in place."""
    y, rm, rv = _batch_norm_with(x, gamma, beta, running_mean, running_var, training, momentum, eps)
    running_mean[:] = rm
    running_var[:] = rv
    return y, running_mean, running_var


ANSWERS = {
    "layer_norm": [ln_unbiased_variance, ln_eps_outside_root, ln_over_batch_axis, ln_no_affine, ln_gamma_beta_swapped,
                   ln_one_pass_variance, ln_normalizes_in_place],
    "batch_norm": [bn_biased_running_var, bn_notes_momentum, bn_unbiased_normalization, bn_eval_uses_batch_stats,
                   bn_train_uses_running_stats, bn_axis_0_only, bn_eps_outside_root, bn_no_running_update,
                   bn_updates_buffers_in_place],
}
