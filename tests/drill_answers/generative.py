"""Known wrong answers to the generative drills (mlnotes/drills/generative.py): reparameterize and q_sample.

These drills are torch-native: the reader writes torch code, and the checker backpropagates through it. The
browser (Pyodide) has no torch, so there the checkers pass numpy arrays and the reader writes numpy. Hence two
tables with the same labels (function names), whose verdicts must agree case by case and name the same likely
bug (tests/test_drills_oracle.py):

* ``ANSWERS``: torch answers, what the notebook checks. torch is imported only inside these functions.
* ``BROWSER_ANSWERS``: the same mistakes in numpy, plus ``"__solution__"``, the numpy worked solutions the
  browser checks instead of the torch ones.

Most mistakes are formulas that read the same in both libraries: one function takes ``xp`` (torch or numpy,
from the type of its input) and serves both tables. numpy and the standard library only at the top level: this
file is exec'd alone in the browser. tests/test_drills_generative.py imports these functions.
"""

import numpy as np


def _xp(a):
    """torch for a torch tensor, numpy otherwise (the only place the browser answers could reach torch: never)."""
    if type(a).__module__.split(".")[0] == "torch":
        import torch

        return torch
    return np


# -- worked solutions in numpy (the browser checks these instead of the torch solutions) ------------------------
def reparameterize_numpy_solution(mu, logvar, eps):
    """z = μ + σ·ε with σ = exp(½ log σ²), for numpy arrays."""
    return mu + np.exp(0.5 * logvar) * eps


def q_sample_numpy_solution(x0, t, noise, betas):
    """x_t = √ᾱ_t · x0 + √(1 − ᾱ_t) · noise with ᾱ_t = cumprod(1 − betas)[t − 1], for numpy arrays."""
    alpha_bar = np.cumprod(1 - betas)
    a = alpha_bar[t - 1].reshape(-1, *([1] * (x0.ndim - 1)))
    return np.sqrt(a) * x0 + np.sqrt(1 - a) * noise


# -- reparameterize: the same formula in torch and numpy -------------------------------------------------------
def variance_not_std(mu, logvar, eps):
    return mu + _xp(mu).exp(logvar) * eps


def logvar_as_sigma(mu, logvar, eps):
    return mu + logvar * eps


def exponent_sign_flipped(mu, logvar, eps):
    return mu + _xp(mu).exp(-0.5 * logvar) * eps


def eps_missing(mu, logvar, eps):
    return mu + _xp(mu).exp(0.5 * logvar)


def mu_and_sigma_swapped(mu, logvar, eps):
    return _xp(mu).exp(0.5 * logvar) + mu * eps


def sqrt_of_logvar(mu, logvar, eps):
    """NaN where logvar < 0."""
    return mu + _xp(mu).sqrt(logvar) * eps


def sigma_from_first_element(mu, logvar, eps):
    """One σ for all: right values when logvar is constant, but then ∂L/∂logvar lands on element 0 only."""
    return mu + _xp(mu).exp(0.5 * logvar.reshape(-1)[0]) * eps


def fresh_noise(mu, logvar, eps):
    """Draws its own noise instead of using eps."""
    xp = _xp(mu)
    if xp is np:
        return mu + np.exp(0.5 * logvar) * np.random.default_rng().standard_normal(eps.shape).astype(eps.dtype)
    return mu + xp.exp(0.5 * logvar) * xp.randn_like(eps)


def returns_float64(mu, logvar, eps):
    """float32 in → float64 out."""
    z = mu + _xp(mu).exp(0.5 * logvar) * eps
    return z.astype(np.float64) if isinstance(z, np.ndarray) else z.double()


def returns_a_list(mu, logvar, eps):
    """Hostile: a Python list, not an array."""
    return (mu + _xp(mu).exp(0.5 * logvar) * eps).tolist()


def doubles_eps_in_place(mu, logvar, eps):
    """Hostile: right z, but the caller's eps is doubled in place."""
    eps *= 2
    return mu + _xp(mu).exp(0.5 * logvar) * eps / 2


