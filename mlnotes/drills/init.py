r"""Drills: hand-write Xavier-uniform and He-normal initialization, and a numerically stable sigmoid.

1. ``xavier_uniform(shape, gain=1.0, rng=None)`` → U(−a, a), $a = g\sqrt{6/(\text{fan\_in}+\text{fan\_out})}$;
2. ``kaiming_normal(shape, rng=None)`` → N(0, 2/fan_in) (He, ReLU, ``mode="fan_in"``);

both for PyTorch's weight layout (out, in, *kernel): fan_in = in·∏kernel, fan_out = out·∏kernel.
The checker draws a large weight with a fixed seed (``rng = np.random.default_rng(seed)``) and
checks the statistics: every |w| within the exact bound and the largest close to it (uniform), the
mean near 0, the standard deviation within 2% of the target, and the shape of the distribution
(a Kolmogorov–Smirnov test against the exact uniform / normal, p > 1e-6). On a mismatch it names
the formula your spread matches (fan_in only, the normal std used as a uniform bound, no gain …).

3. ``sigmoid(x)`` → 1/(1+e^{−x}) elementwise for any finite x, compared with ``torch.sigmoid``
   (relative 1e-12; below 1e-300 anything as small passes: torch itself returns 0 for x < −709.8),
   and it must not overflow: no numpy "overflow" warning for x = ±1000 (in the browser, where WebAssembly has
   no floating-point flags, ``np.exp`` and its kin are watched for an inf instead: :func:`_overflow_warnings`).

The KS test's p-value comes from ``scipy.special.kolmogorov``; in the browser (Pyodide, numpy only) from
:func:`mlnotes.init.reference.kolmogorov_sf`, and the sigmoid's reference is
:func:`mlnotes.init.reference.sigmoid_as_torch` instead of torch: both proven equal in tests/test_init.py.

See chapter: chapters/initialization.md
"""

from __future__ import annotations

import contextlib
import math
import warnings

import numpy as np

from mlnotes.drills.core import Case, CaseResult, Verdict, call_reader, check, library_oracle
from mlnotes.init.reference import kolmogorov_sf, ks_1samp, normal_cdf, sigmoid_as_torch

MEAN_SE, STD_RTOL, KS_P, BOUND_SLACK = 5.0, 0.02, 1e-6, 2e-3


# -- worked solutions ---------------------------------------------------------------------------------
def xavier_uniform_solution(shape, gain=1.0, rng=None):
    """U(−a, a) with a = gain·√(6/(fan_in + fan_out)); shape = (out, in, *kernel).

    See chapter: chapters/initialization.md
    """
    rng = np.random.default_rng() if rng is None else rng
    receptive = int(np.prod(shape[2:]))  # 1 for a Linear weight (out, in)
    fan_in, fan_out = shape[1] * receptive, shape[0] * receptive
    a = gain * math.sqrt(6.0 / (fan_in + fan_out))  # √3 × Glorot's std √(2/(fan_in + fan_out))
    return rng.uniform(-a, a, size=shape)


def kaiming_normal_solution(shape, rng=None):
    """N(0, 2/fan_in): He initialization for ReLU; shape = (out, in, *kernel).

    See chapter: chapters/initialization.md
    """
    rng = np.random.default_rng() if rng is None else rng
    fan_in = shape[1] * int(np.prod(shape[2:]))
    std = math.sqrt(2.0 / fan_in)  # ReLU zeroes half the signal: double the variance 1/fan_in
    return std * rng.standard_normal(shape)


def sigmoid_solution(x):
    """σ(x) for any finite x without overflow: exponentiate only −|x|.

    See chapter: chapters/initialization.md
    """
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))  # in (0, 1]: never overflows
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))  # x < 0: σ(x) = eˣ / (1 + eˣ)


# -- the statistical checker ------------------------------------------------------------------------------
def _fans(shape):
    receptive = int(np.prod(shape[2:]))
    return shape[1] * receptive, shape[0] * receptive


def _as_weights(got, shape):
    """(array, None) or (None, message) for the reader's return value."""
    if got is None or isinstance(got, (str, bytes, dict, set, tuple)):
        return None, f"should return an array of shape {shape}, got {type(got).__name__}."
    try:
        arr = np.asarray(got, dtype=float)
    except Exception:  # noqa: BLE001
        return None, f"should return an array of numbers of shape {shape}, got {type(got).__name__}."
    if arr.shape != tuple(shape):
        return None, f"returned shape {arr.shape}, expected {tuple(shape)} (PyTorch's layout: (out, in, *kernel))."
    if not np.all(np.isfinite(arr)):
        return None, "contains NaN or inf."
    return arr, None


