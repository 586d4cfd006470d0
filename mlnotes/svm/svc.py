r"""A kernel support vector classifier (支持向量机) trained by SMO, with scikit-learn's ``SVC`` attributes.

Primal (原问题), soft margin (软间隔) with slack variables (松弛变量) $\xi_i$, over $w$ in the feature space:
$$\min_{w,b,\xi}\ \tfrac12\lVert w\rVert^2 + C\sum_i \xi_i\quad\text{s.t.}\quad y_i(w^\top\varphi(x_i) + b) \ge 1 - \xi_i,\ \xi_i\ge 0,$$
which is $\tfrac12\lVert w\rVert^2 + C\sum_i \max(0, 1 - y_i f(x_i))$: the hinge loss (合页损失).
Its dual (see :mod:`mlnotes.svm.smo`) gives $w = \sum_i \alpha_i y_i \varphi(x_i)$ and
$f(x) = \sum_i \alpha_i y_i K(x_i, x) + b$. Support vectors (支持向量) are the $x_i$ with $\alpha_i > 0$.
KKT (complementary slackness): $\alpha_i = 0 \Rightarrow y_i f(x_i) \ge 1$;
$0 < \alpha_i < C \Rightarrow y_i f(x_i) = 1$; $\alpha_i = C \Rightarrow y_i f(x_i) \le 1$.
The margin (间隔) is $2/\lVert w\rVert$ wide, $\lVert w\rVert^2 = \alpha^\top Q\alpha$.

See chapter: chapters/svm.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_array, check_int, check_real
from mlnotes.svm.kernels import KERNELS, kernel_matrix
from mlnotes.svm.smo import smo_solve


class SVC:
    """Binary kernel SVM: ``SVC(C=1.0, kernel="rbf", gamma="scale", degree=3, coef0=0.0, tol=1e-3)``.

    ``fit(X (n, D), y (n,) with exactly two classes)``; afterwards, as in ``sklearn.svm.SVC``:
    ``classes_`` (2,), ``support_`` (n_SV,) indices (ascending), ``support_vectors_`` (n_SV, D),
    ``dual_coef_`` (1, n_SV) = α_i y_i, ``intercept_`` (1,), ``n_iter_``, ``coef_`` (1, D) for the
    linear kernel only, ``alpha_`` (n,). ``decision_function(X) -> (m,)``, positive for
    ``classes_[1]``; ``predict(X) -> (m,)`` labels. ``gamma="scale"`` is 1/(D·Var(X)) as in
    scikit-learn. Float64 inside; ``gram_dtype="float32"`` rounds the training kernel matrix to
    float32 first, as LIBSVM's kernel cache does (then the multipliers match scikit-learn's to
    ~1e-10). Raises ValueError on bad input.
    See chapter: chapters/svm.md
    """

    def __init__(self, C=1.0, kernel="rbf", gamma="scale", degree=3, coef0=0.0, tol=1e-3, max_iter=100_000,
                 gram_dtype="float64"):
        self.C = check_real("C", C, low=0.0, low_open=True)
        if kernel not in KERNELS:
            raise ValueError(f"kernel must be one of {KERNELS}, got {kernel!r}")
        self.kernel = kernel
        if not (isinstance(gamma, str) and gamma == "scale"):
            check_real("gamma", gamma, low=0.0, low_open=True)
        self.gamma = gamma
        self.degree = check_int("degree", degree, low=1)
        self.coef0 = check_real("coef0", coef0, low=0.0)
        self.tol = check_real("tol", tol, low=0.0, low_open=True)
        self.max_iter = check_int("max_iter", max_iter, low=1)
        if gram_dtype not in ("float64", "float32"):
            raise ValueError(f"gram_dtype must be 'float64' or 'float32', got {gram_dtype!r}")
        self.gram_dtype = gram_dtype

    # -- fitting -------------------------------------------------------------------------------
    def fit(self, X, y) -> "SVC":
        """Solve the dual by SMO on X (n, D) and labels y (n,) of two classes. Returns self."""
        X = check_array("X", X, ndim=2, dtype=np.float64)
        if X.shape[0] < 2 or X.shape[1] == 0:
            raise ValueError(f"X must be a 2-D array with at least 2 samples and 1 feature, got shape {X.shape}")
        y = np.asarray(y)
        if y.shape != (X.shape[0],):
            raise ValueError(f"y must have shape ({X.shape[0]},), got {y.shape}")
        self.classes_ = np.unique(y)
        if len(self.classes_) != 2:
            raise ValueError(f"y must hold exactly two classes, got {len(self.classes_)}: {self.classes_[:5]}")
        sign = np.where(y == self.classes_[1], 1.0, -1.0)  # classes_[1] is +1, as in scikit-learn
        self.gamma_ = 1.0 / (X.shape[1] * X.var()) if self.gamma == "scale" and X.var() > 0 else (
            1.0 if self.gamma == "scale" else float(self.gamma))
        K = self._kernel(X, X)
        if self.gram_dtype == "float32":  # LIBSVM caches kernel values as C floats (its Qfloat)
            K = K.astype(np.float32).astype(np.float64)
        result = smo_solve(K, sign, self.C, tol=self.tol, max_iter=self.max_iter)
        self.alpha_, self.n_iter_, self.converged_ = result.alpha, result.n_iter, result.converged
        self.support_ = np.flatnonzero(result.alpha > 0)
        self.support_vectors_ = X[self.support_]
        self.dual_coef_ = (result.alpha * sign)[self.support_][None, :]  # (1, n_SV): α_i y_i
        self.intercept_ = np.array([result.bias])
        self._y, self._K = sign, K
        return self

    def _kernel(self, A, B):
        return kernel_matrix(A, B, self.kernel, gamma=self.gamma_, degree=self.degree, coef0=self.coef0)

    def _fitted(self):
        if not hasattr(self, "support_"):
            raise ValueError("this SVC is not fitted yet: call fit(X, y) first")

    # -- using the fit -------------------------------------------------------------------------
    def decision_function(self, X) -> np.ndarray:
        """f(x) = Σ α_i y_i K(x_i, x) + b for each row of X (m, D) -> (m,)."""
        self._fitted()
        X = check_array("X", X, ndim=2, dtype=np.float64)
        if X.shape[1] != self.support_vectors_.shape[1]:
            raise ValueError(f"X must have shape (m, {self.support_vectors_.shape[1]}), got {X.shape}")
        return self._kernel(X, self.support_vectors_) @ self.dual_coef_[0] + self.intercept_[0]

    def predict(self, X) -> np.ndarray:
        """Labels (m,): classes_[1] where f(x) > 0, else classes_[0]."""
        return np.where(self.decision_function(X) > 0, self.classes_[1], self.classes_[0])

    @property
    def coef_(self) -> np.ndarray:
        """w = Σ α_i y_i x_i (1, D): only for the linear kernel (else the feature space has no finite w here)."""
        self._fitted()
        if self.kernel != "linear":
            raise AttributeError("coef_ exists only for kernel='linear'")
        return self.dual_coef_ @ self.support_vectors_

    @property
    def w_norm_(self) -> float:
        """‖w‖ in the feature space, from αᵀQα (any kernel)."""
        self._fitted()
        ay = self.alpha_ * self._y
        return float(np.sqrt(max(ay @ self._K @ ay, 0.0)))

    @property
    def margin_width_(self) -> float:
        """2/‖w‖: the width of the band between f = −1 and f = +1."""
        return 2.0 / self.w_norm_

    def dual_objective(self) -> float:
        """Σα − ½ αᵀQα at the solution (the dual maximised)."""
        self._fitted()
        return float(self.alpha_.sum() - self.w_norm_**2 / 2)

    def primal_objective(self, X) -> float:
        """½‖w‖² + C Σ max(0, 1 − y_i f(x_i)) on the training set X (n, D)."""
        margins = self._y * self.decision_function(X)
        return float(self.w_norm_**2 / 2 + self.C * np.maximum(0.0, 1 - margins).sum())