# -- reparameterize: a torch mistake and its numpy counterpart -----------------------------------------------
def detached(mu, logvar, eps):
    """torch: right values, detached from mu and logvar, so no gradient flows."""
    return (mu + (0.5 * logvar).exp() * eps).detach()


_FROZEN = {}


def _detached_numpy(mu, logvar, eps):
    """numpy's counterpart of .detach(): z is computed once per noise draw and reused, so it does not move when mu
    and logvar move (finite differences find zero gradients)."""
    key = (eps.shape, eps.dtype.str, eps.tobytes())
    if key not in _FROZEN:
        _FROZEN[key] = mu + np.exp(0.5 * logvar) * eps
    return _FROZEN[key].copy()


_detached_numpy.__name__ = "detached"


# -- q_sample: the same formula in torch and numpy --------------------------------------------------------------
def _q(x0, t, noise, betas, *, cumprod=True, shift=0, root=True, index=None):
    xp = _xp(x0)
    alpha = 1 - betas
    a_all = xp.cumprod(alpha, 0) if cumprod else alpha
    steps = xp.clip(t - 1 + shift, 0, len(betas) - 1) if index is None else index(t)
    a = a_all[steps].reshape(-1, *([1] * (x0.ndim - 1)))
    return xp.sqrt(a) * x0 + xp.sqrt(1 - a) * noise if root else a * x0 + (1 - a) * noise


def q_alpha_not_cumulative(x0, t, noise, betas):
    return _q(x0, t, noise, betas, cumprod=False)


def q_one_step_late(x0, t, noise, betas):
    """cumprod(1 − betas)[t] (clamped to the last step)."""
    return _q(x0, t, noise, betas, shift=1)


def q_one_step_early(x0, t, noise, betas):
    return _q(x0, t, noise, betas, shift=-1)


def q_no_square_roots(x0, t, noise, betas):
    return _q(x0, t, noise, betas, root=False)


def q_unclamped_index_t(x0, t, noise, betas):
    """cumprod(1 − betas)[t]: one step late, and an IndexError at t = T."""
    return _q(x0, t, noise, betas, index=lambda t: t)


def q_alpha_bar_per_row_2d(x0, t, noise, betas):
    """ᾱ reshaped to (B, 1): fine for points, a broadcasting error for images."""
    xp = _xp(x0)
    a = xp.cumprod(1 - betas, 0)[t - 1].reshape(-1, 1)
    return xp.sqrt(a) * x0 + xp.sqrt(1 - a) * noise


def q_clamps_betas_in_place(x0, t, noise, betas):
    """Hostile: caps the caller's betas at 0.05 in place, then uses them."""
    if _xp(x0) is np:
        np.minimum(betas, 0.05, out=betas)
    else:
        betas.clamp_(max=0.05)
    return _q(x0, t, noise, betas)


def q_returns_float32(x0, t, noise, betas):
    x_t = _q(x0, t, noise, betas)
    return x_t.astype(np.float32) if isinstance(x_t, np.ndarray) else x_t.float()


def q_returns_first_row(x0, t, noise, betas):
    """Hostile: the wrong shape."""
    return _q(x0, t, noise, betas)[:1]


_SHARED = [variance_not_std, logvar_as_sigma, exponent_sign_flipped, eps_missing, mu_and_sigma_swapped,
           sqrt_of_logvar, sigma_from_first_element, fresh_noise, returns_float64, returns_a_list,
           doubles_eps_in_place]
_Q_ANSWERS = [q_alpha_not_cumulative, q_one_step_late, q_one_step_early, q_no_square_roots, q_unclamped_index_t,
              q_alpha_bar_per_row_2d, q_clamps_betas_in_place, q_returns_float32, q_returns_first_row]

ANSWERS = {"reparameterize": _SHARED + [detached], "q_sample": _Q_ANSWERS}
BROWSER_ANSWERS = {
    "__solution__": {"reparameterize": reparameterize_numpy_solution, "q_sample": q_sample_numpy_solution},
    "reparameterize": _SHARED + [_detached_numpy],
    "q_sample": _Q_ANSWERS,
}
