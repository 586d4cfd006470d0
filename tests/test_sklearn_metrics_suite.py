"""scikit-learn's own metric tests, re-run with ``mlnotes.metrics`` substituted for ``sklearn.metrics``.

``sklearn/metrics/tests/test_ranking.py`` and ``test_classification.py`` ship inside the installed
scikit-learn. :func:`test_sklearn_metric_suite_with_ours_substituted` runs them in a subprocess
with this module as a pytest plugin (``-p tests.test_sklearn_metrics_suite``). The plugin replaces
each public ``sklearn.metrics`` function we implement (table ``SUBSTITUTES``) by an adapter that
calls ours, before the test modules are imported, so every ``from sklearn.metrics import ...``,
``partial(...)`` and parametrize list in them gets ours. sklearn's internals (scorers,
``classification_report``, the d2 scores) keep sklearn's code: only the tests' own calls change.

Each adapter maps sklearn's keyword arguments to ours. When ours raises ``ValueError`` or
``TypeError`` on input that sklearn accepts (checked by calling sklearn, warnings silenced), the
adapter raises :class:`Refused`, which names the feature (multilabel input, multiclass AUC,
``sample_weight``, ...) so a refusal is never mistaken for a pass (``Refused`` is not a
``ValueError``: a test's ``pytest.raises(ValueError)`` does not swallow it). Every test is put in
one category, in this order:

* ``not ours``: no adapter was called (e.g. ``cohen_kappa_score``): sklearn's code ran;
* ``pass``;
* ``refusal: <feature>``: ours refused input sklearn accepts;
* ``deliberate: ...``: a documented difference — we never warn (``DID NOT WARN``), we raise where
  sklearn warns and returns NaN or 0 (one class in ``y_true``), or our error message differs
  from sklearn's (same exception type, other words);
* ``value difference``: any other assertion failed — a wrong number, dtype or shape. Must be 0;
* ``error``: anything else. Must be 0.

``pytest.raises(E, match=...)`` and ``pytest.warns`` are relaxed in the subprocess: a message
of ours that differs, or a warning we do not give, is recorded (``pass, relaxed: ...``) instead
of stopping the test, so the test's remaining value checks still run against ours.

Measured on scikit-learn 1.9.1 (516 tests; ``python -m tests.test_sklearn_metrics_suite [path]``
prints the table, for another copy of ``mlnotes`` with a path). Before issue 22 (1-D labels only,
no ``sample_weight``/``pos_label``/``normalize``/``max_fpr``/``ignore_ties``, binary AUC only, no
log loss or Brier score): 236 tests called ours, 96 passed (18 of them with a relaxed message or
warning), 132 refusals (multilabel 50, multi-class AUC 39, ``pos_label`` and non-0/1 labels 19,
``sample_weight`` 11, ``normalize`` 5, ``ignore_ties``/``log_base`` 5, ``max_fpr`` 2, β = ∞ 1),
0 value differences. After (measured 2026-11-30, asserted below through ``AFTER`` as floors and
ceilings): 267 tests call ours; 240 pass (181 as they are, 46 with our error message instead of
sklearn's, 13 without the warning sklearn gives); 20 differ on purpose (6 one class in ``y_true``:
we raise where sklearn warns and returns NaN or 0; 3 probabilities not summing to 1: we raise; 4
expect a warning we never give; 6 get another exception type; 1 uses log_loss's deprecated
``y_pred`` keyword); 7 refusals (4 scipy.sparse input, 1 β = ∞, 1 brier_score_loss with a one-hot
2-D ``y_true``, 1 object-dtype ``sample_weight``); 0 value differences, 0 errors. The other 249
tests call none of the substituted functions (``det_curve``, ``top_k_accuracy_score``,
``label_ranking_average_precision_score``, ``cohen_kappa_score``, the likelihood ratios,
``classification_report``, ...; the array-API tests skip themselves), so sklearn's own code runs.
``hit_rate_at_k`` and ``map_at_k`` take id lists, not sklearn's (n_queries, n_docs) matrices, so
they are compared with ``top_k_accuracy_score`` / ``label_ranking_average_precision_score`` in
tests/test_metrics.py and the chapter instead.

See chapter: chapters/metrics.md
"""

