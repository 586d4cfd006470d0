r"""Drills: hand-write LayerNorm and BatchNorm (train + eval), checked against ``torch.nn.functional``.

**LayerNorm** — ``fn(x, gamma, beta, eps=1e-5) -> y`` for x of shape (..., D), γ, β of shape (D,):
$$y = \gamma\,\frac{x-\mu}{\sqrt{\sigma^2+\epsilon}} + \beta,\quad \mu, \sigma^2\ \text{(biased) over the last axis}.$$

**BatchNorm** — ``fn(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5)
-> (y, new_running_mean, new_running_var)`` for x of shape (N, C) or (N, C, H, W), everything
else of shape (C,). Train mode: normalize with the batch mean and *biased* variance over every
axis but C, and return $(1-m)\,\bar\mu + m\,\mu_B$ and $(1-m)\,\bar\sigma^2 + m\,\frac{n}{n-1}\sigma_B^2$
($n$ values per channel). Eval mode: normalize with the running statistics and return them unchanged.
The inputs must not be modified. A case is a sequence of steps; the reader's returned running
statistics are fed into the next step, so a wrong update shows up in the next eval step.

On a mismatch the checker replays common mistakes on the same inputs and names the one that matches.

References (float64): ``torch.nn.functional.layer_norm`` and ``torch.nn.functional.batch_norm``; in the browser
(Pyodide, no torch) :func:`mlnotes.norms.layer_norm` and :func:`mlnotes.norms.batch_norm`, proven equal in
tests/test_norms.py (``test_layer_norm_equals_torch``, ``test_functional_batch_norm_equals_torch_and_is_pure``).

See chapter: chapters/normalization.md
"""

from __future__ import annotations

import functools
import warnings

import numpy as np

from mlnotes.drills.core import CaseResult, Verdict, call_reader, check_outputs, mutated_inputs, oracle

RTOL = 1e-7
BN_NAMES = ("y", "new_running_mean", "new_running_var")


# -- LayerNorm ------------------------------------------------------------------------------------

def layer_norm_solution(x, gamma, beta, eps=1e-5):
    """LayerNorm over the last axis of x (..., D) with γ, β (D,); returns a new array like x."""
    mean = x.mean(axis=-1, keepdims=True)  # μ per row, (..., 1)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)  # biased σ², two-pass (no cancellation)
    return gamma * (x - mean) / np.sqrt(var + eps) + beta


def _ln_variant(x, gamma, beta, eps, *, ddof=0, eps_at="inside", axis=-1, affine="right"):
    """LayerNorm with one knob turned the wrong way."""
    mean = x.mean(axis=axis, keepdims=True)
    var = x.var(axis=axis, keepdims=True, ddof=ddof) if axis is not None else x.var(ddof=ddof)
    mean = mean if axis is not None else x.mean()
    denom = {"inside": np.sqrt(var + eps), "outside": np.sqrt(var) + eps, "none": np.sqrt(var)}[eps_at]
    x_hat = (x - mean) / denom
    return {"right": gamma * x_hat + beta, "none": x_hat, "swapped": beta * x_hat + gamma}[affine]


_LN_MISTAKES = (
    ("the variance is unbiased (divides by D−1); LayerNorm uses the biased variance (divide by D, "
     "np.var's default ddof=0).", dict(ddof=1)),
    ("eps is added to the standard deviation, (x−μ)/(σ+eps); it belongs inside the root: "
     "(x−μ)/√(σ²+eps).", dict(eps_at="outside")),
    ("there is no eps: add it inside the root, (x−μ)/√(σ²+eps).", dict(eps_at="none")),
    ("you normalized over axis 0 (across the batch: that is BatchNorm); LayerNorm uses the last axis, "
     "one mean and variance per row.", dict(axis=0)),
    ("you used one mean and variance for the whole array; LayerNorm takes them per row (last axis, "
     "keepdims=True).", dict(axis=None)),
    ("gamma and beta are not applied: return gamma * x_hat + beta.", dict(affine="none")),
    ("gamma and beta are swapped: gamma scales, beta shifts.", dict(affine="swapped")),
)


