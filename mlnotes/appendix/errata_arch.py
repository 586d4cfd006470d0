"""Errata of the chapters on architectures and generative models, and of the math toolbox.

Each function demonstrates one erratum with the chapter's own ``mlnotes`` code (or, where the chapter
runs the library itself, the same library call) and returns an :class:`~mlnotes.appendix.errata.Outcome`;
its assertions are the checked claim.

See chapter: chapters/errata.md
"""

from __future__ import annotations

import math

import numpy as np

from mlnotes.appendix.errata import Outcome, erratum


def _error(fn) -> str:
    """``TypeName: first line of the message`` of what ``fn()`` raises (AssertionError if nothing)."""
    try:
        fn()
    except Exception as err:  # noqa: BLE001 - the point is to show whichever error the notes' line raises
        return f"{type(err).__name__}: {str(err).splitlines()[0]}"
    raise AssertionError("expected the notes' line to fail, but it ran")


@erratum(4, "Softmax with the global max", chapter="attention", seed="000",
         claim="Attention's softmax computes `np.exp(scores - np.max(scores))`: the max of the whole score matrix.",
         right="Exact in real arithmetic, but a row far below the global max underflows to 0/0 = NaN: "
               "subtract each row's max.")
def demo_global_max() -> Outcome:
    """The chapter's score matrix whose last row lies 800 below the global max."""
    import torch

    from mlnotes.attention import global_max_demo_scores, softmax, softmax_global_max

    scores = global_max_demo_scores()
    notes, right = softmax_global_max(scores), softmax(scores)
    assert np.all(np.isnan(notes[2]))
    np.testing.assert_allclose(right, torch.softmax(torch.from_numpy(scores), -1).numpy(), rtol=1e-12)
    return Outcome(f"last row {notes[2].tolist()}", f"last row {np.round(right[2], 3).tolist()} (= torch.softmax)")


@erratum(16, "The multi-head attention code does not run", chapter="attention", seed="003",
         claim="`QK.maksed_fill(mask.to(QK.type) == 0, -inf)` … `self.d_model()` in a MultiHeadAttention class.",
         right="`masked_fill` (a typo), `mask.to(QK.dtype)` (`type` is a method), `self.d_model` (an int).")
def demo_mha_code() -> Outcome:
    """The notes' three lines, each on its own, then the fixed module against nn.MultiheadAttention."""
    import torch

    from mlnotes.attention import MultiHeadAttention

    QK, mask, d_model = torch.zeros(2, 2), torch.ones(2, 2), 16
    errors = [_error(lambda: QK.maksed_fill(mask == 0, float("-inf"))),
              _error(lambda: QK.masked_fill(mask.to(QK.type) == 0, float("-inf"))).split(" - got")[0],
              _error(lambda: d_model())]
    torch.manual_seed(0)
    ref = torch.nn.MultiheadAttention(d_model, 4, batch_first=True).double()
    x = np.random.default_rng(0).standard_normal((2, 5, d_model))
    ours = MultiHeadAttention.from_torch(ref)(x)[0]
    tx = torch.from_numpy(x)
    np.testing.assert_allclose(ours, ref(tx, tx, tx)[0].detach().numpy(), rtol=1e-10, atol=1e-12)
    return Outcome("; ".join(errors), "fixed, the same steps equal nn.MultiheadAttention (max error < 1e-10)")


@erratum(20, "Divide the scores by d_k", chapter="attention", seed="001",
         claim="The attention scores are divided by d_k.",
         right="By √d_k: q·k of unit-variance vectors has variance d_k; ÷d_k flattens every row towards uniform.")
def demo_sqrt_dk() -> Outcome:
    """Score spread and largest attention weight over 16 keys at d_k = 256."""
    from mlnotes.attention import saturation

    notes, right = saturation(256, "linear"), saturation(256, "sqrt")
    assert math.isclose(right.score_std, 1, rel_tol=0.05) and notes.score_std < 0.1
    assert right.max_weight - notes.max_weight > 0.1
    return Outcome(f"÷d_k: score std {notes.score_std:.3f}, largest weight {notes.max_weight:.3f} (uniform: 1/16)",
                   f"÷√d_k: score std {right.score_std:.3f}, largest weight {right.max_weight:.3f}")


@erratum(18, "The Transformer input layer", chapter="transformer", seed="004",
         claim="`embedding(x) * torch.sqrt(self.d_model)`, and the positional encoding multiplies by √d_model again.",
         right="`torch.sqrt` needs a tensor (use `math.sqrt`), and the embedding is scaled once: by √d, not d.")
