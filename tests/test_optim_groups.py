"""Parameter groups equal torch.optim's param_groups; decay_param_groups; memory counted from real torch tensors;
the scale invariance behind not decaying weights before a normalization layer."""

import numpy as np
import pytest
import torch

from mlnotes.llm import precision
from mlnotes.optim import SGD, Adagrad, Adam, AdamW, RMSprop, memory
from mlnotes.optim.groups import decay_param_groups, normalized_weight_scaling
from mlnotes.optim.reference import max_relative_error, run_groups_both

# (ours, torch, defaults, per-group overrides for groups 0, 1, 2): every optimizer, every overridable key
GROUP_CASES = [
    (SGD, torch.optim.SGD, dict(lr=0.05, momentum=0.9),
     [dict(weight_decay=0.1), dict(lr=0.01, momentum=0.0), dict(nesterov=True, dampening=0.0)]),
    (SGD, torch.optim.SGD, dict(lr=0.05),
     [dict(), dict(momentum=0.5, dampening=0.3), dict(lr=0.2, weight_decay=0.01)]),
    (Adagrad, torch.optim.Adagrad, dict(lr=0.1),
     [dict(), dict(lr_decay=0.01, eps=1e-6), dict(weight_decay=0.1)]),
    (Adagrad, torch.optim.Adagrad, dict(lr=0.1, initial_accumulator_value=0.5),
     [dict(lr=0.3), dict(), dict(lr_decay=0.1)]),
    (RMSprop, torch.optim.RMSprop, dict(lr=0.01),
     [dict(centered=True), dict(alpha=0.9, momentum=0.5), dict(lr=0.001, weight_decay=0.1, eps=1e-6)]),
    (Adam, torch.optim.Adam, dict(lr=0.01),
     [dict(betas=(0.8, 0.99)), dict(amsgrad=True, weight_decay=0.1), dict(lr=0.05, eps=1e-6)]),
    (AdamW, torch.optim.AdamW, dict(lr=0.01, weight_decay=0.1),
     [dict(weight_decay=0.0), dict(), dict(lr=0.001, betas=(0.5, 0.9), amsgrad=True)]),
]
GROUP_IDS = [f"{o.__name__}-{i}" for i, (o, *_) in enumerate(GROUP_CASES)]


@pytest.mark.parametrize("ours_cls, torch_cls, defaults, overrides", GROUP_CASES, ids=GROUP_IDS)
def test_param_groups_equal_torch(ours_cls, torch_cls, defaults, overrides):
    rng = np.random.default_rng(0)
    shapes = [[(3,), (2, 2)], [(4,)], [(2, 3), (1,)]]
    ours = [[rng.standard_normal(s) for s in group] for group in shapes]
    theirs = [[torch.tensor(p.copy(), requires_grad=True) for p in group] for group in ours]
    opt = ours_cls([{"params": ps, **o} for ps, o in zip(ours, overrides)], **defaults)
    topt = torch_cls([{"params": ps, **o} for ps, o in zip(theirs, overrides)], foreach=False, **defaults)
    flat, tflat = [p for g in ours for p in g], [p for g in theirs for p in g]
    assert all(a is b for a, b in zip(opt.params, flat))
    for _ in range(60):
        grads = [p + 0.3 * rng.standard_normal(p.shape) for p in flat]  # noisy ∇ of ½‖θ‖² at our θ
        tgrads = [tp.detach() + torch.from_numpy(g - p) for tp, g, p in zip(tflat, grads, flat)]
        opt.step(grads)
        for tp, g in zip(tflat, tgrads):
            tp.grad = g
        topt.step()
    for p, tp in zip(flat, tflat):
        np.testing.assert_allclose(p, tp.detach().numpy(), rtol=1e-10, atol=1e-12)
    for ours_group, torch_group in zip(opt.param_groups, topt.param_groups):  # filled-in values as torch's
        for key in set(ours_group) & set(torch_group) - {"params"}:
            assert ours_group[key] == pytest.approx(torch_group[key]), key


def test_hyperparameters_read_inside_update_are_the_groups():
    a, b = np.zeros(2), np.zeros(2)
    opt = SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
    opt.step([np.ones(2), np.ones(2)])
    np.testing.assert_allclose(a, -0.1)
    np.testing.assert_allclose(b, -0.5)
    assert opt.lr == 0.1 and opt.param_groups[1]["lr"] == 0.5  # between steps: group 0
    opt.lr = 0.2  # sets every group, as before groups existed
    assert [g["lr"] for g in opt.param_groups] == [0.2, 0.2]


def test_a_list_of_arrays_is_one_group_and_keeps_its_values():
    p = np.zeros(3)
    opt = Adam([p], lr=0.01, betas=(0.8, 0.9))
    assert len(opt.param_groups) == 1 and opt.param_groups[0]["params"][0] is p
    assert (opt.beta1, opt.beta2, opt.lr, opt.eps) == (0.8, 0.9, 0.01, 1e-8)
    with pytest.raises(AttributeError, match="no attribute 'momentum'"):
        _ = opt.momentum


def test_group_values_are_validated_and_named():
    with pytest.raises(ValueError, match=r"param_groups\[1\]: weight_decay must be >= 0"):
        AdamW([{"params": [np.zeros(1)]}, {"params": [np.zeros(1)], "weight_decay": -1.0}])
    with pytest.raises(ValueError, match=r"param_groups\[0\] has unknown keys \['weight_decy'\]"):
        AdamW([{"params": [np.zeros(1)], "weight_decy": 0.0}])
    with pytest.raises(ValueError, match=r"param_groups\[0\]\['lr'\] must be >= 0"):
        opt = SGD([np.zeros(1)], lr=0.1)
        opt.param_groups[0]["lr"] = -1.0  # set behind the property's back: caught at the next step
        opt.step([np.ones(1)])


