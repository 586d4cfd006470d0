"""mlnotes.cnn.conv and .pool against torch: conv2d (im2col and loops) forward, backward and gradcheck; im2col
against F.unfold; output-size arithmetic against the shapes torch produces; max/avg pooling forward and backward;
hand-worked small cases."""

import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from mlnotes.cnn import (avg_pool2d, avg_pool2d_backward, conv2d, conv2d_autograd, conv2d_backward,
                         conv2d_output_shape, conv_output_size, im2col, max_pool2d, max_pool2d_backward,
                         pool_output_size)

SETTINGS = [
    dict(),
    dict(stride=2),
    dict(padding=1),
    dict(stride=2, padding=2, dilation=2),
    dict(stride=(1, 3), padding=(2, 0), dilation=(2, 1)),
    dict(padding="same"),
    dict(padding="same", dilation=(1, 3)),
    dict(padding="valid", stride=3),
    dict(groups=2, padding=1),
    dict(groups=4, stride=2, padding=1),
    dict(groups=2, dilation=2, stride=(2, 1)),
]
KERNELS = [(3, 3), (2, 3), (1, 1), (4, 2)]


def t(a, grad=False):
    return torch.tensor(np.asarray(a), dtype=torch.float64, requires_grad=grad)


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel lengths")  # torch's note on its copy
@pytest.mark.parametrize("kw", SETTINGS, ids=str)
@pytest.mark.parametrize("kernel", KERNELS, ids=str)
@pytest.mark.parametrize("bias", [True, False])
def test_conv2d_forward_and_backward_equal_torch(kw, kernel, bias):
    rng = np.random.default_rng(sum(kernel) + 10 * len(str(kw)))
    g = kw.get("groups", 1)
    x = rng.standard_normal((2, 4, 10, 9))
    w = rng.standard_normal((6 if g != 4 else 8, 4 // g) + kernel)
    b = rng.standard_normal(w.shape[0]) if bias else None
    tx, tw = t(x, True), t(w, True)
    tb = t(b, True) if bias else None
    ref = F.conv2d(tx, tw, tb, **kw)
    dy = rng.standard_normal(tuple(ref.shape))
    ref.backward(torch.from_numpy(dy))
    for method in ("im2col", "loops"):
        np.testing.assert_allclose(conv2d(x, w, b, **kw, method=method), ref.detach().numpy(), rtol=1e-10, atol=1e-12)
    dx, dw, db = conv2d_backward(dy, x, w, **kw)
    np.testing.assert_allclose(dx, tx.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(dw, tw.grad.numpy(), rtol=1e-10, atol=1e-12)
    if bias:
        np.testing.assert_allclose(db, tb.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(db, dy.sum(axis=(0, 2, 3)), rtol=1e-12)  # the bias gradient, whether or not used


@pytest.mark.parametrize("kw", [dict(), dict(stride=2, padding=1), dict(padding="same", dilation=2),
                                dict(groups=2, stride=(2, 1), padding=(1, 0)), dict(stride=3, padding=2)], ids=str)
def test_gradcheck_of_our_backward(kw):
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(2, 2, 6, 5, dtype=torch.float64, generator=gen, requires_grad=True)
    w = torch.randn(4, 2 // kw.get("groups", 1), 3, 2, dtype=torch.float64, generator=gen, requires_grad=True)
    b = torch.randn(4, dtype=torch.float64, generator=gen, requires_grad=True)
    assert torch.autograd.gradcheck(lambda x, w, b: conv2d_autograd(x, w, b, **kw), (x, w, b))
    assert torch.autograd.gradcheck(lambda x, w: conv2d_autograd(x, w, None, **kw), (x, w))


def test_autograd_wrapper_equals_torch_gradients():
    gen = torch.Generator().manual_seed(1)
    x = torch.randn(2, 3, 7, 7, dtype=torch.float64, generator=gen)
    w = torch.randn(5, 3, 3, 3, dtype=torch.float64, generator=gen)
    grads = []
    for fn in (conv2d_autograd, F.conv2d):
        xs, ws = x.clone().requires_grad_(), w.clone().requires_grad_()
        fn(xs, ws, None, 2, 1).pow(2).sum().backward()
        grads.append((xs.grad, ws.grad))
    for a, b in zip(*grads):
        torch.testing.assert_close(a, b, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("kw", [dict(kernel_size=3), dict(kernel_size=(2, 3), stride=2, padding=1),
                                dict(kernel_size=3, dilation=2, padding=2, stride=(1, 2))], ids=str)
def test_im2col_equals_unfold(kw):
    x = np.random.default_rng(0).standard_normal((2, 3, 8, 7))
    np.testing.assert_array_equal(im2col(x, **kw), F.unfold(t(x), **kw).numpy())


def test_hand_worked_conv():
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    box = np.ones((1, 1, 2, 2))
    # each output is the sum of a 2×2 block: top-left 0+1+4+5 = 10, stride 2 takes disjoint blocks
    np.testing.assert_array_equal(conv2d(x, box, stride=2)[0, 0], [[10.0, 18.0], [42.0, 50.0]])
    # padding 1 with a 3×3 ones kernel: the corner sees 0+1+4+5
    assert conv2d(x, np.ones((1, 1, 3, 3)), padding=1)[0, 0, 0, 0] == 10.0
    # dilation 2: taps 2 apart, x[0,0] + x[0,2] + x[2,0] + x[2,2] = 0 + 2 + 8 + 10
    assert conv2d(x, box, dilation=2)[0, 0, 0, 0] == 20.0
    # a bias is added once per output
    np.testing.assert_array_equal(conv2d(x, box, np.array([1.5]), stride=2)[0, 0], [[11.5, 19.5], [43.5, 51.5]])
    # backward of the sum of all outputs: each input gets the number of windows that read it
    dx, dw, db = conv2d_backward(np.ones((1, 1, 3, 3)), x, box)
    np.testing.assert_array_equal(dx[0, 0], [[1, 2, 2, 1], [2, 4, 4, 2], [2, 4, 4, 2], [1, 2, 2, 1]])
    assert db[0] == 9.0


def test_groups_equal_separate_convolutions():
    rng = np.random.default_rng(2)
    x, w = rng.standard_normal((1, 4, 6, 6)), rng.standard_normal((6, 2, 3, 3))
    y = conv2d(x, w, groups=2)
    np.testing.assert_allclose(y[:, :3], conv2d(x[:, :2], w[:3]), rtol=1e-12)
    np.testing.assert_allclose(y[:, 3:], conv2d(x[:, 2:], w[3:]), rtol=1e-12)


def test_output_size_equals_torch_shapes_over_a_grid():
    for n, k, s, p, d in itertools.product(range(1, 11), range(1, 5), (1, 2, 3), (0, 1, 2), (1, 2)):
        try:
            want = F.conv1d(torch.zeros(1, 1, n), torch.zeros(1, 1, k), stride=s, padding=p, dilation=d).shape[-1]
        except RuntimeError:
            with pytest.raises(ValueError, match="no output position"):
                conv_output_size(n, k, s, p, d)
            continue
        assert conv_output_size(n, k, s, p, d) == want, (n, k, s, p, d)


def test_conv2d_output_shape_equals_torch():
    for hw, k, s, p, d in [((9, 7), (3, 2), (2, 1), (1, 0), (1, 2)), ((5, 5), 5, 1, 0, 1), ((12, 10), 3, 3, 2, 2)]:
        want = F.conv2d(torch.zeros((1, 1) + hw), torch.zeros((1, 1) + ((k, k) if isinstance(k, int) else k)),
                        stride=s, padding=p, dilation=d).shape[-2:]
        assert conv2d_output_shape(hw, k, s, p, d) == tuple(want)


def test_pool_output_size_equals_torch_with_ceil_mode():
    for n, k, s, p, ceil in itertools.product(range(2, 12), (2, 3, 4), (1, 2, 3), (0, 1, 2), (False, True)):
        if p > k // 2 or n + 2 * p < k:
            continue
        want = F.max_pool2d(torch.zeros(1, 1, n, n), k, s, p, ceil_mode=ceil).shape[-1]
        assert pool_output_size(n, k, s, p, ceil_mode=ceil) == want, (n, k, s, p, ceil)


POOLS = [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1), dict(kernel_size=(3, 2), stride=(1, 2)),
         dict(kernel_size=3, stride=1, padding=1), dict(kernel_size=(2, 4), padding=(1, 2))]


@pytest.mark.parametrize("kw", POOLS, ids=str)
def test_max_pool_equals_torch(kw):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 3, 9, 8))
    tx = t(x, True)
    ref = F.max_pool2d(tx, **kw)
    dy = rng.standard_normal(tuple(ref.shape))
    ref.backward(torch.from_numpy(dy))
    np.testing.assert_array_equal(max_pool2d(x, **kw), ref.detach().numpy())
    np.testing.assert_allclose(max_pool2d_backward(dy, x, **kw), tx.grad.numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("kw", POOLS, ids=str)
@pytest.mark.parametrize("count_include_pad", [True, False])
def test_avg_pool_equals_torch(kw, count_include_pad):
    rng = np.random.default_rng(4)
    x = rng.standard_normal((2, 3, 9, 8))
    tx = t(x, True)
    ref = F.avg_pool2d(tx, **kw, count_include_pad=count_include_pad)
    dy = rng.standard_normal(tuple(ref.shape))
    ref.backward(torch.from_numpy(dy))
    np.testing.assert_allclose(avg_pool2d(x, **kw, count_include_pad=count_include_pad), ref.detach().numpy(),
                               rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(avg_pool2d_backward(dy, x, **kw, count_include_pad=count_include_pad),
                               tx.grad.numpy(), rtol=1e-12, atol=1e-14)


def test_max_pool_ties_go_to_the_first_maximum_like_torch():
    x = np.zeros((1, 1, 4, 4))  # every window is a tie
    dy = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)
    tx = t(x, True)
    F.max_pool2d(tx, 2, 1).backward(torch.from_numpy(dy))
    np.testing.assert_array_equal(max_pool2d_backward(dy, x, 2, 1), tx.grad.numpy())


def test_max_pool_padding_never_wins():
    x = -np.ones((1, 1, 2, 2))  # all inputs below the zero a zero-padding would add
    np.testing.assert_array_equal(max_pool2d(x, 2, 1, 1), -np.ones((1, 1, 3, 3)))
