"""Figures of the Losses & information theory chapter: pure ``draw(ax, ...)`` functions for explore().

Heavy numbers (surfaces, Monte Carlo repeats, divergence curves) are computed once per setting and
cached, never at import. See chapter: chapters/losses.md
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from mlnotes.losses import errata
from mlnotes.losses.classification import _cross_entropy
from mlnotes.losses.experiments import SURFACE_LOSSES  # noqa: F401 - re-exported: the surface figure's dropdown
from mlnotes.losses.experiments import (gd_path, hidden_unit_loss, hidden_unit_minimum, linear_model_loss, loss_surface,
                                        sigmoid_losses)
from mlnotes.losses.information import _log_normal_pdf, kl_divergence, kl_normal
from mlnotes.losses.regression import _huber, _l1, _mse

RIGHT, WRONG, GREY, ACCENT = "#1f5f8b", "#c0392b", "#999999", "#2e8b57"


# -- regression losses ---------------------------------------------------------------------------------------
HUBER_DELTAS = (0.25, 0.5, 1.0, 2.0)


def draw_regression_losses(axes, delta):
    """MSE, MAE and Huber(δ) against the residual (left) and their gradients (right)."""
    r = np.linspace(-3, 3, 601)
    zero = np.zeros_like(r)
    left, right = axes
    for (loss, grad), label, color in [(_mse(r, zero), "MSE  r²", GREY), (_l1(r, zero), "MAE  |r|", ACCENT),
                                       (_huber(r, zero, delta), f"Huber δ = {delta:g}", RIGHT)]:
        left.plot(r, loss, color=color, lw=2 if color == RIGHT else 1.2, label=label)
        right.plot(r, grad, color=color, lw=2 if color == RIGHT else 1.2, label=label)
    for ax in axes:
        ax.axvline(-delta, color=RIGHT, lw=0.6, ls=":")
        ax.axvline(delta, color=RIGHT, lw=0.6, ls=":")
        ax.grid(alpha=0.3)
        ax.set_xlabel("residual r = ŷ − y")
    left.set(xlim=(-3, 3), ylim=(0, 4), title=f"loss: Huber is ½r² inside |r| < {delta:g}, linear outside")
    right.set(xlim=(-3, 3), ylim=(-3.2, 3.2), title=f"gradient: Huber's is clipped at ±{delta:g}")
    left.legend(loc="upper center", fontsize=7, frameon=False)
    for ax in axes:
        ax.title.set_fontsize(8)


# -- why not MSE behind a sigmoid ------------------------------------------------------------------------------
LOGIT_POINTS = (-8.0, -4.0, 0.0, 3.0)


def draw_sigmoid_mse_vs_ce(axes, z0):
    """CE and MSE of σ(z) for label 1 (left) and the size of their gradient in z (right, log scale)."""
    z = np.linspace(-10, 6, 641)
    s, s0 = sigmoid_losses(z), sigmoid_losses(np.array([z0]))
    left, right = axes
    left.plot(z, s["ce"], color=RIGHT, lw=2, label="cross-entropy −log σ(z)")
    left.plot(z, s["mse"], color=WRONG, lw=2, label="MSE (σ(z) − 1)²")
    right.plot(z, np.abs(s["ce_grad"]), color=RIGHT, lw=2, label="|∂CE/∂z| = 1 − σ(z)")
    right.plot(z, np.abs(s["mse_grad"]), color=WRONG, lw=2, label="|∂MSE/∂z| = 2(1 − σ)²σ")
    left.plot([z0, z0], [s0["ce"][0], s0["mse"][0]], "o", color="k", ms=4)
    right.plot([z0, z0], [abs(s0["ce_grad"][0]), abs(s0["mse_grad"][0])], "o", color="k", ms=4)
    left.set(xlim=(-10, 6), ylim=(0, 10.5), xlabel="logit z (label y = 1)",
             title=f"z = {z0:g}: CE {s0['ce'][0]:.3g}, MSE {s0['mse'][0]:.3g}")
    right.set(xlim=(-10, 6), yscale="log", ylim=(1e-5, 3), xlabel="logit z (label y = 1)",
              title=f"gradient at z = {z0:g}: CE {abs(s0['ce_grad'][0]):.3g}, MSE {abs(s0['mse_grad'][0]):.2g}")
    for ax in axes:
        ax.axvline(z0, color="k", lw=0.6, ls=":")
        ax.grid(alpha=0.3)
        ax.legend(loc="upper right", fontsize=7, frameon=False)
        ax.title.set_fontsize(8)


SURFACE_STEPS = (0, 30, 300)


def draw_loss_surface(ax, loss, steps):
    """Logistic regression's mean loss over (w, b), with gradient descent from a saturated start."""
    W, B, Lgrid = loss_surface(loss)
    path = gd_path(loss)[: steps + 1]
    ax.contour(W, B, Lgrid, levels=np.quantile(Lgrid, np.linspace(0.02, 0.98, 14)), colors=GREY, linewidths=0.6)
    ax.plot(path[:, 0], path[:, 1], ".-", color=RIGHT if loss == "cross-entropy" else WRONG, ms=2, lw=1)
    ax.plot(*path[0], "o", color="k", ms=4)
    end = path[-1]
    ax.set(xlim=(W.min(), W.max()), ylim=(B.min(), B.max()), xlabel="weight w", ylabel="bias b")
    ax.set_title(f"{loss}, {steps} GD steps (lr 1) from (−6, 6): w = {end[0]:.2f}, b = {end[1]:.2f}, "
                 f"CE = {float(linear_model_loss(*end)):.3f}", fontsize=8)


