"""mlnotes.regularization against scikit-learn, scipy and torch: soft-threshold, lasso / elastic net by coordinate
descent and their paths, ridge paths, priors as MAP, dropout, the digits network's gradients, bias–variance, weight
decay; hand-worked cases; dtype preservation."""

import numpy as np
import pytest
import torch
from sklearn import linear_model

from mlnotes.regularization import (alpha_max, dropout, dropout_backward, dropout_mask, dropout_original, lasso,
                                    lasso_path, ridge_path, soft_threshold)
from mlnotes.regularization import bias_variance as bv
from mlnotes.regularization import experiments as ex
from mlnotes.regularization import l1, mlp, priors, weight_decay
from mlnotes.regularization.ridge import shrinkage_factors


def data(n=50, d=6, seed=0, corr=0.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    X[:, 1] = corr * X[:, 0] + np.sqrt(1 - corr**2) * X[:, 1]
    y = X @ np.array([3.0, -2.0, 0.0, 0.0, 1.0, 0.0][:d]) + 0.5 * rng.standard_normal(n)
    return X, y


# -- soft-threshold, lasso, elastic net -----------------------------------------------------------------
def test_soft_threshold_hand_cases_and_torch_softshrink():
    z = np.array([-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0])
    np.testing.assert_array_equal(soft_threshold(z, 1.0), [-2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.0])
    np.testing.assert_allclose(soft_threshold(z, 0.7), torch.nn.functional.softshrink(torch.tensor(z), 0.7).numpy())
    assert soft_threshold(z.astype(np.float32), 0.5).dtype == np.float32


@pytest.mark.parametrize("alpha", [0.01, 0.1, 0.5, 2.0])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_lasso_equals_sklearn(alpha, fit_intercept):
    X, y = data(seed=1, corr=0.7)
    y = y + 4.0
    ours = lasso(X, y, alpha, fit_intercept=fit_intercept, tol=1e-12)
    sk = linear_model.Lasso(alpha=alpha, fit_intercept=fit_intercept, tol=1e-14, max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(ours.coef, sk.coef_, rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(ours.intercept, sk.intercept_, rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(ours.coef == 0, sk.coef_ == 0)


@pytest.mark.parametrize("l1_ratio", [0.1, 0.5, 0.9])
def test_elastic_net_equals_sklearn(l1_ratio):
    X, y = data(seed=2, corr=0.9)
    ours = lasso(X, y, 0.3, l1_ratio=l1_ratio, tol=1e-12)
    sk = linear_model.ElasticNet(alpha=0.3, l1_ratio=l1_ratio, tol=1e-14, max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(ours.coef, sk.coef_, rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(ours.intercept, sk.intercept_, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_paths_equal_sklearn(l1_ratio):
    X, y, _ = ex.diabetes()
    alphas, ours = lasso_path(X, y, n_alphas=40, l1_ratio=l1_ratio, tol=1e-12)
    _, theirs, _ = linear_model.enet_path(X, y, l1_ratio=l1_ratio, alphas=alphas, tol=1e-14, max_iter=100_000)
    np.testing.assert_allclose(ours, theirs, rtol=1e-7, atol=1e-7)
    assert np.all(np.diff(alphas) < 0) and np.isclose(alphas[0], alpha_max(X, y, l1_ratio))


def test_alpha_max_is_where_the_first_weight_enters():
    X, y = data(seed=3)
    X, y = X - X.mean(0), y - y.mean()
    top = alpha_max(X, y)
    assert np.all(lasso(X, y, top, fit_intercept=False).coef == 0)
    assert np.sum(lasso(X, y, 0.99 * top, fit_intercept=False).coef != 0) == 1


def test_lasso_at_zero_alpha_is_least_squares_and_zero_column_stays_zero():
    X, y = data(seed=4)
    np.testing.assert_allclose(lasso(X, y, 0.0, tol=1e-14).coef, linear_model.LinearRegression().fit(X, y).coef_,
                               rtol=1e-8)
    X[:, 3] = 0.0
    assert lasso(X, y, 0.1).coef[3] == 0.0


def test_one_coordinate_step_is_the_soft_threshold_hand_case():
    X = np.array([[1.0], [1.0]])  # n = 2, ‖x‖² = 2
    y = np.array([3.0, 1.0])  # xᵀy = 4
    w = np.zeros(1)
    l1.coordinate_descent(X.T @ X, X.T @ y, w, l1=2 * 0.5, l2=0.0, tol=0.0, max_iter=1)  # n·α = 1
    np.testing.assert_allclose(w, [(4 - 1) / 2])


def test_ista_reaches_the_lasso_with_exact_zeros_and_subgradient_does_not():
    X, y, _ = ex.diabetes()
    exact = lasso(X, y, 5.0, fit_intercept=False, tol=1e-12).coef
    ista = l1.lasso_ista(X, y, 5.0, n_iter=600)
    sub = l1.lasso_subgradient(X, y, 5.0, n_iter=300)
    zero = exact == 0
    np.testing.assert_allclose(ista[-1], exact, atol=1e-8)
    assert np.all(ista[-1, zero] == 0) and np.all(sub[-1, zero] != 0) and zero.sum() >= 3


def test_logistic_l1_equals_sklearn_and_vanishes_below_the_threshold():
    from sklearn.linear_model import LogisticRegression

    from mlnotes.linear.experiments import breast_cancer

    X, y = breast_cancer()
    C0 = 1 / np.max(np.abs(X.T @ (y - y.mean())))
    w, b = l1.logistic_l1(X, y, 1.5 * C0)
    sk = LogisticRegression(C=1.5 * C0, l1_ratio=1.0, solver="saga", tol=1e-10, max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(w, sk.coef_[0], atol=1e-6)
    np.testing.assert_allclose(b, sk.intercept_[0], atol=1e-6)
    w0, b0 = l1.logistic_l1(X, y, 0.99 * C0)
    assert np.all(w0 == 0) and np.isclose(b0, np.log(y.mean() / (1 - y.mean())), rtol=1e-9)
    assert np.any(l1.logistic_l1(X, y, 1.01 * C0)[0] != 0)


# -- ridge paths, priors -------------------------------------------------------------------------
def test_ridge_path_equals_sklearn_and_shrinkage_factors():
    X, y = data(seed=5, corr=0.95)
    alphas = np.logspace(-3, 4, 8)
    coefs, intercepts = ridge_path(X, y + 2.0, alphas)
    for k, a in enumerate(alphas):
        sk = linear_model.Ridge(alpha=a).fit(X, y + 2.0)
        np.testing.assert_allclose(coefs[:, k], sk.coef_, rtol=1e-10, atol=1e-13)
        np.testing.assert_allclose(intercepts[k], sk.intercept_, rtol=1e-12)
    f = shrinkage_factors(X, 10.0)
    assert np.all(np.diff(f) <= 0) and np.all((f > 0) & (f < 1))  # the weakest direction is shrunk most


def test_map_equivalences():
    X, y = data(seed=6)
    sigma, tau, b = 0.5, 0.4, 0.1
    sk_ridge = linear_model.Ridge(alpha=(sigma / tau) ** 2, fit_intercept=False).fit(X, y).coef_
    np.testing.assert_allclose(priors.map_gaussian(X, y, sigma, tau), sk_ridge, rtol=1e-12)
    w_lasso = lasso(X, y, sigma**2 / (len(y) * b), fit_intercept=False, tol=1e-12).coef
    np.testing.assert_allclose(priors.map_laplace(X, y, sigma, b), w_lasso, atol=1e-7)


def test_priors_integrate_to_one_and_1d_map_closed_forms():
    grid = np.linspace(-40, 40, 400_001)
    for prior, scale in (("Gaussian", 0.7), ("Laplace", 0.4)):
        np.testing.assert_allclose(np.trapezoid(np.exp(priors.log_prior(grid, prior, scale)), grid), 1.0, rtol=1e-6)
    assert priors.map_1d(0.2, 10, 1.0, "Laplace", 0.5) == 0.0  # |x̄| ≤ σ²/(n b) = 0.2
    np.testing.assert_allclose(priors.map_1d(0.5, 10, 1.0, "Laplace", 0.5), 0.3)
    np.testing.assert_allclose(priors.map_1d(0.5, 10, 1.0, "Gaussian", 0.5), 0.5 * 2.5 / 3.5)


# -- dropout -------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
@pytest.mark.parametrize("p", [0.1, 0.5, 0.75])
def test_dropout_is_bitwise_torch_under_its_mask_and_backward_is_autograd(dtype, p):
    torch.manual_seed(1)
    x = torch.randn(40, 30, dtype=dtype) + 2.0
    x.requires_grad_(True)
    y = torch.nn.functional.dropout(x, p, training=True)
    g = torch.randn(40, 30, dtype=dtype)
    y.backward(g)
    mask = (y != 0).numpy()
    ours, keep = dropout(x.detach().numpy(), p, mask=mask)
    assert ours.dtype == x.detach().numpy().dtype and keep is not None
    np.testing.assert_array_equal(ours, y.detach().numpy())
    np.testing.assert_array_equal(dropout_backward(g.numpy(), mask, p), x.grad.numpy())


def test_dropout_edges_eval_p0_p1():
    x = np.random.default_rng(2).standard_normal((5, 4))
    for p in (0.0, 0.3, 1.0):
        np.testing.assert_array_equal(dropout(x, p, training=False)[0], x)
    np.testing.assert_array_equal(dropout(x, 0.0, rng=np.random.default_rng(0))[0], x)
    np.testing.assert_array_equal(dropout(x, 1.0, rng=np.random.default_rng(0))[0], np.zeros_like(x))
    np.testing.assert_array_equal(torch.nn.functional.dropout(torch.tensor(x), 1.0, True).numpy(), np.zeros_like(x))
    np.testing.assert_array_equal(dropout_backward(x, np.zeros(x.shape, bool), 1.0), np.zeros_like(x))


def test_dropout_expectation_and_keep_rate():
    x = np.random.default_rng(3).standard_normal(200)
    rng = np.random.default_rng(4)
    samples = np.array([dropout(x, 0.3, rng=rng)[0] for _ in range(20_000)])
    np.testing.assert_allclose(samples.mean(axis=0), x, atol=6 * np.abs(x).max() * np.sqrt(0.3 / 0.7 / 20_000))
    assert abs(dropout_mask((1000, 100), 0.3, np.random.default_rng(5)).mean() - 0.7) < 0.005


def test_original_dropout_matches_inverted_in_expectation():
    x = np.random.default_rng(6).standard_normal((8, 8))
    keep = np.random.default_rng(7).random(x.shape) >= 0.4
    np.testing.assert_allclose(dropout(x, 0.4, mask=keep)[0] * 0.6, dropout_original(x, 0.4, mask=keep)[0])
    np.testing.assert_allclose(dropout_original(x, 0.4, training=False)[0], 0.6 * x)


# -- the digits network ---------------------------------------------------------------------------
@pytest.mark.parametrize("p", [0.0, 0.5])
def test_mlp_gradients_equal_autograd(p):
    rng = np.random.default_rng(8)
    X, y = rng.standard_normal((7, 5)), rng.integers(0, 3, 7)
    params = mlp.init_params(5, 4, 3, rng)
    keep = rng.random((7, 4)) >= p if p > 0 else None
    logits, cache = mlp.forward(params, X, p=p, keep=keep)
    loss, grad_logits = mlp.cross_entropy(logits, y)
    grads = mlp.backward(params, cache, grad_logits)
    tp = [torch.tensor(a, requires_grad=True) for a in params]
    h = torch.relu(torch.tensor(X) @ tp[0] + tp[1])
    if keep is not None:
        h = h * torch.tensor(keep / (1 - p))
    ref = torch.nn.functional.cross_entropy(h @ tp[2] + tp[3], torch.tensor(y))
    ref.backward()
    np.testing.assert_allclose(loss, ref.item(), rtol=1e-12)
    for ours, t in zip(grads, tp):
        np.testing.assert_allclose(ours, t.grad.numpy(), rtol=1e-10, atol=1e-14)


def test_early_stopping_hand_cases():
    assert mlp.early_stopping([5, 4, 3, 3.5, 3.6, 3.7], patience=2) == (4, 2)
    assert mlp.early_stopping([5, 4, 3, 2], patience=2) == (3, 3)
    assert mlp.early_stopping([1.0], patience=3) == (0, 0)


def test_shift_images_hand_case_and_augment_shapes():
    img = np.zeros((1, 64))
    img[0, 0] = 1.0  # top-left pixel
    assert mlp.shift_images(img, 1, 0).reshape(8, 8)[0, 1] == 1.0
    assert mlp.shift_images(img, 0, 1).reshape(8, 8)[1, 0] == 1.0
    assert mlp.shift_images(img, -1, 0).sum() == 0.0  # shifted off the edge
    X, y = mlp.augment(np.ones((3, 64)), np.arange(3))
    assert X.shape == (15, 64) and y.tolist() == [0, 1, 2] * 5


def test_training_runs_show_overfitting_and_dropout_ensemble():
    _, h = ex.training_run(0.0)
    assert h["train_loss"][-1] < 0.01 and h["val_loss"][-1] > 1.03 * h["val_loss"].min()
    mc = ex.mc_vs_eval()
    assert mc["agree"] > 0.97
    geo, eval_mode, arith = ex.nwgm_linear_softmax()
    np.testing.assert_allclose(geo, eval_mode, rtol=1e-12)
    assert np.max(np.abs(arith - eval_mode)) > 0.01


# -- bias–variance, weight decay, intercept, duplicates ----------------------------------------------
def test_bias_variance_exact_terms_match_monte_carlo():
    r = bv.bias_variance(3, 0.3, 15, resamples=4000)
    mean_fit = r.fits.mean(axis=0)
    np.testing.assert_allclose(np.mean((mean_fit - bv.truth(bv.GRID)) ** 2), r.bias2 + r.variance / 4000, rtol=0.1,
                               atol=1e-4)
    np.testing.assert_allclose(np.mean(r.fits.var(axis=0)), r.variance, rtol=0.05)
    assert abs(r.test_mse - (r.bias2 + r.variance + r.noise)) < 4 * r.test_mse_se
    assert bv.bias_variance(3, 0.0, 15).variance == 0.0
    deg0 = bv.bias_variance(0, 0.3, 11)
    np.testing.assert_allclose(deg0.bias2, np.mean((bv.truth(bv.design(11)).mean() - bv.truth(bv.GRID)) ** 2))


def test_weight_decay_equals_l2_for_sgd_and_adam_not_adamw_and_matches_torch():
    for name in ("SGD", "Adam"):
        np.testing.assert_allclose(weight_decay.final_weights(name, 0.1, True),
                                   weight_decay.final_weights(name, 0.1, False), rtol=1e-12)
    assert np.max(np.abs(weight_decay.final_weights("AdamW", 0.1, False) -
                         weight_decay.final_weights("Adam", 0.1, True))) > 0.01
    X, y = (torch.tensor(a) for a in weight_decay.problem())
    for name in weight_decay.OPTIMIZERS:
        w = torch.zeros(2, dtype=torch.float64, requires_grad=True)
        opt = getattr(torch.optim, name)([w], lr=0.01, weight_decay=0.1)
        for _ in range(300):
            opt.zero_grad()
            (0.5 * torch.mean((X @ w - y) ** 2)).backward()
            opt.step()
        np.testing.assert_allclose(weight_decay.final_weights(name, 0.1, False), w.detach().numpy(), rtol=1e-10)


def test_penalised_intercept_and_duplicated_feature():
    base, shifted = ex.penalised_intercept(0.0), ex.penalised_intercept(500.0)
    np.testing.assert_allclose(shifted["usual_coef"], base["usual_coef"], rtol=1e-10)
    np.testing.assert_allclose(shifted["usual_intercept"], 500.0, rtol=1e-12)
    assert shifted["penalised_mse"] > 1.5 * base["penalised_mse"]
    lasso_pair, enet_pair, ridge_pair = ex.duplicated_feature()
    assert min(lasso_pair) < 0.01 * max(lasso_pair) and np.isclose(enet_pair[0], enet_pair[1])
    np.testing.assert_allclose(ridge_pair[0], ridge_pair[1], rtol=1e-10)


def test_float32_is_kept():
    X, y = data(seed=9)
    X32, y32 = X.astype(np.float32), y.astype(np.float32)
    fit = lasso(X32, y32, 0.1)
    assert fit.coef.dtype == np.float32
    np.testing.assert_allclose(fit.coef, lasso(X, y, 0.1).coef, rtol=1e-4, atol=1e-5)
    assert lasso_path(X32, y32, n_alphas=5)[1].dtype == np.float32
    assert ridge_path(X32, y32, [1.0])[0].dtype == np.float32
    assert dropout(X32, 0.5, rng=np.random.default_rng(0))[0].dtype == np.float32
