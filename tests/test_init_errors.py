"""Bad inputs to mlnotes.init and mlnotes.activations raise the right exception, naming the argument."""

import numpy as np
import pytest

from mlnotes import activations as A
from mlnotes import init as I
from mlnotes.activations.dying import train_dying
from mlnotes.activations.reference import torch_activation
from mlnotes.init.symmetry import train

BAD = [
    # initializers
    ("gain unknown", lambda: I.calculate_gain("softmax"), ValueError, r"nonlinearity must be one of"),
    ("gain param str", lambda: I.calculate_gain("leaky_relu", "0.2"), TypeError, r"param \(negative slope\) must be a real"),
    ("fans 1-D", lambda: I.fan_in_and_fan_out((5,)), ValueError, r"shape must have at least 2 dimensions"),
    ("shape zero", lambda: I.xavier_uniform((0, 3)), ValueError, r"shape must hold positive sizes"),
    ("shape string", lambda: I.xavier_uniform("3,4"), TypeError, r"shape must be a tuple of ints"),
    ("shape float", lambda: I.kaiming_normal((3.0, 4)), TypeError, r"shape must be a tuple of ints"),
    ("shape bool", lambda: I.zeros((True, 2)), TypeError, r"shape must be a tuple of ints"),
    ("mode", lambda: I.kaiming_normal((4, 4), mode="fan_avg"), ValueError, r"mode must be 'fan_in' or 'fan_out'"),
    ("gain < 0", lambda: I.xavier_normal((4, 4), gain=-1.0), ValueError, r"gain must be >= 0.0"),
    ("std < 0", lambda: I.normal((2, 2), std=-0.1), ValueError, r"std must be >= 0.0"),
    ("uniform a >= b", lambda: I.uniform((2, 2), 1.0, 1.0), ValueError, r"a must be < b"),
    ("rng type", lambda: I.xavier_uniform((2, 2), rng=42), TypeError, r"rng must be a numpy.random.Generator"),
    ("constant nan", lambda: I.constant((2, 2), float("nan")), ValueError, r"val must be finite"),
    # deep statistics and experiments
    ("stats init", lambda: I.layer_statistics("LSUV", "ReLU"), ValueError, r"init must be one of"),
    ("stats activation", lambda: I.layer_statistics("He", "swish"), ValueError, r"activation must be one of"),
    ("stats depth 0", lambda: I.layer_statistics("He", "ReLU", 0), ValueError, r"depth must be an integer in \[1, 50\]"),
    ("stats depth 51", lambda: I.layer_statistics("He", "ReLU", 51), ValueError, r"depth must be an integer in \[1, 50\]"),
    ("stats depth float", lambda: I.layer_statistics("He", "ReLU", 20.0), TypeError, r"depth must be an integer"),
    ("variance gain short", lambda: I.variance_gain_per_layer(np.ones(4)), ValueError, r"at least skip \+ 2 positive"),
    ("variance gain zero", lambda: I.variance_gain_per_layer(np.zeros(10)), ValueError, r"positive finite"),
    ("symmetry init", lambda: train("orthogonal"), ValueError, r"init must be one of"),
    ("dying activation", lambda: train_dying(0.1, "tanh"), ValueError, r"activation must be 'ReLU' or 'LeakyReLU'"),
    # activations
    ("sigmoid string", lambda: A.sigmoid("x"), TypeError, r"x must be an array of real numbers"),
    ("sigmoid nan", lambda: A.sigmoid(np.array([np.nan])), ValueError, r"x must contain only finite"),
    ("sigmoid complex", lambda: A.sigmoid(np.ones(2, complex)), TypeError, r"x must hold real numbers"),
    ("leaky slope str", lambda: A.leaky_relu(np.ones(2), "0.1"), TypeError, r"negative_slope must be a real number"),
    ("elu alpha < 0", lambda: A.elu(np.ones(2), -1.0), ValueError, r"alpha must be >= 0.0"),
    ("gelu approximate", lambda: A.gelu(np.ones(2), "fast"), ValueError, r"approximate must be 'none' or 'tanh'"),
    ("gelu_grad approximate", lambda: A.gelu_grad(np.ones(2), "erf"), ValueError, r"approximate must be"),
    ("softmax scalar", lambda: A.softmax(1.0), ValueError, r"x must have at least 1 dimension"),
    ("softmax empty", lambda: A.softmax(np.ones((2, 0))), ValueError, r"x must not be empty"),
    ("softmax axis", lambda: A.softmax(np.ones((2, 3)), axis=2), ValueError, r"axis must be in \[-2, 1\]"),
    ("softmax_backward shape", lambda: A.softmax_backward(np.ones((2, 3)), np.ones(3)), ValueError,
     r"grad_output must have the shape of x"),
    ("get_activation", lambda: A.get_activation("softsign"), ValueError, r"activation must be one of"),
    ("torch_activation", lambda: torch_activation("softsign"), ValueError, r"activation must be one of"),
]


@pytest.mark.parametrize("name,call,exc,match", BAD, ids=[b[0] for b in BAD])
def test_bad_input_raises_named_error(name, call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_dtypes_are_kept():
    x32 = np.linspace(-3, 3, 7, dtype=np.float32)
    for f in (A.sigmoid, A.sigmoid_grad, A.tanh, A.relu, A.leaky_relu, A.elu, A.gelu, A.silu, A.softmax):
        assert f(x32).dtype == np.float32
    assert A.sigmoid(np.arange(3)).dtype == np.float64  # ints become float64