# -- KL asymmetry ------------------------------------------------------------------------------------------------
KL_MUS = (-2.0, -1.0, 0.0, 1.0, 2.0)
KL_SIGMAS = (0.6, 1.2, 2.1)  # 0.6: one mode's width; 2.1: the forward-KL optimum
_X = np.linspace(-9, 9, 1801)


def _normal(x, mu, sigma):
    return np.exp(-0.5 * ((x - mu) / sigma) ** 2) / (sigma * np.sqrt(2 * np.pi))


def bimodal_p() -> np.ndarray:
    """P: an equal mixture of N(−2, 0.6²) and N(2, 0.6²), on the grid, as a distribution (sums to 1)."""
    p = 0.5 * _normal(_X, -2, 0.6) + 0.5 * _normal(_X, 2, 0.6)
    return p / p.sum()


def gaussian_q(mu: float, sigma: float) -> np.ndarray:
    """Q = N(mu, sigma²) on the grid, as a distribution."""
    q = _normal(_X, mu, sigma)
    return q / q.sum()


def kl_pairs(mus, sigmas) -> tuple[np.ndarray, np.ndarray]:
    """(KL(P‖Q), KL(Q‖P)) in nats for the bimodal P and Q = N(mu, sigma²), elementwise over equal-length
    arrays mus, sigmas (on the grid, in one vectorized pass)."""
    mus, sigmas = np.atleast_1d(mus).astype(float), np.atleast_1d(sigmas).astype(float)
    q = _normal(_X[None, :], mus[:, None], sigmas[:, None])  # (M, grid)
    q /= q.sum(axis=1, keepdims=True)
    p = np.broadcast_to(bimodal_p(), q.shape)
    return kl_divergence(p, q), kl_divergence(q, p)


@lru_cache(maxsize=None)
def kl_pair(mu: float, sigma: float) -> tuple[float, float]:
    """(KL(P‖Q), KL(Q‖P)) in nats for the bimodal P and Q = N(mu, sigma²), on the grid."""
    fwd, rev = kl_pairs(mu, sigma)
    return float(fwd[0]), float(rev[0])


@lru_cache(maxsize=None)
def kl_best() -> tuple[tuple[float, float], tuple[float, float]]:
    """The (μ, σ) minimizing KL(P‖Q) and the one minimizing KL(Q‖P), over μ ∈ [−3, 3] (step 0.1) × σ ∈ [0.3, 4] (step 0.1)."""
    M, S = np.meshgrid(np.round(np.linspace(-3, 3, 61), 2), np.round(np.linspace(0.3, 4.0, 38), 2))
    fwd, rev = kl_pairs(M.ravel(), S.ravel())
    pick = lambda k: (float(M.ravel()[k]), float(S.ravel()[k]))  # noqa: E731
    return pick(int(np.argmin(fwd))), pick(int(np.argmin(rev)))


def draw_kl_asymmetry(ax, mu, sigma):
    """The bimodal P and Q = N(μ, σ²), with KL(P‖Q) and KL(Q‖P) in the title."""
    dx = _X[1] - _X[0]
    x, p, q = _X[::3], bimodal_p()[::3] / dx, gaussian_q(mu, sigma)[::3] / dx
    ax.fill_between(x, p, color=GREY, alpha=0.5, lw=0, label="P (two modes)")
    ax.plot(x, q, color=RIGHT, lw=2, label=f"Q = N({mu:g}, {sigma:g}²)")
    fwd, rev = kl_pair(mu, sigma)
    ax.set(xlim=(-6, 6), ylim=(0, 0.85), xlabel="x")
    ax.set_title(f"KL(P‖Q) = {fwd:.2f} nats (Q must cover P),  KL(Q‖P) = {rev:.2f} nats (Q must avoid P ≈ 0)",
                 fontsize=8)
    ax.legend(loc="upper left", fontsize=7, frameon=False)
    ax.grid(alpha=0.3)