def _name_spread(measured: float, candidates: dict) -> str:
    """The candidate formula whose spread is within 3% of the measured one, as a hint."""
    for hint, value in candidates.items():
        if value > 0 and abs(measured / value - 1) < 0.03:
            return f" Likely bug: {hint}"
    return ""


def _run_stat_case(fn, name, kwargs, *, kind, target_std, bound, candidates) -> CaseResult:
    kwargs = dict(kwargs)
    shape, seed = kwargs.pop("shape"), kwargs.pop("seed")
    got, error = call_reader(fn, shape, **kwargs, rng=np.random.default_rng(seed))  # shape positional
    where = f"[shape {shape}" + "".join(f", {k}={v:g}" for k, v in kwargs.items()) + "]"
    if error is not None:
        return CaseResult(name, False, f"{error} {where}")
    w, msg = _as_weights(got, shape)
    if msg is not None:
        return CaseResult(name, False, f"{msg} {where}")
    n = w.size
    std = float(w.std())
    hint = _name_spread(std, candidates)
    if abs(float(w.mean())) > MEAN_SE * target_std / math.sqrt(n):
        return CaseResult(name, False, f"mean {w.mean():.3g} is not 0 (more than {MEAN_SE:g} standard errors): "
                                       f"draw around 0, e.g. U(−a, a), not U(0, 1).{hint} {where}")
    if kind == "uniform":
        top = float(np.abs(w).max())
        if top > bound * (1 + 1e-9):
            if not hint and abs(std / target_std - 1) <= STD_RTOL:
                hint = " Likely bug: the std is right, so the shape is not: a normal draw? Use U(−a, a)."
            return CaseResult(name, False, f"max |w| = {top:.6g} exceeds the bound a = {bound:.6g}.{hint} {where}")
        if top < bound * (1 - BOUND_SLACK):
            return CaseResult(name, False, f"max |w| = {top:.6g}, but {n} draws of U(−a, a) reach within "
                                           f"{BOUND_SLACK:.1%} of a = {bound:.6g}: your range is too narrow.{hint} {where}")
    if abs(std / target_std - 1) > STD_RTOL:
        return CaseResult(name, False, f"std {std:.6g}, expected {target_std:.6g} (ratio {std / target_std:.4g}).{hint} "
                                       f"{where}")
    if kind == "uniform":
        cdf = lambda v: np.clip((v + bound) / (2 * bound), 0, 1)  # noqa: E731
    else:
        cdf = lambda v: normal_cdf(v / target_std)  # noqa: E731
    _, p = ks_1samp(w, cdf, sf=None if library_oracle() else kolmogorov_sf)  # None: scipy.special.kolmogorov
    if p < KS_P:
        other = "a normal" if kind == "uniform" else "a uniform"
        return CaseResult(name, False, f"the std is right but the distribution is not {kind} (KS p = {p:.2g}); "
                                       f"did you draw from {other}? {where}")
    return CaseResult(name, True, "", abs(std - target_std), abs(std / target_std - 1))


INIT_SHAPES = ((256, 512), (512, 256), (64, 32, 3, 3), (300, 300))


def check_xavier_uniform(fn) -> Verdict:
    """Check ``fn(shape, gain=1.0, rng=None)`` against U(±gain·√(6/(fan_in + fan_out))) by statistics.

    The KS p-value: ``scipy.special.kolmogorov``; in the browser (Pyodide) :func:`mlnotes.init.reference.kolmogorov_sf`,
    proven equal in tests/test_init.py::test_numpy_stand_ins_equal_scipy.
    Returns a :class:`~mlnotes.drills.core.Verdict`; never raises because of ``fn``.
    See chapter: chapters/initialization.md
    """
    drill = "Xavier uniform"
    if not callable(fn):
        return Verdict(drill, (CaseResult("(setup)", False, f"expected a function, got {type(fn).__name__}."),))
    results = []
    for i, (shape, gain) in enumerate([(INIT_SHAPES[0], 1.0), (INIT_SHAPES[1], 1.0), (INIT_SHAPES[2], 1.0),
                                       (INIT_SHAPES[3], 5 / 3)]):
        fi, fo = _fans(shape)
        a = gain * math.sqrt(6 / (fi + fo))
        s = a / math.sqrt(3)
        candidates = {
            "you used fan_in only: a = √(6/fan_in) is He's bound, Xavier averages fan_in and fan_out.":
                gain * math.sqrt(6 / fi) / math.sqrt(3),
            "you used fan_out only; Xavier uses fan_in + fan_out.": gain * math.sqrt(6 / fo) / math.sqrt(3),
            "√(2/(fan_in + fan_out)) is the std; the uniform bound is √3 times it, √(6/(fan_in + fan_out)).":
                gain * math.sqrt(2 / (fi + fo)) / math.sqrt(3),
            "the gain is missing (a = gain·√(6/(fan_in + fan_out))).": math.sqrt(6 / (fi + fo)) / math.sqrt(3),
            "the kernel size is missing from the fans (fan_in = in·k·k for a convolution).":
                gain * math.sqrt(6 / (shape[0] + shape[1])) / math.sqrt(3),
            "the square root is missing: a = gain·√(6/(fan_in + fan_out)).": gain * 6 / (fi + fo) / math.sqrt(3),
        }
        candidates = {k: v for k, v in candidates.items() if abs(v / s - 1) > 0.05}
        name = f"shape {shape}" + (f", gain {gain:.4g}" if gain != 1 else "")
        results.append(_run_stat_case(fn, name, {"shape": shape, "gain": gain, "seed": 100 + i}, kind="uniform",
                                      target_std=s, bound=a, candidates=candidates))
    return Verdict(drill, tuple(results))


