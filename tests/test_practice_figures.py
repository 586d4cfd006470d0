"""The mantissa-bits figure of the practice appendix: every frame draws, fixed axes, the numbers it plots."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

from mlnotes.figures import practice as figs  # noqa: E402


def test_every_frame_draws_with_fixed_axes():
    limits = set()
    for bits in figs.MANTISSA_BITS:
        fig, axes = plt.subplots(1, 2)
        figs.draw_mantissa(axes, bits)
        limits.add(tuple(tuple(np.round(ax.get_xlim() + ax.get_ylim(), 12)) for ax in axes))
        plt.close(fig)
    assert len(limits) == 1


def test_rounding_stays_under_the_unit_roundoff_and_bfloat16_is_torchs():
    x, errors = figs.rounding_samples()
    for bits in range(24):
        assert errors[bits].max() <= 2.0 ** -(bits + 1)
    want = torch.from_numpy(x).to(torch.bfloat16).double().numpy()
    np.testing.assert_allclose(np.abs(want - x) / x, errors[7], rtol=0, atol=0)


def test_matmul_errors_halve_per_bit():
    mm = figs.matmul_errors()
    ratios = np.array([mm[b] / 2.0 ** -(b + 1) for b in range(24)])
    assert np.all((ratios > 0.25) & (ratios < 1.0))
