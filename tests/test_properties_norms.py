"""Property-based tests of mlnotes.norms: BatchNorm / LayerNorm / InstanceNorm / GroupNorm forward and backward
against torch (autograd) on random shapes with constant channels (zero variance), huge offsets and scales, a
single sample where legal, and float32 input kept float32 (equal to torch float32 up to float32 rounding); vector
norms without overflow or underflow; feature scaling against scikit-learn with constant and near-constant columns in
float32 and float64."""

import math
from fractions import Fraction

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, example, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from mlnotes import norms as nm
from tests.hypothesis_settings import PROPERTIES

EPS = 1e-5
OFFSETS = [0.0, 1.0, -3.0, 1e3, 1e6, -1e6]
SCALES = [0.0, 1e-3, 1.0, 1e3, 1e6]  # 0.0: a constant channel (zero variance)


@st.composite
def nchw(draw, *, min_ndim=2, max_ndim=4, channels=None, min_per_channel=1, big=True):
    """(N, C, *spatial) float64 data: per-channel offset + scale·z, some channels constant."""
    ndim = draw(st.integers(min_ndim, max_ndim))
    N = draw(st.integers(1, 4))
    C = channels if channels is not None else draw(st.integers(1, 4))
    spatial = tuple(draw(st.integers(1, 3)) for _ in range(ndim - 2))
    shape = (N, C) + spatial
    assume(int(np.prod(shape)) // max(C, 1) >= min_per_channel)
    offsets = draw(st.lists(st.sampled_from(OFFSETS if big else OFFSETS[:4]), min_size=C, max_size=C))
    scales = draw(st.lists(st.sampled_from(SCALES if big else SCALES[:4]), min_size=C, max_size=C))
    z = draw(hnp.arrays(np.float64, shape, elements=st.floats(-2, 2)))
    view = (1, C) + (1,) * len(spatial)
    return np.reshape(offsets, view) + np.reshape(scales, view) * z  # (N, C, *)


def affine_params(draw, C):
    gamma = draw(hnp.arrays(np.float64, (C,), elements=st.floats(-3, 3)))
    beta = draw(hnp.arrays(np.float64, (C,), elements=st.floats(-3, 3)))
    return gamma, beta


def t(a, grad=False):
    return torch.tensor(np.asarray(a), dtype=torch.float64, requires_grad=grad)


def close(got, want, x, rtol=1e-9):
    """Forward outputs equal up to the rounding of x − μ: an error of a few ulp(max|x|) in x − μ is
    ~1e-15·max|x|/√ε in x̂ (3e-7 at a 1e6 offset), times |γ| ≤ 3."""
    np.testing.assert_allclose(got, want, rtol=rtol, atol=1e-12 + 1e-12 * np.abs(x).max())


def close_grad(got, want, x, rtol=1e-9):
    """Gradients: dx = s(g − mean g − x̂ mean(g x̂)) with s ≤ 1/√ε, so the forward error is amplified by ~1/√ε."""
    np.testing.assert_allclose(got, want, rtol=rtol, atol=1e-11 + 1e-9 * np.abs(x).max())


def check_backward(data, x, tx, ty, tg, tb, affine, backward):
    """Our (dx, dγ, dβ) for a random upstream dy equal torch autograd's, where x − μ is not
    dominated by the rounding of a huge (1e6) offset."""
    if np.abs(x).max() > 1e3:
        return
    dy = data.draw(hnp.arrays(np.float64, x.shape, elements=st.floats(-2, 2)), label="dy")
    ty.backward(t(dy))
    dx, dg, db = backward(dy)
    close_grad(dx, tx.grad.numpy(), x)
    if affine:
        close_grad(dg, tg.grad.numpy(), x)
        np.testing.assert_allclose(db, tb.grad.numpy(), rtol=1e-12, atol=1e-12)


# -- BatchNorm ------------------------------------------------------------------------------------------------
@PROPERTIES
@given(data=st.data(), momentum=st.floats(0.0, 1.0), affine=st.booleans())
def test_batch_norm_train_equals_torch_and_constant_channels_give_beta(data, momentum, affine):
    x = data.draw(nchw(min_per_channel=2), label="x")
    C = x.shape[1]
    gamma, beta = affine_params(data.draw, C) if affine else (None, None)
    rm0 = data.draw(hnp.arrays(np.float64, (C,), elements=st.floats(-5, 5)), label="running_mean")
    rv0 = data.draw(hnp.arrays(np.float64, (C,), elements=st.floats(0, 5)), label="running_var")
    y, rm, rv = nm.batch_norm(x, gamma, beta, rm0, rv0, training=True, momentum=momentum, eps=EPS)
    trm, trv = t(rm0), t(rv0)
    want = F.batch_norm(t(x), trm, trv, None if gamma is None else t(gamma), None if beta is None else t(beta),
                        training=True, momentum=momentum, eps=EPS).numpy()
    assert np.all(np.isfinite(y))
    close(y, want, x)
    np.testing.assert_allclose(rm, trm.numpy(), rtol=1e-12, atol=1e-12 * np.abs(x).max())
    np.testing.assert_allclose(rv, trv.numpy(), rtol=1e-9, atol=1e-9 * np.abs(x).max() ** 2 + 1e-12)
    axes = (0,) + tuple(range(2, x.ndim))
    const = np.ptp(x, axis=axes) == 0  # (C,) zero-variance channels
    if const.any():  # x̂ = 0 there up to the rounding of μ, so y = β (or 0 without affine), never NaN
        b = np.zeros(C) if beta is None else beta
        got = np.moveaxis(y, 1, -1)[..., const]
        np.testing.assert_allclose(got, np.broadcast_to(b[const], got.shape), rtol=0,
                                   atol=3 * np.abs(x).max() * 2.3e-16 / math.sqrt(EPS))


@PROPERTIES
@given(data=st.data())
def test_batch_norm_eval_equals_torch(data):
    x = data.draw(nchw(), label="x")  # any N, even a single value per channel: eval needs no batch statistics
    C = x.shape[1]
    gamma, beta = affine_params(data.draw, C)
    rm = data.draw(hnp.arrays(np.float64, (C,), elements=st.floats(-1e6, 1e6)), label="running_mean")
    rv = data.draw(hnp.arrays(np.float64, (C,), elements=st.one_of(st.just(0.0), st.floats(0, 1e6))), label="rv")
    y, _, _ = nm.batch_norm(x, gamma, beta, rm, rv, training=False, eps=EPS)
    want = F.batch_norm(t(x), t(rm), t(rv), t(gamma), t(beta), training=False, eps=EPS).numpy()
    np.testing.assert_allclose(y, want, rtol=1e-12, atol=1e-12 * (np.abs(x).max() + np.abs(rm).max()) / math.sqrt(EPS))


@PROPERTIES
@given(C=st.integers(1, 4), value=st.floats(-1e6, 1e6))
def test_batch_norm_single_value_per_channel_raises_like_torch(C, value):
    x = np.full((1, C), value)
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        nm.batch_norm(x)
    with pytest.raises(ValueError):  # torch: "Expected more than 1 value per channel when training"
        F.batch_norm(t(x), None, None, training=True)


@PROPERTIES
@given(data=st.data(), affine=st.booleans())
def test_batch_norm_backward_equals_autograd(data, affine):
    x = data.draw(nchw(min_per_channel=2, big=False), label="x")
    C = x.shape[1]
    gamma, beta = affine_params(data.draw, C) if affine else (None, None)
    dy = data.draw(hnp.arrays(np.float64, x.shape, elements=st.floats(-2, 2)), label="dy")
    dx, dg, db = nm.batch_norm_backward(dy, x, gamma, training=True, eps=EPS)
    tx = t(x, grad=True)
    tg, tb = (t(gamma, True), t(beta, True)) if affine else (None, None)
    F.batch_norm(tx, None, None, tg, tb, training=True, eps=EPS).backward(t(dy))
    close_grad(dx, tx.grad.numpy(), x)
    if affine:
        close_grad(dg, tg.grad.numpy(), x)
        np.testing.assert_allclose(db, tb.grad.numpy(), rtol=1e-12, atol=1e-12)
    else:
        assert dg is None and db is None


def float32_atol(x32, gamma=None):
    """What float32 arithmetic can get wrong in y: μ is off by a few ulp32(max|x|) (summed in float32), which x̂
    divides by √(σ² + ε) ≥ √ε, times |γ|."""
    g = 1.0 if gamma is None else max(1.0, float(np.abs(gamma).max()))
    return 1e-5 + 16 * np.finfo(np.float32).eps * float(np.abs(x32).max()) / math.sqrt(EPS) * g


@PROPERTIES
@given(data=st.data(), affine=st.booleans())
def test_float32_batch_and_layer_norm_stay_float32_and_equal_torch_within_float32_rounding(data, affine):
    """float32 in → float32 out, computed in float32 (issue 11, item 18): equal to torch float32 and to the exact
    (float64) result on the same float32 values, up to float32 rounding; finite even at a 1e6 offset."""
    x32 = data.draw(nchw(min_per_channel=2), label="x").astype(np.float32)
    C = x32.shape[1]
    gamma, beta = affine_params(data.draw, C) if affine else (None, None)
    g32 = None if gamma is None else gamma.astype(np.float32)
    b32 = None if beta is None else beta.astype(np.float32)
    tol = float32_atol(x32, gamma)
    y, rm, rv = nm.batch_norm(x32, g32, b32, np.zeros(C), np.ones(C), eps=EPS)
    assert y.dtype == rm.dtype == rv.dtype == np.float32 and np.all(np.isfinite(y))
    t32 = lambda a: None if a is None else torch.from_numpy(a)  # noqa: E731
    want32 = F.batch_norm(t32(x32), None, None, t32(g32), t32(b32), training=True, eps=EPS).numpy()
    want64 = F.batch_norm(t(x32), None, None, None if g32 is None else t(g32), None if b32 is None else t(b32),
                          training=True, eps=EPS).numpy()
    np.testing.assert_allclose(y, want64, rtol=1e-5, atol=tol)
    np.testing.assert_allclose(y, want32, rtol=1e-5, atol=2 * tol)
    shape = x32.shape[1:]  # LayerNorm over (C, *spatial), γ per element
    gl = None if g32 is None else np.broadcast_to(g32.reshape((C,) + (1,) * (x32.ndim - 2)), shape).copy()
    bl = None if b32 is None else np.broadcast_to(b32.reshape((C,) + (1,) * (x32.ndim - 2)), shape).copy()
    yl = nm.layer_norm(x32, shape, gl, bl, eps=EPS)
    assert yl.dtype == np.float32 and np.all(np.isfinite(yl))
    np.testing.assert_allclose(yl, F.layer_norm(t32(x32), shape, t32(gl), t32(bl), eps=EPS).numpy(), rtol=1e-5,
                               atol=2 * tol)


# -- LayerNorm, InstanceNorm, GroupNorm -------------------------------------------------------------------------
@PROPERTIES
@given(data=st.data(), affine=st.booleans())
def test_layer_norm_forward_and_backward_equal_torch(data, affine):
    x = data.draw(nchw(min_ndim=2, max_ndim=4), label="x")  # N = 1 is legal: per-sample statistics
    k = data.draw(st.integers(1, x.ndim - 1), label="k")  # normalize over the last k dims
    shape = x.shape[x.ndim - k:]
    gamma = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-3, 3))) if affine else None
    beta = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-3, 3))) if affine else None
    y = nm.layer_norm(x, shape, gamma, beta, eps=EPS)
    tx = t(x, grad=True)
    tg, tb = (t(gamma, True), t(beta, True)) if affine else (None, None)
    ty = F.layer_norm(tx, shape, tg, tb, eps=EPS)
    assert np.all(np.isfinite(y))
    close(y, ty.detach().numpy(), x)
    check_backward(data, x, tx, ty, tg, tb, affine,
                   lambda dy: nm.layer_norm_backward(dy, x, shape, gamma, eps=EPS))


