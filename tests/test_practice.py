"""mlnotes.practice: broadcasting equal to torch/numpy, mantissa rounding equal to torch's bfloat16 and
numpy's float16, the timing decorator and its drill, generators, defaults, seeding and layer modes."""

from __future__ import annotations

import functools
import random
import time

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from mlnotes.drills.practice import check_timed, timed_solution
from mlnotes.practice import (append_fixed, append_shared_default, batches, broadcast_shape, launch_and_wait,
                              matmul_error, round_mantissa, seed_everything, shares_storage, timed,
                              timed_without_wraps)
from mlnotes.practice.modes import mode_effects
from tests.drill_answers.practice import (ANSWERS, timed_exits, timed_in_milliseconds, timed_positional_only,
                                          timed_returns_a_number, timed_stops_the_clock_too_early,
                                          timed_swallows_the_exception, timed_with_process_time,
                                          timed_without_finally)
from tests.hypothesis_settings import PROPERTIES

shape = st.lists(st.integers(0, 4), min_size=0, max_size=4).map(tuple)


@PROPERTIES
@given(shape, shape)
def test_broadcast_shape_equals_torch_and_numpy(a, b):
    try:
        expected = tuple(torch.broadcast_shapes(a, b))
    except RuntimeError:
        with pytest.raises(ValueError, match="do not broadcast"):
            broadcast_shape(a, b)
        with pytest.raises(ValueError):
            np.broadcast_shapes(a, b)
        return
    assert broadcast_shape(a, b) == expected == np.broadcast_shapes(a, b)


def test_broadcast_shape_hand_worked():
    assert broadcast_shape((3, 1), (4,)) == (3, 4)
    assert broadcast_shape((8, 1, 6, 1), (7, 1, 5)) == (8, 7, 6, 5)
    assert broadcast_shape((2, 0, 1), (7,)) == (2, 0, 7)
    assert broadcast_shape((1,), (3,), (2, 1)) == (2, 3)  # more than two shapes
    assert broadcast_shape() == ()


def test_shares_storage():
    x = torch.arange(12).reshape(3, 4)
    assert shares_storage(x, x.t()) and shares_storage(x, x[1:]) and shares_storage(x, x.view(12))
    assert not shares_storage(x, x.t().reshape(12)) and not shares_storage(x, x.clone())


@PROPERTIES
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True, width=32), min_size=1, max_size=50))
def test_round_to_7_bits_equals_torch_bfloat16(values):
    x = np.array(values, dtype=np.float32)
    ref = torch.from_numpy(x).to(torch.bfloat16).float().numpy()
    np.testing.assert_array_equal(round_mantissa(x, 7), ref)  # NaN == NaN for assert_array_equal


@PROPERTIES
@given(st.lists(st.floats(min_value=-6e4, max_value=6e4, width=32).filter(lambda v: v == 0 or abs(v) > 6.2e-5),
                min_size=1, max_size=50))
def test_round_to_10_bits_equals_float16_in_its_normal_range(values):
    x = np.array(values, dtype=np.float32)
    np.testing.assert_array_equal(round_mantissa(x, 10), x.astype(np.float16).astype(np.float32))


def test_round_mantissa_hand_worked():
    assert round_mantissa(np.array([1.0 + 2**-8]), 7)[0] == 1.0  # a tie rounds to even
    assert round_mantissa(np.array([1.0 + 3 * 2**-8]), 7)[0] == 1.0 + 2**-6  # 1.5 ulp: a tie, up to the even 2 ulp
    assert round_mantissa(np.float32(3.4e38)[None], 7)[0] == np.inf  # past bfloat16's largest value
    x = np.random.default_rng(0).standard_normal((3, 4))
    assert round_mantissa(x, 23).dtype == np.float32 and np.array_equal(round_mantissa(x, 23), x.astype(np.float32))
    rel = np.abs(round_mantissa(x, 10) / x.astype(np.float32) - 1)
    assert rel.max() <= 2.0**-11  # unit roundoff of 10 mantissa bits


def test_matmul_error_grows_as_bits_are_dropped():
    rng = np.random.default_rng(0)
    A, B = rng.standard_normal((64, 32)), rng.standard_normal((32, 16))
    errs = [matmul_error(A, B, bits) for bits in (23, 10, 7, 3)]
    assert errs == sorted(errs) and errs[0] < 1e-6 and errs[-1] > 1e-2


def test_timed_keeps_the_name_and_times_the_call():
    def sleepy(seconds, *, tag="x"):
        """Sleep a little."""
        time.sleep(seconds)
        return tag

    t, bare = timed(sleepy), timed_without_wraps(sleepy)
    assert t(0.02, tag="y") == "y" and 0.02 <= t.last_seconds < 1.0
    assert (t.__name__, t.__doc__, t.__wrapped__) == ("sleepy", "Sleep a little.", sleepy)
    assert bare.__name__ == "wrapper" and bare.__doc__ is None and bare(0.0) == "x"
    with pytest.raises(ZeroDivisionError):
        timed(lambda: 1 / 0)()


