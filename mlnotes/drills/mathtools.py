r"""Drills: Newton's square root, and the coin-flip expectation by formula and by simulation.

**Newton's square root** — ``fn(a) -> float``: $\sqrt a$ for $a \ge 0$ with Newton's method on $x^2 - a$,
within one unit in the last place of ``math.sqrt(a)`` (relative error $\le 2.3\times10^{-16}$), on cases
from $a = 0$ and subnormal numbers up to $10^{300}$. A loop that never stops is cut after 2 s
(where the platform allows) and reported.

**Expected flips** — ``fn(n) -> number``: $E_n$, the expected number of fair-coin flips until $n$ heads in a
row, exactly $2^{n+1} - 2$ for $n = 1..30$.

**One trial** — ``fn(n, flip) -> int``: call ``flip()`` (True = heads) until $n$ heads in a row have come up;
return the number of flips used. Checked on scripted sequences (exact counts: a tails must reset the run)
and on a seeded fair coin (the mean over many trials within 5 standard errors of $2^{n+1} - 2$). The coin
refuses to be flipped more than a budget of times, so a loop that never ends is reported, not hung.

See chapter: chapters/mathtools.md
"""

from __future__ import annotations

import contextlib
import math
import signal
import threading

import numpy as np

from mlnotes.drills.core import CaseResult, Verdict, call_reader

TIME_LIMIT = 2.0  # seconds per call of the reader's function


class DrillTimeout(Exception):
    """Raised inside the reader's function when it runs past the time limit."""


@contextlib.contextmanager
def time_limit(seconds=TIME_LIMIT):
    """Interrupt the block with :class:`DrillTimeout` after ``seconds`` (main thread on Unix; elsewhere no limit)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def _alarm(_signum, _frame):
        raise DrillTimeout(f"did not finish within {seconds:g} s: is there a loop that never stops?")

    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _setup_failure(drill, fn):
    if callable(fn):
        return None
    return Verdict(drill, (CaseResult("(setup)", False, f"expected a function, got {type(fn).__name__}."),))


def _call(fn, *args):
    with time_limit():
        return call_reader(fn, *args)


def _as_float(got):
    """The reader's number as a float, or (None, reason)."""
    if isinstance(got, (bool, np.bool_)) or got is None or isinstance(got, (str, bytes)):
        return None, f"should return a number, got {type(got).__name__} {got!r}"
    try:
        arr = np.asarray(got, dtype=float)
    except Exception:  # noqa: BLE001
        return None, f"should return a number, got {type(got).__name__}"
    if arr.size != 1:
        return None, f"should return one number, got an array of shape {arr.shape}"
    return float(arr.reshape(())), None


# -- Newton's square root -------------------------------------------------------------------------------------------

def newton_sqrt_solution(a):
    """√a by Newton's method on f(x) = x² − a: x ← (x + a/x)/2 from x0 ≥ √a until x stops decreasing."""
    if a == 0:
        return 0.0
    x = max(a, 1.0)  # x0 ≥ √a, so the iterates decrease monotonically
    while True:
        x_new = 0.5 * (x + a / x)  # x − f(x)/f'(x) = x − (x² − a)/(2x)
        if x_new >= x:  # no further decrease: rounding has taken over
            return x
        x = x_new


NEWTON_CASES = (
    ("a = 2", 2.0), ("a = 0 (x0 = a would divide by zero)", 0.0), ("a = 1", 1.0), ("a = 0.25 (√a > a)", 0.25),
    ("a = 1e-10", 1e-10), ("a = 9", 9.0), ("a = 1e300 (a tolerance of 1e-10 on x² − a never holds)", 1e300),
    ("a = 123456789.0", 123456789.0), ("a = 5e-324 (smallest subnormal)", 5e-324), ("a = 0.5", 0.5),
)


def _newton_hint(a, x) -> str:
    root = math.sqrt(a)
    if root > 0 and abs(x - root) / root > 0.01 and abs(x * x - a) < 1e-6:
        return " Likely bug: the stopping rule |x² − a| < tol is absolute: for tiny a it stops far from √a."
    if root > 0 and np.isclose(x, root, rtol=1e-3):
        return " Close but not to the last bit: keep iterating until x stops changing (or stops decreasing)."
    if root > 0 and np.isclose(x, a / 2, rtol=1e-9):
        return " Likely bug: only one step was taken from x0 = a; loop until x stops changing."
    return ""


