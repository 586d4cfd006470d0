r"""``model.eval()`` and ``torch.no_grad()`` switch different things, and neither implies the other.

* ``model.train()`` / ``model.eval()`` set ``module.training``: Dropout drops only in training, BatchNorm uses
  and updates batch statistics only in training (in eval it uses its running statistics).
* ``torch.no_grad()`` (and ``torch.inference_mode()``) stop autograd from recording the graph: outputs have
  ``requires_grad=False``, and no activations are kept for a backward pass. Layers behave as before.

So evaluation wants both: ``model.eval()`` for the layers, ``no_grad`` for the memory.

See chapter: chapters/pytorch_practice.md
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ModeEffect:
    """What one (mode, grad) combination does to a Linear → BatchNorm1d → Dropout model."""

    mode: str  # "train" or "eval"
    grad: str  # "enabled" or "no_grad"
    dropout_random: bool  # two forward passes on the same input differ
    running_stats_updated: bool  # BatchNorm's running_mean moved
    output_requires_grad: bool  # a graph was recorded


def mode_effects(seed: int = 0) -> list[ModeEffect]:
    """Run the model in each of the four combinations of train/eval and grad/no_grad and report the effects.

    Each combination starts from the same freshly seeded model; float32. See chapter: chapters/pytorch_practice.md
    """
    import torch

    out = []
    for mode in ("train", "eval"):
        for grad in ("enabled", "no_grad"):
            torch.manual_seed(seed)
            model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.BatchNorm1d(8), torch.nn.Dropout(0.5))
            model.train(mode == "train")
            x = torch.randn(16, 4)
            before = model[1].running_mean.clone()
            with torch.set_grad_enabled(grad == "enabled"):
                first, second = model(x), model(x)
            out.append(ModeEffect(mode, grad, not torch.equal(first, second),
                                  not torch.equal(before, model[1].running_mean), first.requires_grad))
    return out
