"""Known wrong answers of the Newton square-root and coin-flip drills (mlnotes/drills/mathtools.py).

Stdlib only; run in Python and in Pyodide. Pyodide cannot interrupt a loop that never ends (no timer signal),
so every answer here ends by itself: the hanging versions stay in tests/test_drills_mathtools.py, where the
checker's 2 s time limit cuts them. Each function is a mistake a reader makes; every one must fail.
"""


# -- Newton's square root: fn(a) -> float ------------------------------------------------------------
def newton_start_at_a(a):
    """Starts at x0 = a: a = 0 divides by zero in a/x."""
    x = a
    for _ in range(60):
        x = (x + a / x) / 2
    return x


def newton_fixed_steps(a):
    """Three Newton steps, then stops: close, but not to the last bit."""
    x = max(a, 1.0)
    for _ in range(3):
        x = (x + a / x) / 2
    return x


def newton_one_step(a):
    """One step from x0 = a: returns (a + 1)/2."""
    return (a + 1) / 2


def newton_absolute_tolerance_capped(a, tol=1e-10):
    """Stops when |x² − a| < tol (absolute), at most 2000 steps: stops far too early for a tiny a."""
    x = max(a, 1.0)
    for _ in range(2000):
        if abs(x * x - a) < tol:
            break
        x = (x + a / x) / 2
    return x


def newton_returns_a_string(a):
    """Returns the root formatted as text."""
    return f"{a ** 0.5:.17g}"


# -- expected flips until n heads in a row: fn(n) -> number -------------------------------------------------
def flips_two_to_the_n(n):
    """2ⁿ: one over the probability of n heads in n flips, not the expected waiting time."""
    return 2**n


def flips_missing_minus_two(n):
    """2^(n+1) without the − 2."""
    return 2 ** (n + 1)


def flips_minus_one(n):
    """2^(n+1) − 1 instead of − 2."""
    return 2 ** (n + 1) - 1


def flips_recurrence_off_by_one(n):
    """E_k = 2 E_{k−1} + 1 (forgets that the tails flip also costs one): 2ⁿ − 1."""
    e = 0
    for _ in range(n):
        e = 2 * e + 1
    return e


def flips_as_words(n):
    """Returns a sentence instead of a number."""
    return f"about {2 ** (n + 1) - 2} flips"


# -- one trial: fn(n, flip) -> flips used ---------------------------------------------------------------
def trial_no_reset(n, flip):
    """Counts heads in total: a tails does not reset the run."""
    flips = run = 0
    while run < n:
        flips += 1
        run += flip()
    return flips


def trial_off_by_one(n, flip):
    """Returns one less than the number of flips used."""
    flips = run = 0
    while run < n:
        flips += 1
        run = run + 1 if flip() else 0
    return flips - 1


def trial_ignores_the_coin(n, flip):
    """Returns the expected value 2^(n+1) − 2 without flipping."""
    return 2 ** (n + 1) - 2


def trial_counts_tails(n, flip):
    """Returns the number of tails seen, not the number of flips."""
    tails = run = 0
    while run < n:
        if flip():
            run += 1
        else:
            tails, run = tails + 1, 0
    return tails


def trial_returns_none(n, flip):
    """Flips until the run but forgets to return."""
    run = 0
    while run < n:
        run = run + 1 if flip() else 0


ANSWERS = {
    "newton_sqrt": [newton_start_at_a, newton_fixed_steps, newton_one_step, newton_absolute_tolerance_capped,
                    newton_returns_a_string],
    "expected_flips": [flips_two_to_the_n, flips_missing_minus_two, flips_minus_one, flips_recurrence_off_by_one,
                       flips_as_words],
    "flips_until_run": [trial_no_reset, trial_off_by_one, trial_ignores_the_coin, trial_counts_tails,
                        trial_returns_none],
}
