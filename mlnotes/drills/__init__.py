"""Hand-write-it (手撕) drills: the reader's function checked against a reference.

See chapter: chapters/optimizers.md
"""

from mlnotes.drills.core import Case, CaseResult, Verdict, check
from mlnotes.drills.optim import adam_step_solution, check_adam_step

__all__ = ["Case", "CaseResult", "Verdict", "check", "adam_step_solution", "check_adam_step"]
