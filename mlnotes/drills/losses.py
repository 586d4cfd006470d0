r"""Drills: hand-write softmax + cross-entropy from logits, InfoNCE with in-batch negatives, KL of two Gaussians.

1. ``softmax_cross_entropy(logits, target)`` with logits (N, C) and class indices (N,) → ``(probs, loss)``:
   the softmax over each row (N, C) and the mean cross-entropy (a scalar), both stable for any
   finite logits (use the log-sum-exp: $\ell_n = \operatorname{logsumexp}(z_n) - z_{n, y_n}$).
2. ``info_nce(query, key, temperature)`` with query, key (B, d) → the mean InfoNCE loss with in-batch
   negatives: cross-entropy of ``query @ key.T / temperature`` with labels ``arange(B)``.
3. ``kl_normal(mu_p, sigma_p, mu_q, sigma_q)`` → $D_\text{KL}(\mathcal N(\mu_p,\sigma_p^2)\|\mathcal N(\mu_q,\sigma_q^2))$
   elementwise (arrays broadcast).

References (float64): ``torch.softmax`` and ``torch.nn.functional.cross_entropy``; the same with
``torch.arange(B)`` labels; ``torch.distributions.kl_divergence``. In the browser (Pyodide, no torch) the
book's own numpy functions, proven equal to those in the tests: :func:`mlnotes.activations.softmax`,
:func:`mlnotes.losses.cross_entropy`, :func:`mlnotes.losses.info_nce` and :func:`mlnotes.losses.kl_normal`
(see each checker). On a mismatch the checker replays common mistakes and names the one that reproduces
your output.

See chapter: chapters/losses.md
"""

from __future__ import annotations

import numpy as np

from mlnotes.drills.core import Case, CaseResult, Verdict, call_reader, check, library_oracle

RTOL, ATOL = 1e-9, 1e-10


# -- worked solutions -------------------------------------------------------------------------------------
def softmax_cross_entropy_solution(logits, target):
    """Row-wise softmax and mean cross-entropy, stable: subtract each row's max, use log-sum-exp.

    See chapter: chapters/losses.md
    """
    z = np.asarray(logits, dtype=float)
    shifted = z - z.max(axis=1, keepdims=True)  # every row's max becomes 0
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))  # log softmax, never log(0)
    loss = -log_probs[np.arange(len(z)), target].mean()  # −log p of the true class, averaged
    return np.exp(log_probs), loss


def info_nce_solution(query, key, temperature=0.07):
    """Mean InfoNCE: cross-entropy of the similarity matrix with the diagonal as the positives.

    See chapter: chapters/losses.md
    """
    logits = query @ key.T / temperature  # (B, B): row i's positive is key i
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return -np.mean(np.diag(log_probs))  # labels = arange(B)


def kl_normal_solution(mu_p, sigma_p, mu_q, sigma_q):
    """KL(N(μ_p, σ_p²) ‖ N(μ_q, σ_q²)) = log(σ_q/σ_p) + (σ_p² + (μ_p − μ_q)²)/(2σ_q²) − 1/2.

    See chapter: chapters/losses.md
    """
    return np.log(sigma_q / sigma_p) + (sigma_p**2 + (mu_p - mu_q) ** 2) / (2 * sigma_q**2) - 0.5


# -- shared: hints by replaying mistakes ---------------------------------------------------------------------
def _matches(got, want) -> bool:
    try:
        if isinstance(want, tuple):
            return isinstance(got, tuple) and len(got) == len(want) and all(_matches(g, w) for g, w in zip(got, want))
        arr, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
        return arr.shape == want.shape and bool(np.allclose(arr, want, rtol=1e-7, atol=1e-10, equal_nan=True))
    except Exception:  # noqa: BLE001
        return False


def _with_hints(verdict: Verdict, fn, reference, cases, mistakes) -> Verdict:
    """Append 'Likely bug: …' to each failed case whose (wrong) output a known mistake reproduces.

    A mistake that gives the right answer on a case says nothing there and is skipped.
    """
    by_name = {c.name: c for c in cases}
    results = []
    for r in verdict.results:
        case = by_name.get(r.name)
        if not r.passed and case is not None:
            kwargs = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in case.kwargs.items()}
            got, error = call_reader(fn, **kwargs)
            right = reference(**case.kwargs)
            if error is None and not _matches(got, right):
                for hint, wrong in mistakes:
                    try:
                        with np.errstate(all="ignore"):
                            want = wrong(**case.kwargs)
                    except Exception:  # noqa: BLE001
                        continue
                    if _matches(got, want) and not _matches(want, right):
                        r = CaseResult(r.name, False, f"{r.message} Likely bug: {hint}", r.max_abs_err, r.max_rel_err)
                        break
        results.append(r)
    return Verdict(verdict.drill, tuple(results))


