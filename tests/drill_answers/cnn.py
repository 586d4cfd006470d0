"""Known wrong answers to the CNN drills (mlnotes/drills/cnn.py): conv_output_size, nms, conv2d_loops.

Each is a realistic mistake the checker must fail (most of them it names with a 'Likely bug' hint), or a
hostile answer. numpy and the standard library only: this file is exec'd alone in the browser (Pyodide).
tests/test_drills_cnn.py imports these functions to assert the hint each one gets.
"""

import numpy as np


# -- conv_output_size ---------------------------------------------------------------------------------------
def size_ignores_dilation(size, kernel_size, stride=1, padding=0, dilation=1):
    return (size + 2 * padding - kernel_size) // stride + 1


def size_missing_plus_one(size, kernel_size, stride=1, padding=0, dilation=1):
    return (size + 2 * padding - dilation * (kernel_size - 1) - 1) // stride


def size_padding_once(size, kernel_size, stride=1, padding=0, dilation=1):
    return (size + padding - dilation * (kernel_size - 1) - 1) // stride + 1


def size_rounds_up(size, kernel_size, stride=1, padding=0, dilation=1):
    return -((-(size + 2 * padding - dilation * (kernel_size - 1) - 1)) // stride) + 1


def size_true_division(size, kernel_size, stride=1, padding=0, dilation=1):
    """/ instead of //: a float, not a whole number when the stride leaves a remainder."""
    return (size + 2 * padding - dilation * (kernel_size - 1) - 1) / stride + 1


def size_returns_a_shape(size, kernel_size, stride=1, padding=0, dilation=1):
    """Hostile: a tuple (a shape), not an int."""
    return ((size + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1,)


# -- nms ------------------------------------------------------------------------------------------------------
def greedy_nms(boxes, scores, iou_threshold, *, ge=False, by_score=True, plus_one=False, sort_out=False):
    """Greedy NMS in plain Python (a correct answer with the defaults, returning a list); each keyword is a bug."""
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
            if (iou < iou_threshold) if ge else (iou <= iou_threshold):
                rest.append(j)
        order = rest
    return sorted(keep) if sort_out else keep


def nms_suppresses_at_equal_iou(boxes, scores, iou_threshold):
    return greedy_nms(boxes, scores, iou_threshold, ge=True)


def nms_ignores_scores(boxes, scores, iou_threshold):
    return greedy_nms(boxes, scores, iou_threshold, by_score=False)


def nms_pixel_inclusive_area(boxes, scores, iou_threshold):
    return greedy_nms(boxes, scores, iou_threshold, plus_one=True)


def nms_sorted_indices(boxes, scores, iou_threshold):
    return greedy_nms(boxes, scores, iou_threshold, sort_out=True)


def nms_mutates_scores(boxes, scores, iou_threshold):
    """Hostile: right indices, but the scores are zeroed in place."""
    keep = greedy_nms(boxes, scores, iou_threshold)
    scores[:] = 0
    return keep


def nms_returns_boxes(boxes, scores, iou_threshold):
    """Hostile: the kept boxes (K, 4) instead of their indices."""
    return np.asarray(boxes)[greedy_nms(boxes, scores, iou_threshold)]


# -- conv2d_loops ---------------------------------------------------------------------------------------------
def conv2d_by_loops(x, weight, bias, stride=1, padding=0, *, flip=False, bias_times=1.0):
    """A correct loop convolution with the defaults; ``flip`` and ``bias_times`` are bugs."""
    if flip:
        weight = weight[:, :, ::-1, ::-1]
    n, _, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    h_out, w_out = (h + 2 * padding - kh) // stride + 1, (w + 2 * padding - kw) // stride + 1
    y = np.zeros((n, c_out, h_out, w_out))
    for o in range(c_out):
        for i in range(h_out):
            for j in range(w_out):
                window = xp[:, :, i * stride: i * stride + kh, j * stride: j * stride + kw]
                y[:, o, i, j] = np.sum(window * weight[o], axis=(1, 2, 3)) + bias_times * bias[o]
    return y


def conv2d_flipped_kernel(x, weight, bias, stride=1, padding=0):
    return conv2d_by_loops(x, weight, bias, stride, padding, flip=True)


def conv2d_no_bias(x, weight, bias, stride=1, padding=0):
    return conv2d_by_loops(x, weight, bias, stride, padding, bias_times=0.0)


def conv2d_bias_per_input_channel(x, weight, bias, stride=1, padding=0):
    return conv2d_by_loops(x, weight, bias, stride, padding, bias_times=x.shape[1])


def conv2d_ignores_stride(x, weight, bias, stride=1, padding=0):
    return conv2d_by_loops(x, weight, bias, 1, padding)


def conv2d_pads_in_place(x, weight, bias, stride=1, padding=0):
    """Hostile: right output, but x is overwritten (its border zeroed) in place."""
    y = conv2d_by_loops(x, weight, bias, stride, padding)
    x[:, :, 0, :] = 0.0
    return y


ANSWERS = {
    "conv_output_size": [size_ignores_dilation, size_missing_plus_one, size_padding_once, size_rounds_up,
                         size_true_division, size_returns_a_shape],
    "nms": [nms_suppresses_at_equal_iou, nms_ignores_scores, nms_pixel_inclusive_area, nms_sorted_indices,
            nms_mutates_scores, nms_returns_boxes],
    "conv2d_loops": [conv2d_flipped_kernel, conv2d_no_bias, conv2d_bias_per_input_channel, conv2d_ignores_stride,
                     conv2d_pads_in_place],
}
