"""mlnotes.linear against scikit-learn, scipy and torch: least squares, ridge, GD, logistic and softmax regression,
naive Bayes, calibration, the single neuron; hand-worked cases; dtype preservation."""

import numpy as np
import pytest
import torch
from scipy.special import expit
from scipy.special import softmax as sp_softmax
from sklearn import linear_model, naive_bayes
from sklearn.calibration import calibration_curve
from sklearn.datasets import load_digits, load_iris, load_wine
from sklearn.metrics import brier_score_loss
from sklearn.metrics import log_loss as sk_log_loss

from mlnotes.linear import (GaussianNB, GDConfig, MultinomialNB, fit_linear_gd, fit_logistic_gd, fit_logistic_newton,
                            fit_softmax_newton, least_squares, log_loss, neuron_backward, neuron_forward, ridge,
                            sigmoid, softmax, train_neuron, train_neuron_torch)
from mlnotes.linear import experiments as ex
from mlnotes.linear.calibration import brier_score, expected_calibration_error, reliability_curve
from mlnotes.linear.logistic import objective_grad_hess
from mlnotes.linear.multinomial import softmax_objective_grad_hess


def regression_data(n=60, d=4, seed=0, offset=3.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)) + offset
    return X, X @ rng.standard_normal(d) + 5.0 + 0.3 * rng.standard_normal(n)


def binary_data(n=120, d=3, seed=0, shift=0.8):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    return rng.standard_normal((n, d)) + shift * (2 * y[:, None] - 1), y


# -- least squares and ridge ------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["lstsq", "qr", "solve"])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_least_squares_equals_sklearn(method, fit_intercept):
    X, y = regression_data()
    ours = least_squares(X, y, fit_intercept=fit_intercept, method=method)
    sk = linear_model.LinearRegression(fit_intercept=fit_intercept).fit(X, y)
    np.testing.assert_allclose(ours.coef, sk.coef_, rtol=1e-10)
    np.testing.assert_allclose(ours.intercept, sk.intercept_, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.predict(X), sk.predict(X), rtol=1e-12)


@pytest.mark.parametrize("alpha", [0.0, 1e-3, 1.0, 30.0, 1e4])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_ridge_equals_sklearn(alpha, fit_intercept):
    X, y = regression_data(seed=1)
    ours = ridge(X, y, alpha, fit_intercept=fit_intercept)
    sk = (linear_model.Ridge(alpha=alpha, fit_intercept=fit_intercept) if alpha > 0 else
          linear_model.LinearRegression(fit_intercept=fit_intercept)).fit(X, y)
    np.testing.assert_allclose(ours.coef, sk.coef_, rtol=1e-9)
    np.testing.assert_allclose(ours.intercept, sk.intercept_, rtol=1e-10, atol=1e-12)


def test_ridge_shrinks_monotonically_to_zero_and_keeps_the_mean():
    X, y = regression_data(seed=2)
    norms = [np.linalg.norm(ridge(X, y, a).coef) for a in (0.0, 1.0, 10.0, 100.0, 1e8)]
    assert all(a > b for a, b in zip(norms, norms[1:])) and norms[-1] < 1e-5
    np.testing.assert_allclose(ridge(X, y, 1e12).intercept, y.mean(), rtol=1e-6)


def test_exact_fit_hand_case():
    X = np.array([[0.0], [1.0], [2.0]])
    fit = least_squares(X, np.array([1.0, 3.0, 5.0]))  # y = 1 + 2x
    np.testing.assert_allclose([fit.coef[0], fit.intercept], [2.0, 1.0], atol=1e-14)


def test_rank_deficient_lstsq_gives_the_minimum_norm_solution_and_solve_raises():
    X = np.array([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])
    y = np.array([2.0, 4.0, 6.0])
    fit = least_squares(X, y, fit_intercept=False)
    np.testing.assert_allclose(fit.coef, [1.0, 1.0], rtol=1e-12)
    with pytest.raises(np.linalg.LinAlgError):
        least_squares(X, y, fit_intercept=False, method="solve")


