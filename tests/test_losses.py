"""mlnotes.losses equals torch.nn.functional (values and gradients, float32 and float64, every reduction),
scipy (entropy, KL) and sklearn (binary hinge); hand-worked cases; the identities the chapter states."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from scipy.stats import entropy as scipy_entropy
from sklearn.metrics import hinge_loss as sk_hinge

from mlnotes import losses as L
from mlnotes.losses import errata
from mlnotes.losses.experiments import (convexity_gap, gd_path, hidden_unit_loss, hidden_unit_minimum,
                                        linear_model_loss, loss_surface, sigmoid_losses)
from mlnotes.losses.initial_loss import GPT2_VOCAB, expected_initial_loss, initial_loss

DTYPES = [np.float32, np.float64]
TOL = {np.float32: dict(rtol=2e-5, atol=2e-6), np.float64: dict(rtol=1e-10, atol=1e-12)}
TORCH = {np.float32: torch.float32, np.float64: torch.float64}
REDUCTIONS = ["none", "mean", "sum"]


def tt(a, dtype, grad=False):
    return torch.tensor(np.asarray(a), dtype=TORCH[dtype], requires_grad=grad)


def check(ours, ours_grad, torch_fn, x, *, dtype, **kw):
    """Our value and gradient (wrt x) against torch's value and autograd gradient of the same reduction."""
    tx = tt(x, dtype, grad=True)
    out = torch_fn(tx)
    out.sum().backward()
    got = ours(**kw)
    assert np.asarray(got).dtype == dtype
    np.testing.assert_allclose(got, out.detach().numpy(), **TOL[dtype])
    g = ours_grad(**kw)
    assert g.dtype == dtype and g.shape == x.shape
    np.testing.assert_allclose(g, tx.grad.numpy(), **TOL[dtype])


