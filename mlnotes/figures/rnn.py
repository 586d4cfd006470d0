"""Figures of the RNN chapter: gradients through time, the gated carry path, and the RNN/LSTM/GRU race.

Pure draw functions ``draw_xxx(ax, **values)``; data is computed once per setting (``functools.lru_cache`` in
mlnotes.rnn), never at import. Fixed axis limits.

See chapter: chapters/rnn.md
"""

from __future__ import annotations

import numpy as np

BLUE, ORANGE, GREEN, RED, GREY = "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#8c8c8c"
RHOS = (0.5, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 2.0, 3.0)
GATE_BIASES = (0.0, 1.0, 2.0, 3.0)
RACE_LENGTHS = (5, 25)
RACE_GATE_BIAS = 2.0
GRAD_YLIM = (1e-18, 1e24)  # the gradient figure: ρ = 0.5 reaches 1e-17, ρ = 3 (linear) 2e23
COLORS = {"rnn": RED, "lstm": BLUE, "gru": GREEN}
LABELS = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}


def draw_gradient_through_time(ax, rho=1.0, activation="tanh"):
    """‖∂L/∂h_{T−k}‖ against the number of steps back k, for a vanilla RNN with W_hh = ρ·(orthogonal), beside ρ^k."""
    from mlnotes.rnn.gradients import hidden_gradient_norms

    norms = hidden_gradient_norms(float(rho), activation=activation)
    k = np.arange(norms.size)
    ax.plot(k, norms, color=BLUE if activation == "tanh" else ORANGE, lw=2.2, label=f"{activation} RNN (measured)")
    ax.plot(k, float(rho) ** k, color=GREY, ls="--", lw=1.2, label="ρᵏ")
    ax.axhline(1.0, color="0.75", lw=0.8)
    ax.set_yticks([10.0 ** e for e in range(-15, 21, 5)])
    ax.set(yscale="log", ylim=GRAD_YLIM, xlim=(0, norms.size - 1), xlabel="steps back k",
           ylabel=r"$\Vert\partial L/\partial h_{T-k}\Vert$")
    ax.set_title(f"ρ = {rho:g}: after {norms.size - 1} steps the gradient is ×{norms[-1]:.1e}", fontsize=9)
    ax.legend(fontsize=8, loc="upper left")


def draw_gate_path(ax, gate_bias=0.0):
    """‖∂L/∂x_{T−k}‖ at initialisation for RNN, LSTM and GRU (gate bias added to the LSTM forget / GRU update
    gate), with the cell-state path's factor σ(b)^k."""
    from mlnotes.rnn.gradients import forget_gate_product, input_gradient_norms

    for cell in ("rnn", "lstm", "gru"):
        norms = input_gradient_norms(cell, float(gate_bias))
        ax.plot(np.arange(norms.size), norms, color=COLORS[cell], lw=2, label=LABELS[cell])
    k = np.arange(norms.size)
    ax.plot(k, 0.05 * forget_gate_product(float(gate_bias), norms.size), color=GREY, ls="--", lw=1.2,
            label="σ(b)ᵏ (scaled)")
    ax.set(yscale="log", ylim=(1e-14, 1), xlim=(0, norms.size - 1), xlabel="steps back k",
           ylabel=r"$\Vert\partial L/\partial x_{T-k}\Vert$ at initialisation")
    ax.set_title(f"gate bias b = {gate_bias:g}: forget gate ≈ σ(b) = {1 / (1 + np.exp(-gate_bias)):.2f}", fontsize=9)
    ax.legend(fontsize=8, loc="lower left")


def race_config(length: int, gate_open: bool):
    """The TaskConfig of one race setting (gate bias 0 = torch's default, or the open carry gate)."""
    from mlnotes.rnn.tasks import TaskConfig

    return TaskConfig(length=int(length), gate_bias=RACE_GATE_BIAS if gate_open else 0.0)


def race_curves(length: int, gate_open: bool) -> dict:
    """{cell: loss per step} of the three cells on the first-symbol task (cached in mlnotes.rnn.tasks.train)."""
    from mlnotes.rnn.tasks import train

    return {cell: train(cell, race_config(length, gate_open) if cell != "rnn" else race_config(length, False))
            for cell in ("rnn", "lstm", "gru")}


def draw_race(ax, length=25, gate_open=True):
    """Training loss (10-step mean) of RNN, LSTM and GRU on 'remember the first symbol' with T steps."""
    curves = race_curves(int(length), bool(gate_open))
    for cell, losses in curves.items():
        smooth = np.convolve(losses, np.ones(10) / 10, mode="valid")
        ax.plot(np.arange(smooth.size) + 9, smooth, color=COLORS[cell], lw=2,
                label=f"{LABELS[cell]}: last 10 steps {losses[-10:].mean():.3f}")
    ax.axhline(np.log(4), color=GREY, ls="--", lw=1, label="chance (ln 4)")
    ax.set(yscale="log", ylim=(1e-4, 3), xlim=(0, len(losses)), xlabel="Adam step", ylabel="training loss")
    gates = f"carry gates opened (bias +{RACE_GATE_BIAS:g})" if gate_open else "torch's default gate biases"
    ax.set_title(f"T = {length} steps, {gates}", fontsize=9)
    ax.legend(fontsize=8, loc="lower left")
