"""InfoNCE equal to F.cross_entropy (values and gradients), mining, splits, MRR and the adapter's training."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from mlnotes.metrics.ranking import mrr
from mlnotes.rag.training import (TrainConfig, adapt, info_nce, mine_hard_negatives, mrr_at_k, reciprocal_ranks,
                                  relevance_matrix, sign_test, split_questions, train_adapter)
from tests.hypothesis_settings import PROPERTIES


def _unit(rng, n, k, dtype=np.float64):
    x = rng.standard_normal((n, k))
    return torch.tensor(x / np.linalg.norm(x, axis=1, keepdims=True), dtype=torch.float64 if dtype == np.float64
                        else torch.float32)


@pytest.mark.parametrize("B,N,tau", [(1, 1, 0.05), (8, 8, 0.05), (5, 12, 0.1), (16, 16, 1.0), (3, 9, 0.01)])
def test_info_nce_equals_cross_entropy(B, N, tau):
    rng = np.random.default_rng(B * 100 + N)
    q, d = _unit(rng, B, 16), _unit(rng, N, 16)
    ref = F.cross_entropy(q @ d.T / tau, torch.arange(B))
    np.testing.assert_allclose(info_nce(q, d, tau).item(), ref.item(), rtol=1e-12)


def test_info_nce_gradients_equal_torch_and_gradcheck():
    rng = np.random.default_rng(0)
    mask = torch.zeros(4, 7, dtype=torch.bool)
    mask[0, 5], mask[2, 1] = True, True
    q1, d1 = _unit(rng, 4, 6).requires_grad_(), _unit(rng, 7, 6).requires_grad_()
    q2, d2 = q1.detach().clone().requires_grad_(), d1.detach().clone().requires_grad_()
    info_nce(q1, d1, 0.1, mask).backward()
    F.cross_entropy((q2 @ d2.T / 0.1).masked_fill(mask, -torch.inf), torch.arange(4)).backward()
    np.testing.assert_allclose(q1.grad, q2.grad, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(d1.grad, d2.grad, rtol=1e-10, atol=1e-12)
    assert torch.autograd.gradcheck(lambda a, b: info_nce(a, b, 0.1, mask), (q1.detach().requires_grad_(),
                                                                             d1.detach().requires_grad_()))


def test_info_nce_hand_case_and_invariances():
    q = torch.tensor([[1.0, 0.0], [0.0, 1.0]], dtype=torch.float64)
    # two orthogonal pairs, τ = 1: each row is log(e + 1) − 1
    np.testing.assert_allclose(info_nce(q, q, 1.0).item(), np.log(np.e + 1) - 1, rtol=1e-12)
    rng = np.random.default_rng(3)
    a, b = _unit(rng, 6, 8), _unit(rng, 6, 8)
    perm = torch.from_numpy(rng.permutation(6))
    # permuting the pairs together leaves the mean loss unchanged
    np.testing.assert_allclose(info_nce(a[perm], b[perm], 0.05).item(), info_nce(a, b, 0.05).item(), rtol=1e-12)
    # one pair: the softmax has one column, the loss is 0
    assert info_nce(a[:1], b[:1], 0.05).item() == pytest.approx(0.0, abs=1e-12)
    # masking a column can only lower each row's log-sum-exp
    mask = torch.zeros(6, 6, dtype=torch.bool)
    mask[0, 3] = True
    assert info_nce(a, b, 0.05, mask).item() < info_nce(a, b, 0.05).item()


def test_info_nce_keeps_dtype_and_is_stable():
    rng = np.random.default_rng(1)
    q32, d32 = _unit(rng, 4, 8, np.float32), _unit(rng, 4, 8, np.float32)
    out = info_nce(q32, d32, 0.05)
    assert out.dtype == torch.float32
    np.testing.assert_allclose(out.item(), F.cross_entropy(q32 @ d32.T / 0.05, torch.arange(4)).item(), rtol=1e-5)
    big = torch.tensor(rng.standard_normal((4, 8)) * 50)
    assert torch.isfinite(info_nce(big, big, 0.01))


@PROPERTIES
@given(B=st.integers(1, 6), extra=st.integers(0, 4), tau=st.floats(0.01, 2.0), seed=st.integers(0, 10_000))
def test_info_nce_property(B, extra, tau, seed):
    rng = np.random.default_rng(seed)
    q, d = _unit(rng, B, 5), _unit(rng, B + extra, 5)
    got = info_nce(q, d, tau).item()
    assert got >= -1e-12
    np.testing.assert_allclose(got, F.cross_entropy(q @ d.T / tau, torch.arange(B)).item(), rtol=1e-10, atol=1e-12)


class _Q:
    def __init__(self, relevant):
        self.relevant = frozenset(relevant)


class _S:
    def __init__(self, key):
        self.key = key


def test_relevance_matrix_and_mining():
    sections = [_S(k) for k in ("a#x", "a#y", "b#z", "c#w")]
    R = relevance_matrix([_Q({"a#y"}), _Q({"b#z", "c#w", "gone#q"})], sections)
    np.testing.assert_array_equal(R, [[False, True, False, False], [False, False, True, True]])
    scores = np.array([[0.9, 1.0, 0.5, 0.9], [0.1, 0.2, 0.9, 0.8]])
    # relevant sections are never negatives; ties keep section order
    np.testing.assert_array_equal(mine_hard_negatives(scores, R, 2), [[0, 3], [1, 0]])


def test_reciprocal_ranks_equal_metrics_mrr():
    rng = np.random.default_rng(5)
    scores = rng.standard_normal((30, 40))
    R = rng.random((30, 40)) < 0.05
    R[np.arange(30), rng.integers(0, 40, 30)] = True  # every query has a relevant section
    ranked = [list(np.argsort(-row, kind="stable")[:10]) for row in scores]
    relevant = [set(np.flatnonzero(r)) for r in R]
    np.testing.assert_allclose(mrr_at_k(scores, R, 10), mrr(ranked, relevant, k=10), rtol=1e-12)
    rr = reciprocal_ranks(np.array([[0.1, 0.9, 0.5]]), np.array([[True, False, False]]), k=3)
    np.testing.assert_allclose(rr, [1 / 3])
    assert reciprocal_ranks(np.array([[0.1, 0.9, 0.5]]), np.array([[True, False, False]]), k=2)[0] == 0


def test_split_is_a_seeded_partition():
    train, val, test = split_questions(100, (0.6, 0.2, 0.2), seed=0)
    assert (len(train), len(val), len(test)) == (60, 20, 20)
    np.testing.assert_array_equal(np.sort(np.concatenate([train, val, test])), np.arange(100))
    again = split_questions(100, (0.6, 0.2, 0.2), seed=0)
    assert all(np.array_equal(a, b) for a, b in zip((train, val, test), again))
    assert not np.array_equal(split_questions(100, seed=1)[2], test)


@pytest.mark.parametrize("up,down", [(0, 0), (8, 1), (1, 8), (5, 5), (12, 0), (3, 7), (20, 9)])
def test_sign_test_equals_scipy(up, down):
    from scipy.stats import binomtest

    want = 1.0 if up + down == 0 else binomtest(up, up + down).pvalue
    np.testing.assert_allclose(sign_test(up, down), want, rtol=1e-12)


def _toy_problem(seed=0, n_topics=12, per_topic=4, dim=24):
    """Sections = topic centres; questions = noisy, rotated copies (a frozen encoder that mis-aligns them)."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((n_topics, dim))
    Xd = centres / np.linalg.norm(centres, axis=1, keepdims=True)
    topic = np.repeat(np.arange(n_topics), per_topic)
    mix = np.eye(dim) + 0.9 * rng.standard_normal((dim, dim)) / np.sqrt(dim)
    Xq = (Xd[topic] + 0.3 * rng.standard_normal((len(topic), dim))) @ mix
    Xq /= np.linalg.norm(Xq, axis=1, keepdims=True)
    R = np.zeros((len(topic), n_topics), dtype=bool)
    R[np.arange(len(topic)), topic] = True
    return Xq, Xd, R


