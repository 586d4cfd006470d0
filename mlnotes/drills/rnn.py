r"""Drills: an RNN forward pass over a sequence (the notes' drill) and one LSTM cell step.

1. ``rnn_forward(X, h0, W_x, W_h, b)``: X (T, D), h0 (H,), W_x (H, D), W_h (H, H), b (H,) →
   **all** hidden states (T, H), $h_t = \tanh(W_x x_t + W_h h_{t-1} + b)$. Reference: ``torch.nn.RNN`` with
   ``weight_ih = W_x``, ``weight_hh = W_h``, ``bias_ih = b``, ``bias_hh = 0``, in float64; in the browser
   (Pyodide) :func:`mlnotes.rnn.forward` with the same parameters, proven equal in
   tests/test_rnn.py::test_sequence_forward_backward_equal_torch.
2. ``lstm_cell(x, h, c, W_ih, W_hh, b_ih, b_hh)``: x (B, D), h and c (B, H), torch's layout (4H, D), (4H, H),
   (4H,), (4H,) with gates in the order i, f, g, o → ``(h_new, c_new)``. Reference: ``torch.nn.LSTMCell``
   (float64); in the browser (Pyodide) :func:`mlnotes.rnn.lstm_step`, proven equal in
   tests/test_rnn.py::test_single_steps_equal_torch_cells.

On a mismatch the checker replays common mistakes and names the one that reproduces your output.

See chapter: chapters/rnn.md
"""

from __future__ import annotations

import numpy as np

from mlnotes.drills.cnn import with_hints
from mlnotes.drills.core import Case, Verdict, check, library_oracle


# -- worked solutions ----------------------------------------------------------------------------------------
def rnn_forward_solution(X, h0, W_x, W_h, b):
    """h_t = tanh(W_x x_t + W_h h_{t−1} + b) for t = 1..T; returns every h_t stacked (T, H).

    See chapter: chapters/rnn.md
    """
    h, states = h0, []
    for x in X:  # one step per row of X
        h = np.tanh(W_x @ x + W_h @ h + b)  # the new state depends on the input and the previous state
        states.append(h)
    return np.stack(states)  # (T, H)


def lstm_cell_solution(x, h, c, W_ih, W_hh, b_ih, b_hh):
    """One LSTM step in torch's layout: gates i, f, g, o from one matrix product each for x and h.

    See chapter: chapters/rnn.md
    """
    a = x @ W_ih.T + b_ih + h @ W_hh.T + b_hh  # (B, 4H): all pre-activations at once
    ai, af, ag, ao = np.split(a, 4, axis=1)  # torch's order: input, forget, cell (g), output
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    i, f, g, o = sig(ai), sig(af), np.tanh(ag), sig(ao)
    c_new = f * c + i * g  # keep part of the old cell, write part of the new candidate
    h_new = o * np.tanh(c_new)
    return h_new, c_new


# -- 1. RNN forward ------------------------------------------------------------------------------------------
def rnn_cases() -> list:
    """Named inputs for the RNN drill."""
    specs = [("T = 5, D = 3, H = 4", 5, 3, 4, 0.5), ("a single step T = 1", 1, 3, 2, 0.5),
             ("H = D = 3: transposing W_x still runs, and is wrong", 4, 3, 3, 0.8),
             ("large weights: tanh saturates near ±1", 6, 2, 3, 3.0), ("a long sequence T = 40", 40, 2, 5, 0.4),
             ("the notes' example shape: 3 steps of 2 features, H = 2", 3, 2, 2, 0.6)]
    cases = []
    for i, (name, T, D, H, scale) in enumerate(specs):
        rng = np.random.default_rng(700 + i)
        cases.append(Case(name, {"X": rng.standard_normal((T, D)), "h0": 0.5 * rng.standard_normal(H),
                                 "W_x": scale * rng.standard_normal((H, D)), "W_h": scale * rng.standard_normal((H, H)),
                                 "b": 0.3 * rng.standard_normal(H)}))
    return cases