def _run(fn, reference, cases, mistakes, **kw) -> Verdict:
    with np.errstate(all="ignore"):
        verdict = check(fn, reference, cases, rtol=RTOL, atol=ATOL, **kw)
        return _with_hints(verdict, fn, reference, cases, mistakes)


# -- 1. softmax + cross-entropy ---------------------------------------------------------------------------------
def softmax_ce_cases() -> list:
    """Random, huge logits, a true class far below the others, one sample, two classes, constant rows."""
    rng = np.random.default_rng(21)
    return [
        Case("random (4, 5)", {"logits": rng.standard_normal((4, 5)), "target": np.array([0, 3, 4, 1])}),
        Case("large logits ±1e4: naive exp overflows",
             {"logits": np.array([[1e4, -1e4, 0.0], [3.0, 1e4, 1e4 - 2]]), "target": np.array([0, 2])}),
        Case("true class 1e4 below the best: loss ≈ 1e4, softmax underflows to 0",
             {"logits": np.array([[0.0, -1e4, 5.0], [2.0, 1.0, 0.0]]), "target": np.array([1, 0])}),
        Case("rows on very different scales (global-max trap)",
             {"logits": np.array([[1000.0, 999.0, 998.0], [-1000.0, -1001.0, -999.0]]), "target": np.array([0, 2])}),
        Case("one sample (1, 3)", {"logits": np.array([[2.0, 1.0, 0.1]]), "target": np.array([0])}),
        Case("two classes (6, 2)", {"logits": 2 * rng.standard_normal((6, 2)), "target": rng.integers(0, 2, 6)}),
        Case("constant rows: uniform, loss = ln C", {"logits": np.full((3, 7), 4.2), "target": np.array([0, 3, 6])}),
    ]


def _softmax_ce_reference(logits, target):
    if not library_oracle():  # the browser: the book's softmax and cross-entropy (numpy)
        from mlnotes.activations import softmax
        from mlnotes.losses import cross_entropy

        return softmax(logits, axis=1), np.asarray(cross_entropy(logits, target))
    import torch

    z = torch.tensor(logits, dtype=torch.float64)
    probs = torch.softmax(z, dim=1).numpy()
    loss = torch.nn.functional.cross_entropy(z, torch.tensor(target)).numpy()
    return probs, loss


def _softmax_ce_mistakes():
    def naive(logits, target):
        e = np.exp(logits)
        p = e / e.sum(axis=1, keepdims=True)
        return p, -np.log(p[np.arange(len(p)), target]).mean()

    def log_of_probs(logits, target):
        p, _ = softmax_cross_entropy_solution(logits, target)
        return p, -np.log(p[np.arange(len(p)), target]).mean()

    def global_max(logits, target):
        e = np.exp(logits - logits.max())
        p = e / e.sum(axis=1, keepdims=True)
        return p, -np.log(p[np.arange(len(p)), target]).mean()

    def summed(logits, target):
        p, loss = softmax_cross_entropy_solution(logits, target)
        return p, loss * len(p)

    def no_minus(logits, target):
        p, loss = softmax_cross_entropy_solution(logits, target)
        return p, -loss

    def wrong_axis(logits, target):
        z = logits - logits.max(axis=0, keepdims=True)
        p = np.exp(z) / np.exp(z).sum(axis=0, keepdims=True)
        _, loss = softmax_cross_entropy_solution(logits, target)
        return p, loss

    return [
        ("the loss takes log of the softmax, which underflows to 0 (log 0 = −inf): use log-softmax, "
         "(z − max) − log Σ exp(z − max).", log_of_probs),
        ("no max subtracted: exp(1e4) = inf and inf/inf = NaN. Subtract each row's max first.", naive),
        ("the global max of the whole batch is subtracted (the notes' trap): a row far below it underflows to "
         "0/0 = NaN. Subtract each row's own max (keepdims=True).", global_max),
        ("the loss is summed over the batch; F.cross_entropy averages (mean).", summed),
        ("the loss has the wrong sign: cross-entropy is −log p(true class) ≥ 0.", no_minus),
        ("softmax over the wrong axis: each row (sample) must sum to 1, axis=1.", wrong_axis),
    ]


