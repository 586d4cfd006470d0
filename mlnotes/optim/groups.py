r"""Parameter groups for weight decay: decay the weight matrices, not the biases and normalization weights.

Weight decay shrinks every decayed parameter by $(1-\eta\lambda)$ a step (AdamW) or adds $\lambda\theta$ to its
gradient (SGD, Adam). The usual recipe splits the parameters in two **parameter groups** (BERT's
``exclude_from_weight_decay``, minGPT's ``configure_optimizers``, nanoGPT's ``p.dim() >= 2`` rule):

* decayed: matrices and convolution kernels ($\theta$ with 2 or more dimensions), which carry the model's
  capacity;
* not decayed ($\lambda = 0$): biases and the gains $\gamma$ and shifts $\beta$ of normalization layers
  (1-dimensional). They are few, and decaying them does not simplify the function: a norm layer's $\gamma$
  pulled towards 0 shrinks the layer's output, which the normalization was there to fix.

:func:`decay_param_groups` builds the two groups from a list of arrays (numpy or torch: anything with
``ndim``), by that rule or by an explicit mask. The result is what both ``torch.optim.AdamW`` and
:class:`mlnotes.optim.AdamW` take as ``params``.

See chapter: chapters/optimizers.md
"""

from __future__ import annotations

from mlnotes._checks import check_nonempty, check_real


def decay_param_groups(params, weight_decay: float, mask=None) -> list:
    """Two parameter groups: ``[{"params": decayed, "weight_decay": λ}, {"params": rest, "weight_decay": 0.0}]``.

    ``params``: a list of arrays or tensors (anything with ``ndim``). ``mask``: one bool per parameter, True =
    decay; by default ``p.ndim >= 2`` (weight matrices and kernels decay; biases and norm weights do not).
    Each group keeps the parameters' order; an empty group is left out. Raises TypeError for a non-list or a
    mask that is not bools, ValueError for a mask of the wrong length or a negative ``weight_decay``.
    See chapter: chapters/optimizers.md
    """
    if not isinstance(params, (list, tuple)):
        raise TypeError(f"params must be a list of arrays or tensors, got {type(params).__name__}")
    check_nonempty("params", params)
    weight_decay = check_real("weight_decay", weight_decay, low=0.0)
    for i, p in enumerate(params):
        if not hasattr(p, "ndim"):
            raise TypeError(f"params[{i}] must be an array or a tensor, got {type(p).__name__}")
    if mask is not None:
        if not isinstance(mask, (list, tuple)) or not all(isinstance(m, bool) for m in mask):
            raise TypeError(f"mask must be a list of bools (True = decay), got {mask!r}")
        if len(mask) != len(params):
            raise ValueError(f"mask must have one bool per parameter ({len(params)}), got {len(mask)}")
    return _decay_groups(params, weight_decay, mask)


def _decay_groups(params, weight_decay, mask):
    """The computation of :func:`decay_param_groups`: decay where the mask says so, nowhere else."""
    if mask is None:
        mask = [p.ndim >= 2 for p in params]  # matrices and kernels decay; biases and norm weights do not
    decay = [p for p, m in zip(params, mask) if m]
    rest = [p for p, m in zip(params, mask) if not m]
    groups = [{"params": decay, "weight_decay": weight_decay}, {"params": rest, "weight_decay": 0.0}]
    return [g for g in groups if g["params"]]  # an empty group is left out


def normalized_weight_scaling(c: float = 2.0, seed: int = 0):
    """A weight W followed by LayerNorm (no eps), at W and at c·W.

    Returns (max |Δ output|, max |c·∇_{cW} − ∇_W| / max |∇_W|), both ≈ 0.

    LN(cWx) = LN(Wx), so the output does not change and the gradient scales as 1/c: decaying such a
    weight changes its effective learning rate, not the function (van Laarhoven, 2017). Float64 torch.
    See chapter: chapters/optimizers.md
    """
    import torch

    c = check_real("c", c, low=0.0, low_open=True)
    gen = torch.Generator().manual_seed(seed)
    W0 = torch.randn(8, 8, generator=gen, dtype=torch.float64)
    x = torch.randn(4, 8, generator=gen, dtype=torch.float64)
    outs, grads = [], []
    for scale in (1.0, c):
        W = (scale * W0).requires_grad_()
        out = torch.nn.functional.layer_norm(x @ W.T, (8,), eps=0.0)  # (4, 8)
        out.pow(3).sum().backward()  # any loss of the output
        outs.append(out.detach())
        grads.append(W.grad)
    mismatch = (c * grads[1] - grads[0]).abs().max() / grads[0].abs().max()  # 0 when ∇ at cW = ∇ at W / c
    return float((outs[1] - outs[0]).abs().max()), float(mismatch)
