"""Errata of the chapters on training networks: losses, optimizers, initialization, normalization, regularization.

Each function demonstrates one erratum with the chapter's own ``mlnotes`` code and returns an
:class:`~mlnotes.appendix.errata.Outcome`; its assertions are the checked claim.

See chapter: chapters/errata.md
"""

from __future__ import annotations

import numpy as np

from mlnotes.appendix.errata import Outcome, erratum


@erratum(1, "The sign of the KL divergence", chapter="losses", seed="000",
         claim="D_KL(P‖Q) = Σ P log(Q/P).",
         right="D_KL(P‖Q) = Σ P log(P/Q) ≥ 0; the notes' sum is −D_KL, never positive.")
def demo_kl_sign() -> Outcome:
    """The notes' sum and the true KL on two distributions, checked against torch."""
    import torch

    from mlnotes.losses import errata, kl_divergence

    P, Q = np.array([0.7, 0.2, 0.1]), np.array([0.4, 0.4, 0.2])
    notes, right = float(errata.kl_notes(P, Q)), float(kl_divergence(P, Q))
    ref = torch.distributions.kl_divergence(torch.distributions.Categorical(torch.tensor(P)),
                                            torch.distributions.Categorical(torch.tensor(Q))).item()
    assert np.isclose(right, ref, rtol=1e-12) and notes == -right < 0
    return Outcome(f"Σ P log(Q/P) = {notes:.4f} (negative)", f"D_KL(P‖Q) = {right:.4f} (= torch's)")


@erratum(2, "The softmax denominator", chapter="losses", seed="000",
         claim="softmax(x)_i = exp(x_i) / Σ_j exp(x_i): the index i inside the sum.",
         right="The sum runs over exp(x_j); with exp(x_i) repeated n times every output is 1/n.")
def demo_softmax_denominator() -> Outcome:
    """The notes' formula and softmax on the same logits."""
    from mlnotes.activations import softmax
    from mlnotes.losses import errata

    x = np.array([5.0, 1.0, -2.0, 0.0])
    notes, right = errata.softmax_notes(x), softmax(x)
    assert np.allclose(notes, 1 / len(x)) and np.isclose(right.sum(), 1) and right.argmax() == 0
    return Outcome(f"{np.round(notes, 3).tolist()}: uniform, whatever x", f"{np.round(right, 3).tolist()}")


@erratum(3, "The momentum update", chapter="optimizers", seed="000",
         claim="`v = b·v − η·∇L`, then `v = w + v`.",
         right="The second line must update the weights, `w = w + v`; as written, w never moves.")
def demo_momentum() -> Outcome:
    """Both updates on L(w) = ½‖w‖² from w = (3, −2), 100 steps."""
    from mlnotes.optim import errata

    grad = lambda w: w  # noqa: E731  ∇ of ½‖w‖²
    notes = errata.momentum_as_in_notes(grad, np.array([3.0, -2.0]), lr=0.1, beta=0.9, steps=100)
    right = errata.momentum_right(grad, np.array([3.0, -2.0]), lr=0.1, beta=0.9, steps=100)
    assert np.all(notes == notes[0]) and np.linalg.norm(right[-1]) < 0.02
    return Outcome(f"w after 100 steps: {notes[-1].tolist()} (unchanged)",
                   f"w after 100 steps: {np.round(right[-1], 4).tolist()} (minimum at 0)")


@erratum(8, "The RMSProp average", chapter="optimizers", seed="001",
         claim="σ_t = √(β₂·σ_{t−1} + (1 − β₂)·g²).",
         right="The average runs over squares: σ_t = √(β₂·σ²_{t−1} + (1 − β₂)·g²), so σ tracks |g|.")
def demo_rmsprop() -> Outcome:
    """σ after 5000 steps of a constant gradient of size 0.01 and of size 1."""
    from mlnotes.optim import errata

    notes = [errata.rmsprop_sigma(s * np.ones(5000), beta2=0.99, as_in_notes=True)[-1] for s in (0.01, 1.0)]
    right = [errata.rmsprop_sigma(s * np.ones(5000), beta2=0.99)[-1] for s in (0.01, 1.0)]
    assert abs(notes[0] - notes[1]) < 0.05 and np.allclose(right, [0.01, 1.0], rtol=1e-6)
    return Outcome(f"σ = {notes[0]:.3f} for |g| = 0.01 and {notes[1]:.3f} for |g| = 1 (scale-blind)",
                   f"σ = {right[0]:.3f} for |g| = 0.01 and {right[1]:.3f} for |g| = 1")


