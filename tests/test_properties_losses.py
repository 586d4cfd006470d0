"""Property-based tests of mlnotes.losses: the stable kernels (log-softmax, logsumexp, softplus, log-sigmoid,
BCE with logits, cross-entropy, InfoNCE) against torch at logits up to ±1e4 in float32 and float64 — always
finite, equal to torch, and obeying their invariances; entropy and KL bounds (Gibbs' inequality)."""

import math

import numpy as np
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from mlnotes import losses as L
from tests.hypothesis_settings import PROPERTIES

DTYPES = st.sampled_from([np.float32, np.float64])
OFFSETS = [0.0, 1.0, -50.0, 1e4, -1e4]
SCALES = [0.0, 1e-3, 1.0, 100.0, 1e4]
TORCH = {np.float32: torch.float32, np.float64: torch.float64}


@st.composite
def logits(draw, *, min_rows=1, max_rows=5, min_cols=1, max_cols=6):
    """(N, C) logits of one dtype: per-row offset + scale·z with z in [−1, 1], so rows reach ±1e4 and beyond,
    some rows constant."""
    dtype = draw(DTYPES)
    n, c = draw(st.integers(min_rows, max_rows)), draw(st.integers(min_cols, max_cols))
    offset = np.array(draw(st.lists(st.sampled_from(OFFSETS), min_size=n, max_size=n)))[:, None]
    scale = np.array(draw(st.lists(st.sampled_from(SCALES), min_size=n, max_size=n)))[:, None]
    z = draw(hnp.arrays(np.float64, (n, c), elements=st.floats(-1, 1)))
    return (offset + scale * z).astype(dtype)


def tol(x):
    """Both sides compute (x − max) − log Σ e^{x − max} in x's dtype: a few ulps of the largest |x| apart."""
    eps = np.finfo(x.dtype).eps
    return dict(rtol=8 * eps, atol=8 * eps * (1.0 + float(np.abs(x).max())))


def t(a, grad=False):
    return torch.tensor(a, requires_grad=grad)


@PROPERTIES
@given(x=logits())
def test_log_softmax_and_logsumexp_equal_torch_and_stay_finite(x):
    ls, lse = L.log_softmax(x), L.logsumexp(x)
    assert ls.dtype == x.dtype and lse.dtype == x.dtype
    assert np.all(np.isfinite(ls)) and np.all(ls <= 0) and np.all(np.isfinite(lse))
    np.testing.assert_allclose(ls, torch.log_softmax(t(x), dim=-1).numpy(), **tol(x))
    np.testing.assert_allclose(lse, torch.logsumexp(t(x), dim=-1).numpy(), **tol(x))
    m = x.max(axis=-1)
    assert np.all(lse >= m - tol(x)["atol"]) and np.all(lse <= m + math.log(x.shape[-1]) + tol(x)["atol"])
    np.testing.assert_allclose(np.exp(ls).sum(axis=-1), 1.0, rtol=0, atol=x.shape[-1] * 8 * np.finfo(x.dtype).eps)


@PROPERTIES
@given(x=logits(), shift=st.sampled_from([-1e3, -1.0, 0.5, 1e3]))
def test_log_softmax_is_shift_invariant(x, shift):
    shifted = (x.astype(np.float64) + shift).astype(x.dtype)
    a, b = L.log_softmax(x), L.log_softmax(shifted)
    eps = np.finfo(x.dtype).eps
    # the shift itself is rounded in x's dtype: an error of ~ulp(|x| + |shift|) per entry
    np.testing.assert_allclose(a, b, rtol=0, atol=16 * eps * (1 + np.abs(x).max() + abs(shift)))


@PROPERTIES
@given(x=logits(max_rows=1, min_cols=2))
def test_softplus_and_log_sigmoid_equal_torch(x):
    z = x.ravel()
    sp, lsig = L.softplus(z), L.log_sigmoid(z)
    assert np.all(np.isfinite(sp)) and np.all(sp >= 0) and np.all(lsig <= 0)
    ref = F.softplus(t(z)).numpy()
    exact = z <= 20  # beyond 20 torch returns x itself, off by log1p(e^-x) < 2.1e-9; ours keeps that term
    np.testing.assert_allclose(sp[exact], ref[exact], **tol(z))
    assert np.all(np.abs(sp[~exact] - ref[~exact]) <= math.exp(-20) + tol(z)["atol"])
    np.testing.assert_allclose(lsig, F.logsigmoid(t(z)).numpy(), **tol(z))
    np.testing.assert_allclose(sp - L.softplus(-z), z, rtol=0, atol=tol(z)["atol"])  # softplus(z) − softplus(−z) = z


