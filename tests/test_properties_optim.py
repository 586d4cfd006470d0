"""Property-based tests of mlnotes.optim: every optimizer step for step equal to torch.optim for random
hyperparameters over their legal ranges (tiny/huge lr, betas near 0 and near 1, tiny eps), random shapes
including scalars, (1,) and empty (0,) parameters, gradients of size 1e-30 to 1e30 in float64 (and float32);
clip_grad_norm with zero and huge gradients; warmup_cosine_lr over its whole domain."""

import math

import numpy as np
import pytest
import torch
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from mlnotes.optim import SGD, Adagrad, Adam, AdamW, RMSprop, clip_grad_norm, warmup_cosine_lr, warmup_cosine_schedule
from mlnotes.optim.reference import torch_clip_grad_norm, torch_warmup_cosine
from tests.hypothesis_settings import PROPERTIES

OURS = {"SGD": SGD, "Adagrad": Adagrad, "RMSprop": RMSprop, "Adam": Adam, "AdamW": AdamW}
SHAPES = st.sampled_from([(), (1,), (0,), (3,), (2, 3), (1, 1, 2)])
GRAD_SCALES = [1e-30, 1e-8, 1.0, 1e8, 1e30]


def log_uniform(lo_exp, hi_exp):
    """A positive float spanning decades 10**lo_exp … 10**hi_exp, the ends included."""
    return st.one_of(st.sampled_from([10.0**lo_exp, 10.0**hi_exp]),
                     st.floats(lo_exp, hi_exp).map(lambda e: float(10.0**e)))


def beta():
    """An EMA coefficient in [0, 1), often at its extremes."""
    return st.one_of(st.sampled_from([0.0, 0.5, 0.9, 0.999, 0.9999]), st.floats(0.0, 0.9999))


@st.composite
def hyper(draw, name):
    """Hyperparameters accepted by both our optimizer ``name`` and torch's, over their legal ranges."""
    lr = draw(log_uniform(-8, 3))
    wd = draw(st.one_of(st.just(0.0), log_uniform(-6, 0)))
    eps = draw(log_uniform(-30, -2))
    if name == "SGD":
        momentum = draw(st.one_of(st.just(0.0), beta()))
        nesterov = momentum > 0 and draw(st.booleans())
        dampening = 0.0 if nesterov else draw(st.one_of(st.just(0.0), st.floats(0.0, 1.0)))
        return dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=wd, nesterov=nesterov)
    if name == "Adagrad":
        return dict(lr=lr, lr_decay=draw(st.one_of(st.just(0.0), st.floats(0.0, 1.0))), weight_decay=wd,
                    initial_accumulator_value=draw(st.sampled_from([0.0, 0.1, 1.0])), eps=eps)
    if name == "RMSprop":
        centered = draw(st.booleans())
        # centered: with steady gradients a − ḡ² = (1 − αᵗ)αᵗg² cancels catastrophically as αᵗ → 0 (float32: αᵗ near
        # 6e-8); torch and we round it differently, and either can get a negative difference (NaN) or a huge step
        alpha = draw(st.floats(0.05, 0.9999)) if centered else draw(beta())
        return dict(lr=lr, alpha=alpha, eps=eps, weight_decay=wd, momentum=draw(st.one_of(st.just(0.0), beta())),
                    centered=centered)
    return dict(lr=lr, betas=(draw(beta()), draw(beta())), eps=eps, weight_decay=wd, amsgrad=draw(st.booleans()))


@st.composite
def problem(draw, dtype=np.float64, scales=GRAD_SCALES):
    """Initial parameters (a list of arrays) and a few steps of gradients for them."""
    shapes = draw(st.lists(SHAPES, min_size=1, max_size=3))
    steps = draw(st.integers(1, 4))
    init = [draw(hnp.arrays(dtype, s, elements=st.floats(-2, 2, width=32))) for s in shapes]
    grads = []
    for _ in range(steps):
        scale = draw(st.sampled_from(scales))
        grads.append([(scale * draw(hnp.arrays(np.float64, s, elements=st.floats(-1, 1)))).astype(dtype)
                      for s in shapes])
    return init, grads


