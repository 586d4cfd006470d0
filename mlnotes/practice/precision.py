r"""float32 with fewer mantissa bits: what TF32 and bfloat16 keep of a number, and what it does to a matmul.

float32 stores 23 explicit mantissa bits; TF32 (the tensor-core format ``torch.set_float32_matmul_precision
("high")`` allows on GPUs that have it) keeps 10, bfloat16 7, with float32's 8-bit exponent. Rounding to
$m$ bits, to nearest with ties to even, is integer arithmetic on the float32 bit pattern $u$:

$$u' = \big(u + 2^{22-m} - 1 + \lfloor u / 2^{23-m}\rfloor \bmod 2\big)\ \&\ \lnot(2^{23-m} - 1).$$

Its relative error is at most $2^{-(m+1)}$ (the unit roundoff). For $m = 7$ this is exactly torch's
float32 → bfloat16 conversion; for $m = 10$ it equals float16's rounding for values in float16's normal
range. Infinities and NaN pass through.

See chapter: chapters/pytorch_practice.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_int


def round_mantissa(x, bits) -> np.ndarray:
    """``x`` rounded to ``bits`` explicit mantissa bits (0 ≤ bits ≤ 23), to nearest, ties to even: float32 array.

    Raises ``TypeError`` for a non-float input (an int array would be silently converted), ``ValueError`` for
    ``bits`` out of range. See chapter: chapters/pytorch_practice.md
    """
    a = np.asarray(x)
    if a.dtype.kind != "f":
        raise TypeError(f"x must be a floating array, got dtype {a.dtype}")
    bits = check_int("bits", bits, low=0, high=23)
    u = a.astype(np.float32).view(np.uint32).astype(np.uint64)
    drop = 23 - bits
    if drop == 0:
        return a.astype(np.float32)
    half, lsb = (1 << (drop - 1)) - 1, (u >> drop) & 1  # round half to even
    rounded = ((u + half + lsb) >> drop) << drop
    special = (u & 0x7F800000) == 0x7F800000  # inf and NaN keep their bits
    out = np.where(special, u, rounded).astype(np.uint32).view(np.float32)
    return out.reshape(a.shape)


def matmul_error(A, B, bits) -> float:
    """Largest relative error of ``A @ B`` with both inputs rounded to ``bits`` mantissa bits (float32 products),
    against the float64 product of the unrounded inputs; the error is relative to the largest |entry|.

    A (n, k), B (k, m) floating. See chapter: chapters/pytorch_practice.md
    """
    A, B = np.asarray(A), np.asarray(B)
    if A.ndim != 2 or B.ndim != 2 or A.shape[1] != B.shape[0]:
        raise ValueError(f"A and B must be matrices (n, k) and (k, m), got shapes {A.shape} and {B.shape}")
    exact = A.astype(np.float64) @ B.astype(np.float64)
    approx = round_mantissa(A, bits).astype(np.float64) @ round_mantissa(B, bits).astype(np.float64)
    return float(np.abs(approx - exact).max() / np.abs(exact).max())
