"""mlnotes: the executable code behind the mlnotes Jupyter Book.

Every chapter in ``chapters/`` imports this package; nothing is defined in a notebook.
Importing it has no side effects (no seeding, no rcParams changes, no widgets).
"""

__version__ = "0.1.0"
