"""The RNN chapter's figures draw finite frames at the extremes of their controls, inside their fixed limits."""

import numpy as np
import pytest

from mlnotes.explore import FrameRenderer
from mlnotes.figures import rnn as figs
from mlnotes.rnn import hidden_gradient_norms, input_gradient_norms


def render(draw, values, **kw):
    png = FrameRenderer(draw, dpi=30, scale=1, **kw).render(values)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("rho", [min(figs.RHOS), 1.0, max(figs.RHOS)])
@pytest.mark.parametrize("activation", ["tanh", "linear"])
def test_gradient_frames_inside_limits(rho, activation):
    render(figs.draw_gradient_through_time, dict(rho=rho, activation=activation))
    norms = hidden_gradient_norms(rho, activation=activation)
    lo, hi = figs.GRAD_YLIM
    assert lo < norms.min() and norms.max() < hi and lo < rho ** 49 < hi


@pytest.mark.parametrize("b", [min(figs.GATE_BIASES), max(figs.GATE_BIASES)])
def test_gate_frames_inside_limits(b):
    render(figs.draw_gate_path, dict(gate_bias=b))
    for cell in ("rnn", "lstm", "gru"):
        g = input_gradient_norms(cell, b)
        assert 1e-14 < g.min() and g.max() < 1


def test_race_frames_inside_limits():
    render(figs.draw_race, dict(length=min(figs.RACE_LENGTHS), gate_open=False))
    for length in figs.RACE_LENGTHS:
        for gate_open in (False, True):
            for losses in figs.race_curves(length, gate_open).values():
                smooth = np.convolve(losses, np.ones(10) / 10, mode="valid")
                assert 1e-4 < smooth.min() and smooth.max() < 3
