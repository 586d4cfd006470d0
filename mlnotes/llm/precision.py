r"""Number formats for training (混合精度): fp32, fp16, bf16 — range, precision, loss scaling, memory.

A float with $e$ exponent bits and $m$ mantissa bits has machine epsilon $2^{-m}$ (the gap above 1), largest
value $\approx 2^{2^{e-1}}$ and smallest normal $2^{2-2^{e-1}}$: fp32 (8, 23), fp16 (5, 10), bf16 (8, 7). bf16
keeps fp32's range with far less precision; fp16 has more precision but overflows above 65 504 and rounds
magnitudes below half its smallest subnormal ($\approx 6\times10^{-8}$) to zero.

**Loss scaling** (Micikevicius et al., 2018): multiply the loss by $S$ (e.g. $2^{16}$) before backward, so small
gradients stay representable in fp16, then divide the (fp32) gradients by $S$ before the update. Dynamic scaling
(``torch.amp.GradScaler``): if any gradient is inf/NaN, skip the step and halve $S$; after ``growth_interval``
good steps, double it.

**Memory per parameter with Adam in mixed precision** (Rajbhandari et al., 2020, ZeRO §3): fp16 weights (2 bytes)
and gradients (2), plus an fp32 master copy of the weights (4) and Adam's two fp32 moments (4 + 4): 16 bytes,
before activations. :func:`adam_mixed_precision_bytes` counts the bytes of real tensors.

See chapter: chapters/llm.md
"""

from __future__ import annotations

from mlnotes._checks import check_int, check_real

FORMATS = ("float32", "float16", "bfloat16")


def finfo_table() -> list:
    """One dict per format: bits, exponent and mantissa bits, max, smallest normal, smallest subnormal, eps.

    From ``torch.finfo``. See chapter: chapters/llm.md
    """
    import torch

    rows = []
    for name in FORMATS:
        fi = torch.finfo(getattr(torch, name))
        mantissa = {"float32": 23, "float16": 10, "bfloat16": 7}[name]
        rows.append({"format": name, "bits": fi.bits, "exponent_bits": fi.bits - 1 - mantissa,
                     "mantissa_bits": mantissa, "max": fi.max, "smallest_normal": fi.smallest_normal,
                     "smallest_subnormal": 2.0 ** (-mantissa) * fi.smallest_normal, "eps": fi.eps})
    return rows


def round_trip(values, dtype_name) -> list:
    """The values after a round trip through ``dtype_name`` (to that format and back to float64)."""
    import torch

    if dtype_name not in FORMATS:
        raise ValueError(f"dtype_name must be one of {list(FORMATS)}, got {dtype_name!r}")
    t = torch.tensor(values, dtype=torch.float64)
    return t.to(getattr(torch, dtype_name)).double().tolist()


def scaled_gradient_survival(grads, scale) -> dict:
    """Share of nonzero fp32 gradients that are nonzero after an fp16 round trip, without and with loss scaling.

    ``grads``: float64 values; ``scale``: the loss scale S (the gradient is S·g in fp16, then divided by S in
    fp32). -> {"unscaled": share, "scaled": share, "max_rel_error_scaled": worst relative error}.
    See chapter: chapters/llm.md
    """
    import torch

    S = check_real("scale", scale, low=1.0)
    g = torch.as_tensor(grads, dtype=torch.float64)
    plain = g.half().double()
    scaled = (g * S).half().double() / S  # the fp16 gradient of the scaled loss, unscaled in high precision
    nz = g != 0
    rel = ((scaled - g).abs() / g.abs())[nz]
    return {"unscaled": float((plain[nz] != 0).double().mean()), "scaled": float((scaled[nz] != 0).double().mean()),
            "max_rel_error_scaled": float(rel.max())}


def update_scale(scale, found_inf, growth_tracker, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000):
    """One step of dynamic loss scaling: -> (new scale, new growth_tracker, whether the optimizer step runs).

    inf/NaN found: skip the step, scale × backoff_factor, tracker reset; otherwise tracker + 1 and, every
    ``growth_interval`` clean steps, scale × growth_factor. As ``torch.amp.GradScaler.update`` (tested).
    See chapter: chapters/llm.md
    """
    scale = check_real("scale", scale, low=0.0, low_open=True)
    tracker = check_int("growth_tracker", growth_tracker, low=0)
    interval = check_int("growth_interval", growth_interval, low=1)
    if found_inf:
        return scale * backoff_factor, 0, False
    tracker += 1
    if tracker == interval:
        return scale * growth_factor, 0, True
    return scale, tracker, True


def adam_mixed_precision_bytes(n_params: int) -> dict:
    """Bytes of real tensors for ``n_params`` parameters trained with Adam in mixed precision.

    fp16 weights + fp16 gradients + fp32 master weights + fp32 exp_avg + fp32 exp_avg_sq; -> {name: bytes,
    "total": …, "per_param": total / n_params}. See chapter: chapters/llm.md
    """
    import torch

    n = check_int("n_params", n_params, low=1)
    tensors = {"fp16 weights": torch.empty(n, dtype=torch.float16), "fp16 gradients": torch.empty(n, dtype=torch.float16),
               "fp32 master weights": torch.empty(n, dtype=torch.float32),
               "Adam m (fp32)": torch.empty(n, dtype=torch.float32), "Adam v (fp32)": torch.empty(n, dtype=torch.float32)}
    out = {k: t.element_size() * t.numel() for k, t in tensors.items()}
    out["total"] = sum(out.values())
    out["per_param"] = out["total"] / n
    return out
