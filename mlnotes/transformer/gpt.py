r"""A GPT (decoder-only Transformer) from scratch: the blocks of :mod:`mlnotes.transformer.blocks` stacked.

Tokens $x_1..x_T$ (ids in a vocabulary of $V$), width $d$, $L$ layers:
$$h^{(0)} = W_{te}[x] + W_{pe}[1..T],\qquad h^{(l)} = \operatorname{Block}_l(h^{(l-1)}) \text{ (causal mask)},\qquad
\text{logits} = \operatorname{LN}_f(h^{(L)})\,W_{te}^\top \in \mathbb R^{T\times V}.$$
A block is the encoder layer of ``blocks`` with a causal mask (no cross-attention: nothing to attend to).
GPT-2's changes to the original Transformer (Radford et al., 2019), each a field of :class:`GPTConfig`:
pre-LN blocks (``norm_first``), a final LayerNorm (``final_norm``), the tanh approximation of GELU
(``activation="gelu_tanh"``), the LM head tied to the token embedding (``tie_weights``: one $V\times d$ matrix,
Press & Wolf 2017, as in Vaswani et al.), and init $\mathcal N(0, 0.02^2)$ with the two residual projections
of each block ($W_O$ and $W_2$) scaled by $1/\sqrt{2L}$ (``scaled_init``), since $2L$ sublayer outputs add up
in the residual stream.

``init="torch"`` instead builds the original Transformer's setting (Vaswani et al., 2017), the one Xiong et al.
(2020) analyse for post-LN vs pre-LN: block weights as ``nn.TransformerEncoderLayer`` initializes them (Xavier-uniform
$W_Q, W_K, W_V$; $\mathcal U(\pm 1/\sqrt{\text{fan\_in}})$ for the other linear layers), token embeddings
$\mathcal N(0, 1/d)$ multiplied by $\sqrt d$ at the input (so the tied head gives logits of variance ≈ 1), and
fixed sinusoidal positions (:func:`mlnotes.attention.sinusoidal_pe`, no parameters).

Parameters: $Vd$ (tokens) $+\,T_{\max}d$ (learned positions) $+\,L\,(12d^2 + 13d)$ (with $d_{ff} = 4d$) $+\,2d$ (final LN)
$[+\,Vd$ untied head$]$ — :func:`param_count`, equal to ``numel`` (tested, also against Hugging Face's GPT-2).

See chapter: chapters/transformer.md
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from mlnotes._checks import check_int, check_real
from mlnotes.transformer import blocks

INITS = ("gpt2", "torch")  # GPT-2's N(0, 0.02²) recipe; the original Transformer's (nn.TransformerEncoderLayer)


@dataclass(frozen=True)
class GPTConfig:
    """Sizes and GPT-2 switches of a :class:`GPT`. ``d_ff`` defaults to 4·d_model, ``final_norm`` to ``norm_first``."""

    vocab_size: int
    block_size: int = 64
    d_model: int = 32
    n_layers: int = 2
    n_heads: int = 4
    d_ff: int | None = None
    norm_first: bool = True
    final_norm: bool | None = None
    activation: str = "gelu_tanh"
    tie_weights: bool = True
    scaled_init: bool = True
    init_std: float = 0.02
    init: str = "gpt2"

    def __post_init__(self):
        for name in ("vocab_size", "block_size", "d_model", "n_layers", "n_heads"):
            check_int(name, getattr(self, name), low=1)
        if self.d_model % self.n_heads:
            raise ValueError(f"d_model ({self.d_model}) must be divisible by n_heads ({self.n_heads})")
        if self.d_ff is not None:
            check_int("d_ff", self.d_ff, low=1)
        if self.activation not in blocks.ACTIVATIONS:
            raise ValueError(f"activation must be one of {list(blocks.ACTIVATIONS)}, got {self.activation!r}")
        for name in ("norm_first", "tie_weights", "scaled_init"):
            if not isinstance(getattr(self, name), bool):
                raise TypeError(f"{name} must be a bool, got {type(getattr(self, name)).__name__}")
        if self.final_norm is not None and not isinstance(self.final_norm, bool):
            raise TypeError(f"final_norm must be a bool or None, got {type(self.final_norm).__name__}")
        check_real("init_std", self.init_std, low=0.0, low_open=True)
        if self.init not in INITS:
            raise ValueError(f"init must be one of {list(INITS)}, got {self.init!r}")

    @property
    def ffn_width(self) -> int:
        return 4 * self.d_model if self.d_ff is None else self.d_ff

    @property
    def has_final_norm(self) -> bool:
        return self.norm_first if self.final_norm is None else self.final_norm


def layer_param_count(d_model, d_ff=None) -> int:
    """Parameters of one block: attention 4d² + 4d, FFN 2·d·d_ff + d_ff + d, two LayerNorms 4d (= 12d² + 13d).

    See chapter: chapters/transformer.md
    """
    d = check_int("d_model", d_model, low=1)
    f = 4 * d if d_ff is None else check_int("d_ff", d_ff, low=1)
    return (4 * d * d + 4 * d) + (2 * d * f + f + d) + 4 * d


def param_count(config: GPTConfig) -> int:
    """Parameters of a :class:`GPT` with this config, by formula (tested equal to ``numel``).

    See chapter: chapters/transformer.md
    """
    c, d = config, config.d_model
    positions = c.block_size * d if c.init == "gpt2" else 0  # sinusoidal positions have no parameters
    total = c.vocab_size * d + positions + c.n_layers * layer_param_count(d, c.ffn_width)
    return total + (2 * d if c.has_final_norm else 0) + (0 if c.tie_weights else c.vocab_size * d)


def _linear(gen, n_out, n_in, std, dtype, device):
    import torch

    if device == "meta":
        return torch.empty(n_out, n_in, dtype=dtype, device="meta")
    return torch.randn(n_out, n_in, generator=gen, dtype=dtype) * std


def _uniform(gen, shape, bound, dtype, device):
    import torch

    if device == "meta":
        return torch.empty(*shape, dtype=dtype, device="meta")
    return (torch.rand(*shape, generator=gen, dtype=dtype) * 2 - 1) * bound


def _torch_block_params(c: GPTConfig, gen, dtype, device) -> dict:
    """One block's weights as nn.TransformerEncoderLayer initializes them (its _reset_parameters and nn.Linear)."""
    import torch

    d, f = c.d_model, c.ffn_width
    zeros = lambda n: torch.zeros(n, dtype=dtype, device=device)  # noqa: E731
    ones = lambda n: torch.ones(n, dtype=dtype, device=device)  # noqa: E731
    w_in = _uniform(gen, (3 * d, d), math.sqrt(6 / (4 * d)), dtype, device)  # Xavier-uniform over (3d, d)
    attn = {"wq": w_in[:d].clone(), "wk": w_in[d:2 * d].clone(), "wv": w_in[2 * d:].clone(), "bq": zeros(d), "bk": zeros(d), "bv": zeros(d),
            "wo": _uniform(gen, (d, d), 1 / math.sqrt(d), dtype, device), "bo": zeros(d)}
    ffn = {"w1": _uniform(gen, (f, d), 1 / math.sqrt(d), dtype, device), "b1": _uniform(gen, (f,), 1 / math.sqrt(d), dtype, device),
           "w2": _uniform(gen, (d, f), 1 / math.sqrt(f), dtype, device), "b2": _uniform(gen, (d,), 1 / math.sqrt(f), dtype, device)}
    return {"attn": attn, "ffn": ffn, "ln1_w": ones(d), "ln1_b": zeros(d), "ln2_w": ones(d), "ln2_b": zeros(d)}