def run_both(name, kw, init, grads):
    """Our optimizer and torch's on the same gradients: final (ours, theirs) parameter lists, and per parameter
    the largest magnitude it took (a rounding error of that size survives a later cancellation)."""
    ours = [p.copy() for p in init]
    opt = OURS[name](ours, **kw)
    theirs = [torch.tensor(p, requires_grad=True) for p in init]
    topt = getattr(torch.optim, name)(theirs, **kw)
    peak = [max(np.abs(p).max(initial=0.0), 1.0) for p in init]
    for gs in grads:
        opt.step(gs)
        for p, g in zip(theirs, gs):
            p.grad = torch.tensor(g)
        topt.step()
        peak = [max(m, float(p.detach().abs().max())) if p.numel() else m for m, p in zip(peak, theirs)]
    return ours, [p.detach().numpy() for p in theirs], peak


@PROPERTIES
@given(data=st.data(), name=st.sampled_from(sorted(OURS)))
def test_every_optimizer_equals_torch_float64(data, name):
    kw = data.draw(hyper(name), label="hyper")
    init, grads = data.draw(problem(), label="problem")
    ours, theirs, peak = run_both(name, kw, init, grads)
    for o, t, p0, m in zip(ours, theirs, init, peak):
        assert o.shape == p0.shape and o.dtype == p0.dtype
        assert np.all(np.isfinite(t)) and np.all(np.isfinite(o))  # 1e±30 gradients stay finite in float64
        np.testing.assert_allclose(o, t, rtol=1e-9, atol=1e-12 * m)


@PROPERTIES
@given(data=st.data(), name=st.sampled_from(sorted(OURS)))
def test_every_optimizer_equals_torch_float32(data, name):
    kw = data.draw(hyper(name), label="hyper")
    init, grads = data.draw(problem(np.float32, scales=[1e-3, 1.0, 1e3]), label="problem")
    ours, theirs, peak = run_both(name, kw, init, grads)
    for o, t, m in zip(ours, theirs, peak):
        assert o.dtype == np.float32  # updated in place, in the parameter's dtype
        np.testing.assert_allclose(o, t, rtol=1e-4, atol=1e-6 * m)  # a few float32 ulps of the peak


@PROPERTIES
@given(name=st.sampled_from(sorted(OURS)), data=st.data())
def test_zero_gradient_leaves_parameters_unchanged_without_weight_decay(name, data):
    kw = {**data.draw(hyper(name), label="hyper"), "weight_decay": 0.0}
    init, grads = data.draw(problem(), label="problem")
    ours = [p.copy() for p in init]
    opt = OURS[name](ours, **kw)
    for gs in grads:
        opt.step([np.zeros_like(g) for g in gs])
    for o, p0 in zip(ours, init):
        np.testing.assert_array_equal(o, p0)


# -- clipping ------------------------------------------------------------------------------------------------
def exact_l2(grads):
    return math.hypot(*[float(v) for g in grads for v in np.ravel(g)])


@st.composite
def grad_list(draw, scales=(0.0, 1e-30, 1.0, 1e30)):
    shapes = draw(st.lists(SHAPES, min_size=1, max_size=3))
    return [draw(st.sampled_from(scales)) * draw(hnp.arrays(np.float64, s, elements=st.floats(-1, 1)))
            for s in shapes]


@PROPERTIES
@given(grads=grad_list(), max_norm=st.one_of(st.just(0.0), log_uniform(-6, 6)),
       norm_type=st.sampled_from([2.0, math.inf]))
