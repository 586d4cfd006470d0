r"""Intersection over union (IoU, 交并比) and non-maximum suppression (NMS, 非极大值抑制) of detection boxes.

Boxes are $(x_1, y_1, x_2, y_2)$ with $x_1 \le x_2$, $y_1 \le y_2$ (torchvision's ``xyxy``). For boxes $A$, $B$

$$\operatorname{IoU}(A, B) = \frac{|A\cap B|}{|A\cup B|} = \frac{|A\cap B|}{|A| + |B| - |A\cap B|},\qquad
|A\cap B| = \max(0, \min(x_2^A, x_2^B) - \max(x_1^A, x_1^B))\cdot\max(0, \min(y_2^A, y_2^B) - \max(y_1^A, y_1^B)).$$

Two empty boxes (union 0) have IoU 0 here (torchvision's ``box_iou`` gives 0/0 = NaN; its ``nms`` then keeps the
box, as ours does). **Greedy NMS**: sort by score (highest first; equal scores keep their input order), keep the
first box, drop every remaining box whose IoU with it is **greater than** the threshold (torchvision's rule),
repeat on what is left. **Per-class NMS** runs it separately for each label.

See chapter: chapters/cnn.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_real
from mlnotes.cnn._arrays import as_float


def check_boxes(name: str, boxes) -> np.ndarray:
    """(N, 4) finite float boxes with x1 ≤ x2 and y1 ≤ y2 (dtype kept); N may be 0."""
    b = as_float(name, boxes, ndim=2)
    if b.shape[1] != 4:
        raise ValueError(f"{name} must have shape (N, 4) as (x1, y1, x2, y2), got {b.shape}")
    bad = np.flatnonzero((b[:, 2] < b[:, 0]) | (b[:, 3] < b[:, 1]))
    if bad.size:
        raise ValueError(f"{name} must have x1 <= x2 and y1 <= y2 (format x1, y1, x2, y2); row {bad[0]} is "
                         f"{b[bad[0]].tolist()}")
    return b


def _area(b: np.ndarray) -> np.ndarray:
    return (b[..., 2] - b[..., 0]) * (b[..., 3] - b[..., 1])  # (…,)


def _iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """IoU of every box of a (N, 4) with every box of b (M, 4): (N, M)."""
    lt = np.maximum(a[:, None, :2], b[None, :, :2])  # (N, M, 2): top-left of the intersection
    rb = np.minimum(a[:, None, 2:], b[None, :, 2:])  # (N, M, 2): bottom-right
    wh = np.clip(rb - lt, 0, None)  # no overlap → width or height 0
    inter = wh[..., 0] * wh[..., 1]  # |A ∩ B|
    union = _area(a)[:, None] + _area(b)[None, :] - inter  # |A| + |B| − |A ∩ B|
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def _nms(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float) -> np.ndarray:
    """Greedy NMS: indices of the kept boxes, highest score first."""
    order = np.argsort(-scores, kind="stable")  # best first; ties keep input order
    keep = []
    while order.size:
        best, rest = order[0], order[1:]
        keep.append(best)
        iou = _iou(boxes[best][None], boxes[rest])[0]  # IoU of the kept box with every remaining one
        order = rest[iou <= iou_threshold]  # suppress only IoU > threshold
    return np.array(keep, dtype=np.int64)


def box_area(boxes) -> np.ndarray:
    """Areas (N,) of boxes (N, 4) in (x1, y1, x2, y2) format, dtype kept. See chapter: chapters/cnn.md"""
    return _area(check_boxes("boxes", boxes))


def box_iou(boxes1, boxes2) -> np.ndarray:
    """Pairwise IoU (N, M) of boxes1 (N, 4) and boxes2 (M, 4), like ``torchvision.ops.box_iou``.

    The result has the promoted floating dtype of the two inputs; a pair with union 0 gets 0 (not NaN).
    Raises ``ValueError`` for a wrong shape, NaN/inf, or x2 < x1 or y2 < y1. See chapter: chapters/cnn.md
    """
    a, b = check_boxes("boxes1", boxes1), check_boxes("boxes2", boxes2)
    dtype = np.result_type(a, b)
    return _iou(a.astype(dtype, copy=False), b.astype(dtype, copy=False))


def _check_nms(boxes, scores, iou_threshold):
    b = check_boxes("boxes", boxes)
    s = as_float("scores", scores, ndim=1)
    if s.shape[0] != b.shape[0]:
        raise ValueError(f"scores must have one entry per box: shape ({b.shape[0]},), got {s.shape}")
    t = check_real("iou_threshold", iou_threshold, low=0.0, high=1.0)
    return b, s, t


def nms(boxes, scores, iou_threshold: float) -> np.ndarray:
    """Greedy non-maximum suppression like ``torchvision.ops.nms``: kept indices (int64), highest score first.

    boxes (N, 4) as (x1, y1, x2, y2), scores (N,), iou_threshold in [0, 1]: a box is dropped when its IoU with
    a kept, higher-scoring box is > iou_threshold. Equal scores keep their input order. N = 0 gives an empty
    array. See chapter: chapters/cnn.md
    """
    b, s, t = _check_nms(boxes, scores, iou_threshold)
    return _nms(b, s, t)


def batched_nms(boxes, scores, labels, iou_threshold: float) -> np.ndarray:
    """NMS within each class (boxes of different labels never suppress each other), like
    ``torchvision.ops.batched_nms``: kept indices (int64), highest score first. See chapter: chapters/cnn.md
    """
    b, s, t = _check_nms(boxes, scores, iou_threshold)
    lab = np.asarray(labels)
    if lab.dtype.kind not in "iu":
        raise TypeError(f"labels must be an integer array (one class id per box), got dtype {lab.dtype}")
    if lab.shape != s.shape:
        raise ValueError(f"labels must have shape {s.shape} (one per box), got {lab.shape}")
    keep = [np.flatnonzero(lab == c)[_nms(b[lab == c], s[lab == c], t)] for c in np.unique(lab)]
    keep = np.concatenate(keep) if keep else np.zeros(0, dtype=np.int64)
    return keep[np.argsort(-s[keep], kind="stable")].astype(np.int64)


def toy_detections(seed: int = 0):
    """A detector's raw output on a 100×100 image: (boxes (N, 4), scores (N,), labels (N,), true boxes (3, 4)).

    Three objects (labels 0, 1, 0), each found by several jittered candidate boxes, plus two stray low-score
    boxes. Deterministic for a given seed. See chapter: chapters/cnn.md
    """
    rng = np.random.default_rng(seed)
    truth = np.array([[8.0, 12.0, 48.0, 60.0], [30.0, 28.0, 72.0, 70.0], [58.0, 62.0, 92.0, 94.0]])
    labels_true = [0, 1, 0]
    boxes, scores, labels = [], [], []
    for box, lab, n in zip(truth, labels_true, (6, 5, 4)):
        w, h = box[2] - box[0], box[3] - box[1]
        jitter = rng.normal(0.0, 0.06, (n, 4)) * [w, h, w, h]
        cand = np.clip(box + jitter, 0.0, 100.0)
        cand[:, 2:] = np.maximum(cand[:, 2:], cand[:, :2] + 4.0)
        boxes.append(cand)
        scores.append(np.sort(rng.uniform(0.45, 0.97, n))[::-1])
        labels += [lab] * n
    boxes.append(np.array([[5.0, 70.0, 30.0, 95.0], [70.0, 5.0, 95.0, 25.0]]))
    scores.append(np.array([0.3, 0.2]))
    labels += [1, 0]
    return np.vstack(boxes), np.concatenate(scores), np.array(labels, dtype=np.int64), truth