def check_softmax_cross_entropy(fn) -> Verdict:
    """Check ``fn(logits, target) -> (probs, loss)`` against torch (float64) on the cases above.

    Reference: ``torch.softmax`` and ``torch.nn.functional.cross_entropy`` (float64); in the browser (Pyodide)
    :func:`mlnotes.activations.softmax` and :func:`mlnotes.losses.cross_entropy`, proven equal in
    tests/test_activations.py::test_softmax_and_backward_equal_torch and
    tests/test_losses.py::test_cross_entropy_class_targets_equal_torch.
    See chapter: chapters/losses.md
    """
    return _run(fn, _softmax_ce_reference, softmax_ce_cases(), _softmax_ce_mistakes(), drill="softmax + cross-entropy",
                output_names=("probs", "loss"))


# -- 2. InfoNCE ------------------------------------------------------------------------------------------------------
def info_nce_cases() -> list:
    """Random pairs, aligned pairs, one pair, a tiny temperature (logits ~1000), more pairs than dimensions."""
    rng = np.random.default_rng(22)

    def unit(a):
        return a / np.linalg.norm(a, axis=1, keepdims=True)

    q = unit(rng.standard_normal((5, 8)))
    return [
        Case("random (4, 8), τ = 0.07", {"query": rng.standard_normal((4, 8)), "key": rng.standard_normal((4, 8)),
                                          "temperature": 0.07}),
        Case("positives = noisy copies (6, 8), τ = 0.1",
             {"query": q[:5], "key": unit(q[:5] + 0.2 * rng.standard_normal((5, 8))), "temperature": 0.1}),
        Case("one pair (B = 1): loss 0", {"query": rng.standard_normal((1, 4)), "key": rng.standard_normal((1, 4)),
                                         "temperature": 0.5}),
        Case("τ = 0.001: logits ~1000 (naive exp overflows)",
             {"query": q, "key": unit(q + 0.5 * rng.standard_normal((5, 8))), "temperature": 0.001}),
        Case("more pairs than dimensions (8, 3), τ = 1", {"query": rng.standard_normal((8, 3)),
                                                          "key": rng.standard_normal((8, 3)), "temperature": 1.0}),
    ]


def _info_nce_reference(query, key, temperature):
    if not library_oracle():  # the browser: the book's InfoNCE (numpy)
        from mlnotes.losses import info_nce

        return np.asarray(info_nce(query, key, temperature))
    import torch

    logits = torch.tensor(query) @ torch.tensor(key).T / temperature
    return torch.nn.functional.cross_entropy(logits, torch.arange(len(query))).numpy()


def _ce_mean(logits, labels):
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return -np.mean(log_probs[np.arange(len(logits)), labels])


def _info_nce_mistakes():
    def zeros(query, key, temperature):
        return _ce_mean(query @ key.T / temperature, np.zeros(len(query), dtype=int))

    def no_temperature(query, key, temperature):
        return _ce_mean(query @ key.T, np.arange(len(query)))

    def times_temperature(query, key, temperature):
        return _ce_mean(query @ key.T * temperature, np.arange(len(query)))

    def summed(query, key, temperature):
        return info_nce_solution(query, key, temperature) * len(query)

    def naive(query, key, temperature):
        s = np.exp(query @ key.T / temperature)
        return -np.mean(np.log(np.diag(s) / s.sum(axis=1)))

    return [
        ("labels are all 0 (the notes' code, erratum 15): the positive of row i is column i, labels = arange(B).",
         zeros),
        ("the temperature is missing: divide the similarities by τ.", no_temperature),
        ("the similarities are multiplied by τ; divide by it.", times_temperature),
        ("the loss is summed over the batch; average it.", summed),
        ("exp of logits ~1000 overflows (inf/inf = NaN): subtract each row's max (log-sum-exp).", naive),
    ]


def check_info_nce(fn) -> Verdict:
    """Check ``fn(query, key, temperature) -> loss`` against ``F.cross_entropy(q @ k.T / τ, arange(B))``.

    Reference: that torch expression (float64); in the browser (Pyodide) :func:`mlnotes.losses.info_nce`, proven
    equal in tests/test_losses.py::test_info_nce_equals_torch_ce_on_diagonal_labels.
    See chapter: chapters/losses.md
    """
    return _run(fn, _info_nce_reference, info_nce_cases(), _info_nce_mistakes(), drill="InfoNCE",
                output_names=("loss",))


