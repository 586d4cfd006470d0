r"""Two-dimensional loss landscapes for watching optimizers move.

Ill-conditioned quadratic (condition number $b/a$):
$$f(x, y) = \tfrac12 (a x^2 + b y^2),\quad \nabla f = (a x,\ b y),\quad H = \operatorname{diag}(a, b).$$
Rosenbrock's banana valley (minimum at $(a, a^2)$):
$$f(x, y) = (a - x)^2 + b (y - x^2)^2,\quad
\nabla f = \bigl(-2(a - x) - 4 b x (y - x^2),\ 2 b (y - x^2)\bigr),\quad
H = \begin{pmatrix} 2 - 4b(y - 3x^2) & -4 b x \\ -4 b x & 2 b \end{pmatrix}.$$
Saddle: $f(x, y) = x^2 - y^2$, $\nabla f = (2x, -2y)$, $H = \operatorname{diag}(2, -2)$: the
$x$-axis is the stable manifold, and any $y \ne 0$ grows like $(1 + 2\eta)^t$ under GD.

Points are arrays whose last axis holds $(x, y)$: ``value`` and ``grad`` accept a grid of
shape ``(..., 2)``; ``hessian`` takes one point of shape ``(2,)``.

See chapter: chapters/optimizers.md
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlnotes._checks import check_array, check_int

DIVERGED = 1e6  # run() stops once |x| or |y| exceeds this


def _xy(point):
    p = check_array("point", point)
    if p.ndim == 0 or p.shape[-1] != 2:
        raise ValueError(f"point must have shape (..., 2), got {p.shape}")
    return p[..., 0], p[..., 1]


def _point(point):
    x, y = check_array("point", point, shape=(2,))
    return float(x), float(y)


@dataclass(frozen=True)
class Quadratic:
    """The ill-conditioned bowl ½(a x² + b y²)."""

    a: float = 1.0
    b: float = 25.0

    def value(self, point):
        """f at points of shape (..., 2) → (...)."""
        x, y = _xy(point)
        return 0.5 * (self.a * x**2 + self.b * y**2)

    def grad(self, point):
        """∇f at points of shape (..., 2) → (..., 2)."""
        x, y = _xy(point)
        return np.stack([self.a * x, self.b * y], axis=-1)

    def hessian(self, point):
        """Hessian at a point of shape (2,) → (2, 2)."""
        _point(point)
        return np.diag([float(self.a), float(self.b)])


@dataclass(frozen=True)
class Rosenbrock:
    """Rosenbrock's valley (a − x)² + b (y − x²)², minimum at (a, a²)."""

    a: float = 1.0
    b: float = 100.0

    def value(self, point):
        """f at points of shape (..., 2) → (...)."""
        x, y = _xy(point)
        return (self.a - x) ** 2 + self.b * (y - x**2) ** 2

    def grad(self, point):
        """∇f at points of shape (..., 2) → (..., 2)."""
        x, y = _xy(point)
        r = y - x**2
        return np.stack([-2 * (self.a - x) - 4 * self.b * x * r, 2 * self.b * r], axis=-1)

    def hessian(self, point):
        """Hessian at a point of shape (2,) → (2, 2)."""
        x, y = _point(point)
        off = -4 * self.b * x
        return np.array([[2 - 4 * self.b * (y - 3 * x**2), off], [off, 2 * self.b]])


@dataclass(frozen=True)
class Saddle:
    """The saddle x² − y²: a minimum along x, a maximum along y."""

    def value(self, point):
        """f at points of shape (..., 2) → (...)."""
        x, y = _xy(point)
        return x**2 - y**2

    def grad(self, point):
        """∇f at points of shape (..., 2) → (..., 2)."""
        x, y = _xy(point)
        return np.stack([2 * x, -2 * y], axis=-1)

    def hessian(self, point):
        """Hessian at a point of shape (2,) → (2, 2)."""
        _point(point)
        return np.diag([2.0, -2.0])


def hessian_eigs(landscape, point) -> np.ndarray:
    """Eigenvalues of the landscape's Hessian at ``point`` (2,), ascending, shape (2,).

    Both positive: a local minimum; opposite signs: a saddle.
    See chapter: chapters/optimizers.md
    """
    point = check_array("point", point, shape=(2,))
    return np.linalg.eigvalsh(landscape.hessian(point))


def run(make_optimizer, landscape, x0, steps) -> np.ndarray:
    """Trajectory of an optimizer on a landscape: row k is the point after k steps.

    ``make_optimizer(params)`` builds an optimizer from :mod:`mlnotes.optim.optimizers`
    for a list holding one array, e.g. ``lambda ps: SGD(ps, lr=0.01, momentum=0.9)``.
    Returns shape ``(steps + 1, 2)``, row 0 = ``x0``. If an iterate leaves the box
    ``max(|x|, |y|) ≤ 1e6`` (or is not finite), the run stops there and the array is
    *shorter*: its last row is that first diverged iterate, and no rows are padded.
    See chapter: chapters/optimizers.md
    """
    x0 = check_array("x0", x0, shape=(2,))
    steps = check_int("steps", steps, low=0)
    if not callable(make_optimizer):
        raise TypeError(f"make_optimizer must be callable, got {type(make_optimizer).__name__}")
    p = x0.copy()
    opt = make_optimizer([p])
    path = [x0.copy()]
    for _ in range(steps):
        opt.step([landscape.grad(p)])
        path.append(p.copy())
        if not np.all(np.abs(p) <= DIVERGED):  # also catches NaN / inf
            break
    return np.array(path)  # (≤ steps + 1, 2)
