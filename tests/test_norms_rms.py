"""RMSNorm from scratch (mlnotes.norms.rms) equals torch.nn.RMSNorm / F.rms_norm, forward and backward, in float64
and float32 (dtype kept), with torch's default eps; finite differences agree with the hand-derived backward;
hand-worked values; invariances."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from mlnotes.norms import layer_norm, rms_norm, rms_norm_backward

DTYPES = [pytest.param((np.float32, torch.float32, 1e-5, 1e-6), id="float32"),
          pytest.param((np.float64, torch.float64, 1e-12, 1e-14), id="float64")]


@pytest.mark.parametrize("case", DTYPES)
@pytest.mark.parametrize("shape, normalized", [((4, 8), (8,)), ((2, 3, 8), (8,)), ((2, 3, 4, 5), (4, 5)), ((7,), 7)])
@pytest.mark.parametrize("affine", [True, False])
@pytest.mark.parametrize("eps", [None, 1e-6])
def test_rms_norm_forward_and_backward_equal_torch(case, shape, normalized, affine, eps):
    dtype, tdtype, rtol, atol = case
    rng = np.random.default_rng(len(shape))
    x = (1.5 * rng.standard_normal(shape) + 0.3).astype(dtype)
    dy = rng.standard_normal(shape).astype(dtype)
    norm_shape = (normalized,) if isinstance(normalized, int) else normalized
    weight = rng.uniform(0.5, 2.0, norm_shape).astype(dtype) if affine else None
    module = torch.nn.RMSNorm(normalized, eps=eps, elementwise_affine=affine, dtype=tdtype)
    if affine:
        with torch.no_grad():
            module.weight.copy_(torch.from_numpy(weight))
    xt = torch.tensor(x, requires_grad=True)
    yt = module(xt)
    yt.backward(torch.from_numpy(dy))
    y = rms_norm(x, normalized, weight, eps)
    dx, dw = rms_norm_backward(dy, x, normalized, weight, eps)
    assert y.dtype == dx.dtype == dtype and y.shape == dx.shape == x.shape
    np.testing.assert_allclose(y, yt.detach().numpy(), rtol=rtol, atol=atol)
    np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=rtol, atol=atol)
    if affine:
        assert dw.dtype == dtype and dw.shape == norm_shape
        np.testing.assert_allclose(dw, module.weight.grad.numpy(), rtol=rtol, atol=atol * 10)
    else:
        assert dw is None


def test_functional_rms_norm_equals_ours_with_tiny_values_and_default_eps():
    x = (1e-4 * np.random.default_rng(0).standard_normal((3, 16))).astype(np.float32)  # mean(x²) ~ eps
    want = F.rms_norm(torch.from_numpy(x), (16,)).numpy()
    np.testing.assert_allclose(rms_norm(x, 16), want, rtol=1e-5, atol=1e-6)
    assert not np.allclose(rms_norm(x, 16, eps=1e-20), want, rtol=1e-2)  # the default eps matters here


@pytest.mark.parametrize("affine", [True, False])
def test_backward_equals_finite_differences(affine):
    rng = np.random.default_rng(3)
    x, dy = rng.standard_normal((2, 5)), rng.standard_normal((2, 5))
    weight = rng.uniform(0.5, 2.0, 5) if affine else None
    dx, dw = rms_norm_backward(dy, x, 5, weight, eps=1e-3)
    h = 1e-6
    num = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = h
        num[i] = np.sum(dy * (rms_norm(x + e, 5, weight, 1e-3) - rms_norm(x - e, 5, weight, 1e-3))) / (2 * h)
    np.testing.assert_allclose(dx, num, rtol=1e-7, atol=1e-9)
    if affine:
        num_w = np.array([np.sum(dy * (rms_norm(x, 5, weight + h * np.eye(5)[k], 1e-3)
                                       - rms_norm(x, 5, weight - h * np.eye(5)[k], 1e-3))) / (2 * h) for k in range(5)])
        np.testing.assert_allclose(dw, num_w, rtol=1e-7, atol=1e-9)


def test_gradcheck_through_torch_with_our_backward():
    class OurRMSNorm(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, w):
            ctx.save_for_backward(x, w)
            return torch.from_numpy(rms_norm(x.detach().numpy(), x.shape[-1], w.detach().numpy(), 1e-5))

        @staticmethod
        def backward(ctx, g):
            x, w = ctx.saved_tensors
            dx, dw = rms_norm_backward(g.numpy(), x.detach().numpy(), x.shape[-1], w.detach().numpy(), 1e-5)
            return torch.from_numpy(dx), torch.from_numpy(dw)

    gen = torch.Generator().manual_seed(0)
    x = torch.randn(3, 4, dtype=torch.float64, generator=gen, requires_grad=True)
    w = torch.rand(4, dtype=torch.float64, generator=gen, requires_grad=True)
    assert torch.autograd.gradcheck(OurRMSNorm.apply, (x, w))


def test_hand_worked_token():
    x = np.array([[3.0, 4.0]])  # mean(x²) = 12.5
    np.testing.assert_allclose(rms_norm(x, 2, eps=1e-300), x / np.sqrt(12.5), rtol=1e-15)
    np.testing.assert_allclose(rms_norm(x, 2, np.array([2.0, 0.5]), eps=1e-300),
                               [[6 / np.sqrt(12.5), 2 / np.sqrt(12.5)]], rtol=1e-15)


def test_invariances_and_relation_to_layer_norm():
    rng = np.random.default_rng(5)
    z = rng.standard_normal((4, 8))
    np.testing.assert_allclose(rms_norm(3.7 * z, 8, eps=1e-300), rms_norm(z, 8, eps=1e-300), rtol=1e-13)
    np.testing.assert_allclose(rms_norm(-z, 8), -rms_norm(z, 8), rtol=1e-15)
    assert np.abs(rms_norm(z + 2.0, 8) - rms_norm(z, 8)).max() > 0.1  # not shift-invariant
    zc = z - z.mean(axis=1, keepdims=True)
    np.testing.assert_allclose(rms_norm(zc, 8, eps=1e-5), layer_norm(zc, 8, eps=1e-5), rtol=1e-12)
    y = rms_norm(z, 8, eps=1e-300)
    np.testing.assert_allclose(np.mean(y * y, axis=1), 1.0, rtol=1e-13)  # unit root mean square per token


def test_dtypes_integers_become_float64_and_weight_follows_x():
    y = rms_norm(np.array([[1, 2, 3]]), 3)
    assert y.dtype == np.float64
    x32 = np.ones((2, 3), dtype=np.float32)
    assert rms_norm(x32, 3, np.ones(3)).dtype == np.float32
    dx, dw = rms_norm_backward(np.ones((2, 3)), x32, 3, np.ones(3, dtype=np.float64))
    assert dx.dtype == dw.dtype == np.float32