@erratum(9, "Adam's bias correction", chapter="optimizers", seed="001",
         claim="Correct σ = √v as σ/(1 − β₂ᵗ) and step with the raw m.",
         right="v̂ = v/(1 − β₂ᵗ), then √v̂ (that is σ/√(1 − β₂ᵗ)), and step with m̂ = m/(1 − β₁ᵗ).")
def demo_adam_correction() -> Outcome:
    """The first step of both versions for a gradient of 1, lr = 1e-3, in units of lr."""
    from mlnotes.optim import errata

    g = np.ones((1, 1))
    notes = abs(errata.adam_updates(g, lr=1e-3, as_in_notes=True)[0, 0]) / 1e-3
    right = abs(errata.adam_updates(g, lr=1e-3)[0, 0]) / 1e-3
    assert notes < 1 / 100 and np.isclose(right, 1, rtol=1e-6)
    return Outcome(f"first step = {notes:.4f} × lr (hundreds of times too small)", f"first step = {right:.4f} × lr")


@erratum(10, "Adam = RMSProp + momentum + warmup", chapter="optimizers", seed="001",
         claim="Adam is RMSProp plus momentum plus warmup.",
         right="Warmup is a learning-rate schedule added on top of any optimizer; Adam's first step is ≈ lr.")
def demo_adam_no_warmup() -> Outcome:
    """Adam's step under a constant gradient, alone and under a 100-step warmup schedule."""
    from mlnotes.optim import warmup_cosine_lr
    from mlnotes.optim.errata import adam_step_sizes_constant_grad

    steps = adam_step_sizes_constant_grad(3, lr=1e-3) / 1e-3  # in units of lr
    factor = warmup_cosine_lr(0, base_lr=1.0, warmup_steps=100, total_steps=1000)
    assert np.allclose(steps, 1, rtol=1e-6) and factor == 1 / 101
    return Outcome("warmup would be part of Adam's update", f"Adam alone: steps {np.round(steps, 4).tolist()} × lr; "
                   f"a warmup schedule multiplies lr by {factor:.4f} at step 0")


@erratum(11, "BatchNorm's running-mean momentum", chapter="normalization", seed="001",
         claim="μ̄ ← p·μ̄ + (1 − p)·μ_batch with p = 0.1.",
         right="PyTorch's momentum 0.1 means μ̄ ← 0.9·μ̄ + 0.1·μ_batch; the notes' p = 0.1 gives the new batch 0.9.")
def demo_bn_momentum() -> Outcome:
    """One update from μ̄ = 0 with a batch mean of 1, next to torch's BatchNorm1d; then the noise of each."""
    import torch

    from mlnotes.norms import ema_noise
    from mlnotes.norms.experiments import ema_update

    bn = torch.nn.BatchNorm1d(1, momentum=0.1)
    bn(torch.tensor([[0.0], [2.0]]))  # batch mean 1
    notes, right = ema_update(0.0, 1.0, 0.1, notes=True), ema_update(0.0, 1.0, 0.1)
    assert np.isclose(right, bn.running_mean.item()) and np.isclose(notes, 0.9)
    noise = [ema_noise(0.1, notes=n)["measured"] for n in (True, False)]
    return Outcome(f"running mean {notes:.2f} after one batch; its noise {noise[0]:.3f}",
                   f"running mean {right:.2f} (= torch's); its noise {noise[1]:.3f}")


@erratum(12, "He vs Xavier initialization", chapter="initialization", seed="004",
         claim="He initialization has a smaller range than Xavier.",
         right="He's variance 2/n_in is larger than Glorot's 2/(n_in + n_out), twice as large for a square layer.")
def demo_he_xavier() -> Outcome:
    """Both standard deviations for a square and a wide layer."""
    from mlnotes.init import errata

    rows = errata.he_vs_xavier([(256, 256), (64, 512)])
    assert all(r["he_std"] > r["xavier_std"] and r["he_bound"] > r["xavier_bound"] for r in rows)
    text = "; ".join(f"{r['shape']}: He std {r['he_std']:.4f} > Xavier {r['xavier_std']:.4f}" for r in rows)
    return Outcome("He's range would be the smaller one", text)


@erratum(15, "InfoNCE labels", chapter="losses", seed="004",
         claim="`logits = anchor @ positive.T` (B × B), then the negatives, with `labels` all 0.",
         right="Row i's positive is positive[i]: take the diagonal as labels, or the row-wise a_i·p_i as column 0.")
