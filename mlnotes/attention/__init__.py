"""Attention (注意力机制): softmax, scaled dot-product and multi-head attention, masks, positional
encoding, the √d_k scaling, a tiny trained model and the cost of attention, from scratch in numpy
(and torch), checked against torch.

See chapter: chapters/attention.md
"""

from mlnotes.attention.core import (global_max_demo_scores, masked_softmax, sdpa_numpy, sdpa_torch, softmax,
                                    softmax_global_max)
from mlnotes.attention.cost import LayerCosts, fit_exponent, head_costs, layer_costs, path_lengths, time_attention
from mlnotes.attention.masks import causal_mask, combine_masks, padding_mask, sliding_window_mask
from mlnotes.attention.multihead import (MultiHeadAttention, attention_bias, merge_heads, mha_param_count,
                                         self_attention_fused, split_heads)
from mlnotes.attention.positional import pe_dot_by_offset, pe_frequencies, pe_shift_matrix, sinusoidal_pe
from mlnotes.attention.scaling import Saturation, saturation, scaled_scores, score_variance, softmax_jacobian
from mlnotes.attention.tiny import ReversalResult, reversal_fits, train_reversal

__all__ = [
    "softmax", "softmax_global_max", "global_max_demo_scores", "masked_softmax", "sdpa_numpy", "sdpa_torch",
    "causal_mask", "padding_mask", "sliding_window_mask", "combine_masks",
    "MultiHeadAttention", "attention_bias", "split_heads", "merge_heads", "mha_param_count", "self_attention_fused",
    "sinusoidal_pe", "pe_frequencies", "pe_shift_matrix", "pe_dot_by_offset",
    "score_variance", "softmax_jacobian", "scaled_scores", "saturation", "Saturation",
    "train_reversal", "ReversalResult", "reversal_fits",
    "time_attention", "fit_exponent", "path_lengths", "layer_costs", "LayerCosts", "head_costs",
]
