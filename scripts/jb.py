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


def share_cores(n_jobs: int) -> None:
    """Give each parallel chapter its share of the cores (BLAS and torch read these at start-up):
    two kernels each running two BLAS threads on two cores make small matrix products many times
    slower. A variable the user set is left alone."""
    per_job = max(1, (os.cpu_count() or 1) // n_jobs)
    for name in THREAD_VARIABLES:
        os.environ.setdefault(name, str(per_job))


def main() -> None:
    share_cores(jobs())
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
