r"""Normalization (归一化) from scratch in numpy: feature scaling, BatchNorm, LayerNorm, InstanceNorm,
GroupNorm (forward and backward, equal to torch), and the other meanings of "norm".

Every layer computes $y = \gamma\,\dfrac{x-\mu_S}{\sqrt{\sigma_S^2+\epsilon}} + \beta$; they differ in the set
$S$ of values sharing $\mu_S, \sigma_S^2$ for an input $(N, C, H, W)$:
BatchNorm — one channel over $(N, H, W)$; LayerNorm — one sample over $(C, H, W)$;
InstanceNorm — one $(n, c)$ over $(H, W)$; GroupNorm — one sample over a group of $C/G$ channels and $(H, W)$.
RMSNorm (LLaMA's) is LayerNorm without the mean and without $\beta$: $y = \gamma\,x/\sqrt{\overline{x^2}+\epsilon}$.

Every public function keeps the floating dtype of its data (float32 in → float32 out, computed in
float32 like torch's float32 kernels; integers → float64); see :mod:`mlnotes.norms.core`.

See chapter: chapters/normalization.md
"""

from mlnotes.norms.batchnorm import BatchNorm, batch_norm, batch_norm_backward
from mlnotes.norms.experiments import (BATCH_SIZES, batch_stat_error, bn_train_eval_gap, ema_noise, ema_update,
                                       identity_affine_params, padding_pollution, running_mean_trajectory,
                                       statistic_sets)
from mlnotes.norms.layers import (group_norm, group_norm_backward, instance_norm, instance_norm_backward, layer_norm,
                                  layer_norm_backward)
from mlnotes.norms.rms import rms_norm, rms_norm_backward
from mlnotes.norms.scaling import (SCALINGS, GDRun, gd_linear_regression, min_max_scale, scaling_data,
                                   scaling_gd_runs, standardize)
from mlnotes.norms.vector import l1_penalty, l2_normalize, l2_penalty, vector_norm

__all__ = [
    "min_max_scale", "standardize", "scaling_data", "gd_linear_regression", "scaling_gd_runs", "GDRun", "SCALINGS",
    "batch_norm", "batch_norm_backward", "BatchNorm",
    "layer_norm", "layer_norm_backward", "instance_norm", "instance_norm_backward", "group_norm",
    "group_norm_backward", "rms_norm", "rms_norm_backward",
    "ema_update", "running_mean_trajectory", "ema_noise", "batch_stat_error", "bn_train_eval_gap", "BATCH_SIZES",
    "identity_affine_params", "padding_pollution", "statistic_sets",
    "vector_norm", "l2_normalize", "l1_penalty", "l2_penalty",
]