def test_training_starts_at_the_frozen_model_and_is_deterministic():
    Xq, Xd, R = _toy_problem()
    train, val, test = split_questions(len(Xq), seed=0)
    cfg = TrainConfig(rank=4, epochs=4, batch_size=8, lr=3e-3)
    a = train_adapter(Xq, Xd, R, train, val, config=cfg)
    b = train_adapter(Xq, Xd, R, train, val, config=cfg)
    assert [h["val"] for h in a.history] == [h["val"] for h in b.history]
    np.testing.assert_array_equal(a.A, b.A)
    frozen = Xq @ Xd.T
    assert a.history[0]["train"] == pytest.approx(mrr_at_k(frozen[train], R[train]))
    # B = 0 at the start: the adapter is the identity (then normalization)
    rng = np.random.default_rng(0)
    np.testing.assert_allclose(adapt(Xq, rng.standard_normal((Xq.shape[1], 4)), np.zeros((Xq.shape[1], 4))), Xq,
                               rtol=1e-12)
    assert len(a.history) == cfg.epochs + 1 and 0 <= a.best_epoch <= cfg.epochs


def test_training_learns_a_learnable_problem():
    Xq, Xd, R = _toy_problem()
    train, val, test = split_questions(len(Xq), seed=0)
    res = train_adapter(Xq, Xd, R, train, val, hard=mine_hard_negatives(Xq @ Xd.T, R, 1),
                        config=TrainConfig(rank=8, epochs=15, batch_size=8, lr=1e-2, temperature=0.1))
    assert max(h["train"] for h in res.history) > res.history[0]["train"] + 0.05
    assert res.history[res.best_epoch]["val"] == max(h["val"] for h in res.history)
    S = res.encode(Xq) @ res.encode(Xd).T
    assert mrr_at_k(S[val], R[val]) == pytest.approx(res.history[res.best_epoch]["val"])