@PROPERTIES
@given(x=logits(), data=st.data())
def test_bce_with_logits_equals_torch_and_is_symmetric(x, data):
    y = data.draw(hnp.arrays(np.float64, x.shape, elements=st.sampled_from([0.0, 1.0, 0.25, 0.5]))).astype(x.dtype)
    ours = L.binary_cross_entropy_with_logits(x, y, reduction="none")
    grad = L.binary_cross_entropy_with_logits_grad(x, y, reduction="sum")
    tx = t(x, grad=True)
    ref = F.binary_cross_entropy_with_logits(tx, t(y), reduction="none")
    ref.sum().backward()
    assert np.all(np.isfinite(ours)) and np.all(ours >= 0) and np.all(np.isfinite(grad))
    np.testing.assert_allclose(ours, ref.detach().numpy(), **tol(x))
    np.testing.assert_allclose(grad, tx.grad.numpy(), rtol=8 * np.finfo(x.dtype).eps, atol=8 * np.finfo(x.dtype).eps)
    np.testing.assert_allclose(ours, L.binary_cross_entropy_with_logits(-x, 1 - y, reduction="none"), **tol(x))


@PROPERTIES
@given(x=logits(min_cols=2), data=st.data(), smoothing=st.sampled_from([0.0, 0.1]))
def test_cross_entropy_equals_torch_at_huge_logits(x, data, smoothing):
    n, c = x.shape
    y = np.array(data.draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)))
    ours = L.cross_entropy(x, y, reduction="none", label_smoothing=smoothing)
    grad = L.cross_entropy_grad(x, y, label_smoothing=smoothing)
    tx = t(x, grad=True)
    ref = F.cross_entropy(tx, torch.tensor(y), reduction="none", label_smoothing=smoothing)
    ref.mean().backward()
    assert np.all(np.isfinite(ours)) and np.all(ours >= -tol(x)["atol"]) and np.all(np.isfinite(grad))
    np.testing.assert_allclose(ours, ref.detach().numpy(), rtol=8 * np.finfo(x.dtype).eps,
                               atol=8 * c * np.finfo(x.dtype).eps * (1 + float(np.abs(x).max())))
    np.testing.assert_allclose(grad, tx.grad.numpy(), rtol=16 * np.finfo(x.dtype).eps, atol=16 * np.finfo(x.dtype).eps)
    np.testing.assert_allclose(grad.sum(axis=1), 0, atol=c * 16 * np.finfo(x.dtype).eps)  # softmax − target sums to 0


@PROPERTIES
@given(dtype=DTYPES, b=st.integers(1, 5), d=st.integers(1, 6), scale=st.sampled_from([1e-3, 1.0, 30.0, 100.0]),
       tau=st.sampled_from([0.01, 0.07, 1.0]), data=st.data())
def test_info_nce_is_finite_and_equals_torch_at_large_similarities(dtype, b, d, scale, tau, data):
    q = (scale * data.draw(hnp.arrays(np.float64, (b, d), elements=st.floats(-1, 1)))).astype(dtype)
    k = (scale * data.draw(hnp.arrays(np.float64, (b, d), elements=st.floats(-1, 1)))).astype(dtype)
    ours = L.info_nce(q, k, temperature=tau)
    logits = torch.tensor(q) @ torch.tensor(k).T / tau  # up to 1e4 · 6 / 0.01 ≈ 6e6
    ref = F.cross_entropy(logits, torch.arange(b))
    big = float(logits.abs().max()) + 1.0
    assert np.isfinite(ours) and ours >= -1e-6 * big
    np.testing.assert_allclose(ours, ref.item(), rtol=1e-5 if dtype == np.float32 else 1e-10,
                               atol=(64 if dtype == np.float32 else 1e-7) * np.finfo(dtype).eps * big)


@PROPERTIES
@given(k=st.integers(1, 8), data=st.data())
def test_gibbs_inequality_and_entropy_bounds(k, data):
    w = data.draw(hnp.arrays(np.float64, (2, k), elements=st.floats(0, 1)))
    w[:, 0] += 1e-3  # at least one positive entry per row
    p, q = w / w.sum(axis=1, keepdims=True)
    q = 0.999 * q + 0.001 / k  # Q > 0 everywhere: a finite KL
    assert L.kl_divergence(p, q) >= -1e-12
    assert abs(L.kl_divergence(p, p)) <= 1e-12
    assert -1e-12 <= L.entropy(p) <= math.log(k) + 1e-12
    np.testing.assert_allclose(L.cross_entropy_dist(p, q), L.entropy(p) + L.kl_divergence(p, q), rtol=1e-10,
                               atol=1e-12)


@PROPERTIES
@given(mu=st.tuples(*[st.floats(-100, 100)] * 2), sigma=st.tuples(*[st.floats(1e-3, 1e3)] * 2))
def test_kl_normal_is_non_negative_and_equals_torch(mu, sigma):
    from torch.distributions import Normal, kl_divergence

    ours = float(L.kl_normal(mu[0], sigma[0], mu[1], sigma[1]))
    ref = kl_divergence(Normal(torch.tensor(mu[0], dtype=torch.float64), torch.tensor(sigma[0], dtype=torch.float64)),
                        Normal(torch.tensor(mu[1], dtype=torch.float64), torch.tensor(sigma[1], dtype=torch.float64)))
    assert ours >= -1e-12
    np.testing.assert_allclose(ours, ref.item(), rtol=1e-9, atol=1e-9)
    assert L.kl_normal(mu[0], sigma[0], mu[0], sigma[0]) == 0.0