def demo_info_nce() -> Outcome:
    """Both losses with perfect positives (each anchor is its own positive)."""
    from mlnotes.losses import errata

    rng = np.random.default_rng(0)
    unit, negs = rng.standard_normal((8, 16)), rng.standard_normal((4, 16))
    unit /= np.linalg.norm(unit, axis=1, keepdims=True)
    negs /= np.linalg.norm(negs, axis=1, keepdims=True)
    notes = errata.info_nce_notes(unit, unit, negs, temperature=0.1)
    right = errata.info_nce_notes(unit, unit, negs, temperature=0.1, fixed=True)
    assert right < 0.01 and notes > 1
    return Outcome(f"loss {notes:.2f} with perfect positives", f"loss {right:.4f} with perfect positives")


@erratum(21, "Cross-entropy makes training convex", chapter="losses", seed="004",
         claim="With cross-entropy the training problem is convex.",
         right="Convex in the logits (so in a linear model's weights), not in a network's weights.")
def demo_ce_convexity() -> Outcome:
    """One hidden unit, logit v·tanh(wx): two equal minima and a midpoint above the chord."""
    from mlnotes.losses.experiments import convexity_gap, hidden_unit_loss, hidden_unit_minimum

    w, v = hidden_unit_minimum()
    gap = convexity_gap(hidden_unit_loss, (w, v), (-w, -v))
    assert np.isclose(hidden_unit_loss(w, v), hidden_unit_loss(-w, -v), rtol=1e-14) and gap > 0.1
    return Outcome("the loss along a segment would stay below its chord",
                   f"twin minima with loss {hidden_unit_loss(w, v):.3f}; the midpoint lies {gap:.3f} above the chord")


@erratum(23, "Random initialization with np.random.rand", chapter="initialization", seed="000",
         section="sec-init-errata", quote="Random initialization: `np.random.rand(n_in, n_out)`",
         claim="Random initialization: `W = np.random.rand(n_in, n_out)`.",
         right="`rand` draws from U[0, 1) (all positive, mean 0.5); weights need mean 0 and a fan-in-scaled variance.")
def demo_rand_init() -> Outcome:
    """50 tanh and ReLU layers of width 64 under U[0, 1) and under He."""
    from mlnotes import init as I

    tanh = I.layer_statistics("U[0, 1) (notes' rand)", "tanh")
    relu = I.variance_gain_per_layer(I.layer_statistics("U[0, 1) (notes' rand)", "ReLU").act_std)
    he = I.variance_gain_per_layer(I.layer_statistics("He", "ReLU").act_std)
    assert np.all(tanh.grad_w_std == 0) and relu > 500 and 0.5 < he < 2
    return Outcome(f"tanh: every weight gradient exactly 0; ReLU: variance × {relu:.0f} per layer",
                   f"He with ReLU: variance × {he:.2f} per layer")


@erratum(24, "Random initialization avoids vanishing and exploding gradients", chapter="initialization",
         seed="004", section="sec-init-errata", quote="Random initialization avoids vanishing and exploding gradients",
         claim="Random initialization avoids vanishing and exploding gradients.",
         right="Only at the right scale: N(0, 0.01²) vanishes and N(0, 1) explodes; Xavier/He keep the signal.")
def demo_random_scale() -> Outcome:
    """Activation std at layer 50 for three random initializations."""
    from mlnotes import init as I

    small = I.layer_statistics("N(0, 0.01²)", "tanh").act_std[-1]
    big = I.layer_statistics("N(0, 1)", "ReLU").act_std[-1]
    xavier = I.layer_statistics("Xavier", "tanh").act_std[-1]
    assert small < 1e-30 and big > 1e30 and 0.01 < xavier < 1
    return Outcome(f"layer-50 std: N(0, 0.01²) + tanh {small:.0e}, N(0, 1) + ReLU {big:.0e}",
                   f"layer-50 std: Xavier + tanh {xavier:.3f}")


@erratum(25, "ReLU's derivative is constantly 1", chapter="initialization", seed="001",
         section="sec-init-errata", quote="ReLU's derivative is constantly 1",
         claim="The derivative of ReLU is constantly 1.",
         right="It is 1 for positive inputs and 0 for negative ones (dying units get no gradient).")
def demo_relu_grad() -> Outcome:
    """ReLU's derivative at −1, 0 and 2, next to torch's autograd."""
    import torch

    from mlnotes.activations import relu_grad

    x = torch.tensor([-1.0, 0.0, 2.0], requires_grad=True)
    torch.relu(x).sum().backward()
    ours = relu_grad(np.array([-1.0, 0.0, 2.0]))
    assert ours.tolist() == x.grad.tolist() == [0.0, 0.0, 1.0]
    return Outcome("ReLU'(x) = 1 everywhere", f"ReLU'(−1, 0, 2) = {ours.tolist()} (= torch's)")


