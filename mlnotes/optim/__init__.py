"""Optimizers (with parameter groups), schedules, clipping, loss landscapes, Newton's method and L-BFGS,
from scratch in numpy; the measurements behind the chapter (batch size, memory, implicit bias).

See chapter: chapters/optimizers.md
"""

from mlnotes.optim.groups import decay_param_groups
from mlnotes.optim.landscapes import Quadratic, Rosenbrock, Saddle, hessian_eigs, run
from mlnotes.optim.optimizers import SGD, Adagrad, Adam, AdamW, Optimizer, RMSprop
from mlnotes.optim.schedule import clip_grad_norm, minibatches, warmup_cosine_lr, warmup_cosine_schedule
from mlnotes.optim.second_order import lbfgs, newton

__all__ = [
    "Optimizer", "SGD", "Adagrad", "RMSprop", "Adam", "AdamW",
    "warmup_cosine_lr", "warmup_cosine_schedule", "clip_grad_norm", "minibatches",
    "Quadratic", "Rosenbrock", "Saddle", "hessian_eigs", "run",
    "decay_param_groups", "newton", "lbfgs",
]
