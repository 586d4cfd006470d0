r"""Losses (损失函数) and information theory (信息论) from scratch in numpy, each with its gradient.

Regression (:mod:`~mlnotes.losses.regression`), binary (:mod:`~mlnotes.losses.binary`) and multi-class
(:mod:`~mlnotes.losses.classification`) classification,
information theory (:mod:`~mlnotes.losses.information`), contrastive (:mod:`~mlnotes.losses.contrastive`),
the stable kernels they share (:mod:`~mlnotes.losses.stable`), the untrained language model's
initial loss (:mod:`~mlnotes.losses.initial_loss`) and the notes' mistakes (:mod:`~mlnotes.losses.errata`).

See chapter: chapters/losses.md
"""

from mlnotes.losses.binary import (binary_cross_entropy, binary_cross_entropy_grad, binary_cross_entropy_with_logits,
                                   binary_cross_entropy_with_logits_grad, hinge_loss, hinge_loss_grad, soft_margin_loss,
                                   soft_margin_loss_grad)
from mlnotes.losses.classification import (cross_entropy, cross_entropy_grad, multi_margin_loss, multi_margin_loss_grad,
                                           nll_loss, nll_loss_grad)
from mlnotes.losses.contrastive import info_nce, info_nce_grad
from mlnotes.losses.information import (cross_entropy_dist, entropy, kl_div, kl_div_grad, kl_divergence, kl_normal,
                                        kl_normal_mc)
from mlnotes.losses.regression import (huber_loss, huber_loss_grad, l1_loss, l1_loss_grad, mse_loss, mse_loss_grad,
                                       smooth_l1_loss, smooth_l1_loss_grad)
from mlnotes.losses.stable import log_sigmoid, log_softmax, logsumexp, softplus

__all__ = [
    "mse_loss", "mse_loss_grad", "l1_loss", "l1_loss_grad", "huber_loss", "huber_loss_grad", "smooth_l1_loss",
    "smooth_l1_loss_grad",
    "binary_cross_entropy", "binary_cross_entropy_grad", "binary_cross_entropy_with_logits",
    "binary_cross_entropy_with_logits_grad", "soft_margin_loss", "soft_margin_loss_grad", "hinge_loss",
    "hinge_loss_grad", "multi_margin_loss", "multi_margin_loss_grad", "cross_entropy", "cross_entropy_grad",
    "nll_loss", "nll_loss_grad",
    "entropy", "cross_entropy_dist", "kl_divergence", "kl_div", "kl_div_grad", "kl_normal", "kl_normal_mc",
    "info_nce", "info_nce_grad",
    "logsumexp", "log_softmax", "softplus", "log_sigmoid",
]
