r"""Drills: the conv output size, NMS (手撕NMS) and conv2d forward by loops.

1. ``conv_output_size(size, kernel_size, stride, padding, dilation)`` → int:
   $\lfloor (n + 2p - d(k-1) - 1)/s \rfloor + 1$. Reference: the shape of ``torch.nn.functional.conv1d``'s output;
   in the browser (Pyodide) :func:`mlnotes.cnn.conv_output_size`, proven equal in
   tests/test_cnn_conv.py::test_output_size_equals_torch_shapes_over_a_grid.
2. ``nms(boxes, scores, iou_threshold)`` → kept indices, highest score first; boxes (N, 4) as (x1, y1, x2, y2);
   a box is dropped when its IoU with a kept, higher-scoring box is **> iou_threshold**; equal scores keep input
   order. Reference: :func:`mlnotes.cnn.nms` (tested against brute-force oracles; torchvision's rule), numpy in
   Python and in the browser alike.
3. ``conv2d(x, weight, bias, stride, padding)``: x (N, C_in, H, W), weight (C_out, C_in, kH, kW), bias (C_out,),
   int stride and padding → (N, C_out, H_out, W_out). Reference: ``torch.nn.functional.conv2d`` in float64; in the
   browser (Pyodide) :func:`mlnotes.cnn.conv2d`, proven equal in
   tests/test_cnn_conv.py::test_conv2d_forward_and_backward_equal_torch.

On a mismatch the checker replays common mistakes and names the one that reproduces your output.

See chapter: chapters/cnn.md
"""

from __future__ import annotations

import numpy as np

from mlnotes.drills.core import Case, CaseResult, Verdict, call_reader, check, fmt, library_oracle


# -- worked solutions ----------------------------------------------------------------------------------------
def conv_output_size_solution(size, kernel_size, stride=1, padding=0, dilation=1):
    """⌊(size + 2·padding − dilation·(kernel_size − 1) − 1) / stride⌋ + 1, in integers.

    See chapter: chapters/cnn.md
    """
    span = dilation * (kernel_size - 1) + 1  # inputs covered by the dilated kernel
    return (size + 2 * padding - span) // stride + 1  # // is floor division: no float rounding


def nms_solution(boxes, scores, iou_threshold):
    """Greedy NMS: take the best remaining box, drop the rest that overlap it by IoU > threshold, repeat.

    See chapter: chapters/cnn.md
    """
    boxes, scores = np.asarray(boxes, dtype=float), np.asarray(scores, dtype=float)
    x1, y1, x2, y2 = boxes.T
    areas = (x2 - x1) * (y2 - y1)
    order = np.argsort(-scores, kind="stable")  # best first; ties keep input order
    keep = []
    while order.size > 0:
        i, rest = order[0], order[1:]
        keep.append(int(i))
        w = np.clip(np.minimum(x2[i], x2[rest]) - np.maximum(x1[i], x1[rest]), 0, None)
        h = np.clip(np.minimum(y2[i], y2[rest]) - np.maximum(y1[i], y1[rest]), 0, None)
        inter = w * h
        union = areas[i] + areas[rest] - inter
        iou = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
        order = rest[iou <= iou_threshold]  # keep only boxes that do not overlap too much
    return np.array(keep, dtype=np.int64)


def conv2d_loops_solution(x, weight, bias, stride=1, padding=0):
    """Direct loops: for every output channel and position, sum window × kernel over (C_in, kH, kW), add the bias.

    See chapter: chapters/cnn.md
    """
    n, c_in, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))  # zeros around H and W
    h_out = (h + 2 * padding - kh) // stride + 1
    w_out = (w + 2 * padding - kw) // stride + 1
    y = np.zeros((n, c_out, h_out, w_out))
    for o in range(c_out):
        for i in range(h_out):
            for j in range(w_out):
                window = xp[:, :, i * stride: i * stride + kh, j * stride: j * stride + kw]  # (N, C_in, kH, kW)
                y[:, o, i, j] = np.sum(window * weight[o], axis=(1, 2, 3)) + bias[o]  # no kernel flip
    return y


