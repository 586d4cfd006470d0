r"""Three Python idioms an interviewer checks: generators, argument forwarding, mutable defaults.

* A **generator** function contains ``yield``; calling it runs nothing and returns an iterator that computes
  one item per ``next``. It can be consumed once.
* ``*args`` collects extra positional arguments into a tuple, ``**kwargs`` extra keyword arguments into a dict;
  in a call, ``f(*args, **kwargs)`` spreads them again.
* A **default argument** is evaluated once, when ``def`` runs. A mutable default (``acc=[]``) is therefore
  shared by every call that does not pass the argument.

See chapter: chapters/pytorch_practice.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_int


def batches(X, y, batch_size, *, shuffle_seed=None):
    """Yield ``(X_batch, y_batch)`` mini-batches of ``batch_size`` rows (the last may be smaller), lazily.

    ``shuffle_seed``: None keeps the order, an int shuffles with a local generator. X (n, ...), y (n, ...).
    Raises ``ValueError`` for mismatched lengths or ``batch_size < 1`` (at the call, not at the first ``next``).
    See chapter: chapters/pytorch_practice.md
    """
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim == 0 or X.shape[:1] != y.shape[:1]:
        raise ValueError(f"X and y must have the same number of rows, got shapes {X.shape} and {y.shape}")
    batch_size = check_int("batch_size", batch_size, low=1)
    order = np.arange(len(X)) if shuffle_seed is None else np.random.default_rng(shuffle_seed).permutation(len(X))
    return _batches(X, y, order, batch_size)


def _batches(X, y, order, batch_size):
    for start in range(0, len(order), batch_size):
        rows = order[start:start + batch_size]
        yield X[rows], y[rows]


def append_shared_default(x, acc=[]):  # noqa: B006 - the trap, on purpose
    """The trap: append ``x`` to ``acc`` and return it; the default list is shared by every call.

    See chapter: chapters/pytorch_practice.md
    """
    acc.append(x)
    return acc


def append_fixed(x, acc=None):
    """The fix: a new list per call unless one is passed. See chapter: chapters/pytorch_practice.md"""
    acc = [] if acc is None else acc
    acc.append(x)
    return acc
