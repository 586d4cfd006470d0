r"""Independent references for IoU and NMS (torchvision cannot be installed beside the pinned CPU torch).

* ``iou_by_pixels``: for boxes with integer corners, draw each box on a grid of unit pixels and *count* the
  pixels in both and in either; no formula of :mod:`mlnotes.cnn.boxes` is reused.
* ``is_greedy_nms``: greedy NMS has a declarative characterisation. With distinct scores, a set $K$ of kept
  boxes is the greedy result if and only if (1) no two kept boxes overlap by IoU > $t$, and (2) every dropped
  box overlaps some kept box *with a higher score* by IoU > $t$ (induction over the boxes in score order: the
  best box cannot be dropped; each later box is kept exactly when no kept better box overlaps it). The check
  tests these two properties and the order of the output, without running the greedy loop.

See chapter: chapters/cnn.md
"""

from __future__ import annotations

import numpy as np


def iou_by_pixels(box_a, box_b) -> float:
    """IoU of two boxes with integer corners (x1, y1, x2, y2) by counting unit pixels on a grid."""
    a, b = (np.asarray(v) for v in (box_a, box_b))
    if not (np.all(a == np.round(a)) and np.all(b == np.round(b))):
        raise ValueError("iou_by_pixels needs integer corners")
    lo = int(min(a[0], a[1], b[0], b[1]))
    hi = int(max(a[2], a[3], b[2], b[3]))
    ys, xs = np.mgrid[lo:hi, lo:hi] + 0.5  # pixel centres
    in_a = (a[0] <= xs) & (xs <= a[2]) & (a[1] <= ys) & (ys <= a[3])
    in_b = (b[0] <= xs) & (xs <= b[2]) & (b[1] <= ys) & (ys <= b[3])
    union = int(np.sum(in_a | in_b))
    return int(np.sum(in_a & in_b)) / union if union else 0.0


def is_greedy_nms(boxes, scores, iou_threshold: float, keep, iou=None) -> bool:
    """True if ``keep`` is the greedy-NMS result for distinct scores, checked by its two defining properties
    and its order (highest score first). ``iou(a, b)`` computes one pair's IoU (default: :func:`iou_by_pixels`)."""
    iou = iou or iou_by_pixels
    boxes, scores, keep = np.asarray(boxes), np.asarray(scores), [int(k) for k in keep]
    if len(set(scores.tolist())) != len(scores):
        raise ValueError("is_greedy_nms needs distinct scores")
    if any(scores[a] < scores[b] for a, b in zip(keep, keep[1:])):
        return False  # not in decreasing score order
    kept = set(keep)
    if len(kept) != len(keep):
        return False
    for i in kept:  # (1) kept boxes never overlap too much
        if any(iou(boxes[i], boxes[j]) > iou_threshold for j in kept if j != i):
            return False
    for i in set(range(len(boxes))) - kept:  # (2) a dropped box has a better kept box overlapping it
        if not any(scores[j] > scores[i] and iou(boxes[i], boxes[j]) > iou_threshold for j in kept):
            return False
    return True
