"""The LLM chapter's pieces against their references: Hugging Face tokenizers (BPE merge for merge, WordPiece),
decoding warpers and brute force, the KV cache, GQA, RoPE (LLaMA) and ALiBi (BLOOM), BERT's masking collator,
LoRA, loss scaling (GradScaler's kernel), Adam's memory, online softmax and tiled attention."""

import json

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from mlnotes.attention import sdpa_numpy, softmax
from mlnotes.llm import bert, bpe, decoding, flash, kvcache, lora, positions, precision, wordpiece
from mlnotes.transformer import GPT, GPTConfig
from mlnotes.transformer.corpus import corpus_text


# -- BPE -----------------------------------------------------------------------------------------
def hf_bpe(docs, vocab_size):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator(docs, trainers.BpeTrainer(vocab_size=vocab_size, show_progress=False,
                                                      initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m)
              for m in json.loads(tok.to_str())["model"]["merges"]]
    return tok, merges


CORPORA = {
    "sklearn paragraphs": (corpus_text().split("\n\n")[:40], 350),
    "ties everywhere": (["ab cd ef gh " * 3, "ab cd", "ef gh ij kl"], 280),
    "repeated letters": (["aaaa aaa aa a bbbb", "aaaaaaaa abab ababab"], 270),
    "unicode": (["naïve café über straße", "字节对编码 字节 编码 🤗🤗 🤗", "déjà vu, déjà vu"], 300),
}


@pytest.mark.parametrize("name", list(CORPORA))
def test_bpe_equals_hugging_face_merge_for_merge(name):
    docs, vocab_size = CORPORA[name]
    ours = bpe.train_bpe(docs, vocab_size)
    hf, hf_merges = hf_bpe(docs, vocab_size)
    assert list(ours.merges) == hf_merges and ours.vocab == hf.get_vocab()
    probe = " ".join(docs) + " unseen wörds 🙂"
    assert ours.encode(probe) == hf.encode(probe).ids
    assert ours.decode(ours.encode(probe)) == probe == hf.decode(hf.encode(probe).ids)


def test_bpe_pretokenizer_and_alphabet_equal_hugging_face():
    from tokenizers import pre_tokenizers

    pre = pre_tokenizers.ByteLevel(add_prefix_space=False)
    for text in ["Hello world", "  two  spaces\n\nand lines", "it's we'll 3.14 über 字节 🤗!", corpus_text()[:2000]]:
        assert bpe.pretokenize(text) == [w for w, _ in pre.pre_tokenize_str(text)]
    assert set(bpe.bytes_to_unicode().values()) == set(pre_tokenizers.ByteLevel.alphabet())


def test_bpe_minimal_vocab_has_no_merges_and_still_round_trips():
    tok = bpe.train_bpe("hello hello", 256)
    assert tok.merges == () and tok.decode(tok.encode("any text, 任何 🙂")) == "any text, 任何 🙂"


# -- WordPiece -----------------------------------------------------------------------------------
def test_wordpiece_equals_bert_tokenizer_on_the_corpus():
    hf = wordpiece.hf_bert_tokenizer()
    text = corpus_text()[:20000] + " unaffable supercalifragilisticexpialidocious 字节对 🤗 " + "x" * 150
    assert wordpiece.tokenize_bert(text) == hf.encode(text, add_special_tokens=False).tokens


def test_wordpiece_greedy_longest_match():
    vocab = {"un": 0, "##aff": 1, "##able": 2, "u": 3, "##n": 4, "##a": 5}
    assert wordpiece.wordpiece("unaffable", vocab) == ["un", "##aff", "##able"]
    assert wordpiece.wordpiece("unx", vocab) == ["[UNK]"]
    assert wordpiece.wordpiece("u" * 101, {"u": 0, "##u": 1}) == ["[UNK]"]


# -- decoding ------------------------------------------------------------------------------------
@pytest.mark.parametrize("kw", [dict(temperature=0.7), dict(top_k=1), dict(top_k=4), dict(top_p=0.3),
                                dict(top_p=0.95), dict(temperature=1.5, top_k=5, top_p=0.8)])
