r"""The linear-model code of the source notes, with its mistakes, beside the right versions.

**Erratum 5** — ``shuffle_data(X, y, seed)`` seeds with ``if seed: np.random.seed(seed)``. Zero is
falsy, so ``seed=0`` is silently ignored and the order comes from whatever state the global RNG
is in. Right: ``if seed is not None``, or better a local ``np.random.default_rng(seed)`` that
leaves the global state alone.

**Erratum 6** — the normal equation as ``inv(X.T @ X) @ X.T @ y``. $\kappa(X^\top X) = \kappa(X)^2$,
and the explicit inverse adds its own error: on an ill-conditioned $X$ the coefficients lose about
$2\log_{10}\kappa(X)$ digits, and the fit itself gets worse. Right: ``lstsq`` or QR on $X$ itself
(see :mod:`mlnotes.linear.regression`).

**Erratum 7** — the torch single-neuron code does not run: a line indented with a tab among lines
indented with spaces (``TabError``), ``detype=`` for ``dtype=`` (``TypeError``), and the weights
created as ``weight`` but used as ``weights`` (``NameError``). :data:`NOTES_TORCH_NEURON` is a
reduction of that code to its three defects; :func:`load_notes_torch_neuron` fixes them one at a
time.

**Further mistake** — the numpy single-neuron code updates ``initial_weights -= ...`` in place, so
the caller's array is overwritten: a second call starts from the trained weights, and integer
initial weights make it fail. :func:`train_neuron_in_place` reproduces it.

See chapter: chapters/linear_models.md
"""

from __future__ import annotations

import numpy as np

from mlnotes.linear.logistic import sigmoid


def shuffle_data_notes(X, y, seed=None):
    """Erratum 5, as in the notes: ``if seed:`` skips seed = 0, then shuffles with the global RNG."""
    if seed:  # the bug: 0 is falsy, so seed=0 never reaches np.random.seed
        np.random.seed(seed)
    idx = np.arange(X.shape[0])
    np.random.shuffle(idx)
    return X[idx], y[idx]


def shuffle_data(X, y, seed=None):
    """Rows of X and y in one random order: a local Generator, so seed = 0 is a seed like any other and the
    global RNG is untouched. X (n, ...), y (n, ...); returns shuffled copies.
    See chapter: chapters/linear_models.md
    """
    X, y = np.asarray(X), np.asarray(y)
    if X.shape[:1] != y.shape[:1] or X.ndim == 0:
        raise ValueError(f"X and y must have the same number of rows, got shapes {X.shape} and {y.shape}")
    idx = np.random.default_rng(seed).permutation(X.shape[0])  # (n,)
    return X[idx], y[idx]


def two_shuffles(seed, *, notes: bool, n: int = 12, global_seed: int = 2024):
    """The orders of two calls with the same ``seed``, after the global RNG was seeded with ``global_seed``
    (standing for "whatever ran before"). The global RNG state is restored afterwards.

    Returns two int arrays (n,). With ``notes=True`` and seed = 0 they differ.
    """
    X = np.arange(n)
    state = np.random.get_state()
    try:
        np.random.seed(global_seed)
        shuffle = shuffle_data_notes if notes else shuffle_data
        return shuffle(X, X, seed)[0], shuffle(X, X, seed)[0]
    finally:
        np.random.set_state(state)


def normal_equation_inv(X, y) -> np.ndarray:
    """Erratum 6, as in the notes: w = (XᵀX)⁻¹Xᵀy with an explicit inverse."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    return np.linalg.inv(X.T @ X) @ X.T @ y


# A reduction of the notes' torch code to its three defects (not the notes' text): the line after
# `bias = ...` is indented with a tab, `detype` is a typo for `dtype`, and `weight` ≠ `weights`.
NOTES_TORCH_NEURON = (
    "import torch\n"
    "example = torch.tensor([[1.0, 2.0]], detype=torch.float32)\n"
    "\n"
    "def train_neuron_torch(features, labels, initial_weights, initial_bias, learning_rate, epochs):\n"
    "    weight = initial_weights.clone().requires_grad_(True)\n"
    "    bias = initial_bias.clone().requires_grad_(True)\n"
    "\tmse_values = []\n"
    "    for epoch in range(epochs):\n"
    "        loss = torch.nn.functional.mse_loss(torch.sigmoid(features @ weights + bias), labels)\n"
    "        mse_values.append(loss.item())\n"
    "        loss.backward()\n"
    "        with torch.no_grad():\n"
    "            weights -= learning_rate * weights.grad\n"
    "            bias -= learning_rate * bias.grad\n"
    "        weights.grad.zero_()\n"
    "        bias.grad.zero_()\n"
    "    return weights.detach(), bias.item(), mse_values\n"
)


def notes_torch_source(*, fix_tabs=False, fix_keyword=False, fix_names=False) -> str:
    """:data:`NOTES_TORCH_NEURON` with some of its three defects fixed."""
    source = NOTES_TORCH_NEURON
    if fix_tabs:
        source = source.replace("\t", "    ")
    if fix_keyword:
        source = source.replace("detype=", "dtype=")
    if fix_names:
        source = source.replace("    weight = ", "    weights = ")
    return source


def load_notes_torch_neuron(*, fix_tabs=False, fix_keyword=False, fix_names=False):
    """Compile and run the (partly fixed) notes' module; return its ``train_neuron_torch``.

    Raises what the notes' code raises: ``TabError`` while compiling, ``TypeError`` while running the
    module, or (later, when called) ``NameError``.
    """
    namespace: dict = {}
    code = compile(notes_torch_source(fix_tabs=fix_tabs, fix_keyword=fix_keyword, fix_names=fix_names),
                   "<notes: torch single neuron>", "exec")
    exec(code, namespace)  # noqa: S102 - our own fixed string, run to show its errors
    return namespace["train_neuron_torch"]


def train_neuron_in_place(features, labels, initial_weights, initial_bias, learning_rate, epochs):
    """The notes' numpy training loop, with its in-place update of the caller's ``initial_weights``."""
    mse_values = []
    for _ in range(epochs):
        y_hat = sigmoid(features @ initial_weights + initial_bias)
        mse_values.append(np.mean((y_hat - labels) ** 2))
        dz = 2 / len(labels) * (y_hat - labels) * y_hat * (1 - y_hat)
        initial_weights -= learning_rate * features.T @ dz  # the caller's array is overwritten
        initial_bias -= learning_rate * dz.sum()  # a float: rebinds a local name only
    return initial_weights, initial_bias, mse_values
