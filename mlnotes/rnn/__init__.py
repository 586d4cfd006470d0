r"""Recurrent networks (循环神经网络) from scratch: RNN, LSTM and GRU cells with backpropagation through time, equal
to ``torch.nn.RNN/LSTM/GRU`` (outputs, states and gradients); vanishing and exploding gradients; a tiny
long-memory task; word vectors and seq2seq helpers.

A recurrent cell maps $(x_t, h_{t-1}) \mapsto h_t$ with the same weights at every step; parameters use torch's
names and shapes (``weight_ih_l0`` $(GH, D)$, ``weight_hh_l0`` $(GH, H)$, two biases $(GH,)$; $G$ = 1, 4, 3 for RNN,
LSTM, GRU). The input's floating dtype is kept.

See chapter: chapters/rnn.md
"""

from mlnotes.rnn.cells import gru_step, lstm_step, rnn_step, sigmoid
from mlnotes.rnn.embedding import embed, embedding_size_rules, one_hot, wordpiece
from mlnotes.rnn.gradients import (forget_gate_product, hidden_gradient_norms, input_gradient_norms, orthogonal,
                                   scaled_rnn_params)
from mlnotes.rnn.seq2seq import teacher_forcing_inputs
from mlnotes.rnn.sequence import NAMES, backward, forward, init_params, param_count
from mlnotes.rnn.tasks import TaskConfig, first_symbol_batch, steps_to_learn, train

__all__ = [
    "forward", "backward", "init_params", "param_count", "NAMES",
    "rnn_step", "lstm_step", "gru_step", "sigmoid",
    "hidden_gradient_norms", "input_gradient_norms", "forget_gate_product", "orthogonal", "scaled_rnn_params",
    "TaskConfig", "first_symbol_batch", "train", "steps_to_learn",
    "one_hot", "embed", "embedding_size_rules", "wordpiece", "teacher_forcing_inputs",
]
