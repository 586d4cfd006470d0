"""Regularization from scratch: lasso / elastic net by coordinate descent, ridge paths, priors, dropout,
the bias–variance decomposition and the training experiments.

See chapter: chapters/regularization.md
"""

from mlnotes.regularization.dropout_layer import dropout, dropout_backward, dropout_mask, dropout_original
from mlnotes.regularization.l1 import alpha_max, lasso, lasso_path, soft_threshold
from mlnotes.regularization.ridge import ridge_path

__all__ = ["dropout", "dropout_backward", "dropout_mask", "dropout_original",
           "soft_threshold", "alpha_max", "lasso", "lasso_path", "ridge_path"]