def test_clip_grad_norm_equals_torch_including_zero_and_huge_gradients(grads, max_norm, norm_type):
    before = [g.copy() for g in grads]
    ours, total = clip_grad_norm(grads, max_norm, norm_type)
    if norm_type == math.inf and any(np.size(g) == 0 for g in grads):
        # documented difference: an empty gradient has inf-norm 0 for us; torch raises (max of nothing)
        with pytest.raises(RuntimeError, match="empty"):
            torch_clip_grad_norm(grads, max_norm, norm_type)
        grads, ours = [g for g in grads if np.size(g)], [o for o, g in zip(ours, grads) if np.size(g)]
        before = [g.copy() for g in grads]
        if not grads:
            assert total == 0.0
            return
    want, want_total = torch_clip_grad_norm(grads, max_norm, norm_type)
    assert math.isfinite(total)
    entries = np.abs(np.concatenate([np.ravel(g) for g in grads]))
    if norm_type == 2.0 and np.any((entries > 0) & (entries < 1e-150)):
        # documented difference: torch's squares underflow (its norm is too small, even 0), ours are scaled
        assert total == pytest.approx(exact_l2(grads), rel=1e-13, abs=0.0)
        want = [g * min(max_norm / (total + 1e-6), 1.0) for g in grads]
    else:
        assert total == pytest.approx(want_total, rel=1e-12, abs=0.0)
    for o, w, g, b in zip(ours, want, grads, before):
        np.testing.assert_allclose(o, w, rtol=1e-12, atol=0.0)
        np.testing.assert_array_equal(g, b)  # the input is not modified
    clipped = max((np.abs(o).max(initial=0.0) for o in ours), default=0.0) if norm_type == math.inf \
        else exact_l2(ours)
    assert clipped <= max(max_norm, 0.0) * (1 + 1e-12) or clipped == pytest.approx(total, rel=1e-15)
    if total == 0.0:  # all-zero gradients: nothing to clip, no 0/0
        assert all(np.array_equal(o, g) for o, g in zip(ours, grads))


@PROPERTIES
@given(grads=grad_list(scales=(1e200, 1e300, 1e-200, 1e-300)), max_norm=log_uniform(-3, 3))
def test_clip_grad_norm_does_not_overflow_or_underflow(grads, max_norm):
    """Documented difference: the global 2-norm is computed scaled by the largest entry, so gradients whose squares
    overflow (≳1e154) are clipped to max_norm instead of being zeroed by an infinite norm (torch returns inf and
    zeros there), and tiny ones (≲1e-154) get their true norm rather than 0."""
    want = exact_l2(grads)
    assume(math.isfinite(want))
    ours, total = clip_grad_norm(grads, max_norm)
    assert total == pytest.approx(want, rel=1e-13, abs=0.0)
    coef = min(max_norm / (want + 1e-6), 1.0)
    for o, g in zip(ours, grads):
        np.testing.assert_allclose(o, g * coef, rtol=1e-13, atol=0.0)
    if want > max_norm:
        assert exact_l2(ours) == pytest.approx(max_norm * want / (want + 1e-6), rel=1e-12)


# -- warmup + cosine schedule ------------------------------------------------------------------------------------
@st.composite
def schedule_args(draw):
    base = draw(log_uniform(-8, 2))
    W = draw(st.integers(0, 40))
    T = W + draw(st.integers(1, 60))
    min_lr = draw(st.one_of(st.just(0.0), st.just(base), st.floats(0.0, 1.0).map(lambda u: u * base)))
    f0 = draw(st.one_of(st.none(), st.just(1.0), st.floats(1e-6, 1.0)))
    return dict(base_lr=base, warmup_steps=W, total_steps=T, min_lr=min_lr, warmup_start_factor=f0)


@PROPERTIES
@given(kw=schedule_args())
def test_warmup_cosine_is_monotone_bounded_and_equals_torch(kw):
    base, W, T, min_lr = kw["base_lr"], kw["warmup_steps"], kw["total_steps"], kw["min_lr"]
    f0 = 1.0 / (W + 1) if kw["warmup_start_factor"] is None else kw["warmup_start_factor"]
    lrs = np.array([warmup_cosine_lr(s, **kw) for s in range(T + 1)])
    np.testing.assert_allclose(warmup_cosine_schedule(**kw), lrs, rtol=1e-14, atol=0.0)
    ulp = 4 * np.finfo(float).eps * base
    assert np.all(np.diff(lrs[:W + 1]) >= -ulp), "warmup must not decrease"
    assert np.all(np.diff(lrs[W:]) <= ulp), "cosine decay must not increase"
    # documented: warmup runs from f0·base_lr up to base_lr (it may start below min_lr, as torch's LinearLR does);
    # the cosine phase stays within [min_lr, base_lr]
    assert np.all(lrs[:W] >= f0 * base - ulp) and np.all(lrs[:W] <= base + ulp) and np.all(lrs[:W] > 0)
    assert np.all(lrs[W:] >= min_lr - ulp) and np.all(lrs[W:] <= base + ulp)
    assert lrs[W] == pytest.approx(base, rel=1e-15) and lrs[T] == pytest.approx(min_lr, rel=1e-15, abs=ulp)
    if W > 0:
        assert lrs[0] == pytest.approx(f0 * base, rel=1e-15)
        np.testing.assert_allclose(lrs, torch_warmup_cosine(**kw), rtol=1e-9, atol=1e-12 * base)


