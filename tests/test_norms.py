"""mlnotes.norms equals torch / sklearn / numpy; the measured facts of the chapter hold."""

import numpy as np
import pytest
import torch
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from mlnotes import norms as nm

RTOL = 1e-10
ATOL = 1e-12


def _t(a, grad=False):
    return torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)


def _n(t):
    return t.detach().numpy()


# -- feature scaling ------------------------------------------------------------------------------

def test_min_max_and_standardize_equal_sklearn():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((50, 4)) * [1, 10, 1000, 0.01] + [0, -5, 300, 2]
    np.testing.assert_allclose(nm.min_max_scale(X), MinMaxScaler().fit_transform(X), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(nm.min_max_scale(X, (-1, 1)), MinMaxScaler((-1, 1)).fit_transform(X), rtol=RTOL,
                               atol=ATOL)
    np.testing.assert_allclose(nm.standardize(X), StandardScaler().fit_transform(X), rtol=RTOL, atol=ATOL)


def test_constant_column_gives_low_end_and_zero_not_nan():
    X = np.array([[1.0, 0.1, 7.0], [2.0, 0.1, 7.0], [4.0, 0.1, 7.0]])
    mm, z = nm.min_max_scale(X, (-2, 3)), nm.standardize(X)
    np.testing.assert_array_equal(mm[:, 1:], -2.0)
    np.testing.assert_array_equal(z[:, 1:], 0.0)  # exactly 0 (sklearn leaves a 1e-17 residue for 0.1)
    np.testing.assert_allclose(z, StandardScaler().fit_transform(X), atol=1e-15)
    np.testing.assert_allclose(mm, MinMaxScaler((-2, 3)).fit_transform(X), atol=1e-15)


NEAR_CONSTANT = {  # columns only rounding away from constant, as in issue 11 item 5
    np.float64: [[1.0, 1 + 1e-15, 1.0], [1e6, 1e6 + 2**-32, 1e6], [0.0, 1e-16, 2e-16], [0.1, 0.1, 0.1],
                 [0.0, 0.5, 3.0]],
    np.float32: [[1.0, 1 + 2**-23, 1.0], [1e3, 1e3 + 2**-13, 1e3 + 2**-13], [0.0, 1e-7, 2e-7], [0.1, 0.1, 0.1],
                 [0.0, 0.5, 3.0]],
}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_near_constant_columns_match_sklearn(dtype):
    """sklearn divides a near-constant column by 1 (min-max: range < 10·eps of the dtype; standardize: σ² within
    its rounding bound); we do the same (old code: [1, 1+1e-15, 1] standardized to [−0.41, 1.63, −0.41])."""
    X = np.array(NEAR_CONSTANT[dtype], dtype=dtype).T  # (3, 5)
    tol = 50 * np.finfo(dtype).eps * np.abs(X).max()  # sklearn leaves x − μ (a few ulps) where we give 0
    for ours, ref in [(nm.min_max_scale(X), MinMaxScaler().fit_transform(X)),
                      (nm.standardize(X), StandardScaler().fit_transform(X))]:
        assert ours.dtype == ref.dtype == dtype
        np.testing.assert_allclose(ours, ref, rtol=1e-5 if dtype == np.float32 else 1e-12, atol=tol)
    # min-max: ranges below 10·eps (an absolute threshold) are divided by 1, including the tiny [0, 1e-16, 2e-16];
    # the 1e6 (1e3) column's range of a few ulps is above it, so both scale it to [0, 1]
    small = [0, 2, 3]
    np.testing.assert_array_equal(nm.min_max_scale(X)[:, small], X[:, small] - X[:, small].min(axis=0))
    np.testing.assert_allclose(nm.min_max_scale(X)[:, 1], [0, 1, 0] if dtype == np.float64 else [0, 1, 1])
    if dtype == np.float64:  # standardize: σ² at rounding level of μ → exactly 0 (sklearn: a few ulps)
        np.testing.assert_array_equal(nm.standardize(X)[:, [0, 1, 3]], 0.0)
        assert np.abs(nm.standardize(X)[:, 2]).max() > 1  # [0, 1e-16, 2e-16] is not constant relative to μ


def test_scaled_columns_have_the_promised_range_and_moments():
    X = np.random.default_rng(1).uniform(-3, 900, (40, 3))
    mm, z = nm.min_max_scale(X), nm.standardize(X)
    np.testing.assert_allclose(mm.min(0), 0, atol=ATOL)
    np.testing.assert_allclose(mm.max(0), 1, rtol=RTOL)
    np.testing.assert_allclose(z.mean(0), 0, atol=1e-12)
    np.testing.assert_allclose(z.std(0), 1, rtol=RTOL)


def test_standardize_is_invariant_to_positive_affine_maps_of_a_column():
    X = np.random.default_rng(2).standard_normal((30, 2))
    Y = X * [1000.0, 0.5] + [7.0, -3.0]
    np.testing.assert_allclose(nm.standardize(Y), nm.standardize(X), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(nm.min_max_scale(Y), nm.min_max_scale(X), rtol=1e-9, atol=1e-12)


@pytest.fixture(scope="module")
def gd_runs():
    return nm.scaling_gd_runs()


def test_scaling_cuts_gd_iterations(gd_runs):
    raw, mm, st = gd_runs["raw"], gd_runs["min-max"], gd_runs["standardized"]
    assert raw.n_iter is None and raw.excess[-1] > 0.1  # 2000 steps: not even halfway
    assert mm.n_iter == 132 and st.n_iter == 3
    assert raw.predicted_iter > 10_000 * mm.n_iter  # ~2.6e7 by the closed form
    assert raw.cond > 1e6 and mm.cond < 100 and st.cond < 1.2
    for r in gd_runs.values():  # the loss never goes up with lr = 1/λ_max
        assert np.all(np.diff(r.loss) <= 1e-12 * r.loss[0])


def test_closed_form_excess_matches_measured_gd(gd_runs):
    from mlnotes.norms.scaling import _excess_closed_form

    for r in gd_runs.values():
        A = np.column_stack([np.ones(len(r.X)), r.X])
        theta_star = np.linalg.lstsq(A, r.y, rcond=None)[0]
        k = np.arange(0, 400)
        pred = _excess_closed_form(A.T @ A / len(A), np.zeros(A.shape[1]), theta_star, r.lr, k)
        np.testing.assert_allclose(r.excess[:400], pred, rtol=1e-6, atol=1e-12)
        if r.n_iter is not None:
            assert r.predicted_iter == r.n_iter


def test_scaling_changes_the_path_not_the_fitted_model():
    runs = nm.scaling_gd_runs(scale=10.0, max_iter=5000)
    assert all(r.n_iter is not None for r in runs.values())  # a milder scale: all three converge
    fits = []
    for r in runs.values():
        A = np.column_stack([np.ones(len(r.X)), r.X])
        fits.append(A @ np.linalg.lstsq(A, r.y, rcond=None)[0])
    np.testing.assert_allclose(fits[0], fits[1], rtol=1e-10)
    np.testing.assert_allclose(fits[0], fits[2], rtol=1e-10)


# -- BatchNorm ------------------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(8, 3), (5, 3, 4), (4, 3, 5, 6), (2, 3, 1, 1)])
@pytest.mark.parametrize("momentum", [0.1, 0.3, None])
def test_batchnorm_layer_equals_torch_over_steps(shape, momentum):
    rng = np.random.default_rng(3)
    c = shape[1]
    ref = {2: torch.nn.BatchNorm1d, 3: torch.nn.BatchNorm1d, 4: torch.nn.BatchNorm2d}[len(shape)](
        c, momentum=momentum).double()
    ours = nm.BatchNorm(c, momentum=momentum)
    gamma, beta = rng.uniform(0.5, 2, c), rng.standard_normal(c)
    ours.gamma, ours.beta = gamma.copy(), beta.copy()
    with torch.no_grad():
        ref.weight.copy_(_t(gamma))
        ref.bias.copy_(_t(beta))
    for step in range(5):
        x = 3.0 + 2.0 * rng.standard_normal(shape)
        xt = _t(x, grad=True)
        yt = ref(xt)
        y = ours.forward(x)
        np.testing.assert_allclose(y, _n(yt), rtol=RTOL, atol=ATOL)
        dy = rng.standard_normal(shape)
        ref.zero_grad()
        yt.backward(_t(dy))
        dx = ours.backward(dy)
        np.testing.assert_allclose(dx, _n(xt.grad), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(ours.grad_gamma, _n(ref.weight.grad), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(ours.grad_beta, _n(ref.bias.grad), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(ours.running_mean, _n(ref.running_mean), rtol=RTOL, atol=ATOL)
        np.testing.assert_allclose(ours.running_var, _n(ref.running_var), rtol=RTOL, atol=ATOL)
        assert ours.num_batches_tracked == int(ref.num_batches_tracked) == step + 1
    ours.eval(), ref.eval()
    x = rng.standard_normal(shape)
    xt = _t(x, grad=True)
    yt = ref(xt)
    np.testing.assert_allclose(ours.forward(x), _n(yt), rtol=RTOL, atol=ATOL)
    dy = rng.standard_normal(shape)
    ref.zero_grad()
    yt.backward(_t(dy))
    np.testing.assert_allclose(ours.backward(dy), _n(xt.grad), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(ours.grad_gamma, _n(ref.weight.grad), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ours.grad_beta, _n(ref.bias.grad), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ours.running_mean, _n(ref.running_mean), rtol=RTOL, atol=ATOL)  # unchanged in eval


def test_batchnorm_without_affine_or_running_stats_equals_torch():
    x = np.random.default_rng(4).standard_normal((6, 2, 3))
    ref = torch.nn.BatchNorm1d(2, affine=False, track_running_stats=False).double().eval()
    ours = nm.BatchNorm(2, affine=False, track_running_stats=False).eval()
    np.testing.assert_allclose(ours.forward(x), _n(ref(_t(x))), rtol=RTOL, atol=ATOL)  # batch stats even in eval
    assert ours.running_mean is None and ours.gamma is None


def test_functional_batch_norm_equals_torch_and_is_pure():
    rng = np.random.default_rng(5)
    x, g, b = rng.standard_normal((7, 3, 2)), rng.uniform(0.5, 2, 3), rng.standard_normal(3)
    rm, rv = rng.standard_normal(3), rng.uniform(0.5, 2, 3)
    rm0, rv0 = rm.copy(), rv.copy()
    for training in (True, False):
        trm, trv = _t(rm), _t(rv)
        yt = torch.nn.functional.batch_norm(_t(x), trm, trv, _t(g), _t(b), training, 0.2, 1e-3)
        y, nrm, nrv = nm.batch_norm(x, g, b, rm, rv, training=training, momentum=0.2, eps=1e-3)
        np.testing.assert_allclose(y, _n(yt), rtol=RTOL, atol=ATOL)
        np.testing.assert_allclose(nrm, _n(trm), rtol=RTOL, atol=ATOL)
        np.testing.assert_allclose(nrv, _n(trv), rtol=RTOL, atol=ATOL)
    np.testing.assert_array_equal(rm, rm0)
    np.testing.assert_array_equal(rv, rv0)


def test_running_var_uses_unbiased_variance_hand_worked():
    x = np.array([[1.0], [3.0]])  # mean 2, biased var 1, unbiased var 2
    y, rm, rv = nm.batch_norm(x, None, None, np.zeros(1), np.ones(1), training=True, momentum=0.1, eps=1e-5)
    np.testing.assert_allclose(y.ravel(), [-1 / np.sqrt(1 + 1e-5), 1 / np.sqrt(1 + 1e-5)], rtol=1e-14)
    np.testing.assert_allclose(rm, [0.2], rtol=1e-14)  # 0.9·0 + 0.1·2
    np.testing.assert_allclose(rv, [1.1], rtol=1e-14)  # 0.9·1 + 0.1·2 (unbiased), not 1.0


def test_batchnorm_backward_matches_gradcheck():
    rng = np.random.default_rng(6)
    x, g, dy = rng.standard_normal((4, 2, 3)), rng.uniform(0.5, 2, 2), rng.standard_normal((4, 2, 3))
    dx, dg, db = nm.batch_norm_backward(dy, x, g, eps=1e-5)
    h = 1e-6
    for idx in [(0, 0, 0), (3, 1, 2), (2, 0, 1)]:
        e = np.zeros_like(x)
        e[idx] = h
        f = lambda xx: np.sum(dy * nm.batch_norm(xx, g, np.zeros(2))[0])  # noqa: E731
        assert abs((f(x + e) - f(x - e)) / (2 * h) - dx[idx]) < 1e-7
    np.testing.assert_allclose(db, dy.sum(axis=(0, 2)), rtol=1e-14)
    assert dg.shape == (2,)
    np.testing.assert_allclose(dx.sum(axis=(0, 2)), 0, atol=1e-12)  # normalization kills shifts of a channel


def test_batchnorm_train_output_is_invariant_to_channel_shift_and_scale():
    x = np.random.default_rng(7).standard_normal((16, 3, 2))
    y = nm.batch_norm(x, eps=1e-12)[0]
    y2 = nm.batch_norm(x * np.array([5.0, 0.1, 300.0])[None, :, None] - 4.0, eps=1e-12)[0]
    np.testing.assert_allclose(y2, y, rtol=1e-7, atol=1e-9)


def test_gamma_beta_can_undo_the_normalization():
    x = 2.0 + 3.0 * np.random.default_rng(8).standard_normal((10, 4, 3, 3))
    gamma, beta = nm.identity_affine_params(x, eps=1e-5)
    np.testing.assert_allclose(nm.batch_norm(x, gamma, beta, eps=1e-5)[0], x, rtol=1e-12, atol=1e-12)


def test_eval_mode_ignores_the_rest_of_the_batch():
    bn = nm.BatchNorm(3)
    rng = np.random.default_rng(9)
    for _ in range(20):
        bn.forward(rng.standard_normal((8, 3)))
    bn.eval()
    x = rng.standard_normal((8, 3))
    alone = np.vstack([bn.forward(x[i:i + 1]) for i in range(8)])  # batch of 1 works in eval
    np.testing.assert_allclose(bn.forward(x), alone, rtol=1e-14)
    bn.train()
    assert not np.allclose(bn.forward(x)[:4], bn.forward(x[:4]))  # train mode: depends on batch-mates


# -- LayerNorm, InstanceNorm, GroupNorm -----------------------------------------------------------

def _compare_with_torch(rng, ref, shape, param_shape, forward, backward, affine=True):
    """Run ``ref`` (a torch norm layer, float64) and ours on the same x, γ, β and upstream dy;
    assert equal outputs and gradients dx, dγ, dβ (None for no affine). Returns (x, dy, g)."""
    x, dy = 1.0 + 2.0 * rng.standard_normal(shape), rng.standard_normal(shape)
    g = b = None
    if affine:
        g, b = rng.uniform(0.5, 2, param_shape), rng.standard_normal(param_shape)
        with torch.no_grad():
            ref.weight.copy_(_t(g))
            ref.bias.copy_(_t(b))
    xt = _t(x, grad=True)
    yt = ref(xt)
    yt.backward(_t(dy))
    np.testing.assert_allclose(forward(x, g, b), _n(yt), rtol=RTOL, atol=ATOL)
    dx, dg, db = backward(dy, x, g)
    np.testing.assert_allclose(dx, _n(xt.grad), rtol=1e-9, atol=1e-12)
    if affine:
        np.testing.assert_allclose(dg, _n(ref.weight.grad), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(db, _n(ref.bias.grad), rtol=1e-9, atol=1e-12)
    else:
        assert dg is None and db is None
    return x, dy, g


@pytest.mark.parametrize("shape,normalized", [((4, 6), (6,)), ((2, 5, 8), (8,)), ((2, 3, 4, 5), (3, 4, 5)),
                                              ((3, 4, 5), (4, 5)), ((7,), 7)])
@pytest.mark.parametrize("affine", [True, False])
def test_layer_norm_equals_torch(shape, normalized, affine):
    ns = (normalized,) if isinstance(normalized, int) else normalized
    ref = torch.nn.LayerNorm(ns, elementwise_affine=affine).double()
    _compare_with_torch(np.random.default_rng(10), ref, shape, ns,
                        lambda x, g, b: nm.layer_norm(x, normalized, g, b),
                        lambda dy, x, g: nm.layer_norm_backward(dy, x, normalized, g), affine)


@pytest.mark.parametrize("shape", [(2, 3, 4, 5), (1, 2, 3, 3)])
@pytest.mark.parametrize("affine", [True, False])
def test_instance_norm_equals_torch(shape, affine):
    ref = torch.nn.InstanceNorm2d(shape[1], affine=affine).double()
    _compare_with_torch(np.random.default_rng(11), ref, shape, shape[1], nm.instance_norm,
                        nm.instance_norm_backward, affine)


@pytest.mark.parametrize("shape,groups", [((2, 6, 3, 4), 1), ((2, 6, 3, 4), 2), ((2, 6, 3, 4), 3),
                                          ((2, 6, 3, 4), 6), ((3, 4), 2), ((2, 8, 5), 4)])
def test_group_norm_equals_torch(shape, groups):
    c = shape[1]
    x, dy, _ = _compare_with_torch(np.random.default_rng(12), torch.nn.GroupNorm(groups, c).double(), shape, c,
                                   lambda x, g, b: nm.group_norm(x, groups, g, b),
                                   lambda dy, x, g: nm.group_norm_backward(dy, x, groups, g))
    dx0, dg0, db0 = nm.group_norm_backward(dy, x, groups)
    assert dg0 is None and db0 is None
    np.testing.assert_allclose(dx0, nm.group_norm_backward(dy, x, groups, np.ones(c))[0], rtol=1e-14)


def test_group_norm_one_group_is_layer_norm_over_chw():
    rng = np.random.default_rng(13)
    x, g, b = rng.standard_normal((3, 6, 4, 5)), rng.uniform(0.5, 2, 6), rng.standard_normal(6)
    dy = rng.standard_normal(x.shape)
    g_full, b_full = np.broadcast_to(g[:, None, None], (6, 4, 5)), np.broadcast_to(b[:, None, None], (6, 4, 5))
    np.testing.assert_allclose(nm.group_norm(x, 1, g, b), nm.layer_norm(x, (6, 4, 5), g_full, b_full),
                               rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(nm.group_norm_backward(dy, x, 1, g)[0],
                               nm.layer_norm_backward(dy, x, (6, 4, 5), g_full)[0], rtol=1e-12, atol=1e-13)


def test_group_norm_c_groups_is_instance_norm():
    rng = np.random.default_rng(14)
    x, g, b = rng.standard_normal((3, 6, 4, 5)), rng.uniform(0.5, 2, 6), rng.standard_normal(6)
    dy = rng.standard_normal(x.shape)
    np.testing.assert_allclose(nm.group_norm(x, 6, g, b), nm.instance_norm(x, g, b), rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(nm.group_norm_backward(dy, x, 6, g)[0], nm.instance_norm_backward(dy, x, g)[0],
                               rtol=1e-12, atol=1e-13)


def test_layer_norm_is_per_token_and_batch_independent():
    x = np.random.default_rng(15).standard_normal((5, 7, 8))
    full = nm.layer_norm(x, 8)
    np.testing.assert_array_equal(full[2:3, 4:5], nm.layer_norm(x[2:3, 4:5], 8))
    np.testing.assert_allclose(full.mean(-1), 0, atol=1e-14)
    np.testing.assert_allclose(full.var(-1), 1 / (1 + 1e-5 / x.var(-1)), rtol=1e-12)


@pytest.mark.parametrize("shape,norm,expected", [
    ((2, 6, 3, 3), lambda x: nm.batch_norm(x), 6),  # C
    ((2, 6, 3, 3), lambda x: nm.layer_norm(x, (6, 3, 3)), 2),  # N
    ((2, 5, 8), lambda x: nm.layer_norm(x, 8), 10),  # tokens (N, T, d): N·T, one per token
    ((2, 6, 3, 3), nm.instance_norm, 12),  # N·C
    ((2, 6, 3, 3), lambda x: nm.group_norm(x, 3), 6),  # N·G
    ((3, 4), lambda x: nm.layer_norm(x, 4), 3),
], ids=["BatchNorm C", "LayerNorm image N", "LayerNorm tokens N·T", "InstanceNorm N·C", "GroupNorm N·G", "LN rows"])
def test_statistic_sets_count_the_mean_variance_pairs(shape, norm, expected):
    x = np.random.default_rng(20).standard_normal(shape)
    labels = nm.statistic_sets(norm, x)
    assert labels.shape == x.shape and labels.max() + 1 == expected
    sizes = np.bincount(labels.ravel())
    assert np.all(sizes == x.size // expected)  # equal sets
    mixes = any(set(labels[0].ravel()) & set(labels[i].ravel()) for i in range(1, shape[0]))
    assert mixes == (expected == shape[1] and norm.__code__.co_names[-1:] == ("batch_norm",))  # only BN mixes


def test_statistic_sets_finds_two_value_sets_and_singletons():
    x = np.random.default_rng(21).standard_normal((3, 4, 2))  # InstanceNorm: sets of 2 values (outputs ±1)
    assert nm.statistic_sets(nm.instance_norm, x).max() + 1 == 12
    assert nm.statistic_sets(lambda v: nm.layer_norm(v, 1), x[..., :1]).max() + 1 == 12  # d = 1: y = β, alone


def test_cube_figure_counts_agree_with_statistic_sets():
    from mlnotes.figures import norms as fig

    x = np.random.default_rng(22).standard_normal((fig.CUBE_N, fig.CUBE_C, fig.CUBE_HW))
    for method, norm in [("BatchNorm", lambda v: nm.batch_norm(v)),
                         ("LayerNorm", lambda v: nm.layer_norm(v, v.shape[1:])),
                         ("InstanceNorm", nm.instance_norm), ("GroupNorm", lambda v: nm.group_norm(v, 3))]:
        count = nm.statistic_sets(norm, x).max() + 1
        assert fig._stats_text(method, 3).startswith(f"{count} means"), method


# -- erratum 11, small batches, padding -----------------------------------------------------------

def test_erratum_11_first_steps_hand_worked():
    torch_conv = nm.running_mean_trajectory([5.0] * 3, 0.1)
    notes_conv = nm.running_mean_trajectory([5.0] * 3, 0.1, notes=True)
    np.testing.assert_allclose(torch_conv, [0, 0.5, 0.95, 1.355], rtol=1e-14)
    np.testing.assert_allclose(notes_conv, [0, 4.5, 4.95, 4.995], rtol=1e-14)
    k = np.arange(30)
    np.testing.assert_allclose(nm.running_mean_trajectory([5.0] * 29, 0.1), 5 * (1 - 0.9**k), rtol=1e-12)
    np.testing.assert_allclose(nm.running_mean_trajectory([5.0] * 29, 0.1, notes=True), 5 * (1 - 0.1**k),
                               rtol=1e-12)


def test_erratum_11_torch_batchnorm_follows_torch_convention_not_the_notes():
    rng = np.random.default_rng(17)
    ref = torch.nn.BatchNorm1d(1, momentum=0.1).double()
    batches = [rng.normal(5, 1, (8, 1)) for _ in range(6)]
    means = [b.mean() for b in batches]
    for b in batches:
        ref(_t(b))
    torch_rm = float(ref.running_mean[0])
    assert torch_rm == pytest.approx(nm.running_mean_trajectory(means, 0.1)[-1], rel=1e-12)
    assert torch_rm != pytest.approx(nm.running_mean_trajectory(means, 0.1, notes=True)[-1], rel=1e-2)
    # the notes' p = 0.1 is torch's momentum = 0.9
    assert nm.running_mean_trajectory(means, 0.9)[-1] == pytest.approx(
        nm.running_mean_trajectory(means, 0.1, notes=True)[-1], rel=1e-12)


def test_erratum_11_notes_running_mean_is_four_times_noisier():
    torch_noise, notes_noise = nm.ema_noise(0.1), nm.ema_noise(0.1, notes=True)
    for r in (torch_noise, notes_noise):
        assert r["measured"] == pytest.approx(r["theory"], rel=0.08)
    assert 3.5 < notes_noise["measured"] / torch_noise["measured"] < 4.5  # theory √(0.9/1.1)/√(0.1/1.9) = 3.94
    # the module docstring's numbers: 0.23·s for torch, 0.90·s for the notes
    assert (f"{np.sqrt(0.1 / 1.9):.2f}", f"{np.sqrt(0.9 / 1.1):.2f}") == ("0.23", "0.90")
    assert "$0.23\\,s$ for torch, $0.90\\,s$ for the notes" in nm.experiments.__doc__


def test_ema_update_on_arrays_and_scalars():
    np.testing.assert_allclose(nm.ema_update(np.zeros(2), np.array([5.0, 1.0])), [0.5, 0.1], rtol=1e-14)
    assert nm.ema_update(0.0, 5.0, notes=True) == pytest.approx(4.5)


def test_batch_stat_error_shrinks_like_one_over_sqrt_b():
    e = nm.batch_stat_error()
    np.testing.assert_allclose(e["mean_err"], e["mean_err_theory"], rtol=0.05)
    assert e["var_err"][0] == 1.0  # one value: biased variance 0, error 100 %
    assert np.all(np.diff(e["mean_err"]) < 0) and np.all(np.diff(e["var_err"]) < 0)
    assert e["var_err"][1] > 0.7 and e["var_err"][-1] < 0.1


def test_bn_train_eval_gap_shrinks_with_batch_size():
    gap = nm.bn_train_eval_gap((2, 8, 64, 256), n_trials=50)
    assert np.all(np.diff(gap) < 0)
    assert gap[0] > 0.5 and gap[-1] < 0.08


def test_padding_moves_batchnorm_outputs_but_not_layernorm():
    r = nm.padding_pollution()
    assert r["layernorm"] == 0.0
    assert r["batchnorm"] > 0.5 and r["batchnorm_masked"] > 0.1
    assert r["pad_fraction"][1] > 0.4


# -- vector norms and penalties -------------------------------------------------------------------

@pytest.mark.parametrize("ord_", [1, 2, np.inf, 3, 1.5])
def test_vector_norm_equals_numpy_and_torch(ord_):
    rng = np.random.default_rng(18)
    v, m = rng.standard_normal(17), rng.standard_normal((4, 5))
    assert nm.vector_norm(v, ord_) == pytest.approx(np.linalg.norm(v, ord=ord_), rel=1e-13)
    assert nm.vector_norm(m, ord_) == pytest.approx(float(torch.linalg.vector_norm(_t(m), ord_)), rel=1e-13)
    assert nm.vector_norm(m, ord_) == pytest.approx(np.linalg.norm(m.ravel(), ord=ord_), rel=1e-13)


def test_vector_norm_hand_worked_and_matrix_norm_trap():
    v = np.array([3.0, -4.0])
    assert (nm.vector_norm(v, 1), nm.vector_norm(v, 2), nm.vector_norm(v, np.inf)) == (7.0, 5.0, 4.0)
    m = np.array([[1.0, -2.0], [3.0, 4.0]])
    assert nm.vector_norm(m, 1) == 10.0 and np.linalg.norm(m, ord=1) == 6.0  # numpy: max column sum
    assert nm.vector_norm(np.array([1e300, 1e300]), 2) == pytest.approx(np.sqrt(2) * 1e300)  # no overflow
    assert nm.vector_norm(np.zeros(3), 2) == 0.0 and nm.vector_norm(np.zeros(0), 1) == 0.0


def test_l2_normalize_equals_torch():
    x = np.random.default_rng(19).standard_normal((3, 5))
    x[1] = 0.0
    for axis in (0, 1, -1):
        ref = torch.nn.functional.normalize(_t(x), dim=axis)
        np.testing.assert_allclose(nm.l2_normalize(x, axis), _n(ref), rtol=1e-14, atol=1e-15)


def test_penalties_hand_worked():
    w = np.array([[1.0, -2.0], [0.5, 0.0]])
    assert nm.l1_penalty(w, 0.1) == pytest.approx(0.35)
    assert nm.l2_penalty(w, 0.1) == pytest.approx(0.525)  # λ‖w‖², squared
    assert nm.l2_penalty(w, 0.1) == pytest.approx(0.1 * nm.vector_norm(w, 2) ** 2)


# -- figures --------------------------------------------------------------------------------------

def _frames(draw, grid, ncols=1):
    """Draw every frame of a grid on one figure; return (xlim, ylim) of every axes per frame and the texts."""
    import itertools

    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    axes = Figure().subplots(1, ncols, squeeze=True)
    limits, texts = [], []
    for values in itertools.product(*grid.values()):
        for ax in np.atleast_1d(axes):
            ax.clear()
        draw(axes, **dict(zip(grid, values)))
        limits.append([(ax.get_xlim(), ax.get_ylim()) for ax in np.atleast_1d(axes)])
        texts += [t.get_text() for ax in np.atleast_1d(axes) for t in ax.texts + [ax.title]]
    return limits, texts


@pytest.mark.parametrize("draw,grid,ncols", [
    ("draw_norm_axes", dict(method=["BatchNorm", "LayerNorm", "InstanceNorm", "GroupNorm"], groups=[1, 2, 3, 6]), 1),
    ("draw_norm_axes_all", dict(groups=[1, 6]), 4),
    ("draw_batch_stat_error", dict(batch_size=list(nm.BATCH_SIZES)), 1),
    ("draw_bn_momentum", dict(momentum=[0.01, 0.1, 0.5, 0.9], notes=[False, True]), 1),
    ("draw_scaling_gd", dict(scaling=["raw", "min-max", "standardized"]), 2),
])
def test_figures_draw_every_frame_with_fixed_limits_and_english_text(draw, grid, ncols):
    from mlnotes.figures import norms as fig

    limits, texts = _frames(getattr(fig, draw), grid, ncols)
    if draw != "draw_scaling_gd":  # the contour panel zooms on each design's own optimum
        assert all(lim == limits[0] for lim in limits)
    assert not any("\u4e00" <= ch <= "\u9fff" for t in texts for ch in t)


def test_cube_figure_states_the_statistics_count():
    _, texts = _frames(__import__("mlnotes.figures.norms", fromlist=["x"]).draw_norm_axes,
                       dict(method=["GroupNorm"], groups=[3]))
    assert any("12 means, one per (sample, group)" in t for t in texts)


# -- the chapter's text (issue 11, item 6) --------------------------------------------------------

def _chapter(name: str) -> str:
    from pathlib import Path

    return (Path(__file__).resolve().parent.parent / "chapters" / f"{name}.md").read_text(encoding="utf-8")


def test_chapter_sends_readers_to_the_transformer_chapter_only_once_it_covers_pre_ln():
    """The old text said pre-LN vs post-LN "belongs to the Transformer chapter", which was a stub."""
    text, transformer = _chapter("normalization"), _chapter("transformer")
    if "Transformer chapter" in text or "ch-transformer" in text:
        assert "pre-LN" in transformer and "post-LN" in transformer
    assert "Xiong et al. (2020)" in text  # the reason for pre-LN is cited instead


def test_chapter_table_counts_layernorm_statistics_per_token():
    """The LayerNorm row said N (μ, σ²) pairs; for token inputs (N, T, d) there are N·T (statistic_sets agrees)."""
    row = next(line for line in _chapter("normalization").splitlines() if line.startswith("| **LayerNorm"))
    assert "N\\cdot T" in row
    assert nm.statistic_sets(lambda v: nm.layer_norm(v, 8), np.random.default_rng(23).normal(size=(2, 5, 8))).max() == 9
