r"""A deep MLP with optional BatchNorm and residual connections, forward and backward in numpy.

The network of the degradation demo (:mod:`mlnotes.cnn.residual`): a stem $h_0 = \operatorname{ReLU}(W_0 x + b_0)$,
then $B$ blocks with $F(h) = \operatorname{BN}_2(W_2\,\operatorname{ReLU}(\operatorname{BN}_1(W_1 h)))$ and

$$h_{l+1} = \operatorname{ReLU}(F_l(h_l)) \ \text{(plain)}\qquad\text{or}\qquad
  h_{l+1} = \operatorname{ReLU}(h_l + F_l(h_l)) \ \text{(residual)},$$

then logits $W_{\text{out}} h_B + b_{\text{out}}$ and the mean softmax cross-entropy. BatchNorm uses the batch
statistics (train mode), $\operatorname{BN}(z) = \gamma\,\hat z + \beta$, $\hat z = (z-\mu_B)/\sqrt{\sigma_B^2+\epsilon}$;
without it, $W_1, W_2$ get biases. Backward through a block: $\partial h_{l+1}/\partial h_l$ gains the identity in
the residual case, so the gradient has a path that skips $F$. Parameters follow ``torch.nn``'s default
initialisation scheme ($\mathcal U(-1/\sqrt{\text{fan\_in}}, 1/\sqrt{\text{fan\_in}})$ for weights and biases,
$\gamma = 1$, $\beta = 0$); the tests copy them into the torch twin (:func:`mlnotes.cnn.residual.make_mlp`) and
compare the gradients.

See chapter: chapters/cnn.md
"""

from __future__ import annotations

import numpy as np

EPS = 1e-5  # BatchNorm's ε, torch's default


def init_params(depth: int, width: int = 32, batch_norm: bool = True, n_in: int = 64, n_out: int = 10,
                seed: int = 0) -> dict:
    """Parameters {name: float32 array}, names as in the torch twin's ``state_dict`` order."""
    rng = np.random.default_rng(seed)

    def linear(fan_in, fan_out, bias=True):
        bound = 1 / np.sqrt(fan_in)
        w = rng.uniform(-bound, bound, (fan_out, fan_in)).astype(np.float32)
        return (w, rng.uniform(-bound, bound, fan_out).astype(np.float32)) if bias else (w, None)

    p = {}
    p["stem.weight"], p["stem.bias"] = linear(n_in, width)
    for b in range(depth // 2):
        for i in (0, 2):  # two Linear layers per block, each followed by BatchNorm (index i + 1)
            w, bias = linear(width, width, bias=not batch_norm)
            p[f"blocks.{b}.{i}.weight"] = w
            if batch_norm:
                p[f"blocks.{b}.{i + 1}.weight"] = np.ones(width, np.float32)  # γ
                p[f"blocks.{b}.{i + 1}.bias"] = np.zeros(width, np.float32)  # β
            else:
                p[f"blocks.{b}.{i}.bias"] = bias
    p["head.weight"], p["head.bias"] = linear(width, n_out)
    return p


def _bn(z, gamma, beta):
    centred = z - z.mean(axis=0)  # z − μ_B
    var = (centred * centred).mean(axis=0)  # σ²_B (biased)
    z_hat = centred / np.sqrt(var + EPS)
    return gamma * z_hat + beta, (z_hat, var, gamma)


def _bn_backward(g, cache):
    z_hat, var, gamma = cache
    g_hat = g * gamma  # ∂L/∂ẑ
    dz = (g_hat - g_hat.mean(axis=0) - z_hat * (g_hat * z_hat).mean(axis=0)) / np.sqrt(var + EPS)
    return dz, (g * z_hat).sum(axis=0), g.sum(axis=0)  # dz, dγ, dβ


def _layer(p, name, z, batch_norm, norm_name):
    """Linear (+ bias) and, with batch_norm, BatchNorm: returns (output, bn cache or None)."""
    z = z @ p[name + ".weight"].T
    if not batch_norm:
        return z + p[name + ".bias"], None
    return _bn(z, p[norm_name + ".weight"], p[norm_name + ".bias"])


def forward(p: dict, X: np.ndarray, residual: bool, batch_norm: bool = True):
    """Logits (N, 10) and the cache for :func:`backward`."""
    h = np.maximum(X @ p["stem.weight"].T + p["stem.bias"], 0)  # (N, width)
    caches = [X, h]
    n_blocks = sum(1 for k in p if k.startswith("blocks.") and k.endswith(".0.weight"))
    for b in range(n_blocks):
        a1, c1 = _layer(p, f"blocks.{b}.0", h, batch_norm, f"blocks.{b}.1")
        r1 = np.maximum(a1, 0)
        a2, c2 = _layer(p, f"blocks.{b}.2", r1, batch_norm, f"blocks.{b}.3")
        pre = h + a2 if residual else a2  # the skip connection
        caches.append((h, a1, c1, r1, c2, pre))
        h = np.maximum(pre, 0)
    caches.append(h)
    return h @ p["head.weight"].T + p["head.bias"], caches


def cross_entropy(logits: np.ndarray, y: np.ndarray):
    """Mean softmax cross-entropy and its gradient with respect to the logits."""
    z = logits - logits.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    n = len(y)
    grad = np.exp(log_p)
    grad[np.arange(n), y] -= 1  # softmax − one-hot
    return float(-log_p[np.arange(n), y].mean()), grad / n


def _norm_backward(g: dict, d_out, cache, prefix: str, i: int, batch_norm: bool):
    """Back through layer i's BatchNorm (or bias): fills g's entries, returns ∂L/∂(W h)."""
    if batch_norm:
        dz, g[f"{prefix}.{i + 1}.weight"], g[f"{prefix}.{i + 1}.bias"] = _bn_backward(d_out, cache)
        return dz
    g[f"{prefix}.{i}.bias"] = d_out.sum(axis=0)
    return d_out


def backward(p: dict, caches, dlogits: np.ndarray, residual: bool, batch_norm: bool = True) -> dict:
    """Gradients {name: array} of every parameter, from dlogits = ∂L/∂logits."""
    X, h0, *blocks, h_last = caches
    g = {"head.weight": dlogits.T @ h_last, "head.bias": dlogits.sum(axis=0)}
    dh = dlogits @ p["head.weight"]  # ∂L/∂h_B
    for b in reversed(range(len(blocks))):
        h, a1, c1, r1, c2, pre = blocks[b]
        w1, w2 = p[f"blocks.{b}.0.weight"], p[f"blocks.{b}.2.weight"]
        dpre = dh * (pre > 0)  # through the block's output ReLU
        dz2 = _norm_backward(g, dpre, c2, f"blocks.{b}", 2, batch_norm)
        g[f"blocks.{b}.2.weight"] = dz2.T @ r1
        dz1 = _norm_backward(g, (dz2 @ w2) * (a1 > 0), c1, f"blocks.{b}", 0, batch_norm)
        g[f"blocks.{b}.0.weight"] = dz1.T @ h
        dh = dz1 @ w1 + (dpre if residual else 0)  # the path through F, plus the identity path
    dstem = dh * (h0 > 0)
    g["stem.weight"], g["stem.bias"] = dstem.T @ X, dstem.sum(axis=0)
    return {k: g[k] for k in p}
