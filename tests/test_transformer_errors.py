"""Bad inputs to mlnotes.transformer raise ValueError / TypeError naming the argument."""

import numpy as np
import pytest
import torch

from mlnotes.transformer import GPT, DecoderLayer, EncoderLayer, GPTConfig, errata, gpt2, preln, train
from mlnotes.transformer.corpus import CharVocab
from mlnotes.transformer.counting import measure_train_flops, train_flops

TEL = torch.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True, dtype=torch.float64)
ENC = EncoderLayer.from_torch(TEL)
DEC = DecoderLayer.from_torch(torch.nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0, batch_first=True,
                                                               dtype=torch.float64))
X = torch.zeros(2, 3, 8, dtype=torch.float64)
SMALL = GPT(GPTConfig(vocab_size=10, block_size=4))
TINY_RESULT = None


def tiny_result():
    global TINY_RESULT
    if TINY_RESULT is None:
        TINY_RESULT = train.train_char_gpt(train=train.TrainConfig(steps=1, batch_size=1, seq_len=4), block_size=4,
                                           d_model=8, n_layers=1, n_heads=2)
    return TINY_RESULT


CASES = [
    ("from_torch wrong type", lambda: EncoderLayer.from_torch(torch.nn.Linear(2, 2)), TypeError,
     "layer must be a torch.nn.TransformerEncoderLayer"),
    ("from_torch decoder as encoder", lambda: DecoderLayer.from_torch(TEL), TypeError,
     "torch.nn.TransformerDecoderLayer"),
    ("not batch_first", lambda: EncoderLayer.from_torch(torch.nn.TransformerEncoderLayer(8, 2)), ValueError,
     "batch_first=True"),
    ("x not a tensor", lambda: ENC(np.zeros((2, 3, 8))), TypeError, "x must be a torch.Tensor"),
    ("x wrong width", lambda: ENC(torch.zeros(2, 3, 4, dtype=torch.float64)), ValueError,
     r"x must have shape \(B, T, d_model=8\)"),
    ("x 2-D", lambda: ENC(torch.zeros(3, 8, dtype=torch.float64)), ValueError, "x must have shape"),
    ("x wrong dtype", lambda: ENC(torch.zeros(2, 3, 8)), TypeError, "x must have the layer's dtype"),
    ("int mask", lambda: ENC(X, mask=torch.ones(3, 3, dtype=torch.int64)), TypeError, "mask must be a bool"),
    ("mask shape", lambda: ENC(X, mask=torch.ones(4, 4, dtype=torch.bool)), ValueError, "mask must broadcast"),
    ("decoder memory batch", lambda: DEC(X, torch.zeros(3, 5, 8, dtype=torch.float64)), ValueError,
     "memory must have the batch size"),
    ("decoder int tgt_mask", lambda: DEC(X, X, tgt_mask=torch.ones(3, 3, dtype=torch.int32)), TypeError,
     "tgt_mask must be a bool"),
    ("decoder memory_mask shape", lambda: DEC(X, X, memory_mask=torch.ones(2, 2, dtype=torch.bool)), ValueError,
     "memory_mask must broadcast"),
    ("config vocab 0", lambda: GPTConfig(vocab_size=0), ValueError, "vocab_size must be an integer >= 1"),
    ("config heads", lambda: GPTConfig(vocab_size=5, d_model=10, n_heads=4), ValueError,
     "d_model .10. must be divisible by n_heads .4."),
    ("config activation", lambda: GPTConfig(vocab_size=5, activation="swish"), ValueError, "activation must be one of"),
    ("config init", lambda: GPTConfig(vocab_size=5, init="xavier"), ValueError, "init must be one of"),
    ("config norm_first str", lambda: GPTConfig(vocab_size=5, norm_first="yes"), TypeError, "norm_first must be a bool"),
    ("config init_std", lambda: GPTConfig(vocab_size=5, init_std=0.0), ValueError, "init_std must be > 0"),
    ("config float size", lambda: GPTConfig(vocab_size=5.0), TypeError, "vocab_size must be an integer"),
    ("gpt config type", lambda: GPT({"vocab_size": 5}), TypeError, "config must be a GPTConfig"),
    ("gpt device", lambda: GPT(GPTConfig(vocab_size=5), device="cuda"), ValueError, "device must be 'cpu' or 'meta'"),
    ("idx float", lambda: SMALL(torch.zeros(1, 2)), TypeError, "idx must be an integer torch.Tensor"),
    ("idx 1-D", lambda: SMALL(torch.zeros(3, dtype=torch.long)), ValueError, r"idx must have shape \(B, T\)"),
    ("idx too long", lambda: SMALL(torch.zeros(1, 5, dtype=torch.long)), ValueError, "exceeds block_size 4"),
    ("idx out of vocab", lambda: SMALL(torch.tensor([[10]])), ValueError, r"token ids must be in \[0, 10\)"),
    ("idx negative", lambda: SMALL(torch.tensor([[-1]])), ValueError, "token ids must be in"),
    ("train steps 0", lambda: train.TrainConfig(steps=0), ValueError, "steps must be an integer >= 1"),
    ("train lr 0", lambda: train.TrainConfig(lr=0.0), ValueError, "lr must be > 0"),
    ("train warmup -1", lambda: train.TrainConfig(warmup_steps=-1), ValueError, "warmup_steps must be an integer"),
    ("seq_len > block", lambda: train.train_char_gpt(train=train.TrainConfig(seq_len=40), block_size=16), ValueError,
     r"seq_len \(40\) must be ≤ block_size \(16\)"),
    ("text too short", lambda: train.train_char_gpt(text="abcdefgh", train=train.TrainConfig(seq_len=4),
                                                    block_size=4), ValueError, "text is too short"),
    ("vocab mismatch", lambda: train.train_char_gpt(GPTConfig(vocab_size=3), text="abcdabcd" * 20), ValueError,
     "config.vocab_size"),
    ("ln_run str", lambda: train.ln_run("yes", False), TypeError, "norm_first and warmup must be bools"),
    ("vocab empty", lambda: CharVocab(""), ValueError, "text must be a non-empty str"),
    ("vocab unknown char", lambda: CharVocab("abc").encode("abz"), ValueError, "outside the vocabulary"),
    ("sample temperature 0", lambda: train.sample_text(tiny_result(), "a", 3, [0.0]), ValueError,
     "temperature must be > 0"),
    ("sample empty prompt", lambda: train.sample_text(tiny_result(), "", 3, [1.0]), ValueError,
     "prompt must not be empty"),
    ("sample n_chars 0", lambda: train.sample_text(tiny_result(), "a", 0, [1.0]), ValueError,
     "n_chars must be an integer >= 1"),
    ("flops model type", lambda: measure_train_flops("gpt", 1, 1), TypeError, "model must be a GPT"),
    ("flops batch 0", lambda: train_flops(GPTConfig(vocab_size=5), 0, 4), ValueError, "batch_size must be"),
    ("erratum ids float", lambda: errata.transformer_input(np.array([0.5]), 8), ValueError,
     "token_ids must be a non-empty 1-D array"),
    ("erratum ids too many", lambda: errata.transformer_input(np.zeros(600, dtype=int), 8), ValueError,
     "at most max_len=512"),
    ("erratum d_model 1", lambda: errata.position_share(1), ValueError, "d_model must be an integer >= 2"),
    ("growth scaled str", lambda: gpt2.residual_growth("yes"), TypeError, "scaled_init must be a bool"),
    ("grad norms layers 0", lambda: preln.grad_norms_at_init(0, True), ValueError, "n_layers must be an integer"),
    ("grad norms flag", lambda: preln.grad_norms_at_init(2, 1), TypeError, "norm_first must be a bool"),
    ("unigram empty", lambda: preln.unigram_entropy(""), ValueError, "text must be a non-empty str"),
]


@pytest.mark.parametrize("name, call, exc, match", CASES, ids=[c[0] for c in CASES])
def test_bad_input_raises(name, call, exc, match):
    with pytest.raises(exc, match=match):
        call()