def test_adagrad_refuses_a_per_group_initial_accumulator_that_torch_would_ignore():
    p = torch.zeros(2, requires_grad=True)
    topt = torch.optim.Adagrad([{"params": [p], "initial_accumulator_value": 0.5}], lr=0.1)
    assert torch.equal(topt.state[p]["sum"], torch.zeros(2))  # torch: the group's value is ignored
    with pytest.raises(ValueError, match=r"param_groups\[0\]: initial_accumulator_value is set once"):
        Adagrad([{"params": [np.zeros(2)], "initial_accumulator_value": 0.5}], lr=0.1)


def test_torch_keeps_unknown_group_keys_silently():
    """The behaviour the chapter contrasts with ours: a typo leaves torch's default decay on."""
    opt = torch.optim.AdamW([{"params": [torch.zeros(2, requires_grad=True)], "weight_decy": 0.0}])
    assert opt.param_groups[0]["weight_decy"] == 0.0 and opt.param_groups[0]["weight_decay"] == 0.01


def test_decay_param_groups_by_dimension_and_by_mask():
    W, b, gamma, K = np.zeros((3, 2)), np.zeros(3), np.ones(3), np.zeros((2, 2, 3, 3))
    groups = decay_param_groups([W, b, gamma, K], 0.1)
    assert [g["weight_decay"] for g in groups] == [0.1, 0.0]
    assert groups[0]["params"][0] is W and groups[0]["params"][1] is K
    assert groups[1]["params"][0] is b and groups[1]["params"][1] is gamma
    masked = decay_param_groups([W, b], 0.1, mask=[False, True])
    assert masked[0]["params"] == [b] and masked[1]["params"][0] is W
    only = decay_param_groups([b, gamma], 0.1)  # no matrix: the empty decay group is left out
    assert len(only) == 1 and only[0]["weight_decay"] == 0.0


def test_decay_param_groups_on_torch_parameters_matches_the_named_rule():
    model = memory.small_model(width=4)
    groups = decay_param_groups(list(model.parameters()), 0.1)
    names = {id(p): n for n, p in model.named_parameters()}
    assert [names[id(p)] for p in groups[0]["params"]] == ["0.weight", "3.weight"]
    assert [names[id(p)] for p in groups[1]["params"]] == ["0.bias", "1.weight", "1.bias", "3.bias"]


def test_adamw_with_decay_groups_on_a_network_equals_torch():
    run = run_groups_both(weight_decay=0.1, steps=40)
    assert run["groups"] == [(0.1, ["0.weight", "3.weight"]), (0.0, ["0.bias", "1.weight", "1.bias", "3.bias"])]
    assert max_relative_error(run["ours"], run["theirs"]) < 1e-9
    no_decay = run_groups_both(weight_decay=0.0, steps=40)
    moved = max(np.max(np.abs(a - b)) for a, b in zip(run["ours"], no_decay["ours"]))
    assert moved > 1e-4  # the decay group really decays (the check is not vacuous)


@pytest.mark.parametrize("name, hyper, buffers", [
    ("SGD", {}, set()), ("SGD", {"momentum": 0.9}, {"momentum_buffer"}), ("Adam", {}, {"exp_avg", "exp_avg_sq"}),
    ("AdamW", {}, {"exp_avg", "exp_avg_sq"}), ("Adam", {"amsgrad": True}, {"exp_avg", "exp_avg_sq", "max_exp_avg_sq"}),
    ("RMSprop", {}, {"square_avg"}), ("Adagrad", {}, {"sum"})])
def test_fp32_memory_counts_real_state(name, hyper, buffers):
    c = memory.fp32_training_bytes(name, width=8, **hyper)
    n = sum(p.numel() for p in memory.small_model(8).parameters())
    assert c.n_params == n and c.n_tensors == 6
    assert c.parts["weights"] == c.parts["gradients"] == 4 * n
    assert {k for k in c.parts if k not in ("weights", "gradients", "step")} == buffers
    assert all(c.parts[k] == 4 * n for k in buffers)
    step = c.parts.get("step", 0)
    assert step in (0, 4 * c.n_tensors)
    assert c.total == (8 + 4 * len(buffers)) * n + step


@pytest.mark.parametrize("half", ["float16", "bfloat16"])
def test_mixed_precision_memory_equals_the_llm_chapters_count(half):
    c = memory.mixed_precision_training_bytes(width=8, half=half)
    zero = precision.adam_mixed_precision_bytes(c.n_params)
    assert c.total - c.parts["step"] == zero["total"] == 16 * c.n_params
    assert c.parts[f"{half} weights"] == c.parts[f"{half} gradients"] == 2 * c.n_params


def test_autocast_keeps_fp32_weights_and_gradients():
    assert memory.autocast_dtypes(width=8) == {"weights": "torch.float32", "gradients": "torch.float32",
                                                "activations": "torch.bfloat16"}


@pytest.mark.parametrize("c", [0.5, 2.0, 10.0])
def test_a_weight_before_layernorm_is_scale_invariant(c):
    out_change, mismatch = normalized_weight_scaling(c)
    assert out_change < 1e-12 and mismatch < 1e-12