def demo_transformer_input() -> Outcome:
    """The notes' line, then the share of the input's energy carried by position at d = 512."""
    import torch

    from mlnotes.transformer import errata

    failure = _error(lambda: torch.nn.Embedding(10, 512)(torch.tensor([1])) * torch.sqrt(512))
    notes, right = errata.position_share(512, as_in_notes=True), errata.position_share(512)
    same_notes, same_right = errata.same_token_similarity(512, True), errata.same_token_similarity(512)
    assert notes < 0.001 and right == 1 / 3 and same_notes > 0.999 > 0.9 > same_right
    return Outcome(f"{failure}; fixed but scaled twice: position carries {notes:.2%} of the input, "
                   f"one token at 64 positions has cosine {same_notes:.4f}",
                   f"position carries {right:.0%}, cosine {same_right:.2f}")


@erratum(36, "ResNet solved the vanishing-gradient problem", chapter="cnn", seed="001",
         section="sec-cnn-errata", quote="ResNet solved the vanishing-gradient problem",
         claim="Residual connections (ResNet) solved the vanishing-gradient problem.",
         right="With BatchNorm a plain deep network's gradients do not vanish, yet it degrades: residuals fix "
               "the optimisation.")
def demo_resnet_degradation() -> Outcome:
    """The chapter's 24-layer MLP with BatchNorm, plain and residual: gradient norms and training loss."""
    from mlnotes.cnn import residual

    grads = residual.grad_norms_at_init(24, False, True)
    plain, res = residual.train_curve(24, False)[1], residual.train_curve(24, True)[1]
    assert grads.min() > 0.1 and res < 0.1 < 0.5 < plain
    return Outcome("a plain deep network would fail because its gradients vanish",
                   f"plain + BN: smallest layer gradient norm {grads.min():.2f}, yet training loss {plain:.3f} "
                   f"after 60 steps; residual: {res:.3f}")


@erratum(37, "Padding keeps the size or reduces it", chapter="cnn", seed="001",
         section="sec-cnn-errata", quote="Padding keeps the feature map's size, or reduces it",
         claim="Padding keeps the feature map's size, or reduces it.",
         right="Padding can only enlarge the output; stride and pooling reduce it.")
def demo_padding() -> Outcome:
    """Output size with one more pixel of padding, over sizes, kernels, strides and paddings."""
    from mlnotes.cnn.shapes import conv_output_size

    grow = {conv_output_size(n, k, s, p + 1) - conv_output_size(n, k, s, p)
            for n in range(3, 20) for k in (1, 3, 5) for s in (1, 2, 3) for p in range(3) if n >= k}
    assert min(grow) >= 0
    return Outcome("padding could shrink the output", f"one more pixel of padding changes the size by {sorted(grow)}")


@erratum(38, "The embedding matrix is (30k, 748)", chapter="rnn", seed="001",
         section="sec-rnn-errata", quote="(30k, **748**)",
         claim="A (4, 30k) one-hot input becomes (4, 768) embeddings through a (30k, 748) matrix.",
         right="The matrix is (V, d) = (30k, 768): the lookup returns its rows.")
def demo_embedding_shape() -> Outcome:
    """The lookup as a one-hot product, with shapes only (torch's meta device allocates nothing)."""
    import torch

    one_hot = torch.zeros(4, 30_000, device="meta")
    notes = tuple((one_hot @ torch.empty(30_000, 748, device="meta")).shape)
    right = tuple((one_hot @ torch.empty(30_000, 768, device="meta")).shape)
    assert notes == (4, 748) and right == (4, 768)
    return Outcome(f"(4, 30000) @ (30000, 748) → {notes}", f"(4, 30000) @ (30000, 768) → {right}")


@erratum(39, "Rounding inside the model", chapter="rnn", seed="000",
         section="sec-rnn-errata", quote="Rounding inside a model",
         claim="The RNN drill returns `np.round(h, 4)` as the model's state.",
         right="Round only for printing: round has zero gradient almost everywhere, so nothing before it learns.")
def demo_round_gradient() -> Outcome:
    """Gradient through round and through the identity."""
    import torch

    z = torch.tensor([0.12345, -1.5], requires_grad=True)
    torch.round(z * 1e4).sum().backward()
    notes = z.grad.tolist()
    z.grad = None
    (z * 1e4).sum().backward()
    assert notes == [0.0, 0.0] and z.grad.tolist() == [1e4, 1e4]
    return Outcome(f"gradient through round(1e4·z): {notes}", f"without round: {z.grad.tolist()}")