# -- KL of two Gaussians: closed form vs Monte Carlo -------------------------------------------------------------
MC_SIZES = (10, 100, 1000, 10000)
MC_P, MC_Q = (0.0, 1.0), (1.0, 2.0)  # (μ, σ) of P and Q
MC_REPEATS = 300


@lru_cache(maxsize=None)
def mc_estimates(n: int, repeats: int = MC_REPEATS, seed: int = 0) -> np.ndarray:
    """``repeats`` independent Monte Carlo estimates of KL(P‖Q), each the mean of log p(x) − log q(x) over n draws
    of P: ``kl_normal_mc``'s estimator, vectorized over the repeats."""
    rng = np.random.default_rng(seed + n)
    x = MC_P[0] + MC_P[1] * rng.standard_normal((repeats, n))  # (repeats, n) draws of P
    return np.mean(_log_normal_pdf(x, *MC_P) - _log_normal_pdf(x, *MC_Q), axis=1)


def draw_kl_monte_carlo(ax, n):
    """Histogram of repeated Monte Carlo estimates of KL(N(0,1)‖N(1,2²)) at sample size n, and the exact value."""
    exact = float(kl_normal(*MC_P, *MC_Q))
    est = mc_estimates(n)
    bins = np.linspace(exact - 0.7, exact + 0.7, 71)  # holds every n = 10 estimate (spread ≈ 0.18)
    ax.hist(np.clip(est, bins[0], bins[-1]), bins=bins, color=RIGHT, alpha=0.8)
    ax.axvline(exact, color=WRONG, lw=2, label=f"closed form {exact:.4f}")
    ax.axvline(est.mean(), color="k", lw=1, ls="--", label=f"mean of estimates {est.mean():.4f}")
    ax.set(xlim=(bins[0], bins[-1]), ylim=(0, MC_REPEATS * 1.02), xlabel="Monte Carlo estimate of KL(P‖Q)",
           ylabel=f"count of {MC_REPEATS} repeats")
    ax.set_title(f"n = {n}: spread (std) of the estimates {est.std():.3f}", fontsize=9)
    ax.legend(loc="upper left", fontsize=7, frameon=False)
    ax.grid(alpha=0.3)


# -- errata ----------------------------------------------------------------------------------------------------------
LOSS_ERRATA = ("1: KL sign", "2: softmax denominator", "15: InfoNCE labels")
_SOFTMAX_X = np.array([3.0, 1.0, 0.2, -1.0])


@lru_cache(maxsize=None)
def infonce_demo(b: int = 6, m: int = 2, d: int = 16, seed: int = 0):
    """Unit anchors, noisy positives (same item) and negatives: the (B, B + M) logits at τ = 0.1."""
    rng = np.random.default_rng(seed)
    unit = lambda a: a / np.linalg.norm(a, axis=-1, keepdims=True)  # noqa: E731
    anchor = unit(rng.standard_normal((b, d)))
    positive = unit(anchor + 0.3 * rng.standard_normal((b, d)))
    negatives = unit(rng.standard_normal((m, d)))
    logits = anchor @ np.concatenate([positive, negatives]).T / 0.1
    return anchor, positive, negatives, logits


def _ce_rows(logits, labels):
    q = np.zeros_like(logits)
    q[np.arange(len(labels)), labels] = 1
    return float(_cross_entropy(logits, q, np.ones(logits.shape[1]))[0].mean())


