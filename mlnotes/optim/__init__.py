"""Optimizers, schedules, clipping and loss landscapes, from scratch in numpy.

See chapter: chapters/optimizers.md
"""

from mlnotes.optim.landscapes import Quadratic, Rosenbrock, Saddle, hessian_eigs, run
from mlnotes.optim.optimizers import SGD, Adagrad, Adam, AdamW, Optimizer, RMSprop
from mlnotes.optim.schedule import clip_grad_norm, minibatches, warmup_cosine_lr, warmup_cosine_schedule

__all__ = [
    "Optimizer", "SGD", "Adagrad", "RMSprop", "Adam", "AdamW",
    "warmup_cosine_lr", "warmup_cosine_schedule", "clip_grad_norm", "minibatches",
    "Quadratic", "Rosenbrock", "Saddle", "hessian_eigs", "run",
]
