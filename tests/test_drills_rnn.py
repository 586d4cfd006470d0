"""The RNN drills: worked solutions pass, typical mistakes fail with a named hint, hostile code never crashes the
checker."""

import numpy as np
import pytest

from mlnotes.drills.rnn import check_lstm_cell, check_rnn_forward, lstm_cell_solution, rnn_forward_solution
from tests.drill_answers.rnn import (lstm_gates_figo, lstm_gates_ifog, lstm_missing_b_hh, lstm_no_input_gate,
                                     lstm_no_tanh_on_cell, lstm_resets_c_in_place, lstm_returns_c_then_h,
                                     lstm_returns_h_only, lstm_sigmoid_candidate, rnn_last_state_only, rnn_no_tanh,
                                     rnn_rounded, rnn_sigmoid, rnn_state_not_carried, rnn_transposed_W_x,
                                     rnn_updates_h0_in_place)


def failed(verdict):
    return {r.name: r.message for r in verdict.results if not r.passed}


def test_solutions_pass():
    assert check_rnn_forward(rnn_forward_solution).passed
    assert check_lstm_cell(lstm_cell_solution).passed


@pytest.mark.parametrize("fn, hint", [
    (rnn_last_state_only, "only the final state"), (rnn_rounded, "rounded to 4 decimals"),
    (rnn_no_tanh, "tanh is missing"), (rnn_sigmoid, "sigmoid instead of tanh"),
    (rnn_transposed_W_x, "W_x is used transposed"), (rnn_state_not_carried, "not carried over"),
])
def test_rnn_mistakes_are_named(fn, hint):
    verdict = check_rnn_forward(fn)
    assert not verdict.passed
    assert any(hint in m for m in failed(verdict).values()), failed(verdict)


@pytest.mark.parametrize("fn, hint", [
    (lstm_gates_ifog, "order i, f, o, g"), (lstm_gates_figo, "order f, i, g, o"),
    (lstm_no_tanh_on_cell, "h = o ⊙ tanh(c)"), (lstm_no_input_gate, "input gate is missing"),
    (lstm_sigmoid_candidate, "uses a sigmoid"), (lstm_missing_b_hh, "b_hh is missing"),
    (lstm_returns_c_then_h, "wrong order"),
])
def test_lstm_mistakes_are_named(fn, hint):
    verdict = check_lstm_cell(fn)
    assert not verdict.passed
    assert any(hint in m for m in failed(verdict).values()), failed(verdict)


def raises(*args, **kwargs):
    raise ValueError("bad")


@pytest.mark.parametrize("fn", [rnn_updates_h0_in_place, lstm_resets_c_in_place])
def test_modified_inputs_get_no_value_hint(fn):
    check = check_rnn_forward if fn is rnn_updates_h0_in_place else check_lstm_cell
    verdict = check(fn)
    assert "modified its input" in verdict.message
    assert not any("Likely bug" in m for m in failed(verdict).values())  # the outputs are right


@pytest.mark.parametrize("check, fn, words", [
    (check_rnn_forward, raises, "raised ValueError: bad"), (check_lstm_cell, raises, "raised ValueError: bad"),
    (check_rnn_forward, lambda *a, **k: None, "should be an array"), (check_lstm_cell, lambda *a, **k: None,
                                                                      "should return a tuple"),
    (check_lstm_cell, lambda *a, **k: (1.0,), "tuple of 2"),
    (check_lstm_cell, lstm_returns_h_only, "should return a tuple"),
    (check_rnn_forward, rnn_updates_h0_in_place, "modified its input"),
    (check_lstm_cell, lstm_resets_c_in_place, "modified its input"),
    (check_rnn_forward, "not a function", "expected a function"),
    (check_rnn_forward, lambda **k: np.full((len(k["X"]), len(k["b"])), np.nan), "NaN/inf"),
])
def test_hostile_code_gets_a_verdict(check, fn, words):
    verdict = check(fn)
    assert not verdict.passed
    assert words in verdict.message
    str(verdict), verdict._repr_html_()
