"""Input checks shared by the metrics: class labels, binary targets, scores, id lists.

Each raises ``ValueError`` (``TypeError`` for a wrong kind of object) naming the argument,
like :mod:`mlnotes._checks`, which it builds on.
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_array, check_int, check_nonempty, check_real, check_same_shape


def check_labels(name: str, y) -> np.ndarray:
    """A 1-D non-empty array of class labels: integers, booleans, strings or finite floats."""
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
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite values (no NaN or inf)")
    return arr


def check_label_pair(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    """Two label arrays of the same length and the same kind (both numeric or both strings)."""
    t, p = check_labels("y_true", y_true), check_labels("y_pred", y_pred)
    check_same_shape("y_true", t, "y_pred", p)
    if (t.dtype.kind == "U") != (p.dtype.kind == "U"):
        raise TypeError(f"y_true and y_pred must hold labels of the same kind, got dtypes {t.dtype} and {p.dtype}")
    return t, p


def check_binary_scores(y_true, y_score, *, need_both: bool) -> tuple[np.ndarray, np.ndarray]:
    """``y_true`` in {0, 1} (int or bool) and finite ``y_score`` of the same shape (n,).

    ``need_both``: raise unless both classes occur (ROC/AUC); else at least one positive (PR).
    """
    t = check_labels("y_true", y_true)
    if t.dtype.kind == "U" or not np.all((t == 0) | (t == 1)):
        raise ValueError(f"y_true must contain only 0 and 1 (negative, positive), got values {np.unique(t)[:5]}")
    s = check_array("y_score", y_score, ndim=1)
    check_same_shape("y_true", t, "y_score", s)
    n_pos = int(np.sum(t == 1))
    if need_both and n_pos in (0, len(t)):
        raise ValueError("y_true must contain both classes (0 and 1): ROC and AUC are undefined with one class, "
                         f"got only {int(t[0])}")
    if not need_both and n_pos == 0:
        raise ValueError("y_true must contain at least one positive (1): recall is undefined without positives")
    return t.astype(np.int64), s


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
    return ranked, relevant


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
    """Graded relevance >= 0 and scores, both (n_queries, n_docs) with n_docs >= 2."""
    rel = check_array("relevance", relevance, ndim=2)
    s = check_array("scores", scores, ndim=2)
    check_same_shape("relevance", rel, "scores", s)
    if rel.shape[0] == 0 or rel.shape[1] < 2:
        raise ValueError(f"relevance must have shape (n_queries >= 1, n_docs >= 2), got {rel.shape}")
    if np.any(rel < 0):
        raise ValueError("relevance must be >= 0 (graded relevance: 0 = irrelevant)")
    return rel, s
