r"""Taylor expansion, the Hessian, and gradient checking by finite differences.

**Taylor expansion (泰勒展开)** of $f$ around $x_0$ to order $K$:
$f(x) \approx \sum_{k=0}^K \frac{f^{(k)}(x_0)}{k!}(x-x_0)^k$, with an error of order $|x-x_0|^{K+1}$ near $x_0$.
The derivatives here come from torch autograd applied $K$ times (``create_graph=True``).

In several variables, to second order around $\theta'$, with gradient $g$ and **Hessian (海森矩阵)**
$H_{ij} = \partial^2 L/\partial\theta_i\partial\theta_j$:
$$L(\theta) \approx L(\theta') + (\theta-\theta')^\top g + \tfrac12(\theta-\theta')^\top H(\theta-\theta') .$$
At a critical point ($g = 0$), along an eigenvector $u$ of $H$ with eigenvalue $\lambda$ this is
$L(\theta' + u) \approx L(\theta') + \tfrac12\lambda\lVert u\rVert^2$: the signs of the eigenvalues decide
minimum (all $>0$), maximum (all $<0$) or saddle (mixed).

**Finite differences (有限差分)**: forward $\frac{f(x+h)-f(x)}{h}$ has truncation error $O(h)$, central
$\frac{f(x+h)-f(x-h)}{2h}$ has $O(h^2)$; rounding adds about $\epsilon|f|/h$ ($\epsilon\approx 2.2\times10^{-16}$),
so the best $h$ is near $\sqrt\epsilon$ (forward) or $\epsilon^{1/3}$ (central). Gradient checking compares such
estimates with backpropagation's gradient.

See chapter: chapters/mathtools.md
"""

from __future__ import annotations

import math

import numpy as np

from mlnotes._checks import check_int, check_real

FD_METHODS = ("forward", "central")


def derivatives(f, x0, order) -> np.ndarray:
    """[f(x0), f'(x0), …, f^(order)(x0)] by repeated torch autograd; ``f`` maps a float64 tensor to a tensor.

    See chapter: chapters/mathtools.md
    """
    import torch

    return _derivatives(torch, f, check_real("x0", x0), check_int("order", order, low=0))


def _derivatives(torch, f, x0, order):
    x = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    value = f(x)
    out = [value.item()]
    for _ in range(order):
        (value,) = torch.autograd.grad(value, x, create_graph=True)  # d/dx of the previous derivative
        out.append(value.item())
    return np.array(out)


def taylor_coefficients(f, x0, order) -> np.ndarray:
    """c_k = f^(k)(x0)/k! for k = 0..order (float64).

    See chapter: chapters/mathtools.md
    """
    d = derivatives(f, x0, order)  # f(x0), f'(x0), …, f^(order)(x0)
    return d / np.array([math.factorial(k) for k in range(len(d))], dtype=np.float64)  # c_k = f^(k)/k!


def taylor_polynomial(coefficients, x0, x) -> np.ndarray:
    """Σ_k c_k (x − x0)^k at the points x (Horner's rule): float64 array shaped like x.

    See chapter: chapters/mathtools.md
    """
    c = np.asarray(coefficients, dtype=np.float64)
    dx = np.asarray(x, dtype=np.float64) - check_real("x0", x0)
    out = np.zeros_like(dx)
    for ck in c[::-1]:
        out = out * dx + ck
    return out


def numerical_grad(f, x, h=1e-6, method="central") -> np.ndarray:
    """∂f/∂x_i by finite differences for every coordinate of x (d,) → (d,) float64; ``f``: (d,) array → float.

    See chapter: chapters/mathtools.md
    """
    if method not in FD_METHODS:
        raise ValueError(f"method must be one of {FD_METHODS}, got {method!r}")
    h = check_real("h", h, low=0.0, low_open=True)
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError(f"x must be a 1-D array, got shape {x.shape}")
    grad = np.empty_like(x)
    for i in range(len(x)):
        e = np.zeros_like(x)
        e[i] = h
        if method == "central":
            grad[i] = (f(x + e) - f(x - e)) / (2 * h)  # error O(h²)
        else:
            grad[i] = (f(x + e) - f(x)) / h  # error O(h)
    return grad


def numerical_hessian(f, x, h=1e-4) -> np.ndarray:
    """H_ij ≈ [f(x+h e_i+h e_j) − f(x+h e_i−h e_j) − f(x−h e_i+h e_j) + f(x−h e_i−h e_j)] / (4h²): (d, d), symmetric.

    See chapter: chapters/mathtools.md
    """
    h = check_real("h", h, low=0.0, low_open=True)
    x = np.asarray(x, dtype=np.float64)
    d = len(x)
    eye = np.eye(d) * h
    H = np.empty((d, d))
    for i in range(d):
        for j in range(i, d):
            H[i, j] = H[j, i] = (f(x + eye[i] + eye[j]) - f(x + eye[i] - eye[j]) - f(x - eye[i] + eye[j])
                                 + f(x - eye[i] - eye[j])) / (4 * h * h)
    return H


def fd_errors(f, df, x, hs, method="central") -> np.ndarray:
    """|finite-difference derivative − exact derivative| of a scalar function at x for each step h in ``hs``.

    See chapter: chapters/mathtools.md
    """
    exact = df(x)
    return np.array([abs(numerical_grad(lambda v: f(v[0]), np.array([x]), h, method)[0] - exact) for h in hs])


def quadratic_model(H, u, *, half=True) -> float:
    """The second-order change of L at a critical point along u: ½ uᵀHu (``half=False``: the notes' uᵀHu).

    See chapter: chapters/mathtools.md
    """
    H = np.asarray(H, dtype=np.float64)
    u = np.asarray(u, dtype=np.float64)
    return float((0.5 if half else 1.0) * u @ H @ u)


def rosenbrock(v):
    """(1 − x)² + 100 (y − x²)²: minimum 0 at (1, 1) in a narrow curved valley (numpy array or torch tensor)."""
    return (1 - v[0]) ** 2 + 100 * (v[1] - v[0] ** 2) ** 2


def cubic_saddle(v):
    """x² − y² + x³ − 3xy²: a saddle at the origin whose Hessian is diag(2, −2) (numpy array or torch tensor)."""
    return v[0] ** 2 - v[1] ** 2 + v[0] ** 3 - 3 * v[0] * v[1] ** 2