def test_filter_logits_equals_hugging_face_warpers(kw):
    from transformers.generation.logits_process import (TemperatureLogitsWarper, TopKLogitsWarper,
                                                        TopPLogitsWarper)

    z = torch.randn(40, 25, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    ref = z.clone()
    if "temperature" in kw:
        ref = TemperatureLogitsWarper(kw["temperature"])(None, ref)
    if "top_k" in kw:
        ref = TopKLogitsWarper(kw["top_k"])(None, ref)
    if "top_p" in kw:
        ref = TopPLogitsWarper(kw["top_p"])(None, ref)
    ours = decoding.filter_logits(z, **kw)
    assert torch.equal(torch.isinf(ours), torch.isinf(ref))
    np.testing.assert_allclose(ours[~torch.isinf(ours)], ref[~torch.isinf(ref)], rtol=1e-12)
    mine = decoding.filter_logits_numpy(z.numpy(), **kw)  # numpy, no torch: the top-p drill's browser reference
    assert isinstance(mine, np.ndarray) and np.array_equal(np.isinf(mine), torch.isinf(ref).numpy())
    np.testing.assert_allclose(mine[~np.isinf(mine)], ref[~torch.isinf(ref)].numpy(), rtol=1e-12)


def test_beam_search_against_brute_force():
    for seed in range(6):
        lm = decoding.toy_lm(4, seed)
        seqs, logp = decoding.enumerate_sequences(lm, torch.tensor([1, 2]), 3)
        full, scores = decoding.beam_search(lm, torch.tensor([1, 2]), 3, 16)  # 4^(3-1): never prunes
        assert torch.equal(full, seqs[:16])
        np.testing.assert_allclose(scores, logp[:16], rtol=1e-12)
        one, _ = decoding.beam_search(lm, torch.tensor([1, 2]), 3, 1)
        assert torch.equal(one[0], decoding.greedy(lm, torch.tensor([[1, 2]]), 3)[0, 2:])
        assert np.isclose(np.exp(logp.numpy()).sum(), 1.0)


def test_sampler_matches_the_exact_distribution_and_is_seeded():
    lm = decoding.toy_lm(4, 3)
    seqs, exact = decoding.sequence_distribution(lm, torch.tensor([0]), 2, temperature=1.3, top_p=0.85)
    draws = decoding.sample(lm, torch.zeros(30000, 1, dtype=torch.long), 2, temperature=1.3, top_p=0.85, seed=1)
    freq = np.bincount((draws[:, 1:] * torch.tensor([4, 1])).sum(1).numpy(), minlength=16) / 30000
    assert 0.5 * np.abs(freq - exact.numpy()).sum() < 0.015
    again = decoding.sample(lm, torch.zeros(30000, 1, dtype=torch.long), 2, 1.3, None, 0.85, seed=1)
    assert torch.equal(draws, again)


# -- KV cache and GQA ----------------------------------------------------------------------------
@pytest.mark.parametrize("kw", [dict(), dict(norm_first=False), dict(init="torch"), dict(init="torch",
                                                                                        norm_first=False)])
def test_generation_with_and_without_cache_is_identical(kw):
    model = GPT(GPTConfig(vocab_size=40, block_size=48, d_model=32, n_layers=2, n_heads=4, **kw), seed=2)
    prompt = torch.randint(0, 40, (3, 5), generator=torch.Generator().manual_seed(3))
    for temperature in (0.0, 0.8):
        a = kvcache.generate(model, prompt, 40, use_cache=True, temperature=temperature, seed=5)
        b = kvcache.generate(model, prompt, 40, use_cache=False, temperature=temperature, seed=5)
        assert torch.equal(a, b)


def test_cache_steps_equal_the_full_forward_in_float64():
    model = GPT(GPTConfig(vocab_size=30, block_size=20, d_model=16, n_layers=2, n_heads=2), dtype=torch.float64)
    seq = torch.randint(0, 30, (2, 20), generator=torch.Generator().manual_seed(4))
    caches = []
    out = [kvcache.forward_with_cache(model, seq[:, :7], caches)]
    for t in range(7, 20, 3):  # chunks of 3 new tokens: the bottom-right causal mask
        out.append(kvcache.forward_with_cache(model, seq[:, t:t + 3], caches))
    np.testing.assert_allclose(torch.cat(out, 1), model(seq), rtol=1e-11, atol=1e-12)
    assert sum(t.numel() * 8 for kv in caches for t in kv) == kvcache.kv_cache_bytes(2, 2, 8, 20, 2, 8)


@pytest.mark.parametrize("g", [1, 2, 4, 8])
@pytest.mark.parametrize("causal", [False, True])
def test_gqa_equals_sdpa_enable_gqa(g, causal):
    gen = torch.Generator().manual_seed(g)
    q = torch.randn(2, 8, 5, 4, generator=gen, dtype=torch.float64)
    k, v = (torch.randn(2, g, 5, 4, generator=gen, dtype=torch.float64) for _ in range(2))
    np.testing.assert_allclose(kvcache.gqa_attention(q, k, v, is_causal=causal),
                               F.scaled_dot_product_attention(q, k, v, is_causal=causal, enable_gqa=True),
                               rtol=1e-12, atol=1e-12)


# -- RoPE and ALiBi ------------------------------------------------------------------------------
def test_rope_equals_llama_after_a_permutation():
    from transformers.models.llama.modeling_llama import apply_rotary_pos_emb

    d, T = 16, 9
    gen = torch.Generator().manual_seed(7)
    q, k = (torch.randn(1, 2, T, d, generator=gen, dtype=torch.float64) for _ in range(2))
    theta = 10000.0 ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)
    angles = torch.arange(T, dtype=torch.float64)[:, None] * theta[None]
    emb = torch.cat([angles, angles], dim=-1)  # LLaMA's layout: cos/sin repeated over the two halves
    q_hf, k_hf = apply_rotary_pos_emb(q, k, emb.cos()[None], emb.sin()[None])
    perm = torch.cat([torch.arange(0, d, 2), torch.arange(1, d, 2)])  # interleaved pairs -> halves
    ours_q = positions.apply_rope(q[..., torch.argsort(perm)].numpy(), np.arange(T))
    np.testing.assert_allclose(ours_q[..., perm.numpy()], q_hf.numpy(), rtol=1e-12, atol=1e-12)
    ours_k = positions.apply_rope(k[..., torch.argsort(perm)].numpy(), np.arange(T))
    np.testing.assert_allclose(ours_k[..., perm.numpy()], k_hf.numpy(), rtol=1e-12, atol=1e-12)


