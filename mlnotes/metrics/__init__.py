r"""Evaluation metrics (评价指标) from scratch in numpy, each equal to its ``sklearn.metrics`` twin.

* :mod:`~mlnotes.metrics.classification` — confusion matrix (weights, ``normalize``), accuracy,
  per-label counts and the multilabel confusion matrix;
* :mod:`~mlnotes.metrics.prf` — precision, recall, $F_\beta$ with binary / macro / micro /
  weighted / samples averages, ``pos_label``, ``sample_weight``, multilabel indicators and an
  explicit ``zero_division``;
* :mod:`~mlnotes.metrics.curves` — ROC and PR curves (``pos_label``, ``sample_weight``), and AUC
  three ways (trapezoid, ascending-rank Mann–Whitney formula, P(positive outranks negative));
* :mod:`~mlnotes.metrics.averaging` — ROC AUC (partial AUC ``max_fpr``, one-vs-rest, one-vs-one,
  multilabel) and average precision for any target;
* :mod:`~mlnotes.metrics.calibration` — log loss, Brier score, the reliability diagram and ECE;
* :mod:`~mlnotes.metrics.bootstrap` — percentile bootstrap confidence intervals of any metric;
* :mod:`~mlnotes.metrics.cost` — the expected cost of false alarms and misses, and the
  threshold that minimizes it;
* :mod:`~mlnotes.metrics.ranking` — hit rate@k, MRR (a mean), precision@k, recall@k, MAP@k, DCG/NDCG@k
  for a batch of queries (reused by the RAG chapter);
* :mod:`~mlnotes.metrics.regression` — MAE, MSE, RMSE, R², MAPE;
* :mod:`~mlnotes.metrics.data` and :mod:`~mlnotes.metrics.examples` — real classifiers' scores
  and probabilities (breast cancer, imbalanced blobs, calibration, multi-class, regression).

Each module's docstring lists the dtypes its arguments accept (anything else raises
``TypeError``) and the dtypes it returns.

See chapters: chapters/metrics.md, chapters/metrics_ranking.md
"""

from mlnotes.metrics.averaging import average_precision, roc_auc
from mlnotes.metrics.bootstrap import BootstrapResult, bootstrap_auc, bootstrap_ci
from mlnotes.metrics.calibration import (ReliabilityBins, brier_score, calibration_curve, expected_calibration_error,
                                         log_loss, reliability_bins)
from mlnotes.metrics.classification import accuracy, confusion_matrix, label_counts, multilabel_confusion_matrix
from mlnotes.metrics.cost import expected_cost, min_cost_threshold
from mlnotes.metrics.curves import (auc_monte_carlo, auc_pairs, auc_rank, auc_trapezoid, operating_point,
                                    precision_recall_curve, predict_at, rank_average, roc_curve)
from mlnotes.metrics.examples import (CALIBRATION_MODELS, binormal_auc, binormal_scores, calibration_logits,
                                      diabetes_predictions, wine_probabilities, with_temperature)
from mlnotes.metrics.data import (FEATURE_SETS, ImbalanceReport, breast_cancer_scores, imbalance_report,
                                  imbalance_scores, imbalanced_blobs)
from mlnotes.metrics.prf import f1, fbeta, precision, precision_recall_fbeta, recall
from mlnotes.metrics.ranking import (average_precisions, dcg_at_k, hit_rate_at_k, map_at_k, mrr, mrr_notes_sum,
                                     ndcg_at_k, ndcg_at_k_ids, precision_at_k, rank_ids, recall_at_k,
                                     reciprocal_ranks)
from mlnotes.metrics.regression import mae, mape, mse, r2, rmse

__all__ = [
    "confusion_matrix", "multilabel_confusion_matrix", "accuracy", "label_counts", "precision_recall_fbeta",
    "precision", "recall", "fbeta", "f1",
    "roc_curve", "precision_recall_curve", "average_precision", "roc_auc", "auc_trapezoid", "rank_average",
    "auc_rank", "auc_pairs", "auc_monte_carlo", "predict_at", "operating_point", "expected_cost", "min_cost_threshold",
    "log_loss", "brier_score", "calibration_curve", "reliability_bins", "ReliabilityBins",
    "expected_calibration_error", "bootstrap_ci", "bootstrap_auc", "BootstrapResult",
    "rank_ids", "hit_rate_at_k", "reciprocal_ranks", "mrr", "mrr_notes_sum", "precision_at_k", "recall_at_k",
    "average_precisions", "map_at_k",
    "dcg_at_k", "ndcg_at_k", "ndcg_at_k_ids", "mae", "mse", "rmse", "r2", "mape",
    "FEATURE_SETS", "breast_cancer_scores", "imbalanced_blobs", "imbalance_scores", "ImbalanceReport",
    "imbalance_report", "CALIBRATION_MODELS", "calibration_logits", "with_temperature", "wine_probabilities",
    "binormal_scores", "binormal_auc", "diabetes_predictions",
]