@erratum(40, "LSTMs solve vanishing gradients", chapter="rnn", seed="003",
         section="sec-rnn-errata", quote="LSTMs solve vanishing gradients",
         claim="LSTMs solve the vanishing-gradient problem.",
         right="Only while the forget gate is open: with torch's default biases an input 39 steps back is as "
               "lost as in a plain RNN.")
def demo_lstm_gates() -> Outcome:
    """‖∂L/∂x‖ of an input 39 steps back, at initialisation, with forget-gate bias 0 and 2."""
    from mlnotes.rnn import input_gradient_norms

    rnn, closed, opened = (input_gradient_norms(c, b)[-1] for c, b in (("rnn", 0.0), ("lstm", 0.0), ("lstm", 2.0)))
    assert closed < 1e-8 and rnn < 1e-8 and opened > 1e5 * closed
    return Outcome(f"LSTM, default gates: {closed:.0e} (plain RNN: {rnn:.0e})",
                   f"LSTM, forget gate opened (b = 2): {opened:.0e}")


@erratum(41, "A VAE maximizes the log-likelihood", chapter="generative", seed="004",
         section="sec-gen-erratum-elbo", quote="by maximizing the log-likelihood",
         claim="A VAE is trained by maximizing the log-likelihood, made of a reconstruction error and a KL divergence.",
         right="Reconstruction − KL is the ELBO, a lower bound: log p(x) = ELBO + KL(q ‖ p(z|x)).")
def demo_elbo_gap() -> Outcome:
    """A latent model where everything is exact: the bound with q = the prior and q = the posterior."""
    from mlnotes import generative as gen
    from mlnotes.figures.generative import ELBO_X

    lg = gen.LinearGaussian()
    post = lg.posterior(ELBO_X)
    loose, exact = lg.gap(ELBO_X, 0.0, 1.0), lg.gap(ELBO_X, *post)
    assert math.isclose(loose, gen.kl_normal(0.0, 1.0, *post), rel_tol=1e-10) and abs(exact) < 1e-12
    return Outcome(f"ELBO = log p(x) = {lg.log_evidence(ELBO_X):.4f}",
                   f"q = prior: ELBO = {lg.elbo(ELBO_X, 0.0, 1.0):.4f}, {loose:.3f} below log p(x); "
                   "only q = posterior closes the gap")


@erratum(42, "The Hessian step drops the ½", chapter="mathtools", seed="001",
         section="sec-math-erratum-taylor", quote="the Hessian step drops the ½",
         claim="At a critical point, L(θ) ≈ L(θ′) + uᵀHu = L(θ′) + λ‖u‖² along an eigenvector u.",
         right="The second-order term is ½uᵀHu = ½λ‖u‖²: the notes' change is twice the real one.")
def demo_taylor_half() -> Outcome:
    """The change of a quadratic along each eigenvector of a saddle's Hessian, exact and predicted."""
    from mlnotes import mathtools as mt

    H = np.array([[4.0, 1.0], [1.0, -2.0]])
    rows = []
    for lam, u in zip(*np.linalg.eigh(H)):
        exact, notes = 0.5 * (0.3 * u) @ H @ (0.3 * u), mt.quadratic_model(H, 0.3 * u, half=False)
        assert math.isclose(mt.quadratic_model(H, 0.3 * u), exact, rel_tol=1e-12) and math.isclose(notes, 2 * exact)
        rows.append((exact, notes))
    return Outcome("; ".join(f"predicted {n:+.4f}" for _, n in rows),
                   "; ".join(f"½λ‖u‖² = exact change {e:+.4f}" for e, _ in rows))


@erratum(43, "The CLT: the sample mean is normally distributed", chapter="mathtools", seed="001",
         section="sec-math-errata", quote="normally distributed",
         claim="The sample mean is close to the population mean and normally distributed.",
         right="Only with a finite variance, and only after scaling: √n(X̄ − μ)/σ → N(0, 1). A Cauchy mean "
               "never settles.")
def demo_clt_variance() -> Outcome:
    """Interquartile range of the mean of n draws, n = 1 and 100, for an exponential and a Cauchy source."""
    from mlnotes import mathtools as mt

    spread = {d: [mt.iqr(mt.sample_means(d, n)) for n in (1, 100)] for d in ("exponential", "cauchy")}
    assert all(abs(q - 2) < 0.1 for q in spread["cauchy"]) and spread["exponential"][1] < spread["exponential"][0] / 5
    c, e = spread["cauchy"], spread["exponential"]
    return Outcome(f"Cauchy: IQR of the mean {c[0]:.2f} at n = 1, {c[1]:.2f} at n = 100 (no finite variance)",
                   f"exponential: {e[0]:.2f} at n = 1, {e[1]:.2f} at n = 100 (∝ 1/√n)")
