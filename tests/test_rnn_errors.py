"""Bad inputs to mlnotes.rnn raise ValueError/TypeError whose message names the argument and the expected form."""

import numpy as np
import pytest

from mlnotes import rnn
from mlnotes.rnn import gradients, sequence, tasks

P = rnn.init_params("rnn", 3, 4)
PL = rnn.init_params("lstm", 3, 4)
X = np.ones((5, 2, 3))
_, _, CACHE = rnn.forward(X, P, "rnn")

CASES = [
    ("cell name", lambda: rnn.forward(X, P, "transformer"), ValueError, "cell must be one of 'rnn', 'lstm', 'gru'"),
    ("cell kind", lambda: rnn.init_params(3, 3, 4), ValueError, "cell must be one of"),
    ("X 2-D", lambda: rnn.forward(np.ones((5, 3)), P), ValueError, "X must have 3 dimension"),
    ("X bool", lambda: rnn.forward(X.astype(bool), P), TypeError, "X must be array-like of numbers.*bool"),
    ("X NaN", lambda: rnn.forward(np.full((5, 2, 3), np.nan), P), ValueError, "X must contain only finite"),
    ("X empty", lambda: rnn.forward(np.ones((0, 2, 3)), P), ValueError, "X must have at least one step"),
    ("X features", lambda: rnn.forward(np.ones((5, 2, 4)), P), ValueError, r"weight_ih_l0 must have shape \(4, 4\)"),
    ("params keys", lambda: rnn.forward(X, {"w": 1}), ValueError, "params must be a dict with keys"),
    ("params kind", lambda: rnn.forward(X, [1, 2]), ValueError, "params must be a dict with keys"),
    ("params gates", lambda: rnn.forward(X, P, "lstm"), ValueError, r"weight_ih_l0 must have shape \(16, 3\)"),
    ("h0 shape", lambda: rnn.forward(X, P, h0=np.ones((3, 4))), ValueError, r"h0 must have shape \(2, 4\)"),
    ("c0 shape", lambda: rnn.forward(X, PL, "lstm", c0=np.ones(4)), ValueError, r"c0 must have shape \(2, 4\)"),
    ("nonlinearity", lambda: rnn.forward(X, P, nonlinearity="sigmoid"), ValueError, "nonlinearity must be 'tanh' or 'relu'"),
    ("dout shape", lambda: rnn.backward(np.ones((4, 2, 4)), CACHE), ValueError, r"dout must have shape \(5, 2, 4\)"),
    ("dc_n for rnn", lambda: rnn.backward(np.ones((5, 2, 4)), CACHE, dc_n=np.ones((2, 4))), ValueError,
     "dc_n is only for the LSTM"),
    ("cache kind", lambda: rnn.backward(np.ones((5, 2, 4)), {"steps": []}), TypeError, "cache must be the Cache"),
    ("hidden 0", lambda: rnn.init_params("gru", 3, 0), ValueError, "hidden_size must be an integer >= 1"),
    ("count layers", lambda: rnn.param_count("lstm", 3, 4, num_layers=0), ValueError, "num_layers must be an integer >= 1"),
    ("count flag", lambda: rnn.param_count("lstm", 3, 4, bidirectional="yes"), TypeError, "bidirectional and bias"),
    ("rho negative", lambda: rnn.scaled_rnn_params(-1.0), ValueError, "rho must be >= 0"),
    ("activation", lambda: rnn.hidden_gradient_norms(1.0, activation="relu"), ValueError, "activation must be 'tanh' or 'linear'"),
    ("length 0", lambda: rnn.hidden_gradient_norms(1.0, length=0), ValueError, "length must be an integer >= 1"),
    ("gate bias kind", lambda: gradients.input_gradient_norms("lstm", "open"), TypeError, "gate_bias must be a real"),
    ("task cell", lambda: tasks.train("cnn"), ValueError, "cell must be one of"),
    ("task lr", lambda: tasks.train("rnn", tasks.TaskConfig(lr=-1.0, steps=1)), ValueError, "lr must be > 0"),
    ("one-hot float ids", lambda: rnn.one_hot(np.array([0.5]), 3), TypeError, "ids must be integers"),
    ("one-hot range", lambda: rnn.one_hot(np.array([3]), 3), ValueError, r"ids must be in \[0, 3\)"),
    ("embed weight", lambda: rnn.embed(np.array([0]), np.ones(3)), ValueError, r"weight must be a float matrix \(V, d\)"),
    ("embed range", lambda: rnn.embed(np.array([-1]), np.ones((3, 2))), ValueError, r"ids must be in \[0, 3\)"),
    ("size rules", lambda: rnn.embedding_size_rules(1), ValueError, "n must be an integer >= 2"),
    ("wordpiece empty", lambda: rnn.wordpiece("", {"a"}), ValueError, "word must be a non-empty string"),
    ("teacher forcing", lambda: rnn.teacher_forcing_inputs(np.ones((2, 3)), 1), ValueError, r"targets must be a \(B, T\) integer"),
    ("teacher bos", lambda: rnn.teacher_forcing_inputs(np.ones((2, 3), int), -1), ValueError, "bos must be an integer >= 0"),
]


@pytest.mark.parametrize("name, call, exc, match", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_refused_with_a_clear_message(name, call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_sequence_names_are_torchs():
    assert sequence.NAMES == ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")
