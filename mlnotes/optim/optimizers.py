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
    """Base class: float arrays updated in place, a mutable ``lr``, a step counter ``t``."""

    def __init__(self, params, lr: float):
        if isinstance(params, np.ndarray) or not isinstance(params, (list, tuple)):
            raise TypeError(f"params must be a list of numpy arrays, got {type(params).__name__}")
        check_nonempty("params", params)
        for i, p in enumerate(params):
            if not isinstance(p, np.ndarray):
                raise TypeError(f"params[{i}] must be a numpy array (updated in place), got {type(p).__name__}")
            if p.dtype.kind != "f":
                raise ValueError(f"params[{i}] must be a float array, got dtype {p.dtype}")
            if not p.flags.writeable:
                raise ValueError(f"params[{i}] must be writeable (it is updated in place)")
            check_array(f"params[{i}]", p, dtype=p.dtype)
        self.params = list(params)
        self.lr = lr
        self.t = 0
        self.state = [{} for _ in self.params]

    @property
    def lr(self) -> float:
        """Learning rate η; a schedule may set it between steps."""
        return self._lr

    @lr.setter
    def lr(self, value) -> None:
        self._lr = check_real("lr", value, low=0.0)

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
        self.t += 1
        for p, g, state in zip(self.params, checked, self.state):
            self._update(p, g, state)

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent with optional momentum, dampening, Nesterov and L2 decay."""

    def __init__(self, params, lr: float, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
        super().__init__(params, lr)
        self.momentum = check_beta("momentum", momentum)
        self.dampening = check_real("dampening", dampening, low=0.0, high=1.0)
        self.weight_decay = check_real("weight_decay", weight_decay, low=0.0)
        if not isinstance(nesterov, bool):
            raise TypeError(f"nesterov must be a bool, got {type(nesterov).__name__}")
        if nesterov and (self.momentum == 0.0 or self.dampening != 0.0):
            raise ValueError(
                f"nesterov requires momentum > 0 and dampening = 0, got momentum={self.momentum}, "
                f"dampening={self.dampening}"
            )
        self.nesterov = nesterov

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

    def __init__(self, params, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10):
        super().__init__(params, lr)
        self.lr_decay = check_real("lr_decay", lr_decay, low=0.0)
        self.weight_decay = check_real("weight_decay", weight_decay, low=0.0)
        self.initial_accumulator_value = check_real("initial_accumulator_value", initial_accumulator_value, low=0.0)
        self.eps = check_real("eps", eps, low=0.0)
        for p, state in zip(self.params, self.state):
            state["sum"] = np.full_like(p, self.initial_accumulator_value)

    def _update(self, p, g, state):
        if self.weight_decay != 0:
            g = g + self.weight_decay * p
        clr = self.lr / (1 + (self.t - 1) * self.lr_decay)  # η / (1 + (t−1)γ)
        state["sum"] += g * g  # s_t = s_{t−1} + g²
        p -= clr * (g / (np.sqrt(state["sum"]) + self.eps))  # θ ← θ − clr·g/(√s + ε)


class RMSprop(Optimizer):
    """RMSprop: divide by a running RMS of gradients; optional centering and momentum."""

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
        super().__init__(params, lr)
        self.alpha = check_beta("alpha", alpha)
        self.eps = check_real("eps", eps, low=0.0)
        self.weight_decay = check_real("weight_decay", weight_decay, low=0.0)
        self.momentum = check_beta("momentum", momentum)
        if not isinstance(centered, bool):
            raise TypeError(f"centered must be a bool, got {type(centered).__name__}")
        self.centered = centered
        for p, state in zip(self.params, self.state):
            state["square_avg"] = np.zeros_like(p)
            state["grad_avg"] = np.zeros_like(p)
            state["buf"] = np.zeros_like(p)

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
        super().__init__(params, lr)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise TypeError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        self.beta1 = check_beta("beta1", betas[0])
        self.beta2 = check_beta("beta2", betas[1])
        self.eps = check_real("eps", eps, low=0.0)
        self.weight_decay = check_real("weight_decay", weight_decay, low=0.0)
        if not isinstance(amsgrad, bool):
            raise TypeError(f"amsgrad must be a bool, got {type(amsgrad).__name__}")
        self.amsgrad = amsgrad
        for p, state in zip(self.params, self.state):
            state["m"] = np.zeros_like(p)
            state["v"] = np.zeros_like(p)
            state["v_max"] = np.zeros_like(p)

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