def test_rope_scores_depend_on_the_offset_only():
    rng = np.random.default_rng(0)
    q, k = rng.standard_normal((1, 32)), rng.standard_normal((1, 32))
    for offset in (0, 1, 17):
        s = [(positions.apply_rope(q, [m]) @ positions.apply_rope(k, [m + offset]).T).item() for m in (0, 9, 1234)]
        np.testing.assert_allclose(s, s[0], rtol=1e-9)
    assert positions.apply_rope(np.ones((2, 4), dtype=np.float32), [0, 1]).dtype == np.float32


@pytest.mark.parametrize("h", [1, 2, 3, 4, 6, 8, 12, 16])
def test_alibi_slopes_and_softmax_equal_bloom(h):
    from transformers.models.bloom.modeling_bloom import build_alibi_tensor

    L = 7
    bloom = build_alibi_tensor(torch.ones(1, L), h, torch.float64)[:, 0, :].numpy()  # (h, L): slope · j
    np.testing.assert_allclose(positions.alibi_slopes(h), bloom[:, 1], rtol=1e-6)
    ours = positions.alibi_bias(h, L)  # −slope · (i − j): differs by slope · i, a constant per row
    causal = np.where(np.tril(np.ones((L, L))) > 0, 0.0, -np.inf)
    bloom_bias = bloom[:, None, :] + causal[None]
    np.testing.assert_allclose(softmax(ours), softmax(bloom_bias), rtol=1e-6, atol=1e-12)


# -- BERT ----------------------------------------------------------------------------------------
def test_mlm_mask_equals_hugging_face_collator():
    from transformers import BertTokenizerFast, DataCollatorForLanguageModeling

    tok = BertTokenizerFast(tokenizer_file=str(wordpiece.minilm_dir() / "tokenizer.json"))
    collator = DataCollatorForLanguageModeling(tok, mlm_probability=0.15)
    ids = torch.randint(1000, 30000, (8, 64), generator=torch.Generator().manual_seed(0))
    special = torch.zeros_like(ids, dtype=torch.bool)
    special[:, 0] = special[:, -1] = True
    collator.generator = torch.Generator().manual_seed(11)
    ref_inputs, ref_labels = collator.torch_mask_tokens(ids.clone(), special_tokens_mask=special)
    inputs, labels = bert.mlm_mask(ids, special, tok.mask_token_id, len(tok), generator=torch.Generator().manual_seed(11))
    assert torch.equal(inputs, ref_inputs) and torch.equal(labels, ref_labels)


def test_best_span_brute_force_and_nsp():
    rng = np.random.default_rng(1)
    for _ in range(20):
        s, e = rng.standard_normal(15), rng.standard_normal(15)
        i, j, score = bert.best_span(s, e, 4)
        assert (score, i, j) == max((s[a] + e[b], a, b) for a in range(15) for b in range(a, min(15, a + 4)))
    sents = [f"s{i}" for i in range(200)]
    pairs = bert.nsp_pairs(sents, seed=0)
    assert 0.4 < np.mean([p[2] for p in pairs]) < 0.6
    assert all((b == sents[sents.index(a) + 1]) == bool(y) for a, b, y in pairs)


