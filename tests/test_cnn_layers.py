"""mlnotes.cnn: parameter and FLOP counts against torch, receptive fields (formula vs gradient probe, hand-worked
stacks), parameter sharing (a conv as a matrix) and translation equivariance, conv–BN folding against torch's
fusion, and the numpy MLP of the degradation demo against its torch twin (loss and every gradient)."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch.utils.flop_counter import FlopCounterMode

from mlnotes.cnn import (circular_conv2d, conv2d, conv2d_macs, conv2d_param_count, conv_as_matrix,
                         dense_param_count, equivariance_error, fuse_conv_bn, locally_connected_param_count,
                         probe_receptive_field, receptive_field, support_extent)
from mlnotes.cnn import mlp, residual


@pytest.mark.parametrize("cin, cout, k, g, bias", [(3, 16, 3, 1, True), (8, 8, (3, 5), 8, False), (6, 9, 1, 3, True),
                                                   (4, 12, (2, 4), 2, False)])
def test_param_count_and_macs_equal_torch(cin, cout, k, g, bias):
    layer = torch.nn.Conv2d(cin, cout, k, groups=g, bias=bias, stride=2, padding=1)
    with FlopCounterMode(display=False) as counter:
        out = layer(torch.randn(2, cin, 15, 11))
    assert conv2d_param_count(cin, cout, k, groups=g, bias=bias) == sum(p.numel() for p in layer.parameters())
    assert 2 * 2 * conv2d_macs(cin, cout, k, tuple(out.shape[-2:]), groups=g) == counter.get_total_flops()  # N = 2


def test_dense_and_locally_connected_counts():
    assert dense_param_count((3, 4, 4), (2, 2, 2)) == 48 * 8 + 8 == torch.nn.Linear(48, 8).weight.numel() + 8
    # a locally connected layer = one unshared conv kernel (+ bias) per output position
    assert locally_connected_param_count(3, 16, 3, (32, 32)) == 32 * 32 * conv2d_param_count(3, 16, 3)
    assert locally_connected_param_count(3, 16, 3, (32, 32), bias=False) == 32 * 32 * 16 * 27


@pytest.mark.parametrize("layers, want", [
    ([(3, 1, 1)] * 3, [3, 5, 7]),  # stride 1: +2 per layer
    ([(3, 2, 1)] * 3, [3, 7, 15]),  # stride 2 doubles the growth of the next layers
    ([(7, 2, 1), (3, 2, 1), (3, 1, 1)], [7, 11, 19]),  # a ResNet-like stem: 7×7/2, 3×3 max pool/2, 3×3
    ([(3, 1, 1), (3, 1, 2), (3, 1, 4)], [3, 7, 15]),  # dilations 1, 2, 4: exponential growth at stride 1
])
def test_receptive_field_hand_worked(layers, want):
    k, s, d = zip(*layers)
    rf, jump = receptive_field(list(k), list(s), list(d))
    assert rf.tolist() == want
    assert jump.tolist() == np.cumprod(s).tolist()


@pytest.mark.parametrize("k, s, d, n", [(3, 1, 1, 4), (5, 2, 1, 3), (3, 2, 2, 3), (2, 3, 1, 3), (4, 1, 3, 2)])
def test_probe_support_equals_formula(k, s, d, n):
    rf = receptive_field([k] * n, s, d)[0][-1]
    probe = probe_receptive_field([k] * n, s, d, margin=5)
    assert support_extent(probe) == (rf, rf)
    assert np.all(probe[rf:] == 0) and np.all(probe[:, rf:] == 0)  # nothing beyond the field


def test_probe_of_all_ones_stack_counts_paths():
    # two 3×3 all-ones layers: the 1-D path counts are 1, 2, 3, 2, 1; the 2-D map is their outer product
    probe = probe_receptive_field([3, 3], 1, 1, margin=0)
    paths = np.array([1, 2, 3, 2, 1.0])
    np.testing.assert_array_equal(probe, np.outer(paths, paths))


def test_dilation_leaves_holes():
    probe = probe_receptive_field([3, 3], 1, 2, margin=0)  # taps at even offsets only
    assert support_extent(probe) == (9, 9) and np.all(probe[1::2] == 0) and np.all(probe[:, 1::2] == 0)


def test_conv_as_matrix_reproduces_the_convolution():
    rng = np.random.default_rng(0)
    w = rng.standard_normal((2, 3, 3, 3))
    x = rng.standard_normal((1, 3, 6, 5))
    for kw in [dict(), dict(padding=1), dict(stride=2, dilation=1, padding=1)]:
        m = conv_as_matrix(w, (6, 5), **kw)
        np.testing.assert_allclose(m @ x.ravel(), conv2d(x, w, **kw).ravel(), rtol=1e-12, atol=1e-12)
    m = conv_as_matrix(np.arange(1.0, 10.0).reshape(1, 1, 3, 3), (5, 5), padding=1)
    assert m.shape == (25, 25) and np.count_nonzero(m) == 169 and set(np.unique(m[m != 0])) == set(range(1, 10))


def test_circular_conv_equals_torch_circular_padding():
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal((2, 2, 8, 8)), rng.standard_normal((3, 2, 3, 3))
    ref = F.conv2d(F.pad(torch.from_numpy(x), (1, 1, 1, 1), mode="circular"), torch.from_numpy(w), stride=2)
    np.testing.assert_allclose(circular_conv2d(x, w, stride=2), ref.numpy(), rtol=1e-12, atol=1e-12)


def test_equivariance_exact_at_stride_one_and_even_shifts_only_at_stride_two():
    rng = np.random.default_rng(2)
    x, w = rng.standard_normal((1, 1, 12, 12)), rng.standard_normal((1, 1, 3, 3))
    for shift in range(1, 5):
        assert equivariance_error(x, w, 1, shift) < 1e-12
        assert (equivariance_error(x, w, 2, shift) < 1e-12) == (shift % 2 == 0)
    assert equivariance_error(x, w, 2, 1) > 0.1


def test_fuse_conv_bn_equals_torch():
    gen = torch.Generator().manual_seed(0)
    conv = torch.nn.Conv2d(3, 5, 3, bias=True).double().eval()
    bn = torch.nn.BatchNorm2d(5).double().eval()
    with torch.no_grad():
        bn.weight.copy_(torch.rand(5, generator=gen, dtype=torch.float64) + 0.5)
        bn.bias.copy_(torch.randn(5, generator=gen, dtype=torch.float64))
        bn.running_mean.copy_(torch.randn(5, generator=gen, dtype=torch.float64))
        bn.running_var.copy_(torch.rand(5, generator=gen, dtype=torch.float64) + 0.1)
    args = [t.detach().numpy() for t in (conv.weight, conv.bias, bn.weight, bn.bias, bn.running_mean, bn.running_var)]
    w, b = fuse_conv_bn(*args, eps=bn.eps)
    ref = torch.nn.utils.fusion.fuse_conv_bn_eval(conv, bn)
    np.testing.assert_allclose(w, ref.weight.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(b, ref.bias.detach().numpy(), rtol=1e-12, atol=1e-14)
    x = torch.randn(2, 3, 7, 7, dtype=torch.float64, generator=gen)
    np.testing.assert_allclose(conv2d(x.numpy(), w, b), bn(conv(x)).detach().numpy(), rtol=1e-10, atol=1e-12)
    w0, b0 = fuse_conv_bn(args[0], None, *args[2:], eps=bn.eps)  # no conv bias = a zero bias
    np.testing.assert_allclose(b0, fuse_conv_bn(args[0], np.zeros(5), *args[2:], eps=bn.eps)[1], rtol=0)


@pytest.mark.parametrize("residual_on", [False, True])
@pytest.mark.parametrize("batch_norm", [True, False])
def test_numpy_mlp_equals_torch_twin(residual_on, batch_norm):
    X, y = residual.digits_numpy()
    p = mlp.init_params(8, batch_norm=batch_norm, seed=3)
    twin = residual.make_mlp(8, residual_on, batch_norm)
    names = [n for n, _ in twin.named_parameters()]
    assert names == list(p)
    twin.load_state_dict({k: torch.from_numpy(v) for k, v in p.items()}, strict=False)
    logits, cache = mlp.forward(p, X[:200], residual_on, batch_norm)
    loss, dlogits = mlp.cross_entropy(logits, y[:200])
    grads = mlp.backward(p, cache, dlogits, residual_on, batch_norm)
    out = twin(torch.tensor(X[:200]))
    ref = F.cross_entropy(out, torch.tensor(y[:200]))
    ref.backward()
    np.testing.assert_allclose(logits, out.detach().numpy(), rtol=1e-4, atol=1e-5)
    assert loss == pytest.approx(ref.item(), rel=1e-5)
    for name, param in twin.named_parameters():
        np.testing.assert_allclose(grads[name], param.grad.numpy(), rtol=1e-4, atol=1e-6, err_msg=name)


def test_mlp_init_matches_torch_default_scheme():
    p = mlp.init_params(4, width=32, batch_norm=False, seed=0)
    for name, v in p.items():
        fan_in = v.shape[1] if v.ndim == 2 else p[name.replace("bias", "weight")].shape[1]
        assert np.abs(v).max() <= 1 / np.sqrt(fan_in) and v.dtype == np.float32


def test_degradation_measured():
    final = {(d, r): residual.train_curve(d, r)[1] for d in (4, 24) for r in (False, True)}
    assert final[24, False] > 10 * final[4, False]  # the deep plain net trains worse
    assert final[24, True] < 0.1 and final[24, True] < final[24, False] / 10
    losses_a, final_a = residual.train_curve.__wrapped__(4, True)
    losses_b, final_b = residual.train_curve.__wrapped__(4, True)
    np.testing.assert_array_equal(losses_a, losses_b)  # deterministic
    g = residual.grad_norms_at_init(24, False, False)
    assert g.shape == (24,) and g[0] < 1e-6 * g[-1]  # vanishing without BatchNorm
    assert residual.grad_norms_at_init(24, False, True).min() > 0.1  # not with it
