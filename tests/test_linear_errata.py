"""The source notes' linear-model code (errata 5, 6, 7 and the in-place neuron), the experiments behind the chapter's
claims, and every figure of the Linear models chapter (each frame finite)."""

import numpy as np
import pytest
import torch

from mlnotes.explore import FrameRenderer
from mlnotes.figures import linear as figs
from mlnotes.linear import errata, train_neuron
from mlnotes.linear import experiments as ex


def test_erratum5_seed_zero_is_ignored_and_the_fix_is_reproducible():
    state = np.random.get_state()
    try:
        X = np.arange(20)
        np.random.seed(1)
        after_seed1 = errata.shuffle_data_notes(X, X, seed=0)[0]
        assert np.array_equal(after_seed1, errata.shuffle_data_notes(X, X, seed=1)[0])  # seed 0 was ignored
        a, b = errata.two_shuffles(0, notes=True)
        assert not np.array_equal(a, b)
        a, b = errata.two_shuffles(0, notes=False)
        assert np.array_equal(a, b)
        a, b = errata.two_shuffles(42, notes=True)
        assert np.array_equal(a, b)  # any truthy seed works in the notes' version
        before = np.random.get_state()[1].copy()
        errata.shuffle_data(X, X, seed=0)
        assert np.array_equal(np.random.get_state()[1], before)  # the fix leaves the global RNG alone
    finally:
        np.random.set_state(state)


def test_two_shuffles_restores_the_global_state():
    state = np.random.get_state()
    errata.two_shuffles(0, notes=True)
    after = np.random.get_state()
    assert np.array_equal(state[1], after[1]) and state[2] == after[2]


def test_erratum6_inverse_loses_the_digits_lstsq_keeps():
    inv = ex.normal_equation_errors("inv (notes)", 1e8)
    solve = ex.normal_equation_errors("solve (normal eq.)", 1e8)
    lstsq = ex.normal_equation_errors("lstsq (SVD)", 1e8)
    qr = ex.normal_equation_errors("QR", 1e8)
    assert inv[0] > 1 and solve[0] > 1e-2 and lstsq[0] < 1e-8 and qr[0] < 1e-8
    assert inv[1] > 1e6 * solve[1]  # the explicit inverse also ruins the fit itself
    for method in ex.NE_METHODS:
        assert ex.normal_equation_errors(method, 1.0)[0] < 1e-14


def test_ill_conditioned_problem_has_the_requested_condition_number():
    for cond in ex.CONDS[:5]:
        X, y, w = ex.ill_conditioned_problem(cond)
        np.testing.assert_allclose(np.linalg.cond(X), cond, rtol=1e-6)
        np.testing.assert_allclose(X @ w, y)


def test_erratum7_each_defect_raises_in_turn_and_the_fixed_code_runs():
    with pytest.raises(TabError):
        errata.load_notes_torch_neuron()
    with pytest.raises(TypeError, match="detype"):
        errata.load_notes_torch_neuron(fix_tabs=True)
    fn = errata.load_notes_torch_neuron(fix_tabs=True, fix_keyword=True)
    rng = np.random.default_rng(0)
    X, y, w0 = rng.standard_normal((10, 2)), rng.random(10), rng.standard_normal(2)
    args = (torch.tensor(X), torch.tensor(y), torch.tensor(w0), torch.tensor(0.3, dtype=torch.float64), 0.5, 20)
    with pytest.raises(NameError, match="weights"):
        fn(*args)
    fixed = errata.load_notes_torch_neuron(fix_tabs=True, fix_keyword=True, fix_names=True)
    w, b, mse = fixed(*args)
    ours = train_neuron(X, y, w0, 0.3, 0.5, 20)
    np.testing.assert_allclose(w.numpy(), ours[0], rtol=1e-12)
    np.testing.assert_allclose(mse, ours[2], rtol=1e-12)


def test_in_place_neuron_overwrites_the_callers_array():
    rng = np.random.default_rng(1)
    X, y, w0 = rng.standard_normal((10, 2)), rng.random(10), rng.standard_normal(2)
    w = w0.copy()
    first = errata.train_neuron_in_place(X, y, w, 0.0, 0.5, 10)[0].copy()
    assert not np.array_equal(w, w0)
    np.testing.assert_allclose(first, train_neuron(X, y, w0, 0.0, 0.5, 10)[0], rtol=1e-12)
    with pytest.raises(TypeError):
        errata.train_neuron_in_place(X, y, np.zeros(2, dtype=int), 0.0, 0.5, 1)


def test_experiment_claims():
    gd, newton = ex.convergence(8.0)
    assert newton[-1] < 1e-15 and gd[-1] > 1e-9 and len(newton) < 15
    for copies in ex.COPIES:
        assert ex.calibration("logistic regression", copies)["ece"] < 0.03
    assert ex.calibration("Gaussian naive Bayes", 4)["ece"] > 3 * ex.calibration("Gaussian naive Bayes", 1)["ece"]
    disc = {k: ex.discretization(k) for k in ex.BIN_COUNTS}
    best = min(ex.BIN_COUNTS, key=lambda k: disc[k]["binned_loss"])
    assert disc[best]["binned_loss"] < disc[best]["raw_loss"] and disc[64]["binned_loss"] > disc[best]["binned_loss"]
    assert disc[8]["true_loss"] < disc[best]["binned_loss"]


def test_one_hot_bins():
    np.testing.assert_array_equal(ex.one_hot_bins([0.0, 1.0, 1.5, 9.0], [1.0, 2.0]),
                                  [[1, 0, 0], [0, 1, 0], [0, 1, 0], [0, 0, 1]])


def test_coefficient_panel_holds_every_value():
    for method in ex.NE_METHODS:
        for cond in figs.COND_SLIDER:
            w_hat = ex.normal_equation_errors(method, cond)[2]
            assert np.all(np.abs(w_hat) < figs.W_LIM)


FIGURES = [
    (figs.draw_normal_equation, dict(ncols=2, figsize=(8, 3)), [dict(cond=1e8, notes=True), dict(cond=1.0, notes=False)]),
    (figs.draw_convergence, dict(figsize=(6.4, 2.8)), [dict(lr=lr) for lr in ex.GD_LRS]),
    (figs.draw_calibration, dict(figsize=(5.6, 3.4)),
     [dict(model=m, copies=4) for m in ("logistic regression", "Gaussian naive Bayes")]),
    (figs.draw_discretization, dict(figsize=(6.4, 3)), [dict(n_bins=2), dict(n_bins=64)]),
    (figs.draw_shuffle, dict(figsize=(6.4, 1.4)), [dict(seed=0, notes=True), dict(seed=42, notes=False)]),
]


@pytest.mark.parametrize("draw,figure_kw,frames", FIGURES, ids=[f[0].__name__ for f in FIGURES])
def test_figures_render_finite_frames(draw, figure_kw, frames):
    renderer = FrameRenderer(draw, **figure_kw)
    pngs = [renderer.render(values) for values in frames]
    assert all(png.startswith(b"\x89PNG") for png in pngs)
    assert renderer.render(frames[0]) == pngs[0]  # deterministic


def test_legend_does_not_pile_up_across_frames():
    renderer = FrameRenderer(figs.draw_normal_equation, ncols=2, figsize=(8, 3))
    renderer.render(dict(cond=1e8, notes=True))
    renderer.render(dict(cond=1e4, notes=True))
    labels = [t.get_text() for t in renderer.axes[1].get_legend().get_texts()]
    assert len(labels) == len(set(labels)) == 5
