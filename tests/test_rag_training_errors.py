"""Bad inputs to the training, PQ, late-interaction and faithfulness modules: each error names the argument."""

import numpy as np
import pytest
import torch

from mlnotes.rag.faithfulness import content_words, edge_order, faithfulness, prompt_positions, split_claims
from mlnotes.rag.late_interaction import maxsim, maxsim_batch, padded_doc, toy_vectors
from mlnotes.rag.pq import ProductQuantizer, faiss_pq, kmeans
from mlnotes.rag.training import (TrainConfig, info_nce, mine_hard_negatives, mrr_at_k, reciprocal_ranks, sign_test,
                                  split_questions)

T = torch.eye(3, dtype=torch.float64)
R = np.eye(3, dtype=bool)

CASES = [
    (lambda: info_nce(T, T, 0.0), ValueError, "temperature"),
    (lambda: info_nce(T, T, "hot"), TypeError, "temperature"),
    (lambda: info_nce(np.eye(3), T), TypeError, "q must be a 2-D floating torch tensor"),
    (lambda: info_nce(T, torch.eye(3, dtype=torch.long)), TypeError, "d must be"),
    (lambda: info_nce(T, torch.eye(3, 4, dtype=torch.float64)), ValueError, "same width"),
    (lambda: info_nce(T, T[:2]), ValueError, "at least as many rows"),
    (lambda: info_nce(T, T, 0.1, torch.zeros(3, 3)), TypeError, "mask must be a bool"),
    (lambda: info_nce(T, T, 0.1, torch.zeros(2, 3, dtype=torch.bool)), ValueError, "mask must have shape"),
    (lambda: info_nce(T, T, 0.1, torch.eye(3, dtype=torch.bool)), ValueError, "diagonal"),
    (lambda: split_questions(2), ValueError, "n_questions"),
    (lambda: split_questions(10, (0.5, 0.5, 0.5)), ValueError, "fractions"),
    (lambda: split_questions(10, (0.5, 0.5)), ValueError, "fractions"),
    (lambda: mine_hard_negatives(np.ones((3, 3)), np.ones((3, 2), dtype=bool)), ValueError, "R must be a bool"),
    (lambda: mine_hard_negatives(np.ones((3, 3)), R, 3), ValueError, "n must be"),
    (lambda: mine_hard_negatives(np.ones(3), R), ValueError, "scores must have 2"),
    (lambda: reciprocal_ranks(np.ones((3, 3)), R.astype(int)), ValueError, "R must be a bool"),
    (lambda: mrr_at_k(np.ones((3, 3)), R, 0), ValueError, "k must be"),
    (lambda: sign_test(-1, 2), ValueError, "up"),
    (lambda: TrainConfig(rank=0), ValueError, "rank"),
    (lambda: TrainConfig(temperature=0), ValueError, "temperature"),
    (lambda: TrainConfig(batch_size=1), ValueError, "batch_size"),
    (lambda: TrainConfig(lr=-1.0), ValueError, "lr"),
    (lambda: ProductQuantizer(0), ValueError, "M"),
    (lambda: ProductQuantizer(2, 9), ValueError, "nbits"),
    (lambda: ProductQuantizer(3).fit(np.ones((300, 8))), ValueError, "divisible by M"),
    (lambda: ProductQuantizer(2).encode(np.ones((3, 8))), ValueError, "call fit"),
    (lambda: ProductQuantizer(2, 8).fit(np.ones((10, 8))), ValueError, "k must be"),
    (lambda: ProductQuantizer(2).fit(np.ones((300, 8), dtype=int)), TypeError, "X must hold floats"),
    (lambda: faiss_pq(np.zeros((2, 16, 4)), nbits=8), ValueError, "2\\*\\*nbits"),
    (lambda: kmeans(np.ones((3, 2)), 5), ValueError, "k must be"),
    (lambda: maxsim(np.ones((2, 3)), np.ones((2, 4))), ValueError, "same width"),
    (lambda: maxsim(np.ones((0, 3)), np.ones((2, 3))), ValueError, "at least one token"),
    (lambda: maxsim(np.ones(3), np.ones((2, 3))), ValueError, "Q must have 2"),
    (lambda: maxsim(np.array([[np.nan]]), np.ones((1, 1))), ValueError, "finite"),
    (lambda: maxsim_batch(np.ones((2, 3)), [np.ones((0, 3))]), ValueError, "at least one token"),
    (lambda: toy_vectors(["a"], dim=1), ValueError, "dim"),
    (lambda: padded_doc(["a"], -1), ValueError, "n_filler"),
    (lambda: content_words(3), TypeError, "text must be a str"),
    (lambda: split_claims(None), TypeError, "answer must be a str"),
    (lambda: faithfulness("   ", "context"), ValueError, "at least one sentence"),
    (lambda: edge_order(-1), ValueError, "n must be"),
    (lambda: prompt_positions([1], 3, "middle"), ValueError, "order must be"),
]


@pytest.mark.parametrize("call,exc,match", CASES, ids=[f"{i:02d}-{m[:24]}" for i, (_, _, m) in enumerate(CASES)])
def test_bad_input_raises(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
