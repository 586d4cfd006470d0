r"""BatchNorm's place in a conv block, and folding it into the convolution for inference.

The usual block is conv (no bias) → BatchNorm → ReLU. In eval mode BatchNorm is a fixed affine map per channel,
$\operatorname{BN}(z)_o = \gamma_o\,(z_o - \bar\mu_o)/\sqrt{\bar\sigma_o^2 + \epsilon} + \beta_o$, so it folds into
the preceding convolution $z = w * x + b$:

$$w'_o = \frac{\gamma_o}{\sqrt{\bar\sigma_o^2+\epsilon}}\, w_o,\qquad
  b'_o = \frac{\gamma_o}{\sqrt{\bar\sigma_o^2+\epsilon}}\,(b_o - \bar\mu_o) + \beta_o,$$

and $\operatorname{BN}(w * x + b) = w' * x + b'$ exactly: one layer less at inference. In train mode the batch
mean absorbs any constant added to $z$, so a conv bias before BatchNorm has no effect.

See chapter: chapters/cnn.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_real
from mlnotes.cnn._arrays import as_float


def fuse_conv_bn(weight, bias, gamma, beta, running_mean, running_var, eps: float = 1e-5):
    """Fold an eval-mode BatchNorm into the conv before it: returns (weight', bias'), dtype of weight.

    weight (C_out, C_in/groups, kH, kW); bias (C_out,) or None (zero); the BatchNorm's gamma, beta,
    running_mean, running_var (C_out,) and eps > 0. Equal to ``torch.nn.utils.fusion.fuse_conv_bn_weights``.
    See chapter: chapters/cnn.md
    """
    w = as_float("weight", weight, ndim=4)
    c = (w.shape[0],)
    b = np.zeros(c, dtype=w.dtype) if bias is None else as_float("bias", bias, like=w, shape=c)
    g, be = as_float("gamma", gamma, like=w, shape=c), as_float("beta", beta, like=w, shape=c)
    mu, var = as_float("running_mean", running_mean, like=w, shape=c), as_float("running_var", running_var, like=w, shape=c)
    if np.any(var < 0):
        raise ValueError("running_var must be >= 0")
    scale = g / np.sqrt(var + w.dtype.type(check_real("eps", eps, low=0.0, low_open=True)))  # γ/√(σ̄² + ε)
    return w * scale[:, None, None, None], (b - mu) * scale + be
