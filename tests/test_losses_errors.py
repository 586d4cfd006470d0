"""Bad inputs to mlnotes.losses raise the right exception, with a message naming the argument."""

import numpy as np
import pytest

from mlnotes import losses as L
from mlnotes.losses.experiments import fit_constant
from mlnotes.losses.initial_loss import build_tiny_gpt
from mlnotes.losses.reference import compare

Z = np.zeros((2, 3))
Y = np.array([0, 2])
R = np.ones(3)

BAD = [
    # regression
    ("mse shapes", lambda: L.mse_loss(np.ones(3), np.ones(4)), ValueError, r"input and target must have the same shape"),
    ("mse reduction", lambda: L.mse_loss(R, R, reduction="avg"), ValueError, r"reduction must be one of 'none', 'mean', 'sum'"),
    ("mse string", lambda: L.mse_loss("abc", R), TypeError, r"input must be an array of real numbers"),
    ("mse complex", lambda: L.mse_loss(np.ones(3, complex), R), TypeError, r"input must hold real numbers"),
    ("mse nan", lambda: L.mse_loss(np.array([1.0, np.nan, 0.0]), R), ValueError, r"input must contain only finite"),
    ("mse empty", lambda: L.mse_loss(np.ones(0), np.ones(0)), ValueError, r"input must not be empty"),
    ("huber delta 0", lambda: L.huber_loss(R, R, delta=0.0), ValueError, r"delta must be > 0.0"),
    ("huber delta str", lambda: L.huber_loss(R, R, delta="1"), TypeError, r"delta must be a real number"),
    ("smooth l1 beta < 0", lambda: L.smooth_l1_loss(R, R, beta=-1.0), ValueError, r"beta must be >= 0.0"),
    # binary
    ("bce input > 1", lambda: L.binary_cross_entropy(np.array([1.2]), np.array([1.0])), ValueError,
     r"input must lie in \[0, 1\]"),
    ("bce target < 0", lambda: L.binary_cross_entropy(np.array([0.5]), np.array([-0.1])), ValueError,
     r"target must lie in \[0, 1\]"),
    ("bce weight shape", lambda: L.binary_cross_entropy(np.full((2, 3), 0.5), np.ones((2, 3)), weight=np.ones(4)),
     ValueError, r"weight of shape \(4,\) does not broadcast"),
    ("bce weight enlarges", lambda: L.binary_cross_entropy(np.full(3, 0.5), np.ones(3), weight=np.ones((2, 3))),
     ValueError, r"weight of shape \(2, 3\) would enlarge"),
    ("logits pos_weight < 0", lambda: L.binary_cross_entropy_with_logits(Z, Z, pos_weight=-np.ones(3)), ValueError,
     r"pos_weight must be non-negative"),
    ("logits pos_weight shape", lambda: L.binary_cross_entropy_with_logits(Z, Z, pos_weight=np.ones((2, 2))),
     ValueError, r"pos_weight must be a scalar or have shape \(C,\)"),
    ("logits target 1.5", lambda: L.binary_cross_entropy_with_logits(R, 1.5 * R), ValueError, r"target must lie in"),
    ("soft margin target 0", lambda: L.soft_margin_loss(R, np.zeros(3)), ValueError, r"target must hold labels −1 or \+1"),
    ("hinge target 0.5", lambda: L.hinge_loss(R, 0.5 * R), ValueError, r"target must hold labels −1 or \+1"),
    # multi-class
    ("multi margin p=3", lambda: L.multi_margin_loss(Z, Y, p=3), ValueError, r"p must be 1 or 2"),
    ("multi margin target range", lambda: L.multi_margin_loss(Z, np.array([0, 3])), ValueError,
     r"target values must be class indices in \[0, 2\]"),
    ("ce 1-D input", lambda: L.cross_entropy(np.zeros(3), np.array([0])), ValueError, r"input must have 2 dimension"),
    ("ce float class target", lambda: L.cross_entropy(Z, np.array([0.0, 1.0])), TypeError,
     r"target of shape \(2,\) holds class indices and must have an integer dtype"),
    ("ce bool target", lambda: L.cross_entropy(Z, np.array([True, False])), TypeError, r"integer dtype"),
    ("ce target out of range", lambda: L.cross_entropy(Z, np.array([0, 5])), ValueError,
     r"class indices in \[0, 2\] or ignore_index=-100, got 5"),
    ("ce target length", lambda: L.cross_entropy(Z, np.array([0, 1, 2])), ValueError, r"target must have shape \(2,\)"),
    ("ce target None", lambda: L.cross_entropy(Z, None), TypeError, r"target must be an integer array"),
    ("ce weight < 0", lambda: L.cross_entropy(Z, Y, weight=np.array([1.0, -1.0, 1.0])), ValueError,
     r"weight must be non-negative"),
    ("ce weight shape", lambda: L.cross_entropy(Z, Y, weight=np.ones(2)), ValueError, r"weight must have shape \(3,\)"),
    ("ce smoothing 1.5", lambda: L.cross_entropy(Z, Y, label_smoothing=1.5), ValueError,
     r"label_smoothing must be in \[0.0, 1.0\]"),
    ("ce ignore_index float", lambda: L.cross_entropy(Z, Y, ignore_index=1.5), TypeError, r"ignore_index must be an integer"),
    ("ce all ignored", lambda: L.cross_entropy(Z, np.array([-100, -100])), ValueError, r"every target is ignore_index"),
    ("ce probs shape", lambda: L.cross_entropy(Z, np.full((2, 2), 0.5)), ValueError,
     r"probability target must have the input's shape \(2, 3\)"),
    ("ce probs negative", lambda: L.cross_entropy(Z, np.array([[1.5, -0.5, 0.0], [1.0, 0.0, 0.0]])), ValueError,
     r"probability target must be non-negative"),
    ("nll all ignored", lambda: L.nll_loss(Z, np.array([-100, -100])), ValueError, r"every target is ignore_index"),
    # information theory
    ("kl_div reduction", lambda: L.kl_div(Z, Z, reduction="batch"), ValueError, r"reduction must be one of .*'batchmean'"),
    ("kl_div negative target", lambda: L.kl_div(Z, -np.ones((2, 3))), ValueError, r"target must be non-negative"),
    ("kl_div log_target", lambda: L.kl_div(Z, Z, log_target=1), TypeError, r"log_target must be a bool"),
    ("entropy sum", lambda: L.entropy([0.5, 0.6]), ValueError, r"p must sum to 1"),
    ("entropy negative", lambda: L.entropy([1.5, -0.5]), ValueError, r"p must be non-negative"),
    ("entropy base 0", lambda: L.entropy([0.5, 0.5], base=0), ValueError, r"base must be > 0.0"),
    ("entropy scalar", lambda: L.entropy(1.0), ValueError, r"p must have at least 1 dimension"),
    ("kl shapes", lambda: L.kl_divergence([0.5, 0.5], [0.2, 0.3, 0.5]), ValueError, r"p and q must have the same shape"),
    ("kl_normal sigma 0", lambda: L.kl_normal(0.0, 0.0, 0.0, 1.0), ValueError, r"sigma_p must be > 0"),
    ("kl_normal broadcast", lambda: L.kl_normal(np.zeros(2), 1.0, np.zeros(3), 1.0), ValueError, r"must broadcast"),
    ("mc n=1", lambda: L.kl_normal_mc(0, 1, 0, 1, 1), ValueError, r"n must be an integer >= 2"),
    ("mc rng", lambda: L.kl_normal_mc(0, 1, 0, 1, 10, rng=0), TypeError, r"rng must be a numpy.random.Generator"),
    # InfoNCE
    ("infonce key shape", lambda: L.info_nce(np.ones((3, 4)), np.ones((2, 4))), ValueError,
     r"key must have the shape of query \(3, 4\)"),
    ("infonce tau 0", lambda: L.info_nce(np.ones((3, 4)), np.ones((3, 4)), temperature=0.0), ValueError,
     r"temperature must be > 0.0"),
    ("infonce negatives dim", lambda: L.info_nce(np.ones((3, 4)), np.ones((3, 4)), negatives=np.ones((2, 5))),
     ValueError, r"negatives must have shape \(M, 4\)"),
    ("infonce 1-D", lambda: L.info_nce(np.ones(4), np.ones(4)), ValueError, r"query must have 2 dimension"),
    # stable kernels
    ("logsumexp scalar", lambda: L.logsumexp(1.0), ValueError, r"x must have at least 1 dimension"),
    ("logsumexp axis", lambda: L.logsumexp(Z, axis=5), ValueError, r"axis must be in \[-2, 1\]"),
    ("logsumexp axis float", lambda: L.logsumexp(Z, axis=1.0), TypeError, r"axis must be an integer"),
    ("log_softmax inf", lambda: L.log_softmax(np.array([0.0, np.inf])), ValueError, r"x must contain only finite"),
    ("softplus string", lambda: L.softplus("x"), TypeError, r"x must be an array of real numbers"),
    # helpers
    ("tiny gpt init", lambda: build_tiny_gpt(init="xavier"), ValueError, r"init must be one of"),
    ("compare name", lambda: compare("focal"), ValueError, r"name must be one of"),
    ("fit_constant loss", lambda: fit_constant([1.0, 2.0], "L3"), ValueError, r"loss must be 'MSE', 'MAE' or 'Huber'"),
]


@pytest.mark.parametrize("name,call,exc,match", BAD, ids=[b[0] for b in BAD])
def test_bad_input_raises_named_error(name, call, exc, match):
    with pytest.raises(exc, match=match):
        call()
