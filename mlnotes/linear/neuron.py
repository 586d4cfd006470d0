r"""The single neuron with backpropagation (单个神经元反向传播): the notes' drill, done in numpy and in torch.

One sigmoid unit $\hat y = \sigma(z)$, $z = Xw + b$, trained on the mean squared error
$L = \frac1n\sum_i (\hat y_i - y_i)^2$ by full-batch gradient descent. The chain rule gives
$$\frac{\partial L}{\partial z_i} = \frac2n(\hat y_i - y_i)\,\hat y_i(1-\hat y_i),\qquad
\nabla_w L = X^\top \frac{\partial L}{\partial z},\qquad \frac{\partial L}{\partial b} = \sum_i \frac{\partial L}{\partial z_i},$$
using $\sigma'(z) = \sigma(z)(1-\sigma(z))$. (MSE on a sigmoid is the notes' choice; the log loss
would drop the factor $\hat y(1-\hat y)$, see the logistic regression section.) The torch version
computes the same numbers with autograd.

See chapter: chapters/linear_models.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_int, check_real
from mlnotes.linear._validate import as_float, check_X_y
from mlnotes.linear.logistic import sigmoid


def neuron_forward(X: np.ndarray, w: np.ndarray, b) -> np.ndarray:
    """ŷ = σ(Xw + b): X (n, d), w (d,), b scalar → (n,)."""
    return sigmoid(X @ w + b)


def neuron_backward(X: np.ndarray, y: np.ndarray, y_hat: np.ndarray):
    """(∇_w L (d,), ∂L/∂b) of L = mean((ŷ − y)²) for ŷ = σ(Xw + b)."""
    dz = 2 * (y_hat - y) * y_hat * (1 - y_hat) / len(y)  # (n,) ∂L/∂z: ∂L/∂ŷ · σ'(z)
    return X.T @ dz, dz.sum()


def train_neuron(features, labels, initial_weights, initial_bias, learning_rate, epochs):
    """Train one sigmoid neuron on the MSE by gradient descent; the inputs are never modified.

    features (n, d), labels (n,), initial_weights (d,), initial_bias a real; floating dtype of
    ``features`` kept. Returns ``(weights (d,), bias, mse_values (epochs,))`` where mse_values[k] is
    the loss *before* step k (the notes' convention).
    See chapter: chapters/linear_models.md
    """
    X, y = check_X_y(features, labels)
    w = as_float("initial_weights", initial_weights, shape=(X.shape[1],), like=X).copy()  # a copy: never in place
    b = X.dtype.type(check_real("initial_bias", initial_bias))
    lr = check_real("learning_rate", learning_rate, low=0.0)
    mse_values = []
    for _ in range(check_int("epochs", epochs, low=0)):
        y_hat = neuron_forward(X, w, b)
        mse_values.append(np.mean((y_hat - y) ** 2))
        grad_w, grad_b = neuron_backward(X, y, y_hat)
        w, b = w - lr * grad_w, b - lr * grad_b
    return w, b, np.array(mse_values, dtype=X.dtype)


def train_neuron_torch(features, labels, initial_weights, initial_bias, learning_rate, epochs):
    """The same training with torch autograd: tensors in (float64 or float32), ``(weights, bias, mse_values)`` out.

    The fixed version of the notes' torch code: one name for the weights, autograd for the
    gradients, updates under ``torch.no_grad()``, gradients zeroed after each step.
    See chapter: chapters/linear_models.md
    """
    import torch

    weights = initial_weights.detach().clone().requires_grad_(True)  # (d,)
    bias = torch.as_tensor(initial_bias, dtype=weights.dtype).detach().clone().requires_grad_(True)
    mse_values = []
    for _ in range(epochs):
        y_hat = torch.sigmoid(features @ weights + bias)  # (n,)
        loss = torch.nn.functional.mse_loss(y_hat, labels)
        mse_values.append(loss.item())
        loss.backward()
        with torch.no_grad():
            weights -= learning_rate * weights.grad
            bias -= learning_rate * bias.grad
        weights.grad.zero_()
        bias.grad.zero_()
    return weights.detach(), bias.item(), mse_values
