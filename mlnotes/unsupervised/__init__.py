"""Unsupervised learning from scratch: k-means and k-means++, DBSCAN, PCA (eigen and SVD), SVD low rank, EM for a GMM.

See chapter: chapters/unsupervised.md
"""

from mlnotes.unsupervised.data import DATASETS, dataset
from mlnotes.unsupervised.dbscan import dbscan, same_partition
from mlnotes.unsupervised.errata import NOTES_COMMENT_LINE, kmeans_as_in_notes, reconstruct, svd_from_eigh
from mlnotes.unsupervised.gmm import GMMResult, e_step, gmm_em, log_gaussian, m_step
from mlnotes.unsupervised.kmeans import KMeans, LloydResult, assign, kmeans_plusplus, lloyd, update
from mlnotes.unsupervised.pca import PCAResult, align_signs, low_rank, pca_eig, pca_svd, sample_image
from mlnotes.unsupervised.selection import silhouette_samples, silhouette_score

__all__ = [
    "KMeans", "LloydResult", "lloyd", "assign", "update", "kmeans_plusplus",
    "dbscan", "same_partition",
    "PCAResult", "pca_eig", "pca_svd", "align_signs", "low_rank", "sample_image",
    "GMMResult", "gmm_em", "e_step", "m_step", "log_gaussian",
    "silhouette_samples", "silhouette_score",
    "NOTES_COMMENT_LINE", "kmeans_as_in_notes", "svd_from_eigh", "reconstruct",
    "DATASETS", "dataset",
]
