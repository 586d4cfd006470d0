"""Known wrong answers to the drills of ``mlnotes/drills/init.py``: reader code with one realistic mistake each.

numpy only (run alone in the browser too); ``ANSWERS`` maps each drill to its wrong answers
(see ``tests/drill_answers/harness.py``). ``tests/test_drills_init.py`` imports them to check the hints.
"""

import math

import numpy as np


def _fans(shape):
    receptive = int(np.prod(shape[2:]))
    return shape[1] * receptive, shape[0] * receptive


# -- Xavier uniform -------------------------------------------------------------------------------------------
def xavier_fan_in_only(shape, gain=1.0, rng=None):
    """a = gain·√(6/fan_in): He's bound."""
    return rng.uniform(-1, 1, shape) * gain * math.sqrt(6 / _fans(shape)[0])


def xavier_std_as_bound(shape, gain=1.0, rng=None):
    """The normal std √(2/(fan_in + fan_out)) used as the uniform bound."""
    return rng.uniform(-1, 1, shape) * gain * math.sqrt(2 / sum(_fans(shape)))


def xavier_normal_draw(shape, gain=1.0, rng=None):
    """Xavier *normal*: the right std, the wrong distribution."""
    return rng.standard_normal(shape) * gain * math.sqrt(2 / sum(_fans(shape)))


def xavier_no_kernel(shape, gain=1.0, rng=None):
    """fan_in = shape[1], fan_out = shape[0]: the kernel size forgotten."""
    return rng.uniform(-1, 1, shape) * gain * math.sqrt(6 / (shape[0] + shape[1]))


def xavier_no_gain(shape, gain=1.0, rng=None):
    """The gain ignored."""
    return rng.uniform(-1, 1, shape) * math.sqrt(6 / sum(_fans(shape)))


def xavier_rand_unit(shape, gain=1.0, rng=None):
    """U(0, 1)·0.01: not centred."""
    return rng.random(shape) * 0.01


def xavier_fresh_generator(shape, gain=1.0, rng=None):
    """Ignores ``rng`` (a fresh seeded generator) and returns a (512, 512) weight whatever the shape."""
    a = gain * math.sqrt(6 / sum(_fans(shape)))
    return np.random.default_rng(0).uniform(-a, a, (512, 512))


# -- He (Kaiming) normal ----------------------------------------------------------------------------------------
def kaiming_fan_out(shape, rng=None):
    """Divides by fan_out."""
    return rng.standard_normal(shape) * math.sqrt(2 / _fans(shape)[1])


def kaiming_no_relu_gain(shape, rng=None):
    """Variance 1/fan_in (LeCun): the ReLU gain 2 missing."""
    return rng.standard_normal(shape) * math.sqrt(1 / _fans(shape)[0])


def kaiming_variance_as_std(shape, rng=None):
    """2/fan_in used as the std."""
    return rng.standard_normal(shape) * 2 / _fans(shape)[0]


def kaiming_xavier_std(shape, rng=None):
    """Xavier's std √(2/(fan_in + fan_out))."""
    return rng.standard_normal(shape) * math.sqrt(2 / sum(_fans(shape)))


def kaiming_uniform_draw(shape, rng=None):
    """He *uniform*: the right std, the wrong distribution."""
    return rng.uniform(-1, 1, shape) * math.sqrt(6 / _fans(shape)[0])


# -- stable sigmoid ----------------------------------------------------------------------------------------------
def sigmoid_naive(x):
    """1/(1 + e^{−x}): right values, but e^{1000} overflows (a numpy warning)."""
    return 1 / (1 + np.exp(-x))


def sigmoid_exp_over_one_plus_exp(x):
    """eˣ/(1 + eˣ): inf/inf = NaN for large x."""
    return np.exp(x) / (1 + np.exp(x))


def sigmoid_flipped(x):
    """σ(−x) = 1/(1 + eˣ) (clipped so it never overflows)."""
    return 1 / (1 + np.exp(np.clip(x, -700, 700)))


def sigmoid_clipped_input(x):
    """Clips x to [−30, 30] before 1/(1 + e^{−x}): σ(−100) comes out e^{−30}."""
    return 1 / (1 + np.exp(-np.clip(x, -30, 30)))


def sigmoid_overwrites_x(x):
    """The stable form, but written into x (``x[...] = …``)."""
    e = np.exp(-np.abs(x))
    x[...] = np.where(x >= 0, 1 / (1 + e), e / (1 + e))
    return x


def sigmoid_returns_list(x):
    """A Python list of floats: fine for 1-D input, but it loses the 2-D shape."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).ravel().tolist()


ANSWERS = {
    "xavier_uniform": [xavier_fan_in_only, xavier_std_as_bound, xavier_normal_draw, xavier_no_kernel, xavier_no_gain,
                       xavier_rand_unit, xavier_fresh_generator],
    "kaiming_normal": [kaiming_fan_out, kaiming_no_relu_gain, kaiming_variance_as_std, kaiming_xavier_std,
                       kaiming_uniform_draw],
    "sigmoid": [sigmoid_naive, sigmoid_exp_over_one_plus_exp, sigmoid_flipped, sigmoid_clipped_input,
                sigmoid_overwrites_x, sigmoid_returns_list],
}
