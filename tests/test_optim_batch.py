"""Learning rate vs batch size (the vectorized runs equal the chapter's SGD and Adam; the measured scaling), and
the implicit bias of GD vs Adam on under-determined least squares (GD = the minimum-norm solution)."""

import numpy as np
import pytest

from mlnotes.optim import SGD, Adam, analysis, batch_scaling, implicit_bias
from mlnotes.optim.batch_scaling import _grad, _Runner


@pytest.mark.parametrize("optimizer, cls", [("SGD", SGD), ("Adam", Adam)])
def test_the_vectorized_runner_equals_our_optimizers_column_by_column(optimizer, cls):
    lrs = np.array([1e-3, 0.03, 0.4])
    seeds, d = 2, 5
    run = _Runner(optimizer, np.zeros((seeds, len(lrs), d)), lrs[None, :, None])
    singles = [[np.zeros(d) for _ in lrs] for _ in range(seeds)]
    opts = [[cls([w], lr=float(lr)) for w, lr in zip(row, lrs)] for row in singles]
    rng = np.random.default_rng(0)
    for _ in range(30):
        idx = rng.integers(0, 512, size=(seeds, 8))
        G = _grad(run.W, idx)  # (S, L, d)
        run.step(G)
        for s in range(seeds):
            for k in range(len(lrs)):
                Xb, yb = batch_scaling.problem()[0][idx[s]], batch_scaling.problem()[1][idx[s]]
                w = singles[s][k]
                opts[s][k].step([Xb.T @ (Xb @ w - yb) / 8])
    np.testing.assert_allclose(run.W, np.array([[w for w in row] for row in singles]), rtol=1e-12, atol=1e-14)


def test_sgd_best_lr_scales_linearly_until_the_curvature_limit():
    sizes = np.array(batch_scaling.BATCH_SIZES)
    best = np.array([batch_scaling.best_lr("SGD", b) for b in sizes])
    assert 0.9 < batch_scaling.fitted_exponent(sizes[:4], best[:4]) < 1.1
    limit = 2 / batch_scaling.problem()[4]
    assert best[-1] < limit and best[-1] < 0.6 * best[0] * sizes[-1]
    assert np.all(np.diff(best) > 0)


def test_noise_floor_scales_as_the_rules_say():
    sizes = (1, 4, 16, 64)
    sgd = [batch_scaling.noise_floor("SGD", b, 0.01) for b in sizes]
    adam = [batch_scaling.noise_floor("Adam", b, 1e-3) for b in sizes]
    assert -1.2 < batch_scaling.fitted_exponent(sizes, sgd) < -0.85
    assert -0.7 < batch_scaling.fitted_exponent(sizes, adam) < -0.4


def test_final_excess_loss_marks_divergence_as_inf_and_is_cached():
    loss = batch_scaling.final_excess_loss("SGD", 1)
    assert loss.shape == (len(batch_scaling.LRS),) and np.isinf(loss[-1]) and np.all(np.isfinite(loss[:10]))
    assert batch_scaling.final_excess_loss("SGD", 1) is loss
    assert np.all(loss[np.isfinite(loss)] >= 0)  # L − L* ≥ 0 at the least-squares solution


def test_fitted_exponent_recovers_a_power_law():
    x = np.array([1.0, 2.0, 8.0, 32.0])
    assert batch_scaling.fitted_exponent(x, 3 * x**-0.5) == pytest.approx(-0.5, abs=1e-12)


def test_gd_finds_the_minimum_norm_solution_and_adam_another():
    X, Y, X_test, Y_test = implicit_bias.underdetermined_problems(n=10, d=30, problems=4, seed=3)
    W_gd, W_adam = implicit_bias.fit("GD", X, Y), implicit_bias.fit("Adam", X, Y)
    np.testing.assert_allclose(W_gd, np.linalg.pinv(X) @ Y, rtol=1e-8, atol=1e-10)
    assert implicit_bias.half_mse(X, Y, W_adam).max() < 1e-20
    assert implicit_bias.row_space_residual(X, W_gd).max() < 1e-10
    assert implicit_bias.row_space_residual(X, W_adam).min() > 0.1
    assert np.all(np.linalg.norm(W_adam, axis=0) > np.linalg.norm(W_gd, axis=0))  # min-norm is the smallest


def test_secant_pairs_from_different_batches_are_noise():
    different, same = analysis.secant_noise(32)
    assert different > 50 and same < 1
    full_different, full_same = analysis.secant_noise(512)  # the full batch: y = Hs exactly
    assert full_different < 1e-10 and full_same < 1e-10
    assert analysis.secant_noise(8)[0] > different  # noisier with smaller batches


def test_row_space_residual_of_a_projection():
    X = np.array([[1.0, 0.0, 0.0]])
    np.testing.assert_allclose(implicit_bias.row_space_residual(X, np.array([[2.0], [3.0], [4.0]])), [5.0])


@pytest.mark.parametrize("call, exc, match", [
    (lambda: implicit_bias.underdetermined_problems(n=5, d=5), ValueError, "n must be < d"),
    (lambda: implicit_bias.fit("Newton", np.ones((2, 3)), np.ones((2, 1))), ValueError, "optimizer must be"),
    (lambda: batch_scaling.final_excess_loss("SGD", 0), ValueError, "batch_size must be an integer"),
    (lambda: batch_scaling.final_excess_loss("Lion", 4), ValueError, "optimizer must be one of"),
    (lambda: batch_scaling.noise_floor("SGD", 4, 0.0), ValueError, "lr must be > 0"),
    (lambda: analysis.secant_noise(0), ValueError, "batch_size must be an integer"),
    (lambda: analysis.secant_noise(8, step=0.0), ValueError, "step must be > 0"),
])
def test_bad_arguments_raise(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
