r"""Drills: hand-write binary AUC and binary F1, checked against ``sklearn.metrics``.

**AUC.** ``fn(y_true, y_score) -> float`` with $y \in \{0, 1\}$. With $M$ positives, $N$
negatives and ranks $r_i$ in ascending score order (ties share their average rank),
$$\mathrm{AUC} = \frac{\sum_{i:\,y_i=1} r_i - M(M+1)/2}{MN}
= \Pr(s^+ > s^-) + \tfrac12\Pr(s^+ = s^-).$$
Reference: ``sklearn.metrics.roc_auc_score``; in the browser (Pyodide) ``mlnotes.metrics.roc_auc``,
proven equal in tests/test_metrics_averaging.py (and here, bit for bit, in
tests/test_drills_metrics.py). Cases include tied scores, all-equal scores
(AUC = 0.5), a single positive and a single negative. If ``y_true`` holds only one class
there is no positive–negative pair and AUC is undefined: the checker expects ``fn`` to
**raise ValueError** (sklearn 1.9 instead warns and returns NaN; this book never returns a
silent NaN), and accepts no number, NaN included.

**F1.** ``fn(y_true, y_pred) -> float`` for the positive class 1:
$F_1 = \frac{2PR}{P+R} = \frac{2\,TP}{2\,TP + FP + FN}$, and $0.0$ when $TP + FP + FN = 0$
(nothing positive anywhere). Reference: ``sklearn.metrics.f1_score`` with its default
value for $0/0$, which is 0.0; in the browser ``mlnotes.metrics.f1`` (same ``zero_division=0.0``),
proven equal in tests/test_metrics.py (and here in tests/test_drills_metrics.py). With no predicted
positives $P$ is $0/0$ but $F_1 = 0$: the count form needs no special case there; the $PR$ form does.

See chapter: chapters/metrics.md
"""

from __future__ import annotations

import functools
import warnings
from numbers import Real

import numpy as np

from mlnotes.drills.core import CaseResult, Verdict, call_reader, check_outputs, fmt, oracle

RTOL, ATOL = 1e-9, 1e-12


def auc_solution(y_true, y_score):
    """Binary ROC AUC by the rank formula (ascending ranks, ties averaged); one class: ValueError."""
    y_true = np.asarray(y_true)
    y_score = np.asarray(y_score, dtype=float)
    m = int(np.sum(y_true == 1))  # positives
    n = len(y_true) - m  # negatives
    if m == 0 or n == 0:
        raise ValueError("AUC needs both classes in y_true")
    _, inverse, counts = np.unique(y_score, return_inverse=True, return_counts=True)
    first = np.cumsum(counts) - counts  # ranks before each distinct score
    ranks = (first + (counts + 1) / 2)[inverse]  # each tie block's average rank; lowest = 1
    return float((ranks[y_true == 1].sum() - m * (m + 1) / 2) / (m * n))


def f1_solution(y_true, y_pred):
    """Binary F1 of class 1 from counts, 2TP / (2TP + FP + FN), and 0.0 when that is 0/0."""
    y_true = np.asarray(y_true) == 1
    y_pred = np.asarray(y_pred) == 1
    tp = int(np.sum(y_true & y_pred))
    fp = int(np.sum(~y_true & y_pred))
    fn = int(np.sum(y_true & ~y_pred))
    denom = 2 * tp + fp + fn
    return 2 * tp / denom if denom else 0.0


# -- cases ------------------------------------------------------------------------------------
def _i64(labels) -> np.ndarray:
    """Integer labels as int64 everywhere: numpy's default integer is int32 in the browser (wasm32), and the
    verdicts print the inputs' dtypes."""
    return np.asarray(labels, dtype=np.int64)


