"""PyTorch & Python practice: the small tools of the practice appendix, each checked against the library.

* :mod:`~mlnotes.practice.tensors` — broadcasting by hand (equal to ``torch.broadcast_shapes``), storage sharing;
* :mod:`~mlnotes.practice.timing` — a timing decorator with ``functools.wraps``, and the CPU analogue of timing
  asynchronous (GPU) work;
* :mod:`~mlnotes.practice.idioms` — generators, ``*args``/``**kwargs``, mutable default arguments;
* :mod:`~mlnotes.practice.seeding` — seeding random, numpy and torch together;
* :mod:`~mlnotes.practice.precision` — rounding float32 to fewer mantissa bits (TF32, bf16), as a matmul
  precision setting does on hardware that has them.

See chapter: chapters/pytorch_practice.md
"""

from mlnotes.practice.idioms import append_fixed, append_shared_default, batches
from mlnotes.practice.precision import matmul_error, round_mantissa
from mlnotes.practice.seeding import seed_everything
from mlnotes.practice.tensors import broadcast_shape, shares_storage
from mlnotes.practice.timing import launch_and_wait, timed, timed_without_wraps

__all__ = [
    "append_fixed", "append_shared_default", "batches",
    "matmul_error", "round_mantissa",
    "seed_everything",
    "broadcast_shape", "shares_storage",
    "launch_and_wait", "timed", "timed_without_wraps",
]
