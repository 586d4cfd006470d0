"""Support vector machines from scratch: kernels, the SMO dual solver, a kernel SVC, the hinge-loss primal.

See chapter: chapters/svm.md
"""

from mlnotes.svm.data import blobs, moons, outlier_point
from mlnotes.svm.kernels import (KERNELS, kernel_matrix, linear_kernel, polynomial_feature_map, polynomial_kernel,
                                 rbf_feature_map_1d, rbf_kernel, squared_distances)
from mlnotes.svm.primal import SubgradientFit, fit_hinge_subgradient, hinge_loss, hinge_subgradient_step, svm_objective
from mlnotes.svm.smo import SMOResult, smo_solve
from mlnotes.svm.svc import SVC

__all__ = [
    "KERNELS", "kernel_matrix", "linear_kernel", "polynomial_kernel", "rbf_kernel", "squared_distances",
    "polynomial_feature_map", "rbf_feature_map_1d",
    "SMOResult", "smo_solve", "SVC",
    "hinge_loss", "svm_objective", "hinge_subgradient_step", "fit_hinge_subgradient", "SubgradientFit",
    "blobs", "moons", "outlier_point",
]