def test_gd_converges_to_the_closed_form_and_sgd_with_full_batch_is_gd():
    X, y = regression_data(seed=3, offset=0.0)
    best = least_squares(X, y)
    fit, losses = fit_linear_gd(X, y, GDConfig(lr=0.1, n_epochs=2000))
    np.testing.assert_allclose(fit.coef, best.coef, rtol=1e-8)
    np.testing.assert_allclose(fit.intercept, best.intercept, rtol=1e-8)
    assert np.all(np.diff(losses) <= 1e-12) and losses.shape == (2001,)
    full, _ = fit_linear_gd(X, y, GDConfig(lr=0.1, n_epochs=20, batch_size=len(y), seed=5))
    gd, _ = fit_linear_gd(X, y, GDConfig(lr=0.1, n_epochs=20))
    np.testing.assert_array_equal(full.coef, gd.coef)


def test_sgd_is_seeded_and_gets_near_the_optimum():
    X, y = regression_data(seed=4, offset=0.0)
    a, la = fit_linear_gd(X, y, GDConfig(lr=0.01, n_epochs=30, batch_size=1, seed=7))
    b, lb = fit_linear_gd(X, y, GDConfig(lr=0.01, n_epochs=30, batch_size=1, seed=7))
    np.testing.assert_array_equal(a.coef, b.coef)
    best = np.mean((least_squares(X, y).predict(X) - y) ** 2)
    assert la[-1] < 1.2 * best


def test_gd_step_gradient_matches_autograd():
    X, y = regression_data(n=10, d=3, seed=5)
    w, b = np.array([0.1, -0.2, 0.3]), 0.4
    wt = torch.tensor(w, requires_grad=True)
    bt = torch.tensor(b, dtype=torch.float64, requires_grad=True)
    loss = torch.mean((torch.tensor(X) @ wt + bt - torch.tensor(y)) ** 2)
    loss.backward()
    from mlnotes.linear.regression import _gd_step
    w1, b1 = _gd_step(X, y, w, b, 1.0, True)
    np.testing.assert_allclose(w - w1, wt.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(b - b1, bt.grad.item(), rtol=1e-12)


# -- sigmoid, log loss, logistic regression -----------------------------------------------------------
def test_sigmoid_equals_expit_and_torch_even_at_extremes():
    z = np.array([-1e4, -800.0, -40.0, -1.0, 0.0, 1e-8, 3.0, 40.0, 800.0, 1e4])
    np.testing.assert_allclose(sigmoid(z), expit(z), rtol=1e-15, atol=0)
    z32 = z.astype(np.float32)
    out = sigmoid(z32)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, torch.sigmoid(torch.tensor(z32)).numpy(), rtol=1e-6, atol=1e-30)


