r"""Training memory per parameter, counted from the tensors torch really allocates.

For $n$ parameters trained in fp32 (4 bytes a value), before activations:
$$\underbrace{4n}_{\text{weights}} + \underbrace{4n}_{\text{gradients}}
  + \underbrace{s\cdot 4n}_{\text{optimizer state}},$$
with $s$ state tensors per parameter: SGD 0, SGD with momentum 1 (``momentum_buffer``), Adam and AdamW 2
(``exp_avg`` $= m$, ``exp_avg_sq`` $= v$), AMSGrad 3 (and ``max_exp_avg_sq``). Adam in fp32 is therefore
16 bytes a parameter, plus a 4-byte ``step`` counter per parameter *tensor*.

**Mixed precision** in the style of Micikevicius et al. (2018) and ZeRO (Rajbhandari et al., 2020) keeps an
fp16 copy of the weights for the forward and backward passes (2 bytes), fp16 gradients (2), fp32 master
weights (4) and Adam's two fp32 moments (4 + 4): again 16 bytes a parameter. The fp32 copy of the
gradient that the step reads exists only during the step here (fused implementations never hold it).
Mixed precision saves activation memory and time, not optimizer memory. ``torch.autocast`` keeps
even the weights and gradients in fp32 and only runs operations in 16 bits.

See chapter: chapters/optimizers.md
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mlnotes._checks import check_int

OPTIMIZERS = ("SGD", "Adagrad", "RMSprop", "Adam", "AdamW")


@dataclass(frozen=True)
class MemoryCount:
    """Bytes of each kind of tensor (``parts``) for a model of ``n_params`` values in ``n_tensors`` tensors.

    See chapter: chapters/optimizers.md
    """

    n_params: int
    n_tensors: int
    parts: dict = field(default_factory=dict)

    @property
    def total(self) -> int:
        """All bytes counted."""
        return sum(self.parts.values())

    @property
    def per_param(self) -> float:
        """Bytes per parameter (the ``step`` counters add 4 × n_tensors / n_params)."""
        return self.total / self.n_params


def small_model(width: int = 256, seed: int = 0):
    """The counted model: Linear(64, width) → LayerNorm → GELU → Linear(width, 10), fp32, seeded.

    See chapter: chapters/optimizers.md
    """
    import torch

    width = check_int("width", width, low=1)
    torch.manual_seed(seed)
    nn = torch.nn
    return nn.Sequential(nn.Linear(64, width), nn.LayerNorm(width), nn.GELU(), nn.Linear(width, 10))


def _nbytes(tensors) -> int:
    return sum(t.numel() * t.element_size() for t in tensors)


def _state_bytes(opt) -> dict:
    """Bytes of every tensor in the optimizer's state, by state name (``exp_avg``, ``step``, …)."""
    import torch

    parts = {}
    for state in opt.state.values():
        for name, value in state.items():
            if torch.is_tensor(value):
                parts[name] = parts.get(name, 0) + value.numel() * value.element_size()
    return parts


def fp32_training_bytes(optimizer: str = "Adam", width: int = 256, **hyper) -> MemoryCount:
    """Weights, gradients and optimizer state after one real backward pass and one ``torch.optim`` step, fp32.

    ``optimizer``: a name in :data:`OPTIMIZERS`; ``hyper``: its keyword arguments (``lr`` defaults to 1e-3).
    See chapter: chapters/optimizers.md
    """
    import torch

    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {list(OPTIMIZERS)}, got {optimizer!r}")
    model = small_model(width)
    params = list(model.parameters())
    model(torch.randn(8, 64)).square().mean().backward()
    opt = getattr(torch.optim, optimizer)(params, **{"lr": 1e-3, **hyper})
    opt.step()
    parts = {"weights": _nbytes(params), "gradients": _nbytes(p.grad for p in params), **_state_bytes(opt)}
    return MemoryCount(sum(p.numel() for p in params), len(params), parts)


def mixed_precision_training_bytes(width: int = 256, half: str = "float16") -> MemoryCount:
    """Mixed-precision Adam, counted after one real step: 16-bit weights and gradients, fp32 master weights
    and moments (the fp32 gradient copy the step reads is freed after it).

    ``half``: "float16" or "bfloat16" (2 bytes either way). See chapter: chapters/optimizers.md
    """
    import torch

    if half not in ("float16", "bfloat16"):
        raise ValueError(f"half must be 'float16' or 'bfloat16', got {half!r}")
    model = small_model(width)
    master = [torch.nn.Parameter(p.detach().clone()) for p in model.parameters()]  # fp32 master weights
    model.to(getattr(torch, half))  # the 16-bit copy the forward and backward passes use
    compute = list(model.parameters())
    model(torch.randn(8, 64, dtype=compute[0].dtype)).float().square().mean().backward()
    opt = torch.optim.Adam(master, lr=1e-3)
    for m, p in zip(master, compute):
        m.grad = p.grad.float()  # fp32 gradient for the step only
    opt.step()
    with torch.no_grad():
        for m, p in zip(master, compute):
            m.grad = None
            p.copy_(m)  # the updated weights, rounded to 16 bits for the next forward pass
    parts = {f"{half} weights": _nbytes(compute), f"{half} gradients": _nbytes(p.grad for p in compute),
             "fp32 master weights": _nbytes(master), **_state_bytes(opt)}
    return MemoryCount(sum(p.numel() for p in master), len(master), parts)


def autocast_dtypes(width: int = 256) -> dict:
    """dtypes under ``torch.autocast("cpu", bfloat16)``: {"weights", "gradients", "activations"} as names.

    See chapter: chapters/optimizers.md
    """
    import torch

    model = small_model(width)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        out = model(torch.randn(8, 64))
    out.float().square().mean().backward()
    p = next(model.parameters())
    return {"weights": str(p.dtype), "gradients": str(p.grad.dtype), "activations": str(out.dtype)}
