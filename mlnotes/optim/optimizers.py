r"""First-order optimizers in numpy, step for step the same as ``torch.optim``.

Each optimizer updates a list of float arrays **in place**, given their gradients
$g_t = \nabla_\theta L(\theta_{t-1})$, at step $t = 1, 2, \dots$ and learning rate $\eta$.
L2 weight decay $\lambda$ (SGD, Adagrad, RMSprop, Adam) is added to the gradient,
$g_t \leftarrow g_t + \lambda\theta_{t-1}$; AdamW instead decays the weights directly.

SGD with momentum $\mu$, dampening $d$ (torch's buffer starts at $b_1 = g_1$):
$$b_t = \mu b_{t-1} + (1 - d)\,g_t,\qquad
\theta_t = \theta_{t-1} - \eta\,(g_t + \mu b_t \ \text{if Nesterov else}\ b_t).$$

Adagrad with learning-rate decay $\gamma$:
$$s_t = s_{t-1} + g_t^2,\qquad
\theta_t = \theta_{t-1} - \frac{\eta}{1 + (t-1)\gamma}\,\frac{g_t}{\sqrt{s_t} + \epsilon}.$$

RMSprop with smoothing $\alpha$ (centered: subtract the squared mean gradient $\bar g_t^2$):
$$a_t = \alpha a_{t-1} + (1-\alpha) g_t^2,\qquad
\theta_t = \theta_{t-1} - \eta\,\frac{g_t}{\sqrt{a_t - \bar g_t^2} + \epsilon}
\quad(\text{with momentum: } b_t = \mu b_{t-1} + g_t/(\sqrt{\cdot}+\epsilon),\ \theta_t = \theta_{t-1} - \eta b_t).$$

Adam (AMSGrad: use $\max_{s\le t} v_s$ in place of $v_t$):
$$m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\quad v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,\quad
\hat m_t = \frac{m_t}{1-\beta_1^t},\quad \hat v_t = \frac{v_t}{1-\beta_2^t},\quad
\theta_t = \theta_{t-1} - \eta\,\frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}.$$

AdamW: first $\theta \leftarrow (1 - \eta\lambda)\,\theta$, then the Adam step without L2.

**Parameter groups** (as ``torch.optim``'s ``param_groups``): ``params`` may be a list of dicts
``{"params": [arrays], "weight_decay": 0.0, ...}``; each group's keys override the constructor's values
for its arrays, e.g. no weight decay on biases and normalization weights.

The code follows torch's order where it changes the result ($\epsilon$ is added to
$\sqrt{v_t}/\sqrt{1-\beta_2^t}$, after the bias correction). Torch fuses some operations
(fused multiply-add), so the last bit can differ: float64 runs agree to ~1e-12 after
hundreds of steps.

See chapter: chapters/optimizers.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_array, check_beta, check_nonempty, check_real, check_same_shape


class Optimizer:
    """Base class: float arrays updated in place, in parameter groups, and a step counter ``t``.

    ``params`` is a list of arrays (one group) or, as in ``torch.optim``, a list of dicts
    ``{"params": [arrays], "weight_decay": 0.0, ...}``, each a **parameter group** whose keys override
    the constructor's hyperparameters. ``param_groups`` holds every group with all its values filled in.
    While a group is being updated, ``self.lr``, ``self.weight_decay``, … read *that group's* values,
    so each ``_update`` is written once for every group. ``step`` takes one gradient per array, in
    the order of ``self.params`` (the groups' arrays, one group after another).
    """

    constructor_only: tuple = ()  # hyperparameters that cannot differ between groups

    def __init__(self, params, defaults: dict):
        groups = _as_groups(params)
        allowed = sorted(defaults)  # the constructor's own names (not derived ones such as Adam's beta1)
        self.defaults = self._check_hyper(dict(defaults))
        self.param_groups = []
        for k, group in enumerate(groups):
            unknown = sorted(set(group) - {"params"} - set(allowed))
            if unknown:  # torch keeps unknown keys silently: a typo such as "weight_decy" would do nothing
                raise ValueError(f"param_groups[{k}] has unknown keys {unknown}; allowed: {allowed}")
            for key in self.constructor_only:
                if key in group:  # torch would keep the key and ignore it
                    raise ValueError(f"param_groups[{k}]: {key} is set once, in the constructor, for every group "
                                     f"(torch ignores it in a group)")
            override = {key: v for key, v in group.items() if key != "params"}
            try:
                hyper = self._check_hyper({**self.defaults, **override}) if override else dict(self.defaults)
            except (TypeError, ValueError) as exc:
                raise type(exc)(f"param_groups[{k}]: {exc}") from None
            self.param_groups.append({"params": group["params"], **hyper})
        self.params = [p for group in self.param_groups for p in group["params"]]
        if len({id(p) for p in self.params}) != len(self.params):
            raise ValueError("params must hold each array once: an array appears twice "
                             "(torch raises for two groups and warns within one)")
        self.t = 0
        self.state = [{} for _ in self.params]
        self._group = self.param_groups[0]

    def _check_hyper(self, hyper: dict) -> dict:
        """One group's hyperparameters, validated (each optimizer adds its own)."""
        return {**hyper, "lr": check_real("lr", hyper["lr"], low=0.0)}

    def __getattr__(self, name):
        group = self.__dict__.get("_group")
        if group is not None and name in group and name != "params":
            return group[name]  # a hyperparameter of the group being updated (group 0 between steps)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @property
    def lr(self) -> float:
        """Learning rate η of the group being updated (group 0 between steps); setting it sets every group's."""
        return self._group["lr"]

    @lr.setter
    def lr(self, value) -> None:
        value = check_real("lr", value, low=0.0)
        for group in self.param_groups:
            group["lr"] = value

    def groups(self):
        """Yield (group, [flat indices of its arrays]) for every parameter group."""
        start = 0
        for group in self.param_groups:
            yield group, range(start, start + len(group["params"]))
            start += len(group["params"])

    def step(self, grads) -> None:
        """Update every parameter in place from its gradient (same shapes as ``params``)."""
        if isinstance(grads, np.ndarray) or not isinstance(grads, (list, tuple)):
            raise TypeError(f"grads must be a list of arrays, got {type(grads).__name__}")
        if len(grads) != len(self.params):
            raise ValueError(f"grads must have one array per parameter ({len(self.params)}), got {len(grads)}")
        checked = []
        for i, (p, g) in enumerate(zip(self.params, grads)):
            g = check_array(f"grads[{i}]", g, dtype=p.dtype)
            check_same_shape(f"grads[{i}]", g, f"params[{i}]", p)
            checked.append(g)
        for k, group in enumerate(self.param_groups):  # lr may have been set through param_groups
            check_real(f"param_groups[{k}]['lr']", group["lr"], low=0.0)
        self.t += 1
        try:
            for group, indices in self.groups():
                self._group = group
                for i in indices:
                    self._update(self.params[i], checked[i], self.state[i])
        finally:
            self._group = self.param_groups[0]

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict) -> None:
        raise NotImplementedError


