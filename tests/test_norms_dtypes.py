"""dtypes in mlnotes.norms (issue 11, item 18): every public function keeps float32 as float32 and then equals
torch / scikit-learn run in float32 (rtol ~1e-5), as it equals them in float64 (rtol ~1e-10); integer data becomes
float64; parameters, running statistics and upstream gradients follow the data's dtype."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from mlnotes import norms as nm

# (numpy dtype, torch dtype, rtol, atol): float32 tolerances are a few hundred ulps, float64's ~1e-10
DTYPES = [pytest.param((np.float32, torch.float32, 1e-5, 1e-5), id="float32"),
          pytest.param((np.float64, torch.float64, 1e-10, 1e-12), id="float64")]


def data(shape, dtype, seed=0, offset=1.0, scale=2.0):
    return (offset + scale * np.random.default_rng(seed).standard_normal(shape)).astype(dtype)


def tt(a, tdtype, grad=False):
    return torch.tensor(np.asarray(a), dtype=tdtype, requires_grad=grad)


def same(got, want, dtype, rtol, atol):
    """got has dtype ``dtype`` and equals want (a tensor or array)."""
    assert np.asarray(got).dtype == dtype, (np.asarray(got).dtype, dtype)
    want = want.detach().numpy() if isinstance(want, torch.Tensor) else want
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)


# -- BatchNorm --------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", DTYPES)
@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_forward_backward_keep_dtype_and_equal_torch(case, training):
    dtype, tdtype, rtol, atol = case
    x, dy = data((8, 3, 4), dtype), data((8, 3, 4), dtype, seed=1, offset=0.0, scale=1.0)
    gamma, beta = data(3, dtype, 2, 1.0, 0.3), data(3, dtype, 3)
    rm, rv = data(3, dtype, 4), data(3, dtype, 5, 1.5, 0.2)
    trm, trv = tt(rm, tdtype), tt(rv, tdtype)
    tx, tg, tb = tt(x, tdtype, True), tt(gamma, tdtype, True), tt(beta, tdtype, True)
    ty = F.batch_norm(tx, trm, trv, tg, tb, training, 0.1, 1e-5)
    ty.backward(tt(dy, tdtype))
    y, nrm, nrv = nm.batch_norm(x, gamma, beta, rm, rv, training=training)
    for got, want in [(y, ty), (nrm, trm), (nrv, trv)]:
        same(got, want, dtype, rtol, atol)
    dx, dg, db = nm.batch_norm_backward(dy, x, gamma, None if training else rm, None if training else rv,
                                        training=training)
    for got, want in [(dx, tx.grad), (dg, tg.grad), (db, tb.grad)]:
        same(got, want, dtype, rtol, atol)


def test_batch_norm_casts_float64_parameters_to_float32_data():
    x = data((6, 2), np.float32)
    y, rm, rv = nm.batch_norm(x, np.ones(2), np.zeros(2), np.zeros(2), np.ones(2))
    assert y.dtype == rm.dtype == rv.dtype == np.float32
    dx, dg, db = nm.batch_norm_backward(np.ones((6, 2)), x, np.ones(2))
    assert dx.dtype == dg.dtype == db.dtype == np.float32


@pytest.mark.parametrize("case", DTYPES)
def test_batchnorm_layer_in_its_dtype_equals_torch_module(case):
    dtype, tdtype, rtol, atol = case
    ours, ref = nm.BatchNorm(3, dtype=dtype), torch.nn.BatchNorm1d(3).to(tdtype)
    assert ours.gamma.dtype == ours.running_var.dtype == dtype
    for step in range(4):
        if step == 3:
            ours.eval(), ref.eval()
        x, dy = data((8, 3), dtype, seed=step, offset=3.0), data((8, 3), dtype, seed=10 + step, offset=0.0)
        tx = tt(x, tdtype, True)
        ref.zero_grad()
        ty = ref(tx)
        ty.backward(tt(dy, tdtype))
        same(ours(x), ty, dtype, rtol, atol)
        same(ours.backward(dy), tx.grad, dtype, rtol, atol)
        for got, want in [(ours.grad_gamma, ref.weight.grad), (ours.grad_beta, ref.bias.grad),
                          (ours.running_mean, ref.running_mean), (ours.running_var, ref.running_var)]:
            same(got, want, dtype, rtol, atol)


def test_float64_layer_computes_float32_data_in_float32_and_keeps_its_own_dtype():
    bn = nm.BatchNorm(2)  # float64 parameters and statistics, like the chapter's
    x = data((5, 2), np.float32)
    assert bn(x).dtype == np.float32 and bn.backward(np.ones((5, 2), np.float32)).dtype == np.float32
    assert bn.running_mean.dtype == bn.grad_gamma.dtype == np.float64


# -- LayerNorm, InstanceNorm, GroupNorm --------------------------------------------------------------

LAYER_CASES = [
    ("layer_norm tokens", lambda: torch.nn.LayerNorm(8), (2, 5, 8),
     lambda x, g, b: nm.layer_norm(x, 8, g, b), lambda dy, x, g: nm.layer_norm_backward(dy, x, 8, g)),
    ("layer_norm (C, H, W)", lambda: torch.nn.LayerNorm((3, 4, 4)), (2, 3, 4, 4),
     lambda x, g, b: nm.layer_norm(x, (3, 4, 4), g, b), lambda dy, x, g: nm.layer_norm_backward(dy, x, (3, 4, 4), g)),
    ("instance_norm", lambda: torch.nn.InstanceNorm2d(3, affine=True), (2, 3, 4, 4), nm.instance_norm,
     nm.instance_norm_backward),
    ("group_norm", lambda: torch.nn.GroupNorm(2, 4), (3, 4, 5),
     lambda x, g, b: nm.group_norm(x, 2, g, b), lambda dy, x, g: nm.group_norm_backward(dy, x, 2, g)),
]


@pytest.mark.parametrize("case", DTYPES)
@pytest.mark.parametrize("name,module,shape,forward,backward", LAYER_CASES, ids=[c[0] for c in LAYER_CASES])
def test_per_sample_norms_keep_dtype_and_equal_torch(case, name, module, shape, forward, backward):
    dtype, tdtype, rtol, atol = case
    ref = module().to(tdtype)
    with torch.no_grad():
        ref.weight.copy_(tt(data(ref.weight.shape, dtype, 1, 1.0, 0.3), tdtype))
        ref.bias.copy_(tt(data(ref.bias.shape, dtype, 2), tdtype))
    gamma, beta = ref.weight.detach().numpy().copy(), ref.bias.detach().numpy().copy()
    x, dy = data(shape, dtype), data(shape, dtype, seed=3, offset=0.0, scale=1.0)
    tx = tt(x, tdtype, True)
    ty = ref(tx)
    ty.backward(tt(dy, tdtype))
    same(forward(x, gamma, beta), ty, dtype, rtol, atol)
    dx, dg, db = backward(dy, x, gamma)
    for got, want in [(dx, tx.grad), (dg, ref.weight.grad), (db, ref.bias.grad)]:
        same(got, want, dtype, rtol, atol)


def test_float16_is_kept_and_close_to_torch_float16():
    x = data((4, 16), np.float16)
    y = nm.layer_norm(x, 16)
    assert y.dtype == np.float16
    np.testing.assert_allclose(y, F.layer_norm(torch.from_numpy(x), (16,)).numpy(), rtol=1e-2, atol=1e-2)


@pytest.mark.parametrize("call", [
    lambda x: nm.batch_norm(x)[0], lambda x: nm.layer_norm(x, 3), lambda x: nm.group_norm(x, 1),
    lambda x: nm.instance_norm(x[:, :, None].repeat(2, axis=2)), lambda x: nm.l2_normalize(x),
    lambda x: nm.min_max_scale(x), lambda x: nm.standardize(x), lambda x: nm.identity_affine_params(x)[0],
    lambda x: np.asarray(nm.vector_norm(x)), lambda x: np.asarray(nm.l1_penalty(x, 0.1)),
], ids=["batch_norm", "layer_norm", "group_norm", "instance_norm", "l2_normalize", "min_max_scale", "standardize",
        "identity_affine_params", "vector_norm", "l1_penalty"])
def test_integer_data_becomes_float64(call):
    x = np.arange(12).reshape(4, 3) % 5
    assert call(x).dtype == np.float64
    np.testing.assert_allclose(call(x), call(x.astype(np.float64)), rtol=0, atol=0)


# -- feature scaling ---------------------------------------------------------------------------------

@pytest.mark.parametrize("case", DTYPES)
def test_scalers_keep_dtype_and_equal_sklearn(case):
    dtype, _, rtol, atol = case
    X = (np.random.default_rng(4).standard_normal((40, 3)) * [1, 10, 1000] + [0, -5, 300]).astype(dtype)
    want = MinMaxScaler((-1, 1)).fit_transform(X)
    assert want.dtype == dtype  # sklearn keeps float32 too
    same(nm.min_max_scale(X, (-1, 1)), want, dtype, rtol, atol)
    same(nm.standardize(X), StandardScaler().fit_transform(X), dtype, rtol, atol)


def test_bool_features_are_numbers_for_the_scalers_as_in_sklearn():
    X = np.array([[True, False], [False, False], [True, True]])
    np.testing.assert_allclose(nm.min_max_scale(X), MinMaxScaler().fit_transform(X), rtol=1e-12)
    np.testing.assert_allclose(nm.standardize(X), StandardScaler().fit_transform(X), rtol=1e-12)


def test_gd_runs_in_float32_and_reaches_the_same_step_counts():
    X, y = nm.scaling_data()
    for name, design in [("min-max", nm.min_max_scale(X)), ("standardized", nm.standardize(X))]:
        r64 = nm.gd_linear_regression(design, y)
        r32 = nm.gd_linear_regression(design.astype(np.float32), y)
        assert r32.path.dtype == r32.loss.dtype == r32.excess.dtype == r32.y.dtype == np.float32
        assert r32.n_iter == r64.n_iter and r32.cond == pytest.approx(r64.cond, rel=1e-5)
        np.testing.assert_allclose(r32.path, r64.path, rtol=1e-4, atol=1e-5)


# -- vector norms, penalties, experiments ------------------------------------------------------------

@pytest.mark.parametrize("case", DTYPES)
@pytest.mark.parametrize("ord_", [1, 2, 3.5, np.inf])
def test_vector_norm_keeps_dtype_and_equals_torch(case, ord_):
    dtype, tdtype, rtol, _ = case
    x = data((4, 5), dtype)
    got = nm.vector_norm(x, ord_)
    assert type(got) is np.dtype(dtype).type
    np.testing.assert_allclose(got, torch.linalg.vector_norm(tt(x, tdtype), ord_).item(), rtol=rtol)


@pytest.mark.parametrize("case", DTYPES)
def test_l2_normalize_and_penalties_keep_dtype(case):
    dtype, tdtype, rtol, atol = case
    x = data((3, 6), dtype)
    same(nm.l2_normalize(x, 0), F.normalize(tt(x, tdtype), dim=0), dtype, rtol, atol)
    for got, want in [(nm.l1_penalty(x, 0.1), 0.1 * np.abs(x.astype(float)).sum()),
                      (nm.l2_penalty(x, 0.1), 0.1 * (x.astype(float) ** 2).sum())]:
        assert type(got) is np.dtype(dtype).type
        np.testing.assert_allclose(got, want, rtol=rtol)


@pytest.mark.parametrize("case", DTYPES)
def test_running_mean_trajectory_and_ema_update_equal_torch_in_dtype(case):
    dtype, tdtype, rtol, atol = case
    batches = data((6, 16, 1), dtype, offset=5.0)
    ref = torch.nn.BatchNorm1d(1, momentum=0.1).to(tdtype)
    want = [0.0]
    for b in batches:
        ref(tt(b, tdtype))
        want.append(ref.running_mean.item())
    got = nm.running_mean_trajectory(batches.mean(axis=(1, 2)), 0.1)
    same(got, np.array(want), dtype, rtol, atol)
    step = nm.ema_update(np.zeros(2, dtype), np.array([5.0, 1.0]))  # the state's dtype wins
    assert step.dtype == dtype
    assert nm.ema_update(np.float32(0), np.float32(5)).dtype == np.float32
    assert isinstance(nm.ema_update(0.0, 5.0), float)


@pytest.mark.parametrize("case", DTYPES)
def test_identity_affine_params_and_statistic_sets_take_any_float_dtype(case):
    dtype, _, rtol, atol = case
    x = data((10, 3, 2), dtype)
    gamma, beta = nm.identity_affine_params(x)
    assert gamma.dtype == beta.dtype == dtype
    same(nm.batch_norm(x, gamma, beta)[0], x, dtype, 10 * rtol, 10 * atol)
    assert nm.statistic_sets(nm.instance_norm, x).max() + 1 == 30