@PROPERTIES
@given(data=st.data(), affine=st.booleans(), eps=st.sampled_from([None, 1e-6, 1e-2]))
def test_rms_norm_forward_and_backward_equal_torch(data, affine, eps):
    x = data.draw(nchw(min_ndim=2, max_ndim=4), label="x")  # constant tokens, huge offsets and scales included
    k = data.draw(st.integers(1, x.ndim - 1), label="k")
    shape = x.shape[x.ndim - k:]
    weight = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-3, 3))) if affine else None
    y = nm.rms_norm(x, shape, weight, eps)
    tx = t(x, grad=True)
    tw = t(weight, True) if affine else None
    ty = F.rms_norm(tx, shape, tw, eps)
    assert np.all(np.isfinite(y)) and y.dtype == np.float64
    np.testing.assert_allclose(y, ty.detach().numpy(), rtol=1e-9, atol=1e-12)
    dy = data.draw(hnp.arrays(np.float64, x.shape, elements=st.floats(-2, 2)), label="dy")
    ty.backward(t(dy))
    dx, dw = nm.rms_norm_backward(dy, x, shape, weight, eps)
    scale = 1.0 / np.sqrt(np.mean(x * x) + (eps or np.finfo(float).eps))  # |∂L/∂x| grows like 1/rms(x)
    np.testing.assert_allclose(dx, tx.grad.numpy(), rtol=1e-7, atol=1e-10 * max(scale, 1.0))
    if affine:
        np.testing.assert_allclose(dw, tw.grad.numpy(), rtol=1e-9, atol=1e-10)
    x32 = x.astype(np.float32)
    y32 = nm.rms_norm(x32, shape, None if weight is None else weight.astype(np.float32), eps)
    assert y32.dtype == np.float32
    want32 = F.rms_norm(torch.from_numpy(x32), shape, None if weight is None else torch.from_numpy(
        weight.astype(np.float32)), eps).numpy()
    np.testing.assert_allclose(y32, want32, rtol=1e-4, atol=1e-5 * (1 if weight is None else np.abs(weight).max() + 1))


