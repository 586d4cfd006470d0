r"""Convolutional networks (卷积神经网络) from scratch: conv2d (im2col and loops, forward and backward), pooling,
shape and cost arithmetic, receptive fields, parameter sharing, residual connections, IoU and NMS.

A convolution layer maps $(N, C_{\text{in}}, H, W)$ to $(N, C_{\text{out}}, H_{\text{out}}, W_{\text{out}})$ with
$H_{\text{out}} = \lfloor (H + 2p - d(k-1) - 1)/s \rfloor + 1$ (likewise $W$), sliding $C_{\text{out}}$ kernels of
shape $(C_{\text{in}}/g, k_h, k_w)$ over the input. Every function keeps the input's floating dtype (float32 in
→ float32 out); integers become float64. The torch-based parts (the autograd wrapper, the receptive-field probe,
the torch twin of the demo MLP) import torch only when called.

See chapter: chapters/cnn.md
"""

from mlnotes.cnn.blocks import fuse_conv_bn
from mlnotes.cnn.boxes import batched_nms, box_area, box_iou, nms, toy_detections
from mlnotes.cnn.conv import conv2d, conv2d_backward, im2col
from mlnotes.cnn.autograd import conv2d_autograd
from mlnotes.cnn.pool import avg_pool2d, avg_pool2d_backward, max_pool2d, max_pool2d_backward
from mlnotes.cnn.receptive import probe_receptive_field, receptive_field, support_extent
from mlnotes.cnn.shapes import (conv2d_macs, conv2d_output_shape, conv2d_param_count, conv_output_size,
                                dense_param_count, locally_connected_param_count, pool_output_size)
from mlnotes.cnn.sharing import circular_conv2d, conv_as_matrix, equivariance_error

__all__ = [
    "conv2d", "conv2d_backward", "im2col", "conv2d_autograd",
    "max_pool2d", "max_pool2d_backward", "avg_pool2d", "avg_pool2d_backward",
    "conv_output_size", "pool_output_size", "conv2d_output_shape", "conv2d_param_count", "conv2d_macs",
    "dense_param_count", "locally_connected_param_count",
    "receptive_field", "probe_receptive_field", "support_extent",
    "conv_as_matrix", "circular_conv2d", "equivariance_error",
    "fuse_conv_bn",
    "box_area", "box_iou", "nms", "batched_nms", "toy_detections",
]