def _rnn_reference(X, h0, W_x, W_h, b):
    if not library_oracle():  # the browser: the book's RNN, equal to torch.nn.RNN (tests/test_rnn.py)
        from mlnotes.rnn.sequence import forward

        f64 = lambda a: np.asarray(a, dtype=np.float64)  # noqa: E731
        params = {"weight_ih_l0": f64(W_x), "weight_hh_l0": f64(W_h), "bias_ih_l0": f64(b), "bias_hh_l0": 0 * f64(b)}
        out, _, _ = forward(f64(X)[:, None], params, "rnn", h0=f64(h0)[None])
        return out[:, 0]
    import torch

    H, D = W_x.shape
    rnn = torch.nn.RNN(D, H).double()
    with torch.no_grad():
        for name, value in [("weight_ih_l0", W_x), ("weight_hh_l0", W_h), ("bias_ih_l0", b), ("bias_hh_l0", 0 * b)]:
            getattr(rnn, name).copy_(torch.from_numpy(np.asarray(value, dtype=np.float64)))
        out, _ = rnn(torch.tensor(X, dtype=torch.float64)[:, None], torch.tensor(h0, dtype=torch.float64)[None, None])
    return out[:, 0].numpy()


def _rnn_variant(X, h0, W_x, W_h, b, *, act=np.tanh, transpose=False, stale=False):
    h, states = h0, []
    for x in X:
        prev = h0 if stale else h
        h = act((W_x.T @ x if transpose else W_x @ x) + W_h @ prev + b)
        states.append(h)
    return np.stack(states)


_RNN_MISTAKES = [
    ("you return only the final state; return every h_t, stacked as (T, H).",
     lambda **kw: _rnn_reference(**kw)[-1]),
    ("the result is rounded to 4 decimals (the notes' np.round): return full precision.",
     lambda **kw: np.round(_rnn_reference(**kw), 4)),
    ("the tanh is missing: h_t = tanh(W_x x_t + W_h h_{t−1} + b).", lambda **kw: _rnn_variant(**kw, act=lambda z: z)),
    ("sigmoid instead of tanh.", lambda **kw: _rnn_variant(**kw, act=lambda z: 1 / (1 + np.exp(-z)))),
    ("W_x is used transposed; it has shape (H, D): compute W_x @ x.", lambda **kw: _rnn_variant(**kw, transpose=True)),
    ("the state is not carried over: each step must use the previous step's h, not h0.",
     lambda **kw: _rnn_variant(**kw, stale=True)),
]


def check_rnn_forward(fn) -> Verdict:
    """Check ``fn(X, h0, W_x, W_h, b)`` → all hidden states (T, H) against ``torch.nn.RNN`` (float64).

    Reference: ``torch.nn.RNN`` (float64); in the browser (Pyodide) :func:`mlnotes.rnn.forward`, proven equal in
    tests/test_rnn.py::test_sequence_forward_backward_equal_torch.
    See chapter: chapters/rnn.md
    """
    cases = rnn_cases()
    with np.errstate(all="ignore"):
        verdict = check(fn, _rnn_reference, cases, drill="RNN forward", output_names=("hidden states",),
                        rtol=1e-9, atol=1e-12)
        return with_hints(verdict, fn, cases, _RNN_MISTAKES, _rnn_reference)


# -- 2. LSTM cell ---------------------------------------------------------------------------------------------
def lstm_cases() -> list:
    """Named inputs for the LSTM-cell drill (torch's layout)."""
    specs = [("B = 2, D = 3, H = 4", 2, 3, 4, 0.5), ("a single sequence B = 1", 1, 2, 3, 0.5),
             ("H = 1: four gates of one unit", 3, 2, 1, 0.8), ("large pre-activations: saturated gates", 2, 3, 2, 4.0),
             ("D = H = 5", 4, 5, 5, 0.4), ("zero state: the first step of a sequence", 2, 3, 3, 0.7)]
    cases = []
    for i, (name, B, D, H, scale) in enumerate(specs):
        rng = np.random.default_rng(800 + i)
        zero = name.startswith("zero")
        cases.append(Case(name, {"x": rng.standard_normal((B, D)),
                                 "h": np.zeros((B, H)) if zero else 0.5 * rng.standard_normal((B, H)),
                                 "c": np.zeros((B, H)) if zero else rng.standard_normal((B, H)),
                                 "W_ih": scale * rng.standard_normal((4 * H, D)),
                                 "W_hh": scale * rng.standard_normal((4 * H, H)),
                                 "b_ih": 0.5 * rng.standard_normal(4 * H), "b_hh": 0.5 * rng.standard_normal(4 * H)}))
    return cases