@PROPERTIES
@given(data=st.data(), affine=st.booleans())
def test_instance_norm_forward_and_backward_equal_torch(data, affine):
    x = data.draw(nchw(min_ndim=3, max_ndim=4), label="x")
    assume(x[0, 0].size >= 2)  # one spatial value per (n, c): both raise (checked below)
    C = x.shape[1]
    gamma, beta = affine_params(data.draw, C) if affine else (None, None)
    y = nm.instance_norm(x, gamma, beta, eps=EPS)
    tx = t(x, grad=True)
    tg, tb = (t(gamma, True), t(beta, True)) if affine else (None, None)
    ty = F.instance_norm(tx, weight=tg, bias=tb, eps=EPS)
    close(y, ty.detach().numpy(), x)
    if np.abs(x).max() <= 1e3:
        dy = data.draw(hnp.arrays(np.float64, x.shape, elements=st.floats(-2, 2)), label="dy")
        ty.backward(t(dy))
        dx, dg, db = nm.instance_norm_backward(dy, x, gamma, eps=EPS)
        close_grad(dx, tx.grad.numpy(), x)
        if affine:
            close_grad(dg, tg.grad.numpy(), x)
            np.testing.assert_allclose(db, tb.grad.numpy(), rtol=1e-12, atol=1e-12)


