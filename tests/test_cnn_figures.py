"""The CNN chapter's figures draw finite frames at the extremes of their controls, and the bundled-digits reader
equals scikit-learn's load_digits."""

import numpy as np
import pytest

from mlnotes.cnn.data import load_digits_arrays
from mlnotes.explore import FrameRenderer
from mlnotes.figures import cnn as figs


def render(draw, values, **kw):
    png = FrameRenderer(draw, dpi=30, scale=1, **kw).render(values)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("values", [dict(stride=1, padding=0, dilation=1), dict(stride=2, padding=1, dilation=2),
                                    dict(kernel_size=2, stride=2, padding=0, dilation=2)])
def test_conv_arithmetic_frames(values):
    render(figs.draw_conv_arithmetic, values)


@pytest.mark.parametrize("layers, k, s, d", [(1, 3, 1, 1), (max(figs.RF_LAYERS), max(figs.RF_KERNELS),
                                                           max(figs.RF_STRIDES), max(figs.RF_DILATIONS))])
def test_receptive_field_frames_and_limits(layers, k, s, d):
    render(figs.draw_receptive_field, dict(layers=layers, kernel_size=k, stride=s, dilation=d), ncols=2)
    formula, probed = figs._rf_curve(k, s, d)
    np.testing.assert_array_equal(formula, probed)
    assert formula.max() <= figs.rf_max() < 2 * figs.rf_max()  # inside the fixed y-limit


def test_static_figures_and_nms_frames():
    render(figs.draw_conv_matrix, {}, ncols=2)
    render(figs.draw_feature_maps, {}, ncols=4)
    for t in (min(figs.NMS_THRESHOLDS), max(figs.NMS_THRESHOLDS)):
        render(figs.draw_nms, dict(iou_threshold=t, per_class=True))


def test_degradation_frame_and_its_limits():
    from mlnotes.cnn.residual import grad_norms_at_init, train_curve

    render(figs.draw_degradation, dict(depth=min(figs.DEPTHS), no_bn=True), ncols=2)
    for depth in figs.DEPTHS:
        for residual, bn in [(False, True), (True, True), (False, False)]:
            losses, final = train_curve(depth, residual, bn)
            smooth = figs._smooth(losses)
            assert 1e-3 < smooth.min() and smooth.max() < 4  # the left panel's y-limits
        for residual, bn in [(False, True), (False, False), (True, True)]:
            g = grad_norms_at_init(depth, residual, bn)
            assert 1e-12 < g.min() and g.max() < 1e2  # the right panel's y-limits


def test_feature_maps_use_a_sobel_kernel():
    digit, maps, pooled = figs.feature_maps()
    assert digit.shape == (8, 8) and maps.shape == (2, 8, 8) and pooled.shape == (2, 4, 4)
    assert np.abs(maps).max() <= 4  # the colour limits of the figure
    np.testing.assert_array_equal(figs.SOBEL[0], [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])


def test_digits_equal_sklearn():
    from sklearn.datasets import load_digits

    images, labels = load_digits_arrays()
    ref = load_digits()
    np.testing.assert_array_equal(images, ref.images)
    np.testing.assert_array_equal(labels, ref.target)
    assert not images.flags.writeable
