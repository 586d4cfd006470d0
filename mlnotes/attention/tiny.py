r"""A tiny attention model that learns to reverse a sequence, trained with torch on one CPU thread in seconds.

Input: $L = 8$ tokens from a vocabulary of 10; target: the same tokens reversed, $y_i = x_{L-1-i}$.
Model (one attention layer, one head, no MLP): token embedding plus the sinusoidal encoding,
$h = E[x] + PE$; $Q, K, V = hW_Q, hW_K, hW_V$; $a = \operatorname{softmax}(QK^\top/\sqrt d)V$ computed
by :func:`mlnotes.attention.core.sdpa_torch`; logits $= aW + b$; cross-entropy; Adam (written out).

Content alone cannot solve the task: output $i$ must copy the token at position $L-1-i$, so the
learned attention map has to become anti-diagonal, which only the positional encoding makes
possible (without it, attention would be permutation-equivariant). Reversal is a *fixed* permutation
$P$: a fixed token-mixing matrix ($y = Px$) expresses it exactly; a convolution, one kernel slid along
the sequence ($W_{ij} = w_{j-i}$, translation-equivariant), cannot (:func:`reversal_fits`).

Determinism: a private ``torch.Generator`` for the data, ``fork_rng`` + ``manual_seed`` for the
initial weights, float64, one CPU thread; every op used (embedding, matmul, softmax, Adam) is
deterministic on CPU, so two runs are bit-identical (tested). ``torch.use_deterministic_algorithms``
is not called: it would change nothing here and costs ~3 s on first use (it imports the compiler stack).

See chapter: chapters/attention.md
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlnotes._checks import check_int, check_real


@dataclass(frozen=True)
class ReversalResult:
    """Outcome of :func:`train_reversal`."""

    accuracy: float  # token accuracy on 1000 fresh sequences
    attention: np.ndarray  # (L, L) attention weights averaged over those sequences (row = output position)
    snapshot_steps: tuple  # steps at which the map was recorded (0 = before training)
    snapshots: np.ndarray  # (n_snapshots, L, L) the averaged map at each of those steps
    losses: np.ndarray  # (steps,) training loss per step

    @property
    def anti_diagonal_mass(self) -> float:
        """Mean weight on the anti-diagonal (where output i looks at input L−1−i); 1 would be a perfect copy."""
        return float(np.mean(np.diag(self.attention[:, ::-1])))


def reversal_fits(seq_len=8, vocab=10, n_eval=1000, seed=0) -> dict:
    """The best *fixed* linear maps along the sequence for reversal, fitted by least squares to P.

    ``"token mixing"``: a free (L, L) matrix W, output i = Σ_j W_ij x_j (the fit is P itself);
    ``"convolution"``: one kernel of width 2L − 1 slid along the zero-padded sequence, W_ij = w[j − i] (the fit
    is the mean of P along each diagonal). -> {name: (‖W − P‖_F / ‖P‖_F, token accuracy of argmax_v (W X)_iv
    on ``n_eval`` random one-hot sequences)}.

    See chapter: chapters/attention.md
    """
    L = check_int("seq_len", seq_len, low=2)
    V = check_int("vocab", vocab, low=2)
    n = check_int("n_eval", n_eval, low=1)
    rng = np.random.default_rng(check_int("seed", seed, low=0))
    P = np.eye(L)[::-1]  # (L, L): output i copies input L − 1 − i
    offset = np.arange(L)[None, :] - np.arange(L)[:, None]  # (L, L): j − i
    conv = np.zeros((L, L))
    for o in np.unique(offset):  # W_ij = w[j − i]: least squares sets w[o] to P's mean on diagonal o
        conv[offset == o] = P[offset == o].mean()
    x = rng.integers(0, V, (n, L))  # (n, L) random tokens
    onehot = np.eye(V)[x]  # (n, L, V)
    fits = {}
    for name, W in (("token mixing", P), ("convolution", conv)):
        pred = np.argmax(W @ onehot, axis=-1)  # (n, L): the token each output position reads most
        fits[name] = (float(np.linalg.norm(W - P) / np.linalg.norm(P)), float(np.mean(pred == x[:, ::-1])))
    return fits


def train_reversal(seq_len=8, vocab=10, d_model=32, steps=250, batch_size=128, lr=1e-2, seed=0,
                   snapshot_steps=(0, 10, 20, 40, 80, 160, 250)) -> ReversalResult:
    """Train the one-layer attention model to reverse sequences (seeded, deterministic, 1 CPU thread).

    See chapter: chapters/attention.md
    """
    import torch

    L = check_int("seq_len", seq_len, low=2)
    V = check_int("vocab", vocab, low=2)
    d = check_int("d_model", d_model, low=2)
    steps = check_int("steps", steps, low=1)
    B = check_int("batch_size", batch_size, low=1)
    lr = check_real("lr", lr, low=0.0, low_open=True)
    seed = check_int("seed", seed, low=0)
    snaps = tuple(sorted({check_int(f"snapshot_steps[{i}]", s, low=0, high=steps)
                          for i, s in enumerate(snapshot_steps)}))
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # one thread: the same float sums in the same order on every run
    try:
        return _train(torch, L, V, d, steps, B, lr, seed, snaps)
    finally:  # leave the caller's torch settings as they were
        torch.set_num_threads(threads)


def _adam_step(torch, params, moments, lr, t, beta1=0.9, beta2=0.999, eps=1e-8) -> None:
    """One Adam step in place, as torch.optim.Adam (agrees to ~1e-17 in float64).

    Written out because the first use of torch.optim imports torch's compiler stack (~2.5 s).
    """
    with torch.no_grad():
        for p, (m, v) in zip(params, moments):
            m.mul_(beta1).add_(p.grad, alpha=1 - beta1)  # m_t = β1 m + (1 − β1) g
            v.mul_(beta2).addcmul_(p.grad, p.grad, value=1 - beta2)  # v_t = β2 v + (1 − β2) g²
            denom = (v / (1 - beta2**t)).sqrt_().add_(eps)  # √v̂ + eps
            p.addcdiv_(m, denom, value=-lr / (1 - beta1**t))  # p −= lr · m̂ / (√v̂ + eps)


def _train(torch, L, V, d, steps, B, lr, seed, snaps) -> ReversalResult:
    """The training loop of :func:`train_reversal` (float64, its own generator: no global RNG used)."""
    from mlnotes.attention.core import sdpa_torch
    from mlnotes.attention.positional import sinusoidal_pe

    gen = torch.Generator().manual_seed(seed)
    with torch.random.fork_rng(devices=[]):  # seed module init without touching the caller's RNG
        torch.manual_seed(seed)
        emb = torch.nn.Embedding(V, d).double()
        w_q, w_k, w_v = (torch.nn.Linear(d, d, bias=False).double() for _ in range(3))
        head = torch.nn.Linear(d, V).double()
    pe = torch.tensor(sinusoidal_pe(L, d))  # (L, d)
    params = [p for m in (emb, w_q, w_k, w_v, head) for p in m.parameters()]
    moments = [(torch.zeros_like(p), torch.zeros_like(p)) for p in params]

    def forward(x):  # x (B, L) int -> logits (B, L, V), weights (B, L, L)
        h = emb(x) + pe  # (B, L, d)
        a, w = sdpa_torch(w_q(h), w_k(h), w_v(h), return_weights=True)  # (B, L, d), (B, L, L)
        return head(a), w

    x_eval = torch.randint(0, V, (1000, L), generator=gen)  # (1000, L), fixed held-out sequences

    def mean_map():
        with torch.no_grad():
            return forward(x_eval)[1].mean(0).numpy().copy()  # (L, L)

    maps, losses = [], []
    for step in range(steps + 1):
        if step in snaps:
            maps.append(mean_map())
        if step == steps:
            break
        x = torch.randint(0, V, (B, L), generator=gen)  # (B, L)
        logits, _ = forward(x)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, V), x.flip(1).reshape(-1))
        for p in params:
            p.grad = None
        loss.backward()
        _adam_step(torch, params, moments, lr, step + 1)
        losses.append(loss.item())
    with torch.no_grad():
        logits, w = forward(x_eval)
    acc = float((logits.argmax(-1) == x_eval.flip(1)).double().mean())
    return ReversalResult(acc, w.mean(0).numpy().copy(), snaps, np.array(maps), np.array(losses))