@PROPERTIES
@given(N=st.integers(1, 3), C=st.integers(1, 3), ndim=st.integers(3, 4))
def test_instance_norm_single_spatial_value_raises_like_torch(N, C, ndim):
    x = np.ones((N, C) + (1,) * (ndim - 2))
    with pytest.raises(ValueError, match="more than 1 spatial element"):
        nm.instance_norm(x)
    with pytest.raises(ValueError):
        F.instance_norm(t(x))


@PROPERTIES
@given(data=st.data(), affine=st.booleans())
def test_group_norm_forward_and_backward_equal_torch(data, affine):
    G = data.draw(st.integers(1, 3), label="G")
    x = data.draw(nchw(channels=G * data.draw(st.integers(1, 2), label="C/G")), label="x")
    C = x.shape[1]
    gamma, beta = affine_params(data.draw, C) if affine else (None, None)
    y = nm.group_norm(x, G, gamma, beta, eps=EPS)
    tx = t(x, grad=True)
    tg, tb = (t(gamma, True), t(beta, True)) if affine else (None, None)
    if x.size // G == 1:  # documented: one value per group gives x̂ = 0, y = β; torch raises for N = 1 only
        b = np.zeros(C) if beta is None else beta
        np.testing.assert_array_equal(y, np.broadcast_to(b.reshape((1, C) + (1,) * (x.ndim - 2)), x.shape))
        with pytest.raises(ValueError, match="more than 1 value"):
            F.group_norm(tx, G, tg, tb, eps=EPS)
        return
    ty = F.group_norm(tx, G, tg, tb, eps=EPS)
    assert np.all(np.isfinite(y))
    close(y, ty.detach().numpy(), x)
    check_backward(data, x, tx, ty, tg, tb, affine, lambda dy: nm.group_norm_backward(dy, x, G, gamma, eps=EPS))


