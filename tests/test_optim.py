"""mlnotes.optim equals torch.optim, torch's schedulers and clipping; landscapes and errata behave as stated."""

import math

import numpy as np
import pytest
import torch

from mlnotes.optim import (SGD, Adagrad, Adam, AdamW, Quadratic, RMSprop, Rosenbrock, Saddle, clip_grad_norm,
                           hessian_eigs, minibatches, run, warmup_cosine_lr, warmup_cosine_schedule)
from mlnotes.optim import errata
from mlnotes.optim.reference import torch_clip_grad_norm, torch_warmup_cosine

STEPS = 120

CONFIGS = [
    (SGD, torch.optim.SGD, dict(lr=0.05)),
    (SGD, torch.optim.SGD, dict(lr=0.05, weight_decay=0.1)),
    (SGD, torch.optim.SGD, dict(lr=0.02, momentum=0.9)),
    (SGD, torch.optim.SGD, dict(lr=0.02, momentum=0.8, dampening=0.3, weight_decay=0.05)),
    (SGD, torch.optim.SGD, dict(lr=0.02, momentum=0.9, nesterov=True, weight_decay=0.01)),
    (Adagrad, torch.optim.Adagrad, dict(lr=0.1)),
    (Adagrad, torch.optim.Adagrad, dict(lr=0.1, lr_decay=0.01, weight_decay=0.1, initial_accumulator_value=0.5,
                                        eps=1e-6)),
    (RMSprop, torch.optim.RMSprop, dict(lr=0.01)),
    (RMSprop, torch.optim.RMSprop, dict(lr=0.01, alpha=0.9, centered=True)),
    (RMSprop, torch.optim.RMSprop, dict(lr=0.005, alpha=0.95, momentum=0.7, weight_decay=0.1)),
    (RMSprop, torch.optim.RMSprop, dict(lr=0.005, momentum=0.5, centered=True, eps=1e-6, weight_decay=0.02)),
    (Adam, torch.optim.Adam, dict(lr=0.01)),
    (Adam, torch.optim.Adam, dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
    (Adam, torch.optim.Adam, dict(lr=0.01, betas=(0.0, 0.9), amsgrad=True)),
    (AdamW, torch.optim.AdamW, dict(lr=0.01)),
    (AdamW, torch.optim.AdamW, dict(lr=0.01, weight_decay=0.3, amsgrad=True, betas=(0.85, 0.98))),
]
IDS = [f"{ours.__name__}-{'-'.join(f'{k}={v}' for k, v in kw.items())}" for ours, _, kw in CONFIGS]


def _problem(seed, dtype):
    """A few random params and, per param, a random SPD quadratic ½pᵀAp − bᵀp (gradients get noise)."""
    rng = np.random.default_rng(seed)
    shapes = [tuple(rng.integers(1, 5, size=rng.integers(1, 3))) for _ in range(3)]
    params = [rng.standard_normal(s).astype(dtype) for s in shapes]
    quads = []
    for s in shapes:
        n = int(np.prod(s))
        q = rng.standard_normal((n, n))
        quads.append((q @ q.T / n + 0.1 * np.eye(n), rng.standard_normal(n)))
    return rng, params, quads


def _run_both(ours_cls, torch_cls, kw, *, seed, dtype, kind, steps=STEPS):
    """Drive both optimizers on the same problem; return final params (ours, torch'), lists of arrays."""
    rng, params, quads = _problem(seed, dtype)
    tparams = [torch.tensor(p.copy(), requires_grad=True) for p in params]
    ours, theirs = ours_cls(params, **kw), torch_cls(tparams, foreach=False, **kw)
    for _ in range(steps):
        if kind == "noise":
            grads = [rng.standard_normal(p.shape).astype(dtype) for p in params]
            tgrads = [torch.tensor(g) for g in grads]
        else:  # each side takes a noisy gradient of the quadratic at its own iterate
            noise = [0.3 * rng.standard_normal(p.shape) for p in params]
            grads = [((A @ p.ravel() - b).reshape(p.shape) + z).astype(dtype)
                     for p, (A, b), z in zip(params, quads, noise)]
            tgrads = [torch.tensor(((A @ tp.detach().numpy().ravel() - b).reshape(tp.shape) + z).astype(dtype))
                      for tp, (A, b), z in zip(tparams, quads, noise)]
        for tp, g in zip(tparams, tgrads):
            tp.grad = g
        ours.step(grads)
        theirs.step()
    return params, [tp.detach().numpy() for tp in tparams]


@pytest.mark.parametrize("kind", ["noise", "quadratic"])
@pytest.mark.parametrize("ours_cls, torch_cls, kw", CONFIGS, ids=IDS)
def test_optimizer_equals_torch_float64(ours_cls, torch_cls, kw, kind):
    seed = CONFIGS.index((ours_cls, torch_cls, kw))
    ours, theirs = _run_both(ours_cls, torch_cls, kw, seed=seed, dtype=np.float64, kind=kind)
    for p, tp in zip(ours, theirs):
        np.testing.assert_allclose(p, tp, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("ours_cls, torch_cls, kw", CONFIGS[2::3], ids=IDS[2::3])
def test_optimizer_equals_torch_float32(ours_cls, torch_cls, kw):
    ours, theirs = _run_both(ours_cls, torch_cls, kw, seed=7, dtype=np.float32, kind="noise")
    for p, tp in zip(ours, theirs):
        assert p.dtype == np.float32
        np.testing.assert_allclose(p, tp, rtol=1e-5, atol=1e-6)


def test_adam_moments_equal_torch_state():
    rng = np.random.default_rng(3)
    p = rng.standard_normal((3, 2))
    tp = torch.tensor(p.copy(), requires_grad=True)
    ours, theirs = Adam([p], lr=0.01, amsgrad=True), torch.optim.Adam([tp], lr=0.01, amsgrad=True, foreach=False)
    for _ in range(STEPS):
        g = rng.standard_normal(p.shape)
        tp.grad = torch.tensor(g)
        ours.step([g])
        theirs.step()
    state = theirs.state[tp]
    np.testing.assert_allclose(ours.state[0]["m"], state["exp_avg"].numpy(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(ours.state[0]["v"], state["exp_avg_sq"].numpy(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(ours.state[0]["v_max"], state["max_exp_avg_sq"].numpy(), rtol=1e-12, atol=1e-15)
    assert ours.t == int(state["step"]) == STEPS


def test_step_updates_in_place_and_leaves_grads_alone():
    p = np.ones(3)
    alias = p
    g = np.full(3, 2.0)
    SGD([p], lr=0.1, weight_decay=0.5, momentum=0.9).step([g])
    assert alias is p and np.allclose(p, 1 - 0.1 * (2 + 0.5))
    np.testing.assert_array_equal(g, 2.0)


def test_lr_is_mutable_between_steps():
    p, tp = np.ones(2), torch.ones(2, dtype=torch.float64, requires_grad=True)
    ours, theirs = Adam([p], lr=0.1), torch.optim.Adam([tp], lr=0.1, foreach=False)
    for lr in [0.1, 0.05, 0.0, 0.2]:
        ours.lr = lr
        theirs.param_groups[0]["lr"] = lr
        tp.grad = torch.tensor([1.0, -3.0], dtype=torch.float64)
        ours.step([np.array([1.0, -3.0])])
        theirs.step()
    np.testing.assert_allclose(p, tp.detach().numpy(), rtol=1e-13)


@pytest.mark.parametrize("batch_size, momentum", [(8, 0.9), (50, 0.0), (7, 0.0)])
def test_minibatch_sgd_linear_regression_equals_torch_loop(batch_size, momentum):
    data = np.random.default_rng(0)
    X, w_true = data.standard_normal((50, 3)), np.array([1.0, -2.0, 0.5])
    y = X @ w_true + 0.3 + 0.1 * data.standard_normal(50)
    w, b = np.zeros(3), np.zeros(1)
    tw, tb = torch.zeros(3, dtype=torch.float64, requires_grad=True), torch.zeros(1, dtype=torch.float64,
                                                                                 requires_grad=True)
    ours, theirs = SGD([w, b], lr=0.05, momentum=momentum), torch.optim.SGD([tw, tb], lr=0.05, momentum=momentum)
    rng = np.random.default_rng(1)
    for _ in range(60):
        for idx in minibatches(len(y), batch_size, rng):
            r = X[idx] @ w + b - y[idx]  # (B,)
            ours.step([2 * X[idx].T @ r / len(idx), np.array([2 * r.mean()])])
            theirs.zero_grad()
            loss = ((torch.tensor(X[idx]) @ tw + tb - torch.tensor(y[idx])) ** 2).mean()
            loss.backward()
            theirs.step()
    np.testing.assert_allclose(w, tw.detach().numpy(), rtol=1e-10)
    np.testing.assert_allclose(b, tb.detach().numpy(), rtol=1e-10)
    assert np.allclose(w, w_true, atol=0.1)


def test_minibatches_cover_each_index_once_and_keep_the_remainder():
    batches = list(minibatches(10, 4, np.random.default_rng(0)))
    assert [len(i) for i in batches] == [4, 4, 2]
    np.testing.assert_array_equal(np.sort(np.concatenate(batches)), np.arange(10))
    full = list(minibatches(10, 10, np.random.default_rng(0)))
    assert len(full) == 1 and sorted(full[0]) == list(range(10))
    same_seed = list(minibatches(10, 4, np.random.default_rng(0)))
    assert all(np.array_equal(a, b) for a, b in zip(batches, same_seed))


@pytest.mark.parametrize("W, T, min_lr, f0", [
    (0, 10, 0.0, None), (0, 50, 1e-4, None), (1, 2, 0.0, None), (3, 10, 0.0, None), (5, 100, 1e-4, None),
    (10, 11, 1e-3, None), (100, 1000, 1e-5, None), (10, 60, 0.0, 0.1), (4, 20, 2e-3, 1.0)])
def test_warmup_cosine_equals_torch_sequential_lr(W, T, min_lr, f0):
    base = 1e-2
    want = torch_warmup_cosine(base_lr=base, warmup_steps=W, total_steps=T, min_lr=min_lr, warmup_start_factor=f0)
    kw = dict(base_lr=base, warmup_steps=W, total_steps=T, min_lr=min_lr, warmup_start_factor=f0)
    ours = np.array([warmup_cosine_lr(s, **kw) for s in range(T + 1)])
    np.testing.assert_allclose(ours, want, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(warmup_cosine_schedule(**kw), ours, rtol=1e-12, atol=1e-15)
    assert ours[W] == pytest.approx(base) and ours[T] == pytest.approx(min_lr, abs=1e-15)


def test_default_warmup_is_a_line_through_zero():
    lrs = warmup_cosine_schedule(base_lr=1.0, warmup_steps=4, total_steps=10)
    np.testing.assert_allclose(lrs[:5], [0.2, 0.4, 0.6, 0.8, 1.0], rtol=1e-15)


@pytest.mark.parametrize("max_norm", [0.5, 3.0, 1e3])
@pytest.mark.parametrize("norm_type", [2.0, math.inf])
def test_clip_grad_norm_equals_torch(max_norm, norm_type):
    rng = np.random.default_rng(4)
    grads = [rng.standard_normal(s) for s in [(3,), (2, 4), (1,)]]
    before = [g.copy() for g in grads]
    ours, total = clip_grad_norm(grads, max_norm, norm_type)
    want, want_total = torch_clip_grad_norm(grads, max_norm, norm_type)
    assert total == pytest.approx(want_total, rel=1e-12)
    for o, w, g, b in zip(ours, want, grads, before):
        np.testing.assert_allclose(o, w, rtol=1e-12)
        np.testing.assert_array_equal(g, b)  # input untouched
    clipped_norm = max(np.abs(o).max() for o in ours) if norm_type == math.inf else np.sqrt(
        sum((o**2).sum() for o in ours))
    assert clipped_norm <= max_norm * (1 + 1e-12)
    if total <= max_norm:  # below the threshold nothing changes
        assert all(np.array_equal(o, g) for o, g in zip(ours, grads))


@pytest.mark.parametrize("bad", [[np.array([1.0, np.inf]), np.ones(2)], [np.array([np.nan, 1.0]), np.ones(3)],
                                 [np.array([np.inf, -np.inf])], [np.array([np.inf, np.nan])]])
@pytest.mark.parametrize("norm_type", [2.0, math.inf])
def test_nonfinite_gradients_match_torch_default_when_allowed(bad, norm_type):
    ours, total = clip_grad_norm(bad, 1.0, norm_type, error_if_nonfinite=False)
    want, want_total = torch_clip_grad_norm(bad, 1.0, norm_type)
    np.testing.assert_array_equal(total, want_total)  # inf or NaN, as torch
    for o, w in zip(ours, want):
        np.testing.assert_array_equal(o, w)  # NaN where torch has NaN, 0 where torch has 0
    with pytest.raises(ValueError, match="not finite"):  # our default: torch's error_if_nonfinite=True
        clip_grad_norm(bad, 1.0, norm_type)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_clip_grad_norm_keeps_the_float_dtype(dtype):
    ours, _ = clip_grad_norm([np.ones(3, dtype=dtype) * 10], 1.0)
    assert ours[0].dtype == dtype


def _torch_f(landscape):
    if isinstance(landscape, Quadratic):
        return lambda z: 0.5 * (landscape.a * z[0] ** 2 + landscape.b * z[1] ** 2)
    if isinstance(landscape, Rosenbrock):
        return lambda z: (landscape.a - z[0]) ** 2 + landscape.b * (z[1] - z[0] ** 2) ** 2
    return lambda z: z[0] ** 2 - z[1] ** 2


LANDSCAPES = [Quadratic(), Quadratic(a=2.0, b=0.5), Rosenbrock(), Rosenbrock(a=0.5, b=10.0), Saddle()]


@pytest.mark.parametrize("landscape", LANDSCAPES, ids=repr)
def test_landscape_value_grad_hessian_equal_torch_autograd(landscape):
    f = _torch_f(landscape)
    for point in np.random.default_rng(5).uniform(-2, 2, size=(5, 2)):
        z = torch.tensor(point, requires_grad=True)
        value = f(z)
        (grad,) = torch.autograd.grad(value, z)
        value = value.detach()
        hess = torch.autograd.functional.hessian(f, torch.tensor(point))
        assert landscape.value(point) == pytest.approx(float(value), rel=1e-13)
        np.testing.assert_allclose(landscape.grad(point), grad.numpy(), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(landscape.hessian(point), hess.numpy(), rtol=1e-12, atol=1e-12)
        h = 1e-6  # central differences of the value
        fd = [(landscape.value(point + h * e) - landscape.value(point - h * e)) / (2 * h) for e in np.eye(2)]
        np.testing.assert_allclose(landscape.grad(point), fd, rtol=1e-6, atol=1e-6)


def test_landscape_value_and_grad_work_on_grids():
    grid = np.stack(np.meshgrid(np.linspace(-1, 1, 4), np.linspace(-1, 1, 3)), axis=-1)  # (3, 4, 2)
    for landscape in LANDSCAPES:
        assert landscape.value(grid).shape == (3, 4)
        assert landscape.grad(grid).shape == (3, 4, 2)
        np.testing.assert_allclose(landscape.grad(grid)[1, 2], landscape.grad(grid[1, 2]))


def test_hessian_eigs_classify_critical_points():
    np.testing.assert_allclose(hessian_eigs(Saddle(), [0.0, 0.0]), [-2.0, 2.0])
    np.testing.assert_allclose(hessian_eigs(Quadratic(), [0.0, 0.0]), [1.0, 25.0])
    eigs = hessian_eigs(Rosenbrock(), [1.0, 1.0])  # the minimum: both positive, badly conditioned
    assert np.all(eigs > 0) and eigs[1] / eigs[0] > 2000
    np.testing.assert_allclose(Rosenbrock().grad([1.0, 1.0]), [0.0, 0.0], atol=1e-15)


def _steps_until_escape(path):
    return int(np.argmax(np.abs(path[:, 1]) > 1.0))


def test_momentum_escapes_the_saddle_faster_than_gd():
    x0, lr = np.array([1.0, 1e-3]), 0.01
    gd = run(lambda ps: SGD(ps, lr=lr), Saddle(), x0, 1000)
    heavy = run(lambda ps: SGD(ps, lr=lr, momentum=0.9), Saddle(), x0, 1000)
    # GD: y_k = 1e-3·(1 + 2·lr)^k exceeds 1 after ⌈ln 1000 / ln 1.02⌉ steps
    assert _steps_until_escape(gd) == math.ceil(math.log(1e3) / math.log(1 + 2 * lr)) == 349
    assert 0 < _steps_until_escape(heavy) < 349 / 3
    np.testing.assert_allclose(gd[:, 0], (1 - 2 * lr) ** np.arange(len(gd)), rtol=1e-12)  # x decays


def test_run_returns_the_trajectory_and_stops_at_divergence():
    x0 = np.array([1.0, 1.0])
    path = run(lambda ps: SGD(ps, lr=0.01), Quadratic(), x0, 30)
    assert path.shape == (31, 2)
    np.testing.assert_array_equal(path[0], [1.0, 1.0])
    np.testing.assert_array_equal(x0, [1.0, 1.0])
    np.testing.assert_allclose(path[:, 1], 0.75 ** np.arange(31), rtol=1e-12)  # y ← (1 − lr·b) y
    diverged = run(lambda ps: SGD(ps, lr=0.1), Quadratic(), x0, 100)  # |1 − 0.1·25| = 1.5 > 1
    k = math.ceil(math.log(1e6) / math.log(1.5))
    assert diverged.shape == (k + 1, 2)
    assert np.abs(diverged[-1]).max() > 1e6 and np.all(np.abs(diverged[:-1]) <= 1e6)


def test_adam_reaches_the_rosenbrock_valley():
    path = run(lambda ps: Adam(ps, lr=0.02), Rosenbrock(), [-1.5, 2.0], 3000)
    assert Rosenbrock().value(path[-1]) < 1e-3 < Rosenbrock().value(path[0])


def test_erratum3_notes_momentum_never_moves_w():
    grad = lambda w: 2 * w  # noqa: E731 - f(w) = w²
    notes = errata.momentum_as_in_notes(grad, np.array([1.0, -2.0]), lr=0.1, beta=0.9, steps=200)
    right = errata.momentum_right(grad, np.array([1.0, -2.0]), lr=0.1, beta=0.9, steps=200)
    assert notes.shape == right.shape == (201, 2)
    assert np.all(notes == [1.0, -2.0])
    assert np.abs(right[-1]).max() < 1e-4
    heavy = run(lambda ps: SGD(ps, lr=0.1, momentum=0.9), Quadratic(a=2.0, b=2.0), [1.0, -2.0], 200)
    np.testing.assert_allclose(right, heavy, rtol=1e-9, atol=1e-12)  # same heavy ball as torch's SGD


@pytest.mark.parametrize("g", [1e-4, 1e-2, 1.0])
def test_erratum8_notes_sigma_tends_to_one_whatever_the_gradient(g):
    beta2, T = 0.999, 200
    grads = np.full(T, g)
    notes = errata.rmsprop_sigma(grads, beta2=beta2, as_in_notes=True)
    right = errata.rmsprop_sigma(grads, beta2=beta2)
    fixed_point = (beta2 + math.sqrt(beta2**2 + 4 * (1 - beta2) * g**2)) / 2
    assert notes[-1] == pytest.approx(fixed_point, rel=1e-12)
    assert abs(notes[-1] - 1) < 2e-3  # ≈ 1 for g from 1e-4 to 1
    np.testing.assert_allclose(right, g * np.sqrt(1 - beta2 ** np.arange(1, T + 1)), rtol=1e-12)


def test_erratum9_notes_adam_steps_are_too_small_early():
    b1, b2, lr, T = 0.9, 0.999, 1e-3, 3000
    grads = np.full((T, 2), [1.0, -4.0])
    notes = errata.adam_updates(grads, lr=lr, as_in_notes=True)
    right = errata.adam_updates(grads, lr=lr)
    t = np.arange(1, T + 1)[:, None]
    np.testing.assert_allclose(right, -lr * np.sign(grads), rtol=1e-7)
    np.testing.assert_allclose(notes / right, np.broadcast_to((1 - b1**t) * np.sqrt(1 - b2**t), (T, 2)), rtol=1e-7)
    # first step: lr·(1 − β1)·√(1 − β2) ≈ 3.2e-6, i.e. 316× smaller than Adam's lr
    np.testing.assert_allclose(np.abs(notes[0]), lr * (1 - b1) * math.sqrt(1 - b2), rtol=1e-7)
    assert np.abs(notes[-1] / right[-1]).min() > 0.97  # the error fades once β2^t → 0


def test_erratum10_adam_has_no_warmup_inside():
    sizes = errata.adam_step_sizes_constant_grad(100, g=0.5, lr=1e-3)
    np.testing.assert_allclose(sizes, 1e-3 * 0.5 / (0.5 + 1e-8), rtol=1e-9)  # step 1 included
    warm = warmup_cosine_schedule(base_lr=1e-3, warmup_steps=10, total_steps=100)
    assert warm[0] < sizes[0] / 10  # warmup is a schedule on top of Adam