def _block_params(c: GPTConfig, gen, dtype, device) -> dict:
    """One block's weights, GPT-2 init: N(0, std²), residual projections W_O and W_2 scaled by 1/√(2L)."""
    import torch

    d, f, std = c.d_model, c.ffn_width, c.init_std
    proj_std = std / math.sqrt(2 * c.n_layers) if c.scaled_init else std
    zeros = lambda n: torch.zeros(n, dtype=dtype, device=device)  # noqa: E731
    ones = lambda n: torch.ones(n, dtype=dtype, device=device)  # noqa: E731
    attn = {"wq": _linear(gen, d, d, std, dtype, device), "wk": _linear(gen, d, d, std, dtype, device),
            "wv": _linear(gen, d, d, std, dtype, device), "wo": _linear(gen, d, d, proj_std, dtype, device),
            "bq": zeros(d), "bk": zeros(d), "bv": zeros(d), "bo": zeros(d)}
    ffn = {"w1": _linear(gen, f, d, std, dtype, device), "b1": zeros(f),
           "w2": _linear(gen, d, f, proj_std, dtype, device), "b2": zeros(d)}
    return {"attn": attn, "ffn": ffn, "ln1_w": ones(d), "ln1_b": zeros(d), "ln2_w": ones(d), "ln2_b": zeros(d)}


