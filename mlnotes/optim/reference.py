r"""Run a from-scratch optimizer and its ``torch.optim`` twin on the same gradients.

The gradient at each step is that of a noisy quadratic, $g_t = \theta_{t-1} + \xi_t$ with
seeded noise $\xi_t$: it depends on the parameters, so any difference compounds over steps.
See chapter: chapters/optimizers.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_int
from mlnotes.optim.optimizers import SGD, Adagrad, Adam, AdamW, RMSprop

OURS = {"SGD": SGD, "Adagrad": Adagrad, "RMSprop": RMSprop, "Adam": Adam, "AdamW": AdamW}


def run_both(name: str, *, steps: int = 100, seed: int = 0, shapes=((3,), (2, 4)), **hyper):
    """Parameters after every step, ours and torch's: two lists of arrays of shape (steps, *shape).

    ``name`` is one of SGD, Adagrad, RMSprop, Adam, AdamW; ``hyper`` are the keyword arguments
    both constructors take (``lr``, ``momentum``, ``betas``, ``weight_decay``, …). Float64.
    """
    import torch

    if name not in OURS:
        raise ValueError(f"name must be one of {sorted(OURS)}, got {name!r}")
    steps = check_int("steps", steps, low=1)
    rng = np.random.default_rng(seed)
    init = [rng.standard_normal(s) for s in shapes]
    noise = [[rng.standard_normal(s) for s in shapes] for _ in range(steps)]

    ours = [p.copy() for p in init]
    opt = OURS[name](ours, **hyper)
    theirs = [torch.tensor(p, dtype=torch.float64, requires_grad=True) for p in init]
    topt = getattr(torch.optim, name)(theirs, **hyper)
    hist_ours, hist_theirs = [[] for _ in shapes], [[] for _ in shapes]
    for xi in noise:
        opt.step([p + n for p, n in zip(ours, xi)])  # g = θ + ξ
        for p, n in zip(theirs, xi):
            p.grad = p.detach() + torch.from_numpy(n)
        topt.step()
        for k in range(len(shapes)):
            hist_ours[k].append(ours[k].copy())
            hist_theirs[k].append(theirs[k].detach().numpy().copy())
    return [np.array(h) for h in hist_ours], [np.array(h) for h in hist_theirs]


def max_relative_error(ours, theirs) -> float:
    """max |ours − theirs| / max(|theirs|, 1e-12) over every parameter and step."""
    return max(float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-12))) for a, b in zip(ours, theirs))


def torch_warmup_cosine(*, base_lr, warmup_steps, total_steps, min_lr=0.0, warmup_start_factor=None) -> np.ndarray:
    """torch's ``SequentialLR([LinearLR, CosineAnnealingLR])`` read after each ``step()``: shape (T+1,).

    The reference for :func:`mlnotes.optim.schedule.warmup_cosine_lr` (same arguments and
    default start factor 1/(W+1)).
    """
    import torch

    W, T = warmup_steps, total_steps
    f0 = 1.0 / (W + 1) if warmup_start_factor is None else warmup_start_factor
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=base_lr)
    S = torch.optim.lr_scheduler
    sched = S.SequentialLR(opt, [S.LinearLR(opt, start_factor=f0, end_factor=1.0, total_iters=W),
                                 S.CosineAnnealingLR(opt, T_max=T - W, eta_min=min_lr)], milestones=[W])
    lrs = [opt.param_groups[0]["lr"]]
    for _ in range(T):
        opt.step()
        sched.step()
        lrs.append(opt.param_groups[0]["lr"])
    return np.array(lrs)


def torch_clip_grad_norm(grads, max_norm, norm_type=2.0):
    """torch's ``clip_grad_norm_`` on copies of ``grads`` (float64): -> (clipped grads, total norm).

    The reference for :func:`mlnotes.optim.schedule.clip_grad_norm`.
    """
    import torch

    ps = [torch.zeros(np.shape(g), dtype=torch.float64, requires_grad=True) for g in grads]
    for p, g in zip(ps, grads):
        p.grad = torch.tensor(np.array(g, dtype=np.float64))
    total = torch.nn.utils.clip_grad_norm_(ps, max_norm, norm_type=norm_type)
    return [p.grad.numpy() for p in ps], float(total)


def torch_lbfgs(fun, x0, **kwargs):
    """``torch.optim.LBFGS`` (float64, one ``step`` call) on ``fun(x) -> (f, grad)``: -> (path, n_iter, n_evals).

    ``path`` (k + 1, n) holds the points where torch evaluated ``fun`` and, if its last step was not
    evaluated (``max_iter`` reached), the final point. ``kwargs``: LBFGS's keyword arguments. The reference
    for :func:`mlnotes.optim.second_order.lbfgs`.
    """
    import torch

    x = torch.tensor(np.asarray(x0, dtype=np.float64), requires_grad=True)
    opt = torch.optim.LBFGS([x], **kwargs)
    seen = []

    def closure():
        point = x.detach().numpy().copy()
        seen.append(point)
        f, g = fun(point)
        x.grad = torch.from_numpy(np.array(g, dtype=np.float64))
        return torch.tensor(float(f), dtype=torch.float64)

    opt.step(closure)
    final = x.detach().numpy().copy()
    path = seen + ([] if np.array_equal(final, seen[-1]) else [final])
    state = opt.state[x]
    return np.array(path), int(state["n_iter"]), int(state["func_evals"])


def run_groups_both(*, weight_decay=0.1, lr=1e-2, steps=50, seed=0, width=16):
    """AdamW over :func:`~mlnotes.optim.groups.decay_param_groups` on a small MLP, ours and torch's, float64.

    The model is :func:`mlnotes.optim.memory.small_model` (Linear, LayerNorm, GELU, Linear); both sides start
    from its weights and take ``steps`` steps on the gradients of one seeded mean-squared-error loss at their
    own weights. Returns ``{"groups": [(weight_decay, [parameter names])...], "ours": [arrays], "theirs":
    [arrays]}``, the parameters in the model's order.
    """
    import torch

    from mlnotes.optim.groups import decay_param_groups
    from mlnotes.optim.memory import small_model
    from mlnotes.optim.optimizers import AdamW

    steps = check_int("steps", steps, low=1)
    model = small_model(width, seed).double()
    names, theirs = zip(*model.named_parameters())
    ours = [p.detach().numpy().copy() for p in theirs]
    gen = torch.Generator().manual_seed(seed)
    x, target = (torch.randn(32, n, generator=gen, dtype=torch.float64) for n in (64, 10))

    def grads(tensors):  # ∂ mean((model(x) − target)²) / ∂ each tensor, at the given weights
        out = torch.func.functional_call(model, dict(zip(names, tensors)), (x,))
        return torch.autograd.grad((out - target).square().mean(), tensors)

    opt = AdamW(decay_param_groups(ours, weight_decay), lr=lr)
    topt = torch.optim.AdamW(decay_param_groups(list(theirs), weight_decay), lr=lr, foreach=False)
    where = [next(i for i, q in enumerate(ours) if q is p) for p in opt.params]  # our step order → model order
    for _ in range(steps):
        g = grads([torch.tensor(p, requires_grad=True) for p in ours])
        opt.step([g[i].numpy() for i in where])
        for p, tg in zip(theirs, grads(list(theirs))):
            p.grad = tg
        topt.step()
    groups = [(group["weight_decay"], [names[next(i for i, q in enumerate(ours) if q is p)] for p in group["params"]])
              for group in opt.param_groups]
    return {"groups": groups, "ours": ours, "theirs": [p.detach().numpy().copy() for p in theirs]}