from __future__ import annotations

import functools
import inspect
import json
import os
import re
import subprocess
import sys
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
REPORT_ENV = "MLNOTES_SKLEARN_SUITE_REPORT"
SUITE_FILES = ("test_ranking.py", "test_classification.py")


class Refused(Exception):
    """Ours raised on input that sklearn accepts: a feature we do not support (not a ValueError on purpose)."""

    def __init__(self, feature: str, detail: str = ""):
        super().__init__(f"mlnotes refused ({feature}): {detail}")
        self.feature = feature


# -- the adapters -----------------------------------------------------------------------------------------------
# sklearn name: (our name, {sklearn keyword: our keyword}, sklearn keywords whose default we pass explicitly,
# keywords ignored). A keyword at sklearn's default is left out (ours has the same default) unless listed.
SUBSTITUTES = {
    "accuracy_score": ("accuracy", {}, (), ()),
    "confusion_matrix": ("confusion_matrix", {}, (), ()),
    "multilabel_confusion_matrix": ("multilabel_confusion_matrix", {}, (), ()),
    "precision_score": ("precision", {}, (), ()),
    "recall_score": ("recall", {}, (), ()),
    "f1_score": ("f1", {}, (), ()),
    "fbeta_score": ("fbeta", {}, (), ()),
    "precision_recall_fscore_support": ("precision_recall_fbeta", {}, ("average",), ("warn_for",)),
    "roc_curve": ("roc_curve", {}, ("drop_intermediate",), ()),
    "precision_recall_curve": ("precision_recall_curve", {}, (), ()),
    "average_precision_score": ("average_precision", {}, (), ()),
    "roc_auc_score": ("roc_auc", {}, (), ()),
    "ndcg_score": ("ndcg_at_k", {}, (), ()),
    "dcg_score": ("dcg_at_k", {}, (), ()),
    "log_loss": ("log_loss", {}, (), ()),
    "brier_score_loss": ("brier_score", {}, (), ()),
}
PRIVATE = {  # imported by test_ranking.py from sklearn.metrics._ranking: per-query DCG / NDCG
    "_dcg_sample_scores": "dcg_at_k",
    "_ndcg_sample_scores": "ndcg_at_k",
}
FALLBACK = {"roc_auc": "auc_trapezoid"}  # before issue 22 only the binary AUC existed
CALLED: set = set()  # adapters called during the current test
RELAXED: set = set()  # checks of the current test that were relaxed: "error message", "warning"


def _same(value, default) -> bool:
    """True if a keyword equals sklearn's default (only for None, str, bool and number defaults)."""
    if value is default:
        return True
    if isinstance(default, (str, bool, int, float)) and not isinstance(value, np.ndarray):
        try:
            return type(value) is type(default) and value == default
        except Exception:  # noqa: BLE001
            return False
    return False


def _is_sparse(x) -> bool:
    import scipy.sparse

    return scipy.sparse.issparse(x)


def _array(x):
    try:
        return np.asarray(x)
    except Exception:  # noqa: BLE001
        return None


def _feature(sk_name: str, bound: dict, err: Exception) -> str:
    """Name the feature behind a refusal, from the arguments sklearn accepted and our message."""
    message = str(err)
    if "both classes" in message or "at least one positive" in message:
        return "deliberate: one class in y_true (we raise; sklearn warns and returns NaN or 0)"
    if "must sum to 1" in message:
        return "deliberate: probabilities not summing to 1 (we raise; sklearn warns)"
    first, second = list(bound.values())[:2]
    if any(_is_sparse(v) for v in (first, second)):
        return "sparse matrix input"
    t, s = _array(first), _array(second)
    if t is not None and t.dtype.kind == "O" or s is not None and s.dtype.kind == "O":
        return "object-dtype arrays (e.g. pandas strings)"
    w = None if bound.get("sample_weight") is None else _array(bound["sample_weight"])
    if w is not None and w.dtype.kind == "O":
        return "sample_weight of dtype object"
    if isinstance(bound.get("beta"), float) and np.isinf(bound["beta"]):
        return "beta = inf (F = recall in the limit)"
    if sk_name in ("ndcg_score", "dcg_score", "_dcg_sample_scores", "_ndcg_sample_scores"):
        return "ndcg/dcg input"
    if t is not None and t.ndim == 2 and t.shape[1] > 1:
        return "multilabel indicator input"
    if sk_name == "roc_auc_score" and (t is not None and len(np.unique(t)) > 2 or s is not None and s.ndim == 2):
        return "multiclass AUC"
    if bound.get("sample_weight") is not None:
        return "sample_weight"
    if t is not None and t.dtype.kind in "USO" or bound.get("pos_label") not in (None, 1):
        return "pos_label / labels other than {0, 1}"
    if t is not None and t.size and not set(np.unique(t).tolist()) <= {0, 1}:
        return "pos_label / labels other than {0, 1}"
    return f"other: {type(err).__name__}: {message[:80]}"


