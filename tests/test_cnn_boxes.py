"""IoU and NMS (mlnotes.cnn.boxes) against independent oracles — torchvision cannot be installed beside the pinned
CPU torch: IoU by counting pixels and by exact fractions in pure Python; NMS by its declarative characterisation
(mlnotes.cnn.reference.is_greedy_nms) and by a pure-Python recursive oracle with exact arithmetic; hand-worked
cases and edge cases (empty input, zero-area boxes, ties, thresholds 0 and 1)."""

from fractions import Fraction

import numpy as np
import pytest

from mlnotes.cnn import batched_nms, box_area, box_iou, nms, toy_detections
from mlnotes.cnn.reference import iou_by_pixels, is_greedy_nms


def iou_exact(a, b) -> Fraction:
    """IoU in exact rational arithmetic, pure Python (no numpy)."""
    a, b = [Fraction(float(v)) for v in a], [Fraction(float(v)) for v in b]
    iw = max(Fraction(0), min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(Fraction(0), min(a[3], b[3]) - max(a[1], b[1]))
    inter = iw * ih
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union else Fraction(0)


def nms_oracle(boxes, scores, threshold):
    """Recursive greedy NMS over Python lists with exact IoU: keep the best, filter, recurse on the rest."""
    items = sorted(range(len(scores)), key=lambda i: (-scores[i], i))

    def rec(rest):
        if not rest:
            return []
        best, *others = rest
        return [best] + rec([i for i in others if iou_exact(boxes[best], boxes[i]) <= Fraction(threshold)])

    return rec(items)


def random_boxes(rng, n, scale=30, integer=True):
    c = rng.integers(0, scale, (n, 2, 2)) if integer else rng.uniform(0, scale, (n, 2, 2))
    return np.concatenate([c.min(axis=1), c.max(axis=1)], axis=1).astype(float)


@pytest.mark.parametrize("seed", range(5))
def test_iou_equals_pixel_counting_and_exact_fractions(seed):
    rng = np.random.default_rng(seed)
    a, b = random_boxes(rng, 12), random_boxes(rng, 9)
    ours = box_iou(a, b)
    pixels = np.array([[iou_by_pixels(u, v) for v in b] for u in a])
    exact = np.array([[float(iou_exact(u, v)) for v in b] for u in a])
    np.testing.assert_allclose(ours, pixels, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(ours, exact, rtol=1e-12, atol=1e-15)


def test_iou_real_valued_boxes_equal_exact_fractions():
    rng = np.random.default_rng(7)
    a, b = random_boxes(rng, 15, integer=False), random_boxes(rng, 15, integer=False)
    exact = np.array([[float(iou_exact(u, v)) for v in b] for u in a])
    np.testing.assert_allclose(box_iou(a, b), exact, rtol=1e-12, atol=1e-15)


def test_hand_worked_iou():
    a = np.array([[0.0, 0.0, 2.0, 2.0]])
    cases = {(1.0, 1.0, 3.0, 3.0): 1 / 7,  # overlap 1, union 4 + 4 − 1
             (0.0, 0.0, 2.0, 2.0): 1.0, (2.0, 0.0, 4.0, 2.0): 0.0,  # identical; touching edge
             (0.0, 0.0, 1.0, 1.0): 0.25, (5.0, 5.0, 6.0, 6.0): 0.0}  # inside; disjoint
    for box, want in cases.items():
        assert box_iou(a, np.array([box]))[0, 0] == pytest.approx(want, abs=1e-15)
    np.testing.assert_array_equal(box_area(np.array([[0, 0, 2, 3], [1, 1, 1, 4]])), [6.0, 0.0])


def test_iou_is_symmetric_and_in_unit_interval():
    rng = np.random.default_rng(3)
    a = random_boxes(rng, 20, integer=False)
    m = box_iou(a, a)
    np.testing.assert_allclose(m, m.T, rtol=0, atol=0)
    assert np.all((m >= 0) & (m <= 1)) and np.allclose(np.diag(m), 1.0)


def test_zero_area_boxes_have_iou_zero_not_nan():
    z = np.array([[1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 5.0]])
    np.testing.assert_array_equal(box_iou(z, z), np.zeros((2, 2)))
    np.testing.assert_array_equal(nms(z, np.array([0.9, 0.8]), 0.5), [0, 1])  # torchvision keeps them too


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("threshold", [0.0, 0.2, 0.5, 0.8, 1.0])
def test_nms_equals_the_oracles(seed, threshold):
    rng = np.random.default_rng(seed)
    b = random_boxes(rng, 25, scale=20)
    s = rng.permutation(25) / 25.0  # distinct scores
    keep = nms(b, s, threshold)
    assert keep.dtype == np.int64
    assert keep.tolist() == nms_oracle(b.tolist(), s.tolist(), threshold)
    assert is_greedy_nms(b, s, threshold, keep)


def test_nms_ties_keep_input_order_like_the_oracle():
    b = np.array([[0.0, 0, 2, 2], [0.1, 0, 2, 2], [5.0, 5, 6, 6], [0.0, 0.1, 2, 2]])
    s = np.array([0.5, 0.5, 0.5, 0.9])
    assert nms(b, s, 0.5).tolist() == nms_oracle(b.tolist(), s.tolist(), 0.5) == [3, 2]


def test_nms_edge_cases():
    assert nms(np.zeros((0, 4)), np.zeros(0), 0.5).tolist() == []
    assert nms(np.array([[0.0, 0, 1, 1]]), np.array([0.3]), 0.5).tolist() == [0]
    same = np.tile([[0.0, 0, 4, 4]], (3, 1))
    assert nms(same, np.array([0.1, 0.7, 0.3]), 0.99).tolist() == [1]  # IoU 1 > 0.99
    assert nms(same, np.array([0.1, 0.7, 0.3]), 1.0).tolist() == [1, 2, 0]  # nothing has IoU > 1
    half = np.array([[0.0, 0, 2, 1], [0.0, 0, 1, 1]])  # IoU exactly 0.5: kept (only > is dropped)
    assert nms(half, np.array([0.9, 0.8]), 0.5).tolist() == [0, 1]


def test_batched_nms_equals_per_class_oracle():
    rng = np.random.default_rng(11)
    b = random_boxes(rng, 30, scale=15)
    s = rng.permutation(30) / 30.0
    labels = rng.integers(0, 3, 30)
    keep = batched_nms(b, s, labels, 0.3)
    want = []
    for c in np.unique(labels):
        idx = np.flatnonzero(labels == c)
        want += [int(idx[i]) for i in nms_oracle(b[idx].tolist(), s[idx].tolist(), 0.3)]
    assert keep.tolist() == sorted(want, key=lambda i: -s[i])


def test_toy_detections_are_deterministic_and_valid():
    a, b = toy_detections(), toy_detections()
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    boxes, scores, labels, truth = a
    assert boxes.shape == (17, 4) and scores.shape == labels.shape == (17,) and truth.shape == (3, 4)
    assert np.all(boxes[:, 2:] > boxes[:, :2]) and np.all((boxes >= 0) & (boxes <= 100))
    assert len(set(scores.tolist())) == len(scores)


def test_is_greedy_nms_rejects_wrong_answers():
    rng = np.random.default_rng(5)
    b = random_boxes(rng, 15, scale=12)
    s = rng.permutation(15) / 15.0
    keep = nms(b, s, 0.3).tolist()
    assert is_greedy_nms(b, s, 0.3, keep)
    assert not is_greedy_nms(b, s, 0.3, keep[::-1])  # wrong order
    assert not is_greedy_nms(b, s, 0.3, keep[:-1])  # a box missing
    extra = next(i for i in range(15) if i not in keep)
    assert not is_greedy_nms(b, s, 0.3, keep + [extra])
