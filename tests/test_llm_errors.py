"""Bad inputs to mlnotes.llm raise ValueError / TypeError naming the argument."""

import numpy as np
import pytest
import torch

from mlnotes.llm import bert, bpe, decoding, flash, kvcache, lora, positions, precision, wordpiece
from mlnotes.transformer import GPT, GPTConfig

MODEL = GPT(GPTConfig(vocab_size=10, block_size=8))
TOK = bpe.train_bpe("ab ab ab", 258)
Z = torch.zeros(2, 5)

CASES = [
    ("bpe vocab < 256", lambda: bpe.train_bpe("abc", 100), ValueError, "vocab_size must be an integer >= 256"),
    ("bpe texts type", lambda: bpe.train_bpe(123, 300), TypeError, "texts must be a str"),
    ("bpe empty list", lambda: bpe.train_bpe([], 300), TypeError, "texts must be a str or a non-empty list"),
    ("bpe tokenize bytes", lambda: TOK.tokenize(b"ab"), TypeError, "text must be a str"),
    ("bpe decode unknown id", lambda: TOK.decode([10_000]), ValueError, "unknown token id 10000"),
    ("wordpiece empty", lambda: wordpiece.wordpiece("", {}), ValueError, "word must be a non-empty str"),
    ("generate steps -1", lambda: kvcache.generate(MODEL, torch.zeros(1, 2, dtype=torch.long), -1), ValueError,
     "max_new_tokens must be an integer >= 0"),
    ("generate too long", lambda: kvcache.generate(MODEL, torch.zeros(1, 2, dtype=torch.long), 7), ValueError,
     "exceeds block_size 8"),
    ("generate temperature", lambda: kvcache.generate(MODEL, torch.zeros(1, 2, dtype=torch.long), 1,
                                                      temperature=-1.0), ValueError, "temperature must be >= 0"),
    ("generate use_cache str", lambda: kvcache.generate(MODEL, torch.zeros(1, 2, dtype=torch.long), 1,
                                                        use_cache="yes"), TypeError, "use_cache must be a bool"),
    ("generate float prompt", lambda: kvcache.generate(MODEL, torch.zeros(1, 2), 1), TypeError,
     "idx must be an integer torch.Tensor"),
    ("cache over block", lambda: kvcache.forward_with_cache(MODEL, torch.zeros(1, 9, dtype=torch.long), []),
     ValueError, "exceed block_size 8"),
    ("kv bytes 0 layers", lambda: kvcache.kv_cache_bytes(0, 1, 1, 1), ValueError, "n_layers must be an integer >= 1"),
    ("gqa 3-D", lambda: kvcache.gqa_attention(torch.zeros(2, 3, 4), torch.zeros(2, 3, 4), torch.zeros(2, 3, 4)),
     ValueError, "q must be a 4-D"),
    ("gqa groups", lambda: kvcache.gqa_attention(torch.zeros(1, 4, 2, 2), torch.zeros(1, 3, 2, 2),
                                                 torch.zeros(1, 3, 2, 2)), ValueError, "dividing h = 4"),
    ("filter temperature 0", lambda: decoding.filter_logits(Z, temperature=0.0), ValueError, "temperature must be > 0"),
    ("filter top_k 0", lambda: decoding.filter_logits(Z, top_k=0), ValueError, "top_k must be an integer >= 1"),
    ("filter top_p 1.5", lambda: decoding.filter_logits(Z, top_p=1.5), ValueError, r"top_p must be in \(0.0, 1.0\]"),
    ("filter int logits", lambda: decoding.filter_logits(torch.zeros(3, dtype=torch.long)), TypeError,
     "logits must be a floating tensor"),
    ("beam width 0", lambda: decoding.beam_search(decoding.toy_lm(3), [0], 2, 0), ValueError,
     "beam_width must be an integer >= 1"),
    ("enumerate too many", lambda: decoding.enumerate_sequences(decoding.toy_lm(9), [0], 6), ValueError,
     "too many to enumerate"),
    ("rope odd d", lambda: positions.apply_rope(np.zeros((2, 3)), [0, 1]), ValueError, "d must be even"),
    ("rope int x", lambda: positions.apply_rope(np.zeros((2, 4), dtype=int), [0, 1]), TypeError,
     "x must be a floating array"),
    ("rope positions", lambda: positions.apply_rope(np.zeros((2, 4)), [0]), ValueError, "one position per row"),
    ("rope base", lambda: positions.rope_angles([0], 4, base=1.0), ValueError, "base must be > 1.0"),
    ("alibi heads 0", lambda: positions.alibi_slopes(0), ValueError, "num_heads must be an integer >= 1"),
    ("mlm dtypes", lambda: bert.mlm_mask(torch.zeros(2, 3), torch.zeros(2, 3), 1, 10), TypeError,
     "input_ids must be int64 and special_mask bool"),
    ("mlm prob", lambda: bert.mlm_mask(torch.zeros(2, 3, dtype=torch.long), torch.zeros(2, 3, dtype=torch.bool), 1,
                                       10, mlm_probability=1.5), ValueError, "mlm_probability must be in"),
    ("mlm 80+30", lambda: bert.mlm_mask(torch.zeros(2, 3, dtype=torch.long), torch.zeros(2, 3, dtype=torch.bool), 1,
                                        10, mask_replace_prob=0.8, random_replace_prob=0.3), ValueError,
     "random_replace_prob must be in"),
    ("nsp too few", lambda: bert.nsp_pairs(["a", "b"]), ValueError, "at least 3 sentences"),
    ("span shapes", lambda: bert.best_span([1.0, 2.0], [1.0]), ValueError, "same non-zero length"),
    ("span max len", lambda: bert.best_span([1.0], [1.0], 0), ValueError, "max_answer_len must be an integer"),
    ("lora weight numpy", lambda: lora.LoRALinear(np.zeros((2, 2))), TypeError, "weight must be a floating 2-D"),
    ("lora rank too big", lambda: lora.LoRALinear(torch.zeros(3, 2), r=3), ValueError, r"r must be an integer in"),
    ("lora alpha 0", lambda: lora.LoRALinear(torch.zeros(3, 2), r=1, alpha=0.0), ValueError, "alpha must be > 0"),
    ("lora counts r 0", lambda: lora.lora_param_counts(4, 4, 0), ValueError, "r must be an integer >= 1"),
    ("spectrum decay 0", lambda: lora.spectrum_update(decay=0.0), ValueError, r"decay must be in \(0.0, 1.0\]"),
    ("round trip dtype", lambda: precision.round_trip([1.0], "float8"), ValueError, "dtype_name must be one of"),
    ("scale < 1", lambda: precision.scaled_gradient_survival([1e-3], 0.5), ValueError, "scale must be >= 1.0"),
    ("update scale 0", lambda: precision.update_scale(0.0, False, 0), ValueError, "scale must be > 0"),
    ("adam params 0", lambda: precision.adam_mixed_precision_bytes(0), ValueError, "n_params must be an integer"),
    ("online 2-D", lambda: flash.online_softmax(np.zeros((2, 2))), ValueError, "x must be a non-empty 1-D floating"),
    ("online int", lambda: flash.online_softmax(np.array([1, 2])), ValueError, "floating"),
    ("tiled shapes", lambda: flash.tiled_attention(np.zeros((2, 3)), np.zeros((4, 2)), np.zeros((4, 1))),
     ValueError, r"q, k, v must have shapes"),
    ("tiled block 0", lambda: flash.tiled_attention(np.zeros((2, 3)), np.zeros((4, 3)), np.zeros((4, 1)), 0),
     ValueError, "block_size must be an integer >= 1"),
]


@pytest.mark.parametrize("name, call, exc, match", CASES, ids=[c[0] for c in CASES])
def test_bad_input_raises(name, call, exc, match):
    with pytest.raises(exc, match=match):
        call()