def _diagnose(got, variant, mistakes, kwargs) -> str:
    """The hint of the first mistake that reproduces the reader's outputs, or ''."""
    try:
        got = got if isinstance(got, tuple) else (got,)
        got = tuple(np.asarray(g, dtype=float) for g in got)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for hint, knobs in mistakes:
                want = variant(**kwargs, **knobs)
                want = want if isinstance(want, tuple) else (want,)
                if len(want) == len(got) and all(w.shape == g.shape and np.allclose(g, w, rtol=1e-6, atol=1e-9)
                                                  for w, g in zip(want, got)):
                    return f" Likely bug: {hint}"
    except Exception:  # noqa: BLE001 - a hint is optional; never crash the checker
        pass
    return ""


def layer_norm_cases() -> list:
    """The LayerNorm drill's named cases: (name, kwargs)."""
    rng = np.random.default_rng(2024)

    def params(d):
        return rng.uniform(0.5, 2.0, d), rng.standard_normal(d)

    cases = []
    for name, x, eps in [
        ("random (4, 6)", 1.0 + 2.0 * rng.standard_normal((4, 6)), 1e-5),
        ("3-D (2, 3, 8): batch × tokens × features", rng.standard_normal((2, 3, 8)), 1e-5),
        ("one row (1, 5)", rng.standard_normal((1, 5)), 1e-5),
        ("D = 1: x − μ = 0, so y = beta", rng.standard_normal((3, 1)), 1e-5),
        ("constant rows (σ² = 0: eps keeps it finite)", np.repeat([[2.0], [-7.0]], 4, axis=1), 1e-5),
        ("rows on very different scales", rng.standard_normal((3, 6)) * np.array([[1e-3], [1.0], [1e3]]), 1e-5),
        ("eps = 0.1 with small variance (where eps goes matters)", 0.2 * rng.standard_normal((3, 5)), 0.1),
        ("large offset 1e6 + unit noise (mean(x²) − mean(x)² keeps only ~3 of 16 digits)",
         1e6 + rng.standard_normal((3, 6)), 1e-5),
    ]:
        gamma, beta = params(x.shape[-1])
        cases.append((name, dict(x=x, gamma=gamma, beta=beta, eps=eps)))
    return cases


def _ln_reference(x, gamma, beta, eps, *, which="library"):
    """y of one case: ``torch.nn.functional.layer_norm`` (float64) for ``which == "library"``, else
    :func:`mlnotes.norms.layer_norm` (numpy; equal to torch in tests/test_norms.py::test_layer_norm_equals_torch)."""
    if which != "library":
        from mlnotes.norms import layer_norm

        return layer_norm(x, x.shape[-1], gamma, beta, eps)
    import torch

    t = functools.partial(torch.tensor, dtype=torch.float64)
    return torch.nn.functional.layer_norm(t(x), (x.shape[-1],), t(gamma), t(beta), eps).numpy()


@functools.lru_cache(maxsize=2)
def _ln_cases_with_reference(which: str) -> tuple:
    """The cases with their expected y under the oracle ``which`` (:func:`~mlnotes.drills.core.oracle`, the cache
    key: never the other oracle's values)."""
    return tuple((name, kw, _ln_reference(**kw, which=which)) for name, kw in layer_norm_cases())