def check_kaiming_normal(fn) -> Verdict:
    """Check ``fn(shape, rng=None)`` against N(0, 2/fan_in) by statistics.

    The KS test uses Φ from :func:`mlnotes.init.reference.normal_cdf` and the p-value from
    ``scipy.special.kolmogorov``; in the browser (Pyodide) :func:`mlnotes.init.reference.kolmogorov_sf`, both proven
    equal to scipy in tests/test_init.py::test_numpy_stand_ins_equal_scipy.
    See chapter: chapters/initialization.md
    """
    drill = "He (Kaiming) normal"
    if not callable(fn):
        return Verdict(drill, (CaseResult("(setup)", False, f"expected a function, got {type(fn).__name__}."),))
    results = []
    for i, shape in enumerate(INIT_SHAPES):
        fi, fo = _fans(shape)
        s = math.sqrt(2 / fi)
        candidates = {
            "you used fan_out (shape[0]); mode='fan_in' divides by fan_in = shape[1]·∏kernel.": math.sqrt(2 / fo),
            "the ReLU gain is missing: the variance is 2/fan_in, not 1/fan_in.": math.sqrt(1 / fi),
            "that is Xavier's std √(2/(fan_in + fan_out)); He uses fan_in only.": math.sqrt(2 / (fi + fo)),
            "2/fan_in is the variance; the std is its square root.": 2 / fi,
            "the kernel size is missing from fan_in (fan_in = in·k·k for a convolution).": math.sqrt(2 / shape[1]),
        }
        candidates = {k: v for k, v in candidates.items() if abs(v / s - 1) > 0.05}
        results.append(_run_stat_case(fn, f"shape {shape}", {"shape": shape, "seed": 200 + i}, kind="normal",
                                      target_std=s, bound=0.0, candidates=candidates))
    return Verdict(drill, tuple(results))


# -- stable sigmoid ------------------------------------------------------------------------------------------------
def sigmoid_cases() -> list:
    """Named inputs: ordinary values, 0, ±large, huge negative, a 2-D array."""
    rng = np.random.default_rng(7)
    return [
        Case("random values (50,)", {"x": 3 * rng.standard_normal(50)}),
        Case("0 and small values", {"x": np.array([0.0, 1e-8, -1e-8, 0.5, -0.5])}),
        Case("large positive (σ → 1)", {"x": np.array([30.0, 100.0, 1000.0, 1e6])}),
        Case("large negative: σ(x) ≈ eˣ", {"x": np.array([-30.0, -100.0, -700.0, -720.0, -740.0])}),
        Case("huge negative (σ underflows to 0)", {"x": np.array([-800.0, -1e4, -1e300])}),
        Case("2-D array (3, 4): same shape out", {"x": rng.standard_normal((3, 4)) * 10}),
    ]


def _sigmoid_reference(x):
    """``torch.sigmoid`` (float64); in the browser :func:`mlnotes.init.reference.sigmoid_as_torch`, its arithmetic
    in numpy (tests/test_init.py::test_sigmoid_as_torch_equals_torch)."""
    if not library_oracle():
        return sigmoid_as_torch(x)
    import torch

    return torch.sigmoid(torch.tensor(np.asarray(x), dtype=torch.float64)).numpy()


OVERFLOWING = ("exp", "exp2", "expm1", "power")  # the numpy functions a sigmoid can overflow in


def _fp_flags_work() -> bool:
    """True where numpy sees floating-point exceptions (a CPU's flags); False in WebAssembly (Pyodide), which has
    none: there ``np.exp(1000.0)`` returns inf without numpy's overflow warning."""
    with warnings.catch_warnings(record=True) as caught, np.errstate(over="warn"):
        warnings.simplefilter("always")
        np.exp(np.array([1000.0]))
    return bool(caught)