def _sklearn_accepts(original, bound: dict) -> bool:
    """Does sklearn's own function accept these arguments (warnings silenced)?"""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            original(**bound)
        except Exception:  # noqa: BLE001
            return False
    return True


def _adapter(sk_name: str, original, metrics):
    """A function with sklearn's name and signature that calls ours."""
    our_name, rename, explicit, ignored = SUBSTITUTES[sk_name]
    fn = getattr(metrics, our_name, None) or getattr(metrics, FALLBACK.get(our_name, ""), None)
    if fn is None:
        return None
    sk_sig = inspect.signature(original)
    ours = inspect.signature(fn).parameters

    @functools.wraps(original)
    def adapter(*args, **kwargs):
        CALLED.add(sk_name)
        bound = sk_sig.bind(*args, **kwargs)
        names = list(sk_sig.parameters)
        positional = [bound.arguments.pop(n) for n in names[:2] if n in bound.arguments]
        if sk_name == "log_loss" and "y_pred" in bound.arguments and len(positional) < 2:
            positional.append(bound.arguments.pop("y_pred"))  # sklearn's deprecated name of y_proba
        call = {}
        for key in names[2:]:
            default = sk_sig.parameters[key].default
            value = bound.arguments.get(key, default)
            if key in ignored or (key == "zero_division" and value == "warn"):  # "warn" is 0.0 plus a warning
                continue
            if sk_name == "log_loss" and key == "y_pred" and not _same(value, default):
                raise Refused("deliberate: sklearn's deprecated keyword y_pred (ours is y_proba only)")
            if _same(value, default) and key not in explicit:
                continue
            ours_key = rename.get(key, key)
            if ours_key not in ours:
                raise Refused(key if key != "normalize" else f"normalize ({sk_name})", f"{our_name} has no {ours_key}")
            call[ours_key] = value
        if sk_name == "dcg_score" and "per_query" in ours:
            call["per_query"] = False
        try:
            out = fn(*positional, **call)
        except (ValueError, TypeError) as err:
            full = dict(zip(names, positional)) | bound.arguments
            if _sklearn_accepts(original, full):
                raise Refused(_feature(sk_name, full, err), str(err)) from err
            raise
        if sk_name == "dcg_score" and "per_query" not in ours:
            out = float(np.mean(out))
        if sk_name == "precision_recall_fscore_support":
            out = (*out, _support(metrics, positional, call))
        return out

    return adapter


def _support(metrics, positional, call):
    """The 4th value of precision_recall_fscore_support: true count per label for average=None, else None."""
    if call.get("average", "binary") is not None:
        return None
    keep = {k: v for k, v in call.items() if k in ("sample_weight",)}
    return metrics.label_counts(*positional, call.get("labels"), **keep)[2]