def check_layer_norm(fn) -> Verdict:
    """Check a reader's ``fn(x, gamma, beta, eps=1e-5) -> y`` (LayerNorm over the last axis) against torch.

    Reference: ``torch.nn.functional.layer_norm`` (float64); in the browser (Pyodide) :func:`mlnotes.norms.layer_norm`,
    proven equal in tests/test_norms.py::test_layer_norm_equals_torch.
    Returns a :class:`~mlnotes.drills.core.Verdict`; never raises because of ``fn``.
    See chapter: chapters/normalization.md
    """
    drill = "LayerNorm"
    if not callable(fn):
        return Verdict(drill, (CaseResult("(setup)", False, f"expected a function, got {type(fn).__name__}."),))
    results = []
    for name, kw, expected in _ln_cases_with_reference(oracle()):
        where = f"[x {kw['x'].shape}, gamma/beta {kw['gamma'].shape}, eps={kw['eps']:g}]"
        args = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in kw.items()}
        got, error = call_reader(fn, **args)
        if error is not None:
            results.append(CaseResult(name, False, f"{error} {where}"))
            continue
        changed = mutated_inputs({k: v for k, v in kw.items() if k != "eps"}, args)
        if changed:
            results.append(CaseResult(name, False, f"modified its input(s) {', '.join(changed)} in place; "
                                                   f"return a new array instead. {where}"))
            continue
        msg, abs_err, rel_err = check_outputs(got, (expected,), ("y",), rtol=RTOL, atol=1e-9)
        if msg is not None:
            hint = _diagnose(got, _ln_variant, _LN_MISTAKES, kw)
            if not hint and name.startswith("large offset") and all(r.passed for r in results):
                hint = (" Likely bug: the variance loses precision when |mean| ≫ std (catastrophic cancellation): "
                        "compute it as mean((x − μ)²), not mean(x²) − μ².")
            msg = f"{msg}{hint} {where}"
        results.append(CaseResult(name, msg is None, msg or "", abs_err, rel_err))
    return Verdict(drill, tuple(results))


# -- BatchNorm ------------------------------------------------------------------------------------

