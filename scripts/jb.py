"""`jupyter-book` with parallel reading: the same CLI, with Sphinx's ``jobs`` set.

``jupyter-book build`` has no ``-j``; its ``build_sphinx`` takes ``jobs`` but the CLI never
passes it. This wrapper sets it (``$MLNOTES_JOBS``, default: the number of cores) and then runs
the unchanged CLI, so every flag (``--all``, ``-W``, ``-n``, ``--path-output``) works as usual.
Chapters execute while they are read (myst-nb's inline mode), so reading in parallel is
executing in parallel. What makes the read parallel-safe lives in ``_ext/mlnotes_site.py``.
"""

from __future__ import annotations

import os
import sys


def jobs() -> int:
    value = os.environ.get("MLNOTES_JOBS", "")
    if not value:
        return max(1, os.cpu_count() or 1)
    if not value.isdigit() or int(value) < 1:
        sys.exit(f"MLNOTES_JOBS must be a positive integer, got {value!r}")
    return int(value)


THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def one_thread_per_chapter() -> None:
    """One BLAS/torch thread per chapter process (BLAS and torch read these at start-up), whatever
    the number of jobs. Two kernels each running two threads on two cores make small matrix
    products many times slower; and a reduction split over threads may round differently, so one
    thread gives a serial and a parallel build the same arithmetic. A variable the user set is
    left alone."""
    for name in THREAD_VARIABLES:
        os.environ.setdefault(name, "1")


def main() -> None:
    one_thread_per_chapter()
    import jupyter_book.cli.main as cli
    import jupyter_book.sphinx as jb_sphinx

    build_sphinx = jb_sphinx.build_sphinx  # the CLI imports it from here when it builds

    def build_sphinx_with_jobs(*args, **kwargs):
        kwargs.setdefault("jobs", jobs())
        return build_sphinx(*args, **kwargs)

    jb_sphinx.build_sphinx = build_sphinx_with_jobs
    cli.main()


if __name__ == "__main__":
    main()