def _as_arrays(name: str, params) -> list:
    """A list of writeable, finite float arrays (the parameters of one group)."""
    if isinstance(params, np.ndarray) or not isinstance(params, (list, tuple)):
        raise TypeError(f"{name} must be a list of numpy arrays, got {type(params).__name__}")
    check_nonempty(name, params)
    for i, p in enumerate(params):
        if not isinstance(p, np.ndarray):
            raise TypeError(f"{name}[{i}] must be a numpy array (updated in place), got {type(p).__name__}")
        if p.dtype.kind != "f":
            raise ValueError(f"{name}[{i}] must be a float array, got dtype {p.dtype}")
        if not p.flags.writeable:
            raise ValueError(f"{name}[{i}] must be writeable (it is updated in place)")
        check_array(f"{name}[{i}]", p, dtype=p.dtype)
    return list(params)


def _as_groups(params) -> list:
    """``params`` as a list of group dicts: a list of arrays is one group; a list of dicts is kept."""
    if isinstance(params, (list, tuple)) and params and all(isinstance(g, dict) for g in params):
        groups = []
        for k, group in enumerate(params):
            if "params" not in group:
                raise ValueError(f"param_groups[{k}] must have a 'params' key (a list of arrays)")
            groups.append({**group, "params": _as_arrays(f"param_groups[{k}]['params']", group["params"])})
        return groups
    if isinstance(params, (list, tuple)) and any(isinstance(g, dict) for g in params):
        raise TypeError("params must be a list of arrays or a list of dicts (parameter groups), not a mix")
    return [{"params": _as_arrays("params", params)}]


class SGD(Optimizer):
    """Stochastic gradient descent with optional momentum, dampening, Nesterov and L2 decay."""

    def __init__(self, params, lr: float, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                                      nesterov=nesterov))

    def _check_hyper(self, h):
        h = super()._check_hyper(h)
        h["momentum"] = check_beta("momentum", h["momentum"])
        h["dampening"] = check_real("dampening", h["dampening"], low=0.0, high=1.0)
        h["weight_decay"] = check_real("weight_decay", h["weight_decay"], low=0.0)
        if not isinstance(h["nesterov"], bool):
            raise TypeError(f"nesterov must be a bool, got {type(h['nesterov']).__name__}")
        if h["nesterov"] and (h["momentum"] == 0.0 or h["dampening"] != 0.0):
            raise ValueError(
                f"nesterov requires momentum > 0 and dampening = 0, got momentum={h['momentum']}, "
                f"dampening={h['dampening']}"
            )
        return h

    def _update(self, p, g, state):
        if self.weight_decay != 0:
            g = g + self.weight_decay * p  # g ← g + λθ
        if self.momentum != 0:
            if "buf" not in state:
                state["buf"] = g.copy()  # b_1 = g_1 (torch: no dampening on the first step)
            else:
                state["buf"] = self.momentum * state["buf"] + (1 - self.dampening) * g  # b_t = μb + (1−d)g
            g = g + self.momentum * state["buf"] if self.nesterov else state["buf"]
        p -= self.lr * g  # θ ← θ − η·g