def _newton_case(fn, name, a) -> CaseResult:
    got, error = _call(fn, a)
    if error is not None:
        hint = ""
        if "ZeroDivisionError" in error and a == 0:
            hint = " Likely bug: starting at x0 = a = 0 divides by zero in a/x; return 0 for a = 0."
        if "DrillTimeout" in error and a >= 1e100:
            hint = (" Likely bug: an absolute tolerance on x² − a (≈ 1e300 here, so its rounding steps are ≈ 1e284) "
                    "can never be met; stop when x stops changing, or use a relative tolerance.")
        return CaseResult(name, False, f"{error}{hint} [a = {a!r}]")
    x, why = _as_float(got)
    if why is not None:
        return CaseResult(name, False, f"{why} [a = {a!r}]")
    root = math.sqrt(a)
    if not math.isfinite(x):
        return CaseResult(name, False, f"returned {x}, expected √a = {root!r} [a = {a!r}]")
    err = abs(x - root)
    if err > math.ulp(root) if root > 0 else x != 0:
        rel = err / root if root else math.inf
        return CaseResult(name, False, f"returned {x!r}, expected √a = {root!r} (relative error {rel:.2g}; allowed: "
                                       f"one unit in the last place).{_newton_hint(a, x)} [a = {a!r}]", err,
                          rel)
    return CaseResult(name, True, "", err, err / root if root else 0.0)


def check_newton_sqrt(fn) -> Verdict:
    """Check a reader's ``fn(a) -> √a`` against ``math.sqrt`` to one ulp on ten cases.

    Returns a :class:`~mlnotes.drills.core.Verdict`; never raises because of ``fn``.
    See chapter: chapters/mathtools.md
    """
    drill = "Newton's square root"
    if (fail := _setup_failure(drill, fn)) is not None:
        return fail
    return Verdict(drill, _stop_after_timeout(lambda case: _newton_case(fn, *case), NEWTON_CASES, lambda c: c[0]))


def _stop_after_timeout(run_case, cases, name_of) -> tuple:
    """Run the cases in order; once one times out, mark the rest as not run (a hung loop costs 2 s, not 20)."""
    results = []
    for case in cases:
        if any("DrillTimeout" in r.message for r in results):
            results.append(CaseResult(name_of(case), False, "not run: an earlier case did not finish."))
            continue
        results.append(run_case(case))
    return tuple(results)


# -- expected flips (formula) -------------------------------------------------------------------------------------

def expected_flips_solution(n):
    """E_n = 2^(n+1) − 2 from E_k = 2 E_{k−1} + 2, E_0 = 0."""
    e = 0
    for _ in range(n):
        e = 2 * e + 2  # E_k = E_{k−1} + 1 + ½·0 + ½·E_k
    return e


def check_expected_flips(fn) -> Verdict:
    """Check a reader's ``fn(n)`` = expected fair-coin flips until n heads in a row, for n = 1..30 (exact).

    See chapter: chapters/mathtools.md
    """
    drill = "Expected flips until n heads in a row"
    if (fail := _setup_failure(drill, fn)) is not None:
        return fail
    results = []
    for n in range(1, 31):
        want = 2 ** (n + 1) - 2
        got, error = _call(fn, n)
        if error is not None:
            results.append(CaseResult(f"n = {n}", False, f"{error} [n = {n}]"))
            continue
        x, why = _as_float(got)
        if why is not None or x != want:
            hint = ""
            if why is None:
                if x == 2**n:
                    hint = " Likely bug: 2ⁿ is 1/P(n heads in n flips), not the expected waiting time."
                elif x == 2 ** (n + 1):
                    hint = " Likely bug: off by the −2: E_n = 2^(n+1) − 2 (E_1 = 2 flips on average for one head)."
                elif x == 2 ** (n + 1) - 1:
                    hint = " Likely bug: E_n = 2^(n+1) − 2, not − 1 (check E_1 = 2)."
            results.append(CaseResult(f"n = {n}", False, (why or f"returned {got!r}, expected {want}.") + hint
                                      + f" [n = {n}]"))
            continue
        results.append(CaseResult(f"n = {n}", True, "", 0.0, 0.0))
    return Verdict(drill, tuple(results))


# -- one simulated trial ----------------------------------------------------------------------------------------

