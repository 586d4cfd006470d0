"""Bad inputs to mlnotes.svm raise ValueError/TypeError with a message naming the argument."""

import numpy as np
import pytest

from mlnotes.figures import svm as figs
from mlnotes.svm import (SVC, blobs, fit_hinge_subgradient, hinge_loss, kernel_matrix, moons, outlier_point,
                         polynomial_feature_map, polynomial_kernel, rbf_feature_map_1d, rbf_kernel, squared_distances,
                         svm_objective)
from mlnotes.svm.experiments import compare_with_sklearn, outlier_fit, soft_margin_fit

X = np.random.default_rng(0).normal(size=(10, 2))
Y = np.where(np.arange(10) < 5, -1.0, 1.0)
X_NAN = X.copy()
X_NAN[0, 0] = np.nan
FITTED = SVC(kernel="linear").fit(X, Y)

CASES = [
    # kernels
    ("rbf gamma 0", lambda: rbf_kernel(X, gamma=0.0), ValueError, "gamma must be > 0"),
    ("rbf gamma str", lambda: rbf_kernel(X, gamma="big"), TypeError, "gamma must be a real number"),
    ("rbf 1-D", lambda: rbf_kernel(np.ones(3)), ValueError, "X must have 2 dimension"),
    ("rbf NaN", lambda: rbf_kernel(X_NAN), ValueError, "X must contain only finite"),
    ("rbf empty", lambda: rbf_kernel(np.zeros((0, 2))), ValueError, "X must be a non-empty 2-D array"),
    ("features differ", lambda: squared_distances(X, np.ones((3, 5))), ValueError,
     "X and Z must have the same number of features"),
    ("poly degree 0", lambda: polynomial_kernel(X, degree=0), ValueError, "degree must be an integer >= 1"),
    ("poly degree float", lambda: polynomial_kernel(X, degree=2.5), TypeError, "degree must be an integer"),
    ("poly coef0 < 0", lambda: polynomial_kernel(X, coef0=-1.0), ValueError, "coef0 must be >= 0"),
    ("kernel name", lambda: kernel_matrix(X, kernel="sigmoid"), ValueError, "kernel must be one of"),
    ("feature map degree", lambda: polynomial_feature_map(X, degree=0), ValueError, "degree must be an integer >= 1"),
    ("rbf map 2-D", lambda: rbf_feature_map_1d(X), ValueError, "x must have 1 dimension"),
    ("rbf map terms", lambda: rbf_feature_map_1d(X[:, 0], n_terms=0), ValueError, "n_terms must be an integer"),
    # SVC
    ("SVC C 0", lambda: SVC(C=0.0), ValueError, "C must be > 0"),
    ("SVC C inf", lambda: SVC(C=np.inf), ValueError, "C must be finite"),
    ("SVC kernel", lambda: SVC(kernel="sigmoid"), ValueError, "kernel must be one of"),
    ("SVC gamma", lambda: SVC(gamma=-1.0), ValueError, "gamma must be > 0"),
    ("SVC gamma str", lambda: SVC(gamma="auto"), TypeError, "gamma must be a real number"),
    ("SVC tol", lambda: SVC(tol=0.0), ValueError, "tol must be > 0"),
    ("SVC max_iter", lambda: SVC(max_iter=0), ValueError, "max_iter must be an integer >= 1"),
    ("SVC gram dtype", lambda: SVC(gram_dtype="float16"), ValueError, "gram_dtype must be"),
    ("SVC one class", lambda: SVC().fit(X, np.ones(10)), ValueError, "exactly two classes"),
    ("SVC three classes", lambda: SVC().fit(X, np.arange(10) % 3), ValueError, "exactly two classes"),
    ("SVC y length", lambda: SVC().fit(X, Y[:-1]), ValueError, r"y must have shape \(10,\)"),
    ("SVC X NaN", lambda: SVC().fit(X_NAN, Y), ValueError, "X must contain only finite"),
    ("SVC one sample", lambda: SVC().fit(X[:1], Y[:1]), ValueError, "at least 2 samples"),
    ("SVC unfitted", lambda: SVC().predict(X), ValueError, "not fitted"),
    ("SVC width", lambda: FITTED.decision_function(np.ones((2, 3))), ValueError, r"X must have shape \(m, 2\)"),
    # primal
    ("hinge NaN", lambda: hinge_loss([np.nan]), ValueError, "margins must contain only finite"),
    ("objective labels", lambda: svm_objective(np.zeros(2), 0.0, X, np.arange(10.0), 1.0), ValueError,
     "y must hold labels −1 and \\+1"),
    ("objective w shape", lambda: svm_objective(np.zeros(3), 0.0, X, Y, 1.0), ValueError, r"w must have shape \(2\)"),
    ("objective C", lambda: svm_objective(np.zeros(2), 0.0, X, Y, -1.0), ValueError, "C must be > 0"),
    ("fit lr", lambda: fit_hinge_subgradient(X, Y, lr=0.0), ValueError, "lr must be > 0"),
    ("fit n_iter", lambda: fit_hinge_subgradient(X, Y, n_iter=0), ValueError, "n_iter must be an integer >= 1"),
    ("fit schedule", lambda: fit_hinge_subgradient(X, Y, schedule="cosine"), ValueError, "schedule must be"),
    ("fit y shape", lambda: fit_hinge_subgradient(X, Y[:3]), ValueError, r"y must have shape \(10\)"),
    # data and experiments
    ("blobs n", lambda: blobs(2), ValueError, "n must be an integer >= 4"),
    ("blobs seed", lambda: blobs(10, True, -1), ValueError, "seed must be an integer >= 0"),
    ("moons noise", lambda: moons(noise=-0.1), ValueError, "noise must be >= 0"),
    ("outlier position", lambda: outlier_point(np.nan, np.ones(2), 0.0, X, Y), ValueError, "position must be finite"),
    ("compare kernel", lambda: compare_with_sklearn(0, "sigmoid"), ValueError, "kernel must be one of"),
    ("outlier C", lambda: outlier_fit(1.0, C=0.0), ValueError, "C must be > 0"),
    ("soft margin C", lambda: soft_margin_fit(-1.0, True), ValueError, "C must be > 0"),
    # figures
    ("figure data", lambda: figs.draw_soft_margin(None, data="moons"), ValueError, "data must be"),
    ("figure kernel", lambda: figs.draw_kernels(None, kernel="sigmoid"), ValueError, "kernel must be one of"),
]


@pytest.mark.parametrize("name,call,exc,match", CASES, ids=[c[0] for c in CASES])
def test_bad_input_raises(name, call, exc, match):
    with pytest.raises(exc, match=match):
        call()