def batch_norm_solution(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    """BatchNorm of x (N, C) or (N, C, H, W): returns (y, new_running_mean, new_running_var); inputs untouched."""
    axes = (0,) + tuple(range(2, x.ndim))  # every axis but the channel axis 1
    shape = (1, -1) + (1,) * (x.ndim - 2)  # (C,) → broadcastable over x
    if training:
        mean = x.mean(axis=axes)  # μ_B, (C,)
        var = x.var(axis=axes)  # biased σ²_B, (C,): used to normalize
        n = x.size // x.shape[1]  # values per channel
        running_mean = (1 - momentum) * running_mean + momentum * mean
        running_var = (1 - momentum) * running_var + momentum * var * n / (n - 1)  # unbiased for the estimate
    else:
        mean, var = running_mean, running_var
        running_mean, running_var = running_mean.copy(), running_var.copy()
    x_hat = (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps)
    return gamma.reshape(shape) * x_hat + beta.reshape(shape), running_mean, running_var


def _bn_variant(x, gamma, beta, running_mean, running_var, training, momentum, eps, *, run_var="unbiased",
                norm_ddof=0, convention="torch", eval_stats="running", train_stats="batch", eps_at="inside",
                update=True):
    """BatchNorm with one knob turned the wrong way."""
    ax = (0,) + tuple(range(2, x.ndim))
    shape = (1, -1) + (1,) * (x.ndim - 2)
    mean_b, var_b = x.mean(axis=ax), x.var(axis=ax, ddof=norm_ddof)
    n = x.size // x.shape[1]
    rm, rv = running_mean.copy(), running_var.copy()
    if training and update:
        w = momentum if convention == "torch" else 1 - momentum  # the new batch's weight
        v_new = x.var(axis=ax) * n / (n - 1) if run_var == "unbiased" else x.var(axis=ax)
        rm, rv = (1 - w) * rm + w * x.mean(axis=ax), (1 - w) * rv + w * v_new
    use_batch = (training and train_stats == "batch") or (not training and eval_stats == "batch")
    mean, var = (mean_b, var_b) if use_batch else (running_mean, running_var)
    mean, var = mean.reshape(shape), var.reshape(shape)
    denom = np.sqrt(var + eps) if eps_at == "inside" else np.sqrt(var) + eps
    return gamma.reshape(shape) * (x - mean) / denom + beta.reshape(shape), rm, rv


_BN_MISTAKES = (
    ("the running variance is updated with the biased batch variance; torch updates it with the unbiased "
     "one, σ²_B·n/(n−1) (n values per channel), while it normalizes with the biased one.", dict(run_var="biased")),
    ("the notes' convention (erratum 11): running = p·running + (1−p)·batch with p = momentum gives the new "
     "batch the weight 1−p (0.9 for p = 0.1). PyTorch's momentum is the new batch's weight: (1−m)·running + m·batch.",
     dict(convention="notes")),
    ("the notes' convention and a biased running variance: use (1−m)·running + m·batch and σ²_B·n/(n−1).",
     dict(convention="notes", run_var="biased")),
    ("you normalized with the unbiased variance; normalize with the biased one (divide by n) and use the "
     "unbiased one only for running_var.", dict(norm_ddof=1)),
    ("eval mode uses the batch statistics; it must use running_mean and running_var.", dict(eval_stats="batch")),
    ("train mode normalizes with the running statistics; it must use the batch statistics.",
     dict(train_stats="running")),
    ("eps is added to the standard deviation; it belongs inside the root: √(σ²+eps).", dict(eps_at="outside")),
    ("the running statistics are not updated in train mode.", dict(update=False)),
)


def batch_norm_cases() -> list:
    """The BatchNorm drill's named cases: (name, gamma, beta, running_mean0, running_var0, momentum, eps, steps).

    ``steps`` is a list of (x, training).
    """
    rng = np.random.default_rng(7)

    def data(*shape):
        c = shape[1]
        offset = rng.uniform(-3, 3, c).reshape((1, c) + (1,) * (len(shape) - 2))
        return offset + rng.uniform(0.5, 3) * rng.standard_normal(shape)

    specs = [
        ("(N, C) = (8, 3): 3 train steps, then eval", 3, [((8, 3), True)] * 3 + [((8, 3), False)], 0.1, 1e-5, False),
        ("(N, C, H, W) = (4, 2, 3, 3): statistics over N, H, W", 2,
         [((4, 2, 3, 3), True)] * 2 + [((4, 2, 3, 3), False)], 0.1, 1e-5, False),
        ("eval first, with given running statistics", 4, [((5, 4), False), ((5, 4), True), ((5, 4), False)],
         0.1, 1e-5, True),
        ("batch of 2 (unbiased variance = 2 × biased)", 3, [((2, 3), True)] * 2 + [((6, 3), False)], 0.1, 1e-5,
         False),
        ("eval on a single sample (N = 1)", 3, [((16, 3), True), ((1, 3), False)], 0.1, 1e-5, False),
        ("momentum = 0.3, eps = 1e-3", 3, [((6, 3), True)] * 3 + [((6, 3), False)], 0.3, 1e-3, False),
        ("(N, C, H, W) = (1, 3, 2, 2): one image, statistics over its pixels", 3,
         [((1, 3, 2, 2), True), ((2, 3, 2, 2), False)], 0.1, 1e-5, False),
    ]
    cases = []
    for name, c, steps, momentum, eps, given_stats in specs:
        rm0 = rng.standard_normal(c) if given_stats else np.zeros(c)
        rv0 = rng.uniform(0.5, 2.0, c) if given_stats else np.ones(c)
        cases.append((name, rng.uniform(0.5, 2.0, c), rng.standard_normal(c), rm0, rv0, momentum, eps,
                      [(data(*shape), training) for shape, training in steps]))
    constant = np.repeat(np.array([[1.0, -2.0]]), 4, axis=0)  # a channel with σ² = 0
    cases.append(("constant channels in train mode (σ² = 0)", np.ones(2), np.zeros(2), np.zeros(2), np.ones(2), 0.1,
                  1e-5, [(constant, True), (constant, False)]))
    return cases


def _bn_reference(gamma, beta, rm0, rv0, momentum, eps, steps, *, which="library") -> list:
    """torch.nn.functional.batch_norm along the steps (float64): [(y, running_mean, running_var)].

    For ``which != "library"``: :func:`mlnotes.norms.batch_norm` (numpy; equal to torch, train and eval, in
    tests/test_norms.py::test_functional_batch_norm_equals_torch_and_is_pure and
    ::test_batchnorm_layer_equals_torch_over_steps).
    """
    if which != "library":
        from mlnotes.norms import batch_norm

        rm, rv, out = rm0, rv0, []
        for x, training in steps:
            y, rm, rv = batch_norm(x, gamma, beta, rm, rv, training=training, momentum=momentum, eps=eps)
            out.append((y, rm.copy(), rv.copy()))
        return out
    import torch

    t = functools.partial(torch.tensor, dtype=torch.float64)
    rm, rv = t(rm0), t(rv0)
    out = []
    for x, training in steps:
        y = torch.nn.functional.batch_norm(t(x), rm, rv, t(gamma), t(beta), training, momentum, eps)
        out.append((y.numpy().copy(), rm.numpy().copy(), rv.numpy().copy()))
    return out


@functools.lru_cache(maxsize=2)
def _bn_cases_with_reference(which: str) -> tuple:
    """The cases with their expected steps under the oracle ``which`` (the cache key)."""
    return tuple((*case, _bn_reference(*case[1:], which=which)) for case in batch_norm_cases())


def _run_bn_case(fn, name, gamma, beta, rm0, rv0, momentum, eps, steps, expected) -> CaseResult:
    """Drive the reader's function along one case's steps; stop at the first wrong step."""
    rm, rv = rm0.copy(), rv0.copy()
    worst_abs = worst_rel = 0.0
    for i, ((x, training), want) in enumerate(zip(steps, expected), start=1):
        mode = "train" if training else "eval"
        where = (f"step {i} of {len(steps)} ({mode} mode; x {x.shape}, gamma/beta/running stats ({x.shape[1]},), "
                 f"momentum={momentum:g}, eps={eps:g})")
        inputs = {"x": x, "gamma": gamma, "beta": beta, "running_mean": rm, "running_var": rv}
        args = {k: v.copy() for k, v in inputs.items()}
        got, error = call_reader(fn, args["x"], args["gamma"], args["beta"], args["running_mean"],
                                 args["running_var"], training, momentum=momentum, eps=eps)
        if error is not None:
            hint = ""
            if x.ndim > 2 and "broadcast" in error:
                hint = (" Hint: for (N, C, H, W) take the statistics over axes (0, 2, 3), so that they have "
                        "shape (C,) like running_mean, and reshape them to (1, C, 1, 1) to normalize x.")
            return CaseResult(name, False, f"{where}: {error}{hint}")
        changed = mutated_inputs(inputs, args)
        if changed:
            return CaseResult(name, False, f"{where}: your function modified its input(s) {', '.join(changed)} in "
                                           "place (torch's layer does; this drill asks you to return new arrays).")
        scale = [max(np.max(np.abs(w)), 1.0) for w in want]
        msg, abs_err, rel_err = check_outputs(got, want, BN_NAMES, rtol=RTOL, atol=[1e-9 * s for s in scale])
        if msg is not None:
            kw = dict(x=x, gamma=gamma, beta=beta, running_mean=rm, running_var=rv, training=training,
                      momentum=momentum, eps=eps)
            hint = _diagnose(got, _bn_variant, _BN_MISTAKES, kw) if isinstance(got, tuple) else ""
            return CaseResult(name, False, f"{where}: {msg}{hint}", abs_err, rel_err)
        worst_abs, worst_rel = max(worst_abs, abs_err), max(worst_rel, rel_err)
        rm, rv = np.array(got[1], dtype=float), np.array(got[2], dtype=float)  # the reader's state goes on
    return CaseResult(name, True, "", worst_abs, worst_rel)


def check_batch_norm(fn) -> Verdict:
    """Check a reader's ``fn(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5)
    -> (y, new_running_mean, new_running_var)`` against ``torch.nn.functional.batch_norm``.

    Reference: ``torch.nn.functional.batch_norm`` (float64); in the browser (Pyodide) :func:`mlnotes.norms.batch_norm`,
    proven equal in tests/test_norms.py::test_functional_batch_norm_equals_torch_and_is_pure.
    Returns a :class:`~mlnotes.drills.core.Verdict`; never raises because of ``fn``.
    See chapter: chapters/normalization.md
    """
    drill = "BatchNorm (train + eval)"
    if not callable(fn):
        return Verdict(drill, (CaseResult("(setup)", False, f"expected a function, got {type(fn).__name__}."),))
    return Verdict(drill, tuple(_run_bn_case(fn, *case) for case in _bn_cases_with_reference(oracle())))
