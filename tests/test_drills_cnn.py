"""The CNN drills: worked solutions pass, typical mistakes fail with a named hint, hostile code never crashes the
checker."""

import numpy as np
import pytest

from mlnotes.drills.cnn import (check_conv2d_loops, check_conv_output_size, check_nms, conv2d_loops_solution,
                                conv_output_size_solution, nms_solution)
from tests.drill_answers.cnn import (conv2d_bias_per_input_channel, conv2d_flipped_kernel, conv2d_ignores_stride,
                                     conv2d_no_bias, conv2d_pads_in_place, greedy_nms, nms_ignores_scores,
                                     nms_mutates_scores, nms_pixel_inclusive_area, nms_returns_boxes,
                                     nms_sorted_indices, nms_suppresses_at_equal_iou, size_ignores_dilation,
                                     size_missing_plus_one, size_padding_once, size_returns_a_shape, size_rounds_up,
                                     size_true_division)


def failed(verdict):
    return {r.name: r.message for r in verdict.results if not r.passed}


def test_solutions_pass():
    for check, solution in [(check_conv_output_size, conv_output_size_solution), (check_nms, nms_solution),
                            (check_conv2d_loops, conv2d_loops_solution)]:
        verdict = check(solution)
        assert verdict.passed, str(verdict)


# -- output size ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fn, hint", [
    (size_ignores_dilation, "dilation is ignored"), (size_missing_plus_one, "the + 1 is missing"),
    (size_padding_once, "both sides"), (size_rounds_up, "you round up"),
])
def test_output_size_mistakes_are_named(fn, hint):
    verdict = check_conv_output_size(fn)
    assert not verdict.passed
    assert any(hint in m for m in failed(verdict).values()), failed(verdict)


def test_output_size_float_result_is_explained():
    assert "use // (floor division)" in check_conv_output_size(size_true_division).message


def test_output_size_tuple_result_is_refused():
    assert "should return an int, got tuple" in check_conv_output_size(size_returns_a_shape).message


# -- NMS -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fn, hint", [(nms_suppresses_at_equal_iou, "IoU ≥ threshold"),
                                      (nms_ignores_scores, "order of score"),
                                      (nms_pixel_inclusive_area, "pixel-inclusive"),
                                      (nms_sorted_indices, "sorted by index")])
def test_nms_mistakes_are_named(fn, hint):
    verdict = check_nms(fn)
    assert not verdict.passed
    assert any(hint in m for m in failed(verdict).values()), failed(verdict)


def test_nms_plain_python_list_answer_is_accepted():
    assert check_nms(greedy_nms).passed


def test_nms_mutating_the_inputs_is_reported_without_a_value_hint():
    verdict = check_nms(nms_mutates_scores)
    assert "modified boxes or scores in place" in verdict.message
    assert "Likely bug" not in str(verdict)  # the indices are right: no value mistake to name


def test_nms_returning_boxes_is_refused():
    assert "1-D list/array of integer indices" in check_nms(nms_returns_boxes).message


# -- conv2d by loops -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fn, hint", [
    (conv2d_flipped_kernel, "kernel is flipped"), (conv2d_no_bias, "bias is missing"),
    (conv2d_bias_per_input_channel, "added once per input channel"),
])
def test_conv2d_mistakes_are_named(fn, hint):
    verdict = check_conv2d_loops(fn)
    assert not verdict.passed
    assert any(hint in m for m in failed(verdict).values()), failed(verdict)


def test_conv2d_ignoring_the_stride_gets_a_shape_message():
    assert "has shape" in every_message(check_conv2d_loops(conv2d_ignores_stride))


def test_conv2d_modifying_x_is_reported_without_a_value_hint():
    verdict = check_conv2d_loops(conv2d_pads_in_place)
    assert "modified its input(s) x in place" in verdict.message
    assert "Likely bug" not in every_message(verdict)  # the output is right: no value mistake to name


def every_message(verdict):
    return "\n".join(r.message for r in verdict.results)


# -- hostile code ---------------------------------------------------------------------------------------------
def raises(*args, **kwargs):
    raise RuntimeError("boom")


def exits(*args, **kwargs):
    raise SystemExit(3)


def not_implemented(*args, **kwargs):
    raise NotImplementedError


@pytest.mark.parametrize("check", [check_conv_output_size, check_nms, check_conv2d_loops])
@pytest.mark.parametrize("fn, words", [
    (raises, "raised RuntimeError: boom"), (exits, "raised SystemExit"), (not_implemented, "not written yet"),
    (lambda *a, **k: None, "should"), (lambda *a, **k: "text", "should"), (lambda *a, **k: [[np.nan]], ""),
    (lambda *a, **k: np.array([np.inf]), ""), (42, "expected a function"),
])
def test_hostile_code_gets_a_verdict(check, fn, words):
    verdict = check(fn)
    assert not verdict.passed
    assert words in verdict.message
    str(verdict), verdict._repr_html_()  # both renderings work


def test_conv2d_nan_output_is_named():
    verdict = check_conv2d_loops(lambda x, weight, bias, stride, padding:
                                 np.full_like(conv2d_loops_solution(x, weight, bias, stride, padding), np.nan))
    assert "NaN/inf" in verdict.message
