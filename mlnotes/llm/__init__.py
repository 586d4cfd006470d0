"""Large language models in practice (大模型): BPE and WordPiece tokenizers, the KV cache, decoding strategies,
RoPE and ALiBi, BERT's masking and heads, LoRA, number formats and mixed precision, online softmax and tiled
attention — from scratch, each checked against a reference.

See chapter: chapters/llm.md
"""

from mlnotes.llm.bert import best_span, mlm_mask, nsp_pairs
from mlnotes.llm.bpe import BPETokenizer, pretokenize, train_bpe
from mlnotes.llm.decoding import (beam_search, enumerate_sequences, filter_logits, greedy, sample,
                                  sequence_distribution)
from mlnotes.llm.flash import online_softmax, tiled_attention
from mlnotes.llm.kvcache import forward_with_cache, generate, gqa_attention, kv_cache_bytes
from mlnotes.llm.lora import LoRALinear, best_rank_r_error, fit_lora, lora_param_counts, spectrum_update
from mlnotes.llm.positions import alibi_bias, alibi_slopes, apply_rope, rope_angles
from mlnotes.llm.precision import adam_mixed_precision_bytes, finfo_table, scaled_gradient_survival, update_scale
from mlnotes.llm.wordpiece import bert_vocab, hf_bert_tokenizer, tokenize_bert

__all__ = [
    "train_bpe", "BPETokenizer", "pretokenize", "tokenize_bert", "bert_vocab", "hf_bert_tokenizer",
    "generate", "forward_with_cache", "kv_cache_bytes", "gqa_attention",
    "greedy", "beam_search", "enumerate_sequences", "sample", "filter_logits", "sequence_distribution",
    "apply_rope", "rope_angles", "alibi_slopes", "alibi_bias",
    "mlm_mask", "nsp_pairs", "best_span",
    "LoRALinear", "lora_param_counts", "best_rank_r_error", "fit_lora", "spectrum_update",
    "finfo_table", "scaled_gradient_survival", "update_scale", "adam_mixed_precision_bytes",
    "online_softmax", "tiled_attention",
]
