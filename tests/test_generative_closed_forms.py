"""mlnotes.generative.closed_forms (numpy, the drills' browser references) equals the torch functions of
mlnotes.generative: the reparameterization trick (values and autograd gradients) and the DDPM forward process;
and importing mlnotes.generative does not import torch."""

import subprocess
import sys

import numpy as np
import pytest
import torch

from mlnotes import generative as gen
from mlnotes.generative.closed_forms import (alpha_bars_numpy, q_sample_numpy, reparameterize_grads,
                                             reparameterize_numpy)


@pytest.mark.parametrize("shape", [(3,), (4, 2), (2, 3, 5)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_reparameterize_equals_torch_values_and_gradients(shape, dtype):
    rng = np.random.default_rng(len(shape))
    mu, logvar, eps, w = (rng.standard_normal(shape).astype(dtype) for _ in range(4))
    logvar[..., 0] = -20.0  # a tiny σ too
    tmu, tlv = torch.from_numpy(mu).requires_grad_(True), torch.from_numpy(logvar).requires_grad_(True)
    z = gen.reparameterize(tmu, tlv, torch.from_numpy(eps))
    g_mu, g_lv = torch.autograd.grad((torch.from_numpy(w) * z).sum(), (tmu, tlv))
    ours = reparameterize_numpy(mu, logvar, eps)
    assert ours.dtype == dtype
    tol = dict(rtol=1e-15, atol=0) if dtype == np.float64 else dict(rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(ours, z.detach().numpy(), **tol)
    for a, b in zip(reparameterize_grads(mu, logvar, eps, w), (g_mu, g_lv)):
        np.testing.assert_allclose(a, b.numpy(), **tol)


def test_alpha_bars_equal_torch():
    betas = gen.linear_betas(50)
    np.testing.assert_allclose(alpha_bars_numpy(betas.numpy()), gen.alpha_bars(betas).numpy(), rtol=1e-15, atol=0)


@pytest.mark.parametrize("shape", [(5, 2), (2, 3, 4, 4)])
def test_q_sample_equals_torch(shape):
    rng = np.random.default_rng(7)
    betas = gen.linear_betas(50)
    x0, noise = rng.standard_normal(shape), rng.standard_normal(shape)
    t = rng.integers(1, 51, size=shape[0])
    ours = q_sample_numpy(x0, t, noise, betas.numpy())
    flat = lambda a: torch.from_numpy(a.reshape(shape[0], -1))  # noqa: E731 - gen.q_sample takes (B, d)
    ref = gen.q_sample(flat(x0), torch.from_numpy(t), flat(noise), gen.alpha_bars(betas)).numpy().reshape(shape)
    np.testing.assert_allclose(ours, ref, rtol=1e-14, atol=1e-15)


def test_importing_the_package_does_not_import_torch():
    code = "import sys, mlnotes.generative, mlnotes.generative.closed_forms; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