# -- vector norms -----------------------------------------------------------------------------------------------
EXTREME = st.one_of(st.floats(-1e5, 1e5), st.sampled_from([1e300, -1e300, 1e-300, -1e-300, 1e308, 5e-324, 0.0]))


def exact_norm(x, p):
    """A reference that neither overflows nor underflows: hypot for p = 2, fsum for p = 1."""
    a = [abs(float(v)) for v in np.ravel(x)]
    if p == 1:
        try:
            return math.fsum(a)
        except OverflowError:  # the exact sum is beyond the float range
            return math.inf
    if p == 2:
        return math.hypot(*a)
    return max(a, default=0.0)


@PROPERTIES
@given(x=hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=5), elements=EXTREME),
       p=st.sampled_from([1, 2, math.inf]))
def test_vector_norm_does_not_overflow_or_underflow(x, p):
    """Documented: scaled by the largest entry, so 1e300 or 1e-300 entries give the right finite value (numpy and
    torch overflow to inf or underflow to 0 there); an empty array has norm 0 for every ord."""
    want = exact_norm(x, p)
    assume(math.isfinite(want))  # e.g. ‖(1e308, 1e308)‖₁ = 2e308 really is out of range
    got = nm.vector_norm(x, p)
    assert math.isfinite(got)
    assert got == pytest.approx(want, rel=1e-14, abs=0.0)
    if x.size == 0 and p != math.inf:
        assert float(torch.linalg.vector_norm(t(x), p)) == 0.0
    elif x.size == 0:  # documented difference: torch raises, the sup over no entries is 0 for us
        with pytest.raises(RuntimeError):
            torch.linalg.vector_norm(t(x), p)


@PROPERTIES
@given(x=hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=1, max_side=8),
                    elements=st.floats(-1e5, 1e5).filter(lambda v: v == 0 or abs(v) > 1e-5)),
       p=st.one_of(st.sampled_from([1, 2, 3, math.inf]), st.floats(1.0, 20.0)), k=st.integers(-900, 900))
def test_vector_norm_equals_numpy_torch_and_is_homogeneous(x, p, k):
    got = nm.vector_norm(x, p)
    np.testing.assert_allclose(got, np.linalg.norm(x, p), rtol=1e-12)
    np.testing.assert_allclose(got, float(torch.linalg.vector_norm(t(x), p)), rtol=1e-12)
    # ‖2^k x‖ = 2^k ‖x‖ exactly up to the final rounding, far beyond where x**p over- or underflows
    assert nm.vector_norm(np.ldexp(x, k), p) == pytest.approx(math.ldexp(got, k), rel=1e-14, abs=0.0)


