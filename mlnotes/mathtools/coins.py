r"""Coin-flip questions: the expected number of flips until $n$ heads in a row, and runs within $m$ flips.

Let $E_k$ be the expected number of flips to see $k$ heads in a row (heads with probability $p$). To get
$k$ in a row, first get $k-1$ in a row ($E_{k-1}$ flips), then flip once more: heads (prob. $p$) ends it,
tails (prob. $1-p$) sends us back to the start, needing $E_k$ more flips:
$$E_k = E_{k-1} + 1 + (1-p)\,E_k \;\Rightarrow\; E_k = \frac{E_{k-1} + 1}{p},\quad E_0 = 0
\;\Rightarrow\; E_n = \frac{1 - p^n}{(1-p)\,p^n} \overset{p=1/2}{=} 2^{n+1} - 2 .$$
(The notes' recurrence $T_n = T_{n-1} + 1 + 0.5\cdot 0 + 0.5\,T_n$ is this with $p = \tfrac12$.)

An independent derivation: first-step analysis on the Markov chain whose state is the current run
length $s = 0..n-1$: $E_s = 1 + p\,E_{s+1} + (1-p)\,E_0$ with $E_n = 0$, solved exactly in fractions.

Other questions of the kind: $P(n \text{ heads in } n \text{ flips}) = p^n$; $P(\text{a run of } n
\text{ heads somewhere in } m \text{ flips})$ by dynamic programming over the run length.

See chapter: chapters/mathtools.md
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from mlnotes._checks import check_int, check_real


def _prob(p):
    if isinstance(p, Fraction):
        if not 0 < p <= 1:
            raise ValueError(f"p must be in (0, 1], got {p}")
        return p
    return Fraction(check_real("p", p, low=0.0, high=1.0, low_open=True)).limit_denominator(10**12)


def expected_flips(n, p=Fraction(1, 2)) -> Fraction:
    """E_n = (1 − pⁿ) / ((1 − p) pⁿ), exactly (a Fraction); 2^(n+1) − 2 for a fair coin, n for p = 1.

    See chapter: chapters/mathtools.md
    """
    return _expected_flips(check_int("n", n, low=0), _prob(p))


def _expected_flips(n, p):
    if p == 1:
        return Fraction(n)  # every flip is heads
    return (1 - p**n) / ((1 - p) * p**n)  # the recurrence E_k = (E_{k−1} + 1)/p, summed


def expected_flips_recurrence(n, p=Fraction(1, 2)) -> list:
    """[E_0, E_1, …, E_n] from E_k = (E_{k−1} + 1)/p, exactly.

    See chapter: chapters/mathtools.md
    """
    n = check_int("n", n, low=0)
    p = _prob(p)
    values = [Fraction(0)]
    for _ in range(n):
        values.append((values[-1] + 1) / p)  # E_k = E_{k−1} + 1 + (1 − p) E_k, solved for E_k
    return values


def expected_flips_markov(n, p=Fraction(1, 2)) -> Fraction:
    """E_0 by first-step analysis on run-length states, exactly: E_s = a_s + b_s·E_0 solved backwards from E_n = 0.

    See chapter: chapters/mathtools.md
    """
    return _expected_flips_markov(check_int("n", n, low=1), _prob(p))


def _expected_flips_markov(n, p):
    a, b = Fraction(0), Fraction(0)  # E_n = 0 = a_n + b_n·E_0
    for _ in range(n):  # from state s + 1 down to s: E_s = 1 + p·E_{s+1} + (1 − p)·E_0
        a, b = 1 + p * a, p * b + (1 - p)
    return a / (1 - b)  # state 0: E_0 = a_0 + b_0·E_0


def waiting_times(n, n_flips=2_000_000, p=0.5, seed=0) -> np.ndarray:
    """Simulated numbers of flips until n heads in a row: i.i.d. draws (int64) from one long stream of flips.

    After each success the count restarts, so a run of L heads holds ⌊L/n⌋ successes; the gaps between
    successive successes are independent waiting times. The unfinished tail is dropped.
    See chapter: chapters/mathtools.md
    """
    n = check_int("n", n, low=1)
    n_flips = check_int("n_flips", n_flips, low=1)
    p = check_real("p", p, low=0.0, high=1.0, low_open=True)
    heads = np.random.default_rng(check_int("seed", seed, low=0)).random(n_flips) < p
    edges = np.diff(np.concatenate([[0], heads.astype(np.int8), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)  # runs of heads [start, end)
    per_run = (ends - starts) // n  # successes inside each run
    j = np.arange(per_run.sum()) - np.repeat(np.cumsum(per_run) - per_run, per_run) + 1  # 1..per_run in each run
    done = np.repeat(starts, per_run) + j * n - 1  # index of the flip completing each success
    return np.diff(np.concatenate([[-1], done]))


def prob_all_heads(n, p=Fraction(1, 2)) -> Fraction:
    """P(n heads in n flips) = pⁿ.

    See chapter: chapters/mathtools.md
    """
    return _prob(p) ** check_int("n", n, low=0)


def prob_run_within(n, m, p=Fraction(1, 2)) -> Fraction:
    """P(at least one run of n heads in m flips), exactly, by dynamic programming over the current run length.

    See chapter: chapters/mathtools.md
    """
    n = check_int("n", n, low=1)
    m = check_int("m", m, low=0)
    p = _prob(p)
    state = [Fraction(1)] + [Fraction(0)] * (n - 1)  # P(no run yet, current run length = s)
    done = Fraction(0)
    for _ in range(m):
        new = [Fraction(0)] * n
        new[0] = (1 - p) * sum(state)  # tails resets the run
        for s in range(n - 1):
            new[s + 1] = p * state[s]  # heads extends it
        done += p * state[n - 1]  # heads at length n − 1 completes a run
        state = new
    return done