# -- shared machinery ------------------------------------------------------------------------------------------
def matches(got, want, rtol=1e-7, atol=1e-10) -> bool:
    """The reader's output equals a mistaken variant (same shape, close values)."""
    try:
        arr, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
        return arr.shape == want.shape and bool(np.allclose(arr, want, rtol=rtol, atol=atol))
    except Exception:  # noqa: BLE001 - hostile objects
        return False


def with_hints(verdict: Verdict, fn, cases, mistakes, reference=None) -> Verdict:
    """Re-run the reader on each failed case; if its output equals a known mistake's, append that mistake's hint.

    ``mistakes`` is a list of (hint, variant) where ``variant(**kwargs)`` computes the mistaken output.
    ``reference(**kwargs)``, if given, is the right output: a case whose output equals it failed for another
    reason (an input modified in place), so no value mistake is named there.
    """
    by_name = {c.name: c for c in cases}
    results = []
    for r in verdict.results:
        if not r.passed and r.name in by_name:
            kwargs = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in by_name[r.name].kwargs.items()}
            got, error = call_reader(fn, **kwargs)
            hint = ""
            if error is None and reference is not None:
                with np.errstate(all="ignore"):
                    error = "right output" if matches(got, reference(**by_name[r.name].kwargs)) else None
            if error is None:
                for text, variant in mistakes:
                    try:
                        with np.errstate(all="ignore"):
                            want = variant(**by_name[r.name].kwargs)
                    except Exception:  # noqa: BLE001 - a variant may not apply to every case
                        continue
                    if matches(got, want):
                        hint = text
                        break
            if hint:
                r = CaseResult(r.name, False, f"{r.message} Likely bug: {hint}", r.max_abs_err, r.max_rel_err)
        results.append(r)
    return Verdict(verdict.drill, tuple(results))


# -- 1. conv output size ---------------------------------------------------------------------------------------
def conv_size_cases() -> list:
    """(size, kernel_size, stride, padding, dilation) cases, each with at least one output position."""
    grid = [("3×3, stride 1, no padding", (32, 3, 1, 0, 1)), ("'same' padding: k = 3, p = 1", (32, 3, 1, 1, 1)),
            ("stride 2 with an odd remainder (floor!)", (7, 3, 2, 0, 1)), ("stride 2, padding 1", (224, 3, 2, 1, 1)),
            ("7×7 stem: k = 7, s = 2, p = 3", (224, 7, 2, 3, 1)), ("1×1 convolution", (13, 1, 1, 0, 1)),
            ("dilation 2: the kernel spans 5", (10, 3, 1, 0, 2)), ("dilation 3 with padding", (16, 3, 2, 3, 3)),
            ("kernel as large as the input", (5, 5, 1, 0, 1)), ("stride larger than the kernel", (10, 2, 3, 0, 1)),
            ("padding 2 on each side", (10, 3, 1, 2, 1)),
            ("speech frames: 25-sample window, hop 10, 1000 samples", (1000, 25, 10, 0, 1))]
    return [Case(name, dict(zip(("size", "kernel_size", "stride", "padding", "dilation"), v))) for name, v in grid]


def _conv_size_reference(size, kernel_size, stride, padding, dilation):
    if not library_oracle():  # the browser: the book's arithmetic, equal to torch's shapes (tests/test_cnn_conv.py)
        from mlnotes.cnn.shapes import conv_output_size

        return conv_output_size(size, kernel_size, stride, padding, dilation)
    import torch

    x = torch.zeros(1, 1, size)
    w = torch.zeros(1, 1, kernel_size)
    return torch.nn.functional.conv1d(x, w, stride=stride, padding=padding, dilation=dilation).shape[-1]


