r"""Weight initialization (权重初始化): the samplers, and what they do to a deep network.

See :mod:`mlnotes.init.initializers` for the math. See chapter: chapters/initialization.md
"""

from mlnotes.init.deep import INITS, MAX_DEPTH, LayerStats, layer_statistics, variance_gain_per_layer
from mlnotes.init.initializers import (calculate_gain, constant, fan_in_and_fan_out, kaiming_bound, kaiming_normal,
                                       kaiming_std, kaiming_uniform, normal, uniform, xavier_bound, xavier_normal,
                                       xavier_std, xavier_uniform, zeros)

__all__ = [
    "calculate_gain", "fan_in_and_fan_out", "xavier_std", "xavier_bound", "kaiming_std", "kaiming_bound",
    "zeros", "constant", "normal", "uniform", "xavier_uniform", "xavier_normal", "kaiming_uniform", "kaiming_normal",
    "INITS", "MAX_DEPTH", "LayerStats", "layer_statistics", "variance_gain_per_layer",
]
