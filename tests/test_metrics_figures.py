"""Every frame of the metrics chapters' new figures renders (finite data, fixed axes) and shows what the text says."""

import numpy as np
import pytest

from mlnotes.book import figure
from mlnotes.figures import metrics as figs
from mlnotes.figures import metrics_ranking as figr
from mlnotes.metrics import CALIBRATION_MODELS


@pytest.mark.parametrize("model", CALIBRATION_MODELS)
@pytest.mark.parametrize("temperature", figs.TEMPERATURES[::len(figs.TEMPERATURES) - 1])  # the slider's extremes
def test_calibration_frames_render(model, temperature):
    fig = figure(figs.draw_calibration, ncols=2, figsize=(8, 3.5), model=model, temperature=temperature)
    assert fig.png[:4] == b"\x89PNG"


def test_calibration_histograms_fit_their_axes():
    for model in CALIBRATION_MODELS:
        top = figs._hist_top(model)
        for t in figs.TEMPERATURES:
            assert np.histogram(figs._calibration(model, t, "uniform")[0], figs.HIST_EDGES)[0].max() < top


@pytest.mark.parametrize("n", figs.SAMPLE_SIZES)
def test_bootstrap_frames_render_and_fit(n):
    if n in (figs.SAMPLE_SIZES[0], figs.SAMPLE_SIZES[-1]):
        assert figure(figs.draw_bootstrap, ncols=2, figsize=(8, 3.4), n=n).png[:4] == b"\x89PNG"
    result = figs._bootstrap(n)
    assert 0.45 < result.low <= result.high < 1.0  # inside the fixed x-range
    assert 0.04 < result.width < 0.6  # inside the fixed y-range of the width panel


def test_static_one_vs_rest_figure_renders():
    assert figure(figs.draw_one_vs_rest, figsize=(4.6, 4.3)).png[:4] == b"\x89PNG"


@pytest.mark.parametrize("outlier", figr.OUTLIERS)
def test_outlier_frames_render_and_fit(outlier):
    if outlier in (figr.OUTLIERS[0], figr.OUTLIERS[-1]):
        assert figure(figr.draw_outlier, ncols=2, figsize=(8, 3.4), outlier=outlier).png[:4] == b"\x89PNG"
    y = figr.outlier_targets(outlier)
    for center in (np.median(y), np.mean(y)):  # both minima inside the x-range
        assert figr.C_GRID[0] < center < figr.C_GRID[-1]


@pytest.mark.parametrize("position", figr.POSITIONS)
def test_position_frames_render(position):
    if position in (1, 10):
        assert figure(figr.draw_position, figsize=(6.4, 3), position=position).png[:4] == b"\x89PNG"
    values = figr.position_metrics(position)
    assert all(0 <= v <= 1 for v in values.values())