_CONV_SIZE_MISTAKES = [
    ("the dilation is ignored: a dilated kernel spans d·(k − 1) + 1 inputs.",
     lambda size, kernel_size, stride, padding, dilation: (size + 2 * padding - kernel_size) // stride + 1),
    ("the + 1 is missing: the first window sits at position 0, then one more per stride.",
     lambda size, kernel_size, stride, padding, dilation: (size + 2 * padding - dilation * (kernel_size - 1) - 1)
     // stride),
    ("the padding is added once; it is on both sides: + 2·padding.",
     lambda size, kernel_size, stride, padding, dilation: (size + padding - dilation * (kernel_size - 1) - 1)
     // stride + 1),
    ("you round up; convolutions round down (a window that does not fit is dropped): use //.",
     lambda size, kernel_size, stride, padding, dilation: -((-(size + 2 * padding - dilation * (kernel_size - 1) - 1))
                                                            // stride) + 1),
]


def check_conv_output_size(fn) -> Verdict:
    """Check ``fn(size, kernel_size, stride, padding, dilation)`` against the shape torch's conv1d produces.

    Reference: the output shape of ``torch.nn.functional.conv1d``; in the browser (Pyodide)
    :func:`mlnotes.cnn.conv_output_size`, proven equal in tests/test_cnn_conv.py.
    See chapter: chapters/cnn.md
    """
    if not callable(fn):
        return Verdict("conv output size", (CaseResult("(setup)", False, f"expected a function, got {type(fn).__name__}."),))
    cases, results = conv_size_cases(), []
    for case in cases:
        want = _conv_size_reference(**case.kwargs)
        got, error = call_reader(fn, **case.kwargs)
        if error is not None:
            results.append(CaseResult(case.name, False, error))
            continue
        if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, np.integer, float, np.floating)):
            results.append(CaseResult(case.name, False, f"should return an int, got {type(got).__name__} {fmt(got)}."))
            continue
        if isinstance(got, (float, np.floating)) and not float(got).is_integer():
            results.append(CaseResult(case.name, False, f"should return a whole number, got {got!r}: use // (floor "
                                                        f"division), not /."))
            continue
        ok = int(got) == want
        results.append(CaseResult(case.name, ok, "" if ok else f"expected {want}, got {got} for {case.kwargs}."))
    return with_hints(Verdict("conv output size", tuple(results)), fn, cases, _CONV_SIZE_MISTAKES,
                      _conv_size_reference)


# -- 2. NMS --------------------------------------------------------------------------------------------------------
def nms_cases() -> list:
    """Named NMS inputs: the toy detections at several thresholds and edge cases."""
    from mlnotes.cnn.boxes import toy_detections

    boxes, scores, _, _ = toy_detections()
    half = np.array([[0.0, 0.0, 2.0, 1.0], [0.0, 0.0, 1.0, 1.0], [5.0, 5.0, 6.0, 6.0]])  # IoU(0, 1) = 0.5 exactly
    cases = [Case(f"detections, threshold {t}", {"boxes": boxes, "scores": scores, "iou_threshold": t})
             for t in (0.3, 0.5, 0.7)]
    cases += [
        Case("scores not sorted in the input", {"boxes": boxes[::-1].copy(), "scores": scores[::-1].copy(),
                                               "iou_threshold": 0.5}),
        Case("IoU exactly at the threshold is kept (drop only IoU > t)",
             {"boxes": half, "scores": np.array([0.9, 0.8, 0.7]), "iou_threshold": 0.5}),
        Case("identical boxes: only the best survives",
             {"boxes": np.tile([[1.0, 1.0, 4.0, 5.0]], (4, 1)), "scores": np.array([0.2, 0.9, 0.5, 0.7]),
              "iou_threshold": 0.5}),
        Case("boxes that only touch (IoU 0)",
             {"boxes": np.array([[0.0, 0.0, 1.0, 1.0], [1.0, 0.0, 2.0, 1.0], [0.0, 1.0, 1.0, 2.0]]),
              "scores": np.array([0.5, 0.9, 0.7]), "iou_threshold": 0.0}),
        Case("a small box inside a big one (IoU 0.25 < 0.3: both kept)",
             {"boxes": np.array([[0.0, 0.0, 4.0, 4.0], [1.0, 1.0, 3.0, 3.0]]), "scores": np.array([0.6, 0.9]),
              "iou_threshold": 0.3}),
        Case("equal scores keep their input order",
             {"boxes": np.array([[0.0, 0.0, 2.0, 2.0], [10.0, 10.0, 12.0, 12.0], [0.2, 0.0, 2.0, 2.0]]),
              "scores": np.array([0.5, 0.5, 0.5]), "iou_threshold": 0.5}),
        Case("a single box", {"boxes": np.array([[3.0, 4.0, 5.0, 9.0]]), "scores": np.array([0.1]),
                              "iou_threshold": 0.5}),
    ]
    return cases


def _nms_reference(boxes, scores, iou_threshold):
    from mlnotes.cnn.boxes import nms

    return nms(boxes, scores, iou_threshold)


def _nms_variant(boxes, scores, iou_threshold, *, plus_one=False, ge=False, order="score"):
    x1, y1, x2, y2 = np.asarray(boxes, dtype=float).T
    e = 1.0 if plus_one else 0.0
    areas = (x2 - x1 + e) * (y2 - y1 + e)
    idx = np.argsort(-np.asarray(scores), kind="stable") if order == "score" else np.arange(len(scores))
    keep = []
    while idx.size:
        i, rest = idx[0], idx[1:]
        keep.append(int(i))
        inter = (np.clip(np.minimum(x2[i], x2[rest]) - np.maximum(x1[i], x1[rest]) + e, 0, None)
                 * np.clip(np.minimum(y2[i], y2[rest]) - np.maximum(y1[i], y1[rest]) + e, 0, None))
        iou = inter / (areas[i] + areas[rest] - inter)
        idx = rest[iou < iou_threshold] if ge else rest[iou <= iou_threshold]
    return np.array(keep)


_NMS_MISTAKES = [
    ("the kept indices are sorted by index; return them in the order they are kept (highest score first).",
     lambda **kw: np.sort(_nms_reference(**kw))),
    ("boxes are suppressed at IoU ≥ threshold; torchvision (and this drill) drops only IoU > threshold.",
     lambda **kw: _nms_variant(**kw, ge=True)),
    ("the boxes are not visited in order of score: sort by score, highest first (np.argsort(-scores)).",
     lambda **kw: _nms_variant(**kw, order="input")),
    ("areas use the old pixel-inclusive convention (x2 − x1 + 1); with real-valued corners the width is x2 − x1.",
     lambda **kw: _nms_variant(**kw, plus_one=True)),
]


def check_nms(fn) -> Verdict:
    """Check ``fn(boxes, scores, iou_threshold)`` → kept indices (highest score first) against greedy NMS.

    See chapter: chapters/cnn.md
    """
    if not callable(fn):
        return Verdict("NMS", (CaseResult("(setup)", False, f"expected a function, got {type(fn).__name__}."),))
    cases, results = nms_cases(), []
    for case in cases:
        want = _nms_reference(**case.kwargs)
        kwargs = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in case.kwargs.items()}
        got, error = call_reader(fn, **kwargs)
        if error is not None:
            results.append(CaseResult(case.name, False, error))
            continue
        if any(not np.array_equal(kwargs[k], case.kwargs[k]) for k in ("boxes", "scores")):
            results.append(CaseResult(case.name, False, "modified boxes or scores in place; work on copies."))
            continue
        try:
            arr = np.asarray(got)
            ok_type = arr.ndim == 1 and (arr.dtype.kind in "iu" or arr.size == 0 or (
                arr.dtype.kind == "f" and bool(np.all(np.isfinite(arr))) and bool(np.all(arr == np.round(arr)))))
        except Exception:  # noqa: BLE001
            ok_type = False
        if not ok_type:
            results.append(CaseResult(case.name, False, f"should return a 1-D list/array of integer indices, got "
                                                        f"{type(got).__name__} {fmt(got)}."))
            continue
        ok = arr.shape == want.shape and np.array_equal(arr.astype(np.int64), want)
        results.append(CaseResult(case.name, ok, "" if ok else f"expected indices {want.tolist()}, got "
                                                               f"{arr.astype(np.int64).tolist()}."))
    return with_hints(Verdict("NMS", tuple(results)), fn, cases, _NMS_MISTAKES, _nms_reference)


# -- 3. conv2d by loops --------------------------------------------------------------------------------------------
def conv2d_cases() -> list:
    """Named conv2d inputs (float64): channels, stride, padding, 1×1 and full-size kernels."""
    specs = [("1 channel in and out, 3×3, no padding", 1, 1, 1, 5, 5, 3, 1, 0),
             ("3 → 4 channels: sum over input channels", 2, 3, 4, 6, 6, 3, 1, 0),
             ("padding 1 keeps the size", 1, 2, 3, 5, 5, 3, 1, 1),
             ("stride 2, padding 1, odd size (floor)", 2, 2, 2, 7, 7, 3, 2, 1),
             ("non-square input and kernel 2×2", 1, 2, 2, 5, 8, 2, 1, 0),
             ("1×1 convolution mixes channels only", 2, 4, 3, 4, 4, 1, 1, 0),
             ("kernel as large as the input: one output", 1, 2, 2, 4, 4, 4, 1, 0),
             ("stride 3 with padding 2", 1, 1, 2, 8, 8, 3, 3, 2)]
    cases = []
    for i, (name, n, cin, cout, h, w, k, s, p) in enumerate(specs):
        rng = np.random.default_rng(500 + i)
        cases.append(Case(name, {"x": rng.standard_normal((n, cin, h, w)), "weight": rng.standard_normal((cout, cin, k, k)),
                                 "bias": rng.standard_normal(cout), "stride": s, "padding": p}))
    return cases


def _conv2d_reference(x, weight, bias, stride, padding):
    if not library_oracle():  # the browser: the book's conv2d, equal to torch's (tests/test_cnn_conv.py)
        from mlnotes.cnn.conv import conv2d

        return conv2d(np.asarray(x, dtype=np.float64), np.asarray(weight, dtype=np.float64),
                      np.asarray(bias, dtype=np.float64), stride=stride, padding=padding)
    import torch

    t = lambda a: torch.tensor(a, dtype=torch.float64)  # noqa: E731
    return torch.nn.functional.conv2d(t(x), t(weight), t(bias), stride=stride, padding=padding).numpy()


_CONV2D_MISTAKES = [
    ("the kernel is flipped (a true convolution); deep-learning conv layers compute a cross-correlation.",
     lambda x, weight, bias, stride, padding: _conv2d_reference(x, weight[:, :, ::-1, ::-1].copy(), bias, stride,
                                                                padding)),
    ("the bias is missing: add bias[o] to every output of channel o.",
     lambda x, weight, bias, stride, padding: _conv2d_reference(x, weight, 0 * bias, stride, padding)),
    ("the bias is added once per input channel: sum over (C_in, kH, kW) first, then add it once.",
     lambda x, weight, bias, stride, padding: _conv2d_reference(x, weight, x.shape[1] * bias, stride, padding)),
]


def check_conv2d_loops(fn) -> Verdict:
    """Check ``fn(x, weight, bias, stride, padding)`` against ``torch.nn.functional.conv2d`` (float64).

    Reference: ``torch.nn.functional.conv2d`` in float64; in the browser (Pyodide) :func:`mlnotes.cnn.conv2d`,
    proven equal in tests/test_cnn_conv.py::test_conv2d_forward_and_backward_equal_torch.
    See chapter: chapters/cnn.md
    """
    cases = conv2d_cases()
    with np.errstate(all="ignore"):
        verdict = check(fn, _conv2d_reference, cases, drill="conv2d by loops", output_names=("conv2d output",),
                        rtol=1e-9, atol=1e-10)
    return with_hints(verdict, fn, cases, _CONV2D_MISTAKES, _conv2d_reference)
