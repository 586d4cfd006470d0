"""Bad inputs to mlnotes.optim raise the right exception, with a message naming the argument."""

import math

import numpy as np
import pytest

from mlnotes.optim import (SGD, Adagrad, Adam, AdamW, Quadratic, RMSprop, Saddle, clip_grad_norm, hessian_eigs,
                           minibatches, run, warmup_cosine_lr, warmup_cosine_schedule)
from mlnotes.optim import errata, memory
from mlnotes.optim.groups import decay_param_groups, normalized_weight_scaling
from mlnotes.optim.second_order import lbfgs, newton

QUAD = lambda x: (float(x @ x), 2 * x)  # noqa: E731  f = ‖x‖², for lbfgs


def P():
    """A fresh list holding one float parameter."""
    return [np.zeros(3)]


def _step(grads, params=None):
    opt = SGD(params or [np.zeros(3), np.zeros((2, 2))], lr=0.1)
    opt.step(grads)


def _set_lr(value):
    opt = Adam(P())
    opt.lr = value


SCHED = dict(base_lr=0.1, warmup_steps=5, total_steps=20)

BAD = [
    # optimizer hyper-parameters
    ("sgd lr < 0", lambda: SGD(P(), lr=-0.1), ValueError, r"lr must be >= 0.0, got -0.1"),
    ("sgd lr nan", lambda: SGD(P(), lr=float("nan")), ValueError, r"lr must be finite"),
    ("sgd lr str", lambda: SGD(P(), lr="0.1"), TypeError, r"lr must be a real number"),
    ("sgd momentum = 1", lambda: SGD(P(), lr=0.1, momentum=1.0), ValueError, r"momentum must be in \[0.0, 1.0\), got 1.0"),
    ("sgd momentum < 0", lambda: SGD(P(), lr=0.1, momentum=-0.5), ValueError, r"momentum must be in \[0.0, 1.0\)"),
    ("sgd dampening > 1", lambda: SGD(P(), lr=0.1, momentum=0.9, dampening=1.5), ValueError, r"dampening"),
    ("sgd weight_decay < 0", lambda: SGD(P(), lr=0.1, weight_decay=-1e-3), ValueError, r"weight_decay must be >= 0"),
    ("nesterov, no momentum", lambda: SGD(P(), lr=0.1, nesterov=True), ValueError, r"nesterov requires momentum > 0"),
    ("nesterov, dampening", lambda: SGD(P(), lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), ValueError,
     r"nesterov requires .* dampening = 0"),
    ("nesterov not bool", lambda: SGD(P(), lr=0.1, momentum=0.9, nesterov="yes"), TypeError, r"nesterov must be a bool"),
    ("adam beta1 = 1", lambda: Adam(P(), betas=(1.0, 0.999)), ValueError, r"beta1 must be in \[0.0, 1.0\), got 1.0"),
    ("adam beta2 = 1", lambda: Adam(P(), betas=(0.9, 1.0)), ValueError, r"beta2 must be in \[0.0, 1.0\), got 1.0"),
    ("adam beta2 < 0", lambda: Adam(P(), betas=(0.9, -0.1)), ValueError, r"beta2 must be in"),
    ("adam betas scalar", lambda: Adam(P(), betas=0.9), TypeError, r"betas must be a pair"),
    ("adam betas triple", lambda: Adam(P(), betas=(0.9, 0.99, 0.999)), TypeError, r"betas must be a pair"),
    ("adam eps < 0", lambda: Adam(P(), eps=-1e-8), ValueError, r"eps must be >= 0"),
    ("adam weight_decay < 0", lambda: Adam(P(), weight_decay=-0.1), ValueError, r"weight_decay must be >= 0"),
    ("adam amsgrad not bool", lambda: Adam(P(), amsgrad=1), TypeError, r"amsgrad must be a bool"),
    ("adamw weight_decay < 0", lambda: AdamW(P(), weight_decay=-0.01), ValueError, r"weight_decay"),
    ("adamw beta2 = 1", lambda: AdamW(P(), betas=(0.9, 1)), ValueError, r"beta2 must be in \[0.0, 1.0\)"),
    ("rmsprop alpha = 1", lambda: RMSprop(P(), alpha=1.0), ValueError, r"alpha must be in \[0.0, 1.0\)"),
    ("rmsprop momentum = 1", lambda: RMSprop(P(), momentum=1.0), ValueError, r"momentum must be in"),
    ("rmsprop eps < 0", lambda: RMSprop(P(), eps=-1.0), ValueError, r"eps must be >= 0"),
    ("rmsprop centered not bool", lambda: RMSprop(P(), centered=None), TypeError, r"centered must be a bool"),
    ("adagrad lr_decay < 0", lambda: Adagrad(P(), lr_decay=-0.1), ValueError, r"lr_decay must be >= 0"),
    ("adagrad init acc < 0", lambda: Adagrad(P(), initial_accumulator_value=-1.0), ValueError,
     r"initial_accumulator_value must be >= 0"),
    ("adagrad eps < 0", lambda: Adagrad(P(), eps=-1e-10), ValueError, r"eps must be >= 0"),
    ("lr set < 0 later", lambda: _set_lr(-1e-3), ValueError, r"lr must be >= 0"),
    # parameters
    ("params empty", lambda: SGD([], lr=0.1), ValueError, r"params must not be empty"),
    ("params an array", lambda: SGD(np.zeros(3), lr=0.1), TypeError, r"params must be a list of numpy arrays"),
    ("params a generator", lambda: SGD((p for p in P()), lr=0.1), TypeError, r"params must be a list"),
    ("params hold a list", lambda: Adam([[1.0, 2.0]]), TypeError, r"params\[0\] must be a numpy array"),
    ("params int dtype", lambda: Adam([np.zeros(3, dtype=int)]), ValueError, r"params\[0\] must be a float array"),
    ("params read-only", lambda: SGD([np.broadcast_to(np.zeros(1), (3,))], lr=0.1), ValueError,
     r"params\[0\] must be writeable"),
    ("params nan", lambda: Adam([np.zeros(2), np.array([np.nan])]), ValueError, r"params\[1\] must contain only finite"),
    ("params inf", lambda: RMSprop([np.array([np.inf])]), ValueError, r"params\[0\] must contain only finite"),
    # gradients
    ("grads too few", lambda: _step([np.zeros(3)]), ValueError, r"grads must have one array per parameter \(2\), got 1"),
    ("grads shape", lambda: _step([np.zeros(3), np.zeros(4)]), ValueError,
     r"grads\[1\] and params\[1\] must have the same shape, got \(4,\) and \(2, 2\)"),
    ("grads nan", lambda: _step([np.zeros(3), np.full((2, 2), np.nan)]), ValueError, r"grads\[1\] must contain only finite"),
    ("grads inf", lambda: _step([np.array([0, np.inf, 0]), np.zeros((2, 2))]), ValueError, r"grads\[0\] must contain only"),
    ("grads an array", lambda: _step(np.zeros(3), params=P()), TypeError, r"grads must be a list of arrays"),
    ("grads hold text", lambda: _step(["abc"], params=P()), TypeError, r"grads\[0\] must be array-like"),
    # schedule
    ("warmup >= total", lambda: warmup_cosine_lr(0, base_lr=0.1, warmup_steps=20, total_steps=20), ValueError,
     r"total_steps must be > warmup_steps \(20\), got 20"),
    ("step > total", lambda: warmup_cosine_lr(21, **SCHED), ValueError, r"step must be an integer in \[0, 20\], got 21"),
    ("step < 0", lambda: warmup_cosine_lr(-1, **SCHED), ValueError, r"step must be an integer in \[0, 20\]"),
    ("step float", lambda: warmup_cosine_lr(1.5, **SCHED), TypeError, r"step must be an integer"),
    ("warmup < 0", lambda: warmup_cosine_lr(0, base_lr=0.1, warmup_steps=-1, total_steps=5), ValueError,
     r"warmup_steps must be an integer >= 0"),
    ("base_lr < 0", lambda: warmup_cosine_schedule(base_lr=-0.1, warmup_steps=1, total_steps=5), ValueError,
     r"base_lr must be >= 0"),
    ("min_lr > base_lr", lambda: warmup_cosine_schedule(base_lr=0.1, warmup_steps=1, total_steps=5, min_lr=0.2),
     ValueError, r"min_lr must be in \[0.0, 0.1\], got 0.2"),
    ("start factor 0", lambda: warmup_cosine_lr(0, **SCHED, warmup_start_factor=0.0), ValueError,
     r"warmup_start_factor must be in \(0.0, 1.0\]"),
    ("start factor > 1", lambda: warmup_cosine_schedule(**SCHED, warmup_start_factor=2.0), ValueError,
     r"warmup_start_factor"),
    # clipping and mini-batches
    ("clip max_norm < 0", lambda: clip_grad_norm([np.ones(2)], -1.0), ValueError, r"max_norm must be >= 0"),
    ("clip norm_type 1", lambda: clip_grad_norm([np.ones(2)], 1.0, norm_type=1.0), ValueError,
     r"norm_type must be 2.0 or inf, got 1.0"),
    ("clip empty", lambda: clip_grad_norm([], 1.0), ValueError, r"grads must not be empty"),
    ("clip nan", lambda: clip_grad_norm([np.ones(2), np.array([np.nan])], 1.0), ValueError,
     r"total norm of grads is not finite.*error_if_nonfinite=False"),
    ("clip flag", lambda: clip_grad_norm([np.ones(2)], 1.0, error_if_nonfinite=1), TypeError,
     r"error_if_nonfinite must be a bool"),
    ("clip array", lambda: clip_grad_norm(np.ones(2), 1.0), TypeError, r"grads must be a list"),
    ("batch_size 0", lambda: minibatches(10, 0, np.random.default_rng(0)), ValueError, r"batch_size must be an integer >= 1"),
    ("n 0", lambda: minibatches(0, 2, np.random.default_rng(0)), ValueError, r"n must be an integer >= 1"),
    ("rng seed int", lambda: minibatches(10, 2, 42), TypeError, r"rng must be a numpy.random.Generator"),
    # landscapes
    ("run x0 shape", lambda: run(lambda ps: SGD(ps, lr=0.1), Saddle(), [1.0, 2.0, 3.0], 5), ValueError,
     r"x0 must have shape \(2\), got \(3,\)"),
    ("run steps < 0", lambda: run(lambda ps: SGD(ps, lr=0.1), Saddle(), [1.0, 2.0], -1), ValueError,
     r"steps must be an integer >= 0"),
    ("run x0 nan", lambda: run(lambda ps: SGD(ps, lr=0.1), Saddle(), [np.nan, 2.0], 3), ValueError, r"x0 must contain"),
    ("run not callable", lambda: run("sgd", Saddle(), [1.0, 2.0], 3), TypeError, r"make_optimizer must be callable"),
    ("hessian point shape", lambda: hessian_eigs(Quadratic(), [1.0]), ValueError, r"point must have shape \(2\)"),
    ("value point shape", lambda: Quadratic().value(np.zeros((4, 3))), ValueError, r"point must have shape \(\.\.\., 2\)"),
    # errata helpers
    ("sigma beta2 = 1", lambda: errata.rmsprop_sigma(np.ones(3), beta2=1.0), ValueError, r"beta2 must be in \[0.0, 1.0\)"),
    ("sigma no grads", lambda: errata.rmsprop_sigma(np.ones(0)), ValueError, r"grads must have shape \(T, \.\.\.\)"),
    ("adam updates eps", lambda: errata.adam_updates(np.ones(3), eps=-1.0), ValueError, r"eps must be >= 0"),
    ("momentum beta = 1", lambda: errata.momentum_right(lambda w: w, np.ones(1), lr=0.1, beta=1.0, steps=3), ValueError,
     r"beta must be in \[0.0, 1.0\)"),
    ("steps 0", lambda: errata.adam_step_sizes_constant_grad(0), ValueError, r"steps must be an integer >= 1"),
    # parameter groups
    ("group without params", lambda: SGD([{"lr": 0.1}], lr=0.1), ValueError, r"param_groups\[0\] must have a 'params' key"),
    ("group params an array", lambda: SGD([{"params": np.zeros(2)}], lr=0.1), TypeError,
     r"param_groups\[0\]\['params'\] must be a list of numpy arrays"),
    ("group params empty", lambda: SGD([{"params": []}], lr=0.1), ValueError, r"param_groups\[0\]\['params'\] must not be"),
    ("group holds ints", lambda: Adam([{"params": [np.zeros(2, dtype=int)]}]), ValueError,
     r"param_groups\[0\]\['params'\]\[0\] must be a float array"),
    ("groups and arrays mixed", lambda: SGD([{"params": [np.zeros(2)]}, np.zeros(2)], lr=0.1), TypeError,
     r"not a mix"),
    ("array in two groups", lambda: (lambda p: SGD([{"params": [p]}, {"params": [p]}], lr=0.1))(np.zeros(2)),
     ValueError, r"params must hold each array once"),
    ("array twice in a list", lambda: (lambda p: Adam([p, p]))(np.zeros(2)), ValueError, r"each array once"),
    ("group unknown key", lambda: AdamW([{"params": [np.zeros(2)], "weight_decy": 0.0}]), ValueError,
     r"param_groups\[0\] has unknown keys \['weight_decy'\]"),
    ("group derived key", lambda: Adam([{"params": [np.zeros(2)], "beta1": 0.5}]), ValueError, r"unknown keys \['beta1'\]"),
    ("group bad value", lambda: SGD([{"params": [np.zeros(2)], "momentum": 1.0}], lr=0.1), ValueError,
     r"param_groups\[0\]: momentum must be in \[0.0, 1.0\)"),
    ("group bad lr type", lambda: SGD([{"params": [np.zeros(2)], "lr": "fast"}], lr=0.1), TypeError,
     r"param_groups\[0\]: lr must be a real number"),
    ("group nesterov alone", lambda: SGD([{"params": [np.zeros(2)], "nesterov": True}], lr=0.1), ValueError,
     r"param_groups\[0\]: nesterov requires momentum > 0"),
    ("group initial acc", lambda: Adagrad([{"params": [np.zeros(2)], "initial_accumulator_value": 1.0}]), ValueError,
     r"initial_accumulator_value is set once"),
    ("decay groups not a list", lambda: decay_param_groups(np.zeros((2, 2)), 0.1), TypeError, r"params must be a list"),
    ("decay groups empty", lambda: decay_param_groups([], 0.1), ValueError, r"params must not be empty"),
    ("decay groups wd < 0", lambda: decay_param_groups([np.zeros(2)], -0.1), ValueError, r"weight_decay must be >= 0"),
    ("decay groups no ndim", lambda: decay_param_groups([[1.0, 2.0]], 0.1), TypeError,
     r"params\[0\] must be an array or a tensor"),
    ("decay mask length", lambda: decay_param_groups([np.zeros(2)], 0.1, mask=[True, False]), ValueError,
     r"mask must have one bool per parameter \(1\), got 2"),
    ("decay mask ints", lambda: decay_param_groups([np.zeros(2)], 0.1, mask=[1]), TypeError, r"mask must be a list of bools"),
    # second-order methods and memory
    ("newton steps < 0", lambda: newton(Quadratic(), [1.0, 1.0], -1), ValueError, r"steps must be an integer >= 0"),
    ("newton x0 2-D", lambda: newton(Quadratic(), np.ones((2, 2)), 1), ValueError, r"x0 must have 1 dimension"),
    ("lbfgs lr 0", lambda: lbfgs(QUAD, np.ones(2), lr=0.0), ValueError, r"lr must be > 0"),
    ("lbfgs max_iter 0", lambda: lbfgs(QUAD, np.ones(2), max_iter=0), ValueError, r"max_iter must be an integer >= 1"),
    ("lbfgs history 0", lambda: lbfgs(QUAD, np.ones(2), history_size=0), ValueError, r"history_size must be an integer"),
    ("lbfgs line search", lambda: lbfgs(QUAD, np.ones(2), line_search="wolfe"), ValueError,
     r"line_search must be None or 'backtracking'"),
    ("lbfgs fun", lambda: lbfgs("f", np.ones(2)), TypeError, r"fun must be callable"),
    ("lbfgs x0 nan", lambda: lbfgs(QUAD, [np.nan, 1.0]), ValueError, r"x0 must contain only finite"),
    ("memory optimizer", lambda: memory.fp32_training_bytes("Lion"), ValueError, r"optimizer must be one of"),
    ("memory half", lambda: memory.mixed_precision_training_bytes(half="float8"), ValueError, r"half must be"),
    ("scaling c 0", lambda: normalized_weight_scaling(0.0), ValueError, r"c must be > 0"),
]


@pytest.mark.parametrize("call, exc, match", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_raises_naming_the_argument(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_a_failed_step_changes_nothing():
    params = [np.ones(3), np.ones(2)]
    opt = Adam(params, lr=0.1)
    with pytest.raises(ValueError, match=r"grads\[1\]"):
        opt.step([np.ones(3), np.array([1.0, math.inf])])
    assert opt.t == 0 and np.all(params[0] == 1.0) and np.all(params[1] == 1.0)
