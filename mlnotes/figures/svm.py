"""Figures of the SVM chapter: pure ``draw(ax, ...)`` functions for explore().

Fits are cached per setting in :mod:`mlnotes.svm.experiments`, never computed at import.
See chapter: chapters/svm.md
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from mlnotes.svm.data import moons
from mlnotes.svm.experiments import clean_fits, moons_fit, outlier_fit, soft_margin_fit, subgradient_run
from mlnotes.svm.kernels import KERNELS, rbf_feature_map_1d

NEG, POS, GREY, DARK, BOUND = "#1f5f8b", "#c0392b", "#999999", "#222222", "#e67e22"
CS = (0.01, 0.1, 1.0, 10.0, 100.0)  # the C slider of draw_soft_margin
GAMMAS = (0.1, 0.5, 2.0, 10.0, 50.0)  # the RBF γ slider of draw_kernels
KERNEL_CS = (1.0, 100.0)
POSITIONS = (6.0, 3.0, 1.5, 1.0, 0.5, 0.0, -1.0, -3.0, -6.0)  # the outlier's clean-fit f(x)
TERMS = (1, 2, 3, 5, 8, 12, 20)  # the n_terms slider of draw_rbf_terms
BLOB_BOX = (-5.0, 5.0, -4.0, 4.0)
MOON_BOX = (-1.6, 2.6, -1.2, 1.7)


@lru_cache(maxsize=4)
def _grid(box, n=90):
    x0, x1, y0, y1 = box
    xx, yy = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    return xx, yy, np.c_[xx.ravel(), yy.ravel()]  # (n², 2)


def _points(ax, X, y, s=20):
    """Class −1 in blue, +1 in red (one scatter: fewer artists, faster frames)."""
    ax.scatter(*X.T, s=s, c=np.where(y > 0, POS, NEG), edgecolors="white", linewidths=0.4)


def _margins(ax, model, box, alpha_fill=0.0):
    """The boundary f = 0 (solid) and the margin f = ±1 (dashed) of a fitted SVC."""
    xx, yy, grid = _grid(box)
    f = model.decision_function(grid).reshape(xx.shape)
    if alpha_fill:  # the decision function as a background image (cheaper to rasterise than contourf)
        ax.imshow(np.clip(f, -2, 2), origin="lower", extent=box, cmap="RdBu_r", vmin=-2.5, vmax=2.5,
                  alpha=alpha_fill, interpolation="nearest", aspect="auto")
    ax.contour(xx, yy, f, levels=[-1, 0, 1], colors=DARK, linestyles=["--", "-", "--"], linewidths=[0.8, 1.4, 0.8])


def _support(ax, model, X):
    """Ring the support vectors: black for 0 < α < C (on the margin), orange for α = C (inside or beyond it)."""
    a = model.alpha_[model.support_]
    ax.scatter(*X[model.support_].T, s=70, facecolors="none", linewidths=1.1,
               edgecolors=np.where(a >= model.C, BOUND, "k"))


def draw_soft_margin(ax, data="overlapping", C=1.0):
    """A linear SVM's boundary, margin and support vectors on separable or overlapping blobs at one C."""
    if data not in ("separable", "overlapping"):
        raise ValueError(f"data must be 'separable' or 'overlapping', got {data!r}")
    X, y, model = soft_margin_fit(C, data == "separable")
    _margins(ax, model, BLOB_BOX)
    _points(ax, X, y)
    _support(ax, model, X)
    slack = np.maximum(0, 1 - y * model.decision_function(X)).sum()
    ax.set(xlim=BLOB_BOX[:2], ylim=BLOB_BOX[2:], aspect="equal", xticks=[], yticks=[],
           title=f"{data} data, C = {C:g}\n{len(model.support_)} support vectors, "
                 f"margin 2/‖w‖ = {model.margin_width_:.2f}, Σξ = {slack:.2f}")
    ax.title.set_fontsize(9)


def draw_kernels(ax, kernel="rbf", gamma=2.0, C=1.0):
    """A kernel SVM on two moons: decision function, boundary, margin and support vectors, with accuracies."""
    if kernel not in KERNELS:
        raise ValueError(f"kernel must be one of {KERNELS}, got {kernel!r}")
    X, y, _, _ = moons()
    model, acc_train, acc_test = moons_fit(kernel, gamma if kernel == "rbf" else 0.5, C)
    _margins(ax, model, MOON_BOX, alpha_fill=0.35)
    _points(ax, X, y, s=16)
    _support(ax, model, X)
    what = {"linear": "linear", "poly": "poly (degree 3, γ = 0.5, r = 1)", "rbf": f"RBF, γ = {gamma:g}"}[kernel]
    ax.set(xlim=MOON_BOX[:2], ylim=MOON_BOX[2:], xticks=[], yticks=[],
           title=f"{what}, C = {C:g}: {len(model.support_)} SVs, train acc {acc_train:.3f}, test acc {acc_test:.3f}")
    ax.title.set_fontsize(9)


