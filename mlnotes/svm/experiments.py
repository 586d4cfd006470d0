r"""Measurements of the SVM chapter: ours against scikit-learn; one moving outlier, SVM vs logistic regression.

**Against** ``sklearn.svm.SVC``: both solve the same dual with the same working-set rule, so they
must find the same support vectors, dual coefficients $\alpha_i y_i$, intercept and decision
function. LIBSVM keeps kernel values in single precision (``typedef float Qfloat`` in ``svm.cpp``),
so in float64 the two agree to the rounding of a float32 kernel (~1e-6); rounding our kernel matrix
the same way (``gram_dtype="float32"``) leaves only the stopping tolerance.

**Outlier**: one extra $+1$ point placed where the clean fit has $f(x) = p$
(:func:`mlnotes.svm.data.outlier_point`). For $p \ge 1$ the hinge is flat at that point, its
multiplier is 0 and the SVM is *exactly* unchanged; logistic regression's loss
$\log(1 + e^{-m})$ has a nonzero slope everywhere, so it always moves a little. For $p < 1$ the
point becomes a support vector ($\alpha = C$ once it is inside the margin far enough) and pulls the
boundary. The change is measured as the angle between the old and new normals $w$ and the change of
the signed distance $f(\bar x)/\lVert w\rVert$ of the data's centre $\bar x$.

See chapter: chapters/svm.md
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from mlnotes._checks import check_int, check_real
from mlnotes.svm.data import blobs, moons, outlier_point
from mlnotes.svm.svc import SVC

KERNEL_PARAMS = {"linear": {}, "rbf": {"gamma": 0.7}, "poly": {"gamma": 0.5, "degree": 3, "coef0": 1.0}}


def compare_with_sklearn(seed, kernel, *, C=1.0, n=80, tol=1e-12, gram_dtype="float64") -> dict:
    """Fit ours and ``sklearn.svm.SVC`` on two moons (seed): the differences, as a dict of floats.

    Keys: ``same_support`` (bool), ``n_support``, ``dual_coef`` (max |Δ α_i y_i|), ``intercept``,
    ``decision`` (max |Δ f| on the training points and 400 test points). See chapter: chapters/svm.md
    """
    from sklearn.datasets import make_moons
    from sklearn.svm import SVC as SklearnSVC

    seed, n = check_int("seed", seed, low=0), check_int("n", n, low=4)
    if kernel not in KERNEL_PARAMS:
        raise ValueError(f"kernel must be one of {tuple(KERNEL_PARAMS)}, got {kernel!r}")
    X, y = make_moons(n, noise=0.25, random_state=seed)
    X_test = np.random.default_rng(seed).uniform(-1.5, 2.5, size=(400, 2))
    params = KERNEL_PARAMS[kernel]
    ours = SVC(C=C, kernel=kernel, tol=tol, gram_dtype=gram_dtype, **params).fit(X, y)
    ref = SklearnSVC(C=C, kernel=kernel, tol=tol, **params).fit(X, y)
    order = np.argsort(ref.support_)  # LIBSVM lists support vectors class by class
    same = bool(np.array_equal(ref.support_[order], ours.support_))
    both = np.vstack([X, X_test])
    return {
        "same_support": same,
        "n_support": len(ours.support_),
        "dual_coef": float(np.abs(ref.dual_coef_[0][order] - ours.dual_coef_[0]).max()) if same else np.inf,
        "intercept": float(abs(ref.intercept_[0] - ours.intercept_[0])),
        "decision": float(np.abs(ref.decision_function(both) - ours.decision_function(both)).max()),
    }


@dataclass(frozen=True)
class OutlierFit:
    """SVM and logistic-regression fits with one extra +1 point at clean-fit margin ``position``.

    See chapter: chapters/svm.md
    """

    position: float
    point: np.ndarray  # (2,)
    svm_w: np.ndarray  # (2,)
    svm_b: float
    svm_alpha: float  # the extra point's multiplier
    svm_support: np.ndarray  # (n_SV,) indices into the data with the point appended last
    lr_w: np.ndarray
    lr_b: float
    svm_angle: float  # degrees between the new and the clean normal
    svm_shift: float  # change of the data centre's signed distance to the boundary
    lr_angle: float
    lr_shift: float


def _angle(u, v) -> float:
    """Degrees between two 2-D vectors (atan2 of cross and dot: exact near 0, unlike arccos)."""
    return float(np.degrees(np.arctan2(abs(u[0] * v[1] - u[1] * v[0]), u @ v)))


def _logistic(X, y, C):
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=C, tol=1e-8, max_iter=10_000).fit(X, y)
    return model.coef_[0], float(model.intercept_[0])


@lru_cache(maxsize=4)
def clean_fits(C=1.0):
    """(X, y, SVC, (lr_w, lr_b)) on ``blobs(40, separable=True)`` without the outlier.

    See chapter: chapters/svm.md
    """
    X, y = blobs(40, True, 0)
    return X, y, SVC(C=C, kernel="linear", tol=1e-10).fit(X, y), _logistic(X, y, C)


@lru_cache(maxsize=64)
def outlier_fit(position, C=1.0) -> OutlierFit:
    """Both fits with the extra point at clean-fit margin ``position`` (cached). See chapter: chapters/svm.md"""
    position, C = check_real("position", position), check_real("C", C, low=0.0, low_open=True)
    X, y, svm, (v0, c0) = clean_fits(C)
    w0, b0 = svm.coef_[0], svm.intercept_[0]
    point = outlier_point(position, w0, b0, X, y)
    X2, y2 = np.vstack([X, point]), np.append(y, 1.0)
    model = SVC(C=C, kernel="linear", tol=1e-10).fit(X2, y2)
    w, b = model.coef_[0], float(model.intercept_[0])
    v, c = _logistic(X2, y2, C)
    centre = X.mean(0)

    def shift(new_w, new_b, old_w, old_b):  # change of the centre's signed distance to the boundary
        new, old = (new_w @ centre + new_b) / np.linalg.norm(new_w), (old_w @ centre + old_b) / np.linalg.norm(old_w)
        return float(abs(new - old))

    return OutlierFit(position, point, w, b, float(model.alpha_[-1]), model.support_, v, c,
                      _angle(w, w0), shift(w, b, w0, b0), _angle(v, v0), shift(v, c, v0, c0))


@lru_cache(maxsize=64)
def soft_margin_fit(C, separable):
    """The linear SVM on ``blobs(60, separable)`` at one C (cached): (X, y, fitted SVC).

    See chapter: chapters/svm.md
    """
    X, y = blobs(60, bool(separable), 1)
    return X, y, SVC(C=check_real("C", C, low=0.0, low_open=True), kernel="linear", tol=1e-8).fit(X, y)


@lru_cache(maxsize=64)
def moons_fit(kernel, gamma, C):
    """A kernel SVM on the moons training set (cached): (fitted SVC, train accuracy, test accuracy).

    See chapter: chapters/svm.md
    """
    if kernel not in ("linear", "poly", "rbf"):
        raise ValueError(f"kernel must be one of ('linear', 'poly', 'rbf'), got {kernel!r}")
    X, y, X_test, y_test = moons()
    params = {"linear": {}, "poly": {"gamma": gamma, "degree": 3, "coef0": 1.0}, "rbf": {"gamma": gamma}}[kernel]
    model = SVC(C=C, kernel=kernel, tol=1e-3, **params).fit(X, y)
    return model, float(np.mean(model.predict(X) == y)), float(np.mean(model.predict(X_test) == y_test))


@lru_cache(maxsize=16)
def subgradient_run(schedule, lr, n_iter=3000):
    """Subgradient descent on ``blobs(60, separable=False)`` (C = 1) and the dual optimum J* from SMO.

    Returns (objective (n_iter + 1,), J*). See chapter: chapters/svm.md
    """
    from mlnotes.svm.primal import fit_hinge_subgradient

    X, y, model = soft_margin_fit(1.0, False)
    fit = fit_hinge_subgradient(X, y, C=1.0, lr=lr, n_iter=n_iter, schedule=schedule)
    return fit.objective, model.dual_objective()


MISLABELED = (-0.7, 0.6)  # a +1 point placed deep inside the −1 moon


@lru_cache(maxsize=16)
def mislabeled_point(gamma, C):
    """RBF SVMs on the moons with and without one mislabeled point at ``MISLABELED`` (cached).

    Returns a dict: ``f_before``/``f_after`` (the decision function at that point), ``alpha`` (its
    multiplier) and ``changed`` (share of the 400 test points whose prediction flips).
    See chapter: chapters/svm.md
    """
    gamma, C = check_real("gamma", gamma, low=0.0, low_open=True), check_real("C", C, low=0.0, low_open=True)
    X, y, X_test, _ = moons()
    point = np.array([MISLABELED])
    clean = SVC(C=C, kernel="rbf", gamma=gamma).fit(X, y)
    dirty = SVC(C=C, kernel="rbf", gamma=gamma).fit(np.vstack([X, point]), np.append(y, 1.0))
    return {"f_before": float(clean.decision_function(point)[0]), "f_after": float(dirty.decision_function(point)[0]),
            "alpha": float(dirty.alpha_[-1]), "changed": float(np.mean(clean.predict(X_test) != dirty.predict(X_test)))}