@PROPERTIES
@given(x=hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, max_side=5), elements=EXTREME),
       eps=st.sampled_from([1e-12, 1e-300]), axis=st.integers(0, 2))
@example(x=np.full(4, 1e308), eps=1e-12, axis=0).via("‖x‖₂ = 2e308 overflows, x/‖x‖₂ = 0.5 does not")
@example(x=np.array([1e-300, 1e-300]), eps=1e-300, axis=0).via("x² underflows to 0, yet ‖x‖₂ > eps")
def test_l2_normalize_gives_unit_rows_without_overflow(x, eps, axis):
    """Each slice along axis has norm 1, or is x/eps when its norm is below eps; equals F.normalize wherever the
    norm is computable without overflow (entries ≲ 1e150)."""
    axis = axis % x.ndim - x.ndim  # negative axes too
    got = nm.l2_normalize(x, axis=axis, eps=eps)
    assert got.shape == x.shape and np.all(np.isfinite(got))
    norms = np.apply_along_axis(lambda r: exact_norm(r, 2), axis, x)
    norms = np.expand_dims(norms, axis)
    big = norms >= eps
    got_norm = np.expand_dims(np.apply_along_axis(lambda r: exact_norm(r, 2), axis, got), axis)
    np.testing.assert_allclose(got_norm[big], 1.0, rtol=1e-14)
    np.testing.assert_allclose(np.broadcast_to(~big, x.shape) * got, np.broadcast_to(~big, x.shape) * x / eps,
                               rtol=1e-15)
    if np.all((np.abs(x) < 1e150) & ((np.abs(x) > 1e-150) | (x == 0))):
        want = F.normalize(t(x), dim=axis, eps=eps).numpy()
        np.testing.assert_allclose(got, want, rtol=1e-14, atol=0)


@PROPERTIES
@given(shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=3), data=st.data())
def test_l2_normalize_and_vector_norm_accept_empty_arrays_as_torch(shape, data):
    x = np.zeros(shape)
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1), label="axis")
    got = nm.l2_normalize(x, axis=axis)
    assert got.shape == shape
    np.testing.assert_array_equal(got, F.normalize(t(x), dim=axis).numpy())
    assert nm.vector_norm(x, 2) == float(torch.linalg.vector_norm(t(x), 2)) == 0.0


# -- feature scaling --------------------------------------------------------------------------------------------
@st.composite
def design(draw):
    n, d = draw(st.integers(1, 8)), draw(st.integers(1, 3))
    offsets = np.array(draw(st.lists(st.sampled_from(OFFSETS), min_size=d, max_size=d)))
    scales = np.array(draw(st.lists(st.sampled_from(SCALES), min_size=d, max_size=d)))
    # spread ≥ 1e-6·|offset| or exactly 0: no column only a few ulps wide (see the near-constant test)
    scales = np.where((scales > 0) & (scales < 1e-6 * np.abs(offsets)), 1.0, scales)
    z = draw(hnp.arrays(np.float64, (n, d), elements=st.sampled_from([-1.0, -0.5, 0.0, 0.25, 1.0])))
    return offsets + scales * z


@PROPERTIES
@given(X=design(), lo=st.floats(-10, 10), width=st.floats(1e-3, 1e3))
def test_min_max_scale_matches_exact_arithmetic_and_sklearn(X, lo, width):
    hi = lo + width
    assume(lo < hi)
    got = nm.min_max_scale(X, (lo, hi))
    const = np.ptp(X, axis=0) == 0
    assert np.all(np.isfinite(got))
    np.testing.assert_array_equal(got[:, const], lo)  # documented: a constant column maps to the low end
    for j in np.flatnonzero(~const):  # exact rational reference
        mn, rg = Fraction(X[:, j].min()), Fraction(X[:, j].max()) - Fraction(X[:, j].min())
        want = [float(Fraction(lo) + (Fraction(hi) - Fraction(lo)) * (Fraction(v) - mn) / rg) for v in X[:, j]]
        np.testing.assert_allclose(got[:, j], want, rtol=1e-14, atol=1e-14 * max(abs(lo), abs(hi)))
    ref = MinMaxScaler((lo, hi)).fit_transform(X)  # X·scale + min: loses ~|offset|/range·ulp, we do not
    cond = np.abs(X).max() / np.where(const, 1.0, np.ptp(X, axis=0)).min()  # sklearn's rounding ∝ |offset| / range
    np.testing.assert_allclose(got, ref, rtol=1e-9, atol=1e-9 * (1 + cond) * width)


