r"""The ELBO is a lower bound, not the log-likelihood: a latent-variable model where everything is exact.

Model (a one-dimensional linear-Gaussian "VAE" with a linear decoder):
$z \sim \mathcal N(0, 1)$, $x \mid z \sim \mathcal N(wz + b, s^2)$. Then, in closed form,
$$\log p(x) = \log\mathcal N(x;\, b,\, w^2 + s^2),\qquad
p(z\mid x) = \mathcal N\!\Big(\tfrac{w(x-b)}{w^2+s^2},\; \tfrac{s^2}{w^2+s^2}\Big),$$
and for any Gaussian $q(z) = \mathcal N(\mu, \tau^2)$
$$\text{ELBO}(q) = -\tfrac12\log(2\pi s^2) - \frac{(x - w\mu - b)^2 + w^2\tau^2}{2s^2}
- \tfrac12(\mu^2 + \tau^2 - 1 - \log\tau^2).$$
The identity $\log p(x) = \text{ELBO}(q) + D_\text{KL}(q\,\|\,p(z\mid x))$ holds for every $q$: the ELBO
equals the log-likelihood only when $q$ is the true posterior. (The notes say a VAE maximizes the
log-likelihood "made of reconstruction error and KL"; it maximizes this lower bound.)

See chapter: chapters/generative.md
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from mlnotes._checks import check_int, check_real


def kl_normal(m1, s1, m2, s2) -> float:
    """D_KL(N(m1, s1²) ‖ N(m2, s2²)) = log(s2/s1) + (s1² + (m1 − m2)²)/(2 s2²) − ½ (standard deviations > 0).

    See chapter: chapters/generative.md
    """
    m1, m2 = check_real("m1", m1), check_real("m2", m2)
    s1 = check_real("s1", s1, low=0.0, low_open=True)
    s2 = check_real("s2", s2, low=0.0, low_open=True)
    return math.log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / (2 * s2**2) - 0.5


@dataclass(frozen=True)
class LinearGaussian:
    """z ~ N(0, 1), x | z ~ N(w·z + b, s²). Defaults: the posterior at x = 4/3 is N(1, 0.5²)."""

    w: float = 1.0
    b: float = 0.0
    s: float = 1 / math.sqrt(3)

    def __post_init__(self):
        check_real("w", self.w)
        check_real("b", self.b)
        check_real("s", self.s, low=0.0, low_open=True)

    def log_evidence(self, x) -> float:
        """log p(x) = log N(x; b, w² + s²), exactly."""
        x = check_real("x", x)
        var = self.w**2 + self.s**2
        return -0.5 * math.log(2 * math.pi * var) - (x - self.b) ** 2 / (2 * var)

    def log_evidence_quad(self, x) -> float:
        """log ∫ p(x | z) p(z) dz by numerical integration (scipy.integrate.quad): an independent check."""
        from scipy import integrate, stats

        x = check_real("x", x)
        m, sd = self.posterior(x)
        f = lambda z: stats.norm.pdf(x, self.w * z + self.b, self.s) * stats.norm.pdf(z)  # noqa: E731
        value, _ = integrate.quad(f, m - 12 * sd, m + 12 * sd, epsabs=0, epsrel=1e-12, limit=200)
        return math.log(value)

    def posterior(self, x) -> tuple[float, float]:
        """Mean and standard deviation of p(z | x)."""
        x = check_real("x", x)
        var = self.w**2 + self.s**2
        return self.w * (x - self.b) / var, math.sqrt(self.s**2 / var)

    def elbo(self, x, q_mean, q_std) -> float:
        """ELBO(q) = E_q[log p(x | z)] − KL(q ‖ N(0, 1)) for q = N(q_mean, q_std²), in closed form."""
        x, mu = check_real("x", x), check_real("q_mean", q_mean)
        tau = check_real("q_std", q_std, low=0.0, low_open=True)
        recon = -0.5 * math.log(2 * math.pi * self.s**2) - ((x - self.w * mu - self.b) ** 2 + self.w**2 * tau**2) / (
            2 * self.s**2)
        return recon - kl_normal(mu, tau, 0.0, 1.0)

    def elbo_monte_carlo(self, x, q_mean, q_std, n_samples=200_000, seed=0) -> tuple[float, float]:
        """The same ELBO estimated with reparameterized samples z = μ + τε: (estimate, standard error)."""
        x, mu = check_real("x", x), check_real("q_mean", q_mean)
        tau = check_real("q_std", q_std, low=0.0, low_open=True)
        n = check_int("n_samples", n_samples, low=2)
        eps = np.random.default_rng(check_int("seed", seed, low=0)).standard_normal(n)
        z = mu + tau * eps
        log_lik = -0.5 * np.log(2 * np.pi * self.s**2) - (x - self.w * z - self.b) ** 2 / (2 * self.s**2)
        log_prior = -0.5 * np.log(2 * np.pi) - z**2 / 2
        log_q = -0.5 * np.log(2 * np.pi * tau**2) - eps**2 / 2
        terms = log_lik + log_prior - log_q  # log p(x, z) − log q(z)
        return float(terms.mean()), float(terms.std() / np.sqrt(n))

    def gap(self, x, q_mean, q_std) -> float:
        """log p(x) − ELBO(q), which equals KL(q ‖ p(z | x)) ≥ 0."""
        return self.log_evidence(x) - self.elbo(x, q_mean, q_std)