def auc_cases() -> list:
    """Named (case name, y_true, y_score) inputs of the AUC drill; None scores mean "must raise"."""
    rng = np.random.default_rng(2024)
    y_small = rng.integers(0, 2, 20)
    y_big = (rng.random(500) < 0.3).astype(np.int64)
    y_tied = _i64(np.tile([0, 1, 1, 0, 1], 6))
    return [
        ("random, 20 samples", y_small, rng.standard_normal(20) + y_small),
        ("random, 500 samples, 30% positives", y_big, rng.random(500) + 0.3 * y_big),
        ("tied scores (integers 0-3): ties must count ½", y_tied, rng.integers(0, 4, 30).astype(float)),
        ("all scores equal: AUC must be 0.5", _i64([0, 1, 0, 1, 1, 0, 0]), np.full(7, 0.3)),
        ("a single positive", _i64([0, 0, 1, 0, 0, 0]), np.array([0.1, 0.5, 0.4, 0.2, 0.9, 0.3])),
        ("a single negative", _i64([1, 1, 0, 1]), np.array([0.8, 0.3, 0.5, 0.9])),
        ("perfect ranking: AUC = 1", _i64([0, 0, 0, 1, 1]), np.array([0.1, 0.2, 0.3, 0.8, 0.9])),
        ("reversed ranking: AUC = 0", _i64([1, 1, 0, 0, 0]), np.array([0.1, 0.2, 0.3, 0.8, 0.9])),
        ("negative scores (logits), unsorted", _i64([1, 0, 1, 0, 0, 1]),
         np.array([-0.5, -3.0, 2.0, 0.1, -0.5, -1.0])),
        ("boolean y_true", np.array([True, False, True, False, False]), np.array([0.7, 0.1, 0.4, 0.4, 0.9])),
        ("only one class in y_true: AUC is undefined, must raise ValueError", np.ones(5, dtype=np.int64),
         np.array([0.1, 0.4, 0.2, 0.8, 0.5])),
    ]


def f1_cases() -> list:
    """Named (case name, y_true, y_pred) inputs of the F1 drill."""
    rng = np.random.default_rng(7)
    y_big = (rng.random(1000) < 0.1).astype(np.int64)
    noisy = np.where(rng.random(1000) < 0.15, 1 - y_big, y_big)
    return [
        ("random, 30 samples", rng.integers(0, 2, 30), rng.integers(0, 2, 30)),
        ("1000 samples, 10% positives", y_big, noisy),
        ("perfect predictions: F1 = 1", _i64([0, 1, 1, 0, 1]), _i64([0, 1, 1, 0, 1])),
        ("every prediction wrong: F1 = 0", _i64([0, 1, 1, 0, 1]), _i64([1, 0, 0, 1, 0])),
        ("no predicted positives (precision is 0/0): F1 = 0", _i64([0, 1, 1, 0, 0]), np.zeros(5, dtype=np.int64)),
        ("no positives in y_true (recall is 0/0): F1 = 0", np.zeros(5, dtype=np.int64), _i64([0, 1, 0, 0, 1])),
        ("all negative, predicted all negative (0/0): F1 = 0.0 as sklearn", np.zeros(6, dtype=np.int64),
         np.zeros(6, dtype=np.int64)),
        ("all positive, predicted all positive: F1 = 1", np.ones(4, dtype=np.int64), np.ones(4, dtype=np.int64)),
        ("boolean arrays", np.array([True, False, True, True]), np.array([True, True, False, True])),
    ]


def _reference_auc(y_true, y_score, which="library"):
    """ROC AUC by sklearn (oracle "library") or mlnotes.metrics ("mlnotes"), or None when y_true holds one class."""
    if len(np.unique(y_true)) < 2:
        return None
    if which == "library":
        from sklearn.metrics import roc_auc_score

        return float(roc_auc_score(y_true, y_score))
    from mlnotes.metrics.averaging import roc_auc

    return float(roc_auc(y_true, y_score))


def _reference_f1(y_true, y_pred, which="library"):
    """Binary F1 with 0.0 for 0/0 (sklearn's default, asked for explicitly: no warning), by sklearn or mlnotes."""
    if which == "library":
        from sklearn.metrics import f1_score

        return float(f1_score(y_true, y_pred, zero_division=0.0))
    from mlnotes.metrics.prf import f1

    return float(f1(y_true, y_pred, zero_division=0.0))


@functools.lru_cache(maxsize=2)
def _auc_expected(which: str) -> tuple:
    """Expected AUC of every case under the oracle ``which`` (the cache key: never the other oracle's values)."""
    return tuple(_reference_auc(t, s, which) for _, t, s in auc_cases())


