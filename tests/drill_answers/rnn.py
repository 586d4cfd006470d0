"""Known wrong answers to the RNN drills (mlnotes/drills/rnn.py): rnn_forward and lstm_cell.

Each is a realistic mistake the checker must fail (and names with a 'Likely bug' hint), or a hostile answer.
numpy and the standard library only: this file is exec'd alone in the browser (Pyodide).
tests/test_drills_rnn.py imports these functions to assert the hint each one gets.
"""

import numpy as np


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


# -- rnn_forward ----------------------------------------------------------------------------------------------
def rnn_by_loop(X, h0, W_x, W_h, b, *, act=np.tanh, transpose=False, stale=False):
    """A correct RNN forward pass with the defaults; each keyword is a bug."""
    h, states = h0, []
    for x in X:
        h = act((W_x.T @ x if transpose else W_x @ x) + W_h @ (h0 if stale else h) + b)
        states.append(h)
    return np.stack(states)


def rnn_last_state_only(X, h0, W_x, W_h, b):
    return rnn_by_loop(X, h0, W_x, W_h, b)[-1]


def rnn_rounded(X, h0, W_x, W_h, b):
    return np.round(rnn_by_loop(X, h0, W_x, W_h, b), 4)


def rnn_no_tanh(X, h0, W_x, W_h, b):
    return rnn_by_loop(X, h0, W_x, W_h, b, act=lambda z: z)


def rnn_sigmoid(X, h0, W_x, W_h, b):
    return rnn_by_loop(X, h0, W_x, W_h, b, act=_sigmoid)


def rnn_transposed_W_x(X, h0, W_x, W_h, b):
    return rnn_by_loop(X, h0, W_x, W_h, b, transpose=True)


def rnn_state_not_carried(X, h0, W_x, W_h, b):
    return rnn_by_loop(X, h0, W_x, W_h, b, stale=True)


def rnn_updates_h0_in_place(X, h0, W_x, W_h, b):
    """Hostile: right states, but h0 is overwritten with the last one."""
    out = rnn_by_loop(X, h0, W_x, W_h, b)
    h0[:] = out[-1]
    return out


# -- lstm_cell ------------------------------------------------------------------------------------------------
def lstm_step_with(x, h, c, W_ih, W_hh, b_ih, b_hh, *, order="ifgo", h_tanh=True, input_gate=True, g_sigmoid=False,
                   hh_bias=True, swap=False):
    """A correct LSTM step with the defaults; each keyword is a bug."""
    a = x @ W_ih.T + b_ih + h @ W_hh.T + (b_hh if hh_bias else 0)
    blocks = dict(zip(order, np.split(a, 4, axis=1)))
    i, f, o = _sigmoid(blocks["i"]), _sigmoid(blocks["f"]), _sigmoid(blocks["o"])
    g = _sigmoid(blocks["g"]) if g_sigmoid else np.tanh(blocks["g"])
    c_new = f * c + (i * g if input_gate else g)
    h_new = o * (np.tanh(c_new) if h_tanh else c_new)
    return (c_new, h_new) if swap else (h_new, c_new)


def lstm_gates_ifog(x, h, c, W_ih, W_hh, b_ih, b_hh):
    return lstm_step_with(x, h, c, W_ih, W_hh, b_ih, b_hh, order="ifog")


def lstm_gates_figo(x, h, c, W_ih, W_hh, b_ih, b_hh):
    return lstm_step_with(x, h, c, W_ih, W_hh, b_ih, b_hh, order="figo")


def lstm_no_tanh_on_cell(x, h, c, W_ih, W_hh, b_ih, b_hh):
    return lstm_step_with(x, h, c, W_ih, W_hh, b_ih, b_hh, h_tanh=False)


def lstm_no_input_gate(x, h, c, W_ih, W_hh, b_ih, b_hh):
    return lstm_step_with(x, h, c, W_ih, W_hh, b_ih, b_hh, input_gate=False)


def lstm_sigmoid_candidate(x, h, c, W_ih, W_hh, b_ih, b_hh):
    return lstm_step_with(x, h, c, W_ih, W_hh, b_ih, b_hh, g_sigmoid=True)


def lstm_missing_b_hh(x, h, c, W_ih, W_hh, b_ih, b_hh):
    return lstm_step_with(x, h, c, W_ih, W_hh, b_ih, b_hh, hh_bias=False)


def lstm_returns_c_then_h(x, h, c, W_ih, W_hh, b_ih, b_hh):
    return lstm_step_with(x, h, c, W_ih, W_hh, b_ih, b_hh, swap=True)


def lstm_resets_c_in_place(x, h, c, W_ih, W_hh, b_ih, b_hh):
    """Hostile: right outputs, but the caller's c is zeroed in place."""
    out = lstm_step_with(x, h, c, W_ih, W_hh, b_ih, b_hh)
    c *= 0
    return out


def lstm_returns_h_only(x, h, c, W_ih, W_hh, b_ih, b_hh):
    """Hostile: one array, not the pair (h_new, c_new)."""
    return lstm_step_with(x, h, c, W_ih, W_hh, b_ih, b_hh)[0]


ANSWERS = {
    "rnn_forward": [rnn_last_state_only, rnn_rounded, rnn_no_tanh, rnn_sigmoid, rnn_transposed_W_x,
                    rnn_state_not_carried, rnn_updates_h0_in_place],
    "lstm_cell": [lstm_gates_ifog, lstm_gates_figo, lstm_no_tanh_on_cell, lstm_no_input_gate, lstm_sigmoid_candidate,
                  lstm_missing_b_hh, lstm_returns_c_then_h, lstm_resets_c_in_place, lstm_returns_h_only],
}
