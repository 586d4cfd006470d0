"""Bad inputs to mlnotes.norms and its figures raise ValueError/TypeError naming the argument."""

import numpy as np
import pytest

from mlnotes import norms as nm
from mlnotes.figures import norms as fig

X2 = np.ones((4, 3))
G3, B3 = np.ones(3), np.zeros(3)
NAN = np.array([[1.0, np.nan], [2.0, 3.0]])

CASES = [
    # feature scaling
    ("min_max 1-D", lambda: nm.min_max_scale(np.ones(3)), ValueError, r"X must have 2 dimension\(s\)"),
    ("min_max NaN", lambda: nm.min_max_scale(NAN), ValueError, "X must contain only finite values"),
    ("min_max empty", lambda: nm.min_max_scale(np.ones((0, 3))), ValueError, "X must have at least one row"),
    ("min_max range order", lambda: nm.min_max_scale(X2, (1, 0)), ValueError, "feature_range must have low < high"),
    ("min_max range kind", lambda: nm.min_max_scale(X2, "ab"), TypeError, r"feature_range must be a pair"),
    ("min_max range length", lambda: nm.min_max_scale(X2, (0, 1, 2)), ValueError, r"feature_range must be a pair"),
    ("min_max range inf", lambda: nm.min_max_scale(X2, (0, np.inf)), ValueError, r"feature_range\[1\] must be finite"),
    ("standardize 3-D", lambda: nm.standardize(np.ones((2, 2, 2))), ValueError, r"X must have 2 dimension\(s\)"),
    ("standardize strings", lambda: nm.standardize([["a", "b"]]), TypeError, "X must be array-like of numbers"),
    ("gd y shape", lambda: nm.gd_linear_regression(X2, np.ones(3)), ValueError, r"y must have shape \(4\)"),
    ("gd tol", lambda: nm.gd_linear_regression(X2, np.ones(4), tol=0), ValueError, r"tol must be in \(0"),
    ("gd max_iter", lambda: nm.gd_linear_regression(X2, np.ones(4), max_iter=0), ValueError, "max_iter must be"),
    ("gd lr", lambda: nm.gd_linear_regression(X2, np.ones(4), lr=-1.0), ValueError, "lr must be > 0"),
    ("data n", lambda: nm.scaling_data(n=2), ValueError, "n must be an integer >= 3"),
    ("data scale", lambda: nm.scaling_data(scale=0), ValueError, "scale must be > 0"),
    # BatchNorm
    ("bn 1-D", lambda: nm.batch_norm(np.ones(3)), ValueError, r"x must have shape \(N, C\)"),
    ("bn empty", lambda: nm.batch_norm(np.ones((0, 3))), ValueError, "x must not be empty"),
    ("bn NaN", lambda: nm.batch_norm(NAN), ValueError, "x must contain only finite values"),
    ("bn one value", lambda: nm.batch_norm(np.ones((1, 3))), ValueError, "more than 1 value per channel"),
    ("bn gamma shape", lambda: nm.batch_norm(X2, np.ones(2), np.zeros(2)), ValueError, r"gamma must have shape \(3\)"),
    ("bn gamma alone", lambda: nm.batch_norm(X2, G3), ValueError, "gamma and beta must be given together"),
    ("bn rm alone", lambda: nm.batch_norm(X2, running_mean=B3), ValueError, "running_mean and running_var"),
    ("bn rv negative", lambda: nm.batch_norm(X2, running_mean=B3, running_var=-G3), ValueError,
     "running_var must be >= 0"),
    ("bn eval no stats", lambda: nm.batch_norm(X2, training=False), ValueError, "eval mode .* needs running_mean"),
    ("bn momentum", lambda: nm.batch_norm(X2, momentum=1.5), ValueError, r"momentum must be in \[0.0, 1.0\], got 1.5"),
    ("bn momentum kind", lambda: nm.batch_norm(X2, momentum="0.1"), TypeError, "momentum must be a real number"),
    ("bn eps", lambda: nm.batch_norm(X2, eps=0.0), ValueError, "eps must be > 0"),
    ("bn training kind", lambda: nm.batch_norm(X2, training="yes"), TypeError, "training must be True or False"),
    ("bn backward dy", lambda: nm.batch_norm_backward(np.ones((4, 2)), X2), ValueError, r"dy must have shape \(4, 3\)"),
    ("bn backward gamma", lambda: nm.batch_norm_backward(X2, X2, np.ones(4)), ValueError, r"gamma must have shape"),
    ("layer features", lambda: nm.BatchNorm(0), ValueError, "num_features must be an integer >= 1"),
    ("layer momentum", lambda: nm.BatchNorm(3, momentum=2.0), ValueError, "momentum must be in"),
    ("layer channels", lambda: nm.BatchNorm(3).forward(np.ones((4, 2))), ValueError, "x must have 3 channels"),
    ("layer backward first", lambda: nm.BatchNorm(3).backward(X2), ValueError, "call forward before backward"),
    # LayerNorm, InstanceNorm, GroupNorm
    ("ln shape", lambda: nm.layer_norm(X2, 4), ValueError, "normalized_shape must equal the last dims of x"),
    ("ln too long", lambda: nm.layer_norm(X2, (1, 4, 3)), ValueError, "normalized_shape must equal the last dims"),
    ("ln kind", lambda: nm.layer_norm(X2, "3"), TypeError, "normalized_shape must be an int or a tuple"),
    ("ln zero", lambda: nm.layer_norm(X2, 0), ValueError, "normalized_shape must be an integer >= 1"),
    ("ln empty", lambda: nm.layer_norm(np.ones((0, 3)), 3), ValueError, "x must not be empty"),
    ("ln gamma", lambda: nm.layer_norm(X2, 3, np.ones(4), np.zeros(4)), ValueError, r"gamma must have shape \(3\)"),
    ("ln eps", lambda: nm.layer_norm(X2, 3, eps=-1), ValueError, "eps must be > 0"),
    ("ln backward dy", lambda: nm.layer_norm_backward(np.ones(3), X2, 3), ValueError, r"dy must have shape \(4, 3\)"),
    ("rms shape", lambda: nm.rms_norm(X2, 4), ValueError, "normalized_shape must equal the last dims of x"),
    ("rms kind", lambda: nm.rms_norm(X2, "3"), TypeError, "normalized_shape must be an int or a tuple"),
    ("rms empty", lambda: nm.rms_norm(np.ones((0, 3)), 3), ValueError, "x must not be empty"),
    ("rms weight shape", lambda: nm.rms_norm(X2, 3, np.ones(4)), ValueError, r"weight must have shape \(3\)"),
    ("rms eps", lambda: nm.rms_norm(X2, 3, eps=0.0), ValueError, "eps must be > 0"),
    ("rms NaN", lambda: nm.rms_norm(NAN, 3), ValueError, "x must contain only finite values"),
    ("rms backward dy", lambda: nm.rms_norm_backward(np.ones(3), X2, 3), ValueError, r"dy must have shape \(4, 3\)"),
    ("in 2-D", lambda: nm.instance_norm(X2), ValueError, r"x must have shape \(N, C, L\)"),
    ("in one pixel", lambda: nm.instance_norm(np.ones((2, 3, 1, 1))), ValueError, "more than 1 spatial element"),
    ("in beta alone", lambda: nm.instance_norm(np.ones((2, 3, 4)), None, B3), ValueError, "given together"),
    ("gn divide", lambda: nm.group_norm(np.ones((2, 6, 3)), 4), ValueError, "num_groups must divide .* 6, got 4"),
    ("gn zero", lambda: nm.group_norm(np.ones((2, 6, 3)), 0), ValueError, "num_groups must be an integer >= 1"),
    ("gn float", lambda: nm.group_norm(np.ones((2, 6, 3)), 1.5), TypeError, "num_groups must be an integer"),
    ("gn backward dy", lambda: nm.group_norm_backward(np.ones((2, 6)), np.ones((2, 6, 3)), 2), ValueError,
     r"dy must have shape"),
    # experiments
    ("ema momentum", lambda: nm.ema_update(0.0, 1.0, -0.1), ValueError, "momentum must be in"),
    ("ema NaN", lambda: nm.ema_update(np.nan, 1.0), ValueError, "running must be finite|running must contain"),
    ("trajectory 2-D", lambda: nm.running_mean_trajectory(np.ones((2, 2))), ValueError, "batch_means must have 1"),
    ("noise steps", lambda: nm.ema_noise(steps=10), ValueError, "steps must be an integer >= 200"),
    ("stat sizes zero", lambda: nm.batch_stat_error([0, 2]), ValueError, "batch_sizes must be an integer >= 1"),
    ("stat sizes empty", lambda: nm.batch_stat_error([]), ValueError, "batch_sizes must not be empty"),
    ("stat sizes kind", lambda: nm.batch_stat_error("12"), TypeError, "batch_sizes must be a list of integers"),
    ("gap size one", lambda: nm.bn_train_eval_gap([1, 2]), ValueError, "batch_sizes must be an integer >= 2"),
    ("identity 1-D", lambda: nm.identity_affine_params(np.ones(3)), ValueError, r"x must have shape \(N, C, \*\)"),
    ("padding pair", lambda: nm.padding_pollution(companion=(5,)), ValueError, "companion must be a pair"),
    ("padding pair kind", lambda: nm.padding_pollution(companion="ab"), TypeError, "companion must be a pair"),
    # vector norms and penalties
    ("norm ord", lambda: nm.vector_norm(np.ones(3), 0.5), ValueError, "ord must be >= 1.0, got 0.5"),
    ("norm ord kind", lambda: nm.vector_norm(np.ones(3), "fro"), TypeError, "ord must be a real number"),
    ("norm NaN", lambda: nm.vector_norm(np.array([1.0, np.nan])), ValueError, "x must contain only finite"),
    ("normalize axis", lambda: nm.l2_normalize(X2, axis=2), ValueError, r"axis must be an integer in \[-2, 1\]"),
    ("normalize scalar", lambda: nm.l2_normalize(3.0), ValueError, "x must have at least 1 dimension"),
    ("normalize eps", lambda: nm.l2_normalize(X2, eps=0), ValueError, "eps must be > 0"),
    ("l1 lam", lambda: nm.l1_penalty(G3, -1.0), ValueError, "lam must be >= 0"),
    ("l2 w", lambda: nm.l2_penalty([1.0, np.inf], 0.1), ValueError, "w must contain only finite"),
    # figures
    ("fig method", lambda: fig.draw_norm_axes(None, "WeightNorm"), ValueError, "method must be one of"),
    ("fig groups", lambda: fig.draw_norm_axes(None, "GroupNorm", 4), ValueError, "groups must divide 6"),
    ("fig batch", lambda: fig.draw_batch_stat_error(None, 3), ValueError, "batch_size must be one of"),
    ("fig scaling", lambda: fig.draw_scaling_gd((None, None), "log"), ValueError, "scaling must be one of"),
    ("sets norm kind", lambda: nm.statistic_sets("layer_norm", X2), TypeError, "norm must be a function"),
    ("sets empty", lambda: nm.statistic_sets(nm.batch_norm, np.ones((0, 3))), ValueError, "x must not be empty"),
]

