r"""Second-order methods: Newton's method and L-BFGS, on any function with a gradient (and a Hessian).

**Newton's method (牛顿法)** jumps to the minimum of the local quadratic model
$f(\theta + \delta) \approx f + g^\top\delta + \tfrac12\delta^\top H\delta$:
$$\theta_{k+1} = \theta_k - H(\theta_k)^{-1}\, g(\theta_k).$$
Near a minimum with $H \succ 0$ the error squares each step, $\lVert e_{k+1}\rVert \le C\lVert e_k\rVert^2$
(**quadratic convergence**). A quadratic is solved in one step. But each step stores $H$ ($n^2$ values) and
solves an $n\times n$ system ($O(n^3)$), and the step heads for *any* point where $g = 0$: at a saddle
$H$ is indefinite and Newton jumps onto it.

**L-BFGS** (limited-memory BFGS; Nocedal, 1980; Liu and Nocedal, 1989) never forms $H$. It keeps the last
$m$ pairs $s_i = \theta_{i+1} - \theta_i$ and $y_i = g_{i+1} - g_i$ (curvature seen along the path) and
computes $d = -H_k g$ with $H_k$ the BFGS inverse-Hessian estimate built from those pairs on top of
$\gamma I$, $\gamma = s^\top y / y^\top y$ (newest pair), by the **two-loop recursion** in $O(mn)$ time and
$2mn$ memory. A pair is kept only if $s^\top y > 10^{-10}$ (positive curvature keeps $H_k \succ 0$).

:func:`lbfgs` follows ``torch.optim.LBFGS`` with ``line_search_fn=None`` (its default): the first step
is $\min(1, 1/\lVert g\rVert_1)\cdot\text{lr}$ along $-g$, every later step is $\text{lr}\cdot d$; it stops
after ``max_iter`` steps or ``max_eval`` evaluations, when $\max|g| \le$ ``tolerance_grad``, when $d$ is
not a descent direction ($g^\top d > -$``tolerance_change``), when the step or the change in $f$ falls
below ``tolerance_change``. Equal to torch iterate for iterate (tested).

See chapter: chapters/optimizers.md
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlnotes._checks import check_array, check_int, check_real


def newton(landscape, x0, steps: int) -> np.ndarray:
    """Newton's method on a landscape with ``grad`` and ``hessian`` (see :mod:`mlnotes.optim.landscapes`).

    Returns the iterates, shape (steps + 1, n), row 0 = ``x0``. A singular Hessian raises
    ``numpy.linalg.LinAlgError``. See chapter: chapters/optimizers.md
    """
    x = check_array("x0", x0, ndim=1).copy()
    steps = check_int("steps", steps, low=0)
    path = [x.copy()]
    for _ in range(steps):
        x = x - np.linalg.solve(landscape.hessian(x), landscape.grad(x))  # θ ← θ − H⁻¹g
        path.append(x.copy())
    return np.array(path)


def two_loop(g, s_hist, y_hist, gamma) -> np.ndarray:
    """d = −H g for the L-BFGS inverse-Hessian estimate H of the pairs (oldest first) on top of γI.

    See chapter: chapters/optimizers.md
    """
    rho = [1.0 / (y @ s) for s, y in zip(s_hist, y_hist)]
    q, alpha = -g, []
    for s, y, r in zip(reversed(s_hist), reversed(y_hist), reversed(rho)):  # newest pair first
        a = r * (s @ q)
        q = q - a * y
        alpha.append(a)
    d = gamma * q  # H₀ = γI
    for s, y, r, a in zip(s_hist, y_hist, rho, reversed(alpha)):  # oldest pair first
        d = d + (a - r * (y @ d)) * s
    return d


@dataclass(frozen=True)
class LBFGSResult:
    """Iterates ``path`` (k + 1, n), the final point ``x``, steps taken ``n_iter``, function evaluations ``n_evals``.

    See chapter: chapters/optimizers.md
    """

    path: np.ndarray
    n_iter: int
    n_evals: int

    @property
    def x(self) -> np.ndarray:
        """The last iterate."""
        return self.path[-1]


def lbfgs(fun, x0, *, lr=1.0, max_iter=20, max_eval=None, tolerance_grad=1e-7, tolerance_change=1e-9,
          history_size=100, line_search=None) -> LBFGSResult:
    """Minimise ``fun`` by L-BFGS; with ``line_search=None``, exactly as ``torch.optim.LBFGS(line_search_fn=None)``.

    ``fun(x) -> (f, grad)`` for x of shape (n,), float64; ``max_eval`` defaults to ``max_iter * 5 // 4`` as
    torch's. ``line_search="backtracking"`` halves each step until it decreases f enough (Armijo:
    f(x + t d) ≤ f(x) + 10⁻⁴ t gᵀd), evaluating f after every step (then ``max_eval`` defaults to
    ``25 * max_iter``). Returns an :class:`LBFGSResult`. See chapter: chapters/optimizers.md
    """
    x = check_array("x0", x0, ndim=1).astype(np.float64)
    lr = check_real("lr", lr, low=0.0, low_open=True)
    max_iter = check_int("max_iter", max_iter, low=1)
    if line_search not in (None, "backtracking"):
        raise ValueError(f"line_search must be None or 'backtracking', got {line_search!r}")
    default_eval = max_iter * 5 // 4 if line_search is None else 25 * max_iter
    max_eval = default_eval if max_eval is None else check_int("max_eval", max_eval, low=1)
    tol_grad = check_real("tolerance_grad", tolerance_grad, low=0.0)
    tol_change = check_real("tolerance_change", tolerance_change, low=0.0)
    m = check_int("history_size", history_size, low=1)
    if not callable(fun):
        raise TypeError(f"fun must be callable, returning (f, grad), got {type(fun).__name__}")
    f, g = fun(x)
    evals, path = 1, [x.copy()]
    s_hist, y_hist, gamma, n_iter = [], [], 1.0, 0
    while np.max(np.abs(g)) > tol_grad and n_iter < max_iter:
        n_iter += 1
        if n_iter == 1:
            d = -g  # steepest descent first
        else:
            s, y = t * d, g - g_prev  # the last step and the change of gradient along it
            if y @ s > 1e-10:  # keep only pairs with positive curvature
                s_hist, y_hist = (s_hist + [s])[-m:], (y_hist + [y])[-m:]
                gamma = (y @ s) / (y @ y)  # H₀ = γI, the curvature of the newest pair
            d = two_loop(g, s_hist, y_hist, gamma)
        g_prev, f_prev = g, f
        t = min(1.0, 1.0 / np.sum(np.abs(g))) * lr if n_iter == 1 else lr
        if g @ d > -tol_change:  # not a descent direction
            break
        if line_search is None:
            x = x + t * d
            path.append(x.copy())
            if n_iter == max_iter:
                break
            f, g = fun(x)
            evals += 1
        else:
            t, f, g, tries = _backtrack(fun, x, f, g, d, t)
            x, evals = x + t * d, evals + tries
            path.append(x.copy())
            if n_iter == max_iter:
                break
        if evals >= max_eval or np.max(np.abs(t * d)) <= tol_change or abs(f - f_prev) < tol_change:
            break
    return LBFGSResult(np.array(path), n_iter, evals)


def _backtrack(fun, x, f, g, d, t, c=1e-4, shrink=0.5, max_tries=50):
    """Halve t until f(x + t d) ≤ f + c·t·gᵀd (Armijo); -> (t, f, grad at x + t d, evaluations used)."""
    slope = g @ d  # < 0: d is a descent direction
    for tries in range(1, max_tries + 1):
        f_new, g_new = fun(x + t * d)
        if f_new <= f + c * t * slope:
            break
        t *= shrink
    return t, f_new, g_new, tries


def as_fun(landscape):
    """A landscape as ``fun(x) -> (f, grad)``, the form :func:`lbfgs` and scipy's ``minimize(jac=True)`` take.

    See chapter: chapters/optimizers.md
    """
    return lambda x: (float(landscape.value(x)), landscape.grad(x))
