"""Property-based tests of mlnotes.cnn: conv2d (both methods) and its backward against torch on random shapes and
hyper-parameters with huge and tiny values; pooling against torch; output sizes against torch; IoU against exact
fractions on boxes with huge and tiny coordinates; NMS against its declarative characterisation."""

from fractions import Fraction

import numpy as np
import torch
import torch.nn.functional as F
from hypothesis import assume, given
from hypothesis import strategies as st

from mlnotes import cnn
from mlnotes.cnn.reference import is_greedy_nms
from tests.hypothesis_settings import PROPERTIES

SCALES = [1e-8, 1.0, 1e4]


@st.composite
def conv_setting(draw):
    g = draw(st.sampled_from([1, 2]))
    cin, cout = g * draw(st.integers(1, 2)), g * draw(st.integers(1, 3))
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    s = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    d = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    p = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    h, w = draw(st.integers(1, 8)), draw(st.integers(1, 8))
    assume(h + 2 * p[0] >= d[0] * (kh - 1) + 1 and w + 2 * p[1] >= d[1] * (kw - 1) + 1)
    n = draw(st.integers(1, 2))
    scale = draw(st.sampled_from(SCALES))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    x = scale * rng.standard_normal((n, cin, h, w))
    weight = rng.standard_normal((cout, cin // g, kh, kw))
    bias = rng.standard_normal(cout) if draw(st.booleans()) else None
    return x, weight, bias, dict(stride=s, padding=p, dilation=d, groups=g), rng


@PROPERTIES
@given(conv_setting())
def test_conv2d_forward_backward_equal_torch(setting):
    x, w, b, kw, rng = setting
    tx, tw = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    tb = None if b is None else torch.tensor(b, requires_grad=True)
    ref = F.conv2d(tx, tw, tb, **kw)
    dy = rng.standard_normal(tuple(ref.shape))
    ref.backward(torch.from_numpy(dy))
    scale = np.abs(x).max() * np.abs(w).sum() + (0 if b is None else np.abs(b).max())
    for method in ("im2col", "loops"):
        np.testing.assert_allclose(cnn.conv2d(x, w, b, **kw, method=method), ref.detach().numpy(), rtol=1e-9,
                                   atol=1e-12 * scale)
    dx, dw, db = cnn.conv2d_backward(dy, x, w, **kw)
    np.testing.assert_allclose(dx, tx.grad.numpy(), rtol=1e-9, atol=1e-12 * np.abs(w).sum() * np.abs(dy).max())
    np.testing.assert_allclose(dw, tw.grad.numpy(), rtol=1e-9, atol=1e-12 * np.abs(x).max() * np.abs(dy).sum())
    if b is not None:
        np.testing.assert_allclose(db, tb.grad.numpy(), rtol=1e-9, atol=1e-12 * np.abs(dy).sum())


@PROPERTIES
@given(st.integers(1, 40), st.integers(1, 6), st.integers(1, 4), st.integers(0, 3), st.integers(1, 3))
def test_output_size_equals_torch(n, k, s, p, d):
    assume(n + 2 * p >= d * (k - 1) + 1)
    want = F.conv1d(torch.zeros(1, 1, n), torch.zeros(1, 1, k), stride=s, padding=p, dilation=d).shape[-1]
    assert cnn.conv_output_size(n, k, s, p, d) == want


@PROPERTIES
@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 3), st.integers(0, 2), st.sampled_from(SCALES),
       st.integers(0, 2**16), st.booleans())
def test_pooling_equals_torch(kh, kw, s, p, scale, seed, cip):
    assume(p <= kh // 2 and p <= kw // 2)
    rng = np.random.default_rng(seed)
    x = scale * rng.standard_normal((2, 2, 7, 6))
    kwargs = dict(kernel_size=(kh, kw), stride=s, padding=p)
    for ours_f, ours_b, ref_f, extra in [(cnn.max_pool2d, cnn.max_pool2d_backward, F.max_pool2d, {}),
                                         (cnn.avg_pool2d, cnn.avg_pool2d_backward, F.avg_pool2d,
                                          {"count_include_pad": cip})]:
        tx = torch.tensor(x, requires_grad=True)
        ref = ref_f(tx, **kwargs, **extra)
        dy = rng.standard_normal(tuple(ref.shape))
        ref.backward(torch.from_numpy(dy))
        np.testing.assert_allclose(ours_f(x, **kwargs, **extra), ref.detach().numpy(), rtol=1e-12, atol=1e-14 * scale)
        np.testing.assert_allclose(ours_b(dy, x, **kwargs, **extra), tx.grad.numpy(), rtol=1e-12, atol=1e-14)


def exact_iou(a, b):
    a, b = [Fraction(float(v)) for v in a], [Fraction(float(v)) for v in b]
    inter = max(Fraction(0), min(a[2], b[2]) - max(a[0], b[0])) * max(Fraction(0), min(a[3], b[3]) - max(a[1], b[1]))
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union else Fraction(0)


@st.composite
def boxes(draw, n_min=1, n_max=8):
    n = draw(st.integers(n_min, n_max))
    offset = draw(st.sampled_from([0.0, 1e6, -1e3]))
    size = draw(st.sampled_from([1e-3, 1.0, 100.0]))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    corner = offset + size * rng.uniform(0, 10, (n, 2))
    wh = size * rng.uniform(0, 4, (n, 2)) * (rng.random((n, 1)) > 0.1)  # some boxes of zero area
    return np.concatenate([corner, corner + wh], axis=1)


@PROPERTIES
@given(boxes(), boxes())
def test_iou_equals_exact_fractions(a, b):
    ours = cnn.box_iou(a, b)
    exact = np.array([[float(exact_iou(u, v)) for v in b] for u in a])
    assert np.all((ours >= 0) & (ours <= 1 + 1e-12))
    np.testing.assert_allclose(ours, exact, rtol=1e-6, atol=1e-9)  # corner differences lose digits at 1e6 offsets


@PROPERTIES
@given(boxes(n_min=0, n_max=12), st.floats(0.0, 1.0), st.integers(0, 2**16))
def test_nms_satisfies_its_definition(b, t, seed):
    scores = np.random.default_rng(seed).permutation(len(b)) / max(len(b), 1)
    keep = cnn.nms(b, scores, t)
    assert keep.dtype == np.int64 and len(set(keep.tolist())) == len(keep)
    assert is_greedy_nms(b, scores, t, keep, iou=lambda u, v: float(exact_iou(u, v)))
