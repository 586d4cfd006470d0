"""mlnotes.generative against torch and scipy: GAN losses, the reparameterization trick, the Gaussian KL, the ELBO
identity, the DDPM forward process (closed form = chain), Bayes' rule = GaussianNB, the flat MLP and Adam = torch;
the tiny models train deterministically (bit-identical twice) and learn; float32 stays float32."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from scipy import stats
from sklearn.naive_bayes import GaussianNB
from torch.distributions import Normal, kl_divergence

from mlnotes import generative as gen
from mlnotes.generative import data
from mlnotes.generative._nn import MLP, Adam, one_thread
from mlnotes.generative.diffusion import _p_sample_step
from mlnotes.generative.gan import gan_step

F64 = torch.float64


def rand(*shape, seed=0, dtype=F64):
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


# -- the flat MLP and Adam ------------------------------------------------------------------------------------

def test_mlp_equals_torch_sequential():
    mlp = MLP((3, 5, 4, 2), activation="silu")
    theta = mlp.init(torch.Generator().manual_seed(0), dtype=F64)
    assert theta.numel() == mlp.n_params == 4 * 5 + 6 * 4 + 5 * 2
    seq = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.SiLU(), torch.nn.Linear(5, 4), torch.nn.SiLU(),
                              torch.nn.Linear(4, 2)).double()
    with torch.no_grad():
        for layer, (W, b) in zip([m for m in seq if isinstance(m, torch.nn.Linear)], mlp.layers(theta)):
            layer.weight.copy_(W)
            layer.bias.copy_(b)
    x = rand(7, 3)
    torch.testing.assert_close(mlp(theta, x), seq(x), rtol=1e-14, atol=1e-14)


def test_mlp_init_bounds_match_nn_linear():
    mlp = MLP((64, 128, 10))
    theta = mlp.init(torch.Generator().manual_seed(1))
    (W1, b1), (W2, b2) = mlp.layers(theta)
    assert theta.dtype == torch.float32 and theta.requires_grad
    for tensor, fan_in in ((W1, 64), (b1, 64), (W2, 128), (b2, 128)):
        assert tensor.abs().max() <= fan_in ** -0.5
        assert tensor.abs().max() > 0.9 * fan_in ** -0.5  # uniform over the whole range


def test_adam_equals_torch_optim():
    theta = rand(6, seed=2).requires_grad_(True)
    ref = torch.nn.Parameter(theta.detach().clone())
    ours = Adam(theta, lr=0.05, betas=(0.5, 0.99), eps=1e-6)
    torch_opt = torch.optim.Adam([ref], lr=0.05, betas=(0.5, 0.99), eps=1e-6)
    for step in range(30):
        g = rand(6, seed=100 + step)
        ours.step(g)
        ref.grad = g.clone()
        torch_opt.step()
        torch.testing.assert_close(theta.detach(), ref.detach(), rtol=1e-13, atol=1e-15)


def test_one_thread_restores_the_thread_count():
    before = torch.get_num_threads()
    with one_thread():
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before
    with pytest.raises(RuntimeError), one_thread():
        raise RuntimeError("boom")
    assert torch.get_num_threads() == before


# -- generative vs discriminative -----------------------------------------------------------------------------

def test_bayes_posterior_equals_gaussian_nb():
    X, y = data.digits01()
    X = X.astype(np.float64)
    nb = GaussianNB().fit(X, y)
    post = gen.bayes_posterior(gen.gaussian_log_likelihood(X, nb.theta_, nb.var_), np.log(nb.class_prior_))
    np.testing.assert_allclose(post, nb.predict_proba(X), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(post.sum(1), 1.0, rtol=1e-13)


def test_gaussian_log_likelihood_equals_scipy():
    rng = np.random.default_rng(0)
    X, means, var = rng.normal(size=(5, 3)), rng.normal(size=(2, 3)), rng.uniform(0.5, 2, (2, 3))
    want = np.array([[stats.norm.logpdf(x, m, np.sqrt(v)).sum() for m, v in zip(means, var)] for x in X])
    np.testing.assert_allclose(gen.gaussian_log_likelihood(X, means, var), want, rtol=1e-13)


def test_bayes_posterior_handles_huge_log_likelihoods():
    ll = np.array([[-1e4, -1e4 - math.log(3)], [-2000.0, 0.0]])
    post = gen.bayes_posterior(ll, np.log([0.5, 0.5]))
    np.testing.assert_allclose(post[0], [0.75, 0.25], rtol=1e-12)
    assert post[1, 1] == 1.0 and np.all(np.isfinite(post))


def test_bayes_side_keeps_float32():
    X = np.random.default_rng(0).random((4, 3)).astype(np.float32)
    ll = gen.gaussian_log_likelihood(X, X[:2], np.ones((2, 3), np.float32))
    assert ll.dtype == np.float32
    assert gen.bayes_posterior(ll, np.log(np.full(2, 0.5, np.float32))).dtype == np.float32
    assert gen.gaussian_log_likelihood(X.astype(int), X[:2].astype(int), np.ones((2, 3), int)).dtype == np.float64


def test_class_conditional_samples_have_independent_pixels():
    means, var = np.zeros((1, 64)), np.ones((1, 64))
    samples = gen.sample_class_conditional(means, var, 0, 4000, seed=3)
    assert abs(gen.neighbour_correlation(samples)) < 0.01
    smooth = np.repeat(samples[:, ::2], 2, axis=1)  # each value copied into its right-hand neighbour
    assert gen.neighbour_correlation(smooth) > 0.45


# -- GAN ------------------------------------------------------------------------------------------------------

def test_gan_losses_equal_bce():
    real, fake = rand(32, 1, seed=1) * 3, rand(32, 1, seed=2) * 3
    bce = F.binary_cross_entropy_with_logits
    torch.testing.assert_close(gen.discriminator_loss(real, fake),
                               bce(real, torch.ones_like(real)) + bce(fake, torch.zeros_like(fake)))
    torch.testing.assert_close(gen.generator_loss(fake), bce(fake, torch.ones_like(fake)))
    torch.testing.assert_close(gen.generator_loss(fake, "minimax"), torch.log1p(-torch.sigmoid(fake)).mean())


@pytest.mark.parametrize("kind", ["minimax", "non-saturating"])
def test_generator_logit_grad_equals_autograd(kind):
    logits = torch.linspace(-12, 6, 50, dtype=F64).requires_grad_(True)
    (grad,) = torch.autograd.grad(gen.generator_loss(logits, kind) * len(logits), logits)
    d = torch.sigmoid(logits).detach().numpy()
    np.testing.assert_allclose(grad.numpy(), gen.generator_logit_grad(d, kind), rtol=1e-12, atol=1e-15)


def test_losses_keep_float32():
    x = rand(8, 1, dtype=torch.float32)
    assert gen.discriminator_loss(x, x).dtype == torch.float32
    assert gen.generator_loss(x).dtype == torch.float32


def test_optimal_discriminator_value_is_minus_log4_plus_2js():
    p, q = np.array([0.4, 0.4, 0.2]), np.array([0.1, 0.3, 0.6])
    d = p / (p + q)
    value = np.sum(p * np.log(d) + q * np.log(1 - d))
    m = (p + q) / 2
    js = 0.5 * stats.entropy(p, m) + 0.5 * stats.entropy(q, m)
    np.testing.assert_allclose(value, -np.log(4) + 2 * js, rtol=1e-13)


def test_gan_step_updates_both_networks_and_only_their_own_gradients():
    G, D = MLP((2, 8, 2)), MLP((2, 8, 1))
    g = torch.Generator().manual_seed(0)
    tg, td = G.init(g), D.init(g)
    tg0, td0 = tg.detach().clone(), td.detach().clone()
    loss_d, loss_g = gan_step(G, D, tg, td, Adam(tg, 1e-2), Adam(td, 1e-2), rand(16, 2, dtype=torch.float32),
                              rand(16, 2, seed=1, dtype=torch.float32))
    assert not torch.equal(tg, tg0) and not torch.equal(td, td0)
    assert tg.grad is None and td.grad is None  # autograd.grad, not .backward: nothing accumulates
    assert np.isfinite(loss_d) and np.isfinite(loss_g)


@pytest.fixture(scope="module")
def small_gan():
    return gen.train_gan(gen.GANConfig(steps=60, snapshot_every=20, batch_size=64))


def test_gan_training_is_deterministic(small_gan):
    again = gen.train_gan(gen.GANConfig(steps=60, snapshot_every=20, batch_size=64))
    assert sorted(again.snapshots) == [0, 20, 40, 60]
    for step in again.snapshots:
        for a, b in zip(small_gan.snapshots[step], again.snapshots[step]):
            assert torch.equal(a, b)
    np.testing.assert_array_equal(small_gan.d_losses, again.d_losses)


def test_gan_training_leaves_global_rng_and_threads_alone():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    threads = torch.get_num_threads()
    gen.train_gan(gen.GANConfig(steps=5, batch_size=16))
    assert torch.equal(torch.rand(3), expected) and torch.get_num_threads() == threads


def test_chapter_gan_covers_most_modes_and_minimax_saturates():
    from mlnotes.figures import generative as figs

    final = figs.gan_coverage(500)
    assert final.covered >= 6 and final.near > 0.6
    assert figs.gan_coverage(0).near < 0.05
    sat = figs.saturation_result()
    assert sat.d_fake < 0.01
    assert sat.grad_norm["non-saturating"] > 100 * sat.grad_norm["minimax"]
    collapsed = figs.collapse_samples(200)
    assert gen.mode_coverage(collapsed, data.ring_centers(), 0.1).covered == 1
    assert collapsed.std(0).mean() < 0.05 * figs.collapse_samples(0).std(0).mean()


def test_mode_coverage_hand_case():
    centers = data.ring_centers(4, 1.0)
    samples = np.concatenate([np.repeat(centers[:1], 16, 0), centers[1:2], np.full((3, 2), 5.0)])
    cov = gen.mode_coverage(samples, centers, 0.1)  # fair share 20/4 = 5; a quarter of it is 1.25
    assert cov.near == 0.85 and cov.counts.tolist() == [16, 1, 0, 0] and cov.covered == 1


# -- VAE ------------------------------------------------------------------------------------------------------

def test_reparameterize_equals_rsample_in_value_and_gradient():
    mu = rand(4, 3, seed=1).requires_grad_(True)
    logvar = rand(4, 3, seed=2).requires_grad_(True)
    w = rand(4, 3, seed=3)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(7)
        z_ref = Normal(mu, (0.5 * logvar).exp()).rsample()
        torch.manual_seed(7)
        eps = torch.randn(4, 3, dtype=F64)
    z = gen.reparameterize(mu, logvar, eps)
    torch.testing.assert_close(z, z_ref, rtol=0, atol=0)
    ours = torch.autograd.grad((w * z).sum(), (mu, logvar))
    theirs = torch.autograd.grad((w * z_ref).sum(), (mu, logvar))
    for a, b in zip(ours, theirs):
        torch.testing.assert_close(a, b, rtol=0, atol=0)


def test_reparameterize_gradcheck():
    eps = rand(5, seed=4)
    torch.autograd.gradcheck(lambda m, lv: gen.reparameterize(m, lv, eps),
                             (rand(5, seed=5).requires_grad_(True), rand(5, seed=6).requires_grad_(True)))


def test_gaussian_kl_equals_torch_and_is_zero_at_the_prior():
    mu, logvar = rand(6, 4, seed=1) * 2, rand(6, 4, seed=2)
    ref = kl_divergence(Normal(mu, (0.5 * logvar).exp()), Normal(0.0, 1.0)).sum(-1)
    torch.testing.assert_close(gen.gaussian_kl(mu, logvar), ref, rtol=1e-13, atol=1e-14)
    assert gen.gaussian_kl(torch.zeros(3, dtype=F64), torch.zeros(3, dtype=F64)).item() == 0.0
    assert gen.gaussian_kl(mu, logvar).shape == (6,)


def test_gaussian_kl_monte_carlo_within_four_standard_errors():
    mu, logvar = torch.tensor([1.0, -0.5], dtype=F64), torch.tensor([0.3, -2.0], dtype=F64)
    est, se = gen.kl_monte_carlo(mu, logvar, n_samples=50_000, seed=1)
    assert abs(est - gen.gaussian_kl(mu, logvar).item()) < 4 * se


def test_vae_loss_parts():
    x = torch.rand(5, 64, generator=torch.Generator().manual_seed(0), dtype=F64)
    logits, mu, logvar = rand(5, 64, seed=1), rand(5, 2, seed=2), rand(5, 2, seed=3)
    loss, recon, kl = gen.vae_loss(x, logits, mu, logvar, beta=2.0)
    torch.testing.assert_close(recon, F.binary_cross_entropy_with_logits(logits, x, reduction="sum") / 5)
    torch.testing.assert_close(kl, gen.gaussian_kl(mu, logvar).mean())
    torch.testing.assert_close(loss, recon + 2.0 * kl)


def test_vae_trains_deterministically_and_learns():
    cfg = gen.VAEConfig(epochs=3)
    a, b = gen.train_vae(cfg), gen.train_vae(cfg)
    assert torch.equal(a.theta_enc, b.theta_enc) and torch.equal(a.theta_dec, b.theta_dec)
    assert a.history[-1, 0] < a.history[0, 0]
    X, _ = data.digits01()
    mu, logvar = a.encode(X[:4])
    assert mu.shape == (4, 2) and logvar.shape == (4, 2) and mu.dtype == np.float32
    rec = a.reconstruct(X[:4])
    assert rec.shape == (4, 64) and np.all((rec > 0) & (rec < 1))


def test_chapter_vae_codes_stay_near_the_prior():
    from mlnotes.figures import generative as figs

    codes, _ = figs.vae_codes()
    assert np.mean(np.linalg.norm(codes, axis=1) < 2.5) > 0.9
    assert figs.vae_model().history[-1, 2] > 0.5  # the KL did not collapse to 0


# -- the ELBO identity ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("q_mean,q_std", [(0.0, 1.0), (1.0, 0.5), (2.0, 0.25), (-1.0, 3.0)])
def test_elbo_gap_is_kl_to_the_posterior(q_mean, q_std):
    lg = gen.LinearGaussian(w=1.3, b=-0.2, s=0.7)
    m, s = lg.posterior(0.9)
    np.testing.assert_allclose(lg.gap(0.9, q_mean, q_std), gen.kl_normal(q_mean, q_std, m, s), rtol=1e-12,
                               atol=1e-13)
    assert lg.elbo(0.9, q_mean, q_std) <= lg.log_evidence(0.9) + 1e-12


def test_log_evidence_equals_quadrature_and_scipy():
    lg = gen.LinearGaussian(w=2.0, b=1.0, s=0.3)
    np.testing.assert_allclose(lg.log_evidence(0.4), lg.log_evidence_quad(0.4), rtol=1e-10)
    np.testing.assert_allclose(lg.log_evidence(0.4), stats.norm.logpdf(0.4, 1.0, math.sqrt(4.09)), rtol=1e-13)


def test_default_linear_gaussian_posterior_is_n_1_half():
    np.testing.assert_allclose(gen.LinearGaussian().posterior(4 / 3), (1.0, 0.5), rtol=1e-13)


def test_kl_normal_equals_torch():
    ref = kl_divergence(Normal(0.3, 1.7), Normal(-1.0, 0.4)).item()
    np.testing.assert_allclose(gen.kl_normal(0.3, 1.7, -1.0, 0.4), ref, rtol=1e-6)  # torch computes in float32


# -- diffusion -------------------------------------------------------------------------------------------------

def test_alpha_bars_by_hand():
    betas = torch.tensor([0.1, 0.5], dtype=F64)
    torch.testing.assert_close(gen.alpha_bars(betas), torch.tensor([1.0, 0.9, 0.45], dtype=F64))


@pytest.mark.parametrize("t", [1, 2, 17, 50])
def test_closed_form_equals_the_chain_sample_by_sample(t):
    betas = gen.linear_betas(50)
    x0, noises = rand(6, 3, seed=1), rand(t, 6, 3, seed=2)
    torch.testing.assert_close(gen.q_chain(x0, noises, betas),
                               gen.q_sample(x0, t, gen.chain_noise(noises, betas), gen.alpha_bars(betas)),
                               rtol=1e-12, atol=1e-13)


def test_chain_noise_is_standard_normal():
    betas = gen.linear_betas(50)
    eps_bar = gen.chain_noise(rand(30, 20_000, 1, seed=3), betas)[:, 0].numpy()
    assert abs(eps_bar.mean()) < 4 / math.sqrt(20_000) and abs(eps_bar.std() - 1) < 0.02
    assert stats.kstest(eps_bar, "norm").pvalue > 1e-3


def test_q_sample_per_row_steps_and_t0():
    betas = gen.linear_betas(10)
    ab = gen.alpha_bars(betas)
    x0, noise = rand(3, 2, seed=1), rand(3, 2, seed=2)
    t = torch.tensor([0, 5, 10])
    got = gen.q_sample(x0, t, noise, ab)
    for i, ti in enumerate(t.tolist()):
        torch.testing.assert_close(got[i], ab[ti].sqrt() * x0[i] + (1 - ab[ti]).sqrt() * noise[i])
    torch.testing.assert_close(gen.q_sample(x0, 0, noise, ab), x0)
    assert gen.q_sample(x0.float(), t, noise.float(), ab).dtype == torch.float32


def test_reverse_step_with_the_true_noise_recovers_the_posterior_mean():
    # with ε̂ = the true ε, the reverse mean is the mean of q(x_{t−1} | x_t, x_0) (Ho et al. eq. 7)
    betas = gen.linear_betas(20)
    ab = gen.alpha_bars(betas)
    x0, eps = rand(4, 2, seed=1).float(), rand(4, 2, seed=2).float()
    t = 7
    xt = gen.q_sample(x0, t, eps, ab)
    mean = _p_sample_step(eps, xt, t, betas, ab, torch.zeros_like(xt))
    beta, a_t, a_prev = betas[t - 1], ab[t], ab[t - 1]
    post_mean = (a_prev.sqrt() * beta / (1 - a_t)) * x0 + ((1 - beta).sqrt() * (1 - a_prev) / (1 - a_t)) * xt
    torch.testing.assert_close(mean, post_mean.float(), rtol=1e-5, atol=1e-6)


def test_timestep_and_fourier_features():
    t = torch.tensor([0, 1, 10])
    e = gen.timestep_embedding(t, 8)
    assert e.shape == (3, 8)
    torch.testing.assert_close(e[0], torch.tensor([0.0] * 4 + [1.0] * 4))
    x = rand(2, 2)
    f = gen.fourier_features(x, 3)
    assert f.shape == (2, 14) and f.dtype == F64
    torch.testing.assert_close(f[:, 2:8].reshape(2, 2, 3)[:, :, 2], torch.sin(4 * x))


def test_ddpm_trains_deterministically_and_samples_are_close_to_the_data():
    cfg = gen.DDPMConfig(steps=40)
    a, b = gen.train_ddpm(cfg), gen.train_ddpm(cfg)
    assert torch.equal(a.theta, b.theta)
    np.testing.assert_array_equal(a.sample(50, seed=1)[0], b.sample(50, seed=1)[0])
    out = a.sample(30, seed=2, keep=(50, 10))
    assert sorted(out) == [0, 10, 50] and out[0].shape == (30, 2)


def test_chapter_ddpm_beats_noise():
    from mlnotes.figures import generative as figs

    model, samples = figs.ddpm_model(), figs.ddpm_samples()
    ours = gen.fraction_near(samples[0], model.data, 0.05)
    noise = gen.fraction_near(samples[50], model.data, 0.05)
    held = gen.fraction_near(data.moons(2000, 0.1, seed=1), model.data, 0.05)
    assert noise + 0.3 < ours < held


def test_fraction_near_hand_case():
    assert gen.fraction_near([[0, 0], [1, 1]], [[0.05, 0]], radius=0.1) == 0.5


# -- data -----------------------------------------------------------------------------------------------------

def test_data_shapes_and_ranges():
    X, k = data.ring_mixture(100, seed=1)
    assert X.shape == (100, 2) and X.dtype == np.float32 and set(k) <= set(range(8))
    M = data.moons(500)
    np.testing.assert_allclose(M.mean(0), 0, atol=1e-6)
    np.testing.assert_allclose(M.std(0), 1, rtol=1e-5)
    D, y = data.digits01()
    assert D.shape == (1797, 64) and D.min() == 0 and D.max() == 1 and len(y) == 1797
    D[:] = -1  # a copy: the cache is not affected
    assert data.digits01()[0].min() == 0
