"""Figures for the PyTorch & Python practice appendix: what fewer mantissa bits keep.

Pure draw functions ``draw_xxx(axes, **values)``; the numbers come from :mod:`mlnotes.practice.precision` and
are computed once per setting (``functools.lru_cache``), never at import. Fixed axis limits across frames.

See chapter: chapters/pytorch_practice.md
"""

from __future__ import annotations

import functools

import numpy as np

from mlnotes.practice.precision import matmul_error, round_mantissa

BLUE, ORANGE, GREY = "#1f77b4", "#ff7f0e", "#8c8c8c"
MANTISSA_BITS = (2, 4, 7, 10, 16, 23)
FORMAT_NAMES = {7: "bfloat16", 10: "TF32 (and float16's mantissa)", 23: "float32"}
MATMUL_N = 128


@functools.lru_cache(maxsize=1)
def rounding_samples() -> tuple:
    """(x, {bits: relative error of round_mantissa(x, bits)}) for 4000 log-spaced x in [1e-3, 1e3] (float32)."""
    x = np.geomspace(1e-3, 1e3, 4000).astype(np.float32)
    errors = {b: np.abs(round_mantissa(x, b).astype(np.float64) - x) / x for b in range(24)}
    return x, errors


@functools.lru_cache(maxsize=1)
def matmul_errors() -> dict:
    """{bits: matmul_error(A, B, bits)} for every bits 0..23, one seeded 128 × 128 product."""
    rng = np.random.default_rng(0)
    A, B = rng.standard_normal((MATMUL_N, MATMUL_N)), rng.standard_normal((MATMUL_N, MATMUL_N))
    return {b: matmul_error(A, B, b) for b in range(24)}


def draw_mantissa(axes, bits):
    """Left: the relative rounding error of every x from 1e-3 to 1e3 kept to ``bits`` mantissa bits, under the
    bound 2^-(bits+1) at every scale. Right: a 128 × 128 matmul's error against the bits its inputs keep."""
    left, right = axes
    x, errors = rounding_samples()
    bound = 2.0 ** -(bits + 1)
    left.loglog(x, np.maximum(errors[bits], 1e-12), ".", ms=1.5, color=BLUE, label="|round(x) − x| / |x|")
    left.axhline(bound, color=ORANGE, lw=1.5, label=f"bound 2^-{bits + 1}")
    left.set(xlim=(1e-3, 1e3), ylim=(1e-9, 0.5), xlabel="x", ylabel="relative error",
             title=f"{bits} mantissa bits" + (f": {FORMAT_NAMES[bits]}" if bits in FORMAT_NAMES else ""))
    left.legend(loc="lower right", fontsize=8)
    mm = matmul_errors()
    b = np.arange(24)
    right.semilogy(b, [mm[k] for k in b], "-", color=GREY, lw=1)
    right.semilogy(b, 2.0 ** -(b + 1.0), ":", color=ORANGE, lw=1, label="unit roundoff 2^-(bits+1)")
    right.semilogy([bits], [mm[bits]], "o", color=BLUE, ms=7, label=f"error {mm[bits]:.1e}")
    right.set(xlim=(-0.5, 23.5), ylim=(1e-9, 1.0), xlabel="mantissa bits kept",
              ylabel="largest error / largest entry", title=f"{MATMUL_N} × {MATMUL_N} matmul")
    right.legend(loc="upper right", fontsize=8)