# -- LoRA ----------------------------------------------------------------------------------------
def test_lora_merge_equals_forward_and_gradients_flow_to_a_and_b_only():
    W = torch.randn(12, 10, dtype=torch.float64)
    layer = lora.LoRALinear(W, torch.zeros(12, dtype=torch.float64), r=3, alpha=6.0)
    x = torch.randn(4, 10, dtype=torch.float64)
    assert torch.equal(layer(x).detach(), x @ W.T)  # B = 0
    with torch.no_grad():
        layer.B.normal_()
    layer(x).sum().backward()
    assert layer.A.grad is not None and layer.B.grad is not None and not layer.weight.requires_grad
    np.testing.assert_allclose(layer(x).detach(), x @ layer.merged_weight().T, rtol=1e-12, atol=1e-12)
    assert lora.lora_param_counts(10, 12, 3) == {"full": 120, "lora": 66} and layer.trainable_parameters() == 66


def test_lora_forward_and_merge_on_numpy_equal_f_linear():
    """The numpy path (the LoRA drill's browser reference) equals torch's F.linear in float64."""
    rng = np.random.default_rng(7)
    x, W, b = rng.standard_normal((2, 5, 6)), rng.standard_normal((4, 6)), rng.standard_normal(4)
    A, B, scaling = rng.standard_normal((3, 6)), rng.standard_normal((4, 3)), 16.0 / 3
    t = torch.tensor
    ref = F.linear(t(x), t(W), t(b)) + scaling * F.linear(F.linear(t(x), t(A)), t(B))
    np.testing.assert_allclose(lora._lora_forward(x, W, b, A, B, scaling), ref.numpy(), rtol=1e-12, atol=1e-12)
    merged = lora.merge_lora(W, A, B, scaling)
    np.testing.assert_allclose(merged, (t(W) + scaling * t(B) @ t(A)).numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(x @ merged.T + b, ref.numpy(), rtol=1e-12, atol=1e-12)
    layer = lora.LoRALinear(t(W), t(b), r=3, alpha=16.0)
    with torch.no_grad():
        layer.A.copy_(t(A))
        layer.B.copy_(t(B))
    np.testing.assert_allclose(layer.merged_weight(), merged, rtol=1e-12, atol=1e-12)


def test_best_rank_r_error_is_the_truncated_svd():
    delta = lora.spectrum_update(20, 16, decay=0.8, seed=3)
    U, s, Vt = np.linalg.svd(delta)
    for r in (1, 5, 16):
        approx = (U[:, :r] * s[:r]) @ Vt[:r]
        assert lora.best_rank_r_error(delta, r) == pytest.approx(np.linalg.norm(delta - approx) / np.linalg.norm(delta),
                                                                 abs=1e-12)
    final, errors = lora.fit_lora(delta, 4, steps=300)
    assert final >= lora.best_rank_r_error(delta, 4) - 1e-9 and final < lora.best_rank_r_error(delta, 4) + 0.01
    assert errors[0] > errors[-1]


# -- numerics ------------------------------------------------------------------------------------
def test_finfo_table_matches_numpy_and_the_bit_layout():
    rows = {r["format"]: r for r in precision.finfo_table()}
    for name in ("float16", "float32"):
        fi = np.finfo(name)
        assert rows[name]["max"] == float(fi.max) and rows[name]["eps"] == float(fi.eps)
        assert rows[name]["smallest_subnormal"] == float(fi.smallest_subnormal)
    assert rows["bfloat16"]["smallest_subnormal"] == torch.tensor(2.0**-133, dtype=torch.bfloat16).item()
    for r in rows.values():
        assert r["bits"] == 1 + r["exponent_bits"] + r["mantissa_bits"] and r["eps"] == 2.0 ** -r["mantissa_bits"]


def test_update_scale_equals_grad_scalers_kernel():
    scale, tracker = torch.tensor([2.0**16]), torch.tensor([0], dtype=torch.int32)
    ours_scale, ours_tracker = 2.0**16, 0
    pattern = [0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0]
    for inf in pattern:
        torch._amp_update_scale_(scale, tracker, torch.tensor([float(inf)]), 2.0, 0.5, 3)
        ours_scale, ours_tracker, stepped = precision.update_scale(ours_scale, bool(inf), ours_tracker,
                                                                   growth_interval=3)
        assert ours_scale == scale.item() and ours_tracker == tracker.item() and stepped == (not inf)


def test_adam_state_is_16_bytes_per_parameter_in_mixed_precision():
    model = torch.nn.Linear(50, 40)  # fp32 master weights
    opt = torch.optim.Adam(model.parameters())
    half = [p.detach().half().requires_grad_() for p in model.parameters()]
    sum(p.float().sum() for p in half).backward()
    for p, h in zip(model.parameters(), half):
        p.grad = h.grad.float()
    opt.step()
    n = sum(p.numel() for p in model.parameters())
    state = sum(t.numel() * t.element_size() for s in opt.state.values() for t in s.values() if t.dim() > 0)
    total = (sum(h.numel() * h.element_size() for h in half) + sum(h.grad.numel() * h.grad.element_size() for h in half)
             + sum(p.numel() * p.element_size() for p in model.parameters()) + state)
    assert total / n == precision.adam_mixed_precision_bytes(n)["per_param"] == 16


def test_loss_scaling_keeps_small_gradients():
    out = precision.scaled_gradient_survival(np.geomspace(1e-9, 1e-4, 100), 2.0**16)
    assert out["scaled"] == 1.0 and out["unscaled"] < 1.0 and out["max_rel_error_scaled"] < 2e-3


# -- online softmax and tiling -------------------------------------------------------------------
def test_online_softmax_and_tiled_attention_are_exact():
    rng = np.random.default_rng(2)
    x = np.concatenate([[-1e4, 1e4], 50 * rng.standard_normal(30)])
    np.testing.assert_allclose(flash.online_softmax(x), torch.softmax(torch.tensor(x), 0).numpy(), rtol=1e-12,
                               atol=1e-300)
    assert flash.online_softmax(np.float32([1.0, 2.0])).dtype == np.float32
    q, k, v = rng.standard_normal((6, 8)), rng.standard_normal((11, 8)), rng.standard_normal((11, 3))
    for b in (1, 2, 5, 11, 40):
        np.testing.assert_allclose(flash.tiled_attention(q, k, v, b), sdpa_numpy(q, k, v), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(flash.tiled_attention(q, k[:6], v[:6], b, causal=True),
                                   sdpa_numpy(q, k[:6], v[:6], is_causal=True), rtol=1e-12, atol=1e-12)


def test_dtypes_are_preserved():
    rng = np.random.default_rng(3)
    q, k, v = (rng.standard_normal((4, 8)).astype(np.float32) for _ in range(3))
    out = flash.tiled_attention(q, k, v, 3)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, sdpa_numpy(q, k, v), rtol=1e-5, atol=1e-6)
    assert flash.tiled_attention(np.ones((2, 2), int), np.ones((2, 2), int), np.ones((2, 2), int)).dtype == np.float64
    assert positions.apply_rope(q, np.arange(4)).dtype == np.float32
    z32 = torch.randn(3, 7)
    assert decoding.filter_logits(z32, 0.5, 3, 0.9).dtype == torch.float32
    assert lora.LoRALinear(torch.randn(4, 3), r=2)(torch.randn(2, 3)).dtype == torch.float32
    q32, k32 = torch.randn(1, 4, 3, 2), torch.randn(1, 2, 3, 2)
    assert kvcache.gqa_attention(q32, k32, k32).dtype == torch.float32
    model64 = GPT(GPTConfig(vocab_size=9, block_size=6), dtype=torch.float64)
    assert kvcache.forward_with_cache(model64, torch.zeros(1, 3, dtype=torch.long), []).dtype == torch.float64


def test_llm_figures_draw_finite_frames():
    from mlnotes.explore import FrameRenderer
    from mlnotes.figures import llm as figs

    for draw, kw, values in [(figs.draw_bpe, {}, dict(merges=0)), (figs.draw_bpe, {}, dict(merges=144)),
                             (figs.draw_sampling, {}, dict(temperature=0.5, top_k=3, top_p=0.8)),
                             (figs.draw_lora, {}, dict(rank=1)), (figs.draw_formats, {}, {}),
                             (figs.draw_positions, dict(ncols=2, figsize=(7.6, 3.0)), {}),
                             (figs.draw_kv_timing, {}, dict(lengths=[1, 2], no_cache=[0.2, 0.5], cache=[0.1, 0.2]))]:
        assert FrameRenderer(draw, **kw).render(values)[:4] == b"\x89PNG"
