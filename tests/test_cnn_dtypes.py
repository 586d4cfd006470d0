"""dtypes in mlnotes.cnn: float32 stays float32 and equals torch in float32 (rtol ~1e-5), float64 equals torch in
float64 (~1e-10), integer input becomes float64; mixed inputs follow x."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from mlnotes import cnn

DTYPES = [pytest.param((np.float32, torch.float32, 1e-5, 1e-5), id="float32"),
          pytest.param((np.float64, torch.float64, 1e-10, 1e-12), id="float64")]


def data(shape, dtype, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


@pytest.mark.parametrize("case", DTYPES)
@pytest.mark.parametrize("method", ["im2col", "loops"])
def test_conv2d_keeps_dtype_and_equals_torch(case, method):
    dtype, tdtype, rtol, atol = case
    x, w, b = data((2, 4, 7, 6), dtype), data((6, 2, 3, 3), dtype, 1), data(6, dtype, 2)
    y = cnn.conv2d(x, w, b, stride=2, padding=1, groups=2, method=method)
    assert y.dtype == dtype
    ref = F.conv2d(torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(b), stride=2, padding=1, groups=2)
    assert ref.dtype == tdtype
    np.testing.assert_allclose(y, ref.numpy(), rtol=rtol, atol=atol)


@pytest.mark.parametrize("case", DTYPES)
def test_conv2d_backward_keeps_dtype_and_equals_torch(case):
    dtype, tdtype, rtol, atol = case
    x, w, dy = data((2, 3, 6, 6), dtype), data((4, 3, 3, 3), dtype, 1), data((2, 4, 6, 6), dtype, 2)
    tx, tw = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    F.conv2d(tx, tw, padding=1).backward(torch.from_numpy(dy))
    dx, dw, db = cnn.conv2d_backward(dy, x, w, padding=1)
    assert dx.dtype == dw.dtype == db.dtype == dtype
    np.testing.assert_allclose(dx, tx.grad.numpy(), rtol=rtol, atol=10 * atol)
    np.testing.assert_allclose(dw, tw.grad.numpy(), rtol=rtol, atol=10 * atol)


@pytest.mark.parametrize("case", DTYPES)
def test_pooling_keeps_dtype(case):
    dtype, tdtype, rtol, atol = case
    x = data((1, 2, 6, 6), dtype)
    for ours, ref in [(cnn.max_pool2d, F.max_pool2d), (cnn.avg_pool2d, F.avg_pool2d)]:
        y = ours(x, 3, 2, 1)
        assert y.dtype == dtype
        np.testing.assert_allclose(y, ref(torch.from_numpy(x), 3, 2, 1).numpy(), rtol=rtol, atol=atol)
    dy = data((1, 2, 3, 3), dtype, 1)
    assert cnn.max_pool2d_backward(dy, x, 3, 2, 1).dtype == cnn.avg_pool2d_backward(dy, x, 3, 2, 1).dtype == dtype


def test_integer_input_becomes_float64_and_weights_follow_x():
    x = np.arange(32).reshape(1, 2, 4, 4)
    y = cnn.conv2d(x, np.ones((1, 2, 3, 3), dtype=np.float32))
    assert y.dtype == np.float64
    y32 = cnn.conv2d(x.astype(np.float32), np.ones((1, 2, 3, 3)))  # float64 weights are cast to x's float32
    assert y32.dtype == np.float32
    assert cnn.max_pool2d(x, 2).dtype == np.float64


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_boxes_keep_dtype(dtype):
    b = np.array([[0, 0, 2, 2], [1, 1, 3, 3]], dtype=dtype)
    assert cnn.box_iou(b, b).dtype == dtype and cnn.box_area(b).dtype == dtype
    assert cnn.box_iou(b.astype(np.float32), b.astype(np.float64)).dtype == np.float64  # promoted
    assert cnn.nms(b, np.array([0.5, 0.9], dtype=dtype), 0.1).dtype == np.int64
    assert cnn.box_iou(np.array([[0, 0, 2, 2]]), np.array([[1, 1, 3, 3]])).dtype == np.float64  # ints


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fuse_and_im2col_keep_dtype(dtype):
    w = data((3, 2, 3, 3), dtype)
    wf, bf = cnn.fuse_conv_bn(w, None, np.ones(3), np.zeros(3), np.zeros(3), np.ones(3))
    assert wf.dtype == bf.dtype == dtype
    assert cnn.im2col(data((1, 2, 5, 5), dtype), 3).dtype == dtype
    assert cnn.conv_as_matrix(w, (4, 4)).dtype == dtype
