"""The Transformer (Transformer 架构): encoder and decoder layers from scratch in torch tensors, equal to
``torch.nn.TransformerEncoderLayer`` / ``TransformerDecoderLayer``; a GPT built from them; parameter and FLOP
counts; post-LN vs pre-LN; GPT-2's changes; a tiny character GPT trained on CPU; erratum 18.

See chapter: chapters/transformer.md
"""

from mlnotes.transformer.blocks import (decoder_layer, encoder_layer, feed_forward, layer_norm,
                                        multi_head_attention)
from mlnotes.transformer.corpus import CharVocab, corpus_text
from mlnotes.transformer.counting import measure_train_flops, train_flops
from mlnotes.transformer.gpt import GPT, GPTConfig, layer_param_count, param_count, residual_stds
from mlnotes.transformer.layers import DecoderLayer, EncoderLayer
from mlnotes.transformer.train import TrainConfig, TrainResult, ln_run, sample_text, train_char_gpt

__all__ = [
    "layer_norm", "feed_forward", "multi_head_attention", "encoder_layer", "decoder_layer",
    "EncoderLayer", "DecoderLayer", "GPT", "GPTConfig", "layer_param_count", "param_count", "residual_stds",
    "CharVocab", "corpus_text", "train_flops", "measure_train_flops",
    "TrainConfig", "TrainResult", "train_char_gpt", "ln_run", "sample_text",
]
