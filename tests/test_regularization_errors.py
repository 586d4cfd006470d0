"""Bad inputs to mlnotes.regularization raise the right exception, with a message naming the argument."""

import numpy as np
import pytest

from mlnotes.regularization import (alpha_max, dropout, dropout_backward, dropout_mask, dropout_original, lasso,
                                    lasso_path, ridge_path, soft_threshold)
from mlnotes.regularization import bias_variance as bv
from mlnotes.regularization import l1, priors, weight_decay
from mlnotes.regularization.ridge import shrinkage_factors

X = np.arange(12.0).reshape(6, 2) % 5
Y = np.array([1.0, 2.0, 0.5, 3.0, 2.0, 1.0])
RNG = np.random.default_rng(0)

BAD = [
    # L1 / elastic net / ridge
    ("soft_threshold t < 0", lambda: soft_threshold([1.0], -1.0), ValueError, r"t must be >= 0"),
    ("soft_threshold bool", lambda: soft_threshold(np.array([True]), 1.0), TypeError, r"z must hold numbers"),
    ("lasso alpha < 0", lambda: lasso(X, Y, -0.1), ValueError, r"alpha must be >= 0"),
    ("lasso l1_ratio > 1", lambda: lasso(X, Y, 0.1, l1_ratio=1.5), ValueError, r"l1_ratio must be in \[0.0, 1.0\]"),
    ("lasso tol < 0", lambda: lasso(X, Y, 0.1, tol=-1.0), ValueError, r"tol must be >= 0"),
    ("lasso max_iter 0", lambda: lasso(X, Y, 0.1, max_iter=0), ValueError, r"max_iter must be an integer >= 1"),
    ("lasso X NaN", lambda: lasso(np.array([[np.nan]]), [1.0], 0.1), ValueError, r"X must contain only finite"),
    ("lasso y length", lambda: lasso(X, Y[:3], 0.1), ValueError, r"same number of samples"),
    ("lasso fit_intercept str", lambda: lasso(X, Y, 0.1, fit_intercept="yes"), TypeError, r"fit_intercept must be a bool"),
    ("alpha_max l1_ratio 0", lambda: alpha_max(X, Y, 0.0), ValueError, r"l1_ratio must be in \(0.0, 1.0\]"),
    ("path eps 0", lambda: lasso_path(X, Y, eps=0.0), ValueError, r"eps must be > 0"),
    ("path n_alphas 0", lambda: lasso_path(X, Y, n_alphas=0), ValueError, r"n_alphas must be an integer >= 1"),
    ("path alphas negative", lambda: lasso_path(X, Y, alphas=[1.0, -1.0]), ValueError, r"alphas must be a non-empty"),
    ("path alphas empty", lambda: lasso_path(X, Y, alphas=[]), ValueError, r"alphas must be a non-empty"),
    ("ridge_path negative", lambda: ridge_path(X, Y, [-1.0]), ValueError, r"alphas must be a non-empty list"),
    ("ridge_path 2-D alphas", lambda: ridge_path(X, Y, [[1.0]]), ValueError, r"alphas must have 1 dimension"),
    ("shrinkage alpha < 0", lambda: shrinkage_factors(X, -1.0), ValueError, r"alpha must be >= 0"),
    ("ista n_iter < 0", lambda: l1.lasso_ista(X, Y, 0.1, n_iter=-1), ValueError, r"n_iter must be an integer"),
    ("subgradient lr < 0", lambda: l1.lasso_subgradient(X, Y, 0.1, lr=-1.0), ValueError, r"lr must be >= 0"),
    ("logistic_l1 C 0", lambda: l1.logistic_l1(X, (Y > 1).astype(int), 0.0), ValueError, r"C must be > 0"),
    ("logistic_l1 labels", lambda: l1.logistic_l1(X, Y, 1.0), TypeError, r"integer class labels"),
    # priors
    ("prior unknown", lambda: priors.log_prior([0.0], "Cauchy", 1.0), ValueError, r"prior must be one of"),
    ("prior scale 0", lambda: priors.log_prior([0.0], "Laplace", 0.0), ValueError, r"scale must be > 0"),
    ("map_1d n 0", lambda: priors.map_1d(0.1, 0, 1.0, "Laplace", 1.0), ValueError, r"n must be > 0"),
    ("map_gaussian tau 0", lambda: priors.map_gaussian(X, Y, 1.0, 0.0), ValueError, r"tau must be > 0"),
    ("map_laplace sigma < 0", lambda: priors.map_laplace(X, Y, -1.0, 1.0), ValueError, r"sigma must be > 0"),
    # dropout
    ("dropout p > 1", lambda: dropout(X, 1.5, rng=RNG), ValueError, r"p must be in \[0.0, 1.0\]"),
    ("dropout p < 0", lambda: dropout(X, -0.1, rng=RNG), ValueError, r"p must be in \[0.0, 1.0\]"),
    ("dropout p str", lambda: dropout(X, "0.5", rng=RNG), TypeError, r"p must be a real number"),
    ("dropout training int", lambda: dropout(X, 0.5, 1, rng=RNG), TypeError, r"training must be a bool"),
    ("dropout mask float", lambda: dropout(X, 0.5, mask=np.ones_like(X)), TypeError, r"mask must be a bool array"),
    ("dropout mask shape", lambda: dropout(X, 0.5, mask=np.ones((2, 2), bool)), ValueError, r"mask must have the shape"),
    ("dropout no rng", lambda: dropout(X, 0.5), TypeError, r"rng must be a numpy.random.Generator"),
    ("dropout rng int", lambda: dropout(X, 0.5, rng=0), TypeError, r"rng must be a numpy.random.Generator"),
    ("dropout x bool", lambda: dropout(np.ones(3, bool), 0.5, rng=RNG), TypeError, r"x must hold numbers"),
    ("dropout x NaN", lambda: dropout([np.nan], 0.5, rng=RNG), ValueError, r"x must contain only finite"),
    ("backward mask int", lambda: dropout_backward(X, np.ones(X.shape, int), 0.5), TypeError, r"mask must be a bool"),
    ("backward p > 1", lambda: dropout_backward(X, np.ones(X.shape, bool), 2.0), ValueError, r"p must be in"),
    ("original mask shape", lambda: dropout_original(X, 0.5, mask=np.ones(3, bool)), ValueError, r"mask must have"),
    ("mask p NaN", lambda: dropout_mask((2,), float("nan"), RNG), ValueError, r"p must be finite"),
    # bias–variance, weight decay
    ("bv degree < 0", lambda: bv.bias_variance(-1, 0.1, 10), ValueError, r"degree must be an integer >= 0"),
    ("bv noise < 0", lambda: bv.bias_variance(1, -0.1, 10), ValueError, r"noise must be >= 0"),
    ("bv n 0", lambda: bv.bias_variance(1, 0.1, 0), ValueError, r"n must be an integer >= 1"),
    ("bv resamples 1", lambda: bv.bias_variance(1, 0.1, 5, resamples=1), ValueError, r"resamples must be an integer >= 2"),
    ("weight decay optimizer", lambda: weight_decay.final_weights("Lion", 0.1, True), ValueError, r"optimizer must be one"),
]


@pytest.mark.parametrize("label,call,exc,match", BAD, ids=[b[0] for b in BAD])
def test_bad_input_raises(label, call, exc, match):
    with pytest.raises(exc, match=match):
        call()
