r"""What attention costs, and what it buys: $O(L^2)$ time and memory for a path of length 1.

Multiply-adds of one layer over $L$ tokens of width $d$ (one sequence):

* self-attention: the projections $Q, K, V$ and the output, $4Ld^2$, plus the mixing step, the
  $L\times L$ score matrix $QK^\top$ ($L^2 d$) and the product $AV$ (another $L^2 d$): $4Ld^2 + 2L^2d$.
  Its memory for the scores grows like $L^2$ (times the number of heads $h$: one $L\times L$ matrix per
  head, while the multiply-adds $2L^2d$ do not depend on $h$);
* a recurrent layer (RNN, $h_t = \tanh(W_x x_t + W_h h_{t-1})$): $Ld^2$ for the inputs plus $Ld^2$ for the
  recurrence, $2Ld^2$, in $L$ steps that must run one after another;
* a convolution of kernel $k$ ($d \to d$ channels): $kLd^2$.

Vaswani et al. 2017 (Table 1) compare the mixing steps, $O(L^2 d)$ against the recurrence's $O(Ld^2)$:
attention's mixing is the cheaper one when $L < d$ (here exactly: $2L^2d < 2Ld^2$). Counting the
projections, a whole attention layer costs $2 + L/d$ times an RNN layer: more at every $L$. What it buys
is parallelism (no sequential steps) and a path of length 1.
Fitting $t \approx c\,L^{\alpha}$ by least squares on $\log t = \log c + \alpha \log L$ measures $\alpha$.

In exchange, any two tokens are connected in one step. To connect tokens $n$ positions apart
(maximum path length, Vaswani et al. Table 1):

* attention: 1 layer;
* a recurrent network (RNN): $n$ sequential steps (and nothing can run in parallel over time);
* stacked convolutions of kernel $k$ (stride 1): each layer widens the receptive field (感受野) by
  $k - 1$, so $\lceil n/(k-1)\rceil$ layers; dilated convolutions (dilation $1, k, k^2, \dots$) need
  $\lceil \log_k(n+1)\rceil$.

See chapter: chapters/attention.md
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from mlnotes._checks import check_array, check_int


def time_attention(lengths=(64, 128, 256, 512, 1024), d=64, repeats=3, seed=0) -> np.ndarray:
    """Best-of-``repeats`` wall time (s, one BLAS thread) of numpy attention on (L, d) inputs per L: -> (n,).

    See chapter: chapters/attention.md
    """
    from mlnotes.attention.core import sdpa_numpy

    lengths = check_array("lengths", lengths, ndim=1, dtype=float)
    if lengths.size == 0 or np.any(lengths < 1) or np.any(lengths != np.round(lengths)):
        raise ValueError(f"lengths must be a non-empty list of integers >= 1, got {lengths.tolist()}")
    d = check_int("d", d, low=1)
    repeats = check_int("repeats", repeats, low=1)
    rng = np.random.default_rng(check_int("seed", seed, low=0))
    with _one_blas_thread():  # shared machines: one thread gives steadier timings
        return np.array([_best_time(sdpa_numpy, rng.standard_normal((3, L, d)), repeats)
                         for L in lengths.astype(int)])


def _best_time(fn, qkv, repeats) -> float:
    """The fastest of ``repeats`` calls of ``fn(q, k, v)``, in seconds."""
    best = math.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn(*qkv)
        best = min(best, time.perf_counter() - t0)
    return best


def _one_blas_thread():
    """A context limiting BLAS to one thread (threadpoolctl, a scikit-learn dependency), else a no-op."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover
        import contextlib

        return contextlib.nullcontext()
    return threadpool_limits(1)


def fit_exponent(lengths, seconds) -> float:
    """Slope α of the least-squares line log t = log c + α log L (≈ 2 for attention).

    See chapter: chapters/attention.md
    """
    lengths = check_array("lengths", lengths, ndim=1)
    seconds = check_array("seconds", seconds, ndim=1)
    if lengths.shape != seconds.shape or lengths.size < 2:
        raise ValueError(f"lengths and seconds must be 1-D of the same length >= 2, got {lengths.shape} and "
                         f"{seconds.shape}")
    if np.any(lengths <= 0) or np.any(seconds <= 0):
        raise ValueError("lengths and seconds must be positive (a log-log fit)")
    if np.unique(lengths).size < 2:
        raise ValueError("lengths must hold at least two different values")
    return float(np.polyfit(np.log(lengths), np.log(seconds), 1)[0])


def path_lengths(distance, kernel_size=3) -> dict:
    """Layers / steps needed to connect two tokens ``distance`` apart: attention, RNN, conv, dilated conv.

    See chapter: chapters/attention.md
    """
    n = check_int("distance", distance, low=1)
    k = check_int("kernel_size", kernel_size, low=2)
    dilated, reach = 0, 0
    while reach < n:  # dilations 1, k, k², …: reach grows to k^m − 1
        reach += (k - 1) * k**dilated
        dilated += 1
    return {"attention": 1, "rnn": n, "conv": math.ceil(n / (k - 1)), "dilated conv": dilated}


@dataclass(frozen=True)
class LayerCosts:
    """Multiply-adds of one layer over L tokens of width d (one sequence), part by part."""

    L: int
    d: int
    kernel_size: int
    attention_projections: int  # 4Ld²: W_Q, W_K, W_V and W_O, each (L, d) @ (d, d)
    attention_mixing: int  # 2L²d: Q Kᵀ (L, d) @ (d, L) and A V (L, L) @ (L, d)
    rnn_input: int  # Ld²: W_x x_t for every t (could run in parallel)
    rnn_recurrent: int  # Ld²: W_h h_{t−1}, one step after another
    conv: int  # kLd²: kernel k, d → d channels

    @property
    def attention(self) -> int:
        """A whole self-attention layer: 4Ld² + 2L²d."""
        return self.attention_projections + self.attention_mixing

    @property
    def rnn(self) -> int:
        """A whole RNN layer: 2Ld²."""
        return self.rnn_input + self.rnn_recurrent


def layer_costs(L, d, kernel_size=3) -> LayerCosts:
    """Multiply-adds of one attention, RNN and convolution layer over L tokens of width d (a LayerCosts).

    Counts the matrix products only (biases, softmax and tanh are O(Ld) or O(L²) extra work); they equal
    ``torch.utils.flop_counter`` counts / 2 for ``nn.MultiheadAttention``, ``nn.RNN`` and ``nn.Conv1d``.
    See chapter: chapters/attention.md
    """
    L = check_int("L", L, low=1)
    d = check_int("d", d, low=1)
    k = check_int("kernel_size", kernel_size, low=1)
    return LayerCosts(L, d, k, attention_projections=4 * L * d * d, attention_mixing=2 * L * L * d,
                      rnn_input=L * d * d, rnn_recurrent=L * d * d, conv=k * L * d * d)


def head_costs(L, d, num_heads, S=None) -> dict:
    """What h heads of width d/h cost, for L queries over S keys: the same parameters and multiply-adds
    as one head of width d, but h score matrices.

    -> {"parameters": 4d² + 4d, "mixing_multiply_adds": 2·L·S·d, "score_entries": h·L·S (one exp each)}.
    See chapter: chapters/attention.md
    """
    from mlnotes.attention.multihead import mha_param_count

    L = check_int("L", L, low=1)
    S = L if S is None else check_int("S", S, low=1)
    h = check_int("num_heads", num_heads, low=1)
    params = mha_param_count(d, h)  # checks d and that h divides it
    return {"parameters": params, "mixing_multiply_adds": 2 * L * S * d, "score_entries": h * L * S}