def _private_adapter(name: str, original, metrics):
    our = getattr(metrics, PRIVATE[name])

    @functools.wraps(original)
    def adapter(y_true, y_score, k=None, log_base=2, ignore_ties=False):
        CALLED.add(name)
        call = {"k": k}
        if ignore_ties:
            call["ignore_ties"] = True
        if log_base != 2:
            call["log_base"] = log_base
        if name == "_ndcg_sample_scores":
            call["per_query"] = True
        params = inspect.signature(our).parameters
        for key in call:
            if key not in params:
                raise Refused(key, f"{our.__name__} has no {key}")
        try:
            return our(y_true, y_score, **call)
        except (ValueError, TypeError) as err:
            if _sklearn_accepts(original, {"y_true": y_true, "y_score": y_score, **call}):
                raise Refused("ndcg/dcg input", str(err)) from err
            raise

    return adapter


# -- relaxed message and warning checks: the rest of a test still runs -----------------------------------------
class _RelaxedRaises:
    """pytest.raises(E, match=m) that accepts our message when it differs (recorded), so the test goes on."""

    def __init__(self, inner, match):
        self.inner, self.match = inner, match

    def __enter__(self):
        return self.inner.__enter__()

    def __exit__(self, et, ev, tb):
        suppressed = self.inner.__exit__(et, ev, tb)
        if suppressed and self.match is not None and not re.search(self.match, str(ev)):
            RELAXED.add("error message")
        return suppressed


class _RelaxedWarns:
    """pytest.warns(W) that lets a block without the warning pass (recorded): we never warn."""

    def __init__(self, inner):
        self.inner = inner

    def __enter__(self):
        return self.inner.__enter__()

    def __exit__(self, et, ev, tb):
        try:
            return self.inner.__exit__(et, ev, tb)
        except pytest.fail.Exception as err:
            if "DID NOT WARN" not in str(err):
                raise
            RELAXED.add("warning")
            return False


def _relax(original_raises, original_warns):
    def raises(expected, *args, match=None, **kwargs):
        if args:  # the old call form pytest.raises(E, func, *args)
            return original_raises(expected, *args, match=match, **kwargs)
        return _RelaxedRaises(original_raises(expected, **kwargs), match)

    def warns(expected=Warning, *args, **kwargs):
        if args:
            return original_warns(expected, *args, **kwargs)
        return _RelaxedWarns(original_warns(expected, **kwargs))

    return raises, warns


# -- the plugin (active only in the subprocess, loaded with -p) ----------------------------------------------------
def pytest_configure(config):
    """Replace sklearn.metrics' public functions by adapters before any test module imports them."""
    import sklearn.metrics
    import sklearn.metrics._ranking

    import mlnotes.metrics as metrics

    for name in SUBSTITUTES:
        adapter = _adapter(name, getattr(sklearn.metrics, name), metrics)
        if adapter is not None:
            setattr(sklearn.metrics, name, adapter)
    for name in PRIVATE:
        setattr(sklearn.metrics._ranking, name, _private_adapter(name, getattr(sklearn.metrics._ranking, name),
                                                                 metrics))
    pytest.raises, pytest.warns = _relax(pytest.raises, pytest.warns)
    config._mlnotes_results = {}


def pytest_runtest_setup(item):
    CALLED.clear()
    RELAXED.clear()


def _category(report, call) -> str:
    if not CALLED:
        return "not ours"
    if report.passed:
        return "pass" if not RELAXED else "pass, relaxed: " + " and ".join(sorted(RELAXED))
    if report.skipped:
        return "skipped"
    exc = call.excinfo
    if exc is None:
        return "error: no exception info"
    if exc.errisinstance(Refused):
        feature = exc.value.feature
        return feature if feature.startswith("deliberate") else f"refusal: {feature}"
    text = str(exc.value)
    if "DID NOT WARN" in text or "No warnings of type" in text:
        return "deliberate: no warning (we never warn)"
    if "Regex pattern did not match" in text:
        return "deliberate: different error message"
    if "DID NOT RAISE" in text:
        return "accepts what sklearn refuses"
    if exc.errisinstance(IndexError) and "pop from empty list" in text:  # a test popping a recorded warning
        return "deliberate: no warning (we never warn)"
    if exc.errisinstance((ValueError, TypeError)) and any("mlnotes" in str(e.path) for e in exc.traceback):
        return f"deliberate: ours raises {exc.typename} where sklearn raises another type"
    if exc.errisinstance(AssertionError):
        return "value difference"
    return f"error: {exc.typename}: {text[:100]}"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if call.when == "call" or (call.when == "setup" and report.failed):
        item.config._mlnotes_results[item.nodeid] = (_category(report, call), sorted(CALLED))
    elif call.when == "setup" and report.skipped:
        item.config._mlnotes_results[item.nodeid] = ("skipped", [])
    return report