@erratum(26, "One formula for Huber and hinge", chapter="losses", seed="000",
         section="sec-loss-errata", quote="Huber loss | Hinge loss",
         claim="Huber loss | Hinge loss: max(0, 1 − yz).",
         right="That is the hinge loss (classification); Huber is ½r² near 0 and linear beyond δ (regression).")
def demo_huber_hinge() -> Outcome:
    """Both losses on the same values r = −3…3 (residuals for Huber, margins z with y = 1 for hinge)."""
    from mlnotes import losses as L

    r = np.linspace(-3, 3, 7)
    huber = L.huber_loss(r, np.zeros(7), reduction="none")
    hinge = L.hinge_loss(r, np.ones(7), reduction="none")
    assert np.allclose(huber, huber[::-1]) and not np.allclose(hinge, hinge[::-1])
    return Outcome("one formula for both", f"Huber {huber.tolist()} (symmetric); hinge {hinge.tolist()} (one-sided)")


@erratum(27, "Soft targets need KL, not cross-entropy", chapter="losses", seed="004",
         section="sec-loss-errata", quote="If the target distribution varies from sample to sample",
         claim="When targets vary per sample (distillation) cross-entropy cannot be used, so KL is.",
         right="Cross-entropy takes soft targets and has exactly KL's gradient; they differ by the constant H(P).")
def demo_soft_targets() -> Outcome:
    """Cross-entropy with soft targets: its gradient against torch's KL gradient."""
    import torch
    import torch.nn.functional as F

    from mlnotes import losses as L

    rng = np.random.default_rng(0)
    z, soft = rng.standard_normal((5, 4)), rng.dirichlet(np.ones(4), 5)
    zt = torch.tensor(z, requires_grad=True)
    F.kl_div(torch.log_softmax(zt, 1), torch.tensor(soft), reduction="batchmean").backward()
    gap = np.abs(L.cross_entropy_grad(z, soft) - zt.grad.numpy()).max()
    assert gap < 1e-12
    return Outcome("cross-entropy would refuse soft targets",
                   f"cross-entropy = {L.cross_entropy(z, soft):.4f} with soft targets; |∇CE − ∇KL| = {gap:.0e}")


@erratum(32, "MAE + L1 is the lasso, and L1 is robust to outliers", chapter="regularization", seed="004",
         section="sec-reg-errata", quote="MAE + L1 penalty is the lasso",
         claim="MAE loss plus an L1 penalty is the lasso; the L1 penalty makes it robust to outliers.",
         right="The lasso is squared loss + L1 (Tibshirani, 1996); robustness to outlying targets comes from the loss.")
def demo_lasso_outliers() -> Outcome:
    """Slopes fitted to y = 1 + 2x with four outliers shifted up by 6."""
    from mlnotes.regularization import errata

    fits = errata.outlier_fits(4)
    lasso, mae = fits["lasso (squared loss + L1)"][1], fits["least absolute deviations (MAE)"][1]
    assert abs(lasso - 2) > 2 and abs(mae - 2) < 0.2
    return Outcome(f"lasso (squared loss + L1): slope {lasso:.2f}, true 2", f"MAE loss, no penalty: slope {mae:.2f}")


@erratum(33, "Underfitting comes from too few samples", chapter="regularization", seed="001",
         section="sec-reg-errata", quote="Underfitting is caused by too few training samples",
         claim="Underfitting is caused by too few training samples; add samples to fix it.",
         right="Underfitting is bias: more data only brings the test error down to bias² + σ²; use a richer model.")
def demo_underfitting() -> Outcome:
    """Learning curve of a line (degree 1) fitted to a wave, against degree 12, as in the chapter."""
    from mlnotes.figures.regularization import LC_NOISE, LC_SIZES
    from mlnotes.regularization import bias_variance as bv

    train1, test1 = bv.learning_curve(1, LC_NOISE, LC_SIZES)
    _, test12 = bv.learning_curve(12, LC_NOISE, LC_SIZES)
    floor = bv.bias_variance(1, LC_NOISE, LC_SIZES[-1]).bias2 + LC_NOISE**2
    assert train1[-1] > train1[0] and test1[-1] > 0.95 * floor and test12[-1] < 0.6 * test1[-1]
    return Outcome(f"degree 1 with {LC_SIZES[-1]} points: test MSE {test1[-1]:.3f} (floor {floor:.3f}); "
                   f"its training MSE rose from {train1[0]:.3f} to {train1[-1]:.3f}",
                   f"degree 12: test MSE {test12[-1]:.3f}")
