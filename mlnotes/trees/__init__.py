"""Decision trees and tree ensembles from scratch: impurity, ID3/C4.5, CART, pruning, bagging, boosting, XGBoost.

See chapter: chapters/trees.md
"""

from mlnotes.trees.bagging import RandomForestClassifier, RandomForestRegressor, bootstrap_counts
from mlnotes.trees.boosting import (AdaBoost, GBDTClassifier, GBDTRegressor, discrete_alpha, log_loss, samme_alpha,
                                    sigmoid)
from mlnotes.trees.cart import (CARTClassifier, CARTRegressor, check_max_features, check_random_state, estimator_seeds,
                                resolve_max_features)
from mlnotes.trees.experiments import (BV_MODELS, OUTLIER_LOSSES, bias_variance, boosting_curves, cart_vs_sklearn,
                                      criterion_agreement, divergent_nodes, onehot_depth, robust_loss_fit)
from mlnotes.trees.id3_c45 import C45, ID3, MultiwayNode, best_threshold, error_upper_bound
from mlnotes.trees.impurity import (class_proportions, entropy, gain_ratio, gini, impurity, information_gain,
                                    intrinsic_value, misclassification)
from mlnotes.trees.pruning import cost_complexity_path, prune_tree
from mlnotes.trees.splitter import SklearnFeatureSampler
from mlnotes.trees.toy import MELON_FEATURES, melons, moons, wave, wave_truth
from mlnotes.trees.tree_arrays import TREE_LEAF, TreeArrays
from mlnotes.trees.xgb import XGBoost, XGBTree, leaf_weight, split_gain, structure_score

__all__ = [
    "entropy", "gini", "misclassification", "class_proportions", "impurity", "information_gain",
    "intrinsic_value", "gain_ratio",
    "ID3", "C45", "MultiwayNode", "best_threshold", "error_upper_bound",
    "CARTClassifier", "CARTRegressor", "TreeArrays", "TREE_LEAF", "resolve_max_features", "check_max_features",
    "check_random_state", "estimator_seeds",
    "SklearnFeatureSampler",
    "cost_complexity_path", "prune_tree",
    "RandomForestClassifier", "RandomForestRegressor", "bootstrap_counts",
    "AdaBoost", "samme_alpha", "discrete_alpha", "GBDTRegressor", "GBDTClassifier", "sigmoid", "log_loss",
    "XGBTree", "XGBoost", "leaf_weight", "split_gain", "structure_score",
    "boosting_curves", "bias_variance", "BV_MODELS", "cart_vs_sklearn", "divergent_nodes",
    "robust_loss_fit", "OUTLIER_LOSSES", "criterion_agreement", "onehot_depth",
    "melons", "MELON_FEATURES", "moons", "wave", "wave_truth",
]