def draw_loss_errata(ax, erratum, notes):
    """One of the notes' mistakes: the right version, or (notes = True) the notes' beside it."""
    if erratum == LOSS_ERRATA[0]:
        mus = np.linspace(-3, 3, 121)
        kl = mus**2 / 2  # KL(N(0,1) ‖ N(μ,1))
        ax.plot(mus, kl, color=RIGHT, lw=2, label="Σ P log(P/Q) = KL ≥ 0, minimum at Q = P")
        if notes:
            ax.plot(mus, -kl, color=WRONG, lw=2, ls="--", label="notes: Σ P log(Q/P) = −KL ≤ 0")
        ax.axhline(0, color="k", lw=0.6)
        ax.set(xlim=(-3, 3), ylim=(-4.8, 4.8), xlabel="μ of Q = N(μ, 1), with P = N(0, 1)", ylabel="nats")
        ax.set_title("KL divergence of P = N(0,1) from Q = N(μ,1)" + (": the notes' sign makes it ≤ 0" if notes
                                                                       else ": ≥ 0, zero only at Q = P"), fontsize=8)
    elif erratum == LOSS_ERRATA[1]:
        k = np.arange(len(_SOFTMAX_X))
        right = np.exp(_SOFTMAX_X) / np.exp(_SOFTMAX_X).sum()
        width = 0.38 if notes else 0.6
        ax.bar(k - (width / 2 if notes else 0), right, width, color=RIGHT, label="e^{x_i} / Σ_j e^{x_j}")
        if notes:
            ax.bar(k + width / 2, errata.softmax_notes(_SOFTMAX_X), width, color=WRONG,
                   label="notes: e^{x_i} / Σ_j e^{x_i} = 1/n")
        ax.set_xticks(k, [f"x = {v:g}" for v in _SOFTMAX_X])
        ax.set(ylim=(0, 1), ylabel="probability")
        ax.set_title("softmax of x = (3, 1, 0.2, −1)" + (": the notes' version is 1/4 for every input" if notes
                                                         else f": max {right.max():.3f}"), fontsize=8)
    else:
        anchor, positive, negatives, logits = infonce_demo()
        b = anchor.shape[0]
        labels = np.zeros(b, dtype=int) if notes else np.arange(b)
        ax.imshow(logits, cmap="Greys", vmin=logits.min(), vmax=logits.max(), aspect="auto")
        ax.plot(labels, np.arange(b), "s", ms=11, mfc="none", mec=WRONG if notes else RIGHT, mew=2)
        ax.axvline(b - 0.5, color=ACCENT, lw=2)
        ax.set_xticks(range(logits.shape[1]), [f"p{j}" for j in range(b)] + [f"n{j}" for j in range(logits.shape[1] - b)])
        ax.set_yticks(range(b), [f"a{i}" for i in range(b)])
        loss = _ce_rows(logits, labels)
        ax.set_title(("notes: labels 0 mark p0 as every row's positive" if notes else "labels arange(B): the diagonal")
                     + f"; InfoNCE = {loss:.3f}", fontsize=8)
    if erratum != LOSS_ERRATA[2]:
        ax.legend(loc="upper center", fontsize=7, frameon=False)
        ax.grid(alpha=0.3)


# -- convexity ---------------------------------------------------------------------------------------------------------
CONVEXITY_MODELS = ("logistic regression", "one hidden unit")


@lru_cache(maxsize=None)
def _convexity_data(model: str):
    g = np.linspace(-6, 6, 121)
    A, Bg = np.meshgrid(g, g)
    if model == CONVEXITY_MODELS[0]:
        f = linear_model_loss
        a, b = np.array([-4.0, 3.0]), np.array([4.5, -2.0])
    else:
        f = hidden_unit_loss
        w, v = hidden_unit_minimum()
        a, b = np.array([w, v]), np.array([-w, -v])
    return A, Bg, f(A, Bg), f, a, b


def draw_convexity(axes, model):
    """The loss over two parameters (left) and along the segment between two points vs the chord (right)."""
    A, Bg, Z, f, a, b = _convexity_data(model)
    left, right = axes
    left.contour(A, Bg, Z, levels=np.quantile(Z, np.linspace(0.02, 0.95, 14)), colors=GREY, linewidths=0.6)
    left.plot([a[0], b[0]], [a[1], b[1]], "-o", color=RIGHT, ms=4, lw=1.5)
    names = ("w", "b") if model == CONVEXITY_MODELS[0] else ("w (input → hidden)", "v (hidden → output)")
    left.set(xlim=(-6, 6), ylim=(-6, 6), xlabel=names[0], ylabel=names[1], title=f"{model}: cross-entropy")
    t = np.linspace(0, 1, 101)
    pts = np.outer(1 - t, a) + np.outer(t, b)
    along = f(pts[:, 0], pts[:, 1])
    chord = (1 - t) * f(*a) + t * f(*b)
    right.plot(t, along, color=RIGHT, lw=2, label="loss along the segment")
    right.plot(t, chord, color=WRONG, lw=1.2, ls="--", label="chord (the convex bound)")
    gap = float(np.max(along - chord))
    right.set(xlim=(0, 1), ylim=(0, 1.15 * float(along.max())), xlabel="t (from one end to the other)",
              title=("loss rises above the chord by " + f"{gap:.3f}: not convex") if gap > 1e-12
              else "loss stays below the chord: convex")
    right.legend(loc="upper right", fontsize=7, frameon=False)
    for ax in axes:
        ax.title.set_fontsize(8)
        ax.grid(alpha=0.3)
