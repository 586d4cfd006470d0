"""The CNN drills: worked solutions pass, typical mistakes fail with a named hint, hostile code never crashes the
checker."""

import numpy as np
import pytest

from mlnotes.drills.cnn import (check_conv2d_loops, check_conv_output_size, check_nms, conv2d_loops_solution,
                                conv_output_size_solution, nms_solution)


def failed(verdict):
    return {r.name: r.message for r in verdict.results if not r.passed}


def test_solutions_pass():
    for check, solution in [(check_conv_output_size, conv_output_size_solution), (check_nms, nms_solution),
                            (check_conv2d_loops, conv2d_loops_solution)]:
        verdict = check(solution)
        assert verdict.passed, str(verdict)


# -- output size ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fn, hint", [
    (lambda size, kernel_size, stride, padding, dilation: (size + 2 * padding - kernel_size) // stride + 1,
     "dilation is ignored"),
    (lambda size, kernel_size, stride, padding, dilation: (size + 2 * padding - dilation * (kernel_size - 1) - 1)
     // stride, "the + 1 is missing"),
    (lambda size, kernel_size, stride, padding, dilation: (size + padding - dilation * (kernel_size - 1) - 1)
     // stride + 1, "both sides"),
    (lambda size, kernel_size, stride, padding, dilation: -((-(size + 2 * padding - dilation * (kernel_size - 1) - 1))
                                                            // stride) + 1, "you round up"),
])
def test_output_size_mistakes_are_named(fn, hint):
    verdict = check_conv_output_size(fn)
    assert not verdict.passed
    assert any(hint in m for m in failed(verdict).values()), failed(verdict)


def test_output_size_float_result_is_explained():
    verdict = check_conv_output_size(lambda size, kernel_size, stride, padding, dilation:
                                     (size + 2 * padding - dilation * (kernel_size - 1) - 1) / stride + 1)
    assert "use // (floor division)" in verdict.message


# -- NMS -----------------------------------------------------------------------------------------------------
def greedy(boxes, scores, t, *, ge=False, by_score=True, plus_one=False, sort_out=False):
    b = np.asarray(boxes, dtype=float)
    e = 1.0 if plus_one else 0.0
    area = (b[:, 2] - b[:, 0] + e) * (b[:, 3] - b[:, 1] + e)
    order = list(np.argsort(-np.asarray(scores), kind="stable")) if by_score else list(range(len(b)))
    keep = []
    while order:
        i = order.pop(0)
        keep.append(int(i))
        rest = []
        for j in order:
            iw = max(0.0, min(b[i, 2], b[j, 2]) - max(b[i, 0], b[j, 0]) + e)
            ih = max(0.0, min(b[i, 3], b[j, 3]) - max(b[i, 1], b[j, 1]) + e)
            iou = iw * ih / (area[i] + area[j] - iw * ih)
            if (iou < t) if ge else (iou <= t):
                rest.append(j)
        order = rest
    return sorted(keep) if sort_out else keep


@pytest.mark.parametrize("kw, hint", [(dict(ge=True), "IoU ≥ threshold"), (dict(by_score=False), "order of score"),
                                      (dict(plus_one=True), "pixel-inclusive"), (dict(sort_out=True), "sorted by index")])
def test_nms_mistakes_are_named(kw, hint):
    verdict = check_nms(lambda boxes, scores, iou_threshold: greedy(boxes, scores, iou_threshold, **kw))
    assert not verdict.passed
    assert any(hint in m for m in failed(verdict).values()), failed(verdict)


def test_nms_plain_python_list_answer_is_accepted():
    assert check_nms(lambda boxes, scores, iou_threshold: greedy(boxes, scores, iou_threshold)).passed


def test_nms_mutating_the_inputs_is_reported():
    def mutating(boxes, scores, iou_threshold):
        keep = nms_solution(boxes, scores, iou_threshold)
        scores[:] = 0
        return keep

    assert "modified boxes or scores in place" in check_nms(mutating).message


# -- conv2d by loops -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fn, hint", [
    (lambda x, weight, bias, stride, padding: conv2d_loops_solution(x, weight[:, :, ::-1, ::-1], bias, stride, padding),
     "kernel is flipped"),
    (lambda x, weight, bias, stride, padding: conv2d_loops_solution(x, weight, 0 * bias, stride, padding),
     "bias is missing"),
    (lambda x, weight, bias, stride, padding: conv2d_loops_solution(x, weight, x.shape[1] * bias, stride, padding),
     "added once per input channel"),
])
def test_conv2d_mistakes_are_named(fn, hint):
    verdict = check_conv2d_loops(fn)
    assert not verdict.passed
    assert any(hint in m for m in failed(verdict).values()), failed(verdict)


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
