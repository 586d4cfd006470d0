"""Each loss of mlnotes.losses next to its torch.nn.functional counterpart, on the same random inputs.

:func:`compare` returns our value and gradient and torch's (autograd) for one loss, dtype and reduction,
so a chapter cell or a test can ``assert_allclose`` them. The binary hinge has no torch function of its
own: it is twice ``F.multi_margin_loss`` on the scores ``[0, z]``; InfoNCE is ``F.cross_entropy`` of
``q @ k.T / τ`` with labels ``arange(B)``.

See chapter: chapters/losses.md
"""

from __future__ import annotations

import numpy as np

from mlnotes import losses as L

N, C = 8, 5


def _inputs(rng, dtype):
    """One batch of every kind of input, in ``dtype``."""
    f = lambda a: np.asarray(a, dtype=dtype)  # noqa: E731
    return {
        "pred": f(2 * rng.standard_normal((N, C))), "target_real": f(rng.standard_normal((N, C))),
        "prob": f(rng.uniform(0.02, 0.98, (N, C))), "target01": f(rng.uniform(0, 1, (N, C))),
        "logit": f(3 * rng.standard_normal((N, C))), "pm1": f(rng.choice([-1.0, 1.0], (N, C))),
        "classes": rng.integers(0, C, N), "weight": f(rng.uniform(0.2, 3, C)),
        "soft": f(rng.dirichlet(np.ones(C), N)), "key": f(rng.standard_normal((N, C))),
    }


def _table():
    """name → (input key, ours(x, d, r), ours_grad(x, d, r), torch(t, d, r, T)) with d the inputs, T = torch."""
    def tt(T, a):
        return T.as_tensor(np.asarray(a))

    def F(T):
        return T.nn.functional

    def ignored(d):
        c = d["classes"].copy()
        c[[1, 4]] = -100
        return c

    return {
        "MSE": ("pred", lambda x, d, r: L.mse_loss(x, d["target_real"], r),
                lambda x, d, r: L.mse_loss_grad(x, d["target_real"], r),
                lambda t, d, r, T: F(T).mse_loss(t, tt(T, d["target_real"]), reduction=r)),
        "MAE (L1)": ("pred", lambda x, d, r: L.l1_loss(x, d["target_real"], r),
                     lambda x, d, r: L.l1_loss_grad(x, d["target_real"], r),
                     lambda t, d, r, T: F(T).l1_loss(t, tt(T, d["target_real"]), reduction=r)),
        "Huber δ=0.5": ("pred", lambda x, d, r: L.huber_loss(x, d["target_real"], r, delta=0.5),
                        lambda x, d, r: L.huber_loss_grad(x, d["target_real"], r, delta=0.5),
                        lambda t, d, r, T: F(T).huber_loss(t, tt(T, d["target_real"]), reduction=r, delta=0.5)),
        "smooth L1 β=2": ("pred", lambda x, d, r: L.smooth_l1_loss(x, d["target_real"], r, beta=2.0),
                          lambda x, d, r: L.smooth_l1_loss_grad(x, d["target_real"], r, beta=2.0),
                          lambda t, d, r, T: F(T).smooth_l1_loss(t, tt(T, d["target_real"]), reduction=r, beta=2.0)),
        "BCE": ("prob", lambda x, d, r: L.binary_cross_entropy(x, d["target01"], reduction=r),
                lambda x, d, r: L.binary_cross_entropy_grad(x, d["target01"], reduction=r),
                lambda t, d, r, T: F(T).binary_cross_entropy(t, tt(T, d["target01"]), reduction=r)),
        "BCE with logits (pos_weight)": (
            "logit", lambda x, d, r: L.binary_cross_entropy_with_logits(x, d["target01"], pos_weight=d["weight"],
                                                                        reduction=r),
            lambda x, d, r: L.binary_cross_entropy_with_logits_grad(x, d["target01"], pos_weight=d["weight"],
                                                                    reduction=r),
            lambda t, d, r, T: F(T).binary_cross_entropy_with_logits(t, tt(T, d["target01"]),
                                                                     pos_weight=tt(T, d["weight"]), reduction=r)),
        "logistic (soft margin)": ("logit", lambda x, d, r: L.soft_margin_loss(x, d["pm1"], r),
                                   lambda x, d, r: L.soft_margin_loss_grad(x, d["pm1"], r),
                                   lambda t, d, r, T: F(T).soft_margin_loss(t, tt(T, d["pm1"]), reduction=r)),
        "hinge (binary)": ("logit", lambda x, d, r: L.hinge_loss(x[:, 0], d["pm1"][:, 0], r),
                           lambda x, d, r: _pad(L.hinge_loss_grad(x[:, 0], d["pm1"][:, 0], r), x),
                           lambda t, d, r, T: _hinge_torch(t, d, r, T)),
        "multi-class hinge": ("pred", lambda x, d, r: L.multi_margin_loss(x, d["classes"], reduction=r),
                              lambda x, d, r: L.multi_margin_loss_grad(x, d["classes"], reduction=r),
                              lambda t, d, r, T: F(T).multi_margin_loss(t, tt(T, d["classes"]), reduction=r)),
        "cross-entropy": ("logit", lambda x, d, r: L.cross_entropy(x, d["classes"], reduction=r),
                          lambda x, d, r: L.cross_entropy_grad(x, d["classes"], reduction=r),
                          lambda t, d, r, T: F(T).cross_entropy(t, tt(T, d["classes"]), reduction=r)),
        "CE + weights + smoothing 0.1": (
            "logit", lambda x, d, r: L.cross_entropy(x, d["classes"], weight=d["weight"], reduction=r,
                                                     label_smoothing=0.1),
            lambda x, d, r: L.cross_entropy_grad(x, d["classes"], weight=d["weight"], reduction=r,
                                                 label_smoothing=0.1),
            lambda t, d, r, T: F(T).cross_entropy(t, tt(T, d["classes"]), weight=tt(T, d["weight"]), reduction=r,
                                                  label_smoothing=0.1)),
        "CE + ignore_index": ("logit", lambda x, d, r: L.cross_entropy(x, ignored(d), reduction=r),
                              lambda x, d, r: L.cross_entropy_grad(x, ignored(d), reduction=r),
                              lambda t, d, r, T: F(T).cross_entropy(t, tt(T, ignored(d)), reduction=r)),
        "CE, soft targets": ("logit", lambda x, d, r: L.cross_entropy(x, d["soft"], reduction=r),
                             lambda x, d, r: L.cross_entropy_grad(x, d["soft"], reduction=r),
                             lambda t, d, r, T: F(T).cross_entropy(t, tt(T, d["soft"]), reduction=r)),
        "NLL": ("logit", lambda x, d, r: L.nll_loss(L.log_softmax(x), d["classes"], reduction=r),
                lambda x, d, r: _through_log_softmax(x, L.nll_loss_grad(L.log_softmax(x), d["classes"], reduction=r)),
                lambda t, d, r, T: F(T).nll_loss(T.log_softmax(t, 1), tt(T, d["classes"]), reduction=r)),
        "KL (F.kl_div)": ("logit", lambda x, d, r: L.kl_div(L.log_softmax(x), d["soft"], _kl(r)),
                          lambda x, d, r: _through_log_softmax(x, L.kl_div_grad(L.log_softmax(x), d["soft"], _kl(r))),
                          lambda t, d, r, T: F(T).kl_div(T.log_softmax(t, 1), tt(T, d["soft"]), reduction=_kl(r))),
        "InfoNCE": ("pred", lambda x, d, r: L.info_nce(x, d["key"], 0.5, reduction=r),
                    lambda x, d, r: L.info_nce_grad(x, d["key"], 0.5, reduction=r)[0],
                    lambda t, d, r, T: F(T).cross_entropy(t @ tt(T, d["key"]).T / 0.5, T.arange(N), reduction=r)),
    }


