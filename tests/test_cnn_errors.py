"""Bad inputs to mlnotes.cnn raise ValueError/TypeError whose message names the argument and the expected form."""

import numpy as np
import pytest

from mlnotes import cnn
from mlnotes.cnn import blocks, residual

X = np.ones((1, 2, 5, 5))
W = np.ones((3, 2, 3, 3))
BOX = np.array([[0.0, 0.0, 1.0, 1.0]])

CASES = [
    # conv2d
    ("x 3-D", lambda: cnn.conv2d(np.ones((2, 5, 5)), W), ValueError, r"x must have 4 dimension"),
    ("x bool", lambda: cnn.conv2d(X.astype(bool), W), TypeError, "x must be array-like of numbers.*bool"),
    ("x complex", lambda: cnn.conv2d(X.astype(complex), W), TypeError, "x must be array-like of float32"),
    ("x float16", lambda: cnn.conv2d(X.astype(np.float16), W), TypeError, "x must be array-like of float32"),
    ("x NaN", lambda: cnn.conv2d(np.full((1, 2, 5, 5), np.nan), W), ValueError, "x must contain only finite"),
    ("x strings", lambda: cnn.conv2d([["a"]], W), TypeError, "x must be array-like"),
    ("weight channels", lambda: cnn.conv2d(X, np.ones((3, 3, 3, 3))), ValueError, r"weight must have shape \(C_out, C_in/groups"),
    ("weight 2-D", lambda: cnn.conv2d(X, np.ones((3, 3))), ValueError, "weight must have 4 dimension"),
    ("bias shape", lambda: cnn.conv2d(X, W, np.ones(2)), ValueError, r"bias must have shape \(3\)"),
    ("stride 0", lambda: cnn.conv2d(X, W, stride=0), ValueError, "stride must be an integer >= 1"),
    ("stride float", lambda: cnn.conv2d(X, W, stride=1.5), TypeError, "stride must be an int or a pair"),
    ("stride triple", lambda: cnn.conv2d(X, W, stride=(1, 1, 1)), ValueError, r"stride must be an int or a pair \(h, w\)"),
    ("padding negative", lambda: cnn.conv2d(X, W, padding=-1), ValueError, "padding must be an integer >= 0"),
    ("padding word", lambda: cnn.conv2d(X, W, padding="full"), ValueError, "padding must be an int, a pair, 'valid' or 'same'"),
    ("same with stride", lambda: cnn.conv2d(X, W, stride=2, padding="same"), ValueError, "padding='same' needs stride 1"),
    ("dilation 0", lambda: cnn.conv2d(X, W, dilation=0), ValueError, "dilation must be an integer >= 1"),
    ("groups divide", lambda: cnn.conv2d(np.ones((1, 3, 5, 5)), np.ones((2, 1, 3, 3)), groups=2), ValueError,
     "groups=2 must divide"),
    ("groups 0", lambda: cnn.conv2d(X, W, groups=0), ValueError, "groups must be an integer >= 1"),
    ("kernel too big", lambda: cnn.conv2d(X, np.ones((1, 2, 7, 7))), ValueError, "no output position"),
    ("dilated too big", lambda: cnn.conv2d(X, W, dilation=3), ValueError, "the dilated kernel spans 7"),
    ("empty", lambda: cnn.conv2d(np.ones((0, 2, 5, 5)), W), ValueError, "x and weight must not be empty"),
    ("method", lambda: cnn.conv2d(X, W, method="fft"), ValueError, "method must be 'im2col' or 'loops'"),
    ("dy shape", lambda: cnn.conv2d_backward(np.ones((1, 3, 4, 4)), X, W), ValueError, r"dy must have shape \(1, 3, 3, 3\)"),
    ("im2col kernel", lambda: cnn.im2col(X, 0), ValueError, "kernel_size must be an integer >= 1"),
    # shapes
    ("size 0", lambda: cnn.conv_output_size(0, 3), ValueError, "size must be an integer >= 1"),
    ("size float", lambda: cnn.conv_output_size(5.0, 3), TypeError, "size must be an integer"),
    ("size small", lambda: cnn.conv_output_size(2, 3), ValueError, "the dilated kernel spans 3 inputs"),
    ("pool padding", lambda: cnn.pool_output_size(5, 2, padding=2), ValueError, "padding must be at most"),
    ("pool ceil kind", lambda: cnn.pool_output_size(5, 2, ceil_mode=1), TypeError, "ceil_mode must be True or False"),
    ("params groups", lambda: cnn.conv2d_param_count(3, 4, 3, groups=2), ValueError, "groups=2 must divide"),
    ("params bias", lambda: cnn.conv2d_param_count(3, 4, 3, bias=1), TypeError, "bias must be True or False"),
    ("macs output", lambda: cnn.conv2d_macs(3, 4, 3, (0, 4)), ValueError, r"output_hw\[0\] must be an integer >= 1"),
    ("dense shape", lambda: cnn.dense_param_count((3, 0), (2,)), ValueError, r"in_shape\[1\] must be an integer"),
    # pooling
    ("pool x 2-D", lambda: cnn.max_pool2d(np.ones((5, 5)), 2), ValueError, "x must have 4 dimension"),
    ("pool big padding", lambda: cnn.max_pool2d(X, 2, padding=2), ValueError, "padding must be at most half"),
    ("pool kernel", lambda: cnn.avg_pool2d(X, 0), ValueError, "kernel_size must be an integer >= 1"),
    ("pool flag", lambda: cnn.avg_pool2d(X, 2, count_include_pad="no"), TypeError, "count_include_pad must be True"),
    ("pool dy", lambda: cnn.max_pool2d_backward(np.ones((1, 2, 3, 3)), X, 2), ValueError, r"dy must have shape \(1, 2, 2, 2\)"),
    # receptive field
    ("rf empty", lambda: cnn.receptive_field([]), ValueError, "kernel_sizes must be a non-empty list"),
    ("rf strides", lambda: cnn.receptive_field([3, 3], [1]), ValueError, "strides must be an int or a list of 2"),
    ("rf zero", lambda: cnn.receptive_field([3, 0]), ValueError, r"kernel_sizes\[1\] must be an integer >= 1"),
    ("probe margin", lambda: cnn.probe_receptive_field([3], margin=-1), ValueError, "margin must be an integer >= 0"),
    # sharing
    ("circular even", lambda: cnn.circular_conv2d(X, np.ones((1, 2, 2, 2))), ValueError, "odd square kernel"),
    ("equivariance stride", lambda: cnn.equivariance_error(X, np.ones((1, 2, 3, 3)), 0, 1), ValueError,
     "stride must be an integer >= 1"),
    ("matrix hw", lambda: cnn.conv_as_matrix(W, (0, 3)), ValueError, r"input_hw\[0\] must be an integer >= 1"),
    # boxes
    ("boxes 1-D", lambda: cnn.box_iou(np.ones(4), BOX), ValueError, "boxes1 must have 2 dimension"),
    ("boxes 3 cols", lambda: cnn.box_iou(np.ones((2, 3)), BOX), ValueError, r"boxes1 must have shape \(N, 4\)"),
    ("boxes order", lambda: cnn.box_iou(BOX, [[2.0, 0.0, 1.0, 1.0]]), ValueError, "boxes2 must have x1 <= x2"),
    ("boxes NaN", lambda: cnn.box_area([[0.0, 0.0, np.nan, 1.0]]), ValueError, "boxes must contain only finite"),
    ("nms scores", lambda: cnn.nms(BOX, np.ones(2), 0.5), ValueError, r"scores must have one entry per box"),
    ("nms threshold", lambda: cnn.nms(BOX, np.ones(1), 1.5), ValueError, r"iou_threshold must be in \[0.0, 1.0\]"),
    ("nms threshold kind", lambda: cnn.nms(BOX, np.ones(1), "0.5"), TypeError, "iou_threshold must be a real"),
    ("nms scores NaN", lambda: cnn.nms(BOX, [np.nan], 0.5), ValueError, "scores must contain only finite"),
    ("batched labels", lambda: cnn.batched_nms(BOX, np.ones(1), np.ones(1), 0.5), TypeError, "labels must be an integer"),
    ("batched labels shape", lambda: cnn.batched_nms(BOX, np.ones(1), np.ones(2, int), 0.5), ValueError,
     r"labels must have shape \(1,\)"),
    # blocks and the degradation demo
    ("fuse var", lambda: cnn.fuse_conv_bn(W, None, np.ones(3), np.zeros(3), np.zeros(3), -np.ones(3)), ValueError,
     "running_var must be >= 0"),
    ("fuse eps", lambda: blocks.fuse_conv_bn(W, None, np.ones(3), np.zeros(3), np.zeros(3), np.ones(3), eps=0), ValueError,
     "eps must be > 0"),
    ("fuse gamma", lambda: cnn.fuse_conv_bn(W, None, np.ones(2), np.zeros(3), np.zeros(3), np.ones(3)), ValueError,
     r"gamma must have shape \(3\)"),
    ("depth odd", lambda: residual.make_mlp(5, True), ValueError, "depth must be even"),
    ("depth small", lambda: residual.grad_norms_at_init(0, True), ValueError, "depth must be an integer >= 2"),
    ("train lr", lambda: residual.train_curve(4, True, True, residual.TrainConfig(lr=0.0)), ValueError, "lr must be > 0"),
]


@pytest.mark.parametrize("name, call, exc, match", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_refused_with_a_clear_message(name, call, exc, match):
    with pytest.raises(exc, match=match):
        call()