# -- regression -------------------------------------------------------------------------------------------
REGRESSION = [
    ("mse", L.mse_loss, L.mse_loss_grad, lambda a, b, r, **k: F.mse_loss(a, b, reduction=r), {}),
    ("l1", L.l1_loss, L.l1_loss_grad, lambda a, b, r, **k: F.l1_loss(a, b, reduction=r), {}),
    ("huber 1", L.huber_loss, L.huber_loss_grad, lambda a, b, r, **k: F.huber_loss(a, b, reduction=r, delta=1.0),
     {"delta": 1.0}),
    ("huber 0.3", L.huber_loss, L.huber_loss_grad, lambda a, b, r, **k: F.huber_loss(a, b, reduction=r, delta=0.3),
     {"delta": 0.3}),
    ("smooth l1 0.5", L.smooth_l1_loss, L.smooth_l1_loss_grad,
     lambda a, b, r, **k: F.smooth_l1_loss(a, b, reduction=r, beta=0.5), {"beta": 0.5}),
    ("smooth l1 0 = l1", L.smooth_l1_loss, L.smooth_l1_loss_grad,
     lambda a, b, r, **k: F.smooth_l1_loss(a, b, reduction=r, beta=0.0), {"beta": 0.0}),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name,ours,ours_grad,ref,kw", REGRESSION, ids=[r[0] for r in REGRESSION])
def test_regression_losses_equal_torch(name, ours, ours_grad, ref, kw, reduction, dtype):
    rng = np.random.default_rng(0)
    x = (2 * rng.standard_normal((5, 7))).astype(dtype)
    t = rng.standard_normal((5, 7)).astype(dtype)
    check(lambda **_: ours(x, t, reduction=reduction, **kw), lambda **_: ours_grad(x, t, reduction=reduction, **kw),
          lambda tx: ref(tx, tt(t, dtype), reduction), x, dtype=dtype)


def test_regression_hand_worked():
    r = np.array([0.0, 0.5, -2.0, 3.0])
    assert L.mse_loss(r, np.zeros(4)) == (0 + 0.25 + 4 + 9) / 4
    assert L.l1_loss(r, np.zeros(4), reduction="sum") == 5.5
    np.testing.assert_array_equal(L.huber_loss(r, np.zeros(4), reduction="none", delta=1.0), [0, 0.125, 1.5, 2.5])
    np.testing.assert_array_equal(L.l1_loss_grad(r, np.zeros(4), reduction="none"), [0, 1, -1, 1])  # sign(0) = 0
    np.testing.assert_array_equal(L.huber_loss_grad(r, np.zeros(4), reduction="none", delta=1.0), [0, 0.5, -1, 1])


def test_mse_is_mean_mae_is_median_minimizer():
    y = np.array([0.0, 1.0, 2.0, 10.0])
    grid = np.linspace(-1, 11, 12001)
    mse = [L.mse_loss(np.full(4, c), y) for c in grid]
    mae = [L.l1_loss(np.full(4, c), y) for c in grid]
    assert abs(grid[int(np.argmin(mse))] - y.mean()) < 1e-3
    assert 1.0 - 1e-9 <= grid[int(np.argmin(mae))] <= 2.0 + 1e-9  # any median in [1, 2]


# -- binary -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_bce_equals_torch(reduction, dtype, weighted):
    rng = np.random.default_rng(1)
    p = rng.uniform(0.02, 0.98, (4, 6)).astype(dtype)
    y = rng.uniform(0, 1, (4, 6)).astype(dtype)
    w = rng.uniform(0.5, 2, (6,)).astype(dtype) if weighted else None
    check(lambda **_: L.binary_cross_entropy(p, y, weight=w, reduction=reduction),
          lambda **_: L.binary_cross_entropy_grad(p, y, weight=w, reduction=reduction),
          lambda tp: F.binary_cross_entropy(tp, tt(y, dtype), weight=None if w is None else tt(w, dtype),
                                            reduction=reduction), p, dtype=dtype)


def test_bce_clamps_log_at_minus_100_like_torch():
    p = np.array([0.0, 1.0, 1e-50, 1.0 - 1e-17])
    y = np.array([1.0, 0.0, 1.0, 0.0])
    ours = L.binary_cross_entropy(p, y, reduction="none")
    ref = F.binary_cross_entropy(torch.tensor(p), torch.tensor(y), reduction="none").numpy()
    np.testing.assert_allclose(ours, ref, rtol=1e-12)
    assert ours[0] == 100.0 and ours[1] == 100.0


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("variant", ["plain", "weight", "pos_weight", "both"])
def test_bce_with_logits_equals_torch(reduction, dtype, variant):
    rng = np.random.default_rng(2)
    z = (4 * rng.standard_normal((5, 3))).astype(dtype)
    y = rng.uniform(0, 1, (5, 3)).astype(dtype)
    w = rng.uniform(0.5, 2, (5, 1)).astype(dtype) if variant in ("weight", "both") else None
    pw = rng.uniform(0.5, 3, (3,)).astype(dtype) if variant in ("pos_weight", "both") else None
    check(lambda **_: L.binary_cross_entropy_with_logits(z, y, weight=w, pos_weight=pw, reduction=reduction),
          lambda **_: L.binary_cross_entropy_with_logits_grad(z, y, weight=w, pos_weight=pw, reduction=reduction),
          lambda tz: F.binary_cross_entropy_with_logits(tz, tt(y, dtype), weight=None if w is None else tt(w, dtype),
                                                        pos_weight=None if pw is None else tt(pw, dtype),
                                                        reduction=reduction), z, dtype=dtype)


def test_bce_with_logits_equals_bce_of_sigmoid_and_logistic_loss():
    z = np.linspace(-6, 6, 13)
    y01 = (np.arange(13) % 2).astype(float)
    p = 1 / (1 + np.exp(-z))
    np.testing.assert_allclose(L.binary_cross_entropy_with_logits(z, y01, reduction="none"),
                               L.binary_cross_entropy(p, y01, reduction="none"), rtol=1e-12)
    np.testing.assert_allclose(L.binary_cross_entropy_with_logits(z, y01, reduction="none"),
                               L.soft_margin_loss(z, 2 * y01 - 1, reduction="none"), rtol=1e-12)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_soft_margin_equals_torch(reduction, dtype):
    rng = np.random.default_rng(3)
    z = (3 * rng.standard_normal(9)).astype(dtype)
    y = rng.choice([-1.0, 1.0], 9).astype(dtype)
    check(lambda **_: L.soft_margin_loss(z, y, reduction=reduction),
          lambda **_: L.soft_margin_loss_grad(z, y, reduction=reduction),
          lambda tz: F.soft_margin_loss(tz, tt(y, dtype), reduction=reduction), z, dtype=dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_hinge_equals_sklearn_and_autograd(dtype):
    rng = np.random.default_rng(4)
    z = (2 * rng.standard_normal(50)).astype(dtype)
    y = rng.choice([-1.0, 1.0], 50).astype(dtype)
    np.testing.assert_allclose(L.hinge_loss(z, y), sk_hinge(y, z), **TOL[dtype])
    # the binary hinge is 2 × torch's multi_margin_loss on the scores [0, z]
    for reduction in REDUCTIONS:
        check(lambda **_: L.hinge_loss(z, y, reduction=reduction),
              lambda **_: L.hinge_loss_grad(z, y, reduction=reduction),
              lambda tz: 2 * F.multi_margin_loss(torch.stack([torch.zeros_like(tz), tz], dim=1),
                                                 torch.tensor((y > 0).astype(np.int64)), reduction=reduction),
              z, dtype=dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("p,margin,weighted", [(1, 1.0, False), (2, 1.0, False), (1, 0.5, True), (2, 2.0, True)])
def test_multi_margin_equals_torch(reduction, dtype, p, margin, weighted):
    rng = np.random.default_rng(5)
    x = rng.standard_normal((6, 4)).astype(dtype)
    t = rng.integers(0, 4, 6)
    w = rng.uniform(0.5, 2, 4).astype(dtype) if weighted else None
    check(lambda **_: L.multi_margin_loss(x, t, p=p, margin=margin, weight=w, reduction=reduction),
          lambda **_: L.multi_margin_loss_grad(x, t, p=p, margin=margin, weight=w, reduction=reduction),
          lambda tx: F.multi_margin_loss(tx, torch.tensor(t), p=p, margin=margin,
                                         weight=None if w is None else tt(w, dtype), reduction=reduction),
          x, dtype=dtype)


# -- cross-entropy and NLL ----------------------------------------------------------------------------------
CE_VARIANTS = [
    dict(),
    dict(weight=True),
    dict(label_smoothing=0.1),
    dict(weight=True, label_smoothing=0.2),
    dict(ignore=True),
    dict(ignore=True, weight=True, label_smoothing=0.1),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("variant", CE_VARIANTS, ids=lambda v: "-".join(v) or "plain")
def test_cross_entropy_class_targets_equal_torch(reduction, dtype, variant):
    rng = np.random.default_rng(6)
    z = (3 * rng.standard_normal((7, 5))).astype(dtype)
    t = rng.integers(0, 5, 7)
    if variant.get("ignore"):
        t[[1, 4]] = -100
    w = rng.uniform(0.2, 3, 5).astype(dtype) if variant.get("weight") else None
    ls = variant.get("label_smoothing", 0.0)
    check(lambda **_: L.cross_entropy(z, t, weight=w, reduction=reduction, label_smoothing=ls),
          lambda **_: L.cross_entropy_grad(z, t, weight=w, reduction=reduction, label_smoothing=ls),
          lambda tz: F.cross_entropy(tz, torch.tensor(t), weight=None if w is None else tt(w, dtype),
                                     reduction=reduction, label_smoothing=ls), z, dtype=dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("variant", [dict(), dict(weight=True), dict(label_smoothing=0.3),
                                     dict(weight=True, label_smoothing=0.1)], ids=lambda v: "-".join(v) or "plain")
def test_cross_entropy_probability_targets_equal_torch(reduction, dtype, variant):
    rng = np.random.default_rng(7)
    z = (2 * rng.standard_normal((6, 4))).astype(dtype)
    q = rng.dirichlet(np.ones(4), 6).astype(dtype)
    w = rng.uniform(0.2, 3, 4).astype(dtype) if variant.get("weight") else None
    ls = variant.get("label_smoothing", 0.0)
    check(lambda **_: L.cross_entropy(z, q, weight=w, reduction=reduction, label_smoothing=ls),
          lambda **_: L.cross_entropy_grad(z, q, weight=w, reduction=reduction, label_smoothing=ls),
          lambda tz: F.cross_entropy(tz, tt(q, dtype), weight=None if w is None else tt(w, dtype),
                                     reduction=reduction, label_smoothing=ls), z, dtype=dtype)


def test_cross_entropy_gradcheck_float64():
    rng = np.random.default_rng(8)
    t = rng.integers(0, 4, 5)
    w = rng.uniform(0.5, 2, 4)

    class Ours(torch.autograd.Function):
        @staticmethod
        def forward(ctx, z):
            ctx.save_for_backward(z)
            return torch.tensor(L.cross_entropy(z.detach().numpy(), t, weight=w, label_smoothing=0.1))

        @staticmethod
        def backward(ctx, g):
            (z,) = ctx.saved_tensors
            return g * torch.from_numpy(L.cross_entropy_grad(z.detach().numpy(), t, weight=w, label_smoothing=0.1))

    z = torch.tensor(rng.standard_normal((5, 4)), requires_grad=True)
    assert torch.autograd.gradcheck(Ours.apply, (z,))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted,ignore", [(False, False), (True, False), (True, True)])
def test_nll_equals_torch_and_ce_is_nll_of_log_softmax(reduction, dtype, weighted, ignore):
    rng = np.random.default_rng(9)
    z = (2 * rng.standard_normal((6, 5))).astype(dtype)
    logp = L.log_softmax(z)
    t = rng.integers(0, 5, 6)
    if ignore:
        t[0] = -100
    w = rng.uniform(0.5, 2, 5).astype(dtype) if weighted else None
    check(lambda **_: L.nll_loss(logp, t, weight=w, reduction=reduction),
          lambda **_: L.nll_loss_grad(logp, t, weight=w, reduction=reduction),
          lambda tx: F.nll_loss(tx, torch.tensor(t), weight=None if w is None else tt(w, dtype), reduction=reduction),
          logp, dtype=dtype)
    np.testing.assert_allclose(L.cross_entropy(z, t, weight=w, reduction=reduction),
                               L.nll_loss(logp, t, weight=w, reduction=reduction), **TOL[dtype])


def test_cross_entropy_hand_worked_and_uniform_logits():
    z = np.array([[2.0, 1.0, 0.1]])  # the notes' TensorFlow example
    p = np.exp(z) / np.exp(z).sum()
    assert np.isclose(L.cross_entropy(z, np.array([0])), -math.log(p[0, 0]), rtol=1e-14)
    V = 1000
    assert np.isclose(L.cross_entropy(np.zeros((3, V)), np.array([0, 5, 999])), math.log(V), rtol=1e-14)


def test_cross_entropy_is_mle_of_a_categorical():
    """Minimizing CE over free logits recovers the empirical frequencies (the MLE)."""
    counts = np.array([5, 3, 2])
    y = np.repeat(np.arange(3), counts)
    z = np.zeros((1, 3))
    for _ in range(2000):
        g = L.cross_entropy_grad(np.repeat(z, len(y), axis=0), y)  # (N, 3), already divided by N
        z = z - 1.0 * g.sum(axis=0, keepdims=True)
    p = np.exp(L.log_softmax(z))[0]
    np.testing.assert_allclose(p, counts / counts.sum(), atol=1e-6)


def test_kl_and_soft_target_ce_have_the_same_gradient():
    rng = np.random.default_rng(10)
    z = rng.standard_normal((4, 5))
    q = rng.dirichlet(np.ones(5), 4)
    ce_grad = L.cross_entropy_grad(z, q, reduction="sum")
    # KL(q || softmax z) as F.kl_div(log_softmax z, q): chain rule through log_softmax
    g_logp = L.kl_div_grad(L.log_softmax(z), q, reduction="sum")
    p = np.exp(L.log_softmax(z))
    kl_grad = g_logp - p * g_logp.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(kl_grad, ce_grad, rtol=1e-12, atol=1e-14)
    gap = L.cross_entropy(z, q, reduction="sum") - L.kl_div(L.log_softmax(z), q, reduction="sum")
    np.testing.assert_allclose(gap, L.entropy(q).sum(), rtol=1e-12)  # CE = KL + H(q)


# -- information theory ------------------------------------------------------------------------------------------
def test_entropy_kl_equal_scipy():
    rng = np.random.default_rng(11)
    p = rng.dirichlet(np.ones(6), 3)
    q = rng.dirichlet(np.ones(6), 3)
    np.testing.assert_allclose(L.entropy(p), scipy_entropy(p, axis=-1), rtol=1e-12)
    np.testing.assert_allclose(L.entropy(p, base=2), scipy_entropy(p, base=2, axis=-1), rtol=1e-12)
    np.testing.assert_allclose(L.kl_divergence(p, q), scipy_entropy(p, q, axis=-1), rtol=1e-12)
    np.testing.assert_allclose(L.cross_entropy_dist(p, q), L.entropy(p) + L.kl_divergence(p, q), rtol=1e-12)
    assert np.all(L.kl_divergence(p, q) > 0) and np.allclose(L.kl_divergence(p, p), 0, atol=1e-15)
    assert not np.allclose(L.kl_divergence(p, q), L.kl_divergence(q, p))  # asymmetric


def test_entropy_hand_worked_and_zero_terms():
    assert L.entropy([0.5, 0.5], base=2) == 1.0
    assert L.entropy([1.0, 0.0]) == 0.0  # 0 log 0 = 0
    assert np.isclose(L.entropy(np.full(8, 1 / 8), base=2), 3.0, rtol=1e-15)
    assert L.kl_divergence([0.5, 0.5], [1.0, 0.0]) == np.inf  # P > 0 = Q
    assert L.kl_divergence([1.0, 0.0], [0.5, 0.5]) == math.log(2)


@pytest.mark.filterwarnings("ignore:reduction. 'mean' divides:UserWarning")  # torch's advice to use batchmean
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", ["none", "mean", "sum", "batchmean"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div_equals_torch(reduction, dtype, log_target):
    rng = np.random.default_rng(12)
    logq = L.log_softmax(rng.standard_normal((4, 5))).astype(dtype)
    p = rng.dirichlet(np.ones(5), 4).astype(dtype)
    p[0, 1] = 0  # a zero target: 0 log 0 = 0
    p[0] /= p[0].sum()
    target = np.log(np.maximum(p, np.finfo(dtype).tiny)).astype(dtype) if log_target else p  # finite log 0
    check(lambda **_: L.kl_div(logq, target, reduction=reduction, log_target=log_target),
          lambda **_: L.kl_div_grad(logq, target, reduction=reduction, log_target=log_target),
          lambda tx: F.kl_div(tx, tt(target, dtype), reduction=reduction, log_target=log_target), logq, dtype=dtype)


def test_kl_normal_equals_torch_and_mc():
    from torch.distributions import Normal, kl_divergence

    rng = np.random.default_rng(13)
    mp, mq = rng.standard_normal(10), rng.standard_normal(10)
    sp, sq = rng.uniform(0.2, 3, 10), rng.uniform(0.2, 3, 10)
    ref = kl_divergence(Normal(torch.tensor(mp), torch.tensor(sp)), Normal(torch.tensor(mq), torch.tensor(sq)))
    np.testing.assert_allclose(L.kl_normal(mp, sp, mq, sq), ref.numpy(), rtol=1e-12)
    assert L.kl_normal(0.0, 1.0, 0.0, 1.0) == 0.0
    est, se = L.kl_normal_mc(0.0, 1.0, 1.0, 2.0, 200_000, np.random.default_rng(0))
    exact = float(L.kl_normal(0.0, 1.0, 1.0, 2.0))
    assert abs(est - exact) < 4 * se and se < 0.01


# -- InfoNCE ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("with_negatives", [False, True])
def test_info_nce_equals_torch_ce_on_diagonal_labels(reduction, dtype, with_negatives):
    rng = np.random.default_rng(14)
    q = rng.standard_normal((6, 8)).astype(dtype)
    k = rng.standard_normal((6, 8)).astype(dtype)
    neg = rng.standard_normal((3, 8)).astype(dtype) if with_negatives else None
    tq, tk = tt(q, dtype, True), tt(k, dtype, True)
    keys = tk if neg is None else torch.cat([tk, tt(neg, dtype, True)])
    ref = F.cross_entropy(tq @ keys.T / 0.5, torch.arange(6), reduction=reduction)
    ref.sum().backward()
    ours = L.info_nce(q, k, temperature=0.5, negatives=neg, reduction=reduction)
    np.testing.assert_allclose(ours, ref.detach().numpy(), **TOL[dtype])
    dq, dk, dn = L.info_nce_grad(q, k, temperature=0.5, negatives=neg, reduction=reduction)
    np.testing.assert_allclose(dq, tq.grad.numpy(), **TOL[dtype])
    np.testing.assert_allclose(dk, tk.grad.numpy(), **TOL[dtype])
    assert (dn is None) == (neg is None) and dq.dtype == dtype


def test_info_nce_notes_erratum_15():
    rng = np.random.default_rng(15)
    a = rng.standard_normal((8, 16))
    a /= np.linalg.norm(a, axis=1, keepdims=True)
    neg = rng.standard_normal((4, 16))
    neg /= np.linalg.norm(neg, axis=1, keepdims=True)
    right = errata.info_nce_notes(a, a, neg, temperature=0.1, fixed=True)
    wrong = errata.info_nce_notes(a, a, neg, temperature=0.1)
    assert right < 0.01 < 1.0 < wrong  # perfect positives: the fix is ~0, the notes' labels are not
    # the fixed layout equals F.cross_entropy on [a·p | a @ negᵀ] with labels 0
    logits = torch.cat([(torch.tensor(a) * torch.tensor(a)).sum(1, keepdim=True), torch.tensor(a @ neg.T)], 1) / 0.1
    assert np.isclose(right, F.cross_entropy(logits, torch.zeros(8, dtype=torch.long)).item(), rtol=1e-12)


# -- stable kernels --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
def test_stable_kernels_equal_torch(dtype):
    x = np.array([[1e4, -1e4, 0.0, 3.0], [-1e4, -1e4 - 1, -1e4 + 2, -1e4], [0.1, 0.2, 0.3, 0.4]], dtype=dtype)
    np.testing.assert_allclose(L.logsumexp(x), torch.logsumexp(tt(x, dtype), -1).numpy(), **TOL[dtype])
    np.testing.assert_allclose(L.log_softmax(x), torch.log_softmax(tt(x, dtype), -1).numpy(), **TOL[dtype])
    np.testing.assert_allclose(L.logsumexp(x, axis=0, keepdims=True),
                               torch.logsumexp(tt(x, dtype), 0, keepdim=True).numpy(), **TOL[dtype])
    z = x.ravel()
    np.testing.assert_allclose(L.softplus(z), F.softplus(tt(z, dtype)).numpy(), **TOL[dtype])
    np.testing.assert_allclose(L.log_sigmoid(z), F.logsigmoid(tt(z, dtype)).numpy(), **TOL[dtype])
    assert L.log_softmax(x).dtype == dtype and L.logsumexp(x).dtype == dtype


# -- errata and experiments -------------------------------------------------------------------------------------
def test_notes_kl_is_minus_kl_and_notes_softmax_is_uniform():
    p, q = np.array([0.7, 0.2, 0.1]), np.array([0.2, 0.5, 0.3])
    np.testing.assert_allclose(errata.kl_notes(p, q), -L.kl_divergence(p, q), rtol=1e-14)
    assert errata.kl_notes(p, q) < 0
    np.testing.assert_allclose(errata.softmax_notes(np.array([[5.0, 1.0, -2.0, 0.0]])), 0.25, rtol=1e-15)


def test_sigmoid_mse_gradient_vanishes_where_ce_does_not():
    s = sigmoid_losses(np.array([-10.0, 0.0, 10.0]))
    assert abs(s["ce_grad"][0] + 1) < 1e-4 and abs(s["mse_grad"][0]) < 1e-4
    t = torch.tensor([-10.0, 0.0, 10.0], dtype=torch.float64, requires_grad=True)
    ((torch.sigmoid(t) - 1) ** 2).sum().backward()
    np.testing.assert_allclose(s["mse_grad"], t.grad.numpy(), rtol=1e-12)


def test_loss_surfaces_and_gd_paths():
    _, _, ce = loss_surface("cross-entropy")
    _, _, mse = loss_surface("MSE")
    assert np.all(np.isfinite(ce)) and np.all(np.isfinite(mse))
    ce_end, mse_end = gd_path("cross-entropy")[-1], gd_path("MSE")[-1]
    assert linear_model_loss(*ce_end) < linear_model_loss(*mse_end)


def test_convexity_linear_vs_hidden_unit():
    w, v = hidden_unit_minimum()
    assert w > 0 and hidden_unit_loss(w, v) < math.log(2)
    assert np.isclose(hidden_unit_loss(w, v), hidden_unit_loss(-w, -v), rtol=1e-14)
    assert convexity_gap(hidden_unit_loss, (w, v), (-w, -v)) > 0  # not convex
    rng = np.random.default_rng(16)
    for _ in range(50):  # the linear model never violates convexity
        a, b = rng.uniform(-5, 5, 2), rng.uniform(-5, 5, 2)
        assert convexity_gap(linear_model_loss, a, b) <= 1e-12


def test_initial_loss_of_an_untrained_gpt_is_ln_vocab():
    loss, std = initial_loss("gpt2")
    assert abs(loss - math.log(GPT2_VOCAB)) < 0.05
    assert abs(loss - expected_initial_loss(GPT2_VOCAB, std)) < 0.02
    big, big_std = initial_loss("N(0, 1)")
    assert big > loss + 5 and big_std > 3


# -- figures ---------------------------------------------------------------------------------------------------------------
FIGURES = [
    ("draw_regression_losses", dict(delta=0.25), 2),
    ("draw_sigmoid_mse_vs_ce", dict(z0=-8.0), 2),
    ("draw_loss_surface", dict(loss="MSE", steps=0), 1),
    ("draw_kl_asymmetry", dict(mu=-2.0, sigma=0.6), 1),
    ("draw_kl_monte_carlo", dict(n=10), 1),
    ("draw_loss_errata", dict(erratum="15: InfoNCE labels", notes=True), 1),
    ("draw_loss_errata", dict(erratum="2: softmax denominator", notes=False), 1),
    ("draw_convexity", dict(model="one hidden unit"), 2),
]


@pytest.mark.parametrize("name,values,ncols", FIGURES, ids=[f"{f[0]}-{i}" for i, f in enumerate(FIGURES)])
def test_figures_render_finite_frames(name, values, ncols):
    from mlnotes.explore import FrameRenderer
    from mlnotes.figures import losses as figs

    png = FrameRenderer(getattr(figs, name), ncols=ncols, figsize=(6, 3), scale=1, layout_values=values).render(values)
    assert png.startswith(b"\x89PNG")


def test_kl_figure_numbers():
    from mlnotes.figures import losses as figs

    (fm, fs), (rm, rs) = figs.kl_best()
    assert fm == 0.0 and fs > 1.5 and abs(rm) == 2.0 and rs < 1.0
    fwd, rev = figs.kl_pairs(np.array([0.0, 2.0]), np.array([2.1, 0.6]))
    np.testing.assert_allclose([fwd[0], rev[1]], [figs.kl_pair(0.0, 2.1)[0], figs.kl_pair(2.0, 0.6)[1]], rtol=1e-12)
    est = figs.mc_estimates(1000)
    assert abs(est.mean() - float(L.kl_normal(*figs.MC_P, *figs.MC_Q))) < 4 * est.std() / np.sqrt(len(est))
