r"""Bayes' rule (贝叶斯公式) and the base-rate trap, worked on a screening test.

For a condition with prevalence $P(D)$ and a test with sensitivity $P(+\mid D)$ and specificity
$P(-\mid \neg D)$:
$$P(D\mid +) = \frac{P(+\mid D)\,P(D)}{P(+\mid D)\,P(D) + \big(1 - P(-\mid\neg D)\big)\,\big(1 - P(D)\big)} .$$
When the condition is rare the false positives of the many healthy people outnumber the true positives
of the few sick ones, so even an accurate test gives a low $P(D\mid +)$: the **base-rate fallacy (基率谬误)**.

See chapter: chapters/mathtools.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_int, check_real


def _rates(prevalence, sensitivity, specificity):
    return tuple(check_real(name, v, low=0.0, high=1.0) for name, v in
                 (("prevalence", prevalence), ("sensitivity", sensitivity), ("specificity", specificity)))


def posterior_positive(prevalence, sensitivity, specificity) -> float:
    """P(D | +) by Bayes' rule; ValueError if a positive result is impossible (denominator 0).

    See chapter: chapters/mathtools.md
    """
    prev, sens, spec = _rates(prevalence, sensitivity, specificity)
    true_pos, false_pos = sens * prev, (1 - spec) * (1 - prev)  # P(+, D), P(+, ¬D)
    if true_pos + false_pos == 0:
        raise ValueError("P(+) = 0: no one tests positive, so P(D | +) is undefined")
    return true_pos / (true_pos + false_pos)


def screening_counts(prevalence, sensitivity, specificity, n=1_000_000, seed=0) -> dict:
    """Simulate n people: {"TP", "FP", "FN", "TN"} counts (ints).

    See chapter: chapters/mathtools.md
    """
    prev, sens, spec = _rates(prevalence, sensitivity, specificity)
    n = check_int("n", n, low=1)
    rng = np.random.default_rng(check_int("seed", seed, low=0))
    sick = rng.random(n) < prev
    positive = np.where(sick, rng.random(n) < sens, rng.random(n) >= spec)
    return {"TP": int(np.sum(sick & positive)), "FP": int(np.sum(~sick & positive)),
            "FN": int(np.sum(sick & ~positive)), "TN": int(np.sum(~sick & ~positive))}
