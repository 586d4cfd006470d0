"""Hand-write-it (手撕) drills: the reader's function checked against a reference.

The harness is :mod:`mlnotes.drills.core`; each topic's checkers and worked solutions live in
``mlnotes/drills/<topic>.py`` and are imported from there (e.g.
``from mlnotes.drills.optim import check_adam_step``).
See chapter: chapters/optimizers.md
"""

from mlnotes.drills.core import Case, CaseResult, Verdict, check

__all__ = ["Case", "CaseResult", "Verdict", "check"]
