"""MaxSim against torch, the toy token vectors, the cost count, the faithfulness checker and edge ordering."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from mlnotes.rag.faithfulness import (check_claims, content_words, edge_order, faithfulness, prompt_positions,
                                      split_claims)
from mlnotes.rag.late_interaction import (index_cost, maxsim, maxsim_batch, mean_pooled_cosine, padded_doc,
                                          toy_vectors)
from tests.hypothesis_settings import PROPERTIES


def _torch_maxsim(Q, D):
    return torch.einsum("ik,jk->ij", torch.from_numpy(Q), torch.from_numpy(D)).max(dim=1).values.sum().item()


@PROPERTIES
@given(nq=st.integers(1, 6), nd=st.integers(1, 9), k=st.integers(1, 8), seed=st.integers(0, 10_000))
def test_maxsim_equals_torch(nq, nd, k, seed):
    rng = np.random.default_rng(seed)
    Q, D = rng.standard_normal((nq, k)), rng.standard_normal((nd, k))
    np.testing.assert_allclose(maxsim(Q, D), _torch_maxsim(Q, D), rtol=1e-12, atol=1e-12)


def test_maxsim_batch_equals_one_call_per_document():
    rng = np.random.default_rng(0)
    Q = rng.standard_normal((4, 6))
    docs = [rng.standard_normal((n, 6)) for n in (1, 7, 3, 12)]
    np.testing.assert_allclose(maxsim_batch(Q, docs), [maxsim(Q, D) for D in docs], rtol=1e-12)


def test_maxsim_hand_case_and_invariances():
    Q = np.array([[1.0, 0.0], [0.0, 1.0]])
    D = np.array([[0.5, 0.5], [1.0, 0.0], [-1.0, 0.2]])
    assert maxsim(Q, D) == pytest.approx(1.0 + 0.5)
    # order of document tokens does not matter; duplicating a token does not change the score
    assert maxsim(Q, D[::-1]) == pytest.approx(maxsim(Q, D))
    assert maxsim(Q, np.vstack([D, D[:1]])) == pytest.approx(maxsim(Q, D))
    # adding document tokens can only raise it
    assert maxsim(Q, np.vstack([D, [[0.0, 3.0]]])) >= maxsim(Q, D)


def test_toy_vectors_synonyms_and_filler():
    V = toy_vectors(["norm", "normalization", "batch"], synonyms={"norm": "normalization"})
    np.testing.assert_allclose(np.linalg.norm(V, axis=1), 1.0)
    assert V[0] @ V[1] > 0.85 and abs(V[0] @ V[2]) < 0.6
    np.testing.assert_array_equal(toy_vectors(["batch"]), toy_vectors(["batch"]))  # one vector per word
    doc = padded_doc(["a", "b"], 25)
    assert doc[:2] == ["a", "b"] and len(doc) == 27 and len(set(doc[2:])) == 25
    Q = toy_vectors(["batch", "norm"], synonyms={"norm": "normalization"})
    rel = ["batch", "normalization"]
    # MaxSim ignores filler; mean pooling is diluted by it
    assert maxsim(Q, toy_vectors(padded_doc(rel, 40))) == pytest.approx(maxsim(Q, toy_vectors(rel)), abs=0.2)
    assert mean_pooled_cosine(Q, toy_vectors(padded_doc(rel, 40))) < mean_pooled_cosine(Q, toy_vectors(rel)) - 0.3


def test_index_cost_counts():
    cost = index_cost([10, 20], query_tokens=4, dim_single=3, dim_token=2, bytes_single=4, bytes_token=2)
    assert cost == {"bi_bytes": 2 * 3 * 4, "late_bytes": 30 * 2 * 2, "bi_madds": 2 * 3, "late_madds": 4 * 30 * 2}


def test_content_words_and_claims():
    assert content_words("Adam doesn't use 0.9 as the default beta1.") == ["adam", "does", "not", "use", "0.9",
                                                                           "default", "beta", "1"]
    assert split_claims("One. Two? Three!  ") == ["One.", "Two?", "Three!"]
    context = "The learning rate is 0.001 and the batch size is 32."
    claims = check_claims("The learning rate is 0.001. The batch size is 64. The rate is not tuned.", context)
    assert [c.supported for c in claims] == [True, False, False]
    assert claims[1].missing == ("64",) and "not" in claims[2].missing
    assert faithfulness("The learning rate is 0.001. The batch size is 64.", context) == 0.5


def test_edge_order_and_positions():
    assert edge_order(0) == [] and edge_order(1) == [0] and edge_order(6) == [0, 2, 4, 5, 3, 1]
    for n in range(1, 12):
        order = edge_order(n)
        assert sorted(order) == list(range(n)) and order[0] == 0 and (n == 1 or order[-1] == 1)
    assert prompt_positions([1, 2, 3, None, 11], 10, "rank") == [1, 2, 3]
    assert prompt_positions([1, 2, 3], 10, "edges") == [1, 10, 2]


def test_stop_words_are_sklearns_without_negations():
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    from mlnotes.rag.faithfulness import NEGATIONS, _stop_words

    assert _stop_words() == frozenset(ENGLISH_STOP_WORDS) - NEGATIONS
    assert NEGATIONS & frozenset(ENGLISH_STOP_WORDS)  # the negations really are removed from sklearn's list