class GPT:
    """A decoder-only Transformer over token ids (B, T) -> logits (B, T, V), weights as plain tensors.

    ``GPT(config, seed=0, dtype=torch.float32, device="cpu")``; ``device="meta"`` builds shapes only (for
    counting the parameters of a large model without allocating them). See chapter: chapters/transformer.md
    """

    def __init__(self, config: GPTConfig, seed=0, dtype=None, device="cpu"):
        import torch

        if not isinstance(config, GPTConfig):
            raise TypeError(f"config must be a GPTConfig, got {type(config).__name__}")
        if device not in ("cpu", "meta"):
            raise ValueError(f"device must be 'cpu' or 'meta', got {device!r}")
        self.config = c = config
        dtype = torch.float32 if dtype is None else dtype
        gen = torch.Generator().manual_seed(check_int("seed", seed, low=0))
        if c.init == "gpt2":
            self.params = {"wte": _linear(gen, c.vocab_size, c.d_model, c.init_std, dtype, device),
                           "wpe": _linear(gen, c.block_size, c.d_model, c.init_std, dtype, device),
                           "blocks": [_block_params(c, gen, dtype, device) for _ in range(c.n_layers)]}
        else:  # the original Transformer: N(0, 1/d) embeddings used ×√d, fixed sinusoidal positions
            self.params = {"wte": _linear(gen, c.vocab_size, c.d_model, 1 / math.sqrt(c.d_model), dtype, device),
                           "blocks": [_torch_block_params(c, gen, dtype, device) for _ in range(c.n_layers)]}
            self.pe = _sinusoidal(c.block_size, c.d_model, dtype, device)
        if c.has_final_norm:
            self.params["lnf_w"] = torch.ones(c.d_model, dtype=dtype, device=device)
            self.params["lnf_b"] = torch.zeros(c.d_model, dtype=dtype, device=device)
        if not c.tie_weights:
            self.params["head"] = _linear(gen, c.vocab_size, c.d_model, c.init_std, dtype, device)

    def parameters(self) -> list:
        """Every weight tensor, once (a tied head is the token embedding itself)."""
        p = self.params
        out = [p[k] for k in ("wte", "wpe") if k in p] + [t for b in p["blocks"] for t in _tensors(b)]
        return out + [p[k] for k in ("lnf_w", "lnf_b", "head") if k in p]

    def num_parameters(self) -> int:
        return sum(t.numel() for t in self.parameters())

    @property
    def head(self):
        """The LM head's (V, d) weight: the token embedding itself when tied."""
        return self.params["wte"] if self.config.tie_weights else self.params["head"]

    def __call__(self, idx):
        """Logits (B, T, V) for token ids ``idx`` (B, T) with T ≤ block_size."""
        return _forward(self, self._check_idx(idx))

    def _check_idx(self, idx):
        import torch

        if not isinstance(idx, torch.Tensor) or idx.dtype not in (torch.int64, torch.int32):
            raise TypeError(f"idx must be an integer torch.Tensor of token ids, got {type(idx).__name__}")
        if idx.dim() != 2 or idx.shape[1] == 0 or idx.shape[0] == 0:
            raise ValueError(f"idx must have shape (B, T) with B, T ≥ 1, got {tuple(idx.shape)}")
        if idx.shape[1] > self.config.block_size:
            raise ValueError(f"sequence length {idx.shape[1]} exceeds block_size {self.config.block_size}")
        if int(idx.min()) < 0 or int(idx.max()) >= self.config.vocab_size:
            raise ValueError(f"token ids must be in [0, {self.config.vocab_size}), got min {int(idx.min())}, "
                             f"max {int(idx.max())}")
        return idx


def _sinusoidal(T, d, dtype, device):
    import torch

    from mlnotes.attention import sinusoidal_pe

    if device == "meta":
        return torch.empty(T, d, dtype=dtype, device="meta")
    return torch.tensor(sinusoidal_pe(T, d), dtype=dtype)


def _tensors(d: dict) -> list:
    return [t for v in d.values() for t in (_tensors(v) if isinstance(v, dict) else [v])]


def _forward(model: GPT, idx):
    """Embed, run the causal blocks, final LN, project onto the (tied) vocabulary: (B, T) -> (B, T, V)."""
    import torch

    c, p = model.config, model.params
    T = idx.shape[1]
    if c.init == "gpt2":
        h = p["wte"][idx] + p["wpe"][:T]  # (B, T, d): token + learned position embedding
    else:
        h = p["wte"][idx] * math.sqrt(c.d_model) + model.pe[:T]  # Vaswani: ×√d once, + sinusoidal positions
    keep = torch.ones(T, T, dtype=torch.bool).tril()  # (T, T): position t sees 1..t
    for block in p["blocks"]:
        h = blocks.encoder_layer(h, block, c.n_heads, c.norm_first, keep, c.activation)  # (B, T, d)
    if c.has_final_norm:
        h = blocks.layer_norm(h, p["lnf_w"], p["lnf_b"])  # GPT-2's final LayerNorm
    return h @ model.head.T  # (B, T, V): logits, the head tied to wte


def residual_stds(model: GPT, idx) -> list:
    """Standard deviation of the residual stream h⁽ˡ⁾ after the embedding (l = 0) and after each block.

    See chapter: chapters/transformer.md
    """
    import torch

    c, p = model.config, model.params
    idx = model._check_idx(idx)
    T = idx.shape[1]
    with torch.no_grad():
        h = p["wte"][idx] + p["wpe"][:T] if c.init == "gpt2" else p["wte"][idx] * math.sqrt(c.d_model) + model.pe[:T]
        keep = torch.ones(T, T, dtype=torch.bool).tril()
        stds = [float(h.std())]
        for block in p["blocks"]:
            h = blocks.encoder_layer(h, block, c.n_heads, c.norm_first, keep, c.activation)
            stds.append(float(h.std()))
    return stds
