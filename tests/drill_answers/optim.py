"""Known wrong answers to the Adam drill of ``mlnotes/drills/optim.py``: reader code with one realistic mistake each.

numpy only (run alone in the browser too); ``ANSWERS`` maps the drill to its wrong answers
(see ``tests/drill_answers/harness.py``). ``tests/test_drills_optim.py`` imports them to check the verdicts.
"""

import numpy as np


def _adam_with(param, grad, m, v, t, lr, beta1, beta2, eps, *, correct_m=True, sigma="sqrt", eps_in_sqrt=False,
               t0=0, dtype=float):
    """An Adam step with one knob turned: the shared body of the answers below."""
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    k = t + t0
    m_hat = m / (1 - beta1**k) if correct_m else m
    if sigma == "sqrt":
        root = np.sqrt(v / (1 - beta2**k) + eps) if eps_in_sqrt else np.sqrt(v / (1 - beta2**k)) + eps
    elif sigma == "notes":  # σ / (1 − β2ᵗ)
        root = np.sqrt(v) / (1 - beta2**k) + eps
    else:  # none
        root = np.sqrt(v) + eps
    return (param - lr * m_hat / root).astype(dtype), m.astype(dtype), v.astype(dtype)


def adam_no_bias_correction(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """m and v used raw."""
    return _adam_with(param, grad, m, v, t, lr, beta1, beta2, eps, correct_m=False, sigma="none")


def adam_m_not_corrected(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """v bias-corrected, m not."""
    return _adam_with(param, grad, m, v, t, lr, beta1, beta2, eps, correct_m=False)


def adam_v_not_corrected(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """m bias-corrected, v not."""
    return _adam_with(param, grad, m, v, t, lr, beta1, beta2, eps, sigma="none")


def adam_notes_sigma_correction(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """The notes' version: σ/(1 − β2ᵗ) with raw m."""
    return _adam_with(param, grad, m, v, t, lr, beta1, beta2, eps, correct_m=False, sigma="notes")


def adam_eps_inside_sqrt(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """√(v̂ + eps) instead of √v̂ + eps: only tiny gradients show it."""
    return _adam_with(param, grad, m, v, t, lr, beta1, beta2, eps, eps_in_sqrt=True)


def adam_t_zero_based(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """β^(t+1): t taken as 0-based."""
    return _adam_with(param, grad, m, v, t, lr, beta1, beta2, eps, t0=1)


def adam_t_minus_one(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """β^(t−1): divides by 1 − β⁰ = 0 at t = 1."""
    return _adam_with(param, grad, m, v, t, lr, beta1, beta2, eps, t0=-1)


def adam_float32(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """The right step, returned in float32."""
    return _adam_with(param, grad, m, v, t, lr, beta1, beta2, eps, dtype=np.float32)


def adam_no_eps(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """No eps in the denominator: 0/0 = NaN for a zero gradient."""
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    return param - lr * (m / (1 - beta1**t)) / np.sqrt(v / (1 - beta2**t)), m, v


def adam_wrong_sign(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """Moves along the gradient: param + lr·m̂/(√v̂ + eps)."""
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    return param + lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps), m, v


def adam_swapped_betas(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """beta2 for the first moment, beta1 for the second."""
    return _adam_with(param, grad, m, v, t, lr, beta2, beta1, eps)


def adam_half_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """lr/2 (a mistake the checker has no name for: it reports the update's ratio)."""
    return _adam_with(param, grad, m, v, t, lr / 2, beta1, beta2, eps)


def adam_updates_in_place(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """Right numbers, but param, m and v are updated in place (as torch's optimizer does)."""
    m *= beta1
    m += (1 - beta1) * grad
    v[...] = beta2 * v + (1 - beta2) * grad**2
    param -= lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
    return param, m, v


def adam_forgets_param(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """Updates m and v but returns param unchanged."""
    return (param,) + _adam_with(param, grad, m, v, t, lr, beta1, beta2, eps)[1:]


ANSWERS = {
    "adam_step": [adam_no_bias_correction, adam_m_not_corrected, adam_v_not_corrected, adam_notes_sigma_correction,
                  adam_eps_inside_sqrt, adam_t_zero_based, adam_t_minus_one, adam_float32, adam_no_eps,
                  adam_wrong_sign, adam_swapped_betas, adam_half_step, adam_updates_in_place, adam_forgets_param],
}
