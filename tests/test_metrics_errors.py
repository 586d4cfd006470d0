"""Bad inputs to mlnotes.metrics raise ValueError/TypeError naming the argument and the expected form."""

import numpy as np
import pytest

import mlnotes.metrics as M

Y = [0, 1, 1, 0]
S = [0.1, 0.8, 0.4, 0.3]
RANKED = [["a", "b"], ["c", "d"]]
RELEVANT = [{"a"}, {"d"}]
REL = np.array([[1.0, 0.0, 2.0], [0.0, 1.0, 0.0]])
SCORES = np.array([[0.3, 0.2, 0.1], [0.1, 0.2, 0.3]])

CASES = [
    # classification
    ("labels 2-D", lambda: M.accuracy([[0, 1]], [[0, 1]]), ValueError, r"y_true must have 1 dimension \(n_samples,\)"),
    ("labels empty", lambda: M.accuracy([], []), ValueError, "y_true must not be empty"),
    ("labels NaN", lambda: M.f1([0, 1], [0.0, np.nan]), ValueError, "y_pred must contain only finite values"),
    ("labels a string", lambda: M.f1("0101", Y), TypeError, "y_true must be a 1-D array-like of class labels"),
    ("labels objects", lambda: M.f1([None, 1], [0, 1]), TypeError, "y_true must hold integer, boolean, string"),
    ("lengths differ", lambda: M.confusion_matrix([0, 1], [0, 1, 1]), ValueError,
     r"y_true and y_pred must have the same shape, got \(2,\) and \(3,\)"),
    ("mixed label kinds", lambda: M.accuracy(["a", "b"], [0, 1]), TypeError, "labels of the same kind"),
    ("repeated labels", lambda: M.confusion_matrix(Y, Y, labels=[0, 0]), ValueError, "labels must not repeat"),
    ("labels none in y_true", lambda: M.confusion_matrix(Y, Y, labels=[5, 6]), ValueError,
     "labels must include at least one label present in y_true"),
    ("unknown average", lambda: M.f1(Y, Y, average="samples"), ValueError,
     "average must be one of 'binary', 'macro', 'micro', 'weighted' or None, got 'samples'"),
    ("binary on 3 classes", lambda: M.precision([0, 1, 2], [0, 1, 2]), ValueError,
     "average='binary' needs at most 2 classes"),
    ("pos_label absent", lambda: M.recall(Y, Y, pos_label=2), ValueError,
     r"pos_label=2 is not one of the labels \[0, 1\]"),
    ("pos_label wrong kind", lambda: M.recall(Y, Y, pos_label="1"), TypeError,
     "pos_label must be a label of the same kind"),
    ("beta negative", lambda: M.fbeta(Y, Y, beta=-1), ValueError, r"beta must be >= 0.0, got -1.0"),
    ("beta inf", lambda: M.fbeta(Y, Y, beta=np.inf), ValueError, "beta must be finite"),
    ("beta a string", lambda: M.fbeta(Y, Y, beta="2"), TypeError, "beta must be a real number"),
    ("zero_division 0.5", lambda: M.f1(Y, Y, zero_division=0.5), ValueError,
     "zero_division must be 0.0, 1.0, nan or 'raise', got 0.5"),
    ("zero_division warn", lambda: M.f1(Y, Y, zero_division="warn"), ValueError, "zero_division must be"),
    ("zero_division raise hit", lambda: M.f1([0, 0], [0, 0], zero_division="raise"), ValueError,
     r"F-score \(no true nor predicted samples\) is 0/0"),
    # curves and AUC
    ("y_true not binary", lambda: M.roc_curve([0, 1, 2], [0.1, 0.2, 0.3]), ValueError,
     "y_true must contain only 0 and 1"),
    ("y_true strings", lambda: M.auc_rank(["a", "b"], [0.1, 0.2]), ValueError, "y_true must contain only 0 and 1"),
    ("one class ROC", lambda: M.roc_curve([1, 1, 1], [0.1, 0.2, 0.3]), ValueError,
     "y_true must contain both classes .* got only 1"),
    ("one class AUC pairs", lambda: M.auc_pairs([0, 0], [0.1, 0.2]), ValueError, "must contain both classes"),
    ("one class AUC trapezoid", lambda: M.auc_trapezoid([0, 0], [0.1, 0.2]), ValueError, "must contain both classes"),
    ("no positive for PR", lambda: M.precision_recall_curve([0, 0], [0.1, 0.2]), ValueError,
     "y_true must contain at least one positive"),
    ("no positive for AP", lambda: M.average_precision([0, 0], [0.1, 0.2]), ValueError, "at least one positive"),
    ("scores NaN", lambda: M.auc_rank(Y, [0.1, np.nan, 0.2, 0.3]), ValueError, "y_score must contain only finite"),
    ("scores 2-D", lambda: M.roc_curve(Y, [S]), ValueError, r"y_score must have 1 dimension\(s\)"),
    ("scores length", lambda: M.auc_rank(Y, S[:3]), ValueError, "y_true and y_score must have the same shape"),
    ("scores strings", lambda: M.auc_rank(Y, ["a", "b", "c", "d"]), TypeError, "y_score must be array-like of numbers"),
    ("order unknown", lambda: M.auc_rank(Y, S, order="desc"), ValueError,
     "order must be 'ascending' or 'descending', got 'desc'"),
    ("n_pairs zero", lambda: M.auc_monte_carlo(Y, S, n_pairs=0), ValueError, "n_pairs must be an integer >= 1, got 0"),
    ("n_pairs float", lambda: M.auc_monte_carlo(Y, S, n_pairs=1e5), TypeError, "n_pairs must be an integer"),
    ("seed negative", lambda: M.auc_monte_carlo(Y, S, seed=-1), ValueError, "seed must be an integer >= 0"),
    ("chunk zero", lambda: M.auc_pairs(Y, S, chunk=0), ValueError, "chunk must be an integer >= 1"),
    ("threshold NaN", lambda: M.predict_at(S, np.nan), ValueError, "threshold must be finite"),
    ("rank_average 2-D", lambda: M.rank_average([[1, 2]]), ValueError, r"x must have 1 dimension\(s\)"),
    # ranking
    ("ranked_ids a set", lambda: M.mrr({"a"}, RELEVANT), TypeError,
     "ranked_ids must be a list with one entry per query"),
    ("ranked_ids empty", lambda: M.mrr([], []), ValueError, "ranked_ids must not be empty"),
    ("query count differs", lambda: M.hit_rate_at_k(RANKED, RELEVANT[:1], 1), ValueError,
     "ranked_ids and relevant_ids must have one entry per query, got 2 and 1"),
    ("ranked entry a string", lambda: M.mrr(["ab", "cd"], RELEVANT), TypeError,
     r"ranked_ids\[0\] must be a sequence of ids"),
    ("repeated id", lambda: M.mrr([["a", "a"], ["c"]], RELEVANT), ValueError, r"ranked_ids\[0\] must not repeat an id"),
    ("relevant empty", lambda: M.recall_at_k(RANKED, [{"a"}, set()], 1), ValueError,
     r"relevant_ids\[1\] must not be empty"),
    ("relevant a string", lambda: M.mrr(RANKED, ["a", "d"]), TypeError, r"relevant_ids\[0\] must be a set of ids"),
    ("k zero", lambda: M.precision_at_k(RANKED, RELEVANT, 0), ValueError, "k must be an integer >= 1, got 0"),
    ("k float", lambda: M.hit_rate_at_k(RANKED, RELEVANT, 2.0), TypeError, "k must be an integer"),
    ("ndcg 1-D", lambda: M.ndcg_at_k([1.0, 0.0], [0.2, 0.1]), ValueError, r"relevance must have 2 dimension\(s\)"),
    ("ndcg one doc", lambda: M.ndcg_at_k([[1.0]], [[0.2]]), ValueError, r"n_docs >= 2"),
    ("ndcg negative grade", lambda: M.ndcg_at_k(-REL, SCORES), ValueError, "relevance must be >= 0"),
    ("ndcg shapes", lambda: M.ndcg_at_k(REL, SCORES[:, :2]), ValueError,
     "relevance and scores must have the same shape"),
    ("ndcg NaN score", lambda: M.dcg_at_k(REL, np.full((2, 3), np.nan)), ValueError, "scores must contain only finite"),
    ("gain unknown", lambda: M.ndcg_at_k(REL, SCORES, gain="log"), ValueError,
     "gain must be 'linear' or 'exponential', got 'log'"),
    ("ndcg ids grade negative", lambda: M.ndcg_at_k_ids(RANKED, [{"a": -1}, {"d": 1}], 2), ValueError,
     r"relevance\[0\]\['a'\] must be >= 0.0"),
    ("ndcg ids not a dict", lambda: M.ndcg_at_k_ids(RANKED, [["a"], {"d": 1}], 2), TypeError,
     r"relevance\[0\] must be a dict"),
    ("rank_ids ids count", lambda: M.rank_ids(SCORES, ids=["x"]), ValueError, "ids must name the 3 columns"),
    # data
    ("features unknown", lambda: M.breast_cancer_scores("best"), ValueError, "features must be one of"),
    ("positive_rate 0", lambda: M.imbalance_report(0.0), ValueError, r"positive_rate must be in \(0.0, 1.0\), got 0.0"),
    ("positive_rate too small", lambda: M.imbalance_report(0.0001), ValueError, "at least 4 positives"),
    ("positive_rate a list", lambda: M.imbalanced_blobs([0.1]), TypeError, "positive_rate must be a real number"),
    ("n too small", lambda: M.imbalanced_blobs(0.5, n=1), ValueError, "n must be an integer >= 2"),
]


@pytest.mark.parametrize("call,exc,match", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_raises_a_clear_error(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