def test_launch_and_wait_returns_at_once_and_waits_for_the_result():
    out = launch_and_wait(lambda s: (time.sleep(s), s)[1], 0.1)
    assert out["result"] == 0.1 and out["wait"] >= 0.1 and out["launch"] < 0.05


def test_batches_are_lazy_cover_every_row_once_and_are_consumed_once():
    X, y = np.arange(14).reshape(7, 2), np.arange(7)
    gen = batches(X, y, 3, shuffle_seed=1)
    seen = [yb for _, yb in gen]
    assert [len(b) for b in seen] == [3, 3, 1] and sorted(np.concatenate(seen).tolist()) == list(range(7))
    assert list(gen) == []
    again = [yb.tolist() for _, yb in batches(X, y, 3, shuffle_seed=1)]
    assert again == [b.tolist() for b in seen]  # seeded: the same order
    assert [yb.tolist() for _, yb in batches(X, y, 7)] == [list(range(7))]


def test_mutable_default_is_shared_and_the_fix_is_not():
    a, b = append_shared_default("p"), append_shared_default("q")
    assert a is b and a[-2:] == ["p", "q"]
    assert append_fixed(1) == [1] and append_fixed(2) == [2] and append_fixed(3, [0]) == [0, 3]


def test_seed_everything_repeats_all_three_generators():
    def draws():
        return random.random(), float(np.random.rand()), torch.rand(1).item()

    assert seed_everything(0) == 0
    first = draws()
    seed_everything(0)
    assert draws() == first
    seed_everything(1)
    assert all(a != b for a, b in zip(draws(), first))


def test_mode_effects_table():
    rows = {(r.mode, r.grad): r for r in mode_effects()}
    assert rows["train", "no_grad"].dropout_random and rows["train", "no_grad"].running_stats_updated
    assert not rows["eval", "no_grad"].dropout_random and not rows["eval", "enabled"].running_stats_updated
    assert [r.output_requires_grad for r in rows.values()] == [True, False, True, False]


# ------------------------------------------------------------------ the drill

def test_the_solution_passes_the_drill():
    verdict = check_timed(timed_solution)
    verdict.raise_if_failed()
    assert len(verdict.results) == 4


@pytest.mark.parametrize("decorator, case, hint", [
    (timed_without_wraps, "keeps the name and docstring", "functools.wraps"),
    (timed_swallows_the_exception, "lets an exception through, still timed", "swallowed it"),
    (timed_positional_only, "forwards *args and **kwargs and returns the result", "*args, **kwargs"),
    (timed_exits, "forwards *args and **kwargs and returns the result", "raised SystemExit"),
    (timed_in_milliseconds, "records the time of the call", "milliseconds?"),
    (timed_without_finally, "lets an exception through, still timed", "finally"),
    (timed_stops_the_clock_too_early, "records the time of the call", "less than 0.02 s"),
    (timed_with_process_time, "records the time of the call", "less than 0.02 s"),
    (timed_returns_a_number, "keeps the name and docstring", "should return a function"),
    ("not a function", "is a function", "timed should be a function"),
])
def test_the_drill_names_the_bug(decorator, case, hint):
    verdict = check_timed(decorator)
    assert not verdict.passed
    failed = {r.name: r.message for r in verdict.results if not r.passed}
    assert case in failed and hint in failed[case], failed


def test_the_drill_verdict_never_quotes_a_measured_time():
    """The same decorator gets the same verdict text on every run (the browser oracle test compares texts)."""
    for decorator in [timed_solution, *ANSWERS["timed"]]:
        assert str(check_timed(decorator)) == str(check_timed(decorator)), decorator.__name__


@pytest.mark.parametrize("sleep_waits", [True, False], ids=["sleep", "sleep-returns-at-once"])
@pytest.mark.parametrize("clock", [time.perf_counter, time.monotonic, time.time])
def test_the_drill_runs_long_enough_by_every_wall_clock(clock, sleep_waits, monkeypatch):
    """The timed functions sleep, then busy-wait for what the sleep left (time.sleep does not wait in every Pyodide)."""
    if not sleep_waits:
        monkeypatch.setattr(time, "sleep", lambda seconds: None)

    def timed_with(fn):
        def wrapper(*args, **kwargs):
            start = clock()
            try:
                return fn(*args, **kwargs)
            finally:
                wrapper.last_seconds = clock() - start

        return functools.wraps(fn)(wrapper)

    check_timed(timed_with).raise_if_failed()
