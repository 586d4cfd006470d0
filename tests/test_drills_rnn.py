"""The RNN drills: worked solutions pass, typical mistakes fail with a named hint, hostile code never crashes the
checker."""

import numpy as np
import pytest

from mlnotes.drills.rnn import check_lstm_cell, check_rnn_forward, lstm_cell_solution, rnn_forward_solution


def failed(verdict):
    return {r.name: r.message for r in verdict.results if not r.passed}


def test_solutions_pass():
    assert check_rnn_forward(rnn_forward_solution).passed
    assert check_lstm_cell(lstm_cell_solution).passed


def rnn_variant(X, h0, W_x, W_h, b, *, act=np.tanh, transpose=False, stale=False, last=False, rounded=False):
    h, states = h0, []
    for x in X:
        h = act((W_x.T @ x if transpose else W_x @ x) + W_h @ (h0 if stale else h) + b)
        states.append(h)
    out = np.stack(states)
    out = out[-1] if last else out
    return np.round(out, 4) if rounded else out


@pytest.mark.parametrize("kw, hint", [
    (dict(last=True), "only the final state"), (dict(rounded=True), "rounded to 4 decimals"),
    (dict(act=lambda z: z), "tanh is missing"), (dict(act=lambda z: 1 / (1 + np.exp(-z))), "sigmoid instead of tanh"),
    (dict(transpose=True), "W_x is used transposed"), (dict(stale=True), "not carried over"),
])
def test_rnn_mistakes_are_named(kw, hint):
    verdict = check_rnn_forward(lambda X, h0, W_x, W_h, b: rnn_variant(X, h0, W_x, W_h, b, **kw))
    assert not verdict.passed
    assert any(hint in m for m in failed(verdict).values()), failed(verdict)


def lstm_variant(x, h, c, W_ih, W_hh, b_ih, b_hh, *, order="ifgo", h_tanh=True, input_gate=True, g_sig=False,
                 hh_bias=True, swap=False):
    a = x @ W_ih.T + b_ih + h @ W_hh.T + (b_hh if hh_bias else 0)
    blocks = dict(zip(order, np.split(a, 4, axis=1)))
    s = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    i, f, o = s(blocks["i"]), s(blocks["f"]), s(blocks["o"])
    g = s(blocks["g"]) if g_sig else np.tanh(blocks["g"])
    c_new = f * c + (i * g if input_gate else g)
    h_new = o * (np.tanh(c_new) if h_tanh else c_new)
    return (c_new, h_new) if swap else (h_new, c_new)


@pytest.mark.parametrize("kw, hint", [
    (dict(order="ifog"), "order i, f, o, g"), (dict(order="figo"), "order f, i, g, o"),
    (dict(h_tanh=False), "h = o ⊙ tanh(c)"), (dict(input_gate=False), "input gate is missing"),
    (dict(g_sig=True), "uses a sigmoid"), (dict(hh_bias=False), "b_hh is missing"), (dict(swap=True), "wrong order"),
])
def test_lstm_mistakes_are_named(kw, hint):
    verdict = check_lstm_cell(lambda x, h, c, W_ih, W_hh, b_ih, b_hh: lstm_variant(x, h, c, W_ih, W_hh, b_ih, b_hh, **kw))
    assert not verdict.passed
    assert any(hint in m for m in failed(verdict).values()), failed(verdict)


def raises(*args, **kwargs):
    raise ValueError("bad")


def mutates_rnn(X, h0, W_x, W_h, b):
    out = rnn_forward_solution(X, h0, W_x, W_h, b)
    h0 += 1
    return out


def mutates_lstm(x, h, c, W_ih, W_hh, b_ih, b_hh):
    out = lstm_cell_solution(x, h, c, W_ih, W_hh, b_ih, b_hh)
    c *= 0
    return out


@pytest.mark.parametrize("check, fn, words", [
    (check_rnn_forward, raises, "raised ValueError: bad"), (check_lstm_cell, raises, "raised ValueError: bad"),
    (check_rnn_forward, lambda *a, **k: None, "should be an array"), (check_lstm_cell, lambda *a, **k: None,
                                                                      "should return a tuple"),
    (check_lstm_cell, lambda *a, **k: (1.0,), "tuple of 2"), (check_rnn_forward, mutates_rnn, "modified its input"),
    (check_lstm_cell, mutates_lstm, "modified its input"), (check_rnn_forward, "not a function", "expected a function"),
    (check_rnn_forward, lambda **k: np.full((len(k["X"]), len(k["b"])), np.nan), "NaN/inf"),
])
def test_hostile_code_gets_a_verdict(check, fn, words):
    verdict = check(fn)
    assert not verdict.passed
    assert words in verdict.message
    str(verdict), verdict._repr_html_()
