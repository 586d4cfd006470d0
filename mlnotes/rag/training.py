r"""Training a bi-encoder (双塔) with InfoNCE (对比损失) and hard negatives (难负例), on the book's own questions.

A bi-encoder maps a question $q$ and a section $d$ separately to unit vectors $f(q)$, $f(d)$ and
scores them by $s(q, d) = f(q)\cdot f(d)$. For a batch of $B$ questions with positives
$d_1^+, \dots, d_B^+$ and $N \ge B$ candidate columns (the $B$ positives, then mined hard negatives),
the logits are $\ell_{ij} = s(q_i, d_j)/\tau$ with temperature $\tau > 0$, and **InfoNCE** is

$$\mathcal L = -\frac1B\sum_{i=1}^B \log\frac{e^{\ell_{ii}}}{\sum_{j=1}^{N} e^{\ell_{ij}}}
= \frac1B\sum_{i=1}^B\Big(\operatorname{logsumexp}_j \ell_{ij} - \ell_{ii}\Big),$$

the cross-entropy of row $i$ of the similarity matrix with label $i$ (**in-batch negatives**:
the other questions' positives are row $i$'s negatives). A column that is also relevant to
question $i$ (a *false negative*) is masked out of row $i$. Its gradient
$\partial\mathcal L/\partial \ell_{ij} = (p_{ij} - \mathbb 1[i=j])/B$ with $p_{ij} = \mathrm{softmax}_j(\ell_{ij})$
pushes each negative down in proportion to its softmax weight: a small $\tau$ concentrates the
push on the highest-scoring (hardest) negatives.

The encoder here is the frozen MiniLM plus a **low-rank residual adapter** shared by both towers,
$f(x) = \dfrac{x + x A B^\top}{\lVert x + x A B^\top\rVert}$ with $A, B \in \mathbb R^{384\times r}$ and
$B = 0$ at the start (LoRA's initialization: training starts from the frozen model exactly).

See chapter: chapters/rag_training.md
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

import numpy as np

from mlnotes._checks import check_array, check_int, check_real


def info_nce(q, d, temperature: float = 0.05, mask=None):
    """InfoNCE with in-batch negatives, from scratch: torch (B, D), (N, D) -> scalar, N >= B.

    Row ``i``'s positive is column ``i``; ``mask`` (B, N) bool marks columns left out of a row
    (false negatives; never the diagonal). Keeps the floating dtype. Raises ``ValueError`` for
    mismatched shapes or a temperature <= 0, ``TypeError`` for a non-bool mask.
    Equal to ``F.cross_entropy(q @ d.T / τ, arange(B))`` (tested). Source: van den Oord et al. 2018
    (CPC); Karpukhin et al. 2020 (DPR). See chapter: chapters/rag_training.md
    """
    import torch

    temperature = check_real("temperature", temperature, low=0.0, low_open=True)
    _check_pair(q, d, mask)
    return _info_nce(q, d, temperature, mask)


def _info_nce(q, d, temperature, mask=None):
    import torch

    logits = q @ d.T / temperature  # (B, N) ℓ_ij = s(q_i, d_j) / τ
    if mask is not None:
        logits = logits.masked_fill(mask, -torch.inf)  # false negatives leave the row
    m = logits.max(dim=1, keepdim=True).values.detach()  # (B, 1) row max, for a stable exp
    lse = m[:, 0] + torch.log(torch.exp(logits - m).sum(dim=1))  # (B,) logsumexp_j ℓ_ij
    positive = torch.diagonal(logits[:, : q.shape[0]])  # (B,) ℓ_ii
    return (lse - positive).mean()


def _check_pair(q, d, mask):
    import torch

    for name, x in (("q", q), ("d", d)):
        if not isinstance(x, torch.Tensor) or not x.is_floating_point() or x.ndim != 2:
            raise TypeError(f"{name} must be a 2-D floating torch tensor, got {type(x).__name__}"
                            + (f" of shape {tuple(x.shape)}" if isinstance(x, torch.Tensor) else ""))
    if q.shape[1] != d.shape[1]:
        raise ValueError(f"q and d must have the same width, got {q.shape[1]} and {d.shape[1]}")
    if d.shape[0] < q.shape[0]:
        raise ValueError(f"d must have at least as many rows as q (column i is row i's positive), "
                         f"got {d.shape[0]} < {q.shape[0]}")
    if mask is not None:
        if not isinstance(mask, torch.Tensor) or mask.dtype != torch.bool:
            raise TypeError(f"mask must be a bool torch tensor, got {getattr(mask, 'dtype', type(mask).__name__)}")
        if tuple(mask.shape) != (q.shape[0], d.shape[0]):
            raise ValueError(f"mask must have shape {(q.shape[0], d.shape[0])}, got {tuple(mask.shape)}")
        if bool(torch.diagonal(mask[:, : q.shape[0]]).any()):
            raise ValueError("mask must not hide a row's own positive (the diagonal)")


# -- data: questions, sections, relevance ------------------------------------------------------------
def relevance_matrix(queries, sections) -> np.ndarray:
    """R[i, j] = True when section j is relevant to question i (its answer links there): -> (Q, S) bool.

    See chapter: chapters/rag_training.md
    """
    index = {s.key: j for j, s in enumerate(sections)}
    R = np.zeros((len(queries), len(sections)), dtype=bool)  # (Q, S)
    for i, q in enumerate(queries):
        for key in q.relevant:
            if key in index:
                R[i, index[key]] = True
    return R


def split_questions(n_questions: int, fractions=(0.6, 0.2, 0.2), seed: int = 0) -> tuple:
    """A seeded split of question indices into (train, validation, test), each sorted: -> 3 int arrays.

    Split by question, so no question is both trained on and scored. See chapter: chapters/rag_training.md
    """
    n = check_int("n_questions", n_questions, low=3)
    f = check_array("fractions", fractions, shape=(3,))
    if np.any(f <= 0) or not np.isclose(f.sum(), 1.0):
        raise ValueError(f"fractions must be three positive numbers summing to 1, got {tuple(f)}")
    perm = np.random.default_rng(seed).permutation(n)
    n_val, n_test = int(round(f[1] * n)), int(round(f[2] * n))
    test, val, train = perm[:n_test], perm[n_test:n_test + n_val], perm[n_test + n_val:]
    return np.sort(train), np.sort(val), np.sort(test)


def mine_hard_negatives(scores, R, n: int = 1) -> np.ndarray:
    """Per question, the ``n`` highest-scoring sections that are not relevant: (Q, S), (Q, S) bool -> (Q, n) int.

    ``scores`` come from any retriever (BM25, the frozen dense model). Ties keep section order.
    See chapter: chapters/rag_training.md
    """
    scores = check_array("scores", scores, ndim=2)
    R = np.asarray(R)
    if R.dtype != bool or R.shape != scores.shape:
        raise ValueError(f"R must be a bool array of shape {scores.shape}, got {R.dtype} {R.shape}")
    n = check_int("n", n, low=1, high=scores.shape[1] - int(R.sum(1).max()))
    masked = np.where(R, -np.inf, scores)  # relevant sections can never be negatives
    return np.argsort(-masked, axis=1, kind="stable")[:, :n]  # (Q, n)


def reciprocal_ranks(scores, R, k: int = 10) -> np.ndarray:
    """Per question, 1 / rank of the first relevant section within the top k, else 0: (Q, S), (Q, S) -> (Q,).

    Ranks by descending score, ties by section order. See chapter: chapters/rag_training.md
    """
    scores = check_array("scores", scores, ndim=2)
    k = check_int("k", k, low=1)
    R = np.asarray(R)
    if R.dtype != bool or R.shape != scores.shape:
        raise ValueError(f"R must be a bool array of shape {scores.shape}, got {R.dtype} {R.shape}")
    top = np.argsort(-scores, axis=1, kind="stable")[:, :k]  # (Q, k)
    hit = np.take_along_axis(R, top, axis=1)  # (Q, k)
    first = np.where(hit.any(1), hit.argmax(1) + 1, np.inf)  # (Q,) rank of the first relevant
    return 1.0 / first


def mrr_at_k(scores, R, k: int = 10) -> float:
    """MRR@k: the mean of :func:`reciprocal_ranks` -> float. See chapter: chapters/rag_training.md"""
    return float(np.mean(reciprocal_ranks(scores, R, k)))


def sign_test(up: int, down: int) -> float:
    """Two-sided sign test: the probability of a split at least this uneven if up and down were equally likely.

    Ties (questions that did not move) are left out. Equal to ``scipy.stats.binomtest(up, up + down).pvalue``
    (tested). See chapter: chapters/rag_training.md
    """
    import math

    up, down = check_int("up", up, low=0), check_int("down", down, low=0)
    n = up + down
    if n == 0:
        return 1.0
    return min(1.0, 2 * sum(math.comb(n, k) for k in range(min(up, down) + 1)) / 2 ** n)


# -- the adapter and its training ---------------------------------------------------------------------
@dataclass(frozen=True)
class TrainConfig:
    """Hyper-parameters of :func:`train_adapter`. See chapter: chapters/rag_training.md"""

    rank: int = 8
    temperature: float = 0.05
    lr: float = 1e-3
    epochs: int = 12
    batch_size: int = 32
    seed: int = 0

    def __post_init__(self):
        check_int("rank", self.rank, low=1)
        check_real("temperature", self.temperature, low=0.0, low_open=True)
        check_real("lr", self.lr, low=0.0, low_open=True)
        check_int("epochs", self.epochs, low=1)
        check_int("batch_size", self.batch_size, low=2)


@dataclass
class TrainResult:
    """What :func:`train_adapter` returns: the adapter at its best validation epoch and the history."""

    A: np.ndarray  # (D, r)
    B: np.ndarray  # (D, r)
    best_epoch: int  # 0 = the frozen model
    history: list = field(default_factory=list)  # per epoch (0 = before training): {"epoch", "loss", "train", "val"}

    def encode(self, X) -> np.ndarray:
        """f(x) = normalize(x + x A Bᵀ): (n, D) -> (n, D)."""
        return adapt(X, self.A, self.B)


def adapt(X, A, B) -> np.ndarray:
    """The adapter in numpy: normalize(X + X A Bᵀ), (n, D) -> (n, D). See chapter: chapters/rag_training.md"""
    Y = X + (X @ A) @ B.T  # (n, D)
    return Y / np.linalg.norm(Y, axis=1, keepdims=True)


@contextlib.contextmanager
def _one_thread():
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)  # deterministic and fastest for these tiny matrices on a shared machine
    try:
        yield
    finally:
        torch.set_num_threads(before)


def train_adapter(Xq, Xd, R, train, val, hard=None, config: TrainConfig = TrainConfig()) -> TrainResult:
    """Train the low-rank adapter with InfoNCE on (question, relevant section) pairs of ``train``.

    ``Xq`` (Q, D) question vectors, ``Xd`` (S, D) section vectors (frozen MiniLM), ``R`` (Q, S)
    relevance, ``train``/``val`` question indices, ``hard`` (Q, n) mined negatives appended as
    extra columns (shared by the batch, as in DPR) or None (in-batch negatives only). Adam,
    seeded; MRR@10 of ``train`` and ``val`` after every epoch; keeps the epoch with the best
    validation MRR (early stopping; epoch 0 is the frozen model). See chapter: chapters/rag_training.md
    """
    import torch

    Xq, Xd = check_array("Xq", Xq, ndim=2), check_array("Xd", Xd, ndim=2)
    R = np.asarray(R, dtype=bool)
    c = config
    pairs = np.array([(i, j) for i in train for j in np.flatnonzero(R[i])])  # (P, 2) question, positive
    with _one_thread():
        torch.manual_seed(c.seed)
        D = Xq.shape[1]
        A = (torch.randn(D, c.rank, dtype=torch.float64) / np.sqrt(D)).requires_grad_()  # (D, r)
        B = torch.zeros(D, c.rank, dtype=torch.float64, requires_grad=True)  # (D, r): f = identity at start
        opt = torch.optim.Adam([A, B], lr=c.lr)
        tq, td, tR = torch.from_numpy(Xq), torch.from_numpy(Xd), torch.from_numpy(R)
        rng = np.random.default_rng(c.seed)

        def f(X):
            return torch.nn.functional.normalize(X + (X @ A) @ B.T, dim=1)  # (n, D)

        def record(epoch, loss):
            with torch.no_grad():
                S = (f(tq) @ f(td).T).numpy()  # (Q, S)
            return {"epoch": epoch, "loss": loss, "train": mrr_at_k(S[train], R[train]), "val": mrr_at_k(S[val], R[val])}

        history = [record(0, float("nan"))]
        best = (history[0]["val"], 0, A.detach().clone(), B.detach().clone())
        for epoch in range(1, c.epochs + 1):
            losses, shuffled = [], pairs[rng.permutation(len(pairs))]
            for start in range(0, len(pairs), c.batch_size):
                rows = shuffled[start:start + c.batch_size]
                qi, cols = rows[:, 0], rows[:, 1]
                if hard is not None:
                    cols = np.concatenate([cols, np.asarray(hard)[qi].ravel()])  # (N,) positives, then negatives
                mask = tR[qi][:, cols].clone()  # (b, N) relevant columns are not negatives…
                mask[:, : len(qi)].fill_diagonal_(False)  # …except the row's own positive
                loss = _info_nce(f(tq[qi]), f(td[cols]), c.temperature, mask)
                opt.zero_grad()
                loss.backward()
                opt.step()
                losses.append(loss.item())
            history.append(record(epoch, float(np.mean(losses))))
            if history[-1]["val"] > best[0]:
                best = (history[-1]["val"], epoch, A.detach().clone(), B.detach().clone())
    return TrainResult(best[2].numpy(), best[3].numpy(), best[1], history)