# -- parameter groups and L-BFGS -------------------------------------------------------------------------------
@PROPERTIES
@given(data=st.data(), name=st.sampled_from(sorted(OURS)))
def test_parameter_groups_equal_torch(data, name):
    """A random split of the parameters into groups, each overriding a random subset of the hyperparameters."""
    defaults = data.draw(hyper(name), label="defaults")
    init, grads = data.draw(problem(), label="problem")
    cuts = sorted(data.draw(st.sets(st.integers(1, max(len(init) - 1, 1)), max_size=2), label="cuts") - {len(init)})
    bounds = [0, *cuts, len(init)]
    overrides = []
    for _ in range(len(bounds) - 1):
        other = data.draw(hyper(name), label="group")
        keys = data.draw(st.sets(st.sampled_from(sorted(set(other) - {"initial_accumulator_value"}))), label="keys")
        group = {k: other[k] for k in keys}
        if name == "SGD":  # nesterov needs momentum > 0 and dampening 0 in the merged values
            merged = {**defaults, **group}
            if merged["nesterov"] and (merged["momentum"] == 0 or merged["dampening"] != 0):
                group["nesterov"] = False
        overrides.append(group)
    ours = [p.copy() for p in init]
    theirs = [torch.tensor(p, requires_grad=True) for p in init]
    pieces = list(zip(bounds[:-1], bounds[1:]))
    opt = OURS[name]([{"params": ours[a:b], **o} for (a, b), o in zip(pieces, overrides)], **defaults)
    topt = getattr(torch.optim, name)([{"params": theirs[a:b], **o} for (a, b), o in zip(pieces, overrides)],
                                      **defaults)
    peak = [max(np.abs(p).max(initial=0.0), 1.0) for p in init]
    for gs in grads:
        opt.step(gs)
        for p, g in zip(theirs, gs):
            p.grad = torch.tensor(g)
        topt.step()
        peak = [max(m, float(p.detach().abs().max())) if p.numel() else m for m, p in zip(peak, theirs)]
    for o, t, m in zip(ours, theirs, peak):
        np.testing.assert_allclose(o, t.detach().numpy(), rtol=1e-9, atol=1e-12 * m)


@PROPERTIES
@given(n=st.integers(1, 5), cond=log_uniform(0, 3), seed=st.integers(0, 10_000), history=st.integers(1, 12),
       lr=st.sampled_from([0.1, 0.5, 1.0]), max_iter=st.integers(1, 25), scale=log_uniform(-3, 3))
def test_lbfgs_equals_torch_on_random_quadratics(n, cond, seed, history, lr, max_iter, scale):
    from mlnotes.optim.reference import torch_lbfgs
    from mlnotes.optim.second_order import lbfgs

    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    A = scale * Q @ np.diag(np.geomspace(1.0, cond, n)) @ Q.T  # SPD, condition number cond
    b = rng.standard_normal(n)
    fun = lambda x: (float(0.5 * x @ A @ x - b @ x), A @ x - b)  # noqa: E731
    x0 = rng.standard_normal(n)
    kw = dict(lr=lr, max_iter=max_iter, history_size=history)
    ours = lbfgs(fun, x0, **kw)
    path, n_iter, n_evals = torch_lbfgs(fun, x0, **kw)
    assert (ours.n_iter, ours.n_evals) == (n_iter, n_evals) and ours.path.shape == path.shape
    assume(np.all(np.abs(path) < 1e6))  # fixed steps can blow up on a stiff quadratic; compare where finite-sized
    top = max(1.0, float(np.abs(path).max()))
    np.testing.assert_allclose(ours.path, path, rtol=1e-6, atol=1e-9 * top)