def _warn_on_overflow(name, ufunc):
    def wrapped(*args, **kwargs):
        out = ufunc(*args, **kwargs)
        try:
            with np.errstate(all="ignore"):
                finite_in = all(np.all(np.isfinite(np.asarray(a, dtype=float))) for a in args[:2])
                overflowed = finite_in and bool(np.any(np.isinf(out)))
        except Exception:  # noqa: BLE001 - an argument that is not numeric: leave it to numpy
            overflowed = False
        if overflowed:
            warnings.warn(f"overflow encountered in {name}", RuntimeWarning, stacklevel=2)
        return out

    return wrapped


@contextlib.contextmanager
def _overflow_warnings(emulate=None):
    """Numpy's overflow warnings for :data:`OVERFLOWING`, also where the CPU flags are missing (Pyodide).

    ``emulate`` (default: where :func:`_fp_flags_work` is False) replaces those numpy functions, while the block
    runs, by wrappers that warn as numpy does on a CPU ("overflow encountered in exp") when a finite input gives
    inf, so the reader's ``np.exp`` gets the same verdict in the browser as in the notebook. (Code that bound
    ``from numpy import exp`` beforehand is not seen there.)
    """
    if not (not _fp_flags_work() if emulate is None else emulate):
        yield
        return
    originals = {name: getattr(np, name) for name in OVERFLOWING}
    try:
        for name, ufunc in originals.items():
            setattr(np, name, _warn_on_overflow(name, ufunc))
        yield
    finally:
        for name, ufunc in originals.items():
            setattr(np, name, ufunc)


def _overflow_case(fn) -> CaseResult:
    """The reader's function must not overflow (numpy's RuntimeWarning) on ±1000."""
    name = "no overflow warning at x = ±1000"
    x = np.array([-1000.0, 1000.0])
    try:
        with warnings.catch_warnings(record=True) as caught, np.errstate(over="warn", invalid="warn", divide="warn",
                                                                         under="ignore"), _overflow_warnings():
            warnings.simplefilter("always")
            fn(x.copy())
    except (Exception, SystemExit) as exc:  # noqa: BLE001
        return CaseResult(name, False, f"raised {type(exc).__name__}: {exc}")
    over = [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]
    if over:
        return CaseResult(name, False, f"numpy warned '{over[0]}': an exponent overflowed (e^1000 = inf). "
                                       "Exponentiate only −|x|: e = exp(−|x|), then 1/(1+e) for x ≥ 0 and e/(1+e) "
                                       "for x < 0 (np.where evaluates both branches, so both must be safe).")
    return CaseResult(name, True)


def _sigmoid_hint(x, got) -> str:
    try:
        arr = np.asarray(got, dtype=float)
        with np.errstate(all="ignore"):
            flipped = 1 / (1 + np.exp(x))
        if np.allclose(arr, flipped, rtol=1e-10, equal_nan=True):
            return " Likely bug: you computed σ(−x) = 1/(1+eˣ); σ(x) = 1/(1+e^(−x))."
        if np.any(np.isnan(arr)) and np.any(x > 700):
            return " Likely bug: eˣ/(1+eˣ) for large positive x is inf/inf = NaN; use 1/(1+e^(−x)) for x ≥ 0."
    except Exception:  # noqa: BLE001
        pass
    return ""


def check_sigmoid(fn) -> Verdict:
    """Check a reader's stable ``fn(x) -> σ(x)`` against ``torch.sigmoid`` (relative 1e-12) and for overflow warnings.

    Reference: ``torch.sigmoid`` (float64); in the browser (Pyodide) :func:`mlnotes.init.reference.sigmoid_as_torch`,
    proven equal in tests/test_init.py::test_sigmoid_as_torch_equals_torch.
    See chapter: chapters/initialization.md
    """
    cases = sigmoid_cases()
    with np.errstate(all="ignore"):
        verdict = check(fn, _sigmoid_reference, cases, drill="stable sigmoid", rtol=1e-12, atol=1e-300)
    results = []
    for r, case in zip(verdict.results, cases):
        if not r.passed:
            got, _ = call_reader(fn, case.kwargs["x"].copy())
            r = CaseResult(r.name, False, r.message + _sigmoid_hint(case.kwargs["x"], got), r.max_abs_err,
                           r.max_rel_err)
        results.append(r)
    if callable(fn):
        results.append(_overflow_case(fn))
    return Verdict(verdict.drill, tuple(results))


__all__ = ["xavier_uniform_solution", "kaiming_normal_solution", "sigmoid_solution", "check_xavier_uniform",
           "check_kaiming_normal", "check_sigmoid"]