def test_log_loss_equals_sklearn_and_torch():
    rng = np.random.default_rng(6)
    z = rng.standard_normal(50) * 3
    y = rng.integers(0, 2, 50)
    np.testing.assert_allclose(log_loss(y, z), sk_log_loss(y, expit(z)), rtol=1e-12)
    big = np.array([-1e4, 1e4, 500.0, -500.0])
    lab = np.array([1, 0, 1, 0])
    ref = torch.nn.functional.binary_cross_entropy_with_logits(torch.tensor(big), torch.tensor(lab, dtype=torch.float64))
    np.testing.assert_allclose(log_loss(lab, big), ref.item(), rtol=1e-14)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_objective_gradient_and_hessian_match_autograd(fit_intercept):
    X, y = binary_data(n=30, seed=7)
    Xt = np.hstack([X, np.ones((30, 1))]) if fit_intercept else X
    pen = np.full(Xt.shape[1], 0.5)
    if fit_intercept:
        pen[-1] = 0.0
    theta = np.random.default_rng(8).standard_normal(Xt.shape[1])
    loss, grad, hess = objective_grad_hess(theta, Xt, y.astype(float), pen)

    def f(t):
        z = torch.tensor(Xt) @ t
        return torch.sum(torch.nn.functional.softplus(z) - torch.tensor(y, dtype=torch.float64) * z) + \
            0.5 * torch.sum(torch.tensor(pen) * t * t)

    tt = torch.tensor(theta, requires_grad=True)
    ref = f(tt)
    ref.backward()
    np.testing.assert_allclose(loss, ref.item(), rtol=1e-12)
    np.testing.assert_allclose(grad, tt.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(hess, torch.autograd.functional.hessian(f, torch.tensor(theta)).numpy(), rtol=1e-10,
                               atol=1e-12)


@pytest.mark.parametrize("C", [0.01, 1.0, 100.0])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_newton_equals_sklearn_logistic_regression(C, fit_intercept):
    X, y = ex.breast_cancer()
    ours = fit_logistic_newton(X, y, C=C, fit_intercept=fit_intercept)
    sk = linear_model.LogisticRegression(C=C, fit_intercept=fit_intercept, solver="newton-cholesky", tol=1e-12,
                                         max_iter=1000).fit(X, y)
    assert ours.converged
    np.testing.assert_allclose(ours.coef, sk.coef_[0], rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(ours.intercept, sk.intercept_[0], rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(ours.predict_proba(X), sk.predict_proba(X)[:, 1], rtol=1e-6, atol=1e-12)
    np.testing.assert_array_equal(ours.predict(X), sk.predict(X))


def test_newton_converges_quadratically():
    X, y = ex.breast_cancer()
    g = fit_logistic_newton(X, y, C=1.0, tol=1e-12).history[:, 1]
    late = g[-4:]
    assert np.all(late[1:] < late[:-1] ** 1.5 * 10)  # each step at least ~squares the small error


def test_gd_reaches_the_newton_solution_and_matches_a_hand_first_step():
    X, y = binary_data(seed=9)
    newton = fit_logistic_newton(X, y, C=10.0)
    gd = fit_logistic_gd(X, y, lr=1.0, n_iter=3000, C=10.0)
    np.testing.assert_allclose(gd.coef, newton.coef, rtol=1e-6)
    one = fit_logistic_gd(X, y, lr=0.3, n_iter=1)
    np.testing.assert_allclose(one.coef, -0.3 * X.T @ (0.5 - y) / len(y), rtol=1e-14)
    np.testing.assert_allclose(one.intercept, -0.3 * np.mean(0.5 - y), rtol=1e-14)
    assert gd.history.shape == (3001, 2)


def test_intercept_makes_the_mean_prediction_the_base_rate():
    X, y = binary_data(seed=10, shift=0.3)
    fit = fit_logistic_newton(X, y, C=0.5)
    np.testing.assert_allclose(fit.predict_proba(X).mean(), y.mean(), rtol=1e-9)


def test_separable_data_without_penalty_never_converges():
    with np.errstate(all="ignore"):
        norms_inf, norms_c = ex.separable_newton(steps=8)
    assert np.all(np.diff(norms_inf) > 0.3)
    assert abs(norms_c[-1] - norms_c[-2]) < 1e-9


# -- softmax regression -------------------------------------------------------------------------
def test_softmax_equals_scipy_and_is_stable():
    Z = np.array([[1.0, 2.0, 3.0], [1000.0, 1001.0, 999.0], [-1e4, 0.0, 1e4]])
    np.testing.assert_allclose(softmax(Z), sp_softmax(Z, axis=1), rtol=1e-14)
    np.testing.assert_allclose(softmax(Z.astype(np.float32)).sum(axis=1), 1.0, rtol=1e-6)
    assert softmax(Z.astype(np.float32)).dtype == np.float32


@pytest.mark.parametrize("loader", [load_iris, load_wine])
@pytest.mark.parametrize("C", [0.1, 1.0])
def test_softmax_newton_equals_sklearn_multinomial(loader, C):
    X, y = loader(return_X_y=True)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    ours = fit_softmax_newton(X, y, C=C)
    sk = linear_model.LogisticRegression(C=C, solver="newton-cholesky", tol=1e-12, max_iter=1000).fit(X, y)
    np.testing.assert_allclose(ours.predict_proba(X), sk.predict_proba(X), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(ours.coef, sk.coef_, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(ours.intercept, sk.intercept_, rtol=1e-5, atol=1e-7)
    assert abs(ours.intercept.sum()) < 1e-10 and np.allclose(ours.coef.sum(axis=0), 0, atol=1e-8)


def test_softmax_gradient_and_hessian_match_autograd():
    rng = np.random.default_rng(11)
    Xt = np.hstack([rng.standard_normal((12, 3)), np.ones((12, 1))])
    y = rng.integers(0, 3, 12)
    Y = np.eye(3)[y]
    pen = np.array([0.5, 0.5, 0.5, 0.0])
    Theta = rng.standard_normal((3, 4))
    loss, grad, hess = softmax_objective_grad_hess(Theta, Xt, Y, pen)

    def f(t):
        Z = torch.tensor(Xt) @ t.reshape(3, 4).T
        return torch.nn.functional.cross_entropy(Z, torch.tensor(y), reduction="sum") + \
            0.5 * torch.sum(torch.tensor(pen) * t.reshape(3, 4) ** 2)

    flat = torch.tensor(Theta.ravel(), requires_grad=True)
    ref = f(flat)
    ref.backward()
    np.testing.assert_allclose(loss, ref.item(), rtol=1e-12)
    np.testing.assert_allclose(grad.ravel(), flat.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(hess, torch.autograd.functional.hessian(f, torch.tensor(Theta.ravel())).numpy(),
                               rtol=1e-10, atol=1e-12)


def test_two_class_softmax_is_the_sigmoid_of_the_logit_difference():
    X, y = binary_data(seed=12)
    soft = fit_softmax_newton(X, y, C=1.0)
    np.testing.assert_allclose(softmax(np.c_[np.zeros(3), np.ones(3)])[:, 1], sigmoid(np.ones(3)), rtol=1e-15)
    assert soft.predict(X).shape == y.shape


# -- naive Bayes --------------------------------------------------------------------------------
@pytest.mark.parametrize("loader", [load_iris, load_wine])
@pytest.mark.parametrize("var_smoothing", [1e-9, 1e-2])
def test_gaussian_nb_equals_sklearn(loader, var_smoothing):
    X, y = loader(return_X_y=True)
    ours, sk = GaussianNB(var_smoothing).fit(X, y), naive_bayes.GaussianNB(var_smoothing=var_smoothing).fit(X, y)
    np.testing.assert_allclose(ours.theta_, sk.theta_, rtol=1e-12)
    np.testing.assert_allclose(ours.var_, sk.var_, rtol=1e-10)
    np.testing.assert_allclose(ours.predict_log_proba(X), sk.predict_log_proba(X), rtol=1e-9, atol=1e-9)
    np.testing.assert_array_equal(ours.predict(X), sk.predict(X))


@pytest.mark.parametrize("alpha", [0.01, 1.0, 5.0])
def test_multinomial_nb_equals_sklearn(alpha):
    X, y = load_digits(return_X_y=True)
    ours, sk = MultinomialNB(alpha).fit(X, y), naive_bayes.MultinomialNB(alpha=alpha).fit(X, y)
    np.testing.assert_allclose(ours.feature_log_prob_, sk.feature_log_prob_, rtol=1e-12)
    np.testing.assert_allclose(ours.class_log_prior_, sk.class_log_prior_, rtol=1e-12)
    np.testing.assert_allclose(ours.predict_proba(X), sk.predict_proba(X), rtol=1e-9, atol=1e-12)


def test_naive_bayes_hand_case_and_label_values():
    X = np.array([[0.0], [2.0], [10.0], [12.0]])
    y = np.array([7, 7, 3, 3])  # arbitrary label values come back as given
    nb = GaussianNB(var_smoothing=0.0).fit(X, y)
    np.testing.assert_allclose(nb.theta_[:, 0], [11.0, 1.0])  # classes sorted: 3, 7
    np.testing.assert_allclose(nb.var_[:, 0], [1.0, 1.0])
    np.testing.assert_array_equal(nb.predict(np.array([[0.5], [11.5]])), [7, 3])


def test_naive_bayes_float32_is_kept():
    X, y = load_iris(return_X_y=True)
    nb = GaussianNB().fit(X.astype(np.float32), y)
    assert nb.theta_.dtype == np.float32 and nb.var_.dtype == np.float32


# -- calibration ------------------------------------------------------------------------------------
@pytest.mark.parametrize("n_bins", [1, 5, 10, 13])
def test_reliability_curve_equals_sklearn_including_edge_values(n_bins):
    rng = np.random.default_rng(13)
    p = np.concatenate([rng.random(300), [0.0, 1.0, 0.5, 0.1, 0.2, 0.7, 0.9]])
    y = (rng.random(len(p)) < p).astype(int)
    frac, mean = reliability_curve(y, p, n_bins)
    sk_frac, sk_mean = calibration_curve(y, p, n_bins=n_bins)
    np.testing.assert_allclose(frac, sk_frac, rtol=1e-12)
    np.testing.assert_allclose(mean, sk_mean, rtol=1e-12)


def test_brier_and_ece():
    y, p = np.array([0, 1, 1, 0]), np.array([0.1, 0.8, 0.6, 0.3])
    np.testing.assert_allclose(brier_score(y, p), brier_score_loss(y, p), rtol=1e-14)
    # 2 bins: [0, 0.5] holds 0.1, 0.3 (mean 0.2, fraction 0); (0.5, 1] holds 0.8, 0.6 (mean 0.7, fraction 1)
    np.testing.assert_allclose(expected_calibration_error(y, p, 2), 0.5 * 0.2 + 0.5 * 0.3, rtol=1e-14)


# -- the single neuron --------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_neuron_training_equals_torch_autograd(dtype):
    rng = np.random.default_rng(14)
    X, y = rng.standard_normal((15, 4)).astype(dtype), (rng.random(15) < 0.5).astype(dtype)
    w0 = rng.standard_normal(4).astype(dtype)
    w, b, mse = train_neuron(X, y, w0, 0.2, 0.7, 40)
    tw, tb, tmse = train_neuron_torch(torch.tensor(X), torch.tensor(y), torch.tensor(w0), torch.tensor(dtype(0.2)), 0.7, 40)
    rtol = 1e-12 if dtype == np.float64 else 2e-5
    assert w.dtype == dtype and mse.dtype == dtype
    np.testing.assert_allclose(w, tw.numpy(), rtol=rtol, atol=rtol)
    np.testing.assert_allclose(b, tb, rtol=rtol, atol=rtol)
    np.testing.assert_allclose(mse, tmse, rtol=rtol)


def test_neuron_backward_matches_autograd_and_inputs_are_not_modified():
    rng = np.random.default_rng(15)
    X, y, w = rng.standard_normal((9, 3)), rng.random(9), rng.standard_normal(3)
    wt = torch.tensor(w, requires_grad=True)
    bt = torch.tensor(-0.3, dtype=torch.float64, requires_grad=True)
    torch.mean((torch.sigmoid(torch.tensor(X) @ wt + bt) - torch.tensor(y)) ** 2).backward()
    gw, gb = neuron_backward(X, y, neuron_forward(X, w, -0.3))
    np.testing.assert_allclose(gw, wt.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(gb, bt.grad.item(), rtol=1e-12)
    w_copy = w.copy()
    train_neuron(X, y, w, 0.0, 0.5, 10)
    np.testing.assert_array_equal(w, w_copy)


# -- dtype preservation -------------------------------------------------------------------------
def test_float32_in_float32_out():
    X, y = regression_data(seed=16)
    X32, y32 = X.astype(np.float32), y.astype(np.float32)
    for fit in (least_squares(X32, y32), ridge(X32, y32, 1.0), fit_linear_gd(X32 - X32.mean(0), y32)[0]):
        assert fit.coef.dtype == np.float32 and np.asarray(fit.intercept).dtype == np.float32
    np.testing.assert_allclose(least_squares(X32, y32).coef, least_squares(X, y).coef, rtol=1e-3)
    Xb, yb = binary_data(seed=17)
    fit = fit_logistic_newton(Xb.astype(np.float32), yb)
    assert fit.coef.dtype == np.float32
    np.testing.assert_allclose(fit.coef, fit_logistic_newton(Xb, yb).coef, rtol=1e-3)


def test_int_input_becomes_float64():
    X = np.array([[0], [1], [2], [3]])
    fit = least_squares(X, np.array([1, 3, 5, 7]))
    assert fit.coef.dtype == np.float64
    np.testing.assert_allclose(fit.coef, [2.0])