@PROPERTIES
@given(X=design())
def test_standardize_equals_sklearn_and_constant_columns_give_zero(X):
    got = nm.standardize(X)
    const = np.ptp(X, axis=0) == 0
    assert np.all(np.isfinite(got))
    np.testing.assert_array_equal(got[:, const], 0.0)  # documented: never NaN
    # the rounding of the mean, ~ulp(max|x|), is magnified by 1/σ: tolerance ∝ max|x| / ptp per column
    cond = np.abs(X).max(axis=0) / np.where(const, 1.0, np.ptp(X, axis=0))  # (d,)
    np.testing.assert_allclose(got, StandardScaler().fit_transform(X), rtol=1e-9, atol=1e-12 + 1e-13 * cond.max())
    if X.shape[0] > 1 and (~const).any():
        np.testing.assert_allclose(got[:, ~const].mean(0), 0.0, atol=1e-12 + 1e-14 * cond.max())
        np.testing.assert_allclose(got[:, ~const].std(0), 1.0, rtol=1e-12 + 1e-14 * cond.max())


@PROPERTIES
@given(dtype=st.sampled_from([np.float64, np.float32]), n=st.integers(2, 8),
       center=st.sampled_from([1.0, -3.0, 1e-12, 1e3, 1e6]), data=st.data())
def test_near_constant_columns_follow_sklearns_rules(dtype, n, center, data):
    """Columns a few ulps wide at any magnitude (issue 11, item 5). Standardize: sklearn's rule (σ² within its
    float64 rounding bound → divide by 1) and sklearn's outputs, up to the few-ulp residue x − μ it leaves where we
    give 0. Min-max: a range below 10·eps of the dtype (absolute) is divided by 1, as in sklearn; a wider one is
    scaled exactly (sklearn's X·scale + min loses those digits, so it is compared with exact arithmetic)."""
    ulps = data.draw(hnp.arrays(np.int64, (n, 3), elements=st.integers(0, 6)), label="ulps")
    X = np.full((n, 3), center, dtype=dtype)
    for _ in range(6):  # entry (i, j) moves up by ulps[i, j] ulps
        X = np.where(ulps > 0, np.nextafter(X, dtype(np.inf)), X)
        ulps = ulps - 1
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    tol = 50 * np.finfo(dtype).eps * np.abs(X).max()
    z, z_ref = nm.standardize(X), StandardScaler().fit_transform(X)
    assert z.dtype == z_ref.dtype == dtype and np.all(np.isfinite(z))
    np.testing.assert_allclose(z, z_ref, rtol=rtol, atol=tol)
    mm = nm.min_max_scale(X)
    assert mm.dtype == dtype
    small = np.ptp(X, axis=0) < 10 * np.finfo(dtype).eps
    np.testing.assert_array_equal(mm[:, small], X[:, small] - X[:, small].min(axis=0))
    np.testing.assert_allclose(mm[:, small], MinMaxScaler().fit_transform(X)[:, small], rtol=0, atol=tol)
    for j in np.flatnonzero(~small):
        lo, rg = Fraction(float(X[:, j].min())), Fraction(float(np.ptp(X[:, j])))
        np.testing.assert_allclose(mm[:, j], [float((Fraction(float(v)) - lo) / rg) for v in X[:, j]], rtol=rtol,
                                   atol=rtol)