def _kl(reduction):
    return "batchmean" if reduction == "mean" else reduction  # the true mean KL per sample


def _pad(g, x):
    out = np.zeros_like(x)
    out[:, 0] = g
    return out


def _hinge_torch(t, d, r, T):
    z = t[:, 0]
    scores = T.stack([T.zeros_like(z), z], dim=1)  # class 1 = label +1
    return 2 * T.nn.functional.multi_margin_loss(scores, T.as_tensor((d["pm1"][:, 0] > 0).astype(np.int64)),
                                                 reduction=r)


def _through_log_softmax(x, g_logp):
    """Chain rule from ∂L/∂log softmax(x) to ∂L/∂x (rows): g − softmax(x)·Σg."""
    p = np.exp(L.log_softmax(x))
    return g_logp - p * g_logp.sum(axis=1, keepdims=True)


NAMES = tuple(_table())


def compare(name: str, dtype=np.float64, reduction: str = "mean", seed: int = 0):
    """(ours value, torch value, ours gradient, torch gradient) for the loss ``name`` (one of ``NAMES``).

    Gradients are with respect to the first input (predictions, probabilities, logits or queries),
    of the reduced loss (of its sum for ``reduction="none"``). See chapter: chapters/losses.md
    """
    import torch

    if name not in NAMES:
        raise ValueError(f"name must be one of {list(NAMES)}, got {name!r}")
    key, ours, ours_grad, theirs = _table()[name]
    d = _inputs(np.random.default_rng(seed), dtype)
    x = d[key]
    t = torch.tensor(x, requires_grad=True)
    out = theirs(t, d, reduction, torch)
    out.sum().backward()
    return ours(x, d, reduction), out.detach().numpy(), ours_grad(x, d, reduction), t.grad.numpy()