class Adagrad(Optimizer):
    """Adagrad: per-coordinate step η/√(Σg²) with optional lr decay and L2 decay."""

    constructor_only = ("initial_accumulator_value",)  # torch fills every group's accumulator from it

    def __init__(self, params, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10):
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, eps=eps))
        for p, state in zip(self.params, self.state):
            state["sum"] = np.full_like(p, self.defaults["initial_accumulator_value"])

    def _check_hyper(self, h):
        h = super()._check_hyper(h)
        for name in ("lr_decay", "weight_decay", "initial_accumulator_value", "eps"):
            h[name] = check_real(name, h[name], low=0.0)
        return h

    def _update(self, p, g, state):
        if self.weight_decay != 0:
            g = g + self.weight_decay * p
        clr = self.lr / (1 + (self.t - 1) * self.lr_decay)  # η / (1 + (t−1)γ)
        state["sum"] += g * g  # s_t = s_{t−1} + g²
        p -= clr * (g / (np.sqrt(state["sum"]) + self.eps))  # θ ← θ − clr·g/(√s + ε)


class RMSprop(Optimizer):
    """RMSprop: divide by a running RMS of gradients; optional centering and momentum."""

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum,
                                      centered=centered))
        for p, state in zip(self.params, self.state):
            state["square_avg"] = np.zeros_like(p)
            state["grad_avg"] = np.zeros_like(p)
            state["buf"] = np.zeros_like(p)

    def _check_hyper(self, h):
        h = super()._check_hyper(h)
        h["alpha"], h["momentum"] = check_beta("alpha", h["alpha"]), check_beta("momentum", h["momentum"])
        h["eps"] = check_real("eps", h["eps"], low=0.0)
        h["weight_decay"] = check_real("weight_decay", h["weight_decay"], low=0.0)
        if not isinstance(h["centered"], bool):
            raise TypeError(f"centered must be a bool, got {type(h['centered']).__name__}")
        return h

    def _update(self, p, g, state):
        if self.weight_decay != 0:
            g = g + self.weight_decay * p
        a = self.alpha
        state["square_avg"] = a * state["square_avg"] + (1 - a) * (g * g)  # a_t = αa + (1−α)g²
        if self.centered:
            state["grad_avg"] = a * state["grad_avg"] + (1 - a) * g  # ḡ_t = αḡ + (1−α)g
            avg = np.sqrt(state["square_avg"] - state["grad_avg"] ** 2) + self.eps
        else:
            avg = np.sqrt(state["square_avg"]) + self.eps
        if self.momentum > 0:
            state["buf"] = self.momentum * state["buf"] + g / avg  # b_t = μb + g/(√a + ε)
            p -= self.lr * state["buf"]
        else:
            p -= self.lr * (g / avg)


class Adam(Optimizer):
    """Adam with bias-corrected moments; L2 decay added to the gradient (torch's ``Adam``)."""

    decoupled = False

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad))
        for p, state in zip(self.params, self.state):
            state["m"] = np.zeros_like(p)
            state["v"] = np.zeros_like(p)
            state["v_max"] = np.zeros_like(p)

    def _check_hyper(self, h):
        h = super()._check_hyper(h)
        betas = h["betas"]
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise TypeError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        h["beta1"], h["beta2"] = check_beta("beta1", betas[0]), check_beta("beta2", betas[1])
        h["betas"] = (h["beta1"], h["beta2"])
        h["eps"] = check_real("eps", h["eps"], low=0.0)
        h["weight_decay"] = check_real("weight_decay", h["weight_decay"], low=0.0)
        if not isinstance(h["amsgrad"], bool):
            raise TypeError(f"amsgrad must be a bool, got {type(h['amsgrad']).__name__}")
        return h

    def _update(self, p, g, state):
        b1, b2, t = self.beta1, self.beta2, self.t
        if self.weight_decay != 0:
            if self.decoupled:
                p *= 1 - self.lr * self.weight_decay  # θ ← (1 − ηλ)θ
            else:
                g = g + self.weight_decay * p  # g ← g + λθ
        state["m"] = b1 * state["m"] + (1 - b1) * g  # m_t = β₁m + (1−β₁)g
        state["v"] = b2 * state["v"] + (1 - b2) * (g * g)  # v_t = β₂v + (1−β₂)g²
        if self.amsgrad:
            state["v_max"] = np.maximum(state["v_max"], state["v"])
        v = state["v_max"] if self.amsgrad else state["v"]
        step_size = self.lr / (1 - b1**t)  # η / (1 − β₁ᵗ) carries m̂
        denom = np.sqrt(v) / (1 - b2**t) ** 0.5 + self.eps  # √v̂ + ε
        p -= step_size * (state["m"] / denom)


class AdamW(Adam):
    """Adam with decoupled weight decay θ ← (1 − ηλ)θ (torch's ``AdamW``)."""

    decoupled = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad)
