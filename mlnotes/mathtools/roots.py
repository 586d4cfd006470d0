r"""Newton's method (牛顿法): roots by tangent lines, √2 to machine precision, and Newton steps for minimization.

Replace $f$ by its first-order Taylor expansion at $x_k$ and solve for its root:
$$f(x) \approx f(x_k) + f'(x_k)(x - x_k) = 0 \;\Rightarrow\; x_{k+1} = x_k - \frac{f(x_k)}{f'(x_k)} .$$
For $f(x) = x^2 - a$ this is Heron's rule $x_{k+1} = \tfrac12(x_k + a/x_k)$. Near a simple root $r$ the error
squares at every step, $e_{k+1} \approx \frac{f''(r)}{2f'(r)}\,e_k^2$ (here $e_{k+1} = e_k^2/(2x_k)$): the number
of correct digits roughly doubles (**quadratic convergence**, 二次收敛). Far from a root it can cycle or diverge.

For **minimization** apply it to $\nabla L = 0$: $\theta_{k+1} = \theta_k - H^{-1}\nabla L(\theta_k)$ with the
Hessian $H$. On a quadratic it lands on the stationary point in one step, whatever that point is: a minimum,
or a saddle.

See chapter: chapters/mathtools.md
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from mlnotes._checks import check_int, check_real


@dataclass(frozen=True)
class NewtonResult:
    """The iterates x_0, x_1, … of Newton's method and why it stopped."""

    iterates: tuple
    status: str  # "converged" | "cycle" | "zero derivative" | "diverged" | "max_iter"

    @property
    def root(self) -> float:
        """The last iterate."""
        return self.iterates[-1]


def newton(f, df, x0, tol=0.0, max_iter=50) -> NewtonResult:
    """Iterate x ← x − f(x)/f'(x) from x0 until the step is ≤ tol·max(1, |x|) ("converged"), an iterate repeats
    ("converged" if within 4 ulp, else "cycle"), f'(x) = 0, x overflows ("diverged"), or ``max_iter`` steps.
    ``f``, ``df``: float → float.

    See chapter: chapters/mathtools.md
    """
    x = check_real("x0", x0)
    tol = check_real("tol", tol, low=0.0)
    max_iter = check_int("max_iter", max_iter, low=1)
    xs = [x]
    for _ in range(max_iter):
        slope = df(x)
        if slope == 0:
            return NewtonResult(tuple(xs), "zero derivative")
        x_new = x - f(x) / slope  # the root of the tangent line at x
        if not math.isfinite(x_new):
            return NewtonResult(tuple(xs), "diverged")
        xs.append(x_new)
        if abs(x_new - x) <= tol * max(1.0, abs(x)):
            return NewtonResult(tuple(xs), "converged")
        if x_new in xs[:-1]:  # a repeat: rounding noise at a root, or a genuine cycle
            at_root = abs(x_new - x) <= 4 * math.ulp(x)
            return NewtonResult(tuple(xs), "converged" if at_root else "cycle")
        x = x_new
    return NewtonResult(tuple(xs), "max_iter")


def newton_sqrt(a) -> float:
    """√a for a ≥ 0 by Heron's rule x ← (x + a/x)/2, correctly rounded (equal to ``math.sqrt``).

    Starts at 2^⌈e/2⌉ ≥ √a (a = m·2^e, m ∈ [½, 1)), so the iterates decrease monotonically; it stops when
    a step no longer decreases x (rounding has taken over, within one ulp of √a). One exact comparison in
    fractions then picks, among x and its two float neighbours, the one whose square is closest to a.
    See chapter: chapters/mathtools.md
    """
    return _newton_sqrt(check_real("a", a, low=0.0))


def _newton_sqrt(a):
    if a == 0:
        return 0.0
    _, e = math.frexp(a)
    x = math.ldexp(1.0, (e + 1) // 2)  # 2^⌈e/2⌉ ≥ √a
    while True:
        x_new = 0.5 * (x + a / x)  # Newton on f(x) = x² − a
        if x_new >= x:
            break
        x = x_new
    return _closest_root(x, a)


def _closest_root(x: float, a: float) -> float:
    """Among x and its neighbouring floats, the one whose exact square is nearest to a."""
    from fractions import Fraction

    candidates = (math.nextafter(x, 0.0), x, math.nextafter(x, math.inf))
    return min(candidates, key=lambda c: abs(Fraction(c) ** 2 - Fraction(a)))


def sqrt_errors(a=2, x0=1, steps=7, digits=200) -> list:
    """|x_k − √a| for k = 0..steps of Heron's rule in ``digits``-digit arithmetic (mpmath), as mpmath numbers.

    See chapter: chapters/mathtools.md
    """
    import mpmath

    steps = check_int("steps", steps, low=1)
    with mpmath.workdps(check_int("digits", digits, low=20)):
        a, x, root = mpmath.mpf(a), mpmath.mpf(x0), mpmath.sqrt(a)
        errors = [abs(x - root)]
        for _ in range(steps):
            x = (x + a / x) / 2
            errors.append(abs(x - root))
        return errors


def newton_minimize(grad, hess, x0, steps=1) -> np.ndarray:
    """Newton steps θ ← θ − H(θ)⁻¹ ∇L(θ) (solved, never inverted) for minimization: the iterates (steps + 1, d).

    See chapter: chapters/mathtools.md
    """
    x = np.asarray(x0, dtype=np.float64).copy()
    path = [x.copy()]
    for _ in range(check_int("steps", steps, low=1)):
        x = x - np.linalg.solve(hess(x), grad(x))
        path.append(x.copy())
    return np.array(path)
