"""Decision trees and tree ensembles from scratch: impurity, ID3/C4.5, CART, pruning, categorical splits, bagging,
boosting (AdaBoost, GBDT with K classes, XGBoost), TreeSHAP and target statistics.

See chapters: chapters/trees.md (single trees) and chapters/ensembles.md (ensembles)
"""

from mlnotes.trees.bagging import RandomForestClassifier, RandomForestRegressor, bootstrap_counts
from mlnotes.trees.boosting import AdaBoost, discrete_alpha, log_loss, samme_alpha, sigmoid
from mlnotes.trees.cart import (CARTClassifier, CARTRegressor, check_max_features, check_random_state, estimator_seeds,
                                resolve_max_features)
from mlnotes.trees.categorical import (all_partitions, brute_force_partition_split, category_stats, partition_gain,
                                       sorted_partition_split)
from mlnotes.trees.compare import cart_vs_sklearn, divergent_nodes, divergent_pairs, parting_reasons
from mlnotes.trees.cost import depth_growth, fit_seconds, row_depth_sum, split_work
from mlnotes.trees.experiments import (BV_MODELS, OUTLIER_LOSSES, bias_variance, boosting_curves, criterion_agreement,
                                       onehot_depth, robust_loss_fit)
from mlnotes.trees.gbdt import GBDTClassifier, GBDTRegressor, multiclass_log_loss, softmax
from mlnotes.trees.id3_c45 import C45, ID3, MultiwayNode, best_threshold, error_upper_bound
from mlnotes.trees.impurity import (class_proportions, entropy, gain_ratio, gini, impurity, information_gain,
                                    intrinsic_value, misclassification)
from mlnotes.trees.pruning import cost_complexity_path, prune_tree
from mlnotes.trees.splitter import SklearnFeatureSampler
from mlnotes.trees.target_stats import (apply_target_stats, greedy_target_stats, kfold_target_stats,
                                        leave_one_out_target_stats, ordered_boosting, ordered_target_stats)
from mlnotes.trees.toy import MELON_FEATURES, melons, moons, wave, wave_truth
from mlnotes.trees.tree_arrays import TREE_LEAF, TreeArrays
from mlnotes.trees.treeshap import (brute_force_shap, ensemble_shap, expected_value, path_expectations,
                                    shapley_from_values, tree_shap)
from mlnotes.trees.xgb import XGBoost, XGBTree, leaf_weight, split_gain, structure_score

__all__ = [
    "entropy", "gini", "misclassification", "class_proportions", "impurity", "information_gain",
    "intrinsic_value", "gain_ratio",
    "ID3", "C45", "MultiwayNode", "best_threshold", "error_upper_bound",
    "CARTClassifier", "CARTRegressor", "TreeArrays", "TREE_LEAF", "resolve_max_features", "check_max_features",
    "check_random_state", "estimator_seeds",
    "SklearnFeatureSampler",
    "cost_complexity_path", "prune_tree",
    "category_stats", "partition_gain", "all_partitions", "sorted_partition_split", "brute_force_partition_split",
    "split_work", "row_depth_sum", "depth_growth", "fit_seconds",
    "RandomForestClassifier", "RandomForestRegressor", "bootstrap_counts",
    "AdaBoost", "samme_alpha", "discrete_alpha", "GBDTRegressor", "GBDTClassifier", "sigmoid", "log_loss",
    "softmax", "multiclass_log_loss",
    "XGBTree", "XGBoost", "leaf_weight", "split_gain", "structure_score",
    "path_expectations", "shapley_from_values", "brute_force_shap", "tree_shap", "expected_value", "ensemble_shap",
    "greedy_target_stats", "leave_one_out_target_stats", "kfold_target_stats", "ordered_target_stats",
    "apply_target_stats", "ordered_boosting",
    "boosting_curves", "bias_variance", "BV_MODELS", "cart_vs_sklearn", "divergent_nodes", "divergent_pairs",
    "parting_reasons", "robust_loss_fit", "OUTLIER_LOSSES", "criterion_agreement", "onehot_depth",
    "melons", "MELON_FEATURES", "moons", "wave", "wave_truth",
]
