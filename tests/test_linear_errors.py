"""Bad inputs to mlnotes.linear raise the right exception, with a message naming the argument."""

import numpy as np
import pytest

from mlnotes.linear import (GaussianNB, GDConfig, MultinomialNB, fit_linear_gd, fit_logistic_gd, fit_logistic_newton,
                            fit_softmax_newton, least_squares, log_loss, ridge, sigmoid, softmax, train_neuron)
from mlnotes.linear import errata
from mlnotes.linear.calibration import brier_score, expected_calibration_error, reliability_curve

X = np.arange(12.0).reshape(6, 2) % 5
Y = np.array([1.0, 2.0, 0.5, 3.0, 2.0, 1.0])
LAB = np.array([0, 1, 0, 1, 1, 0])

BAD = [
    # least squares / ridge / GD
    ("X 1-D", lambda: least_squares(np.ones(3), np.ones(3)), ValueError, r"X must have 2 dimension"),
    ("X empty", lambda: least_squares(np.ones((0, 2)), np.ones(0)), ValueError, r"X must have shape"),
    ("X no features", lambda: least_squares(np.ones((3, 0)), np.ones(3)), ValueError, r"X must have shape"),
    ("X NaN", lambda: least_squares(np.array([[np.nan], [1.0]]), np.ones(2)), ValueError, r"X must contain only finite"),
    ("X bool", lambda: least_squares(np.ones((3, 1), bool), np.ones(3)), TypeError, r"X must hold numbers"),
    ("X strings", lambda: least_squares([["a"], ["b"]], [1, 2]), TypeError, r"X must hold numbers"),
    ("X ragged", lambda: least_squares([[1.0, 2.0], [3.0]], [1, 2]), TypeError, r"X must be array-like"),
    ("y wrong length", lambda: least_squares(X, np.ones(5)), ValueError, r"same number of samples"),
    ("y 2-D", lambda: least_squares(X, np.ones((6, 1))), ValueError, r"y must have 1 dimension"),
    ("y inf", lambda: least_squares(X, np.full(6, np.inf)), ValueError, r"y must contain only finite"),
    ("method unknown", lambda: least_squares(X, Y, method="inv"), ValueError, r"method must be one of"),
    ("fit_intercept int", lambda: least_squares(X, Y, fit_intercept=1), TypeError, r"fit_intercept must be a bool"),
    ("ridge alpha < 0", lambda: ridge(X, Y, -1.0), ValueError, r"alpha must be >= 0"),
    ("ridge alpha str", lambda: ridge(X, Y, "1"), TypeError, r"alpha must be a real number"),
    ("gd lr < 0", lambda: fit_linear_gd(X, Y, GDConfig(lr=-0.1)), ValueError, r"lr must be >= 0"),
    ("gd epochs < 0", lambda: fit_linear_gd(X, Y, GDConfig(n_epochs=-1)), ValueError, r"n_epochs must be an integer"),
    ("gd batch 0", lambda: fit_linear_gd(X, Y, GDConfig(batch_size=0)), ValueError, r"batch_size must be an integer"),
    ("gd batch > n", lambda: fit_linear_gd(X, Y, GDConfig(batch_size=7)), ValueError, r"batch_size must be an integer"),
    ("gd seed float", lambda: fit_linear_gd(X, Y, GDConfig(seed=1.5)), TypeError, r"seed must be an integer"),
    ("predict wrong width", lambda: least_squares(X, Y).predict(np.ones((2, 3))), ValueError, r"X must have 2 features"),
    # logistic / softmax
    ("sigmoid str", lambda: sigmoid("a"), TypeError, r"z must hold numbers"),
    ("sigmoid NaN", lambda: sigmoid([np.nan]), ValueError, r"z must contain only finite"),
    ("log_loss labels 2", lambda: log_loss([0, 2], [0.1, 0.2]), ValueError, r"binary labels 0 and 1"),
    ("log_loss length", lambda: log_loss([0, 1, 1], [0.1, 0.2]), ValueError, r"y must have shape \(2,\)"),
    ("log_loss z 2-D", lambda: log_loss([0, 1], [[0.1, 0.2]]), ValueError, r"z must have 1 dimension"),
    ("log_loss float labels", lambda: log_loss([0.5, 1], [0.1, 0.2]), TypeError, r"integer class labels"),
    ("newton C = 0", lambda: fit_logistic_newton(X, LAB, C=0.0), ValueError, r"C must be > 0"),
    ("newton C NaN", lambda: fit_logistic_newton(X, LAB, C=float("nan")), ValueError, r"C must be > 0"),
    ("newton C str", lambda: fit_logistic_newton(X, LAB, C="1"), TypeError, r"C must be a positive real"),
    ("newton C bool", lambda: fit_logistic_newton(X, LAB, C=True), TypeError, r"C must be a positive real"),
    ("newton labels", lambda: fit_logistic_newton(X, LAB + 1), ValueError, r"binary labels 0 and 1"),
    ("newton max_iter < 0", lambda: fit_logistic_newton(X, LAB, max_iter=-1), ValueError, r"max_iter"),
    ("newton tol < 0", lambda: fit_logistic_newton(X, LAB, tol=-1.0), ValueError, r"tol must be >= 0"),
    ("gd lr NaN", lambda: fit_logistic_gd(X, LAB, lr=float("nan")), ValueError, r"lr must be finite"),
    ("gd n_iter float", lambda: fit_logistic_gd(X, LAB, n_iter=2.0), TypeError, r"n_iter must be an integer"),
    ("softmax scalar", lambda: softmax(3.0), ValueError, r"at least 1 dimension"),
    ("softmax one class", lambda: fit_softmax_newton(X, np.zeros(6, int)), ValueError, r"at least 2 classes"),
    ("softmax labels float", lambda: fit_softmax_newton(X, np.full(6, 0.5)), TypeError, r"integer class labels"),
    # naive Bayes
    ("gnb var_smoothing < 0", lambda: GaussianNB(-1.0), ValueError, r"var_smoothing must be >= 0"),
    ("mnb alpha = 0", lambda: MultinomialNB(0.0), ValueError, r"alpha must be > 0"),
    ("mnb negative counts", lambda: MultinomialNB().fit(X - 10, LAB), ValueError, r"non-negative counts"),
    ("nb not fitted", lambda: GaussianNB().predict(X), ValueError, r"not fitted yet"),
    ("nb wrong width", lambda: GaussianNB().fit(X, LAB).predict(np.ones((2, 3))), ValueError, r"X must have 2 features"),
    ("nb labels length", lambda: GaussianNB().fit(X, LAB[:4]), ValueError, r"y must have shape \(6,\)"),
    # neuron
    ("neuron weights shape", lambda: train_neuron(X, Y, np.ones(3), 0.0, 0.1, 2), ValueError,
     r"initial_weights must have shape \(2\)"),
    ("neuron lr < 0", lambda: train_neuron(X, Y, np.ones(2), 0.0, -0.1, 2), ValueError, r"learning_rate must be >= 0"),
    ("neuron epochs float", lambda: train_neuron(X, Y, np.ones(2), 0.0, 0.1, 2.5), TypeError, r"epochs must be an integer"),
    ("neuron bias NaN", lambda: train_neuron(X, Y, np.ones(2), float("nan"), 0.1, 2), ValueError, r"initial_bias"),
    # calibration
    ("calibration p > 1", lambda: reliability_curve([0, 1], [0.5, 1.5]), ValueError, r"probabilities in \[0, 1\]"),
    ("calibration empty", lambda: brier_score([], []), ValueError, r"p must not be empty"),
    ("calibration bins 0", lambda: expected_calibration_error([0, 1], [0.2, 0.4], 0), ValueError, r"n_bins"),
    # errata helpers
    ("shuffle mismatched rows", lambda: errata.shuffle_data(np.ones(3), np.ones(4)), ValueError, r"same number of rows"),
]


@pytest.mark.parametrize("label,call,exc,match", BAD, ids=[b[0] for b in BAD])
def test_bad_input_raises(label, call, exc, match):
    with pytest.raises(exc, match=match):
        call()