@functools.lru_cache(maxsize=2)
def _f1_expected(which: str) -> tuple:
    """Expected F1 of every case under the oracle ``which``."""
    return tuple(_reference_f1(t, p, which) for _, t, p in f1_cases())


# -- running the reader's code ------------------------------------------------------------------
def _call_quietly(fn, *args):
    """call_reader with numpy and Python warnings silenced (a 0/0 is judged by its result)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return call_reader(fn, *args)


def _as_scalar(got):
    """A size-1 array becomes a 0-d array; anything else is left for check_outputs to judge."""
    if isinstance(got, np.ndarray) and got.size == 1:
        return got.reshape(())
    return got


def _run(fn, name, arrays, names, expected, hint) -> CaseResult:
    """One case: copy inputs, call, detect mutation, compare a scalar; ``expected`` None means must raise."""
    args = tuple(a.copy() for a in arrays)
    where = f"[inputs: {', '.join(f'{n} {a.shape} {a.dtype}' for n, a in zip(names, arrays))}]"
    got, error = _call_quietly(fn, *args)
    if any(not np.array_equal(a, b) for a, b in zip(arrays, args)):
        return CaseResult(name, False, f"modified its input(s) in place (e.g. sorted them); work on copies. {where}")
    if expected is None:
        if error is not None and error.startswith("raised ValueError"):
            return CaseResult(name, True)
        if error is not None:
            return CaseResult(name, False, f"{error}. With one class there is no positive–negative pair, so AUC "
                                           f"is undefined: raise ValueError explicitly. {where}")
        return CaseResult(name, False, f"returned {fmt(got)}; with one class AUC is undefined (no positive–negative "
                                       "pair): raise ValueError instead of returning a number (sklearn 1.9 warns and "
                                       f"returns NaN; this book never returns a silent NaN). {where}")
    if error is not None:
        return CaseResult(name, False, f"{error} {where}")
    got = _as_scalar(got)
    if not (isinstance(got, (Real, np.floating, np.integer)) or (isinstance(got, np.ndarray) and got.shape == ())):
        return CaseResult(name, False, f"should return one number (a float), got {type(got).__name__} {fmt(got)}. "
                                       f"{where}")
    msg, abs_err, rel_err = check_outputs(got, (np.float64(expected),), ("the result",),
                                          rtol=RTOL, atol=ATOL)
    if msg is not None:
        try:
            msg += hint(got, arrays)
        except Exception:  # noqa: BLE001 - a hint is optional; never crash the checker
            pass
        return CaseResult(name, False, f"{msg} {where}", abs_err, rel_err)
    return CaseResult(name, True, "", abs_err, rel_err)


def _scalar_nan(got) -> bool:
    """True if the reader's output is a single NaN or inf."""
    try:
        return not bool(np.isfinite(float(np.asarray(got, dtype=float).reshape(()))))
    except Exception:  # noqa: BLE001
        return False


def _close(got, value) -> bool:
    """True if the reader's output is a finite scalar equal to ``value``."""
    try:
        g = float(np.asarray(got, dtype=float).reshape(()))
    except Exception:  # noqa: BLE001 - anything not a scalar simply does not match
        return False
    return bool(np.isfinite(g) and np.isclose(g, value, rtol=1e-9, atol=1e-12))


# -- hints --------------------------------------------------------------------------------------
def _auc_variants(t, s) -> list:
    """(value, hint) of common wrong AUCs on these inputs."""
    t = np.asarray(t) == 1
    pos, neg = s[t], s[~t]
    m, n = len(pos), len(neg)
    right = auc_solution(t.astype(int), s)
    ordinal = np.empty(len(s))
    ordinal[np.argsort(s, kind="stable")] = np.arange(1, len(s) + 1)  # ties broken by position, not averaged
    strict = float(np.mean(pos[:, None] > neg[None, :]))
    loose = float(np.mean(pos[:, None] >= neg[None, :]))
    return [
        (1.0 - right, "Likely bug: ranks in descending order (highest score = rank 1) give 1 − AUC (the notes' "
                      "erratum 14). Rank in ascending order: lowest score = rank 1."),
        ((ordinal[t].sum() - m * (m + 1) / 2) / (m * n), "Likely bug: tied scores got distinct ranks. Give every "
                                                        "score in a tie block their average rank."),
        (strict, "Likely bug: a tied (positive, negative) pair counts 0; it must count ½."),
        (loose, "Likely bug: a tied (positive, negative) pair counts 1; it must count ½."),
        (right * m * n, "Likely bug: the result is not divided by M·N (number of positive–negative pairs)."),
    ]


