"""scikit-learn's bundled 8×8 digits, read straight from the file that ships inside scikit-learn.

``load_digits_arrays()`` equals ``sklearn.datasets.load_digits()`` (tested) but does not import scikit-learn,
which takes seconds on a busy machine; nothing is downloaded.

See chapter: chapters/cnn.md
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

import numpy as np


@functools.lru_cache(maxsize=1)
def load_digits_arrays() -> tuple[np.ndarray, np.ndarray]:
    """(images (1797, 8, 8) float64 with values 0..16, labels (1797,) int64), read-only arrays."""
    spec = importlib.util.find_spec("sklearn")  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("scikit-learn is not installed: its bundled digits are needed")
    path = Path(spec.submodule_search_locations[0]) / "datasets" / "data" / "digits.csv.gz"
    table = np.loadtxt(path, delimiter=",")  # (1797, 65): 64 pixels, then the label
    images, labels = table[:, :-1].reshape(-1, 8, 8), table[:, -1].astype(np.int64)
    images.setflags(write=False)
    labels.setflags(write=False)
    return images, labels
