r"""Seeding every random number generator a training script uses.

Python's ``random``, numpy's global generator and torch's generators (CPU, and every CUDA device when
there is one) are independent: seeding one leaves the others as they were. A seed of 0 is a seed like any
other, so the test is ``seed is not None``, never ``if seed:`` (the notes' ``shuffle_data``, erratum 5).
Full determinism on a GPU also needs ``torch.use_deterministic_algorithms(True)`` and a seeded generator per
``DataLoader`` worker.

See chapter: chapters/pytorch_practice.md
"""

from __future__ import annotations

import random

import numpy as np

from mlnotes._checks import check_int


def seed_everything(seed) -> int:
    """Seed ``random``, numpy's global generator and torch (CPU and CUDA) with ``seed``; return it.

    ``seed``: an int in [0, 2³² − 1]; 0 is valid. Raises ``TypeError``/``ValueError`` otherwise.
    See chapter: chapters/pytorch_practice.md
    """
    import torch

    seed = check_int("seed", seed, low=0, high=2**32 - 1)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device
    return seed
