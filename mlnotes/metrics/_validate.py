"""Input checks shared by the metrics: class labels, binary targets, scores, id lists.

Each raises ``ValueError`` (``TypeError`` for a wrong kind of object or dtype) naming the
argument, like :mod:`mlnotes._checks`, which it builds on. The dtypes each kind of argument
accepts (anything else raises ``TypeError``):

* class labels (``y_true``, ``y_pred``, ``labels``): integer, boolean, string, or floating
  with whole-number values (``[0.0, 1.0]``). Floats such as 0.73 are scores, not labels,
  and raise ``ValueError`` (sklearn: "can't handle a mix of binary and continuous targets").
  Object arrays (e.g. of Python strings from pandas) raise: convert with ``.astype(str)``;
* binary targets (``y_true`` of the curves and AUC): 0/1 as integer, boolean or floating;
* scores (``y_score``, ``scores``, ``x``) and graded relevance: boolean, integer or
  floating, never strings, objects or complex numbers. Scores keep their dtype (only their
  order and ties matter), so no precision is lost converting large integers to float.
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_array, check_int, check_nonempty, check_real, check_same_shape

NUMERIC_KINDS = "biuf"  # bool, signed and unsigned integer, floating


def check_labels(name: str, y) -> np.ndarray:
    """A 1-D non-empty array of class labels: integers, booleans, strings or whole-number floats."""
    if isinstance(y, (str, bytes, set, dict)) or np.isscalar(y):
        raise TypeError(f"{name} must be a 1-D array-like of class labels, got {type(y).__name__}")
    try:
        arr = np.asarray(y)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a 1-D array-like of class labels, got {type(y).__name__}") from exc
    if arr.ndim != 1:
        raise ValueError(f"{name} must have 1 dimension (n_samples,), got shape {arr.shape}")
    check_nonempty(name, arr)
    if arr.dtype.kind not in "biufU":
        raise TypeError(f"{name} must hold integer, boolean, string or float labels, got dtype {arr.dtype}")
    if arr.dtype.kind == "U" and isinstance(y, (list, tuple)) and not all(isinstance(v, str) for v in y):
        raise TypeError(f"{name} mixes strings and numbers (numpy would turn 1 into '1'): use one kind of label")
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} must contain only finite values (no NaN or inf)")
        if np.any(arr != np.round(arr)):
            bad = arr[arr != np.round(arr)][:3].tolist()
            raise ValueError(f"{name} must hold class labels, got non-integer floats such as {bad}: scores? "
                             "Threshold them first, e.g. predict_at(y_score, 0.5)")
    return arr


def check_scores(name: str, value, *, ndim: int) -> np.ndarray:
    """Finite real scores of the given rank, kept in their own dtype (bool, int, uint or float)."""
    if isinstance(value, (str, bytes, set, dict)):
        raise TypeError(f"{name} must be array-like of numbers, got {type(value).__name__}")
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be array-like of numbers, got {type(value).__name__}") from exc
    if arr.dtype.kind not in NUMERIC_KINDS:
        raise TypeError(f"{name} must hold boolean, integer or floating numbers, got dtype {arr.dtype}"
                        + (" (convert with .astype(float))" if arr.dtype.kind in "OU" else ""))
    return check_array(name, arr, ndim=ndim, dtype=None)


def check_label_pair(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    """Two label arrays of the same length and the same kind (both numeric or both strings)."""
    t, p = check_labels("y_true", y_true), check_labels("y_pred", y_pred)
    check_same_shape("y_true", t, "y_pred", p)
    if (t.dtype.kind == "U") != (p.dtype.kind == "U"):
        raise TypeError(f"y_true and y_pred must hold labels of the same kind, got dtypes {t.dtype} and {p.dtype}")
    return t, p


def check_binary_labels(name: str, y) -> np.ndarray:
    """Binary targets in {0, 1} (integer, boolean or floating 0.0/1.0): (n,) -> (n,) int64."""
    t = check_labels(name, y)
    if t.dtype.kind == "U":
        raise TypeError(f"{name} must hold 0/1 as integers, booleans or floats, got dtype {t.dtype}: "
                        "map the positive class to 1 first, e.g. (y == 'spam')")
    if not np.all((t == 0) | (t == 1)):
        raise ValueError(f"{name} must contain only 0 and 1 (negative, positive), got values {np.unique(t)[:5]}")
    return t.astype(np.int64)


def check_binary_scores(y_true, y_score, *, need_both: bool) -> tuple[np.ndarray, np.ndarray]:
    """``y_true`` in {0, 1} as int64 and finite ``y_score`` of the same shape (n,), in its own dtype.

    ``need_both``: raise unless both classes occur (ROC/AUC); else at least one positive (PR).
    """
    t = check_binary_labels("y_true", y_true)
    s = check_scores("y_score", y_score, ndim=1)
    check_same_shape("y_true", t, "y_score", s)
    check_classes_present(t, need_both=need_both)
    return t, s


def check_classes_present(t: np.ndarray, *, need_both: bool) -> None:
    """``t`` (n,) 0/1: raise unless both classes occur (``need_both``, ROC/AUC), else unless a positive does (PR)."""
    n_pos = int(np.sum(t))
    if need_both and n_pos in (0, len(t)):
        raise ValueError("y_true must contain both classes (0 and 1): ROC and AUC are undefined with one class, "
                         f"got only {int(t[0])}")
    if not need_both and n_pos == 0:
        raise ValueError("y_true must contain at least one positive (1): recall is undefined without positives "
                         "(sklearn sets it to 1 and returns AP = 0.0 with a warning)")


def check_k(k) -> int:
    """A cut-off rank k: an integer >= 1."""
    return check_int("k", k, low=1)


def check_id_lists(ranked_ids) -> list:
    """One ranked sequence of distinct ids (best first) per query, as a list of lists."""
    if isinstance(ranked_ids, (str, bytes, set, dict)) or not hasattr(ranked_ids, "__len__"):
        raise TypeError(f"ranked_ids must be a list with one entry per query, got {type(ranked_ids).__name__}")
    check_nonempty("ranked_ids", ranked_ids)
    ranked = []
    for q, ids in enumerate(ranked_ids):
        if isinstance(ids, (str, bytes, set, dict)) or not hasattr(ids, "__iter__"):
            raise TypeError(f"ranked_ids[{q}] must be a sequence of ids (best first), got {type(ids).__name__}")
        ids = list(ids.tolist() if isinstance(ids, np.ndarray) else ids)
        if len(set(ids)) != len(ids):
            raise ValueError(f"ranked_ids[{q}] must not repeat an id")
        ranked.append(ids)
    return ranked


def check_per_query(name: str, value, n_queries: int) -> None:
    """A list with one entry per query."""
    if isinstance(value, (str, bytes, set, dict)) or not hasattr(value, "__len__"):
        raise TypeError(f"{name} must be a list with one entry per query, got {type(value).__name__}")
    if len(value) != n_queries:
        raise ValueError(f"ranked_ids and {name} must have one entry per query, got {n_queries} and {len(value)}")


def check_ranked(ranked_ids, relevant_ids) -> tuple[list, list]:
    """One ranked list of ids and one non-empty set of relevant ids per query (same number of queries)."""
    ranked = check_id_lists(ranked_ids)
    check_per_query("relevant_ids", relevant_ids, len(ranked))
    relevant = []
    for q, rel in enumerate(relevant_ids):
        if isinstance(rel, (str, bytes, dict)) or not hasattr(rel, "__iter__"):
            raise TypeError(f"relevant_ids[{q}] must be a set of ids, got {type(rel).__name__}")
        rel = set(rel.tolist() if isinstance(rel, np.ndarray) else rel)
        if not rel:
            raise ValueError(f"relevant_ids[{q}] must not be empty: a query needs at least one relevant id")
        relevant.append(rel)
    _check_id_kinds(ranked, relevant)
    return ranked, relevant


def _id_kind(x) -> str:
    """'str', 'bytes' or 'number' (ints, floats, bools and numpy scalars hash alike), else the type name."""
    if isinstance(x, (str, bytes)):
        return type(x).__name__
    return "number" if isinstance(x, (int, float, np.number, np.bool_)) else type(x).__name__


def _check_id_kinds(ranked: list, relevant: list) -> None:
    """Raise TypeError when no relevant id could ever match a ranked id: 1 and '1' are different ids."""
    ranked_kinds = {_id_kind(d) for ids in ranked for d in ids}
    relevant_kinds = {_id_kind(d) for rel in relevant for d in rel}
    if ranked_kinds and not ranked_kinds & relevant_kinds:
        raise TypeError(f"ranked_ids hold {'/'.join(sorted(ranked_kinds))} ids but relevant_ids hold "
                        f"{'/'.join(sorted(relevant_kinds))} ids: no id can match (1 and '1' differ)")


def check_grades(relevance, n_queries: int) -> list:
    """One {id: grade >= 0} dict per query (a set of ids means grade 1 each)."""
    check_per_query("relevance", relevance, n_queries)
    grades = []
    for q, r in enumerate(relevance):
        if isinstance(r, (set, frozenset)):
            r = dict.fromkeys(r, 1.0)
        if not isinstance(r, dict):
            raise TypeError(f"relevance[{q}] must be a dict {{id: grade}} or a set of ids, got {type(r).__name__}")
        grades.append({d: check_real(f"relevance[{q}][{d!r}]", v, low=0.0) for d, v in r.items()})
    return grades


def check_relevance_scores(relevance, scores) -> tuple[np.ndarray, np.ndarray]:
    """Graded relevance >= 0 (as float64) and scores (own dtype), both (n_queries, n_docs) with n_docs >= 2."""
    rel = check_scores("relevance", relevance, ndim=2).astype(np.float64)
    s = check_scores("scores", scores, ndim=2)
    check_same_shape("relevance", rel, "scores", s)
    if rel.shape[0] == 0 or rel.shape[1] < 2:
        raise ValueError(f"relevance must have shape (n_queries >= 1, n_docs >= 2), got {rel.shape}")
    if np.any(rel < 0):
        raise ValueError("relevance must be >= 0 (graded relevance: 0 = irrelevant)")
    return rel, s
