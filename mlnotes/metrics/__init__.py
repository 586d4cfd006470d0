r"""Evaluation metrics (评价指标) from scratch in numpy, each equal to its ``sklearn.metrics`` twin.

* :mod:`~mlnotes.metrics.classification` — confusion matrix, accuracy, precision, recall,
  $F_\beta$ with binary / macro / micro / weighted averages and explicit ``zero_division``;
* :mod:`~mlnotes.metrics.curves` — ROC and PR curves, average precision, and AUC three ways
  (trapezoid, ascending-rank Mann–Whitney formula, P(positive outranks negative));
* :mod:`~mlnotes.metrics.cost` — the expected cost of false alarms and misses, and the
  threshold that minimizes it;
* :mod:`~mlnotes.metrics.ranking` — hit rate@k, MRR (a mean), precision@k, recall@k, DCG/NDCG@k
  for a batch of queries (reused by the RAG chapter);
* :mod:`~mlnotes.metrics.data` — a real classifier's scores (breast cancer) and the
  class-imbalance experiment.

Each module's docstring lists the dtypes its arguments accept (anything else raises
``TypeError``) and the dtypes it returns.

See chapter: chapters/metrics.md
"""

from mlnotes.metrics.classification import (accuracy, confusion_matrix, f1, fbeta, label_counts, precision,
                                            precision_recall_fbeta, recall)
from mlnotes.metrics.cost import expected_cost, min_cost_threshold
from mlnotes.metrics.curves import (auc_monte_carlo, auc_pairs, auc_rank, auc_trapezoid, average_precision,
                                    operating_point, precision_recall_curve, predict_at, rank_average, roc_curve)
from mlnotes.metrics.data import (FEATURE_SETS, ImbalanceReport, breast_cancer_scores, imbalance_report,
                                  imbalance_scores, imbalanced_blobs)
from mlnotes.metrics.ranking import (dcg_at_k, hit_rate_at_k, mrr, mrr_notes_sum, ndcg_at_k, ndcg_at_k_ids,
                                     precision_at_k, rank_ids, recall_at_k, reciprocal_ranks)

__all__ = [
    "confusion_matrix", "accuracy", "label_counts", "precision_recall_fbeta", "precision", "recall", "fbeta", "f1",
    "roc_curve", "precision_recall_curve", "average_precision", "auc_trapezoid", "rank_average", "auc_rank",
    "auc_pairs", "auc_monte_carlo", "predict_at", "operating_point", "expected_cost", "min_cost_threshold",
    "rank_ids", "hit_rate_at_k", "reciprocal_ranks", "mrr", "mrr_notes_sum", "precision_at_k", "recall_at_k",
    "dcg_at_k", "ndcg_at_k", "ndcg_at_k_ids",
    "FEATURE_SETS", "breast_cancer_scores", "imbalanced_blobs", "imbalance_scores", "ImbalanceReport",
    "imbalance_report",
]