class OutOfFlips(Exception):
    """Raised by the drill's coin after its budget of flips."""


class Coin:
    """A coin for the drill: ``coin()`` returns True (heads) or False; scripted or seeded, with a flip budget."""

    def __init__(self, script=None, seed=None, budget=100_000):
        self.script, self.rng, self.budget, self.flips = script, np.random.default_rng(seed), budget, 0

    def __call__(self) -> bool:
        if self.flips >= self.budget:
            raise OutOfFlips(f"the coin was flipped more than {self.budget} times: does the loop end once n heads "
                             "in a row have come up?")
        if self.script is not None and self.flips >= len(self.script):
            raise OutOfFlips(f"the scripted coin ran out after {len(self.script)} flips "
                             f"({''.join('H' if h else 'T' for h in self.script)}): the loop should have stopped")
        heads = bool(self.script[self.flips]) if self.script is not None else bool(self.rng.random() < 0.5)
        self.flips += 1
        return heads


def flips_until_run_solution(n, flip):
    """Flip until n heads in a row; return how many flips that took."""
    flips = run = 0
    while run < n:
        flips += 1
        run = run + 1 if flip() else 0  # heads extends the run, tails resets it
    return flips


SCRIPTS = (  # (n, sequence, flips needed)
    (1, "H", 1), (1, "TTTH", 4), (2, "HH", 2), (2, "HTHH", 4), (3, "HHTHHH", 6), (3, "THHTHTHHH", 9),
    (3, "HHTTHHH", 7), (4, "HHHTHHHH", 8),
)


def _trial(fn, n, coin):
    got, error = _call(fn, n, coin)
    if error is not None:
        return None, error
    if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, np.integer)):
        x, why = _as_float(got)
        if why is not None or x != int(x):
            return None, why or f"should return a whole number of flips, got {got!r}"
        got = int(x)
    return int(got), None


def check_flips_until_run(fn) -> Verdict:
    """Check a reader's ``fn(n, flip) -> flips`` on scripted sequences and on 4000 trials of a seeded fair coin.

    See chapter: chapters/mathtools.md
    """
    drill = "Flips until n heads in a row (one trial)"
    if (fail := _setup_failure(drill, fn)) is not None:
        return fail
    results = []
    for n, seq, want in SCRIPTS:
        coin = Coin(script=[c == "H" for c in seq])
        name = f"n = {n}, flips {seq}"
        if any("DrillTimeout" in r.message for r in results):
            results.append(CaseResult(name, False, "not run: an earlier case did not finish."))
            continue
        got, error = _trial(fn, n, coin)
        if error is None and got != coin.flips:
            error = f"returned {got} but flipped the coin {coin.flips} times: return the number of flips used"
        if error is None and got != want:
            hint = ""
            if want == len(seq) and "T" in seq and got < want:
                hint = " Likely bug: a tails must reset the run to 0."
            error = f"needed {want} flips, got {got}.{hint}"
        results.append(CaseResult(name, error is None, "" if error is None else f"{error} [{name}]"))
    for n in (2, 4):
        if any("DrillTimeout" in r.message for r in results):
            results.append(CaseResult(f"n = {n}: 4000 trials", False, "not run: an earlier case did not finish."))
            continue
        coin = Coin(seed=100 + n, budget=2_000_000)
        counts, error = [], None
        for _ in range(4000):
            before = coin.flips
            got, error = _trial(fn, n, coin)
            if error is None and got != coin.flips - before:
                error = f"returned {got} but flipped the coin {coin.flips - before} times"
            if error is not None:
                break
            counts.append(got)
        name = f"n = {n}: mean of 4000 trials vs 2^(n+1) − 2 = {2 ** (n + 1) - 2}"
        if error is None:
            mean, se = float(np.mean(counts)), float(np.std(counts) / np.sqrt(len(counts)))
            if abs(mean - (2 ** (n + 1) - 2)) > 5 * se:
                error = f"the mean of 4000 trials is {mean:.2f} ± {se:.2f}, far from {2 ** (n + 1) - 2}"
            elif min(counts) < n:
                error = f"a trial returned {min(counts)} flips, but n = {n} heads need at least {n}"
        results.append(CaseResult(name, error is None, "" if error is None else f"{error} [{name}]"))
    return Verdict(drill, tuple(results))