def _lstm_reference(x, h, c, W_ih, W_hh, b_ih, b_hh):
    if not library_oracle():  # the browser: the book's LSTM step, equal to torch.nn.LSTMCell (tests/test_rnn.py)
        from mlnotes.rnn.cells import lstm_step

        f64 = lambda a: np.asarray(a, dtype=np.float64)  # noqa: E731
        params = {"weight_ih_l0": f64(W_ih), "weight_hh_l0": f64(W_hh), "bias_ih_l0": f64(b_ih),
                  "bias_hh_l0": f64(b_hh)}
        h_new, c_new, _ = lstm_step(f64(x), f64(h), f64(c), params)
        return h_new, c_new
    import torch

    cell = torch.nn.LSTMCell(x.shape[1], h.shape[1]).double()
    with torch.no_grad():
        for name, value in [("weight_ih", W_ih), ("weight_hh", W_hh), ("bias_ih", b_ih), ("bias_hh", b_hh)]:
            getattr(cell, name).copy_(torch.from_numpy(np.asarray(value, dtype=np.float64)))
        tx, th, tc = (torch.tensor(a, dtype=torch.float64) for a in (x, h, c))
        h_new, c_new = cell(tx, (th, tc))
    return h_new.numpy(), c_new.numpy()


def _lstm_variant(x, h, c, W_ih, W_hh, b_ih, b_hh, *, order="ifgo", h_tanh=True, input_gate=True, g_sigmoid=False,
                  hh_bias=True, swap=False):
    a = x @ W_ih.T + b_ih + h @ W_hh.T + (b_hh if hh_bias else 0)
    blocks = dict(zip(order, np.split(a, 4, axis=1)))
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    i, f, o = sig(blocks["i"]), sig(blocks["f"]), sig(blocks["o"])
    g = sig(blocks["g"]) if g_sigmoid else np.tanh(blocks["g"])
    c_new = f * c + (i * g if input_gate else g)
    h_new = o * (np.tanh(c_new) if h_tanh else c_new)
    return (c_new, h_new) if swap else (h_new, c_new)


_LSTM_MISTAKES = [
    ("the gates are in the order i, f, o, g; torch stacks them as i, f, g, o.",
     lambda **kw: _lstm_variant(**kw, order="ifog")),
    ("the gates are in the order f, i, g, o; torch stacks them as i, f, g, o.",
     lambda **kw: _lstm_variant(**kw, order="figo")),
    ("h_new = o ⊙ c_new: the cell state goes through tanh first, h = o ⊙ tanh(c).",
     lambda **kw: _lstm_variant(**kw, h_tanh=False)),
    ("the input gate is missing: c_new = f ⊙ c + i ⊙ g.", lambda **kw: _lstm_variant(**kw, input_gate=False)),
    ("the candidate g uses a sigmoid; it is tanh (it can be negative).", lambda **kw: _lstm_variant(**kw, g_sigmoid=True)),
    ("b_hh is missing: torch adds both biases, b_ih and b_hh.", lambda **kw: _lstm_variant(**kw, hh_bias=False)),
    ("(c_new, h_new) returned in the wrong order: return (h_new, c_new).", lambda **kw: _lstm_variant(**kw, swap=True)),
]


def check_lstm_cell(fn) -> Verdict:
    """Check ``fn(x, h, c, W_ih, W_hh, b_ih, b_hh)`` → (h_new, c_new) against ``torch.nn.LSTMCell`` (float64).

    Reference: ``torch.nn.LSTMCell`` (float64); in the browser (Pyodide) :func:`mlnotes.rnn.lstm_step`, proven
    equal in tests/test_rnn.py::test_single_steps_equal_torch_cells.
    See chapter: chapters/rnn.md
    """
    cases = lstm_cases()
    with np.errstate(all="ignore"):
        verdict = check(fn, _lstm_reference, cases, drill="LSTM cell", output_names=("h_new", "c_new"),
                        rtol=1e-9, atol=1e-12)
        return with_hints(verdict, fn, cases, _LSTM_MISTAKES, _lstm_reference)  # a (h, c) pair: one stacked array
