"""Bad input to mlnotes.practice raises an error that names the argument and the expected form."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from mlnotes.practice import batches, broadcast_shape, launch_and_wait, matmul_error, round_mantissa, seed_everything
from mlnotes.practice import shares_storage, timed, timed_without_wraps

CASES = [
    ("shape not a sequence", lambda: broadcast_shape(3), TypeError, r"shapes\[0\] must be a sequence of ints"),
    ("negative size", lambda: broadcast_shape((2, -1)), ValueError, "must hold non-negative ints"),
    ("float size", lambda: broadcast_shape((2.0,)), ValueError, "must hold non-negative ints"),
    ("incompatible", lambda: broadcast_shape((3, 2), (3,)), ValueError, "size 2 vs 3 at axis -1"),
    ("not tensors", lambda: shares_storage(np.zeros(2), torch.zeros(2)), TypeError, "must be torch tensors"),
    ("integer input", lambda: round_mantissa(np.arange(3), 7), TypeError, "x must be a floating array"),
    ("bits too large", lambda: round_mantissa(np.ones(2), 24), ValueError, r"bits must be an integer in \[0, 23\]"),
    ("bits not int", lambda: round_mantissa(np.ones(2), 7.0), TypeError, "bits must be an integer"),
    ("matmul shapes", lambda: matmul_error(np.ones((2, 3)), np.ones((2, 3)), 7), ValueError, r"\(n, k\) and \(k, m\)"),
    ("timed non-callable", lambda: timed(3), TypeError, "fn must be callable"),
    ("bare non-callable", lambda: timed_without_wraps("f"), TypeError, "fn must be callable"),
    ("work non-callable", lambda: launch_and_wait(None), TypeError, "work must be callable"),
    ("batch size 0", lambda: batches(np.ones((4, 2)), np.ones(4), 0), ValueError, "batch_size must be an integer >= 1"),
    ("rows differ", lambda: batches(np.ones((4, 2)), np.ones(3), 2), ValueError, "same number of rows"),
    ("seed negative", lambda: seed_everything(-1), ValueError, "seed must be an integer"),
    ("seed bool", lambda: seed_everything(True), TypeError, "seed must be an integer"),
    ("seed float", lambda: seed_everything(0.0), TypeError, "seed must be an integer"),
]


@pytest.mark.parametrize("name, call, error, match", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_named(name, call, error, match):
    with pytest.raises(error, match=match):
        call()
