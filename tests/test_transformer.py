"""The Transformer layers and the GPT against torch (values and gradients), counts against numel and the profiler,
training determinism, the warmup comparison over seeds, erratum 18."""

import hashlib
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from mlnotes.transformer import (GPT, DecoderLayer, EncoderLayer, GPTConfig, blocks, layer_param_count,
                                 measure_train_flops, param_count, train_flops)
from mlnotes.transformer import errata, gpt2, preln, train
from mlnotes.transformer.corpus import CharVocab, corpus_text


def nudged(layer, seed=0):
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in layer.parameters():
            p.add_(0.1 * torch.randn(p.shape, generator=gen, dtype=p.dtype))
    return layer


def torch_layer(kind, d=16, h=4, f=32, norm_first=False, act="relu", dtype=torch.float64, seed=0):
    torch.manual_seed(seed)
    cls = torch.nn.TransformerEncoderLayer if kind == "encoder" else torch.nn.TransformerDecoderLayer
    return nudged(cls(d, h, f, dropout=0.0, batch_first=True, norm_first=norm_first, activation=act, dtype=dtype),
                  seed)


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("act", ["relu", "gelu"])
@pytest.mark.parametrize("mask_kind", ["none", "causal", "float", "padding"])
def test_encoder_layer_equals_torch_values_and_all_gradients(norm_first, act, mask_kind):
    ref = torch_layer("encoder", norm_first=norm_first, act=act)
    ours = EncoderLayer.from_torch(ref)
    for p in ours.parameters():
        p.requires_grad_(True)
    gen = torch.Generator().manual_seed(1)
    x = torch.randn(3, 6, 16, generator=gen, dtype=torch.float64)
    keep = torch.ones(6, 6, dtype=torch.bool).tril()
    additive = torch.randn(6, 6, generator=gen, dtype=torch.float64)
    real = torch.arange(6) < torch.tensor([[6], [4], [2]])  # (B, S)
    ours_mask, ref_kw = {"none": (None, {}), "causal": (keep, {"src_mask": ~keep}),
                         "float": (additive, {"src_mask": additive}),
                         "padding": (real[:, None, None, :], {"src_key_padding_mask": ~real})}[mask_kind]
    xa, xb = x.clone().requires_grad_(), x.clone().requires_grad_()
    a, b = ours(xa, mask=ours_mask), ref(xb, **ref_kw)
    if mask_kind == "padding":  # torch's padded query rows hold garbage either way; compare real tokens
        a, b = a * real[..., None], b * real[..., None]
    np.testing.assert_allclose(a.detach(), b.detach(), rtol=1e-12, atol=1e-12)
    g = torch.randn(a.shape, generator=gen, dtype=torch.float64)
    (a * g).sum().backward()
    (b * g).sum().backward()
    np.testing.assert_allclose(xa.grad, xb.grad, rtol=1e-10, atol=1e-11)
    mha = ref.self_attn
    pairs = [(ours.params["attn"]["wq"].grad, mha.in_proj_weight.grad[:16]),
             (ours.params["attn"]["bv"].grad, mha.in_proj_bias.grad[32:]),
             (ours.params["attn"]["wo"].grad, mha.out_proj.weight.grad),
             (ours.params["ffn"]["w1"].grad, ref.linear1.weight.grad),
             (ours.params["ffn"]["b2"].grad, ref.linear2.bias.grad),
             (ours.params["ln1_w"].grad, ref.norm1.weight.grad), (ours.params["ln2_b"].grad, ref.norm2.bias.grad)]
    for mine, theirs in pairs:
        np.testing.assert_allclose(mine, theirs, rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("norm_first", [False, True])
def test_decoder_layer_equals_torch_with_masks(norm_first):
    ref = torch_layer("decoder", norm_first=norm_first, act="gelu")
    ours = DecoderLayer.from_torch(ref)
    gen = torch.Generator().manual_seed(2)
    y = torch.randn(2, 5, 16, generator=gen, dtype=torch.float64)
    mem = torch.randn(2, 7, 16, generator=gen, dtype=torch.float64)
    keep = torch.ones(5, 5, dtype=torch.bool).tril()
    real = torch.arange(7) < torch.tensor([[7], [3]])
    a = ours(y, mem, tgt_mask=keep, memory_mask=real[:, None, None, :])
    b = ref(y, mem, tgt_mask=~keep, memory_key_padding_mask=~real)
    np.testing.assert_allclose(a, b.detach(), rtol=1e-12, atol=1e-12)
    # a memory_mask of shape (T, S) (the same for every sequence) also agrees
    m = torch.rand(5, 7, generator=gen) > 0.3
    m[:, 0] = True
    np.testing.assert_allclose(ours(y, mem, memory_mask=m), ref(y, mem, memory_mask=~m).detach(),
                               rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("act", ["relu", "gelu"])
@pytest.mark.parametrize("mask_kind", ["none", "causal", "float"])
def test_numpy_encoder_layer_equals_torch(norm_first, act, mask_kind):
    """encoder_layer_numpy (the drill checker's browser reference) equals nn.TransformerEncoderLayer in float64."""
    from mlnotes.transformer.encoder_numpy import encoder_layer_numpy

    ref = torch_layer("encoder", norm_first=norm_first, act=act, seed=4)
    params = EncoderLayer.from_torch(ref).params
    p = {k: ({kk: vv.numpy() for kk, vv in v.items()} if isinstance(v, dict) else v.numpy()) for k, v in params.items()}
    rng = np.random.default_rng(5)
    x = 3 * rng.standard_normal((3, 6, 16))
    keep = np.tril(np.ones((6, 6), dtype=bool))
    additive = rng.standard_normal((6, 6))
    mask, ref_kw = {"none": (None, {}), "causal": (keep, {"src_mask": torch.tensor(~keep)}),
                    "float": (additive, {"src_mask": torch.tensor(additive)})}[mask_kind]
    with torch.no_grad():
        want = ref(torch.tensor(x), **ref_kw).numpy()
    got = encoder_layer_numpy(x, p, 4, norm_first=norm_first, mask=mask, act=act)
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_float32_layers_stay_float32_and_agree():
    ref = torch_layer("encoder", dtype=torch.float32, norm_first=True)
    ours = EncoderLayer.from_torch(ref)
    x = torch.randn(2, 5, 16)
    out = ours(x, mask=torch.ones(5, 5, dtype=torch.bool).tril())
    assert out.dtype == torch.float32
    np.testing.assert_allclose(out, ref(x, src_mask=~torch.ones(5, 5, dtype=torch.bool).tril()).detach(),
                               rtol=1e-5, atol=1e-5)
    dref = torch_layer("decoder", dtype=torch.float32)
    assert DecoderLayer.from_torch(dref)(x, torch.randn(2, 3, 16)).dtype == torch.float32


def test_gradcheck_encoder_layer_float64():
    ref = torch_layer("encoder", d=8, h=2, f=16, norm_first=True, act="gelu")
    ours = EncoderLayer.from_torch(ref)
    x = torch.randn(1, 3, 8, dtype=torch.float64, requires_grad=True)
    keep = torch.ones(3, 3, dtype=torch.bool).tril()
    assert torch.autograd.gradcheck(lambda t: ours(t, mask=keep), (x,))


def test_kernels_equal_torch_functions():
    gen = torch.Generator().manual_seed(3)
    x = 5 * torch.randn(4, 7, 12, generator=gen, dtype=torch.float64)
    w, b = torch.randn(12, generator=gen, dtype=torch.float64), torch.randn(12, generator=gen, dtype=torch.float64)
    np.testing.assert_allclose(blocks.layer_norm(x, w, b), F.layer_norm(x, (12,), w, b), rtol=1e-12, atol=1e-12)
    z = torch.linspace(-20, 20, 4001, dtype=torch.float64)
    np.testing.assert_allclose(blocks.activation(z, "relu"), F.relu(z))
    np.testing.assert_allclose(blocks.activation(z, "gelu"), F.gelu(z), rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(blocks.activation(z, "gelu_tanh"), F.gelu(z, approximate="tanh"), rtol=1e-14,
                               atol=1e-15)


def test_layer_param_count_equals_numel():
    for d, h, f in [(8, 2, 32), (64, 4, 256), (48, 3, 100), (512, 8, 2048)]:
        layer = torch.nn.TransformerEncoderLayer(d, h, f)
        assert layer_param_count(d, f) == sum(p.numel() for p in layer.parameters())
    assert layer_param_count(768) == 12 * 768**2 + 13 * 768


@pytest.mark.parametrize("kw", [dict(), dict(tie_weights=False), dict(init="torch"), dict(norm_first=False),
                                dict(final_norm=False), dict(d_ff=40, n_layers=3), dict(init="torch",
                                                                                        tie_weights=False)])
def test_param_count_formula_equals_numel(kw):
    config = GPTConfig(vocab_size=37, **kw)
    assert GPT(config).num_parameters() == param_count(config) == GPT(config, device="meta").num_parameters()


def test_gpt2_small_count_equals_hugging_face():
    from transformers import GPT2Config, GPT2LMHeadModel

    with torch.device("meta"):
        hf = GPT2LMHeadModel(GPT2Config())
    n_hf = sum(p.numel() for p in hf.parameters())  # tied: the head is counted once
    assert n_hf == param_count(gpt2.gpt2_small_config()) == 124_439_808


def test_gpt_equals_a_stack_of_torch_layers():
    """Our GPT (pre-LN, tanh-GELU, tied head) equals embeddings + nn.TransformerEncoderLayer(norm_first) stack."""
    config = GPTConfig(vocab_size=30, block_size=12, d_model=16, n_layers=3, n_heads=4, init_std=0.2)
    model = GPT(config, seed=4, dtype=torch.float64)
    layers = []
    for p in model.params["blocks"]:
        layer = torch.nn.TransformerEncoderLayer(16, 4, 64, dropout=0.0, batch_first=True, norm_first=True,
                                                 activation=lambda t: F.gelu(t, approximate="tanh"),
                                                 dtype=torch.float64)
        with torch.no_grad():
            a = p["attn"]
            layer.self_attn.in_proj_weight.copy_(torch.cat([a["wq"], a["wk"], a["wv"]]))
            layer.self_attn.in_proj_bias.copy_(torch.cat([a["bq"], a["bk"], a["bv"]]))
            layer.self_attn.out_proj.weight.copy_(a["wo"])
            layer.self_attn.out_proj.bias.copy_(a["bo"])
            layer.linear1.weight.copy_(p["ffn"]["w1"])
            layer.linear1.bias.copy_(p["ffn"]["b1"])
            layer.linear2.weight.copy_(p["ffn"]["w2"])
            layer.linear2.bias.copy_(p["ffn"]["b2"])
        layers.append(layer)
    idx = torch.randint(0, 30, (3, 12), generator=torch.Generator().manual_seed(5))
    h = model.params["wte"][idx] + model.params["wpe"][:12]
    causal = torch.ones(12, 12, dtype=torch.bool).triu(1)  # torch: True = masked
    for layer in layers:
        h = layer(h, src_mask=causal)
    ref = F.layer_norm(h, (16,), model.params["lnf_w"], model.params["lnf_b"]) @ model.params["wte"].T
    np.testing.assert_allclose(model(idx), ref.detach(), rtol=1e-11, atol=1e-12)


def test_gpt_is_causal():
    model = GPT(GPTConfig(vocab_size=20, block_size=10, init_std=0.3), dtype=torch.float64)
    a = torch.randint(0, 20, (2, 10), generator=torch.Generator().manual_seed(6))
    b = a.clone()
    b[:, 6:] = (b[:, 6:] + 7) % 20
    assert torch.equal(model(a)[:, :6], model(b)[:, :6]) and not torch.equal(model(a)[:, 6:], model(b)[:, 6:])


@pytest.mark.parametrize("kw", [dict(), dict(tie_weights=False), dict(init="torch", n_layers=3), dict(d_ff=24)])
def test_measured_flops_equal_the_formula(kw):
    config = GPTConfig(vocab_size=23, block_size=12, d_model=16, n_heads=2, **kw)
    measured = measure_train_flops(GPT(config), batch_size=3, seq_len=12)
    formula = train_flops(config, batch_size=3, seq_len=12)
    assert measured["weights"] == formula["weights"] and measured["attention"] == formula["attention"]
    assert 0 < measured["elementwise"] < 0.2 * measured["weights"]


def test_flop_measurement_leaves_the_model_as_it_was():
    model = GPT(GPTConfig(vocab_size=11, block_size=4))
    measure_train_flops(model, 2, 4)
    assert not any(p.requires_grad or p.grad is not None for p in model.parameters())


def test_training_is_deterministic_and_learns():
    tc = train.TrainConfig(steps=8, batch_size=4, seq_len=8, lr=1e-2, warmup_steps=3, seed=3)
    kw = dict(block_size=8, d_model=16, n_layers=1, n_heads=2)
    a, b = train.train_char_gpt(train=tc, **kw), train.train_char_gpt(train=tc, **kw)
    np.testing.assert_array_equal(a.losses, b.losses)
    assert a.val_after < a.val_before
    assert torch.get_num_threads() >= 1  # restored


def test_lr_warmup_schedule():
    assert [train.lr_at(s, 1.0, 4) for s in range(1, 7)] == [0.25, 0.5, 0.75, 1.0, 1.0, 1.0]
    assert train.lr_at(1, 0.3, 0) == 0.3


@pytest.mark.parametrize("seed", [1, 2])
def test_post_ln_needs_warmup_over_seeds(seed):
    """The chapter's claim with other seeds: post-LN without warmup stalls near the unigram entropy."""
    H = preln.unigram_entropy()
    runs = {}
    for norm_first, warmup in ((False, 0), (False, train.LN_WARMUP), (True, 0)):
        tc = train.TrainConfig(**train.LN_TRAIN, warmup_steps=warmup, seed=seed)
        r = train.train_char_gpt(train=tc, **train.LN_MODEL, norm_first=norm_first)
        runs[norm_first, warmup > 0] = (r.losses[-10:].mean(), r.val_after)
    assert abs(runs[False, False][0] - H) < 0.15
    assert runs[False, True][1] < runs[False, False][1] - 0.15
    assert runs[True, False][1] < runs[False, True][1] and runs[True, False][1] < H - 0.3


CORPUS_SHA = "221be4e7012c670d"  # scikit-learn 1.9.1's dataset descriptions (pinned in requirements.txt)


def test_corpus_is_the_pinned_text():
    """The chapter's numbers come from this exact text; a new scikit-learn would change it (and this test)."""
    text = corpus_text()
    assert len(text) == 43067 and len(CharVocab(text)) == 92
    assert hashlib.sha256(text.encode()).hexdigest()[:16] == CORPUS_SHA


def test_char_vocab_round_trip():
    v = CharVocab("hello world")
    assert v.decode(v.encode("world hello")) == "world hello" and len(v) == 8


def test_sample_text_is_seeded():
    r = train.train_char_gpt(train=train.TrainConfig(steps=2, batch_size=2, seq_len=8), block_size=8, d_model=8,
                             n_layers=1, n_heads=2)
    a = train.sample_text(r, "The", 20, [0.5, 1.0], seed=3)
    assert a == train.sample_text(r, "The", 20, [0.5, 1.0], seed=3) and [len(s) for s in a] == [20, 20]


def test_erratum_18_double_scaling():
    with pytest.raises(TypeError, match="must be Tensor, not int"):
        torch.sqrt(512)
    from mlnotes.attention import sinusoidal_pe

    for d in (64, 512):
        for notes in (False, True):
            x = errata.transformer_input(np.arange(400) % 50, d, as_in_notes=notes)  # many tokens
            pe = sinusoidal_pe(400, d)
            share = (pe**2).sum() / (((x - pe) ** 2).sum() + (pe**2).sum())  # measured energy share
            assert share == pytest.approx(errata.position_share(d, notes), rel=0.1)
    assert errata.position_share(512, True) == pytest.approx(0.5 / 512.5)
    assert errata.same_token_similarity(512, True) > 0.999 > 0.95 > errata.same_token_similarity(512)


def test_scaled_init_keeps_the_residual_stream_flat():
    plain, scaled = gpt2.residual_growth(False, n_layers=24), gpt2.residual_growth(True, n_layers=24)
    assert plain[-1] / plain[0] > 3 and scaled[-1] / scaled[0] < 1.5


def test_grad_norms_post_ln_larger_at_the_output():
    for n in (2, 6):
        assert preln.grad_norms_at_init(n, False)[-1] > preln.grad_norms_at_init(n, True)[-1]
    assert len(preln.grad_norms_at_init(3, True)) == 3
    assert preln.unigram_entropy("aabb") == pytest.approx(math.log(2))


def test_transformer_figures_draw_finite_frames():
    from mlnotes.explore import FrameRenderer
    from mlnotes.figures import transformer as figs

    for draw, kw, values in [(figs.draw_grad_norms, {}, dict(n_layers=2)), (figs.draw_residual_growth, {}, {}),
                             (figs.draw_erratum18, dict(figsize=(5.6, 4.2)), dict(d_model=64, notes=False)),
                             (figs.draw_erratum18, dict(figsize=(5.6, 4.2)), dict(d_model=512, notes=True))]:
        assert FrameRenderer(draw, **kw).render(values)[:4] == b"\x89PNG"
    assert max(max(preln.grad_norms_at_init(n, nf)) for n in preln.DEPTHS for nf in (False, True)) < \
        figs._grad_norm_ylim()