def pytest_sessionfinish(session):
    path = os.environ.get(REPORT_ENV)
    if path:
        Path(path).write_text(json.dumps(session.config._mlnotes_results, indent=1))


# -- running it -------------------------------------------------------------------------------------------------
AFTER = {"call ours": 267, "pass": 240, "refusals": 7}
ALLOWED_REFUSALS = {  # what we still refuse, each for a stated reason
    "refusal: sparse matrix input": "scipy.sparse inputs are not supported (dense arrays only)",
    "refusal: beta = inf (F = recall in the limit)": "beta must be finite (tests/test_metrics_errors.py)",
    "refusal: multilabel indicator input": "brier_score_loss with a one-hot 2-D y_true",
    "refusal: sample_weight of dtype object": "object arrays are refused everywhere (TypeError)",
}


def run_suite(report: Path, pythonpath: str | None = None) -> dict:
    """Run sklearn's two metric test files with ours substituted; -> {nodeid: (category, adapters called)}."""
    import sklearn

    sk_dir = Path(sklearn.__file__).parent
    files = [str(sk_dir / "metrics" / "tests" / f) for f in SUITE_FILES]
    env = dict(os.environ, **{REPORT_ENV: str(report)})
    env["PYTHONPATH"] = os.pathsep.join(p for p in (pythonpath, str(REPO), env.get("PYTHONPATH")) if p)
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tests.test_sklearn_metrics_suite",
           "-c", os.devnull, "--rootdir", str(sk_dir), "--confcutdir", str(sk_dir), "-W", "ignore", "--tb=no",
           "--no-header", "-o", "console_output_style=classic", *files]
    missing = [f for f in files if not Path(f).exists()]
    assert not missing, f"this scikit-learn ships without its tests: {missing}"
    # cwd is not REPO: -m puts the cwd first on sys.path
    done = subprocess.run(cmd, cwd=str(report.parent), env=env, capture_output=True, text=True, timeout=900)
    assert report.exists(), f"the suite wrote no report:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    return json.loads(report.read_text())


def summarize(results: dict) -> Counter:
    return Counter(cat for cat, _ in results.values())


def format_summary(counts: Counter) -> str:
    ours = sum(v for k, v in counts.items() if k not in ("not ours", "skipped"))
    lines = [f"{sum(counts.values())} tests; {ours} call our functions"]
    lines += [f"{v:5d}  {k}" for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return "\n".join(lines)


def test_sklearn_metric_suite_with_ours_substituted(tmp_path):
    """sklearn's own tests with ours substituted: no value difference, no error, only the known refusals."""
    results = run_suite(tmp_path / "report.json")
    counts = summarize(results)
    print("\n" + format_summary(counts))
    bad = {k: [t for t, (c, _) in results.items() if c == k] for k in counts
           if k == "value difference" or k.startswith(("error", "accepts", "skipped"))}
    assert not bad, f"value differences or errors: {bad}"
    refusals = {k: v for k, v in counts.items() if k.startswith("refusal")}
    assert set(refusals) <= set(ALLOWED_REFUSALS), f"new refusals: {set(refusals) - set(ALLOWED_REFUSALS)}"
    assert sum(refusals.values()) <= AFTER["refusals"]
    assert sum(v for k, v in counts.items() if k.startswith("pass")) >= AFTER["pass"]
    assert sum(v for k, v in counts.items() if k != "not ours") >= AFTER["call ours"]
    assert all(k.startswith(("pass", "refusal", "deliberate", "not ours")) for k in counts), counts


if __name__ == "__main__":  # python -m tests.test_sklearn_metrics_suite [PYTHONPATH-of-another-mlnotes]
    out = run_suite(Path("/tmp/sklearn_suite_report.json"), sys.argv[1] if len(sys.argv) > 1 else None)
    print(format_summary(summarize(out)))