F32 = np.ones((4, 3), np.float32)
BOOL = np.ones((4, 3), dtype=bool)

# Arguments whose meaning depends on their type or dtype (issue 11, item 15): each accepts only what it documents.
DTYPE_CASES = [
    # data arrays: numbers only; a bool array is a mask in the wrong place (torch refuses it too)
    ("bn bool x", lambda: nm.batch_norm(BOOL), TypeError, "x must be array-like of numbers .* got a bool array"),
    ("ln bool x", lambda: nm.layer_norm(BOOL, 3), TypeError, "x must be array-like of numbers .* bool"),
    ("in bool x", lambda: nm.instance_norm(np.ones((2, 3, 4), bool)), TypeError, "x must be .* bool"),
    ("gn bool x", lambda: nm.group_norm(np.ones((2, 3, 4), bool), 1), TypeError, "x must be .* bool"),
    ("bn bool gamma", lambda: nm.batch_norm(X2, np.ones(3, bool), B3), TypeError, "gamma must be .* bool"),
    ("bn bool running", lambda: nm.batch_norm(X2, running_mean=np.zeros(3, bool), running_var=G3), TypeError,
     "running_mean must be .* bool"),
    ("ln bool dy", lambda: nm.layer_norm_backward(BOOL, X2, 3), TypeError, "dy must be .* bool"),
    ("rms bool x", lambda: nm.rms_norm(BOOL, 3), TypeError, "x must be array-like of numbers .* bool"),
    ("rms bool weight", lambda: nm.rms_norm(X2, 3, np.ones(3, bool)), TypeError, "weight must be .* bool"),
    ("rms eps float32", lambda: nm.rms_norm(F32, 3, eps=1e-50), ValueError, "eps = 1e-50 .* float32"),
    ("norm bool x", lambda: nm.vector_norm(np.ones(3, bool)), TypeError, "x must be .* bool"),
    ("normalize bool x", lambda: nm.l2_normalize(np.ones(3, bool)), TypeError, "x must be .* bool"),
    ("ema bool", lambda: nm.ema_update(np.zeros(2, bool), np.ones(2)), TypeError, "running must be .* bool"),
    ("bn complex x", lambda: nm.batch_norm(X2 + 1j), TypeError, "x must be array-like of numbers .* complex128"),
    ("std complex X", lambda: nm.standardize(X2 + 1j), TypeError, "X must be array-like of numbers .* complex"),
    ("ln object x", lambda: nm.layer_norm(np.array([[1.0, None]]), 2), TypeError, "x must be array-like of numbers"),
    ("ln ragged x", lambda: nm.layer_norm([[1.0, 2.0], [3.0]], 2), TypeError, "x must be array-like of numbers"),
    # switches: bools only ("False" and 0/1 would be read by truthiness)
    ("bn training int", lambda: nm.batch_norm(X2, training=1), TypeError, "training must be True or False"),
    ("bn backward training", lambda: nm.batch_norm_backward(X2, X2, training="eval"), TypeError, "training must"),
    ("layer affine str", lambda: nm.BatchNorm(3, affine="no"), TypeError, "affine must be True or False"),
    ("layer track int", lambda: nm.BatchNorm(3, track_running_stats=0), TypeError, "track_running_stats must be"),
    ("layer train str", lambda: nm.BatchNorm(3).train("eval"), TypeError, "mode must be True or False"),
    ("layer dtype int", lambda: nm.BatchNorm(3, dtype=np.int64), TypeError, "dtype must be a floating dtype"),
    ("layer dtype junk", lambda: nm.BatchNorm(3, dtype="half-ish"), TypeError, "dtype must be a floating dtype"),
    ("ema notes str", lambda: nm.ema_update(0.0, 1.0, notes="False"), TypeError, "notes must be True or False"),
    ("trajectory notes", lambda: nm.running_mean_trajectory([1.0], notes=1), TypeError, "notes must be True"),
    ("noise notes", lambda: nm.ema_noise(notes="yes"), TypeError, "notes must be True or False"),
    # int-or-tuple and real arguments: bools and floats are not ints, bools are not reals
    ("ln shape float", lambda: nm.layer_norm(X2, 3.0), TypeError, "normalized_shape must be an int or a tuple"),
    ("ln shape bool", lambda: nm.layer_norm(X2, True), TypeError, "normalized_shape must be an integer, got bool"),
    ("ln shape floats", lambda: nm.layer_norm(X2, np.array([3.0])), TypeError, "normalized_shape must be an integer"),
    ("gn groups bool", lambda: nm.group_norm(np.ones((2, 6, 3)), True), TypeError, "num_groups must be an integer"),
    ("bn momentum bool", lambda: nm.batch_norm(X2, momentum=True), TypeError, "momentum must be a real number"),
    ("bn eps bool", lambda: nm.batch_norm(X2, eps=True), TypeError, "eps must be a real number"),
    # reals used in the data's dtype must survive it
    ("bn eps float32", lambda: nm.batch_norm(F32, eps=1e-50), ValueError,
     "eps = 1e-50 is not a positive finite float32 number.*rounds to 0"),
    ("ln eps float32", lambda: nm.layer_norm(F32, 3, eps=1e-50), ValueError, "eps = 1e-50 .* float32"),
    ("ln eps huge", lambda: nm.layer_norm(F32, 3, eps=1e39), ValueError, "eps = 1e\\+39.*overflows"),
    ("normalize eps float32", lambda: nm.l2_normalize(F32, eps=1e-300), ValueError, "eps = 1e-300 .* float32"),
    ("min_max range float32", lambda: nm.min_max_scale(F32, (0.0, 1e-50)), ValueError,
     "feature_range must have low < high in X's dtype float32"),
    ("min_max range overflow", lambda: nm.min_max_scale(F32, (0.0, 1e39)), ValueError, r"feature_range\[1\] = 1e\+39"),
    ("l1 lam float32", lambda: nm.l1_penalty(F32, 1e39), ValueError, "lam = 1e\\+39 is not a finite float32"),
    ("identity eps", lambda: nm.identity_affine_params(F32, eps=1e-50), ValueError, "eps = 1e-50 .* float32"),
]


@pytest.mark.parametrize("label,call,exc,match", CASES + DTYPE_CASES, ids=[c[0] for c in CASES + DTYPE_CASES])
def test_bad_input_raises_a_clear_error(label, call, exc, match):
    with pytest.raises(exc, match=match):
        call()