def draw_rbf(ax, gamma=2.0, C=1.0):
    """An RBF-kernel SVM on two moons at one (γ, C): decision function, margin, support vectors, accuracies."""
    draw_kernels(ax, "rbf", gamma, C)


def draw_outlier(axes, position=6.0):
    """One extra +1 point moved from far on the correct side to far on the wrong side: SVM vs logistic regression."""
    left, right = axes
    X, y, svm0, (v0, c0) = clean_fits(1.0)
    fit = outlier_fit(position)
    x0, x1, y0, y1 = BLOB_BOX
    xs = np.linspace(x0, x1, 2)

    def line(w, b):  # w·x + b = 0 as y(x); |w_y| > 0 for these data
        return -(w[0] * xs + b) / w[1]

    w0 = svm0.coef_[0]
    left.plot(xs, line(w0, svm0.intercept_[0]), color=GREY, ls="--", lw=1, label="SVM without the point")
    left.plot(xs, line(v0, c0), color="#7fb77e", ls=":", lw=1.2, label="LR without the point")
    left.plot(xs, line(fit.svm_w, fit.svm_b), color=DARK, lw=1.6, label="SVM with it")
    left.plot(xs, line(fit.lr_w, fit.lr_b), color="#2e8b57", lw=1.6, label="logistic regression with it")
    _points(left, X, y, s=16)
    left.scatter(*fit.point, s=90, marker="*", color=POS, edgecolors="k", linewidths=0.6, zorder=4)
    left.set(xlim=(x0, x1), ylim=(y0, y1), aspect="equal", xticks=[], yticks=[],
             title=f"extra +1 point at f = {position:g}: its α = {fit.svm_alpha:.2f}\n"
                   f"SVM turns {_degrees(fit.svm_angle)}, LR turns {_degrees(fit.lr_angle)}")
    left.title.set_fontsize(9)
    left.legend(loc="upper left", fontsize=6, framealpha=0.85)
    m = np.linspace(-6.5, 6.5, 400)
    right.plot(m, np.maximum(0, 1 - m), color=DARK, label="hinge max(0, 1 − m)")
    right.plot(m, np.logaddexp(0, -m), color="#2e8b57", label="logistic log(1 + e^(−m))")
    right.plot(m, (m < 0).astype(float), color=GREY, lw=0.8, label="0–1 loss")
    right.axvline(position, color=POS, lw=1, ls=":")
    right.scatter([position, position], [max(0.0, 1 - position), np.logaddexp(0, -position)], color=[DARK, "#2e8b57"],
                  s=18, zorder=3)
    right.set(xlim=(-6.5, 6.5), ylim=(-0.2, 7.6), xlabel="margin m = y·f(x)", ylabel="loss",
              title="the point's margin under the clean fit")
    right.title.set_fontsize(9)
    right.grid(alpha=0.3)
    right.legend(loc="upper right", fontsize=7, frameon=False)


def _degrees(angle) -> str:
    """An angle for a title: 0° when below 1e-9 (exactly unchanged), else two significant digits."""
    return "0°" if angle < 1e-9 else f"{angle:.2g}°"


def draw_rbf_terms(ax, n_terms=3, gamma=1.0):
    """The RBF kernel K(x, z = 0.5) against x, and the inner product of its first n_terms explicit features."""
    x = np.linspace(-3, 3, 301)
    z = np.array([0.5])
    exact = np.exp(-gamma * (x - 0.5) ** 2)
    approx = rbf_feature_map_1d(x, gamma, n_terms) @ rbf_feature_map_1d(z, gamma, n_terms)[0]
    ax.plot(x, exact, color=DARK, lw=2, label="exp(−γ(x − z)²)")
    ax.plot(x, approx, color=POS, lw=1.3, label=f"φ(x)·φ(z), first {n_terms} feature(s)")
    err = np.abs(approx - exact)[np.abs(x) <= 2].max()
    ax.set(xlim=(-3, 3), ylim=(-1.5, 2.5), xlabel="x", ylabel="K(x, z = 0.5)",
           title=f"{n_terms} term(s): max error on |x| ≤ 2 is {err:.1e}")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=7, frameon=False)


LRS = (0.003, 0.03, 0.3)  # the lr slider of draw_subgradient


def draw_subgradient(ax, schedule="sqrt", lr=0.03):
    """Primal objective minus the SMO optimum along full-batch subgradient descent (log-log)."""
    objective, best = subgradient_run(schedule, lr)
    t = np.arange(1, len(objective))
    gap = np.maximum((objective[1:] - best) / best, 1e-12)
    ax.plot(t, gap, color=DARK, lw=1)
    ax.plot(t, np.minimum.accumulate(gap), color=POS, lw=1.2, label="best so far")
    rule = "η₀/√t" if schedule == "sqrt" else "constant η₀"
    ax.set(xscale="log", yscale="log", xlim=(1, len(t)), ylim=(1e-7, 1e2), xlabel="step t",
           ylabel="(J(w_t, b_t) − J*) / J*",
           title=f"step {rule}, η₀ = {lr:g}: best relative gap {gap.min():.1e}")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper right", fontsize=7, frameon=False)