# -- 3. KL of two Gaussians -------------------------------------------------------------------------------------------
def kl_normal_cases() -> list:
    """Vectors, P = Q (KL 0), broadcasting (3, 1) against (4,), very different widths, scalars."""
    rng = np.random.default_rng(23)
    return [
        Case("vectors (5,)", {"mu_p": rng.standard_normal(5), "sigma_p": rng.uniform(0.5, 2, 5),
                              "mu_q": rng.standard_normal(5), "sigma_q": rng.uniform(0.5, 2, 5)}),
        Case("P = Q: KL = 0", {"mu_p": np.array([0.3, -1.0]), "sigma_p": np.array([1.5, 0.2]),
                               "mu_q": np.array([0.3, -1.0]), "sigma_q": np.array([1.5, 0.2])}),
        Case("broadcast: P (3, 1) against Q (4,)", {"mu_p": rng.standard_normal((3, 1)), "sigma_p": np.full((3, 1), 0.7),
                                                    "mu_q": rng.standard_normal(4), "sigma_q": rng.uniform(0.5, 3, 4)}),
        Case("very different widths (σ 0.01 vs 10)", {"mu_p": np.array([0.0, 1.0]), "sigma_p": np.array([0.01, 10.0]),
                                                      "mu_q": np.array([0.0, 1.0]), "sigma_q": np.array([10.0, 0.01])}),
        Case("the VAE prior: Q = N(0, 1)", {"mu_p": np.array([0.5, -2.0, 0.0]), "sigma_p": np.array([0.3, 1.0, 2.0]),
                                            "mu_q": np.zeros(3), "sigma_q": np.ones(3)}),
    ]


def _kl_normal_reference(mu_p, sigma_p, mu_q, sigma_q):
    if not library_oracle():  # the browser: the book's closed form (numpy)
        from mlnotes.losses import kl_normal

        return kl_normal(mu_p, sigma_p, mu_q, sigma_q)
    import torch
    from torch.distributions import Normal, kl_divergence

    t = [torch.tensor(np.asarray(a, dtype=float)) for a in (mu_p, sigma_p, mu_q, sigma_q)]
    return kl_divergence(Normal(t[0], t[1]), Normal(t[2], t[3])).numpy()


def _kl_normal_mistakes():
    def swapped(mu_p, sigma_p, mu_q, sigma_q):
        return kl_normal_solution(mu_q, sigma_q, mu_p, sigma_p)

    def sigma_as_variance(mu_p, sigma_p, mu_q, sigma_q):
        return 0.5 * np.log(sigma_q / sigma_p) + (sigma_p + (mu_p - mu_q) ** 2) / (2 * sigma_q) - 0.5

    def no_half(mu_p, sigma_p, mu_q, sigma_q):
        return kl_normal_solution(mu_p, sigma_p, mu_q, sigma_q) + 0.5

    def inverted_log(mu_p, sigma_p, mu_q, sigma_q):
        return np.log(sigma_p / sigma_q) + (sigma_p**2 + (mu_p - mu_q) ** 2) / (2 * sigma_q**2) - 0.5

    def no_two(mu_p, sigma_p, mu_q, sigma_q):
        return np.log(sigma_q / sigma_p) + (sigma_p**2 + (mu_p - mu_q) ** 2) / sigma_q**2 - 0.5

    return [
        ("P and Q are swapped: you computed KL(Q‖P). KL is not symmetric.", swapped),
        ("σ is treated as a variance (σ instead of σ²): the arguments are standard deviations.", sigma_as_variance),
        ("the −1/2 is missing (KL(P‖P) must be 0).", no_half),
        ("the log ratio is upside down: log(σ_q/σ_p), not log(σ_p/σ_q).", inverted_log),
        ("the 2 in 2σ_q² is missing.", no_two),
    ]


def check_kl_normal(fn) -> Verdict:
    """Check ``fn(mu_p, sigma_p, mu_q, sigma_q) -> KL`` against ``torch.distributions.kl_divergence``.

    Reference: ``kl_divergence(Normal, Normal)`` (float64); in the browser (Pyodide) :func:`mlnotes.losses.kl_normal`,
    proven equal in tests/test_losses.py::test_kl_normal_equals_torch_and_mc.
    See chapter: chapters/losses.md
    """
    return _run(fn, _kl_normal_reference, kl_normal_cases(), _kl_normal_mistakes(), drill="KL of two Gaussians",
                output_names=("kl",))