def _auc_hint(got, arrays) -> str:
    """Name the common mistake that reproduces the reader's AUC, if one does."""
    t, s = arrays
    if _scalar_nan(got):
        return " AUC is a number in [0, 1] whenever both classes occur; all-equal scores give 0.5, not 0/0."
    right = auc_solution(np.asarray(t == 1, dtype=int), s)
    for value, hint in _auc_variants(t, s):
        if not np.isclose(value, right) and _close(got, value):
            return " " + hint
    return ""


def _f1_hint(got, arrays) -> str:
    """Name the common mistake that reproduces the reader's F1, if one does."""
    t, p = (np.asarray(a) == 1 for a in arrays)
    tp, fp, fn = int(np.sum(t & p)), int(np.sum(~t & p)), int(np.sum(t & ~p))
    if _scalar_nan(got):
        return (" Likely bug: 0/0. Precision is 0/0 with no predicted positives, recall with no true positives, "
                "and 2PR/(P+R) with P = R = 0. Use F1 = 2TP / (2TP + FP + FN), and 0.0 when that denominator "
                "is 0, as sklearn does.")
    right = f1_solution(t, p)
    variants = [  # the 0/0 case first: there accuracy is 1.0 too
        ((2 * tp / (2 * tp + fp + fn) if 2 * tp + fp + fn else 1.0),
         "0/0 (nothing positive anywhere) must give 0.0, sklearn's default, not 1.0."),
        (float(np.mean(t == p)), "that is accuracy, not F1."),
        (tp / (tp + fp) if tp + fp else 0.0, "that is precision TP/(TP+FP); F1 also needs recall."),
        (tp / (tp + fn) if tp + fn else 0.0, "that is recall TP/(TP+FN); F1 also needs precision."),
        (f1_solution(~t, ~p), "that is the F1 of class 0; score class 1 as the positive class."),
        ((right + f1_solution(~t, ~p)) / 2, "that is macro F1 (mean over both classes); binary F1 scores class 1."),
    ]
    for value, hint in variants:
        if not np.isclose(value, right) and _close(got, value):
            return " Likely bug: " + hint
    return ""


def check_auc(fn) -> Verdict:
    """Check a reader's ``fn(y_true, y_score) -> float`` against sklearn's roc_auc_score on 11 cases.

    Reference: ``sklearn.metrics.roc_auc_score`` (float64); in the browser (Pyodide)
    ``mlnotes.metrics.roc_auc``, proven equal in tests/test_metrics_averaging.py.
    One-class input must raise ValueError. Never raises because of ``fn``. See chapter: chapters/metrics.md
    """
    drill = "ROC AUC"
    if not callable(fn):
        return Verdict(drill, (CaseResult("(setup)", False, f"expected a function, got {type(fn).__name__}."),))
    return Verdict(drill, tuple(_run(fn, name, (t, s), ("y_true", "y_score"), want, _auc_hint)
                                for (name, t, s), want in zip(auc_cases(), _auc_expected(oracle()))))


def check_f1(fn) -> Verdict:
    """Check a reader's binary ``fn(y_true, y_pred) -> float`` against sklearn's f1_score on 9 cases.

    Reference: ``sklearn.metrics.f1_score(zero_division=0.0)``; in the browser (Pyodide)
    ``mlnotes.metrics.f1``, proven equal in tests/test_metrics.py. Never raises because of ``fn``.
    See chapter: chapters/metrics.md
    """
    drill = "binary F1"
    if not callable(fn):
        return Verdict(drill, (CaseResult("(setup)", False, f"expected a function, got {type(fn).__name__}."),))
    return Verdict(drill, tuple(_run(fn, name, (t, p), ("y_true", "y_pred"), want, _f1_hint)
                                for (name, t, p), want in zip(f1_cases(), _f1_expected(oracle()))))
