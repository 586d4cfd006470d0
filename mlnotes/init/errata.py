r"""The source notes' initialization and activation mistakes, kept runnable to show them.

* The notes' sigmoid snippet is ``f=lambfa x:1.0/(1.0+np.exp(-x))``: ``lambfa`` is a typo for
  ``lambda`` (a SyntaxError). Fixed, it is the *naive* sigmoid $1/(1+e^{-x})$: correct in exact
  arithmetic, but $e^{-x}$ overflows (numpy warns) for $x < -\ln(\text{max float})$ ($\approx -88.7$
  in float32, $-709.8$ in float64) and the result is 0. ``torch.sigmoid`` also returns 0 there (the
  true value is below $10^{-38}$ / $10^{-308}$); the harm comes when a loss takes the log:
  $\log 0 = -\infty$, while the stable $\log\sigma(x) = -\operatorname{softplus}(-x) \approx x$.
* Erratum 12: "He initialization has a smaller range than Xavier". He's variance $2/\text{fan\_in}$
  is larger than Glorot's $2/(\text{fan\_in}+\text{fan\_out})$ for every layer shape (and so is its
  uniform bound $\sqrt{6/\text{fan\_in}}$ vs $\sqrt{6/(\text{fan\_in}+\text{fan\_out})}$).

See chapter: chapters/initialization.md
"""

from __future__ import annotations

import numpy as np

from mlnotes.activations._common import as_float_array
from mlnotes.init.initializers import kaiming_bound, kaiming_std, xavier_bound, xavier_std

NOTES_SIGMOID_SNIPPET = "f=lambfa x:1.0/(1.0+np.exp(-x))"
FIXED_SIGMOID_SNIPPET = "f=lambda x:1.0/(1.0+np.exp(-x))"


def sigmoid_notes(x) -> np.ndarray:
    """The notes' sigmoid with ``lambfa`` fixed: 1/(1 + e^{-x}), computed naively in x's dtype.

    Where e^{-x} overflows it returns 0 (the overflow warning is silenced here to plot it; called
    plainly, numpy warns). See chapter: chapters/initialization.md
    """
    x = as_float_array("x", x, nonempty=False)
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-x))


def naive_overflow_threshold(dtype) -> float:
    """The x below which e^{-x} overflows in ``dtype``: −ln(max float) (−88.72 in float32, −709.78 in float64)."""
    return -float(np.log(np.finfo(dtype).max))


def he_vs_xavier(shapes) -> list[dict]:
    """For each weight shape (out, in): He's (ReLU) and Xavier's std and uniform bound, side by side.

    See chapter: chapters/initialization.md
    """
    rows = []
    for shape in shapes:
        rows.append({
            "shape": tuple(shape),
            "xavier_std": xavier_std(shape), "he_std": kaiming_std(shape, nonlinearity="relu"),
            "xavier_bound": xavier_bound(shape), "he_bound": kaiming_bound(shape, nonlinearity="relu"),
        })
    return rows
