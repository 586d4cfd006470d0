"""Property-based tests of mlnotes.generative: the Gaussian KL against torch and ≥ 0, reparameterization gradients,
the DDPM closed form against the chain for random schedules, GAN losses against BCE on extreme logits, Bayes'
posterior summing to 1 on extreme log-likelihoods, and the ELBO identity for random models."""

import math

import numpy as np
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from torch.distributions import Normal, kl_divergence

from mlnotes import generative as gen
from tests.hypothesis_settings import PROPERTIES

F64 = torch.float64


def shapes():
    return st.tuples(st.integers(1, 4), st.integers(1, 5))


@PROPERTIES
@given(shape=shapes(), data=st.data())
def test_gaussian_kl_matches_torch_and_is_nonnegative(shape, data):
    mu = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-30, 30)))
    logvar = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-20, 20)))
    mu_t, lv_t = torch.tensor(mu), torch.tensor(logvar)
    ours = gen.gaussian_kl(mu_t, lv_t)
    ref = kl_divergence(Normal(mu_t, (0.5 * lv_t).exp()), Normal(0.0, 1.0)).sum(-1)
    torch.testing.assert_close(ours, ref, rtol=1e-10, atol=1e-9)
    assert bool((ours >= -1e-12).all())


@PROPERTIES
@given(shape=shapes(), data=st.data())
def test_reparameterize_gradients_closed_form(shape, data):
    arrays = [data.draw(hnp.arrays(np.float64, shape, elements=st.floats(lo, hi)))
              for lo, hi in ((-10, 10), (-10, 10), (-5, 5), (-3, 3))]
    mu, lv = (torch.tensor(a, requires_grad=True) for a in arrays[:2])
    eps, w = torch.tensor(arrays[2]), torch.tensor(arrays[3])
    z = gen.reparameterize(mu, lv, eps)
    g_mu, g_lv = torch.autograd.grad((w * z).sum(), (mu, lv))
    torch.testing.assert_close(g_mu, w)
    torch.testing.assert_close(g_lv, 0.5 * w * (0.5 * lv.detach()).exp() * eps, rtol=1e-12, atol=1e-12)


@PROPERTIES
@given(T=st.integers(1, 30), data=st.data())
def test_closed_form_equals_chain_for_random_schedules(T, data):
    betas = torch.tensor(data.draw(hnp.arrays(np.float64, T, elements=st.floats(1e-5, 0.999))))
    t = data.draw(st.integers(1, T))
    x0 = torch.tensor(data.draw(hnp.arrays(np.float64, (3, 2), elements=st.floats(-100, 100))))
    noises = torch.tensor(data.draw(hnp.arrays(np.float64, (t, 3, 2), elements=st.floats(-4, 4))))
    chain = gen.q_chain(x0, noises, betas)
    closed = gen.q_sample(x0, t, gen.chain_noise(noises, betas), gen.alpha_bars(betas))
    torch.testing.assert_close(chain, closed, rtol=1e-9, atol=1e-9)


@PROPERTIES
@given(logits=hnp.arrays(np.float64, st.integers(1, 20), elements=st.floats(-700, 700)))
def test_gan_losses_match_bce_without_overflow(logits):
    a = torch.tensor(logits)
    bce = F.binary_cross_entropy_with_logits
    ns = gen.generator_loss(a)
    mm = gen.generator_loss(a, "minimax")
    d = gen.discriminator_loss(a, a)
    for got, want in ((ns, bce(a, torch.ones_like(a))), (mm, -bce(a, torch.zeros_like(a))),
                      (d, bce(a, torch.ones_like(a)) + bce(a, torch.zeros_like(a)))):
        assert bool(torch.isfinite(got))
        torch.testing.assert_close(got, want, rtol=1e-12, atol=1e-12)


@PROPERTIES
@given(ll=hnp.arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 6)), elements=st.floats(-1e6, 1e3)))
def test_bayes_posterior_is_a_distribution(ll):
    prior = np.full(ll.shape[1], -math.log(ll.shape[1]))
    post = gen.bayes_posterior(ll, prior)
    assert np.all(np.isfinite(post)) and np.all(post >= 0)
    # log p − logsumexp loses about ulp(|log p|) in absolute terms: ~4e-12 at |log p| = 16384
    np.testing.assert_allclose(post.sum(1), 1.0, rtol=0, atol=1e-15 * (1 + np.abs(ll).max()) * ll.shape[1])
    best = np.take_along_axis(ll, post.argmax(1)[:, None], axis=1)[:, 0]  # the most probable class has the
    assert np.all(best >= ll.max(1) - 1e-9 * (1 + np.abs(ll.max(1))))  # largest log-likelihood (ties aside)


@PROPERTIES
@given(w=st.floats(-3, 3), b=st.floats(-2, 2), s=st.floats(0.05, 3), x=st.floats(-5, 5), qm=st.floats(-4, 4),
       qs=st.floats(0.05, 4))
def test_elbo_identity(w, b, s, x, qm, qs):
    lg = gen.LinearGaussian(w=w, b=b, s=s)
    m, sd = lg.posterior(x)
    np.testing.assert_allclose(lg.log_evidence(x), lg.elbo(x, qm, qs) + gen.kl_normal(qm, qs, m, sd),
                               rtol=1e-9, atol=1e-9)
    assert lg.elbo(x, qm, qs) <= lg.log_evidence(x) + 1e-9
